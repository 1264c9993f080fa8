/* hash.c — MD5, SHA-1 and SHA-256 through OpenSSL EVP (SHA-NI where the CPU has it). */
#include <openssl/evp.h>

#include "khien/util.h"

struct kh_hash {
	EVP_MD_CTX *ctx;
	enum kh_hash_alg alg;
};

static const EVP_MD *
alg_md(enum kh_hash_alg alg)
{
	switch (alg) {
	case KH_HASH_MD5: return EVP_md5();
	case KH_HASH_SHA1: return EVP_sha1();
	case KH_HASH_SHA256: return EVP_sha256();
	}
	return NULL;
}

size_t
kh_hash_len(enum kh_hash_alg alg)
{
	return alg == KH_HASH_MD5 ? 16 : alg == KH_HASH_SHA1 ? 20 : 32;
}

const char *
kh_hash_name(enum kh_hash_alg alg)
{
	return alg == KH_HASH_MD5 ? "md5" : alg == KH_HASH_SHA1 ? "sha1" : "sha256";
}

enum kh_err
kh_hash_new(enum kh_hash_alg alg, struct kh_hash **out)
{
	struct kh_hash *h;

	*out = NULL;
	if (alg_md(alg) == NULL)
		return KH_EINVAL;
	if ((h = kh_calloc(1, sizeof(*h))) == NULL)
		return KH_ENOMEM;
	h->alg = alg;
	if ((h->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->ctx, alg_md(alg), NULL) != 1) {
		kh_hash_free(h);
		return KH_ENOMEM;
	}
	*out = h;
	return KH_OK;
}

enum kh_err
kh_hash_update(struct kh_hash *h, const void *p, size_t n)
{
	return EVP_DigestUpdate(h->ctx, p, n) == 1 ? KH_OK : KH_EINTERNAL;
}

enum kh_err
kh_hash_final(struct kh_hash *h, uint8_t *digest)
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(h->ctx, digest, &n) != 1 ||
	    EVP_DigestInit_ex(h->ctx, alg_md(h->alg), NULL) != 1)
		return KH_EINTERNAL;
	return KH_OK;
}

void
kh_hash_free(struct kh_hash *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	kh_free(h);
}

enum kh_err
kh_hash_hex(enum kh_hash_alg alg, const void *p, size_t n, char *hex,
            size_t hex_size)
{
	uint8_t digest[KH_HASH_MAX_BYTES];
	struct kh_hash *h = NULL;
	enum kh_err r;

	if (hex_size < 2 * kh_hash_len(alg) + 1)
		return KH_ETOO_LARGE;
	if ((r = kh_hash_new(alg, &h)) != KH_OK)
		return r;
	if ((r = kh_hash_update(h, p, n)) == KH_OK &&
	    (r = kh_hash_final(h, digest)) == KH_OK)
		kh_hex_encode(digest, kh_hash_len(alg), hex);
	kh_hash_free(h);
	return r;
}
