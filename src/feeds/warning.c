/*
 * warning.c — national warnings entered by hand (letters from the
 * Authority of Information Security and the provincial department): the
 * JSON and CSV forms of docs/feeds.md, and `feeds add-warning`.
 */
#include <stdio.h>
#include <string.h>

#include "feeds_int.h"
#include "khien/limits.h"
#include "khien/store.h"

static enum kh_err
bad(struct kh_diag *diag, const char *field, const char *why)
{
	return kh_diag_set(diag, KH_EFORMAT, NULL, 0, "%s: %s", field, why);
}

static bool
is_date(const char *s)
{
	time_t t;

	return s != NULL && strlen(s) == 10 && kh_time_parse_date(s, &t) == KH_OK;
}

static enum kh_err
add_event(struct kh_feeds_range *rg, enum kh_feeds_event_kind kind, const char *v, size_t n)
{
	struct kh_feeds_event *ev = feeds_grow(&rg->events, &rg->n_events, sizeof(*ev));

	if (ev == NULL)
		return KH_ENOMEM;
	ev->kind = kind;
	return (ev->version = kh_strndup(v, n)) == NULL ? KH_ENOMEM : KH_OK;
}

static bool
is_sep(int c)
{
	return c == ' ' || c == '\t' || c == ',' || c == ';';
}

/* One condition ">=V", "<V", "<=V", "=V" or "V" (docs/feeds.md). */
static enum kh_err
condition(const char *s, size_t n, struct kh_feeds_affected *aff, struct kh_feeds_range *rg,
          bool *closed, bool *opened, struct kh_diag *diag)
{
	enum kh_err r;
	char *v;

	if (n >= 2 && s[0] == '>' && s[1] == '=') {
		*opened = true;
		return n > 2 ? add_event(rg, KH_FEEDS_EV_INTRODUCED, s + 2, n - 2)
		             : bad(diag, "affected", KH_MSG("'>=' without a version", "'>=' thiếu phiên bản"));
	}
	if (n >= 2 && s[0] == '<' && s[1] == '=') {
		*closed = true;
		return n > 2 ? add_event(rg, KH_FEEDS_EV_LAST_AFFECTED, s + 2, n - 2)
		             : bad(diag, "affected", KH_MSG("'<=' without a version", "'<=' thiếu phiên bản"));
	}
	if (s[0] == '<') {
		*closed = true;
		return n > 1 ? add_event(rg, KH_FEEDS_EV_FIXED, s + 1, n - 1)
		             : bad(diag, "affected", KH_MSG("'<' without a version", "'<' thiếu phiên bản"));
	}
	if (s[0] == '>')
		return bad(diag, "affected", KH_MSG("'>V' cannot be stored: write '>=' the next version",
		                                    "không lưu được '>V': hãy viết '>=' phiên bản kế tiếp"));
	if (s[0] == '=')
		s++, n--;
	if (n == 0)
		return bad(diag, "affected", KH_MSG("empty version", "phiên bản rỗng"));
	if ((v = kh_strndup(s, n)) == NULL)
		return KH_ENOMEM;
	r = feeds_strv_add(&aff->versions, &aff->n_versions, v);
	kh_free(v);
	return r;
}

static enum kh_err
conditions(const char *spec, const char *fixed, struct kh_feeds_affected *aff, struct kh_diag *diag)
{
	struct kh_feeds_range *rg;
	bool closed = false, opened = false;
	enum kh_err r;

	if ((rg = feeds_grow(&aff->ranges, &aff->n_ranges, sizeof(*rg))) == NULL ||
	    (rg->type = kh_strdup("ECOSYSTEM")) == NULL)
		return KH_ENOMEM;
	for (const char *p = spec != NULL ? spec : ""; *p != '\0';) {
		size_t n = 0;
		while (is_sep((unsigned char)*p))
			p++;
		while (p[n] != '\0' && !is_sep((unsigned char)p[n]))
			n++;
		if (n > 0 && (r = condition(p, n, aff, rg, &closed, &opened, diag)) != KH_OK)
			return r;
		p += n;
	}
	if (!closed && fixed != NULL && fixed[0] != '\0' &&
	    (r = add_event(rg, KH_FEEDS_EV_FIXED, fixed, strlen(fixed))) != KH_OK)
		return r;
	if ((closed || (fixed != NULL && fixed[0] != '\0')) && !opened &&
	    (r = add_event(rg, KH_FEEDS_EV_INTRODUCED, "0", 1)) != KH_OK)
		return r;
	if (rg->n_events == 0) { /* only a list of versions */
		kh_free(rg->type);
		aff->n_ranges--;
	}
	return KH_OK;
}

