/*
 * semver.c — Semantic Versioning 2.0.0 (https://semver.org, rule 11 for
 * precedence). Validity follows node-semver's strict parse (semver.valid):
 * an optional leading 'v', at most 256 characters, and MAJOR, MINOR and
 * PATCH no larger than Number.MAX_SAFE_INTEGER.
 */
#include <string.h>

#include "version_int.h"

/* node-semver internal/constants.js */
#define SEMVER_MAX_LENGTH 256
static const char max_safe_integer[] = "9007199254740991";

struct semver {
	struct kh_cur main[3];  /* MAJOR, MINOR, PATCH digits */
	struct kh_cur pre;      /* dot-separated pre-release identifiers */
	bool has_pre;
};

static bool
is_ident_char(int c)
{
	return kh_v_isalnum(c) || c == '-';
}

static bool
all_digits(struct kh_cur c)
{
	return kh_version_digit_run(&c, 0) == c.len;
}

/* Rule 2: a non-negative integer without leading zeros. */
static enum kh_version_issue
take_number(struct kh_cur *in, struct kh_cur *out)
{
	size_t n = kh_version_digit_run(in, 0);

	if (n == 0)
		return KH_VERSION_ISSUE_SEMVER_SYNTAX;
	if (n > 1 && in->p[0] == '0')
		return KH_VERSION_ISSUE_SEMVER_LEADING_ZERO;
	*out = kh_cur_make(in->p, n);
	if (kh_version_digits_cmp(*out, kh_cur_make(max_safe_integer,
	                                            sizeof(max_safe_integer) - 1)) > 0)
		return KH_VERSION_ISSUE_SEMVER_TOO_BIG;
	kh_v_advance(in, n);
	return KH_VERSION_ISSUE_NONE;
}

/*
 * Rules 9 and 10: dot-separated non-empty identifiers of [0-9A-Za-z-];
 * in a pre-release a numeric identifier has no leading zero.
 */
static enum kh_version_issue
take_identifiers(struct kh_cur *in, bool pre, struct kh_cur *out)
{
	const uint8_t *start = in->p;

	for (;;) {
		size_t n = 0;
		while (n < in->len && is_ident_char(in->p[n]))
			n++;
		if (n == 0)
			return KH_VERSION_ISSUE_SEMVER_SYNTAX;
		if (pre && n > 1 && in->p[0] == '0' && all_digits(kh_cur_make(in->p, n)))
			return KH_VERSION_ISSUE_SEMVER_LEADING_ZERO;
		kh_v_advance(in, n);
		if (!kh_cur_accept(in, "."))
			break;
	}
	*out = kh_cur_make(start, (size_t)(in->p - start));
	return KH_VERSION_ISSUE_NONE;
}

static enum kh_version_issue
semver_parse(struct kh_cur in, struct semver *out)
{
	enum kh_version_issue issue;
	struct kh_cur build;

	memset(out, 0, sizeof(*out));
	if (in.len > SEMVER_MAX_LENGTH)
		return KH_VERSION_ISSUE_SEMVER_TOO_LONG;
	if (in.len == 0)
		return KH_VERSION_ISSUE_EMPTY;
	(void)kh_cur_accept(&in, "v");
	for (int k = 0; k < 3; k++) {
		if (k > 0 && !kh_cur_accept(&in, "."))
			return KH_VERSION_ISSUE_SEMVER_SYNTAX;
		if ((issue = take_number(&in, &out->main[k])) != KH_VERSION_ISSUE_NONE)
			return issue;
	}
	if (kh_cur_accept(&in, "-")) {
		out->has_pre = true;
		if ((issue = take_identifiers(&in, true, &out->pre)) != KH_VERSION_ISSUE_NONE)
			return issue;
	}
	if (kh_cur_accept(&in, "+") &&
	    (issue = take_identifiers(&in, false, &build)) != KH_VERSION_ISSUE_NONE)
		return issue;
	return in.len == 0 ? KH_VERSION_ISSUE_NONE : KH_VERSION_ISSUE_SEMVER_SYNTAX;
}

static enum kh_version_issue
semver_check(struct kh_cur v, bool *fatal)
{
	struct semver parsed;
	enum kh_version_issue issue = semver_parse(v, &parsed);

	*fatal = issue != KH_VERSION_ISSUE_NONE;
	return issue;
}

/*
 * Rule 11.4: numeric identifiers compare numerically (any length), others
 * in ASCII order; numeric ones have lower precedence than the others.
 */
static int
compare_identifier(struct kh_cur a, struct kh_cur b)
{
	bool num_a = all_digits(a), num_b = all_digits(b);
	size_t n = a.len < b.len ? a.len : b.len;
	int r;

	if (num_a && num_b)
		return kh_version_digits_cmp(a, b);
	if (num_a != num_b)
		return num_a ? -1 : 1;
	r = n > 0 ? memcmp(a.p, b.p, n) : 0;
	if (r != 0)
		return kh_v_sign(r);
	return (a.len > b.len) - (a.len < b.len);
}

/* Rule 11.3: a pre-release sorts before its release; 11.4: field by field. */
static int
compare_prerelease(const struct semver *a, const struct semver *b)
{
	struct kh_cur pa = a->pre, pb = b->pre;

	if (a->has_pre != b->has_pre)
		return a->has_pre ? -1 : 1;
	for (;;) {
		struct kh_cur ia, ib;
		bool more_a = kh_cur_take_until(&pa, '.', &ia);
		bool more_b = kh_cur_take_until(&pb, '.', &ib);
		int r;
		if (!more_a || !more_b)
			return (int)more_a - (int)more_b; /* 11.4.4: more fields win */
		if ((r = compare_identifier(ia, ib)) != 0)
			return r;
	}
}

/* Rule 10: build metadata is ignored. */
static int
semver_compare(struct kh_cur a, struct kh_cur b)
{
	struct semver sa, sb;

	(void)semver_parse(a, &sa);
	(void)semver_parse(b, &sb);
	for (int k = 0; k < 3; k++) {
		int r = kh_version_digits_cmp(sa.main[k], sb.main[k]);
		if (r != 0)
			return r;
	}
	if (!sa.has_pre && !sb.has_pre)
		return 0;
	return compare_prerelease(&sa, &sb);
}

const struct kh_version_ops kh_version_semver_ops = {
	.check = semver_check,
	.compare = semver_compare,
	.is_absent = NULL,
};
