/* tls_openssl.c — the TLS 1.0–1.3 part of the assessment through OpenSSL:
 * which protocols a server accepts, its cipher suites per protocol, and its
 * certificate (chain, name, dates, key, signature) and OCSP stapling. */
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "khien/site.h"
#include "site_int.h"

/* OpenSSL 3 offers TLS 1.0/1.1 and weak suites only at security level 0. */
#define ALL_TLS12_CIPHERS "ALL:COMPLEMENTOFALL:@SECLEVEL=0"
#define ALL_TLS13_SUITES                                                        \
	"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"                     \
	"TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256"
/* Enumeration stops here even if a server keeps accepting (a bound, not a
 * count any real server reaches: OpenSSL knows about 160 suites). */
#define MAX_SUITES_PER_PROTO 200

static const int ossl_version[KH_SITE_PROTO_COUNT_] = {
	SSL3_VERSION, TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION
};

static SSL_CTX *
make_ctx(enum kh_site_proto proto, const char *ciphers, const char *suites13,
         const struct kh_site_opts *opts)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL)
		return NULL;
	SSL_CTX_set_security_level(ctx, 0);
	/* Servers without RFC 5746 renegotiation_info must still be graded. */
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_NO_TICKET);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL); /* judged, not enforced */
	if (SSL_CTX_set_min_proto_version(ctx, ossl_version[proto]) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, ossl_version[proto]) != 1 ||
	    (proto < KH_SITE_TLS13 && SSL_CTX_set_cipher_list(ctx, ciphers) != 1) ||
	    (proto == KH_SITE_TLS13 && SSL_CTX_set_ciphersuites(ctx, suites13) != 1) ||
	    SSL_CTX_set_default_verify_paths(ctx) != 1 ||
	    (opts->ca_file != NULL &&
	     SSL_CTX_load_verify_locations(ctx, opts->ca_file, NULL) != 1)) {
		SSL_CTX_free(ctx);
		ERR_clear_error();
		return NULL;
	}
	return ctx;
}

static bool
is_ip(const char *host)
{
	ASN1_OCTET_STRING *ip = a2i_IPADDRESS(host);
	ASN1_OCTET_STRING_free(ip);
	ERR_clear_error();
	return ip != NULL;
}

/* One handshake. Returns 1 with *sslp and *fdp set, 0 when the server refused,
 * -1 when no TCP connection could be made (diag says why). */
static int
handshake(const char *host, const char *port, SSL_CTX *ctx,
          const struct kh_site_opts *opts, SSL **sslp, int *fdp,
          struct kh_diag *diag)
{
	SSL *ssl = NULL;
	int fd = -1;

	*sslp = NULL;
	*fdp = -1;
	if (kh_site_connect(host, port, opts, &fd, diag) != KH_OK)
		return -1;
	if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1 ||
	    (!is_ip(host) && SSL_set_tlsext_host_name(ssl, host) != 1) ||
	    SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp) != 1 ||
	    SSL_connect(ssl) != 1) {
		SSL_free(ssl);
		close(fd);
		ERR_clear_error();
		return 0;
	}
	*sslp = ssl;
	*fdp = fd;
	return 1;
}

static void
hangup(SSL *ssl, int fd)
{
	if (ssl != NULL)
		SSL_shutdown(ssl);
	SSL_free(ssl);
	if (fd >= 0)
		close(fd);
	ERR_clear_error();
}

static void
classify(const SSL_CIPHER *c, enum kh_site_proto proto, struct kh_site_cipher *out)
{
	int kx = SSL_CIPHER_get_kx_nid(c), cipher_nid = SSL_CIPHER_get_cipher_nid(c);

	memset(out, 0, sizeof(*out));
	out->proto = proto;
	out->id = (uint16_t)SSL_CIPHER_get_protocol_id(c);
	kh_strlcpy(out->name, SSL_CIPHER_get_name(c), sizeof(out->name));
	out->bits = SSL_CIPHER_get_bits(c, NULL);
	if (kx == NID_kx_ecdhe || kx == NID_kx_dhe || kx == NID_kx_ecdhe_psk ||
	    kx == NID_kx_dhe_psk || kx == NID_kx_any)
		out->classes |= KH_SITE_C_FS;
	if (SSL_CIPHER_get_auth_nid(c) == NID_auth_null)
		out->classes |= KH_SITE_C_ANON;
	if (cipher_nid == NID_undef) {
		out->classes |= KH_SITE_C_NULL;
		out->bits = 0;
	} else if (SSL_CIPHER_is_aead(c)) {
		out->classes |= KH_SITE_C_AEAD;
	} else {
		out->classes |= KH_SITE_C_CBC; /* OpenSSL 3 has no stream ciphers left */
	}
}

