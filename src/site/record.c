/* record.c — recorded HTTP responses: ownership, the header view Node gives
 * the Observatory, and the JSON form shared with the Observatory oracle. */
#include <string.h>

#include <jansson.h>

#include "khien/site.h"
#include "site_int.h"

void
site_response_cleanup(struct kh_site_response *r)
{
	for (size_t i = 0; i < r->n_headers; i++) {
		kh_free(r->headers[i].name);
		kh_free(r->headers[i].value);
	}
	kh_free(r->headers);
	kh_free(r->url);
	kh_free(r->body);
	memset(r, 0, sizeof(*r));
}

void
kh_site_record_cleanup(struct kh_site_http_record *rec)
{
	if (rec == NULL)
		return;
	site_response_cleanup(&rec->auto_resp);
	site_response_cleanup(&rec->http);
	site_response_cleanup(&rec->https);
	site_response_cleanup(&rec->cors);
	for (size_t i = 0; i < rec->n_redirects; i++)
		kh_free(rec->redirects[i].url);
	kh_free(rec->redirects);
	kh_free(rec->hostname);
	kh_free(rec->session_url);
	kh_free(rec->cors_origin);
	memset(rec, 0, sizeof(*rec));
}

/* Node.js docs, http.IncomingMessage.headers: duplicates of these are
 * discarded (the first is kept); others are joined with ", ". */
static bool
node_single_valued(const char *name)
{
	static const char *const single[] = { "age", "authorization", "content-length",
		"content-type", "etag", "expires", "from", "host", "if-modified-since",
		"if-unmodified-since", "last-modified", "location", "max-forwards",
		"proxy-authorization", "referer", "retry-after", "server", "user-agent" };
	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		if (kh_str_casecmp(name, single[i]) == 0)
			return true;
	return false;
}

char *
kh_site_response_header(const struct kh_site_response *resp, const char *name)
{
	struct kh_buf b;
	bool found = false;

	kh_buf_init(&b, 0);
	for (size_t i = 0; resp != NULL && i < resp->n_headers; i++) {
		if (kh_str_casecmp(resp->headers[i].name, name) != 0)
			continue;
		if (found && node_single_valued(name))
			break;
		if ((found && kh_buf_append_str(&b, ", ") != KH_OK) ||
		    kh_buf_append_str(&b, resp->headers[i].value) != KH_OK) {
			kh_buf_cleanup(&b);
			return NULL;
		}
		found = true;
	}
	if (!found) {
		kh_buf_cleanup(&b);
		return NULL;
	}
	return kh_buf_steal(&b);
}

enum kh_err
site_response_add_header(struct kh_site_response *r, const char *name, size_t name_len,
                         const char *value, size_t value_len)
{
	struct kh_site_header *grown;
	char *n, *v;

	if ((grown = kh_reallocarray(r->headers, r->n_headers + 1, sizeof(*grown))) == NULL)
		return KH_ENOMEM;
	r->headers = grown;
	n = kh_strndup(name, name_len);
	v = kh_strndup(value, value_len);
	if (n == NULL || v == NULL) {
		kh_free(n);
		kh_free(v);
		return KH_ENOMEM;
	}
	r->headers[r->n_headers++] = (struct kh_site_header){ n, v };
	return KH_OK;
}

/* ---- JSON ---- */

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* Bodies that are not UTF-8 are recorded with each bad byte as U+FFFD. */
static json_t *
body_json(const struct kh_site_response *r)
{
	struct kh_buf b;
	json_t *j;

	if (r->body == NULL)
		return json_string("");
	if (kh_utf8_valid(r->body, r->body_len))
		return json_stringn(r->body, r->body_len);
	kh_buf_init(&b, 0);
	for (size_t i = 0; i < r->body_len; i++) {
		uint8_t c = (uint8_t)r->body[i];
		if ((c < 0x80 && c != 0 ? kh_buf_putc(&b, (char)c)
		                        : kh_buf_append_str(&b, "\xef\xbf\xbd")) != KH_OK) {
			kh_buf_cleanup(&b);
			return NULL;
		}
	}
	j = json_stringn((const char *)b.data, b.len);
	kh_buf_cleanup(&b);
	return j;
}

