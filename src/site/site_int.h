/* site_int.h — helpers shared by the files of the site module (not public). */
#ifndef KHIEN_SITE_INT_H
#define KHIEN_SITE_INT_H

#include <stdbool.h>

#include "khien/site.h"

/* Per-operation timeout in ms, shortened by the site's deadline. */
unsigned site_timeout_ms(const struct kh_site_opts *opts);
bool site_deadline_passed(const struct kh_site_opts *opts);

/* Appends a cipher to the result (KH_ENOMEM). */
enum kh_err site_tls_add_cipher(struct kh_site_tls *tls,
                                const struct kh_site_cipher *c);
bool site_tls_has_cipher(const struct kh_site_tls *tls, enum kh_site_proto p,
                         uint16_t id);

/* OpenSSL part of the assessment (tls_openssl.c). */
enum kh_err site_tls_openssl(const char *host, const char *port,
                             const struct kh_site_opts *opts,
                             struct kh_site_tls *out, struct kh_diag *diag);
/* Hand-built ClientHello part: SSLv3 and legacy suites (tls_legacy.c). */
enum kh_err site_tls_legacy(const char *host, const char *port,
                            const struct kh_site_opts *opts,
                            struct kh_site_tls *out, struct kh_diag *diag);

/* Every suite of the built-in table: what an SSLv3 probe offers. */
size_t site_all_suites(const struct kh_site_suite_info **out);



/* ---- html.c: a bounded tokenizer ---- */
#include "khien/util.h"
#define SITE_HTML_MAX_ATTRS 16
struct site_html_tag {
	char name[32];   /* lower case */
	bool is_end;
	size_t n_attrs;
	char names[SITE_HTML_MAX_ATTRS][32];
	struct kh_buf values[SITE_HTML_MAX_ATTRS];
};
struct site_html_cb {
	enum kh_err (*tag)(const struct site_html_tag *tag, void *ctx);
	enum kh_err (*text)(struct kh_cur text, void *ctx);
	/* body of <script> / <style> */
	enum kh_err (*raw)(const struct site_html_tag *tag, struct kh_cur body, void *ctx);
};
enum kh_err site_html_walk(struct kh_cur html, const struct site_html_cb *cb, void *ctx);
/* Attribute value (decoded) or NULL. */
const char *site_html_attr(const struct site_html_tag *t, const char *name);
enum kh_err site_response_add_header(struct kh_site_response *r, const char *name,
                                     size_t name_len, const char *value,
                                     size_t value_len);
void site_response_cleanup(struct kh_site_response *r);
enum kh_err site_response_copy(const struct kh_site_response *from,
                               struct kh_site_response *to);
/* http.c: the Observatory-style retrieval of one site. */
enum kh_err site_http_fetch(const char *https_url, const char *http_url,
                            const char *hostname, const struct kh_site_opts *opts,
                            struct kh_site_http_record *rec, struct kh_diag *diag);
/* Character references decoded (numeric, and the named ones pages use). */
enum kh_err site_html_decode(struct kh_cur in, struct kh_buf *out);
/* One GET without redirects or certificate checks (exposure probes). */
enum kh_err site_http_get(const char *url, const struct kh_site_opts *opts,
                          struct kh_site_response *resp, struct kh_diag *diag);
/* Adds an error line to the result (dropped past KH_SITE_MAX_ERRORS). */
void site_result_error(struct kh_site_result *res, const char *fmt, ...) KH_PRINTF(2, 3);
/* checklist.c: the owner-information item. */
void site_checklist_owner(struct kh_site_result *res);
/* Looks for the owner details in page text (folded) and raw text. */
void site_owner_info(struct kh_site_content *c, const char *folded, const char *raw);
/* baseline.c: compares with (or stores) the page's baseline in dir. */
enum kh_err site_baseline(struct kh_site_content *c, const char *dir, const char *url,
                          const struct kh_site_page *page, struct kh_diag *diag);
#endif
