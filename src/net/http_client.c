/*
 * http_client.c — HTTP GET over libcurl with conditional requests and a
 * bounded body: what `feeds update` downloads with.
 */
#include <ctype.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "khien/limits.h"
#include "khien/net.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result = CURLE_FAILED_INIT;

static void
init_curl(void)
{
	curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
kh_net_response_init(struct kh_net_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	kh_buf_init(&resp->body, 0);
}

void
kh_net_response_cleanup(struct kh_net_response *resp)
{
	kh_free(resp->etag);
	kh_free(resp->last_modified);
	kh_buf_cleanup(&resp->body);
	memset(resp, 0, sizeof(*resp));
}

struct transfer {
	struct kh_net_response *resp;
	bool too_large;
	bool nomem;
};

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct transfer *t = ctx;
	enum kh_err r;

	(void)size; /* libcurl: always 1 */
	r = kh_buf_append(&t->resp->body, p, n);

	if (r == KH_ELIMIT)
		t->too_large = true;
	else if (r != KH_OK)
		t->nomem = true;
	return r == KH_OK ? n : 0; /* 0 makes libcurl stop with CURLE_WRITE_ERROR */
}

/* "Name: value\r\n" → value when the name matches (RFC 9110: case-insensitive). */
static char *
header_value(struct kh_cur line, const char *name)
{
	size_t n = strlen(name);

	if (line.len <= n || strncasecmp((const char *)line.p, name, n) != 0 || line.p[n] != ':')
		return NULL;
	line.p += n + 1;
	line.len -= n + 1;
	kh_cur_trim(&line);
	return kh_cur_dup(&line);
}

static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct transfer *t = ctx;
	struct kh_cur line = kh_cur_make(p, n);
	char *v;

	(void)size;
	/* a redirect's headers are followed by the final response's: keep the last */
	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		kh_free(t->resp->etag);
		kh_free(t->resp->last_modified);
		t->resp->etag = t->resp->last_modified = NULL;
		kh_buf_reset(&t->resp->body);
	} else if ((v = header_value(line, "ETag")) != NULL) {
		kh_free(t->resp->etag);
		t->resp->etag = v;
	} else if ((v = header_value(line, "Last-Modified")) != NULL) {
		kh_free(t->resp->last_modified);
		t->resp->last_modified = v;
	}
	return n;
}

static enum kh_err
add_header(struct curl_slist **list, const char *name, const char *value)
{
	struct kh_buf h;
	struct curl_slist *grown;
	enum kh_err r;

	if (value == NULL || value[0] == '\0')
		return KH_OK;
	/* a value with CR or LF would smuggle another header */
	if (strpbrk(value, "\r\n") != NULL)
		return KH_EINVAL;
	kh_buf_init(&h, 8192);
	if ((r = kh_buf_printf(&h, "%s: %s", name, value)) == KH_OK) {
		if ((grown = curl_slist_append(*list, kh_buf_str(&h))) == NULL)
			r = KH_ENOMEM;
		else
			*list = grown;
	}
	kh_buf_cleanup(&h);
	return r;
}

static void
set_options(CURL *c, const struct kh_net_request *req, const struct kh_net_options *o,
            struct transfer *t, struct curl_slist *headers)
{
	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout_s > 0 ? o->timeout_s : 300L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s > 0 ? o->connect_timeout_s : 30L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, o->user_agent != NULL ? o->user_agent : "khien");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* gzip/deflate when the server offers */
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	if (o->proxy != NULL)
		curl_easy_setopt(c, CURLOPT_PROXY, o->proxy);
	if (o->ca_file != NULL && o->ca_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
}

static enum kh_err
map_error(CURLcode cc, const struct transfer *t, const char *url, const char *errbuf,
          struct kh_diag *diag)
{
	const char *msg = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc);

	if (t->too_large)
		return kh_diag_limit(diag, url, "max_json_bytes", "HTTP body");
	if (t->nomem)
		return KH_ENOMEM;
	if (cc == CURLE_PARTIAL_FILE)
		return kh_diag_set(diag, KH_ETRUNCATED, url, 0, "%s: %s",
		                   KH_MSG("the connection ended early", "kết nối bị ngắt giữa chừng"), msg);
	if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CONNECT_ERROR ||
	    cc == CURLE_SSL_CACERT_BADFILE)
		return kh_diag_set(diag, KH_ETLS, url, 0, "TLS: %s", msg);
	return kh_diag_set(diag, KH_EHTTP, url, 0, "%s", msg);
}

enum kh_err
kh_net_get(const struct kh_net_request *req, const struct kh_net_options *opts,
           struct kh_net_response *resp, struct kh_diag *diag)
{
	static const struct kh_net_options defaults = { 0 };
	struct transfer t = { resp, false, false };
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *c = NULL;
	CURLcode cc;
	enum kh_err r;

	if (opts == NULL)
		opts = &defaults;
	kh_net_response_cleanup(resp);
	kh_net_response_init(resp);
	resp->body.max = opts->max_body_bytes > 0 ? opts->max_body_bytes : KH_LIMIT(max_json_bytes);
	pthread_once(&curl_once, init_curl);
	if (curl_init_result != CURLE_OK || (c = curl_easy_init()) == NULL)
		return kh_diag_set(diag, KH_EHTTP, req->url, 0, "%s", "libcurl");
	if ((r = add_header(&headers, "If-None-Match", req->if_none_match)) != KH_OK ||
	    (r = add_header(&headers, "If-Modified-Since", req->if_modified_since)) != KH_OK)
		goto out;
	set_options(c, req, opts, &t, headers);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	if ((cc = curl_easy_perform(c)) != CURLE_OK) {
		r = map_error(cc, &t, req->url, errbuf, diag);
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	r = KH_OK;
 out:
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	return r;
}
