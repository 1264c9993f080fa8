/* tls_grade.c — the letter grade of a TLS configuration after Qualys SSL
 * Labs' "SSL Server Rating Guide" (2009, v2009q) and the caps SSL Labs
 * published later; docs/site.md lists each rule with its source. */
#include <string.h>

#include "khien/site.h"

/* Rating guide 2.1: protocol support scores. */
static int
proto_score(enum kh_site_proto p)
{
	static const int scores[KH_SITE_PROTO_COUNT_] = { 80, 90, 95, 100, 100 };
	return scores[p];
}

/* Rating guide 2.2: key exchange by key size (EC keys counted by their
 * RSA-equivalent strength, NIST SP 800-57 part 1 table 2). */
static int
kx_score(const struct kh_site_cert *cert)
{
	int bits = cert->key_bits;

	if (strcmp(cert->key_type, "EC") == 0 || strncmp(cert->key_type, "Ed", 2) == 0)
		bits = bits >= 384 ? 7680 : bits >= 256 ? 3072 : bits >= 224 ? 2048 : 1024;
	if (bits < 512)
		return 20;
	if (bits < 1024)
		return 40;
	if (bits < 2048)
		return 80;
	if (bits < 4096)
		return 90;
	return 100;
}

/* Rating guide 2.3: cipher strength. */
static int
cipher_score(int bits)
{
	if (bits <= 0)
		return 0;
	if (bits < 128)
		return 20;
	if (bits < 256)
		return 80;
	return 100;
}

static const char *
letter(int score)
{
	/* Rating guide 3: numeric score to grade */
	if (score >= 80)
		return "A";
	if (score >= 65)
		return "B";
	if (score >= 50)
		return "C";
	if (score >= 35)
		return "D";
	if (score >= 20)
		return "E";
	return "F";
}

static void
note(struct kh_site_tls *tls, const char *text)
{
	if (tls->n_grade_notes < KH_SITE_MAX_GRADE_NOTES)
		tls->grade_notes[tls->n_grade_notes++] = text;
}

/* Lowers *cap to `grade` (letters compare alphabetically: A < B < ... < F). */
static void
cap(struct kh_site_tls *tls, char *grade_cap, char grade, const char *why)
{
	if (grade > *grade_cap)
		*grade_cap = grade;
	note(tls, why);
}

struct suite_facts {
	unsigned any;      /* union of classes over all suites */
	bool fs, aead, rc4_modern, des3_modern;
	int min_bits, max_bits;
};

static struct suite_facts
suite_facts(const struct kh_site_tls *tls)
{
	struct suite_facts f = { 0, false, false, false, false, 1 << 30, -1 };

	for (size_t i = 0; i < tls->n_ciphers; i++) {
		const struct kh_site_cipher *c = &tls->ciphers[i];
		f.any |= c->classes;
		f.fs |= (c->classes & KH_SITE_C_FS) != 0;
		f.aead |= (c->classes & KH_SITE_C_AEAD) != 0;
		f.rc4_modern |= (c->classes & KH_SITE_C_RC4) && c->proto >= KH_SITE_TLS11;
		f.des3_modern |= (c->classes & KH_SITE_C_3DES) && c->proto >= KH_SITE_TLS11;
		if (c->bits < f.min_bits)
			f.min_bits = c->bits;
		if (c->bits > f.max_bits)
			f.max_bits = c->bits;
	}
	return f;
}

