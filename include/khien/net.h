/*
 * net.h — the HTTP client (libcurl) the feeds and other modules download
 * with: GET with conditional headers (ETag / Last-Modified), a bounded
 * body, proxy, timeout and CA settings; only http and https.
 *
 * Thread-safety: kh_net_get may be called from several threads (each
 * call has its own handle); global libcurl set-up happens once.
 */
#ifndef KHIEN_NET_H
#define KHIEN_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "khien/util.h"

struct kh_net_options {
	const char *proxy;       /* NULL: libcurl's environment (http_proxy, https_proxy,
	                          * no_proxy); "" disables proxies */
	long timeout_s;          /* whole transfer; 0 = 300 */
	long connect_timeout_s;  /* 0 = 30 */
	const char *ca_file;     /* NULL: the system's CA store */
	uint64_t max_body_bytes; /* 0 = max_json_bytes; larger bodies are KH_ELIMIT */
	const char *user_agent;  /* NULL: "khien/<version>" */
};

struct kh_net_request {
	const char *url;
	const char *if_none_match;     /* an ETag from an earlier response, or NULL */
	const char *if_modified_since; /* a Last-Modified value, or NULL */
};

struct kh_net_response {
	long status;          /* HTTP status (200, 304, …) */
	char *etag;           /* response ETag, or NULL */
	char *last_modified;  /* response Last-Modified, or NULL */
	struct kh_buf body;   /* empty for 304 */
};

void kh_net_response_init(struct kh_net_response *resp);
void kh_net_response_cleanup(struct kh_net_response *resp);

/*
 * GETs req->url, following up to 5 redirects (http/https only). Any HTTP
 * status is KH_OK with resp->status set (the caller decides); transport
 * failures are KH_EHTTP (KH_ETLS for certificate problems, KH_ELIMIT with
 * "max_json_bytes" or the option's name when the body is too large,
 * KH_ETRUNCATED when the connection ended before Content-Length).
 */
enum kh_err kh_net_get(const struct kh_net_request *req,
                       const struct kh_net_options *opts,
                       struct kh_net_response *resp, struct kh_diag *diag) KH_WUR;

#endif
