/*
 * taxii_client.c — a TAXII 2.1 client over libcurl (OASIS TAXII 2.1 §4,
 * §5): discovery, API roots, collections, objects with added_after and
 * pagination, adding objects and polling their status.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "khien/ioc.h"
#include "khien/limits.h"

/* TAXII 2.1 §1.6.8: the media types of requests and responses. */
#define TAXII_MEDIA "application/taxii+json;version=2.1"
#define MAX_PAGES 100000

struct kh_taxii {
	CURL *curl;
	char *url;         /* as given, with a trailing slash */
	char *api_root;    /* resolved API root URL, with a trailing slash */
	char *user, *password, *token, *ca_file;
	long timeout_ms;
};

struct response {
	long status;
	struct kh_buf body;
	char date_added_last[64];
	bool too_large;
};

static char *
with_slash(const char *url)
{
	size_t n = strlen(url);
	char *s = kh_malloc(n + 2);

	if (s == NULL)
		return NULL;
	memcpy(s, url, n + 1);
	if (n == 0 || url[n - 1] != '/') {
		s[n] = '/';
		s[n + 1] = '\0';
	}
	return s;
}

void
kh_taxii_free(struct kh_taxii *tx)
{
	if (tx == NULL)
		return;
	if (tx->curl != NULL)
		curl_easy_cleanup(tx->curl);
	kh_free(tx->url);
	kh_free(tx->api_root);
	kh_free(tx->user);
	kh_free(tx->password);
	kh_free(tx->token);
	kh_free(tx->ca_file);
	kh_free(tx);
}

static bool
dup_opt(char **dst, const char *src)
{
	*dst = src != NULL ? kh_strdup(src) : NULL;
	return src == NULL || *dst != NULL;
}

enum kh_err
kh_taxii_new(const char *url, const struct kh_taxii_opts *opts, struct kh_taxii **out,
             struct kh_diag *diag)
{
	struct kh_taxii *tx = NULL;
	enum kh_err r = KH_ENOMEM;

	*out = NULL;
	if (url == NULL || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
		return kh_diag_set(diag, KH_EINVAL, url != NULL ? url : "", 0, "%s",
		                   KH_MSG("a TAXII server URL starts with https:// or http://",
		                          "địa chỉ máy chủ TAXII phải bắt đầu bằng https:// hoặc http://"));
	if ((tx = kh_calloc(1, sizeof(*tx))) == NULL)
		goto out;
	if ((tx->url = with_slash(url)) == NULL || (tx->curl = curl_easy_init()) == NULL)
		goto out;
	if (opts != NULL && (!dup_opt(&tx->user, opts->user) ||
	                     !dup_opt(&tx->password, opts->password) ||
	                     !dup_opt(&tx->token, opts->token) || !dup_opt(&tx->ca_file, opts->ca_file)))
		goto out;
	tx->timeout_ms = opts != NULL && opts->timeout_ms > 0 ? opts->timeout_ms : 30000;
	*out = tx;
	tx = NULL;
	r = KH_OK;
 out:
	kh_taxii_free(tx);
	return r;
}

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct response *rs = ctx;
	size_t len = size * n;

	if (kh_buf_append(&rs->body, p, len) != KH_OK) {
		rs->too_large = true;
		return 0; /* curl stops the transfer */
	}
	return len;
}

/* TAXII 2.1 §3.4: X-TAXII-Date-Added-Last, for the next added_after. */
static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	static const char name[] = "x-taxii-date-added-last:";
	struct response *rs = ctx;
	size_t len = size * n, k = sizeof(name) - 1;
	struct kh_cur v;

	if (len > k && strncasecmp(p, name, k) == 0) {
		v = kh_cur_make(p + k, len - k);
		kh_cur_trim(&v);
		if (v.len < sizeof(rs->date_added_last)) {
			memcpy(rs->date_added_last, v.p, v.len);
			rs->date_added_last[v.len] = '\0';
		}
	}
	return len;
}

static struct curl_slist *
headers_new(const struct kh_taxii *tx, bool has_body)
{
	struct curl_slist *h = NULL, *next;
	char auth[4096];

	if ((next = curl_slist_append(h, "Accept: " TAXII_MEDIA)) == NULL)
		return NULL;
	h = next;
	if (has_body && (next = curl_slist_append(h, "Content-Type: " TAXII_MEDIA)) != NULL)
		h = next;
	else if (has_body)
		goto fail;
	if (tx->token != NULL) {
		if (kh_snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tx->token) != KH_OK ||
		    (next = curl_slist_append(h, auth)) == NULL)
			goto fail;
		h = next;
	}
	return h;
 fail:
	curl_slist_free_all(h);
	return NULL;
}

