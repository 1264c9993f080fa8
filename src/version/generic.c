/*
 * generic.c — vendor versions as advisories write them: Chrome
 * 120.0.6099.109, FortiOS 7.2.4 build1396, BIG-IP 17.1.0.3, vCenter 8.0 U2b,
 * Windows 10.0.19045.3803. Our own rules (docs/version.md, "generic"):
 * numbers compare as numbers, missing segments count as 0, "U2"/"Update 2"/
 * "SP2" are the segment 2, dev < alpha < beta < pre < rc < release, letters
 * after a number sort after it and before the next number, "build N" and
 * "+…" are ignored, ASCII case does not matter.
 */
#include <string.h>

#include "version_int.h"

/* Kinds in sort order at one position: pre-release < 0 < text < 1, 2, … */
enum gen_rank { RANK_PRE, RANK_ZERO, RANK_TEXT, RANK_NUMBER };

struct gen_elem {
	enum gen_rank rank;
	int pre_level;        /* RANK_PRE: dev 0, alpha 1, beta 2, pre 3, rc 4 */
	struct kh_cur digits; /* RANK_ZERO/NUMBER: the number; RANK_PRE: its number */
	struct kh_cur text;   /* RANK_TEXT: the word as written */
};

struct word_class {
	const char *word;
	int pre_level; /* -1: update marker, -2: ignored word, >= 0: pre-release */
};

#define MARKER (-1)
#define NOISE (-2)

static const struct word_class words[] = {
	{ "dev", 0 },        { "alpha", 1 },       { "beta", 2 },
	{ "pre", 3 },        { "preview", 3 },     { "rc", 4 },
	{ "u", MARKER },     { "update", MARKER }, { "sp", MARKER },
	{ "servicepack", MARKER }, { "p", MARKER }, { "patch", MARKER },
	{ "v", NOISE },      { "version", NOISE }, { "release", NOISE },
	{ "final", NOISE },  { "ga", NOISE },      { "stable", NOISE },
	{ "service", NOISE }, { "pack", NOISE },
};

static int
fold(int c)
{
	return kh_v_isupper(c) ? c - 'A' + 'a' : c;
}

/* Case-insensitive comparison of two words, a proper prefix first. */
static int
word_cmp(struct kh_cur a, struct kh_cur b)
{
	size_t n = a.len < b.len ? a.len : b.len;

	for (size_t i = 0; i < n; i++) {
		int ca = fold(a.p[i]), cb = fold(b.p[i]);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return (a.len > b.len) - (a.len < b.len);
}

static const struct word_class *
classify(struct kh_cur word)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (word_cmp(word, kh_cur_from_str(words[i].word)) == 0)
			return &words[i];
	return NULL;
}

/* Everything but letters, digits and '+' separates segments. */
static bool
is_separator(int c)
{
	return c >= 0 && !kh_v_isalnum(c) && c != '+';
}

static void
skip_separators(struct kh_cur *s)
{
	while (s->len > 0 && is_separator(s->p[0]))
		kh_v_advance(s, 1);
}

static struct kh_cur
take_run(struct kh_cur *s, bool digits)
{
	size_t n = 0;

	while (n < s->len && (digits ? kh_v_isdigit(s->p[n]) : kh_v_isalpha(s->p[n])))
		n++;
	struct kh_cur run = kh_cur_make(s->p, n);
	kh_v_advance(s, n);
	return run;
}

/* True when, past separators, a number follows (the cursor is not moved). */
static bool
number_follows(struct kh_cur s)
{
	skip_separators(&s);
	return s.len > 0 && kh_v_isdigit(s.p[0]);
}

static void
make_number(struct gen_elem *e, struct kh_cur digits)
{
	e->digits = digits;
	e->rank = kh_version_digits_cmp(digits, kh_cur_make("0", 1)) == 0 ? RANK_ZERO
	                                                                  : RANK_NUMBER;
}

/* The next element, or false at the end ("build" and "+" end it too). */
static bool
gen_next(struct kh_cur *s, struct gen_elem *e)
{
	for (;;) {
		struct kh_cur word;
		const struct word_class *wc;

		skip_separators(s);
		if (s->len == 0 || s->p[0] == '+') {
			kh_v_advance(s, s->len); /* and stay at the end */
			return false;
		}
		memset(e, 0, sizeof(*e));
		if (kh_v_isdigit(s->p[0])) {
			make_number(e, take_run(s, true));
			return true;
		}
		word = take_run(s, false);
		if (word_cmp(word, kh_cur_from_str("build")) == 0) {
			kh_v_advance(s, s->len);
			return false;
		}
		wc = classify(word);
		if (wc != NULL && wc->pre_level == NOISE)
			continue;
		if (wc != NULL && wc->pre_level == MARKER && number_follows(*s))
			continue; /* "U2", "Update 2", "SP1": the number is the segment */
		if (wc != NULL && wc->pre_level >= 0) {
			e->rank = RANK_PRE;
			e->pre_level = wc->pre_level;
			if (number_follows(*s)) {
				skip_separators(s);
				e->digits = take_run(s, true);
			}
			return true;
		}
		e->rank = RANK_TEXT;
		e->text = word;
		return true;
	}
}

static int
elem_cmp(const struct gen_elem *a, const struct gen_elem *b)
{
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	switch (a->rank) {
	case RANK_PRE:
		if (a->pre_level != b->pre_level)
			return a->pre_level < b->pre_level ? -1 : 1;
		return kh_version_digits_cmp(a->digits, b->digits);
	case RANK_TEXT:
		return word_cmp(a->text, b->text);
	default:
		return kh_version_digits_cmp(a->digits, b->digits);
	}
}

/* Element by element; a version that runs out continues with zeros. */
static int
generic_compare(struct kh_cur a, struct kh_cur b)
{
	struct gen_elem ea, eb;
	const struct gen_elem zero = { .rank = RANK_ZERO };

	for (;;) {
		bool more_a = gen_next(&a, &ea), more_b = gen_next(&b, &eb);
		int r;
		if (!more_a && !more_b)
			return 0;
		r = elem_cmp(more_a ? &ea : &zero, more_b ? &eb : &zero);
		if (r != 0)
			return r;
	}
}

/* Printable ASCII only; blank or empty is no version. */
static enum kh_version_issue
generic_check(struct kh_cur v, bool *fatal)
{
	bool blank = true;

	*fatal = true;
	for (size_t i = 0; i < v.len; i++) {
		if (v.p[i] < 0x20 || v.p[i] >= 0x7f)
			return KH_VERSION_ISSUE_BAD_CHAR;
		if (v.p[i] != ' ')
			blank = false;
	}
	if (blank)
		return KH_VERSION_ISSUE_EMPTY;
	*fatal = false;
	return KH_VERSION_ISSUE_NONE;
}

const struct kh_version_ops kh_version_generic_ops = {
	.check = generic_check,
	.compare = generic_compare,
	.is_absent = NULL,
};
