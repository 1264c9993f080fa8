/*
 * inventory_json.c — an inventory as JSON, schema "khien.inventory/1"
 * (docs/inventory.md, docs/schemas/inventory-1.json): writer and strict reader.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "khien/inventory.h"
#include "khien/limits.h"

/* Stable error codes for machines; the message is for people. */
static const char *const err_codes[KH_ERR_COUNT_] = {
	[KH_OK] = "ok",           [KH_ENOMEM] = "nomem",
	[KH_ETRUNCATED] = "truncated", [KH_EFORMAT] = "format",
	[KH_ETOO_LARGE] = "too_large", [KH_ELIMIT] = "limit",
	[KH_EIO] = "io",          [KH_ENOENT] = "not_found",
	[KH_EINVAL] = "invalid",  [KH_EUNSUPPORTED] = "unsupported",
	[KH_ETLS] = "tls",        [KH_EHTTP] = "http",
	[KH_EDB] = "db",          [KH_EINTERNAL] = "internal",
};

static const char *
err_code(enum kh_err err)
{
	return (unsigned)err < KH_ERR_COUNT_ ? err_codes[err] : "internal";
}

/* ---- writer ---------------------------------------------------------------- */

/* Adds obj[key] = value, taking the reference; false on ENOMEM. */
static bool
put(json_t *obj, const char *key, json_t *value)
{
	return value != NULL && json_object_set_new(obj, key, value) == 0;
}

static json_t *
str_or_null(const char *s)
{
	return s == NULL ? json_null() : json_string(s);
}