static enum kh_err
product(const json_t *rec, struct kh_feeds_advisory *adv, struct kh_diag *diag)
{
	const char *vendor = kh_json_str(rec, "vendor"), *prod = kh_json_str(rec, "product");
	const char *eco = kh_json_str(rec, "ecosystem"), *pkg = kh_json_str(rec, "package");
	const char *fixed = kh_json_str(rec, "fixed");
	struct kh_feeds_affected *aff;
	struct kh_buf name;
	enum kh_err r;

	if ((vendor == NULL || !vendor[0]) != (prod == NULL || !prod[0]) ||
	    (eco == NULL || !eco[0]) != (pkg == NULL || !pkg[0]))
		return bad(diag, "product", KH_MSG("give vendor with product, or ecosystem with package",
		                                   "cần vendor cùng product, hoặc ecosystem cùng package"));
	if ((vendor == NULL || !vendor[0]) && (eco == NULL || !eco[0]))
		return KH_OK; /* the warning names CVEs only */
	if ((aff = feeds_grow(&adv->affected, &adv->n_affected, sizeof(*aff))) == NULL)
		return KH_ENOMEM;
	kh_buf_init(&name, 4096);
	if (eco != NULL && eco[0])
		r = kh_buf_append_str(&name, pkg);
	else
		r = kh_buf_printf(&name, "%s:%s", vendor, prod);
	if (r != KH_OK || (aff->package = kh_buf_steal(&name)) == NULL ||
	    (aff->ecosystem = kh_strdup(eco != NULL && eco[0] ? eco : "cpe")) == NULL) {
		kh_buf_cleanup(&name);
		return r != KH_OK ? r : KH_ENOMEM;
	}
	if (fixed != NULL && fixed[0] && (aff->fixed_version = kh_strdup(fixed)) == NULL)
		return KH_ENOMEM;
	return conditions(kh_json_str(rec, "affected"), fixed, aff, diag);
}

static enum kh_err
check(const json_t *rec, struct kh_diag *diag)
{
	const json_t *cves = json_object_get(rec, "cves");
	const char *number = kh_json_str(rec, "number"), *issuer = kh_json_str(rec, "issuer");
	const char *deadline = kh_json_str(rec, "deadline");
	size_t i;
	json_t *c;

	if (number == NULL || number[0] == '\0')
		return bad(diag, "number", KH_MSG("missing", "bị thiếu"));
	if (!is_date(kh_json_str(rec, "date")))
		return bad(diag, "date", KH_MSG("missing or not a date (YYYY-MM-DD)",
		                                "thiếu hoặc không phải ngày (YYYY-MM-DD)"));
	if (issuer == NULL || issuer[0] == '\0')
		return bad(diag, "issuer", KH_MSG("missing", "bị thiếu"));
	if (deadline != NULL && deadline[0] != '\0' && !is_date(deadline))
		return bad(diag, "deadline", KH_MSG("not a date (YYYY-MM-DD)", "không phải ngày (YYYY-MM-DD)"));
	if (!json_is_array(cves) || json_array_size(cves) == 0)
		return bad(diag, "cves", KH_MSG("at least one CVE is needed", "cần ít nhất một CVE"));
	json_array_foreach(cves, i, c)
		if (!feeds_is_cve(json_string_value(c)))
			return bad(diag, "cves", KH_MSG("not a CVE id", "không phải mã CVE"));
	return KH_OK;
}

enum kh_err
feeds_warning_json_record(const json_t *rec, struct kh_feeds_advisory **out, struct kh_diag *diag)
{
	struct kh_feeds_advisory *adv = NULL;
	char source[300];
	enum kh_err r;
	size_t i;
	json_t *c;

	*out = NULL;
	if (!json_is_object(rec))
		return bad(diag, "warnings[]", KH_MSG("not an object", "không phải đối tượng"));
	if ((r = check(rec, diag)) != KH_OK)
		return r;
	if ((adv = kh_feeds_advisory_new(KH_FEEDS_WARNING)) == NULL)
		return KH_ENOMEM;
	snprintf(source, sizeof(source), "warning:%s", kh_json_str(rec, "issuer"));
	r = KH_ENOMEM;
	if ((adv->source = kh_strdup(source)) == NULL)
		goto out;
	if ((r = feeds_dup_str(rec, "number", &adv->id)) != KH_OK ||
	    (r = feeds_dup_str(rec, "date", &adv->published)) != KH_OK ||
	    (r = feeds_dup_str(rec, "issuer", &adv->issuer)) != KH_OK ||
	    (r = feeds_dup_str(rec, "title", &adv->title)) != KH_OK ||
	    (r = feeds_dup_str(rec, "deadline", &adv->deadline)) != KH_OK)
		goto out;
	if (adv->deadline != NULL && adv->deadline[0] == '\0') {
		kh_free(adv->deadline);
		adv->deadline = NULL;
	}
	json_array_foreach(json_object_get(rec, "cves"), i, c)
		if ((r = feeds_strv_add(&adv->cves, &adv->n_cves, json_string_value(c))) != KH_OK)
			goto out;
	if ((r = product(rec, adv, diag)) != KH_OK)
		goto out;
	*out = adv;
	adv = NULL;
 out:
	kh_feeds_advisory_free(adv);
	return r;
}

