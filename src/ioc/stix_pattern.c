/*
 * stix_pattern.c — the STIX 2.1 patterning language (STIX 2.1 §9): a
 * recursive-descent parser that takes the values of simple comparisons
 * and counts the forms it can parse but not match on.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "khien/ioc.h"
#include "khien/limits.h"

struct pp {
	struct kh_cur c;
	size_t total;          /* length of the whole pattern, for offsets */
	size_t depth, max_depth;
	size_t n_obs;          /* observation expressions [...] */
	const char *name, *source;
	struct kh_ioc_indicators found;
	struct kh_ioc_pattern_info info;
	struct kh_buf path;    /* object path of the current comparison */
	struct kh_diag *diag;
};

/* Skips n bytes the caller has already seen are there. */
static void
cur_skip(struct kh_cur *c, size_t n)
{
	if (!kh_cur_skip(c, n))
		c->len = 0;
}

static long long
offset(const struct pp *p)
{
	return (long long)(p->total - p->c.len);
}

static enum kh_err
fail(struct pp *p, const char *en, const char *vi)
{
	(void)kh_diag_set(p->diag, KH_EFORMAT, "pattern", 0, "%s", KH_MSG(en, vi));
	if (p->diag != NULL)
		p->diag->offset = offset(p);
	return KH_EFORMAT;
}

static void
skip_ws(struct pp *p)
{
	int ch;

	while ((ch = kh_cur_peek(&p->c)) == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
		cur_skip(&p->c, 1);
}

static bool
accept_ch(struct pp *p, char ch)
{
	skip_ws(p);
	if (kh_cur_peek(&p->c) != (unsigned char)ch)
		return false;
	cur_skip(&p->c, 1);
	return true;
}

static bool
is_ident(int ch)
{
	return ch >= 0 && (isalnum(ch) || ch == '_' || ch == '-');
}

/* A keyword (case-sensitive, STIX 2.1 §9.3) not followed by a name character. */
static bool
accept_kw(struct pp *p, const char *kw)
{
	size_t n = strlen(kw);

	skip_ws(p);
	if (p->c.len < n || memcmp(p->c.p, kw, n) != 0 ||
	    (p->c.len > n && is_ident(p->c.p[n])))
		return false;
	cur_skip(&p->c, n);
	return true;
}

static enum kh_err
enter(struct pp *p)
{
	if (++p->depth > p->max_depth) {
		(void)kh_diag_limit(p->diag, "pattern", "max_stix_pattern_depth",
		                    "pattern nested too deeply");
		if (p->diag != NULL)
			p->diag->offset = offset(p);
		return KH_ELIMIT;
	}
	return KH_OK;
}

/* 'text' with \' and \\ escapes (§9.2); the unescaped text is appended to out. */
static enum kh_err
string_literal(struct pp *p, struct kh_buf *out)
{
	uint8_t ch;
	enum kh_err r;

	if (!accept_ch(p, '\''))
		return fail(p, "expected a quoted string", "cần một chuỗi trong dấu nháy");
	for (;;) {
		if (!kh_cur_get_u8(&p->c, &ch))
			return fail(p, "string not closed", "chuỗi chưa đóng");
		if (ch == '\'')
			return KH_OK;
		if (ch == '\\') {
			if (!kh_cur_get_u8(&p->c, &ch) || (ch != '\'' && ch != '\\'))
				return fail(p, "bad escape in string", "ký tự thoát sai trong chuỗi");
		}
		if (out != NULL && (r = kh_buf_putc(out, (char)ch)) != KH_OK)
			return r;
	}
}

/* Skips a run of characters allowed in a number or identifier. */
static size_t
take_word(struct pp *p)
{
	size_t n = 0;

	skip_ws(p);
	while (n < p->c.len && (is_ident(p->c.p[n]) || p->c.p[n] == '.' || p->c.p[n] == '+'))
		n++;
	cur_skip(&p->c, n);
	return n;
}

/* A number (§9.2 IntLiteral, FloatLiteral) or true/false. */
static enum kh_err
bare_literal(struct pp *p)
{
	struct kh_cur word = p->c;
	size_t n;

	skip_ws(p);
	word = p->c;
	if ((n = take_word(p)) == 0)
		return fail(p, "expected a value", "cần một giá trị");
	word.len = n;
	if (kh_cur_eq(&word, "true") || kh_cur_eq(&word, "false"))
		return KH_OK;
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = word.p[i];
		if (!isdigit(ch) && ch != '.' && ch != '+' && ch != '-' &&
		    !(i > 0 && (ch == 'e' || ch == 'E')))
			return fail(p, "expected a quoted string, a number or true/false",
			            "cần chuỗi trong dấu nháy, số hoặc true/false");
	}
	return KH_OK;
}