static json_t *
os_json(const struct kh_inventory_os *os)
{
	json_t *o = json_object();

	if (o == NULL || !put(o, "id", str_or_null(os->id)) ||
	    !put(o, "version_id", str_or_null(os->version_id)) ||
	    !put(o, "codename", str_or_null(os->codename)) ||
	    !put(o, "pretty_name", str_or_null(os->pretty_name)) ||
	    !put(o, "kernel", str_or_null(os->kernel)) ||
	    !put(o, "hostname", str_or_null(os->hostname)) ||
	    !put(o, "arch", str_or_null(os->arch))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
pkg_json(const struct kh_inventory_pkg *p)
{
	json_t *o = json_object();

	if (o == NULL || !put(o, "type", json_string(kh_inventory_type_name(p->type))) ||
	    !put(o, "name", str_or_null(p->name)) || !put(o, "version", str_or_null(p->version)) ||
	    !put(o, "arch", str_or_null(p->arch)) || !put(o, "source", str_or_null(p->source)) ||
	    !put(o, "source_version", str_or_null(p->source_version)) ||
	    (p->status != NULL && !put(o, "status", json_string(p->status)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
error_json(const struct kh_inventory_error *e)
{
	json_t *o = json_object();

	if (o == NULL || !put(o, "file", str_or_null(e->file)) ||
	    !put(o, "line", e->line > 0 ? json_integer(e->line) : json_null()) ||
	    !put(o, "code", json_string(err_code(e->err))) ||
	    !put(o, "message", json_string(e->message))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
counts_json(const struct kh_inventory *inv)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	for (int t = 0; t < KH_INVENTORY_TYPE_COUNT_; t++)
		if (!put(o, kh_inventory_type_name((enum kh_inventory_type)t),
		         json_integer((json_int_t)kh_inventory_count(inv, (enum kh_inventory_type)t)))) {
			json_decref(o);
			return NULL;
		}
	if (!put(o, "packages", json_integer((json_int_t)inv->n_pkgs)) ||
	    !put(o, "errors", json_integer((json_int_t)inv->n_errors)) ||
	    !put(o, "errors_omitted", json_integer((json_int_t)inv->n_errors_dropped))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Appends one element per item, built by make(); false on ENOMEM or bad UTF-8. */
static json_t *
array_of(const void *items, size_t n, size_t size, json_t *(*make)(const void *))
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		if (json_array_append_new(a, make((const char *)items + i * size)) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *pkg_json_v(const void *p) { return pkg_json(p); }
static json_t *error_json_v(const void *p) { return error_json(p); }

enum kh_err
kh_inventory_to_json(struct kh_inventory *inv, struct kh_buf *out, struct kh_diag *diag)
{
	char when[32];
	json_t *doc;
	enum kh_err r = KH_OK;

	kh_inventory_sort(inv);
	kh_time_iso8601(inv->collected_at, when, sizeof(when));
	/* jansson refuses strings that are not UTF-8 (NULL here): the parsers
	 * check every value they keep, so a NULL means out of memory. */
	if ((doc = json_object()) == NULL || !put(doc, "schema", json_string(KH_INVENTORY_SCHEMA)) ||
	    !put(doc, "collected_at", inv->collected_at != 0 ? json_string(when) : json_null()) ||
	    !put(doc, "root", str_or_null(inv->root)) ||
	    !put(doc, "complete", json_boolean(kh_inventory_complete(inv))) ||
	    !put(doc, "os", os_json(&inv->os)) || !put(doc, "counts", counts_json(inv)) ||
	    !put(doc, "packages", array_of(inv->pkgs, inv->n_pkgs, sizeof(inv->pkgs[0]), pkg_json_v)) ||
	    !put(doc, "errors",
	         array_of(inv->errors, inv->n_errors, sizeof(inv->errors[0]), error_json_v)))
		r = kh_diag_set(diag, KH_ENOMEM, NULL, 0, "%s",
		                KH_MSG("cannot build the JSON inventory (memory or non-UTF-8 text)",
		                       "không tạo được JSON (thiếu bộ nhớ hoặc văn bản không phải UTF-8)"));
	if (r == KH_OK)
		r = kh_json_append(out, doc, false);
	json_decref(doc);
	return r;
}

/* ---- reader ------------------------------------------------------------------ */

struct reader {
	const char *what;
	struct kh_diag *diag;
	struct kh_inventory *inv;
};

static enum kh_err bad(struct reader *rd, const char *fmt, ...) KH_PRINTF(2, 3);

static enum kh_err
bad(struct reader *rd, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return kh_diag_set(rd->diag, KH_EFORMAT, rd->what, 0, "%s", msg);
}

/* Only the documented keys, and extension keys starting with "x-". */
static enum kh_err
check_keys(struct reader *rd, const json_t *obj, const char *path, const char *const *keys)
{
	const char *key;
	json_t *value;

	json_object_foreach((json_t *)obj, key, value) {
		bool known = strncmp(key, "x-", 2) == 0;
		for (size_t i = 0; keys[i] != NULL && !known; i++)
			known = strcmp(keys[i], key) == 0;
		if (!known)
			return bad(rd, "%s: %s '%s'", path, KH_MSG("unknown key", "khóa lạ"), key);
	}
	return KH_OK;
}

/*
 * A string member into an owned copy: required or optional, nullable or
 * not, non-empty, without NUL bytes (JSON allows "\u0000"; C strings do not).
 */
enum { REQUIRED = 1, NULLABLE = 2 };

static enum kh_err
get_str(struct reader *rd, const json_t *obj, const char *path, const char *key,
        unsigned how, char **out)
{
	const json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL)
		return (how & REQUIRED) ? bad(rd, "%s.%s: %s", path, key,
		                             KH_MSG("missing", "thiếu")) : KH_OK;
	if (json_is_null(v) && (how & NULLABLE))
		return KH_OK;
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return bad(rd, "%s.%s: %s", path, key,
		           KH_MSG("expected a non-empty string", "cần một chuỗi không rỗng"));
	return (*out = kh_strdup(json_string_value(v))) == NULL ? KH_ENOMEM : KH_OK;
}

static enum kh_err
read_os(struct reader *rd, const json_t *os)
{
	static const char *const keys[] = { "id", "version_id", "codename", "pretty_name",
		                            "kernel", "hostname", "arch", NULL };
	struct kh_inventory_os *o = &rd->inv->os;
	char **slots[] = { &o->id, &o->version_id, &o->codename, &o->pretty_name,
		           &o->kernel, &o->hostname, &o->arch };
	enum kh_err r;

	if (!json_is_object(os))
		return bad(rd, "os: %s", KH_MSG("expected an object", "cần một đối tượng"));
	if ((r = check_keys(rd, os, "os", keys)) != KH_OK)
		return r;
	for (size_t i = 0; i < 7; i++) {
		unsigned how = NULLABLE | (i == 3 ? 0 : REQUIRED); /* pretty_name optional */
		if ((r = get_str(rd, os, "os", keys[i], how, slots[i])) != KH_OK)
			return r;
	}
	return KH_OK;
}

static enum kh_err
read_pkg(struct reader *rd, const json_t *p, size_t i)
{
	static const char *const keys[] = { "type", "name", "version", "arch", "source",
		                            "source_version", "status", NULL };
	struct kh_inventory_pkg pkg = { 0 };
	char path[64], *type = NULL;
	char **slots[] = { &type, &pkg.name, &pkg.version, &pkg.arch, &pkg.source,
		           &pkg.source_version, &pkg.status };
	struct kh_diag d;
	enum kh_err r;

	(void)snprintf(path, sizeof(path), "packages[%zu]", i);
	if (!json_is_object(p)) {
		r = bad(rd, "%s: %s", path, KH_MSG("expected an object", "cần một đối tượng"));
		goto out;
	}
	if ((r = check_keys(rd, p, path, keys)) != KH_OK)
		goto out;
	for (size_t k = 0; k < 7; k++)
		if ((r = get_str(rd, p, path, keys[k], k == 6 ? 0 : REQUIRED, slots[k])) != KH_OK)
			goto out;
	if (kh_inventory_type_parse(type, &pkg.type) != KH_OK) {
		r = bad(rd, "%s.type: %s '%s'", path, KH_MSG("unknown type", "loại lạ"), type);
		goto out;
	}
	if (pkg.status != NULL && pkg.type != KH_INVENTORY_DEB) {
		r = bad(rd, "%s.status: %s", path, KH_MSG("only for deb", "chỉ dành cho deb"));
		goto out;
	}
	kh_diag_clear(&d);
	if ((r = kh_inventory_add_pkg(rd->inv, &pkg, &d)) == KH_ELIMIT)
		r = kh_diag_limit(rd->diag, rd->what, "max_packages", "too many packages");
 out:
	kh_free(type);
	for (size_t k = 1; k < 7; k++)
		kh_free(*slots[k]);
	return r;
}

static enum kh_err
read_packages(struct reader *rd, const json_t *a)
{
	enum kh_err r;

	if (!json_is_array(a))
		return bad(rd, "packages: %s", KH_MSG("expected an array", "cần một mảng"));
	if (json_array_size(a) > KH_LIMIT(max_packages))
		return kh_diag_limit(rd->diag, rd->what, "max_packages", "too many packages");
	for (size_t i = 0; i < json_array_size(a); i++)
		if ((r = read_pkg(rd, json_array_get(a, i), i)) != KH_OK)
			return r;
	return KH_OK;
}

static enum kh_err
code_parse(const char *code, enum kh_err *out)
{
	for (int e = 1; e < KH_ERR_COUNT_; e++)
		if (strcmp(err_codes[e], code) == 0) {
			*out = (enum kh_err)e;
			return KH_OK;
		}
	return KH_EINVAL;
}

static enum kh_err
read_error(struct reader *rd, const json_t *e, size_t i)
{
	static const char *const keys[] = { "file", "line", "code", "message", NULL };
	char path[64], *file = NULL, *code = NULL, *message = NULL;
	const json_t *line = json_object_get(e, "line");
	enum kh_err r, kind = KH_EFORMAT;

	(void)snprintf(path, sizeof(path), "errors[%zu]", i);
	if (!json_is_object(e)) {
		r = bad(rd, "%s: %s", path, KH_MSG("expected an object", "cần một đối tượng"));
		goto out;
	}
	if ((r = check_keys(rd, e, path, keys)) != KH_OK ||
	    (r = get_str(rd, e, path, "file", REQUIRED | NULLABLE, &file)) != KH_OK ||
	    (r = get_str(rd, e, path, "code", REQUIRED, &code)) != KH_OK ||
	    (r = get_str(rd, e, path, "message", REQUIRED, &message)) != KH_OK)
		goto out;
	if (line == NULL || !(json_is_null(line) ||
	                      (json_is_integer(line) && json_integer_value(line) > 0 &&
	                       json_integer_value(line) <= 0x7fffffff))) {
		r = bad(rd, "%s.line: %s", path,
		        KH_MSG("expected a positive integer or null", "cần số nguyên dương hoặc null"));
		goto out;
	}
	if (code_parse(code, &kind) != KH_OK) {
		r = bad(rd, "%s.code: %s '%s'", path, KH_MSG("unknown code", "mã lạ"), code);
		goto out;
	}
	r = kh_inventory_add_error(rd->inv, file, json_is_null(line) ? 0 : (long)json_integer_value(line),
	                           kind, "%s", message);
 out:
	kh_free(file);
	kh_free(code);
	kh_free(message);
	return r;
}

static enum kh_err
read_errors(struct reader *rd, const json_t *a)
{
	enum kh_err r;

	if (!json_is_array(a))
		return bad(rd, "errors: %s", KH_MSG("expected an array", "cần một mảng"));
	if (json_array_size(a) > KH_LIMIT(max_inventory_errors))
		return kh_diag_limit(rd->diag, rd->what, "max_inventory_errors", "too many errors");
	for (size_t i = 0; i < json_array_size(a); i++)
		if ((r = read_error(rd, json_array_get(a, i), i)) != KH_OK)
			return r;
	return KH_OK;
}

/* One count: must be present, a non-negative integer equal to `want`. */
static enum kh_err
check_count(struct reader *rd, const json_t *counts, const char *key, size_t want)
{
	const json_t *v = json_object_get(counts, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return bad(rd, "counts.%s: %s", key,
		           KH_MSG("expected a non-negative integer", "cần số nguyên không âm"));
	if ((unsigned long long)json_integer_value(v) != (unsigned long long)want)
		return bad(rd, "counts.%s: %lld %s %zu", key, (long long)json_integer_value(v),
		           KH_MSG("but the document has", "nhưng tài liệu có"), want);
	return KH_OK;
}

/* counts is derived: it must agree with what the document lists. */
static enum kh_err
read_counts(struct reader *rd, const json_t *c)
{
	static const char *const keys[] = { "deb", "rpm", "apk", "packages", "errors",
		                            "errors_omitted", NULL };
	const json_t *omitted = json_object_get(c, "errors_omitted");
	enum kh_err r;

	if (!json_is_object(c))
		return bad(rd, "counts: %s", KH_MSG("expected an object", "cần một đối tượng"));
	if ((r = check_keys(rd, c, "counts", keys)) != KH_OK)
		return r;
	for (int t = 0; t < KH_INVENTORY_TYPE_COUNT_; t++)
		if ((r = check_count(rd, c, keys[t],
		                     kh_inventory_count(rd->inv, (enum kh_inventory_type)t))) != KH_OK)
			return r;
	if ((r = check_count(rd, c, "packages", rd->inv->n_pkgs)) != KH_OK ||
	    (r = check_count(rd, c, "errors", rd->inv->n_errors)) != KH_OK)
		return r;
	if (!json_is_integer(omitted) || json_integer_value(omitted) < 0)
		return bad(rd, "counts.errors_omitted: %s",
		           KH_MSG("expected a non-negative integer", "cần số nguyên không âm"));
	rd->inv->n_errors_dropped = (size_t)json_integer_value(omitted);
	return KH_OK;
}

/* "YYYY-MM-DDTHH:MM:SSZ", as the writer produces. */
static enum kh_err
read_time(struct reader *rd, const json_t *v)
{
	const char *s = json_string_value(v);
	char date[11];
	int64_t hh, mm, ss;
	char part[3] = { 0 };
	time_t day;

	if (json_is_null(v))
		return KH_OK;
	if (s == NULL || strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    s[19] != 'Z')
		goto fail;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (kh_time_parse_date(date, &day) != KH_OK)
		goto fail;
	memcpy(part, s + 11, 2);
	if (kh_str_to_i64(part, 0, 23, &hh) != KH_OK)
		goto fail;
	memcpy(part, s + 14, 2);
	if (kh_str_to_i64(part, 0, 59, &mm) != KH_OK)
		goto fail;
	memcpy(part, s + 17, 2);
	if (kh_str_to_i64(part, 0, 60, &ss) != KH_OK)
		goto fail;
	/* Before 1970 is no collection date: it is damage (and would not
	 * print back in this format). */
	if (day < 0)
		goto fail;
	rd->inv->collected_at = day + (time_t)(hh * 3600 + mm * 60 + ss);
	return KH_OK;
 fail:
	return bad(rd, "collected_at: %s",
	           KH_MSG("expected YYYY-MM-DDTHH:MM:SSZ or null", "cần YYYY-MM-DDTHH:MM:SSZ hoặc null"));
}

static enum kh_err
read_doc(struct reader *rd, const json_t *doc)
{
	static const char *const keys[] = { "schema", "collected_at", "root", "complete", "os",
		                            "counts", "packages", "errors", NULL };
	const char *schema = kh_json_str(doc, "schema");
	const json_t *complete = json_object_get(doc, "complete");
	const json_t *v;
	enum kh_err r;

	if (!json_is_object(doc))
		return bad(rd, "%s", KH_MSG("expected a JSON object", "cần một đối tượng JSON"));
	if (schema == NULL || strcmp(schema, KH_INVENTORY_SCHEMA) != 0)
		return bad(rd, "schema: %s \"%s\"", KH_MSG("expected", "cần"), KH_INVENTORY_SCHEMA);
	if ((r = check_keys(rd, doc, "$", keys)) != KH_OK ||
	    (r = get_str(rd, doc, "$", "root", NULLABLE, &rd->inv->root)) != KH_OK ||
	    ((v = json_object_get(doc, "collected_at")) != NULL && (r = read_time(rd, v)) != KH_OK) ||
	    (r = read_os(rd, json_object_get(doc, "os"))) != KH_OK ||
	    (r = read_packages(rd, json_object_get(doc, "packages"))) != KH_OK ||
	    (r = read_errors(rd, json_object_get(doc, "errors"))) != KH_OK ||
	    ((v = json_object_get(doc, "counts")) != NULL && (r = read_counts(rd, v)) != KH_OK))
		return r;
	if (complete != NULL &&
	    (!json_is_boolean(complete) || json_is_true(complete) != kh_inventory_complete(rd->inv)))
		return bad(rd, "complete: %s",
		           KH_MSG("must be a boolean that is true exactly when there are no errors",
		                  "phải là boolean, true khi và chỉ khi không có lỗi"));
	return KH_OK;
}

enum kh_err
kh_inventory_from_json(struct kh_cur in, const char *what, struct kh_inventory **out,
                       struct kh_diag *diag)
{
	struct reader rd = { .what = what, .diag = diag };
	json_t *doc = NULL;
	enum kh_err r;

	*out = NULL;
	kh_diag_clear(diag);
	if ((r = kh_json_parse(in, what, &doc, diag)) != KH_OK)
		goto out;
	if ((rd.inv = kh_inventory_new()) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((r = read_doc(&rd, doc)) != KH_OK)
		goto out;
	kh_inventory_sort(rd.inv);
	*out = rd.inv;
	rd.inv = NULL;
 out:
	if (r == KH_ENOMEM)
		(void)kh_diag_set(diag, r, what, 0, "%s", kh_strerror(r));
	kh_inventory_free(rd.inv);
	json_decref(doc);
	return r;
}
