/*
 * dpkg.c — Debian version ordering, as dpkg 1.21 does it: parseversion()
 * of lib/dpkg/parsehelp.c decides what is refused and what is only warned
 * about, verrevcmp() of lib/dpkg/version.c decides the order.
 */
#include <limits.h>
#include <string.h>

#include "version_int.h"

/* A parsed version: sub-cursors into the caller's bytes, nothing copied. */
struct dpkg_version {
	long epoch;
	struct kh_cur upstream;
	struct kh_cur revision;
};

/* dpkg's c_isblank: space and tab only. */
static bool
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* strtol's isspace in the C locale, which dpkg's epoch parse inherits. */
static bool
is_c_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * The epoch as strtol(string, &end, 10) reads it, up to the colon at
 * colon_at: strtol skips leading white space and takes a sign, which is
 * why dpkg accepts "+1:2" and "-0:2".
 */
static enum kh_version_issue
parse_epoch(struct kh_cur s, size_t colon_at, long *epoch)
{
	size_t i = 0, start, n_digits;
	bool negative = false;
	struct kh_cur digits;

	while (i < s.len && is_c_space(s.p[i]))
		i++;
	if (i < s.len && (s.p[i] == '+' || s.p[i] == '-'))
		negative = s.p[i++] == '-';
	start = i;
	n_digits = kh_version_digit_run(&s, start);
	if (n_digits == 0)
		return KH_VERSION_ISSUE_EPOCH_EMPTY; /* strtol: end == string */
	if (start + n_digits != colon_at)
		return KH_VERSION_ISSUE_EPOCH_NOT_NUMBER;
	digits = kh_cur_make(s.p + start, n_digits);
	/* "2147483647" is INT_MAX: bigger is refused; any non-zero "-N" first. */
	if (negative && kh_version_digits_cmp(digits, kh_cur_make("0", 1)) > 0)
		return KH_VERSION_ISSUE_EPOCH_NEGATIVE;
	if (kh_version_digits_cmp(digits, kh_cur_make("2147483647", 10)) > 0)
		return KH_VERSION_ISSUE_EPOCH_TOO_BIG;
	*epoch = 0;
	for (size_t k = 0; k < digits.len; k++)
		*epoch = *epoch * 10 + (digits.p[k] - '0');
	return KH_VERSION_ISSUE_NONE;
}

/* The last '-' splits upstream from revision (Debian policy 5.6.12). */
static enum kh_version_issue
split_revision(struct kh_cur body, struct dpkg_version *out)
{
	size_t i = body.len;

	out->upstream = body;
	out->revision = kh_cur_make(body.p + body.len, 0);
	while (i > 0 && body.p[i - 1] != '-')
		i--;
	if (i == 0)
		return KH_VERSION_ISSUE_NONE;
	out->upstream.len = i - 1;
	out->revision = kh_cur_make(body.p + i, body.len - i);
	if (out->revision.len == 0)
		return KH_VERSION_ISSUE_REVISION_EMPTY;
	return KH_VERSION_ISSUE_NONE;
}

/* The warnings parseversion gives after a successful split, in its order. */
static enum kh_version_issue
check_chars(const struct dpkg_version *v, bool *fatal)
{
	*fatal = false;
	if (!kh_v_isdigit(v->upstream.p[0]))
		return KH_VERSION_ISSUE_NOT_DIGIT_START;
	for (size_t i = 1; i < v->upstream.len; i++) {
		int c = v->upstream.p[i];
		if (!kh_v_isalnum(c) && (c == 0 || strchr(".-+~:", c) == NULL))
			return KH_VERSION_ISSUE_BAD_CHAR_UPSTREAM;
	}
	for (size_t i = 0; i < v->revision.len; i++) {
		int c = v->revision.p[i];
		if (!kh_v_isalnum(c) && (c == 0 || strchr(".+~", c) == NULL))
			return KH_VERSION_ISSUE_BAD_CHAR_REVISION;
	}
	return KH_VERSION_ISSUE_NONE;
}