static void
apply_caps(struct kh_site_tls *tls, const struct suite_facts *f, char *c)
{
	const struct kh_site_cert *cert = &tls->cert;

	if (f->any & KH_SITE_C_EXPORT) /* SSL Labs 2015 (FREAK): export suites */
		cap(tls, c, 'F', KH_MSG("export cipher suites", "có bộ mã hoá hạng xuất khẩu"));
	if (f->any & (KH_SITE_C_NULL | KH_SITE_C_ANON)) /* guide 2.2: anonymous = 0 */
		cap(tls, c, 'F', KH_MSG("NULL or anonymous suites", "có bộ mã NULL hoặc ẩn danh"));
	if (cert->present && strcmp(cert->key_type, "RSA") == 0 && cert->key_bits < 1024)
		cap(tls, c, 'F', KH_MSG("RSA key under 1024 bits", "khoá RSA dưới 1024 bit"));
	if (tls->protocols[KH_SITE_SSL3]) /* SSL Labs 2014 (POODLE) */
		cap(tls, c, 'C', KH_MSG("SSLv3 accepted", "chấp nhận SSLv3"));
	if (f->rc4_modern) /* SSL Labs 2015: RC4 with TLS 1.1+ */
		cap(tls, c, 'C', KH_MSG("RC4 with TLS 1.1 or newer", "RC4 với TLS 1.1 trở lên"));
	else if (f->any & KH_SITE_C_RC4)
		cap(tls, c, 'B', KH_MSG("RC4 accepted", "chấp nhận RC4"));
	if (f->des3_modern) /* SSL Labs 2017 (Sweet32): 3DES with TLS 1.1+ */
		cap(tls, c, 'C', KH_MSG("3DES/64-bit block suites with TLS 1.1 or newer",
		                        "3DES/khối 64 bit với TLS 1.1 trở lên"));
	if (!tls->protocols[KH_SITE_TLS12] && !tls->protocols[KH_SITE_TLS13])
		cap(tls, c, 'C', KH_MSG("no TLS 1.2 or 1.3", "không có TLS 1.2 hoặc 1.3"));
	if (tls->protocols[KH_SITE_TLS10] || tls->protocols[KH_SITE_TLS11])
		cap(tls, c, 'B', KH_MSG("TLS 1.0 or 1.1 accepted", "chấp nhận TLS 1.0 hoặc 1.1"));
	if (!f->fs) /* SSL Labs 2018: no forward secrecy */
		cap(tls, c, 'B', KH_MSG("no forward secrecy", "không có bí mật chuyển tiếp"));
	if (!f->aead) /* SSL Labs 2018: no AEAD suites */
		cap(tls, c, 'B', KH_MSG("no AEAD suites", "không có bộ mã AEAD"));
	if (cert->present && strcmp(cert->key_type, "RSA") == 0 && cert->key_bits < 2048)
		cap(tls, c, 'B', KH_MSG("RSA key under 2048 bits", "khoá RSA dưới 2048 bit"));
}

/* SSL Labs 2014-: trust issues replace the grade with T (M for a name
 * mismatch alone); the grade "if trust issues are ignored" is kept. */
static char
trust_letter(struct kh_site_tls *tls)
{
	const struct kh_site_cert *cert = &tls->cert;
	const char *sig = cert->signature_algorithm;
	bool weak_sig = strstr(sig, "md5") != NULL || strstr(sig, "sha1With") != NULL ||
	                strstr(sig, "SHA1") != NULL || strstr(sig, "md2") != NULL;

	if (!cert->present)
		return 0;
	if (weak_sig) /* SSL Labs 2017: SHA-1 certificates are not trusted */
		note(tls, KH_MSG("certificate signed with MD5/SHA-1", "chứng thư ký bằng MD5/SHA-1"));
	if (cert->expired || cert->not_yet_valid)
		note(tls, KH_MSG("certificate outside its validity dates",
		                 "chứng thư ngoài thời hạn hiệu lực"));
	if (!cert->trusted)
		note(tls, KH_MSG("certificate chain not trusted", "chuỗi chứng thư không tin cậy"));
	if (!cert->trusted || cert->expired || cert->not_yet_valid || weak_sig)
		return 'T';
	if (!cert->hostname_match) {
		note(tls, KH_MSG("certificate name does not match", "tên trên chứng thư không khớp"));
		return 'M';
	}
	return 0;
}

void
kh_site_tls_grade(struct kh_site_tls *tls, bool hsts_long)
{
	struct suite_facts f;
	int best = -1, worst = -1, score;
	char grade_cap = 'A', trust;
	const char *g;

	tls->n_grade_notes = 0;
	tls->grade[0] = tls->grade_if_trusted[0] = '\0';
	tls->score = 0;
	for (int p = 0; p < KH_SITE_PROTO_COUNT_; p++)
		if (tls->protocols[p]) {
			worst = worst < 0 ? proto_score((enum kh_site_proto)p) : worst;
			best = proto_score((enum kh_site_proto)p);
		}
	if (best < 0 || tls->n_ciphers == 0)
		return; /* nothing to grade */
	f = suite_facts(tls);
	score = (3 * (best + worst) / 2 + 3 * kx_score(&tls->cert) +
	         4 * (cipher_score(f.max_bits) + cipher_score(f.min_bits)) / 2) / 10;
	if (f.any & KH_SITE_C_ANON)
		score = (3 * (best + worst) / 2 + 4 * (cipher_score(f.max_bits) +
		         cipher_score(f.min_bits)) / 2) / 10; /* guide 2.2: anon kx = 0 */
	tls->score = score;
	apply_caps(tls, &f, &grade_cap);
	g = letter(score);
	if (g[0] < grade_cap)
		g = grade_cap == 'B' ? "B" : grade_cap == 'C' ? "C" : "F";
	/* SSL Labs: A+ needs an A with no warnings and long-lived HSTS */
	if (strcmp(g, "A") == 0 && tls->n_grade_notes == 0 && hsts_long)
		g = "A+";
	kh_strlcpy(tls->grade_if_trusted, g, sizeof(tls->grade_if_trusted));
	trust = trust_letter(tls);
	if (trust != 0) {
		tls->grade[0] = trust;
		tls->grade[1] = '\0';
	} else {
		kh_strlcpy(tls->grade, g, sizeof(tls->grade));
	}
}
