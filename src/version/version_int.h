/*
 * version_int.h — what the scheme files of src/version/ share: one check
 * and one compare function per scheme, and the digit-run comparison.
 */
#ifndef KHIEN_VERSION_INT_H
#define KHIEN_VERSION_INT_H

#include <stdbool.h>

#include "khien/version.h"

/*
 * A scheme's check returns the first issue the oracle reports for v
 * (KH_VERSION_ISSUE_NONE when clean) and sets *fatal when the oracle refuses
 * the version rather than warning. Its compare is called only on versions
 * whose check was not fatal, and returns <0, 0 or >0.
 */
struct kh_version_ops {
	enum kh_version_issue (*check)(struct kh_cur v, bool *fatal);
	int (*compare)(struct kh_cur a, struct kh_cur b);
	/* Optional: true for inputs that mean "no version" (sort first). */
	bool (*is_absent)(struct kh_cur v);
};

extern const struct kh_version_ops kh_version_dpkg_ops;
extern const struct kh_version_ops kh_version_rpm_ops;
extern const struct kh_version_ops kh_version_semver_ops;
extern const struct kh_version_ops kh_version_apk_ops;
extern const struct kh_version_ops kh_version_generic_ops;

/* apk_version_compare_fuzzy(): with fuzzy, a prefix b of a compares equal. */
int kh_version_apk_cmp_fuzzy(struct kh_cur a, struct kh_cur b, bool fuzzy);

/* ASCII classes; never locale-dependent (dpkg and rpm use their own c_* too). */
static inline bool kh_v_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool kh_v_islower(int c) { return c >= 'a' && c <= 'z'; }
static inline bool kh_v_isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline bool kh_v_isalpha(int c) { return kh_v_islower(c) || kh_v_isupper(c); }
static inline bool kh_v_isalnum(int c) { return kh_v_isalpha(c) || kh_v_isdigit(c); }

/* Byte i of c, or 0 past the end (the C-string view the oracles have). */
static inline int kh_v_at(const struct kh_cur *c, size_t i)
{
	return i < c->len ? c->p[i] : 0;
}

/* Length of the run of ASCII digits at the start of c from index i. */
size_t kh_version_digit_run(const struct kh_cur *c, size_t i);

/*
 * Compares two runs of ASCII digits as numbers of any length: leading
 * zeros dropped, the longer number wins, then the first differing digit.
 * Returns -1, 0 or 1. Never overflows.
 */
int kh_version_digits_cmp(struct kh_cur a, struct kh_cur b);

/* Moves past n bytes that the caller has already seen are there. */
static inline void kh_v_advance(struct kh_cur *c, size_t n)
{
	if (!kh_cur_skip(c, n)) {
		c->p += c->len;
		c->len = 0;
	}
}

/* Sign of x as -1, 0 or 1. */
static inline int kh_v_sign(long x) { return (x > 0) - (x < 0); }

#endif