/* Mirrors parseversion(): fills *out and returns the first issue found. */
static enum kh_version_issue
dpkg_parse(struct kh_cur in, struct dpkg_version *out, bool *fatal)
{
	struct kh_cur body;
	enum kh_version_issue issue;
	size_t end = 0, colon;

	*fatal = true;
	memset(out, 0, sizeof(*out));
	while (in.len > 0 && is_blank(in.p[0]) && kh_cur_skip(&in, 1)) {
	}
	if (in.len == 0)
		return KH_VERSION_ISSUE_EMPTY;
	while (end < in.len && !is_blank(in.p[end]))
		end++;
	for (size_t i = end; i < in.len; i++)
		if (!is_blank(in.p[i]))
			return KH_VERSION_ISSUE_EMBEDDED_SPACES;
	body = kh_cur_make(in.p, end);
	for (colon = 0; colon < end && body.p[colon] != ':'; colon++) {
	}
	if (colon < end) {
		if ((issue = parse_epoch(body, colon, &out->epoch)) != KH_VERSION_ISSUE_NONE)
			return issue;
		/* dpkg looks at the byte after the colon, trailing blanks included. */
		if (colon + 1 == in.len)
			return KH_VERSION_ISSUE_NOTHING_AFTER_COLON;
		body = kh_cur_make(body.p + colon + 1, end - colon - 1);
	}
	if ((issue = split_revision(body, out)) != KH_VERSION_ISSUE_NONE)
		return issue;
	if (out->upstream.len == 0)
		return KH_VERSION_ISSUE_UPSTREAM_EMPTY;
	return check_chars(out, fatal);
}

static enum kh_version_issue
dpkg_check(struct kh_cur v, bool *fatal)
{
	struct dpkg_version parsed;

	return dpkg_parse(v, &parsed, fatal);
}

/*
 * dpkg's order(): digits 0, letters their ASCII code, '~' -1 (before
 * everything, even the end), other bytes after all letters. dpkg reads a
 * signed char, so a byte >= 0x80 gets c + 256 == its unsigned value.
 */
static int
order(int c)
{
	if (kh_v_isdigit(c))
		return 0;
	if (kh_v_isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c == 0)
		return 0;
	return c >= 0x80 ? c : c + 256;
}

/* Debian policy 5.6.12: alternate non-digit and digit parts, compared in turn. */
static int
verrevcmp(struct kh_cur a, struct kh_cur b)
{
	size_t i = 0, j = 0;

	while (i < a.len || j < b.len) {
		size_t na, nb;
		int r;

		while ((i < a.len && !kh_v_isdigit(a.p[i])) ||
		       (j < b.len && !kh_v_isdigit(b.p[j]))) {
			int ac = order(kh_v_at(&a, i)), bc = order(kh_v_at(&b, j));
			if (ac != bc)
				return ac - bc;
			i++;
			j++;
		}
		na = kh_version_digit_run(&a, i);
		nb = kh_version_digit_run(&b, j);
		r = kh_version_digits_cmp(kh_cur_make(a.p + i, na), kh_cur_make(b.p + j, nb));
		if (r != 0)
			return r;
		i += na;
		j += nb;
	}
	return 0;
}

static int
dpkg_compare(struct kh_cur a, struct kh_cur b)
{
	struct dpkg_version va, vb;
	bool fatal;
	int r;

	(void)dpkg_parse(a, &va, &fatal);
	(void)dpkg_parse(b, &vb, &fatal);
	if (va.epoch != vb.epoch)
		return va.epoch > vb.epoch ? 1 : -1;
	if ((r = verrevcmp(va.upstream, vb.upstream)) != 0)
		return r;
	return verrevcmp(va.revision, vb.revision);
}

/* `dpkg --compare-versions` takes "" and "<unknown>" as "no version". */
static bool
dpkg_is_absent(struct kh_cur v)
{
	return v.len == 0 || kh_cur_eq(&v, "<unknown>");
}

const struct kh_version_ops kh_version_dpkg_ops = {
	.check = dpkg_check,
	.compare = dpkg_compare,
	.is_absent = dpkg_is_absent,
};