/* The TLS 1.3 suites not found yet, as a ciphersuites string. */
static enum kh_err
remaining13(const struct kh_site_tls *tls, struct kh_buf *list)
{
	static const char *const names[] = { "TLS_AES_256_GCM_SHA384",
		"TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
		"TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256" };
	static const uint16_t ids[] = { 0x1302, 0x1303, 0x1301, 0x1304, 0x1305 };
	enum kh_err r;

	kh_buf_reset(list);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if (site_tls_has_cipher(tls, KH_SITE_TLS13, ids[i]))
			continue;
		if ((r = kh_buf_printf(list, "%s%s", list->len ? ":" : "", names[i])) != KH_OK)
			return r;
	}
	return KH_OK;
}

/* Offers everything, records the server's pick, removes it, again. */
static enum kh_err
enum_ciphers(const char *host, const char *port, enum kh_site_proto proto,
             const struct kh_site_opts *opts, struct kh_site_tls *out)
{
	struct kh_buf list;
	struct kh_site_cipher found;
	SSL_CTX *ctx = NULL;
	SSL *ssl;
	int fd, n, ok;
	enum kh_err r = KH_OK;

	kh_buf_init(&list, 1u << 16);
	if ((r = kh_buf_append_str(&list, proto == KH_SITE_TLS13 ? ALL_TLS13_SUITES
	                                                         : ALL_TLS12_CIPHERS)) != KH_OK)
		goto out;
	for (n = 0; n < MAX_SUITES_PER_PROTO && !site_deadline_passed(opts); n++) {
		if (list.len == 0)
			break;
		ctx = make_ctx(proto, kh_buf_str(&list), kh_buf_str(&list), opts);
		if (ctx == NULL) /* no suite of the list is left for this protocol */
			break;
		ok = handshake(host, port, ctx, opts, &ssl, &fd, NULL);
		SSL_CTX_free(ctx);
		ctx = NULL;
		if (ok != 1)
			break;
		classify(SSL_get_current_cipher(ssl), proto, &found);
		hangup(ssl, fd);
		if (site_tls_has_cipher(out, proto, found.id))
			break; /* the server ignored our list: stop, do not loop */
		if ((r = site_tls_add_cipher(out, &found)) != KH_OK)
			goto out;
		if (proto == KH_SITE_TLS13)
			r = remaining13(out, &list);
		else
			r = kh_buf_printf(&list, ":!%s", found.name);
		if (r != KH_OK)
			goto out;
	}
 out:
	SSL_CTX_free(ctx);
	kh_buf_cleanup(&list);
	return r;
}

static void
cert_key(X509 *cert, struct kh_site_cert *out)
{
	EVP_PKEY *key = X509_get0_pubkey(cert);
	const char *type = "unknown";

	if (key == NULL)
		return;
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_RSA: type = "RSA"; break;
	case EVP_PKEY_RSA_PSS: type = "RSA-PSS"; break;
	case EVP_PKEY_EC: type = "EC"; break;
	case EVP_PKEY_DSA: type = "DSA"; break;
	case EVP_PKEY_ED25519: type = "Ed25519"; break;
	case EVP_PKEY_ED448: type = "Ed448"; break;
	default: break;
	}
	kh_strlcpy(out->key_type, type, sizeof(out->key_type));
	out->key_bits = EVP_PKEY_get_bits(key);
}

static void
cert_dates(X509 *cert, struct kh_site_cert *out)
{
	int days = 0, secs = 0;

	out->expired = X509_cmp_current_time(X509_get0_notAfter(cert)) < 0;
	out->not_yet_valid = X509_cmp_current_time(X509_get0_notBefore(cert)) > 0;
	if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert)) == 1)
		out->days_left = days;
}

