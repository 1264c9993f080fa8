/* tls_suites.c — the cipher suites the hand-built prober offers (those that
 * Debian's OpenSSL 3 compiled out, plus the CBC suites SSLv3 servers choose),
 * with their IANA numbers and strength classes. */
#include "khien/site.h"
#include "site_int.h"

/* Numbers: IANA TLS Cipher Suites registry; names: OpenSSL's spelling, which
 * is also what testssl.sh prints. Bits: effective symmetric strength, as the
 * SSL Labs rating guide counts it (3DES = 112, export = 40/56). */
#define FS KH_SITE_C_FS
#define CBC KH_SITE_C_CBC
#define ANON KH_SITE_C_ANON
#define EXP KH_SITE_C_EXPORT
#define RC4 KH_SITE_C_RC4
#define DES3 KH_SITE_C_3DES
#define NUL KH_SITE_C_NULL
static const struct kh_site_suite_info suites[] = {
	/* export (RFC 2246 appendix A.5; RFC 2712 drafts for the 1024 ones) */
	{ 0x0003, "EXP-RC4-MD5", EXP | RC4, 40 },
	{ 0x0006, "EXP-RC2-CBC-MD5", EXP | CBC, 40 },
	{ 0x0008, "EXP-DES-CBC-SHA", EXP | CBC | DES3, 40 },
	{ 0x0011, "EXP-EDH-DSS-DES-CBC-SHA", EXP | CBC | DES3 | FS, 40 },
	{ 0x0014, "EXP-EDH-RSA-DES-CBC-SHA", EXP | CBC | DES3 | FS, 40 },
	{ 0x0017, "EXP-ADH-RC4-MD5", EXP | RC4 | ANON, 40 },
	{ 0x0019, "EXP-ADH-DES-CBC-SHA", EXP | CBC | DES3 | ANON, 40 },
	{ 0x0062, "EXP1024-DES-CBC-SHA", EXP | CBC | DES3, 56 },
	{ 0x0064, "EXP1024-RC4-SHA", EXP | RC4, 56 },
	/* RC4 */
	{ 0x0004, "RC4-MD5", RC4, 128 },
	{ 0x0005, "RC4-SHA", RC4, 128 },
	{ 0x0018, "ADH-RC4-MD5", RC4 | ANON, 128 },
	{ 0xC007, "ECDHE-ECDSA-RC4-SHA", RC4 | FS, 128 },
	{ 0xC011, "ECDHE-RSA-RC4-SHA", RC4 | FS, 128 },
	{ 0xC016, "AECDH-RC4-SHA", RC4 | ANON, 128 },
	/* single DES and 3DES: 64-bit blocks (Sweet32) */
	{ 0x0009, "DES-CBC-SHA", DES3 | CBC, 56 },
	{ 0x0012, "EDH-DSS-DES-CBC-SHA", DES3 | CBC | FS, 56 },
	{ 0x0015, "EDH-RSA-DES-CBC-SHA", DES3 | CBC | FS, 56 },
	{ 0x001A, "ADH-DES-CBC-SHA", DES3 | CBC | ANON, 56 },
	{ 0x000A, "DES-CBC3-SHA", DES3 | CBC, 112 },
	{ 0x0013, "EDH-DSS-DES-CBC3-SHA", DES3 | CBC | FS, 112 },
	{ 0x0016, "EDH-RSA-DES-CBC3-SHA", DES3 | CBC | FS, 112 },
	{ 0x001B, "ADH-DES-CBC3-SHA", DES3 | CBC | ANON, 112 },
	{ 0xC008, "ECDHE-ECDSA-DES-CBC3-SHA", DES3 | CBC | FS, 112 },
	{ 0xC012, "ECDHE-RSA-DES-CBC3-SHA", DES3 | CBC | FS, 112 },
	{ 0xC017, "AECDH-DES-CBC3-SHA", DES3 | CBC | ANON, 112 },
	/* IDEA (64-bit block) and SEED */
	{ 0x0007, "IDEA-CBC-SHA", DES3 | CBC, 128 },
	{ 0x0096, "SEED-SHA", CBC, 128 },
	{ 0x009A, "DHE-RSA-SEED-SHA", CBC | FS, 128 },
	/* NULL: OpenSSL 3 still has these, listed for the SSLv3 probe */
	{ 0x0001, "NULL-MD5", NUL, 0 },
	{ 0x0002, "NULL-SHA", NUL, 0 },
	/* CBC suites an SSLv3 server picks among (the probe offers them too) */
	{ 0x002F, "AES128-SHA", CBC, 128 },
	{ 0x0035, "AES256-SHA", CBC, 256 },
	{ 0x0033, "DHE-RSA-AES128-SHA", CBC | FS, 128 },
	{ 0x0039, "DHE-RSA-AES256-SHA", CBC | FS, 256 },
	{ 0xC009, "ECDHE-ECDSA-AES128-SHA", CBC | FS, 128 },
	{ 0xC00A, "ECDHE-ECDSA-AES256-SHA", CBC | FS, 256 },
	{ 0xC013, "ECDHE-RSA-AES128-SHA", CBC | FS, 128 },
	{ 0xC014, "ECDHE-RSA-AES256-SHA", CBC | FS, 256 },
	{ 0x0041, "CAMELLIA128-SHA", CBC, 128 },
	{ 0x0084, "CAMELLIA256-SHA", CBC, 256 },
};
/* The first entries up to here are what OpenSSL 3 cannot offer. */
#define N_LEGACY 29u

const struct kh_site_suite_info *
kh_site_suite_lookup(uint16_t id)
{
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (suites[i].id == id)
			return &suites[i];
	return NULL;
}

size_t
kh_site_legacy_suites(const struct kh_site_suite_info **out)
{
	*out = suites;
	return N_LEGACY;
}

size_t
site_all_suites(const struct kh_site_suite_info **out)
{
	*out = suites;
	return sizeof(suites) / sizeof(suites[0]);
}

const char *
kh_site_class_name(unsigned one_bit)
{
	switch (one_bit) {
	case KH_SITE_C_NULL: return "null";
	case KH_SITE_C_ANON: return "anon";
	case KH_SITE_C_EXPORT: return "export";
	case KH_SITE_C_RC4: return "rc4";
	case KH_SITE_C_3DES: return "3des";
	case KH_SITE_C_CBC: return "cbc";
	case KH_SITE_C_FS: return "fs";
	case KH_SITE_C_AEAD: return "aead";
	default: return "?";
	}
}

const char *
kh_site_proto_name(enum kh_site_proto proto)
{
	static const char *const names[] = { "SSLv3", "TLSv1.0", "TLSv1.1",
		                             "TLSv1.2", "TLSv1.3" };
	return (unsigned)proto < KH_SITE_PROTO_COUNT_ ? names[proto] : "?";
}

uint16_t
kh_site_proto_wire(enum kh_site_proto proto)
{
	return (uint16_t)(0x0300 + (unsigned)proto);
}