enum kh_err
feeds_warning_split_json(struct feeds_run *run, const json_t *doc, struct kh_diag *diag)
{
	const json_t *list = json_object_get(doc, "warnings");
	enum kh_err r;
	size_t i;
	json_t *w;

	if (!json_is_array(list))
		return kh_diag_set(diag, KH_EFORMAT, run->what, 0, "%s",
		                   KH_MSG("no \"warnings\" array", "thiếu mảng \"warnings\""));
	json_array_foreach(list, i, w)
		if ((r = feeds_run_record(run, w, i + 1)) != KH_OK)
			return r;
	return KH_OK;
}

/* ---- CSV form ------------------------------------------------------------ */

static const char *const csv_columns[] = {
	"number", "date", "issuer", "cves", "vendor", "product", "ecosystem", "package",
	"affected", "fixed", "deadline", "title",
};
#define N_COLUMNS (sizeof(csv_columns) / sizeof(csv_columns[0]))

/* Next field of an RFC 4180 line: quoted fields may hold commas and "". */
static bool
csv_field(struct kh_cur *line, struct kh_buf *out)
{
	uint8_t c;

	kh_buf_reset(out);
	if (kh_cur_accept(line, "\"")) {
		while (kh_cur_get_u8(line, &c)) {
			if (c == '"' && !kh_cur_accept(line, "\""))
				return kh_cur_accept(line, ",") || line->len == 0;
			if (kh_buf_putc(out, (char)c) != KH_OK)
				return false;
		}
		return false; /* unterminated quote */
	}
	while (kh_cur_get_u8(line, &c) && c != ',')
		if (kh_buf_putc(out, (char)c) != KH_OK)
			return false;
	return true;
}

static enum kh_err
csv_cves(json_t *rec, const char *text)
{
	json_t *arr = json_array();
	enum kh_err r = KH_OK;

	if (arr == NULL)
		return KH_ENOMEM;
	for (const char *p = text; *p != '\0' && r == KH_OK;) {
		size_t n = 0;
		while (is_sep((unsigned char)*p))
			p++;
		while (p[n] != '\0' && !is_sep((unsigned char)p[n]))
			n++;
		if (n > 0 && json_array_append_new(arr, json_stringn(p, n)) != 0)
			r = KH_ENOMEM;
		p += n;
	}
	if (json_object_set_new(rec, "cves", arr) != 0)
		r = KH_ENOMEM;
	return r;
}

static enum kh_err
csv_row(struct kh_cur line, json_t **out)
{
	struct kh_buf field;
	json_t *rec = json_object();
	enum kh_err r = KH_OK;

	*out = NULL;
	if (rec == NULL)
		return KH_ENOMEM;
	kh_buf_init(&field, KH_LIMIT(max_line_bytes));
	for (size_t i = 0; i < N_COLUMNS && r == KH_OK; i++) {
		if (!csv_field(&line, &field))
			r = KH_EFORMAT;
		else if (!kh_utf8_valid(field.data, field.len))
			r = KH_EFORMAT;
		else if (i == 3)
			r = csv_cves(rec, kh_buf_str(&field));
		else if (field.len > 0)
			r = kh_json_set_str(rec, csv_columns[i], kh_buf_str(&field));
	}
	kh_buf_cleanup(&field);
	if (r == KH_OK)
		*out = rec;
	else
		json_decref(rec);
	return r;
}