static bool
issuer_missing(long verify)
{
	return verify == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	       verify == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	       verify == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

/* What the certificate of an open connection says (RFC 5280, RFC 6125). */
static void
read_cert(SSL *ssl, const char *host, struct kh_site_cert *out)
{
	X509 *cert = SSL_get0_peer_certificate(ssl);
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	long verify = SSL_get_verify_result(ssl);
	X509 *last;

	memset(out, 0, sizeof(*out));
	if (cert == NULL)
		return;
	out->present = true;
	out->chain_len = chain != NULL ? sk_X509_num(chain) : 1;
	out->trusted = verify == X509_V_OK;
	if (!out->trusted)
		kh_strlcpy(out->verify_error, X509_verify_cert_error_string(verify),
		           sizeof(out->verify_error));
	/* CA/B Forum BR 7.1.4.2.1: names are in subjectAltName; browsers no
	 * longer fall back to the subject CN, and neither do we. */
	if (is_ip(host))
		out->hostname_match = X509_check_ip_asc(cert, host, 0) == 1;
	else
		out->hostname_match = X509_check_host(cert, host, 0,
		                                      X509_CHECK_FLAG_NEVER_CHECK_SUBJECT,
		                                      NULL) == 1;
	out->self_signed = X509_self_signed(cert, 0) == 1;
	last = chain != NULL && sk_X509_num(chain) > 0
	               ? sk_X509_value(chain, sk_X509_num(chain) - 1) : cert;
	out->incomplete_chain = !out->self_signed && issuer_missing(verify) &&
	                        X509_self_signed(last, 0) != 1;
	cert_key(cert, out);
	kh_strlcpy(out->signature_algorithm, OBJ_nid2ln(X509_get_signature_nid(cert)),
	           sizeof(out->signature_algorithm));
	cert_dates(cert, out);
	X509_NAME_oneline(X509_get_subject_name(cert), out->subject, sizeof(out->subject));
	X509_NAME_oneline(X509_get_issuer_name(cert), out->issuer, sizeof(out->issuer));
	ERR_clear_error();
}

/* Does `proto` work at all? On the best one, reads certificate and OCSP. */
static int
probe_proto(const char *host, const char *port, enum kh_site_proto proto,
            const struct kh_site_opts *opts, struct kh_site_tls *out,
            bool read_details, struct kh_diag *diag)
{
	const unsigned char *ocsp = NULL;
	SSL_CTX *ctx = make_ctx(proto, ALL_TLS12_CIPHERS, ALL_TLS13_SUITES, opts);
	SSL *ssl;
	int fd, ok;

	if (ctx == NULL)
		return 0; /* this OpenSSL cannot offer it (e.g. SSLv3) */
	ok = handshake(host, port, ctx, opts, &ssl, &fd, diag);
	SSL_CTX_free(ctx);
	if (ok != 1)
		return ok;
	if (read_details) {
		read_cert(ssl, host, &out->cert);
		out->ocsp_stapled = SSL_get_tlsext_status_ocsp_resp(ssl, &ocsp) > 0;
	}
	hangup(ssl, fd);
	return 1;
}

static enum kh_err
check_ca_file(const struct kh_site_opts *opts, struct kh_diag *diag)
{
	SSL_CTX *ctx;

	if (opts->ca_file == NULL)
		return KH_OK;
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL)
		return KH_ENOMEM;
	if (SSL_CTX_load_verify_locations(ctx, opts->ca_file, NULL) != 1) {
		SSL_CTX_free(ctx);
		ERR_clear_error();
		return kh_diag_set(diag, KH_EINVAL, opts->ca_file, 0, "%s",
		                   KH_MSG("no PEM certificate could be read",
		                          "không đọc được chứng thư PEM nào"));
	}
	SSL_CTX_free(ctx);
	return KH_OK;
}

enum kh_err
site_tls_openssl(const char *host, const char *port,
                 const struct kh_site_opts *opts, struct kh_site_tls *out,
                 struct kh_diag *diag)
{
	struct kh_diag conn_diag;
	enum kh_err r;
	int ok;

	if ((r = check_ca_file(opts, diag)) != KH_OK)
		return r;
	kh_diag_clear(&conn_diag);
	/* Newest first: the certificate is read on the best protocol. */
	for (int p = KH_SITE_TLS13; p >= KH_SITE_TLS10; p--) {
		if (site_deadline_passed(opts))
			break;
		ok = probe_proto(host, port, (enum kh_site_proto)p, opts, out,
		                 !out->handshake_ok, &conn_diag);
		if (ok < 0 && !out->reachable) {
			kh_strlcpy(out->error, conn_diag.msg, sizeof(out->error));
			return KH_OK; /* nothing listens: no point trying the others */
		}
		out->reachable = true;
		if (ok == 1) {
			out->protocols[p] = true;
			out->handshake_ok = true;
		}
	}
	for (int p = KH_SITE_TLS13; p >= KH_SITE_TLS10 && !opts->skip_cipher_enum; p--)
		if (out->protocols[p] &&
		    (r = enum_ciphers(host, port, (enum kh_site_proto)p, opts, out)) != KH_OK)
			return r;
	return KH_OK;
}