/* Any literal: string, b'..', h'..', t'..', number, true/false. */
static enum kh_err
literal(struct pp *p, struct kh_buf *str_out, bool *is_string)
{
	int ch;

	skip_ws(p);
	ch = kh_cur_peek(&p->c);
	*is_string = ch == '\'';
	if (ch == '\'')
		return string_literal(p, str_out);
	if ((ch == 'b' || ch == 'h' || ch == 't') && p->c.len > 1 && p->c.p[1] == '\'') {
		cur_skip(&p->c, 1);
		return string_literal(p, NULL);
	}
	return bare_literal(p);
}

/* ( literal, literal ... ) for IN */
static enum kh_err
set_literal(struct pp *p)
{
	bool is_string;
	enum kh_err r;

	if (!accept_ch(p, '('))
		return fail(p, "expected '(' after IN", "cần '(' sau IN");
	do {
		if ((r = literal(p, NULL, &is_string)) != KH_OK)
			return r;
	} while (accept_ch(p, ','));
	if (!accept_ch(p, ')'))
		return fail(p, "expected ')'", "cần ')'");
	return KH_OK;
}

/* object-type:component(.component|[n]|[*])*, appended to p->path as text */
static enum kh_err
object_path(struct pp *p)
{
	struct kh_cur word;
	enum kh_err r;

	kh_buf_reset(&p->path);
	skip_ws(p);
	word = p->c;
	word.len = 0;
	while (word.len < p->c.len && is_ident(p->c.p[word.len]))
		word.len++;
	if (word.len == 0 || !isalpha(word.p[0]))
		return fail(p, "expected an object path like file:name",
		            "cần đường dẫn đối tượng như file:name");
	cur_skip(&p->c, word.len);
	if ((r = kh_buf_append(&p->path, word.p, word.len)) != KH_OK)
		return r;
	if (kh_cur_peek(&p->c) != ':')
		return fail(p, "expected ':' after the object type", "cần ':' sau kiểu đối tượng");
	for (bool first = true;; first = false) {
		int ch = kh_cur_peek(&p->c);
		if (ch == '[') {
			cur_skip(&p->c, 1);
			if (take_word(p) == 0 && !accept_ch(p, '*'))
				return fail(p, "expected an index", "cần chỉ số");
			if (!accept_ch(p, ']'))
				return fail(p, "expected ']'", "cần ']'");
			if ((r = kh_buf_append_str(&p->path, "[]")) != KH_OK)
				return r;
			continue;
		}
		if (!first && ch != '.')
			return KH_OK;
		cur_skip(&p->c, 1);
		if ((r = kh_buf_putc(&p->path, first ? ':' : '.')) != KH_OK)
			return r;
		if (kh_cur_peek(&p->c) == '\'') {
			if ((r = string_literal(p, &p->path)) != KH_OK)
				return r;
			continue;
		}
		word = p->c;
		word.len = 0;
		while (word.len < p->c.len && is_ident(p->c.p[word.len]))
			word.len++;
		if (word.len == 0)
			return fail(p, "expected a property name", "cần tên thuộc tính");
		cur_skip(&p->c, word.len);
		if ((r = kh_buf_append(&p->path, word.p, word.len)) != KH_OK)
			return r;
	}
}

/* Object paths Khiên matches on, and the indicator type each gives. */
static const struct {
	const char *path, *type;
	size_t hex_len; /* hashes: hex digits required */
} paths[] = {
	{ "file:hashes.MD5", "md5", 32 },       { "file:hashes.SHA-1", "sha1", 40 },
	{ "file:hashes.SHA1", "sha1", 40 },     { "file:hashes.SHA-256", "sha256", 64 },
	{ "file:hashes.SHA256", "sha256", 64 }, { "file:hashes.SHA-512", "sha512", 128 },
	{ "file:hashes.SHA512", "sha512", 128 }, { "file:name", "file-name", 0 },
	{ "domain-name:value", "domain-name", 0 }, { "ipv4-addr:value", "ipv4-addr", 0 },
	{ "ipv6-addr:value", "ipv6-addr", 0 },   { "url:value", "url", 0 },
	{ "email-addr:value", "email-addr", 0 },
};

static bool
hex_ok(char *v, size_t want)
{
	if (strlen(v) != want)
		return false;
	for (size_t i = 0; i < want; i++) {
		if (!isxdigit((unsigned char)v[i]))
			return false;
		v[i] = (char)tolower((unsigned char)v[i]);
	}
	return true;
}