static void
set_options(struct kh_taxii *tx, struct response *rs)
{
	CURL *c = tx->curl;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, tx->timeout_ms);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, rs);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, rs);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "khien-taxii/2.1");
	if (tx->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, tx->ca_file);
	if (tx->token == NULL && tx->user != NULL) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, tx->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, tx->password != NULL ? tx->password : "");
	}
}

/* A TAXII error message (§3.6: title, description) or the body's start. */
static enum kh_err
http_error(const char *url, struct response *rs, struct kh_diag *diag)
{
	json_t *err = NULL;
	const char *title = NULL;
	struct kh_diag ignore;

	if (rs->body.len > 0 && kh_json_parse(kh_buf_cur(&rs->body), url, &err, &ignore) == KH_OK)
		title = kh_json_str(err, "title");
	(void)kh_diag_set(diag, KH_EHTTP, url, 0, "HTTP %ld%s%s", rs->status,
	                  title != NULL ? ": " : "", title != NULL ? title : "");
	json_decref(err);
	return KH_EHTTP;
}

/*
 * One request; the JSON body of a 2xx answer is handed over in *out.
 * body may be NULL (GET).
 */
static enum kh_err
request(struct kh_taxii *tx, const char *url, const char *body, json_t **out,
        char *date_added_last, size_t dal_size, struct kh_diag *diag)
{
	struct response rs = { 0 };
	struct curl_slist *hdrs = NULL;
	char *ctype = NULL;
	CURLcode cc;
	enum kh_err r;

	*out = NULL;
	kh_buf_init(&rs.body, (size_t)KH_LIMIT(max_json_bytes));
	set_options(tx, &rs);
	if ((hdrs = headers_new(tx, body != NULL)) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	curl_easy_setopt(tx->curl, CURLOPT_URL, url);
	curl_easy_setopt(tx->curl, CURLOPT_HTTPHEADER, hdrs);
	if (body != NULL)
		curl_easy_setopt(tx->curl, CURLOPT_POSTFIELDS, body);
	if ((cc = curl_easy_perform(tx->curl)) != CURLE_OK) {
		r = rs.too_large ? kh_diag_limit(diag, url, "max_json_bytes", "TAXII response")
		                 : kh_diag_set(diag, cc == CURLE_SSL_CONNECT_ERROR ||
		                                     cc == CURLE_PEER_FAILED_VERIFICATION
		                                     ? KH_ETLS : KH_EHTTP,
		                               url, 0, "%s", curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(tx->curl, CURLINFO_RESPONSE_CODE, &rs.status);
	if (rs.status < 200 || rs.status > 299) {
		r = http_error(url, &rs, diag);
		goto out;
	}
	curl_easy_getinfo(tx->curl, CURLINFO_CONTENT_TYPE, &ctype);
	/* TAXII 2.1 §1.6.8: answers are application/taxii+json */
	if (ctype == NULL || strncasecmp(ctype, "application/taxii+json", 22) != 0) {
		r = kh_diag_set(diag, KH_EFORMAT, url, 0, "%s: %s",
		                KH_MSG("not a TAXII 2.1 answer (Content-Type)",
		                       "không phải câu trả lời TAXII 2.1 (Content-Type)"),
		                ctype != NULL ? ctype : "-");
		goto out;
	}
	if ((r = kh_json_parse(kh_buf_cur(&rs.body), url, out, diag)) != KH_OK)
		goto out;
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		r = kh_diag_set(diag, KH_EFORMAT, url, 0, "%s",
		                KH_MSG("answer is not a JSON object", "câu trả lời không phải đối tượng JSON"));
		goto out;
	}
	if (date_added_last != NULL)
		kh_strlcpy(date_added_last, rs.date_added_last, dal_size);
 out:
	curl_slist_free_all(hdrs);
	kh_buf_cleanup(&rs.body);
	return r;
}

enum kh_err
kh_taxii_discovery(struct kh_taxii *tx, json_t **out, struct kh_diag *diag)
{
	return request(tx, tx->url, NULL, out, NULL, 0, diag);
}

/* An api_roots entry may be relative to the server (§4.1.1). */
static char *
resolve(const char *base, const char *ref)
{
	const char *scheme_end, *host_end;
	char *joined;
	size_t n;

	if (strncmp(ref, "http://", 7) == 0 || strncmp(ref, "https://", 8) == 0)
		return with_slash(ref);
	scheme_end = strstr(base, "://");
	host_end = scheme_end != NULL ? strchr(scheme_end + 3, '/') : NULL;
	n = host_end != NULL ? (size_t)(host_end - base) : strlen(base);
	if ((joined = kh_malloc(n + strlen(ref) + 3)) == NULL)
		return NULL;
	(void)snprintf(joined, n + strlen(ref) + 3, "%.*s%s%s", (int)n, base,
	               ref[0] == '/' ? "" : "/", ref);
	char *s = with_slash(joined);
	kh_free(joined);
	return s;
}

enum kh_err
kh_taxii_api_root(struct kh_taxii *tx, const char **root, struct kh_diag *diag)
{
	json_t *doc = NULL, *roots;
	const char *pick;
	enum kh_err r;

	*root = NULL;
	if (tx->api_root != NULL) {
		*root = tx->api_root;
		return KH_OK;
	}
	if ((r = kh_taxii_discovery(tx, &doc, diag)) != KH_OK)
		return r;
	roots = json_object_get(doc, "api_roots");
	if (roots == NULL && json_object_get(doc, "max_content_length") != NULL) {
		tx->api_root = kh_strdup(tx->url); /* the URL is an API root (§4.2) */
	} else {
		pick = kh_json_str(doc, "default");
		if (pick == NULL)
			pick = json_string_value(json_array_get(roots, 0));
		if (pick == NULL) {
			json_decref(doc);
			return kh_diag_set(diag, KH_EFORMAT, tx->url, 0, "%s",
			                   KH_MSG("the server lists no API root",
			                          "máy chủ không có API root nào"));
		}
		tx->api_root = resolve(tx->url, pick);
	}
	json_decref(doc);
	if (tx->api_root == NULL)
		return KH_ENOMEM;
	*root = tx->api_root;
	return KH_OK;
}

/* root + path (path components already escaped). */
static enum kh_err
url_of(struct kh_taxii *tx, const char *path, struct kh_buf *out, struct kh_diag *diag)
{
	const char *root;
	enum kh_err r;

	kh_buf_reset(out);
	if ((r = kh_taxii_api_root(tx, &root, diag)) != KH_OK)
		return r;
	return kh_buf_printf(out, "%s%s", root, path);
}

enum kh_err
kh_taxii_collections(struct kh_taxii *tx, json_t **out, struct kh_diag *diag)
{
	struct kh_buf url;
	enum kh_err r;

	kh_buf_init(&url, 8192);
	*out = NULL;
	if ((r = url_of(tx, "collections/", &url, diag)) == KH_OK)
		r = request(tx, kh_buf_str(&url), NULL, out, NULL, 0, diag);
	kh_buf_cleanup(&url);
	return r;
}

/* {root}collections/{id}/{rest} with the id escaped. */
static enum kh_err
collection_url(struct kh_taxii *tx, const char *collection, const char *rest,
               struct kh_buf *url, struct kh_diag *diag)
{
	char *esc = curl_easy_escape(tx->curl, collection, 0);
	enum kh_err r;

	if (esc == NULL)
		return KH_ENOMEM;
	if ((r = url_of(tx, "collections/", url, diag)) == KH_OK)
		r = kh_buf_printf(url, "%s/%s", esc, rest);
	curl_free(esc);
	return r;
}

/* ?added_after=…&next=… */
static enum kh_err
add_query(struct kh_taxii *tx, struct kh_buf *url, const char *key, const char *value,
          bool *first)
{
	char *esc;
	enum kh_err r;

	if (value == NULL || value[0] == '\0')
		return KH_OK;
	if ((esc = curl_easy_escape(tx->curl, value, 0)) == NULL)
		return KH_ENOMEM;
	r = kh_buf_printf(url, "%c%s=%s", *first ? '?' : '&', key, esc);
	*first = false;
	curl_free(esc);
	return r;
}

/* Appends one page's objects; sets *next when the server says there is more. */
static enum kh_err
take_page(json_t *page, json_t *all, char **next, struct kh_diag *diag, const char *url)
{
	json_t *objs = json_object_get(page, "objects"), *more = json_object_get(page, "more");
	const char *nx = kh_json_str(page, "next");

	if (objs != NULL && !json_is_array(objs))
		return kh_diag_set(diag, KH_EFORMAT, url, 0, "%s",
		                   KH_MSG("envelope \"objects\" is not a list",
		                          "\"objects\" của phong bì không phải danh sách"));
	if (objs != NULL && json_array_extend(all, objs) != 0)
		return KH_ENOMEM;
	kh_free(*next);
	*next = NULL;
	if (json_is_true(more) && nx != NULL && (*next = kh_strdup(nx)) == NULL)
		return KH_ENOMEM;
	if (json_is_true(more) && nx == NULL)
		return kh_diag_set(diag, KH_EFORMAT, url, 0, "%s",
		                   KH_MSG("\"more\" without \"next\"", "có \"more\" mà không có \"next\""));
	return KH_OK;
}

enum kh_err
kh_taxii_get_objects(struct kh_taxii *tx, const char *collection, const char *added_after,
                     json_t **objects, char *last_added, size_t last_added_size,
                     struct kh_diag *diag)
{
	struct kh_buf url;
	json_t *all = json_array(), *page = NULL;
	char *next = NULL;
	enum kh_err r = all != NULL ? KH_OK : KH_ENOMEM;

	*objects = NULL;
	if (last_added != NULL && last_added_size > 0)
		last_added[0] = '\0';
	kh_buf_init(&url, 16384);
	for (int n_pages = 0; r == KH_OK; n_pages++) {
		bool first = true;
		if (n_pages == MAX_PAGES) {
			r = kh_diag_set(diag, KH_EFORMAT, tx->url, 0, "%s",
			                KH_MSG("the server keeps paging", "máy chủ phân trang mãi không hết"));
			break;
		}
		if ((r = collection_url(tx, collection, "objects/", &url, diag)) != KH_OK ||
		    (r = add_query(tx, &url, "added_after", added_after, &first)) != KH_OK ||
		    (r = add_query(tx, &url, "next", next, &first)) != KH_OK ||
		    (r = request(tx, kh_buf_str(&url), NULL, &page, last_added, last_added_size,
		                 diag)) != KH_OK ||
		    (r = take_page(page, all, &next, diag, kh_buf_str(&url))) != KH_OK)
			break;
		json_decref(page);
		page = NULL;
		if (next == NULL)
			break;
	}
	if (r == KH_OK) {
		*objects = all;
		all = NULL;
	}
	json_decref(page);
	json_decref(all);
	kh_free(next);
	kh_buf_cleanup(&url);
	return r;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0) {
	}
}

/* §5.4: poll {root}status/{id}/ until "complete". */
static enum kh_err
poll_status(struct kh_taxii *tx, json_t **status, int max_polls, struct kh_diag *diag)
{
	const char *state = kh_json_str(*status, "status"), *id = kh_json_str(*status, "id");
	struct kh_buf url;
	char *esc = NULL;
	long wait_ms = 100;
	enum kh_err r = KH_OK;

	kh_buf_init(&url, 8192);
	for (int i = 0; state != NULL && strcmp(state, "complete") != 0; i++) {
		json_t *next = NULL;
		if (i >= max_polls || id == NULL) {
			r = kh_diag_set(diag, KH_EHTTP, tx->url, 0, "%s (%s)",
			                KH_MSG("the server did not finish adding the objects",
			                       "máy chủ chưa thêm xong các đối tượng"), state);
			break;
		}
		sleep_ms(wait_ms);
		wait_ms = wait_ms < 2000 ? wait_ms * 2 : 2000;
		if ((esc = curl_easy_escape(tx->curl, id, 0)) == NULL) {
			r = KH_ENOMEM;
			break;
		}
		if ((r = url_of(tx, "status/", &url, diag)) != KH_OK ||
		    (r = kh_buf_printf(&url, "%s/", esc)) != KH_OK ||
		    (r = request(tx, kh_buf_str(&url), NULL, &next, NULL, 0, diag)) != KH_OK)
			break;
		curl_free(esc);
		esc = NULL;
		json_decref(*status);
		*status = next;
		state = kh_json_str(*status, "status");
		id = kh_json_str(*status, "id");
	}
	curl_free(esc);
	kh_buf_cleanup(&url);
	return r;
}

enum kh_err
kh_taxii_add_objects(struct kh_taxii *tx, const char *collection, const json_t *objects,
                     int max_polls, json_t **status, struct kh_diag *diag)
{
	struct kh_buf url, body;
	json_t *envelope = NULL, *st = NULL;
	enum kh_err r;

	if (status != NULL)
		*status = NULL;
	kh_buf_init(&url, 16384);
	kh_buf_init(&body, 0);
	/* §5.5: the request is an envelope {"objects": […]} */
	if ((envelope = json_pack("{s:O}", "objects", objects)) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((r = kh_json_append(&body, envelope, false)) != KH_OK ||
	    (r = collection_url(tx, collection, "objects/", &url, diag)) != KH_OK ||
	    (r = request(tx, kh_buf_str(&url), kh_buf_str(&body), &st, NULL, 0, diag)) != KH_OK ||
	    (r = poll_status(tx, &st, max_polls, diag)) != KH_OK)
		goto out;
	if (status != NULL) {
		*status = st;
		st = NULL;
	}
 out:
	json_decref(envelope);
	json_decref(st);
	kh_buf_cleanup(&url);
	kh_buf_cleanup(&body);
	return r;
}
