/* http.c — fetching with libcurl the way the MDN Observatory's retriever
 * does (src/retriever/retriever.js, session.js): an http:// and an https://
 * session, redirects followed by hand and recorded, a retry without
 * certificate checks when the certificate is bad, and a CORS preflight.
 * Every transfer is bounded in time and in body and header bytes. */
#include <string.h>

#include <curl/curl.h>

#include "khien/limits.h"
#include "khien/site.h"
#include "site_int.h"

/* session.js MAX_REDIRECTS */
#define OBS_MAX_REDIRECTS 10

struct transfer {
	struct kh_site_response *resp;
	struct kh_buf body;
	size_t header_bytes;
	bool body_limit_hit, header_limit_hit;
	bool headers_done; /* the blank line ending the headers was seen */
	char location[2048];
};

static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct transfer *t = ctx;
	size_t len = size * n;
	struct kh_cur line = kh_cur_make(p, len), name;

	t->header_bytes += len;
	if (t->header_bytes > KH_LIMIT(max_site_header_bytes)) {
		t->header_limit_hit = true;
		return 0; /* abort the transfer */
	}
	kh_cur_trim(&line);
	if (kh_cur_accept(&line, "HTTP/")) {
		/* a new response (after 100 Continue, or a proxy): start over */
		for (size_t i = 0; i < t->resp->n_headers; i++) {
			kh_free(t->resp->headers[i].name);
			kh_free(t->resp->headers[i].value);
		}
		t->resp->n_headers = 0;
		t->headers_done = false;
		return len;
	}
	if (line.len == 0) {
		t->headers_done = true;
		return len;
	}
	if (!kh_cur_take_until(&line, ':', &name) || line.p == NULL || name.len == 0)
		return len;
	kh_cur_trim(&name);
	kh_cur_trim(&line);
	if (site_response_add_header(t->resp, (const char *)name.p, name.len,
	                             line.p != NULL ? (const char *)line.p : "", line.len) != KH_OK)
		return 0;
	if (kh_str_casecmp(t->resp->headers[t->resp->n_headers - 1].name, "location") == 0 &&
	    t->location[0] == '\0')
		kh_strlcpy(t->location, t->resp->headers[t->resp->n_headers - 1].value,
		           sizeof(t->location));
	return len;
}

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct transfer *t = ctx;

	if (kh_buf_append(&t->body, p, size * n) != KH_OK) {
		t->body_limit_hit = true;
		return 0;
	}
	return size * n;
}

struct fetch_opts {
	const struct kh_site_opts *site;
	bool verify;
	const char *method; /* NULL: GET */
	struct curl_slist *headers;
};

/* One request, no redirect following. Returns KH_OK when a response came
 * back (any status), KH_ETLS on a certificate problem, KH_EIO otherwise,
 * KH_ELIMIT when a size limit cut it short (the response is kept). */
static enum kh_err
fetch_one(const char *url, const struct fetch_opts *fo, struct kh_site_response *resp,
          char *location, size_t location_size, struct kh_diag *diag)
{
	struct transfer t = { .resp = resp };
	CURL *curl = curl_easy_init();
	CURLcode cc;
	long status = 0;
	enum kh_err r;

	memset(resp, 0, sizeof(*resp));
	if (curl == NULL)
		return KH_ENOMEM;
	kh_buf_init(&t.body, KH_LIMIT(max_site_body_bytes));
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)site_timeout_ms(fo->site));
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)site_timeout_ms(fo->site));
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "khien-site/" KHIEN_VERSION);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, fo->headers);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, fo->verify ? 1L : 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, fo->verify ? 2L : 0L);
	if (fo->site->ca_file != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, fo->site->ca_file);
	if (fo->method != NULL)
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, fo->method);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
	cc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	/* curl takes a connection closed inside the headers as the end of a
	 * body-less response; that is a broken server, not a 200 */
	if (cc == CURLE_OK && !t.headers_done)
		cc = CURLE_RECV_ERROR;
	if (cc == CURLE_OK || (t.body_limit_hit && status > 0)) {
		resp->present = true;
		resp->status = (int)status;
		resp->verified = fo->verify;
		resp->body_len = t.body.len;
		resp->body = kh_buf_steal(&t.body);
		resp->url = kh_strdup(url);
		kh_strlcpy(location, t.location, location_size);
		r = resp->body == NULL || resp->url == NULL ? KH_ENOMEM : KH_OK;
		if (r == KH_OK && t.body_limit_hit)
			r = kh_diag_limit(diag, url, "max_site_body_bytes", KH_MSG("response body", "nội dung trả về"));
	} else if (t.header_limit_hit) {
		r = kh_diag_limit(diag, url, "max_site_header_bytes", KH_MSG("response headers", "phần đầu trả về"));
	} else if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE) {
		r = kh_diag_set(diag, KH_ETLS, url, 0, "%s", curl_easy_strerror(cc));
	} else if (cc == CURLE_RECV_ERROR && !t.headers_done) {
		r = kh_diag_set(diag, KH_EIO, url, 0, "%s", KH_MSG("connection closed inside the response headers",
		                                                   "kết nối đóng giữa phần đầu phản hồi"));
	} else {
		r = kh_diag_set(diag, KH_EIO, url, 0, "%s", curl_easy_strerror(cc));
	}
	if (r != KH_OK && r != KH_ELIMIT) {
		site_response_cleanup(resp);
	}
	kh_buf_cleanup(&t.body);
	curl_easy_cleanup(curl);
	return r;
}