/* Keeps value when the path is one we match on; else counts it unsupported. */
static enum kh_err
take_value(struct pp *p, struct kh_buf *value)
{
	const char *path = kh_buf_str(&p->path);
	char *v = (char *)kh_buf_str(value);
	enum kh_ioc_kind kind;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		/* hash names are case-insensitive in real feeds ("hashes.md5") */
		if (strcasecmp(path, paths[i].path) != 0)
			continue;
		if (paths[i].hex_len != 0 && !hex_ok(v, paths[i].hex_len))
			break;
		if (v[0] == '\0' || !kh_ioc_type_kind(paths[i].type, &kind))
			break;
		if (kind == KH_IOC_KIND_HASH)
			p->info.hashes++;
		else if (kind == KH_IOC_KIND_NETWORK)
			p->info.network++;
		else
			p->info.others++;
		return kh_ioc_indicators_add(&p->found, kind, paths[i].type, v, p->name,
		                             p->source, NULL);
	}
	p->info.unsupported++;
	return KH_OK;
}

static enum kh_err comparison_or(struct pp *p);

/* One comparison (§9.6): path [NOT] op literal, EXISTS path, or ( ... ). */
static enum kh_err
comparison(struct pp *p)
{
	struct kh_buf value;
	bool negated, is_string, is_eq = false;
	enum kh_err r;

	if (accept_ch(p, '(')) {
		if ((r = enter(p)) != KH_OK || (r = comparison_or(p)) != KH_OK)
			return r;
		p->depth--;
		return accept_ch(p, ')') ? KH_OK : fail(p, "expected ')'", "cần ')'");
	}
	p->info.comparisons++;
	if (accept_kw(p, "EXISTS")) {
		p->info.unsupported++;
		return object_path(p);
	}
	if ((r = object_path(p)) != KH_OK)
		return r;
	negated = accept_kw(p, "NOT");
	skip_ws(p);
	if (accept_kw(p, "IN")) {
		p->info.unsupported++;
		return set_literal(p);
	}
	if (kh_cur_accept(&p->c, "==") || kh_cur_accept(&p->c, "="))
		is_eq = true;
	else if (!(kh_cur_accept(&p->c, "!=") || kh_cur_accept(&p->c, "<>") ||
	           kh_cur_accept(&p->c, "<=") || kh_cur_accept(&p->c, ">=") ||
	           kh_cur_accept(&p->c, "<") || kh_cur_accept(&p->c, ">") ||
	           accept_kw(p, "LIKE") || accept_kw(p, "MATCHES") ||
	           accept_kw(p, "ISSUBSET") || accept_kw(p, "ISSUPERSET")))
		return fail(p, "expected a comparison operator (=, !=, <, >, IN, LIKE, MATCHES…)",
		            "cần toán tử so sánh (=, !=, <, >, IN, LIKE, MATCHES…)");
	kh_buf_init(&value, p->total + 1);
	if ((r = literal(p, &value, &is_string)) == KH_OK) {
		if (is_eq && !negated && is_string)
			r = take_value(p, &value);
		else
			p->info.unsupported++;
	}
	kh_buf_cleanup(&value);
	return r;
}

static enum kh_err
comparison_and(struct pp *p)
{
	enum kh_err r;

	do {
		if ((r = comparison(p)) != KH_OK)
			return r;
	} while (accept_kw(p, "AND"));
	return KH_OK;
}

static enum kh_err
comparison_or(struct pp *p)
{
	enum kh_err r;

	do {
		if ((r = comparison_and(p)) != KH_OK)
			return r;
	} while (accept_kw(p, "OR"));
	return KH_OK;
}

/* WITHIN n SECONDS, REPEATS n TIMES, START t'…' STOP t'…' (§9.7) */
static enum kh_err
qualifiers(struct pp *p)
{
	bool is_string;
	enum kh_err r;

	for (;;) {
		if (accept_kw(p, "WITHIN")) {
			if (take_word(p) == 0 || !accept_kw(p, "SECONDS"))
				return fail(p, "expected WITHIN <number> SECONDS",
				            "cần WITHIN <số> SECONDS");
		} else if (accept_kw(p, "REPEATS")) {
			if (take_word(p) == 0 || !accept_kw(p, "TIMES"))
				return fail(p, "expected REPEATS <number> TIMES",
				            "cần REPEATS <số> TIMES");
		} else if (accept_kw(p, "START")) {
			if ((r = literal(p, NULL, &is_string)) != KH_OK)
				return r;
			if (!accept_kw(p, "STOP"))
				return fail(p, "expected STOP after START", "cần STOP sau START");
			if ((r = literal(p, NULL, &is_string)) != KH_OK)
				return r;
		} else
			return KH_OK;
		p->info.unsupported++;
	}
}

static enum kh_err observation_followedby(struct pp *p);

