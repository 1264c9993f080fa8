/* tls_legacy.c — SSLv3 and the suites OpenSSL 3 compiled out (RC4, export,
 * DES/3DES, IDEA, SEED), found with hand-built ClientHellos (tls_hello.c). */
#include <string.h>

#include "khien/site.h"
#include "site_int.h"

#define MAX_OFFER 64

/* Offers the table's suites not yet found, one handshake per found suite,
 * until the server refuses or picks something it was not offered. */
static enum kh_err
enum_legacy(const char *host, const char *port, enum kh_site_proto proto,
            const struct kh_site_suite_info *table, size_t n_table,
            const struct kh_site_opts *opts, struct kh_site_tls *out)
{
	uint16_t offer[MAX_OFFER], chosen;
	const struct kh_site_suite_info *info;
	struct kh_site_cipher c;
	size_t n_offer;
	bool accepted;
	enum kh_err r;

	for (size_t round = 0; round < n_table && !site_deadline_passed(opts); round++) {
		n_offer = 0;
		for (size_t i = 0; i < n_table && n_offer < MAX_OFFER; i++)
			if (!site_tls_has_cipher(out, proto, table[i].id))
				offer[n_offer++] = table[i].id;
		if (n_offer == 0)
			return KH_OK;
		r = kh_site_hello_probe(host, port, kh_site_proto_wire(proto), offer,
		                        n_offer, opts, &accepted, &chosen, NULL);
		if (r == KH_ENOMEM)
			return r;
		if (r != KH_OK || !accepted)
			return KH_OK; /* refused, garbage or gone: nothing more here */
		info = kh_site_suite_lookup(chosen);
		memset(&c, 0, sizeof(c));
		c.proto = proto;
		c.id = chosen;
		kh_strlcpy(c.name, info != NULL ? info->name : "unknown", sizeof(c.name));
		c.classes = info != NULL ? info->classes : 0;
		c.bits = info != NULL ? info->bits : 0;
		c.legacy_probe = true;
		out->protocols[proto] = true;
		if ((r = site_tls_add_cipher(out, &c)) != KH_OK)
			return r;
	}
	return KH_OK;
}

enum kh_err
site_tls_legacy(const char *host, const char *port,
                const struct kh_site_opts *opts, struct kh_site_tls *out,
                struct kh_diag *diag)
{
	const struct kh_site_suite_info *all, *legacy;
	size_t n_all = site_all_suites(&all), n_legacy = kh_site_legacy_suites(&legacy);
	enum kh_err r;

	(void)diag;
	/* SSLv3 (RFC 6101): every suite of the table, since OpenSSL 3 has none. */
	if ((r = enum_legacy(host, port, KH_SITE_SSL3, all, n_all, opts, out)) != KH_OK)
		return r;
	for (int p = KH_SITE_TLS10; p <= KH_SITE_TLS12; p++)
		if ((r = enum_legacy(host, port, (enum kh_site_proto)p, legacy, n_legacy,
		                     opts, out)) != KH_OK)
			return r;
	return KH_OK;
}
