/*
 * rpm.c — RPM version ordering as rpm 4.18 does it: the EVR split of
 * rpmio/rpmver.c parseEVR(), rpmverCmp() for epoch, version and release,
 * and rpmvercmp() of rpmio/rpmvercmp.c for each part.
 */
#include <string.h>

#include "version_int.h"

/* One part of an EVR; `present` false is rpm's NULL (no epoch, no release). */
struct rpm_part {
	struct kh_cur s;
	bool present;
};

struct rpm_evr {
	struct rpm_part epoch, version, release;
};

/*
 * parseEVR(): leading digits then ':' make an epoch (":1" is epoch "0"); the
 * last '-' after those digits starts the release.
 */
static void
rpm_split(struct kh_cur evr, struct rpm_evr *out)
{
	size_t digits = kh_version_digit_run(&evr, 0), dash = evr.len, vstart = 0;

	memset(out, 0, sizeof(*out));
	/* rpmverCmp(): a missing epoch compares as "0". */
	out->epoch.present = true;
	out->epoch.s = kh_cur_make("0", 1);
	if (digits < evr.len && evr.p[digits] == ':') {
		if (digits > 0)
			out->epoch.s = kh_cur_make(evr.p, digits);
		vstart = digits + 1;
	}
	/* strrchr(s, '-') with s just after the leading digits */
	for (size_t i = evr.len; i > digits; i--) {
		if (evr.p[i - 1] == '-') {
			dash = i - 1;
			break;
		}
	}
	out->version.present = true;
	out->version.s = kh_cur_make(evr.p + vstart, dash - vstart);
	if (dash < evr.len) {
		out->release.present = true;
		out->release.s = kh_cur_make(evr.p + dash + 1, evr.len - dash - 1);
	}
}

/* A run of bytes of one class starting at i: digits or ASCII letters. */
static size_t
run_len(const struct kh_cur *c, size_t i, bool digits)
{
	size_t n = 0;

	while (i + n < c->len &&
	       (digits ? kh_v_isdigit(c->p[i + n]) : kh_v_isalpha(c->p[i + n])))
		n++;
	return n;
}

/* strcmp() of two segments: bytes as unsigned, a proper prefix first. */
static int
segment_strcmp(struct kh_cur a, struct kh_cur b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int r = n > 0 ? memcmp(a.p, b.p, n) : 0;

	if (r != 0)
		return kh_v_sign(r);
	return (a.len > b.len) - (a.len < b.len);
}

/* Compares the alphanumeric segments at a[*i] and b[*j] and moves past them. */
static int
compare_segment(struct kh_cur a, size_t *i, struct kh_cur b, size_t *j)
{
	bool is_num = kh_v_isdigit(a.p[*i]);
	size_t na = run_len(&a, *i, is_num), nb = run_len(&b, *j, is_num);
	struct kh_cur sa = kh_cur_make(a.p + *i, na), sb = kh_cur_make(b.p + *j, nb);
	int r;

	/* rpmvercmp: numeric segments are always newer than alpha segments. */
	if (nb == 0)
		return is_num ? 1 : -1;
	r = is_num ? kh_version_digits_cmp(sa, sb) : segment_strcmp(sa, sb);
	*i += na;
	*j += nb;
	return r;
}

/* Handles '~' and '^' at the current positions; 2 means "neither here". */
static int
separator_order(struct kh_cur a, size_t *i, struct kh_cur b, size_t *j)
{
	int ca = kh_v_at(&a, *i), cb = kh_v_at(&b, *j);

	/* '~' sorts before everything, the end of the string included. */
	if (ca == '~' || cb == '~') {
		if (ca != '~')
			return 1;
		if (cb != '~')
			return -1;
		(*i)++, (*j)++;
		return 0;
	}
	/* '^' sorts after the end of the string but before anything else. */
	if (ca == '^' || cb == '^') {
		if (ca == 0)
			return -1;
		if (cb == 0)
			return 1;
		if (ca != '^')
			return 1;
		if (cb != '^')
			return -1;
		(*i)++, (*j)++;
		return 0;
	}
	return 2;
}

static bool
is_separator(int c)
{
	return !kh_v_isalnum(c) && c != '~' && c != '^';
}

/* rpmvercmp(): segment by segment, separators only delimit. */
static int
rpmvercmp(struct kh_cur a, struct kh_cur b)
{
	size_t i = 0, j = 0;

	if (a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0))
		return 0;
	while (i < a.len || j < b.len) {
		int r;

		while (i < a.len && is_separator(a.p[i]))
			i++;
		while (j < b.len && is_separator(b.p[j]))
			j++;
		if ((r = separator_order(a, &i, b, &j)) != 2) {
			if (r != 0)
				return r;
			continue;
		}
		if (i >= a.len || j >= b.len)
			break;
		if ((r = compare_segment(a, &i, b, &j)) != 0)
			return r;
	}
	if (i >= a.len && j >= b.len)
		return 0;
	return i >= a.len ? -1 : 1;
}

/* compare_values(): a missing part sorts before a present one. */
static int
compare_part(const struct rpm_part *a, const struct rpm_part *b)
{
	if (!a->present || !b->present)
		return (int)a->present - (int)b->present;
	return rpmvercmp(a->s, b->s);
}

static int
rpm_compare(struct kh_cur a, struct kh_cur b)
{
	struct rpm_evr ea, eb;
	int r;

	rpm_split(a, &ea);
	rpm_split(b, &eb);
	if ((r = compare_part(&ea.epoch, &eb.epoch)) != 0)
		return r;
	if ((r = compare_part(&ea.version, &eb.version)) != 0)
		return r;
	return compare_part(&ea.release, &eb.release);
}

/* rpmverParse() refuses only the empty string; everything else compares. */
static enum kh_version_issue
rpm_check(struct kh_cur v, bool *fatal)
{
	*fatal = v.len == 0;
	return v.len == 0 ? KH_VERSION_ISSUE_EMPTY : KH_VERSION_ISSUE_NONE;
}

const struct kh_version_ops kh_version_rpm_ops = {
	.check = rpm_check,
	.compare = rpm_compare,
	.is_absent = NULL,
};