static enum kh_err
observation(struct pp *p)
{
	enum kh_err r;

	if ((r = enter(p)) != KH_OK)
		return r;
	if (accept_ch(p, '[')) {
		p->n_obs++;
		if ((r = comparison_or(p)) != KH_OK)
			return r;
		if (!accept_ch(p, ']'))
			return fail(p, "expected ']' or AND/OR", "cần ']' hoặc AND/OR");
	} else if (accept_ch(p, '(')) {
		if ((r = observation_followedby(p)) != KH_OK)
			return r;
		if (!accept_ch(p, ')'))
			return fail(p, "expected ')'", "cần ')'");
	} else
		return fail(p, "expected '[' to start an observation",
		            "cần '[' để mở một biểu thức quan sát");
	p->depth--;
	return qualifiers(p);
}

/* Observation operators: AND binds tighter than OR, OR tighter than FOLLOWEDBY. */
static enum kh_err
observation_and(struct pp *p)
{
	enum kh_err r;

	do {
		if ((r = observation(p)) != KH_OK)
			return r;
	} while (accept_kw(p, "AND"));
	return KH_OK;
}

static enum kh_err
observation_or(struct pp *p)
{
	enum kh_err r;

	do {
		if ((r = observation_and(p)) != KH_OK)
			return r;
	} while (accept_kw(p, "OR"));
	return KH_OK;
}

static enum kh_err
observation_followedby(struct pp *p)
{
	enum kh_err r;

	do {
		if ((r = observation_or(p)) != KH_OK)
			return r;
	} while (accept_kw(p, "FOLLOWEDBY"));
	return KH_OK;
}

/* Hands the values over when the whole pattern is one we can match on. */
static enum kh_err
hand_over(struct pp *p, struct kh_ioc_indicators *into)
{
	enum kh_err r;

	if (p->n_obs > 1)
		p->info.unsupported++; /* observation operators join [..] */
	if (p->info.unsupported > 0 || into == NULL)
		return KH_OK;
	for (size_t i = 0; i < p->found.n; i++) {
		const struct kh_ioc_indicator *it = &p->found.items[i];
		if ((r = kh_ioc_indicators_add(into, it->kind, it->type, it->value, it->name,
		                               it->source, NULL)) != KH_OK)
			return r;
	}
	return KH_OK;
}

enum kh_err
kh_ioc_pattern_parse(const char *pattern, size_t len, const char *name,
                     const char *source, struct kh_ioc_indicators *into,
                     struct kh_ioc_pattern_info *info, struct kh_diag *diag)
{
	struct pp p = { .c = kh_cur_make(pattern, len), .total = len, .name = name,
	                .source = source, .diag = diag };
	enum kh_err r;

	memset(info, 0, sizeof(*info));
	p.max_depth = (size_t)KH_LIMIT(max_stix_pattern_depth);
	kh_buf_init(&p.path, len + 8);
	if (pattern == NULL || !kh_cur_no_nul(&p.c)) {
		r = fail(&p, "pattern contains NUL", "mẫu chứa ký tự NUL");
		goto out;
	}
	if ((r = observation_followedby(&p)) != KH_OK)
		goto out;
	skip_ws(&p);
	if (!kh_cur_empty(&p.c)) {
		r = fail(&p, "unexpected text after the pattern", "thừa văn bản sau mẫu");
		goto out;
	}
	if ((r = hand_over(&p, into)) != KH_OK)
		goto out;
	*info = p.info;
	if (info->unsupported > 0)
		info->hashes = info->network = info->others = 0; /* nothing taken */
 out:
	kh_buf_cleanup(&p.path);
	kh_ioc_indicators_cleanup(&p.found);
	return r;
}

/* ---- writing patterns ------------------------------------------------- */

static const struct {
	const char *type, *path;
} out_paths[] = {
	{ "md5", "file:hashes.MD5" },          { "sha1", "file:hashes.'SHA-1'" },
	{ "sha256", "file:hashes.'SHA-256'" }, { "sha512", "file:hashes.'SHA-512'" },
	{ "file-name", "file:name" },          { "domain-name", "domain-name:value" },
	{ "ipv4-addr", "ipv4-addr:value" },    { "ipv6-addr", "ipv6-addr:value" },
	{ "url", "url:value" },                { "email-addr", "email-addr:value" },
};

enum kh_err
kh_ioc_pattern_for(const char *type, const char *value, struct kh_buf *out)
{
	enum kh_err r;

	for (size_t i = 0; type != NULL && i < sizeof(out_paths) / sizeof(out_paths[0]); i++) {
		if (strcmp(type, out_paths[i].type) != 0)
			continue;
		if ((r = kh_buf_printf(out, "[%s = '", out_paths[i].path)) != KH_OK)
			return r;
		/* §9.2: inside '…' only the quote and the backslash are escaped */
		for (const char *s = value; *s != '\0'; s++) {
			if ((*s == '\'' || *s == '\\') && (r = kh_buf_putc(out, '\\')) != KH_OK)
				return r;
			if ((r = kh_buf_putc(out, *s)) != KH_OK)
				return r;
		}
		return kh_buf_append_str(out, "']");
	}
	return KH_EUNSUPPORTED;
}
