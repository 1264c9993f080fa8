/* tls.c — one site's TLS assessment: the OpenSSL part, the hand-built
 * ClientHello part, then the grade; and the result's bookkeeping. */
#include <string.h>

#include "khien/site.h"
#include "site_int.h"

/* Protocols times suites: a server cannot make us keep more than this. */
#define MAX_CIPHERS 1024

enum kh_err
site_tls_add_cipher(struct kh_site_tls *tls, const struct kh_site_cipher *c)
{
	struct kh_site_cipher *grown;

	if (tls->n_ciphers >= MAX_CIPHERS)
		return KH_OK; /* cannot happen with the fixed tables; stay bounded */
	grown = kh_reallocarray(tls->ciphers, tls->n_ciphers + 1, sizeof(*grown));
	if (grown == NULL)
		return KH_ENOMEM;
	tls->ciphers = grown;
	tls->ciphers[tls->n_ciphers++] = *c;
	return KH_OK;
}

bool
site_tls_has_cipher(const struct kh_site_tls *tls, enum kh_site_proto p, uint16_t id)
{
	for (size_t i = 0; i < tls->n_ciphers; i++)
		if (tls->ciphers[i].proto == p && tls->ciphers[i].id == id)
			return true;
	return false;
}

void
kh_site_tls_cleanup(struct kh_site_tls *tls)
{
	if (tls == NULL)
		return;
	kh_free(tls->ciphers);
	memset(tls, 0, sizeof(*tls));
}

enum kh_err
kh_site_tls_assess(const char *host, const char *port,
                   const struct kh_site_opts *opts_in, struct kh_site_tls *out,
                   struct kh_diag *diag)
{
	struct kh_site_opts defaults = { 0 };
	const struct kh_site_opts *opts = opts_in != NULL ? opts_in : &defaults;
	enum kh_err r;

	memset(out, 0, sizeof(*out));
	if (host == NULL || port == NULL || *host == '\0')
		return KH_EINVAL;
	if ((r = site_tls_openssl(host, port, opts, out, diag)) != KH_OK)
		goto out;
	if (out->reachable && !opts->skip_legacy_probe &&
	    (r = site_tls_legacy(host, port, opts, out, diag)) != KH_OK)
		goto out;
	if (out->reachable && !out->handshake_ok && out->n_ciphers == 0)
		kh_strlcpy(out->error, KH_MSG("no TLS handshake succeeded",
		                              "không bắt tay TLS được với giao thức nào"),
		           sizeof(out->error));
	if (out->reachable && site_deadline_passed(opts))
		kh_strlcpy(out->error, KH_MSG("site time limit reached; results partial",
		                              "hết thời gian cho phép; kết quả chưa đủ"),
		           sizeof(out->error));
	kh_site_tls_grade(out, false);
	return KH_OK;
 out:
	kh_site_tls_cleanup(out);
	return r;
}
