/*
 * apk.c — Alpine version ordering as apk-tools 3.0 src/version.c does it:
 * digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}. Like apk, invalid
 * versions are still ordered (token by token up to the first bad one); we
 * report them as a warning. Unlike apk, numbers of any length compare
 * exactly (apk folds numbers above 2^64-1 modulo 2^64).
 */
#include <string.h>

#include "version_int.h"

/* Token kinds, in apk's order: the order matters when one version ends. */
enum apk_token {
	T_INITIAL_DIGIT,
	T_DIGIT,
	T_LETTER,
	T_SUFFIX,
	T_SUFFIX_NO,
	T_COMMIT_HASH,
	T_REVISION_NO,
	T_END,
	T_INVALID,
};

/* Suffix ranks; below SUF_NONE is a pre-release (apk DECLARE_SUFFIXES). */
enum apk_suffix {
	SUF_INVALID, SUF_ALPHA, SUF_BETA, SUF_PRE, SUF_RC, SUF_NONE,
	SUF_CVS, SUF_SVN, SUF_GIT, SUF_HG, SUF_P,
};

struct apk_tok {
	enum apk_token token;
	enum apk_suffix suffix;
	struct kh_cur value; /* digits, the letter, the suffix word or the hash */
};

static enum apk_suffix
suffix_value(struct kh_cur word)
{
	static const char *const names[] = {
		[SUF_ALPHA] = "alpha", [SUF_BETA] = "beta", [SUF_PRE] = "pre",
		[SUF_RC] = "rc",       [SUF_CVS] = "cvs",   [SUF_SVN] = "svn",
		[SUF_GIT] = "git",     [SUF_HG] = "hg",     [SUF_P] = "p",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i] != NULL && kh_cur_eq(&word, names[i]))
			return (enum apk_suffix)i;
	return SUF_INVALID;
}

/* Takes the longest prefix whose bytes pass `ok` as t->value. */
static void
take_span(struct apk_tok *t, struct kh_cur *b, bool (*ok)(int c))
{
	size_t n = 0;

	while (n < b->len && ok(b->p[n]))
		n++;
	t->value = kh_cur_make(b->p, n);
	kh_v_advance(b, n);
}

static bool
is_hex_lower(int c)
{
	return kh_v_isdigit(c) || (c >= 'a' && c <= 'f');
}

static bool
is_lower(int c)
{
	return kh_v_islower(c);
}

static bool
is_digit(int c)
{
	return kh_v_isdigit(c);
}

static void
take_digits(struct apk_tok *t, struct kh_cur *b)
{
	take_span(t, b, is_digit);
	if (t->value.len == 0)
		t->token = T_INVALID;
}

static void
token_first(struct apk_tok *t, struct kh_cur *b)
{
	t->token = T_INITIAL_DIGIT;
	t->suffix = SUF_INVALID;
	take_digits(t, b);
}

/* A digit run after '.', or a suffix number right after "_suffix". */
static void
token_number(struct apk_tok *t, struct kh_cur *b)
{
	if (t->token == T_INITIAL_DIGIT || t->token == T_DIGIT)
		t->token = T_DIGIT;
	else if (t->token == T_SUFFIX)
		t->token = T_SUFFIX_NO;
	else {
		t->token = T_INVALID;
		return;
	}
	take_digits(t, b);
}

static void
token_suffix(struct apk_tok *t, struct kh_cur *b)
{
	take_span(t, b, is_lower);
	t->suffix = suffix_value(t->value);
	t->token = t->suffix == SUF_INVALID ? T_INVALID : T_SUFFIX;
}

/* Reads the next token; each kind may only follow certain kinds. */
static void
token_next(struct apk_tok *t, struct kh_cur *b)
{
	int c = kh_cur_peek(b);

	if (c < 0)
		t->token = T_END;
	else if (kh_v_islower(c) && t->token <= T_DIGIT) {
		t->value = kh_cur_make(b->p, 1);
		t->token = T_LETTER;
		kh_v_advance(b, 1);
	} else if (c == '.' && t->token <= T_DIGIT) {
		kh_v_advance(b, 1);
		token_number(t, b);
	} else if (kh_v_isdigit(c))
		token_number(t, b);
	else if (c == '_' && t->token <= T_SUFFIX_NO && kh_cur_skip(b, 1))
		token_suffix(t, b);
	else if (c == '~' && t->token < T_COMMIT_HASH && kh_cur_skip(b, 1)) {
		take_span(t, b, is_hex_lower);
		t->token = t->value.len == 0 ? T_INVALID : T_COMMIT_HASH;
	} else if (c == '-' && t->token < T_REVISION_NO && kh_cur_accept(b, "-r")) {
		t->token = T_REVISION_NO;
		take_digits(t, b);
	} else
		t->token = T_INVALID;
}

/* apk_blob_sort(): memcmp of the common part, then the shorter first. */
static int
blob_sort(struct kh_cur a, struct kh_cur b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int r = n > 0 ? memcmp(a.p, b.p, n) : 0;

	if (r != 0)
		return kh_v_sign(r);
	return (a.len > b.len) - (a.len < b.len);
}

static int
token_cmp(const struct apk_tok *ta, const struct apk_tok *tb)
{
	switch (ta->token) {
	case T_DIGIT:
		/* apk: a leading zero means string order, as in the Gentoo spec */
		if (ta->value.p[0] == '0' || tb->value.p[0] == '0')
			return blob_sort(ta->value, tb->value);
		return kh_version_digits_cmp(ta->value, tb->value);
	case T_INITIAL_DIGIT:
	case T_SUFFIX_NO:
	case T_REVISION_NO:
		return kh_version_digits_cmp(ta->value, tb->value);
	case T_LETTER:
		return (ta->value.p[0] > tb->value.p[0]) - (ta->value.p[0] < tb->value.p[0]);
	case T_SUFFIX:
		return (ta->suffix > tb->suffix) - (ta->suffix < tb->suffix);
	default:
		return blob_sort(ta->value, tb->value);
	}
}

int
kh_version_apk_cmp_fuzzy(struct kh_cur a, struct kh_cur b, bool fuzzy)
{
	struct apk_tok ta, tb;
	int r;

	for (token_first(&ta, &a), token_first(&tb, &b);
	     ta.token == tb.token && ta.token < T_END;
	     token_next(&ta, &a), token_next(&tb, &b)) {
		if ((r = token_cmp(&ta, &tb)) != 0)
			return r;
	}
	if (ta.token == tb.token)
		return 0;
	/* apk "~": b matches when it is a prefix of a, token by token */
	if (tb.token == T_END && fuzzy)
		return 0;
	/* Equal so far: the longer one is newer unless it goes on with a pre-release suffix. */
	if (ta.token == T_SUFFIX && ta.suffix < SUF_NONE)
		return -1;
	if (tb.token == T_SUFFIX && tb.suffix < SUF_NONE)
		return 1;
	return ta.token > tb.token ? -1 : 1;
}

static int
apk_compare(struct kh_cur a, struct kh_cur b)
{
	return kh_version_apk_cmp_fuzzy(a, b, false);
}

/* apk_version_validate(): every token well placed up to the end. */
static enum kh_version_issue
apk_check(struct kh_cur v, bool *fatal)
{
	struct apk_tok t;

	*fatal = false;
	for (token_first(&t, &v); t.token < T_END; token_next(&t, &v)) {
	}
	return t.token == T_END ? KH_VERSION_ISSUE_NONE : KH_VERSION_ISSUE_APK_INVALID;
}

const struct kh_version_ops kh_version_apk_ops = {
	.check = apk_check,
	.compare = apk_compare,
	.is_absent = NULL,
};
