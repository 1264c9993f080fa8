/*
 * uuid.c — UUIDs in text form and name-based UUIDv5 (RFC 9562 §5.5), the
 * deterministic identifiers of STIX objects (STIX 2.1 §2.9).
 */
#include <jansson.h>
#include <string.h>

#include "khien/ioc.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum kh_err
kh_ioc_uuid_parse(const char *s, uint8_t out[KH_IOC_UUID_LEN])
{
	size_t j = 0;

	if (s == NULL || strlen(s) != 36)
		return KH_EFORMAT;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return KH_EFORMAT;
			continue;
		}
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return KH_EFORMAT;
		out[j++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return KH_OK;
}

void
kh_ioc_uuid_format(const uint8_t u[KH_IOC_UUID_LEN], char out[KH_IOC_UUID_STR])
{
	char hex[33];

	kh_hex_encode(u, KH_IOC_UUID_LEN, hex);
	(void)snprintf(out, KH_IOC_UUID_STR, "%.8s-%.4s-%.4s-%.4s-%.12s", hex,
	               hex + 8, hex + 12, hex + 16, hex + 20);
}

enum kh_err
kh_ioc_uuid5(const uint8_t ns[KH_IOC_UUID_LEN], const void *name, size_t name_len,
             uint8_t out[KH_IOC_UUID_LEN])
{
	struct kh_hash *h = NULL;
	uint8_t digest[KH_HASH_MAX_BYTES];
	enum kh_err r;

	if ((r = kh_hash_new(KH_HASH_SHA1, &h)) != KH_OK)
		goto out;
	if ((r = kh_hash_update(h, ns, KH_IOC_UUID_LEN)) != KH_OK ||
	    (r = kh_hash_update(h, name, name_len)) != KH_OK ||
	    (r = kh_hash_final(h, digest)) != KH_OK)
		goto out;
	memcpy(out, digest, KH_IOC_UUID_LEN);
	out[6] = (uint8_t)((out[6] & 0x0F) | 0x50); /* version 5 */
	out[8] = (uint8_t)((out[8] & 0x3F) | 0x80); /* RFC variant */
	r = KH_OK;
 out:
	kh_hash_free(h);
	return r;
}

enum kh_err
kh_ioc_stix_id(const char *type, const char *ns, const json_t *props, char *out,
               size_t out_size)
{
	struct kh_buf canon;
	uint8_t nsb[KH_IOC_UUID_LEN], u[KH_IOC_UUID_LEN];
	char text[KH_IOC_UUID_STR];
	enum kh_err r;

	kh_buf_init(&canon, 0);
	if ((r = kh_ioc_uuid_parse(ns, nsb)) != KH_OK)
		goto out;
	if ((r = kh_ioc_jcs(props, &canon)) != KH_OK)
		goto out;
	if ((r = kh_ioc_uuid5(nsb, canon.data, canon.len, u)) != KH_OK)
		goto out;
	kh_ioc_uuid_format(u, text);
	r = kh_snprintf(out, out_size, "%s--%s", type, text);
 out:
	kh_buf_cleanup(&canon);
	return r;
}