static json_t *
response_json(const struct kh_site_response *r)
{
	json_t *o, *hs;

	if (!r->present)
		return json_null();
	o = json_object();
	hs = json_array();
	for (size_t i = 0; o != NULL && hs != NULL && i < r->n_headers; i++)
		json_array_append_new(hs, json_pack("[ss]", r->headers[i].name,
		                                    kh_utf8_valid(r->headers[i].value,
		                                                  strlen(r->headers[i].value))
		                                            ? r->headers[i].value : ""));
	if (o == NULL || hs == NULL ||
	    json_object_set_new(o, "url", str_or_null(r->url)) != 0 ||
	    json_object_set_new(o, "status", json_integer(r->status)) != 0 ||
	    json_object_set_new(o, "verified", json_boolean(r->verified)) != 0 ||
	    json_object_set_new(o, "headers", hs) != 0 ||
	    json_object_set_new(o, "body", body_json(r)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

enum kh_err
kh_site_record_to_json(const struct kh_site_http_record *rec, struct kh_buf *out)
{
	json_t *o = json_object(), *route = json_array();
	enum kh_err r = KH_ENOMEM;

	for (size_t i = 0; route != NULL && i < rec->n_redirects; i++)
		json_array_append_new(route, json_pack("{sssi}", "url", rec->redirects[i].url,
		                                       "status", rec->redirects[i].status));
	if (o == NULL || route == NULL ||
	    json_object_set_new(o, "hostname", str_or_null(rec->hostname)) != 0 ||
	    json_object_set_new(o, "session_url", str_or_null(rec->session_url)) != 0 ||
	    json_object_set_new(o, "auto", response_json(&rec->auto_resp)) != 0 ||
	    json_object_set_new(o, "http", response_json(&rec->http)) != 0 ||
	    json_object_set_new(o, "https", response_json(&rec->https)) != 0 ||
	    json_object_set_new(o, "cors", response_json(&rec->cors)) != 0 ||
	    json_object_set_new(o, "cors_origin", str_or_null(rec->cors_origin)) != 0 ||
	    json_object_set(o, "http_redirects", route) != 0)
		goto out;
	r = kh_json_append(out, o, true);
 out:
	json_decref(route);
	json_decref(o);
	return r;
}

static enum kh_err
dup_opt(const json_t *obj, const char *key, char **out, struct kh_diag *diag)
{
	const json_t *v = json_object_get(obj, key);
	const char *s = kh_json_str(obj, key);

	*out = NULL;
	if (v != NULL && !json_is_string(v) && !json_is_null(v))
		return kh_diag_set(diag, KH_EFORMAT, "record", 0, "\"%s\": %s", key,
		                   KH_MSG("not a string", "không phải chuỗi"));
	if (s == NULL)
		return KH_OK;
	return (*out = kh_strdup(s)) != NULL ? KH_OK : KH_ENOMEM;
}

static enum kh_err
response_from(const json_t *j, struct kh_site_response *r, struct kh_diag *diag)
{
	const json_t *hs = json_object_get(j, "headers"), *h;
	const char *body;
	size_t i;
	enum kh_err e;

	if (j == NULL || json_is_null(j))
		return KH_OK;
	if (!json_is_object(j) || !json_is_integer(json_object_get(j, "status")) ||
	    (hs != NULL && !json_is_array(hs)))
		return kh_diag_set(diag, KH_EFORMAT, "record", 0, "response: bad shape");
	r->present = true;
	r->status = (int)json_integer_value(json_object_get(j, "status"));
	r->verified = json_is_true(json_object_get(j, "verified"));
	if ((e = dup_opt(j, "url", &r->url, diag)) != KH_OK)
		return e;
	json_array_foreach(hs, i, h) {
		const char *n = json_string_value(json_array_get(h, 0));
		const char *v = json_string_value(json_array_get(h, 1));
		if (n == NULL || v == NULL)
			return kh_diag_set(diag, KH_EFORMAT, "record", 0, "header %zu: not [name, value]", i);
		if ((e = site_response_add_header(r, n, strlen(n), v, strlen(v))) != KH_OK)
			return e;
	}
	body = kh_json_str(j, "body");
	r->body_len = body != NULL ? json_string_length(json_object_get(j, "body")) : 0;
	r->body = kh_strndup(body != NULL ? body : "", r->body_len);
	return r->body != NULL ? KH_OK : KH_ENOMEM;
}

static enum kh_err
route_from(const json_t *route, struct kh_site_http_record *rec, struct kh_diag *diag)
{
	const json_t *hop;
	size_t i;

	if (route == NULL)
		return KH_OK;
	if (!json_is_array(route))
		return kh_diag_set(diag, KH_EFORMAT, "record", 0, "http_redirects: not an array");
	if (json_array_size(route) > 0 &&
	    (rec->redirects = kh_calloc(json_array_size(route), sizeof(*rec->redirects))) == NULL)
		return KH_ENOMEM;
	json_array_foreach(route, i, hop) {
		const char *url = kh_json_str(hop, "url");
		if (url == NULL || !json_is_integer(json_object_get(hop, "status")))
			return kh_diag_set(diag, KH_EFORMAT, "record", 0, "http_redirects[%zu]", i);
		if ((rec->redirects[i].url = kh_strdup(url)) == NULL)
			return KH_ENOMEM;
		rec->redirects[i].status = (int)json_integer_value(json_object_get(hop, "status"));
		rec->n_redirects++;
	}
	return KH_OK;
}

enum kh_err
kh_site_record_from_json(struct kh_cur text, struct kh_site_http_record *rec,
                         struct kh_diag *diag)
{
	json_t *j = NULL;
	enum kh_err r;

	memset(rec, 0, sizeof(*rec));
	if ((r = kh_json_parse(text, "record", &j, diag)) != KH_OK)
		return r;
	if (!json_is_object(j)) {
		r = kh_diag_set(diag, KH_EFORMAT, "record", 0, "not a JSON object");
		goto out;
	}
	if ((r = dup_opt(j, "hostname", &rec->hostname, diag)) != KH_OK ||
	    (r = dup_opt(j, "session_url", &rec->session_url, diag)) != KH_OK ||
	    (r = dup_opt(j, "cors_origin", &rec->cors_origin, diag)) != KH_OK ||
	    (r = response_from(json_object_get(j, "auto"), &rec->auto_resp, diag)) != KH_OK ||
	    (r = response_from(json_object_get(j, "http"), &rec->http, diag)) != KH_OK ||
	    (r = response_from(json_object_get(j, "https"), &rec->https, diag)) != KH_OK ||
	    (r = response_from(json_object_get(j, "cors"), &rec->cors, diag)) != KH_OK ||
	    (r = route_from(json_object_get(j, "http_redirects"), rec, diag)) != KH_OK)
		goto out;
	r = KH_OK;
 out:
	json_decref(j);
	if (r != KH_OK)
		kh_site_record_cleanup(rec);
	return r;
}

enum kh_err
site_response_copy(const struct kh_site_response *from, struct kh_site_response *to)
{
	enum kh_err r;

	memset(to, 0, sizeof(*to));
	if (!from->present)
		return KH_OK;
	to->present = true;
	to->status = from->status;
	to->verified = from->verified;
	to->body_len = from->body_len;
	if ((from->url != NULL && (to->url = kh_strdup(from->url)) == NULL) ||
	    (to->body = kh_malloc(from->body_len + 1)) == NULL)
		goto fail;
	if (from->body != NULL)
		memcpy(to->body, from->body, from->body_len);
	to->body[from->body_len] = '\0';
	for (size_t i = 0; i < from->n_headers; i++)
		if ((r = site_response_add_header(to, from->headers[i].name,
		                                  strlen(from->headers[i].name),
		                                  from->headers[i].value,
		                                  strlen(from->headers[i].value))) != KH_OK)
			goto fail;
	return KH_OK;
 fail:
	site_response_cleanup(to);
	return KH_ENOMEM;
}