static bool
is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Location resolved against the URL it came from (RFC 3986 5.2). */
static char *
resolve(const char *base, const char *location)
{
	CURLU *u = curl_url();
	char *joined = NULL, *out = NULL;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, location, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &joined, 0) == CURLUE_OK)
		out = kh_strdup(joined);
	curl_free(joined);
	curl_url_cleanup(u);
	return out;
}

static enum kh_err
add_hop(struct kh_site_hop **route, size_t *n, const char *url, int status)
{
	struct kh_site_hop *grown;

	if (route == NULL)
		return KH_OK;
	if ((grown = kh_reallocarray(*route, *n + 1, sizeof(*grown))) == NULL)
		return KH_ENOMEM;
	*route = grown;
	if ((grown[*n].url = kh_strdup(url)) == NULL)
		return KH_ENOMEM;
	grown[(*n)++].status = status;
	return KH_OK;
}

static void
clear_route(struct kh_site_hop **route, size_t *n)
{
	for (size_t i = 0; route != NULL && i < *n; i++)
		kh_free((*route)[i].url);
	if (route != NULL) {
		kh_free(*route);
		*route = NULL;
		*n = 0;
	}
}

/* session.js: follows up to 10 redirects by hand, recording each response;
 * on a certificate error starts again without verification. */
static enum kh_err
run_session(const char *start, const struct kh_site_opts *opts, struct kh_site_response *final,
            struct kh_site_hop **route, size_t *n_route, struct kh_diag *diag)
{
	struct fetch_opts fo = { .site = opts, .verify = true };
	char location[2048], *url = NULL, *next;
	enum kh_err r = KH_OK;

	fo.headers = curl_slist_append(NULL,
		"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
	if (fo.headers == NULL)
		return KH_ENOMEM;
 again:
	kh_free(url);
	if ((url = kh_strdup(start)) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	for (int hop = 0;; hop++) {
		r = fetch_one(url, &fo, final, location, sizeof(location), diag);
		if (r == KH_ETLS && fo.verify) {
			/* session.js: a certificate error is retried unverified */
			kh_diag_clear(diag);
			fo.verify = false;
			clear_route(route, n_route);
			goto again;
		}
		if (r != KH_OK && r != KH_ELIMIT)
			goto out;
		if ((r = add_hop(route, n_route, url, final->status)) != KH_OK)
			goto out;
		if (!is_redirect(final->status) || location[0] == '\0')
			break;
		if (hop >= OBS_MAX_REDIRECTS) {
			/* scored like the Observatory (its last response), but said */
			(void)kh_diag_set(diag, KH_EIO, start, 0, "%s %d", KH_MSG("redirect loop: more than",
			                  "chuyển hướng vòng lặp: quá"), OBS_MAX_REDIRECTS);
			break;
		}
		if ((next = resolve(url, location)) == NULL)
			break; /* an unusable Location: this response is the last */
		site_response_cleanup(final);
		kh_free(url);
		url = next;
	}
 out:
	kh_free(url);
	curl_slist_free_all(fo.headers);
	return r;
}

/* retriever.js: OPTIONS with Origin to the https session's last URL. */
static enum kh_err
preflight(struct kh_site_http_record *rec, const struct kh_site_opts *opts)
{
	struct fetch_opts fo = { .site = opts, .verify = rec->https.verified, .method = "OPTIONS" };
	char location[2048];
	enum kh_err r;

	fo.headers = curl_slist_append(NULL, "Access-Control-Request-Method: GET");
	if (fo.headers != NULL)
		fo.headers = curl_slist_append(fo.headers,
		                               "Origin: https://http-observatory.security.mozilla.org");
	if (fo.headers == NULL)
		return KH_ENOMEM;
	r = fetch_one(rec->https.url, &fo, &rec->cors, location, sizeof(location), NULL);
	curl_slist_free_all(fo.headers);
	return r == KH_ENOMEM ? r : KH_OK;
}

enum kh_err
site_http_fetch(const char *https_url, const char *http_url, const char *hostname,
                const struct kh_site_opts *opts, struct kh_site_http_record *rec,
                struct kh_diag *diag)
{
	struct kh_diag d_http, d_https;
	enum kh_err r;

	memset(rec, 0, sizeof(*rec));
	kh_diag_clear(&d_http);
	kh_diag_clear(&d_https);
	if ((rec->hostname = kh_strdup(hostname)) == NULL ||
	    (rec->session_url = kh_strdup(https_url)) == NULL)
		return KH_ENOMEM;
	r = run_session(http_url, opts, &rec->http, &rec->redirects, &rec->n_redirects, &d_http);
	if (r == KH_ENOMEM)
		return r;
	r = run_session(https_url, opts, &rec->https, NULL, NULL, &d_https);
	if (r == KH_ENOMEM)
		return r;
	/* each session's problem, named by its URL (one must not hide the other) */
	if (d_http.msg[0] != '\0' || d_https.msg[0] != '\0')
		(void)kh_diag_set(diag, KH_EIO, NULL, 0, "%s%s%s%s%s%s%s", d_http.file,
		                  d_http.msg[0] ? ": " : "", d_http.msg,
		                  d_http.msg[0] && d_https.msg[0] ? "; " : "", d_https.file,
		                  d_https.msg[0] ? ": " : "", d_https.msg);
	/* retriever.js: the graded response is the https session's */
	if ((r = site_response_copy(&rec->https, &rec->auto_resp)) != KH_OK)
		return r;
	if (rec->https.present && rec->https.url != NULL)
		return preflight(rec, opts);
	return KH_OK;
}

enum kh_err
site_http_get(const char *url, const struct kh_site_opts *opts,
              struct kh_site_response *resp, struct kh_diag *diag)
{
	struct fetch_opts fo = { .site = opts, .verify = false };
	char location[2048];

	return fetch_one(url, &fo, resp, location, sizeof(location), diag);
}