enum kh_err
feeds_warning_parse_csv(struct feeds_run *run, struct kh_cur data, struct kh_diag *diag)
{
	struct kh_cur line;
	bool too_long, header = false;
	size_t lineno = 0;
	enum kh_err r;

	while (kh_cur_get_line(&data, KH_LIMIT(max_line_bytes), &line, &too_long) || too_long) {
		json_t *rec;
		lineno++;
		if (too_long) {
			kh_feeds_stats_skip(run->stats, run->what, lineno, "%s",
			                    KH_MSG("line too long", "dòng quá dài"));
			continue;
		}
		if (!header) {
			if (!kh_cur_accept(&line, "number,date,issuer,cves,vendor,product,ecosystem,package,affected,fixed,deadline"))
				return kh_diag_set(diag, KH_EFORMAT, run->what, (long)lineno, "%s",
				                   KH_MSG("warning CSV header expected (docs/feeds.md)",
				                          "cần dòng tiêu đề CSV cảnh báo (docs/feeds.md)"));
			header = true;
			continue;
		}
		kh_cur_trim(&line);
		if (line.len == 0)
			continue;
		if ((r = csv_row(line, &rec)) == KH_ENOMEM)
			return r;
		if (r != KH_OK) {
			kh_feeds_stats_skip(run->stats, run->what, lineno, "%s",
			                    KH_MSG("malformed CSV row", "dòng CSV sai định dạng"));
			continue;
		}
		r = feeds_run_record(run, rec, lineno);
		json_decref(rec);
		if (r != KH_OK)
			return r;
	}
	return KH_OK;
}

/* ---- entered by hand --------------------------------------------------- */

static enum kh_err
set_opt(json_t *rec, const char *key, const char *value)
{
	return value == NULL || value[0] == '\0' ? KH_OK : kh_json_set_str(rec, key, value);
}

enum kh_err
kh_feeds_warning_record(const struct kh_feeds_warning_input *in, char **json_out,
                        struct kh_diag *diag)
{
	struct kh_feeds_advisory *adv = NULL;
	json_t *rec = json_object(), *cves = json_array();
	enum kh_err r = KH_ENOMEM;

	*json_out = NULL;
	if (rec == NULL || cves == NULL)
		goto out;
	for (size_t i = 0; i < in->n_cves; i++)
		if (json_array_append_new(cves, json_string(in->cves[i])) != 0)
			goto out;
	if (json_object_set(rec, "cves", cves) != 0)
		goto out;
	if ((r = set_opt(rec, "number", in->number)) != KH_OK || (r = set_opt(rec, "date", in->date)) != KH_OK ||
	    (r = set_opt(rec, "issuer", in->issuer)) != KH_OK || (r = set_opt(rec, "vendor", in->vendor)) != KH_OK ||
	    (r = set_opt(rec, "product", in->product)) != KH_OK ||
	    (r = set_opt(rec, "ecosystem", in->ecosystem)) != KH_OK ||
	    (r = set_opt(rec, "package", in->package)) != KH_OK ||
	    (r = set_opt(rec, "affected", in->affected)) != KH_OK || (r = set_opt(rec, "fixed", in->fixed)) != KH_OK ||
	    (r = set_opt(rec, "deadline", in->deadline)) != KH_OK || (r = set_opt(rec, "title", in->title)) != KH_OK)
		goto out;
	/* the same checks an import makes */
	if ((r = feeds_warning_json_record(rec, &adv, diag)) != KH_OK)
		goto out;
	r = (*json_out = feeds_json_dump(rec)) == NULL ? KH_ENOMEM : KH_OK;
 out:
	kh_feeds_advisory_free(adv);
	json_decref(cves);
	json_decref(rec);
	return r;
}

enum kh_err
kh_feeds_add_warning(struct kh_store *st, const struct kh_feeds_warning_input *in,
                     struct kh_diag *diag)
{
	struct kh_feeds_stats stats;
	struct kh_buf doc;
	char *rec = NULL;
	enum kh_err r;

	kh_feeds_stats_init(&stats);
	kh_buf_init(&doc, 0);
	if ((r = kh_feeds_warning_record(in, &rec, diag)) != KH_OK ||
	    (r = kh_buf_printf(&doc, "{\"warnings\":[%s]}", rec)) != KH_OK)
		goto out;
	r = kh_feeds_import_data(st, kh_buf_cur(&doc), "add-warning", KH_FEEDS_WARNING, &stats, diag);
	if (r == KH_OK && stats.n_records != 1)
		r = KH_EINTERNAL;
 out:
	kh_free(rec);
	kh_buf_cleanup(&doc);
	kh_feeds_stats_cleanup(&stats);
	return r;
}
