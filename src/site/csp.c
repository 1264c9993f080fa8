/* csp.c — Content-Security-Policy parsing, merging several policies the way
 * the MDN HTTP Observatory 1.4.8 does (src/analyzer/cspParser.js), so that our
 * CSP test sees the same directives and sources as theirs. */
#include <stdlib.h>
#include <string.h>

#include "khien/limits.h"
#include "khien/site.h"

/* Observatory: policies shorter than "img-src" minus one are invalid. */
#define SHORTEST_POLICY_CHARS 6

struct src {
	char *text;
	size_t policy; /* index of the policy it came from */
	bool keep;
};

/* While parsing: sources live in a pool; directives hold indices into it,
 * so that clearing `keep` through one list is seen by all (as in the JS,
 * where the lists share objects). */
struct pdir {
	char *name;
	size_t *idx;
	size_t n;
};
struct parser {
	struct src *pool;
	size_t n_pool;
	struct pdir *dirs;
	size_t n_dirs;
	bool dup_report;
};

static bool
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* ICU root collation order of ASCII (what Intl.Collator("en") sorts by):
 * punctuation, then symbols, then digits, then letters. */
static int
coll_rank(uint8_t c)
{
	static const char order[] = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789"
	                            "abcdefghijklmnopqrstuvwxyz";
	const char *at;

	if (c >= 'A' && c <= 'Z')
		c = (uint8_t)(c - 'A' + 'a');
	if (c != 0 && (at = strchr(order, c)) != NULL)
		return (int)(at - order) + 1;
	return 1000 + c; /* controls, spaces, non-ASCII bytes: after letters */
}

static int
collate(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		int d = coll_rank((uint8_t)*a) - coll_rank((uint8_t)*b);
		if (d != 0)
			return d;
	}
	return (*a != '\0') - (*b != '\0');
}

/* qsort has no context argument; one parse runs per thread at a time. */
static _Thread_local const struct parser *tl_parser;

static int
cmp_idx(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int d = collate(tl_parser->pool[a].text, tl_parser->pool[b].text);

	if (d != 0)
		return d;
	return a < b ? -1 : a > b; /* stable: pool order is insertion order */
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* decodeURIComponent of [p, p+n) into out (NUL-ended); false where the JS
 * function throws: a bad %-escape or bytes that are not UTF-8. */
static bool
uri_decode(const char *p, size_t n, struct kh_buf *out)
{
	kh_buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)p[i];
		if (c == '%') {
			int hi, lo;
			if (i + 2 >= n)
				return false;
			hi = hexval((uint8_t)p[i + 1]);
			lo = hexval((uint8_t)p[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			c = (uint8_t)(hi * 16 + lo);
			i += 2;
		}
		if (kh_buf_putc(out, (char)c) != KH_OK)
			return false;
	}
	return kh_utf8_valid(out->data, out->len);
}

static size_t
count_segments(const char *s)
{
	size_t n = 1;
	for (; *s != '\0'; s++)
		n += *s == '/';
	return n;
}

/* Length of segment starting at s (up to '/' or the end). */
static size_t
seg_len(const char *s)
{
	const char *slash = strchr(s, '/');
	return slash != NULL ? (size_t)(slash - s) : strlen(s);
}

/* Observatory pathPartMatch(a, b). Returns 1 match, 0 no match, -1 where
 * decodeURIComponent would throw (the whole policy is then invalid). */
static int
path_part_match(const char *a, const char *b)
{
	size_t na, nb, la, lb;
	struct kh_buf da, db;
	bool exact;
	int r = 1;

	if (*a == '\0' || (strcmp(a, "/") == 0 && *b == '\0'))
		return 1;
	exact = a[strlen(a) - 1] != '/';
	na = count_segments(a);
	nb = count_segments(b);
	if (na > nb || (exact && na != nb))
		return 0;
	if (!exact)
		na--;
	kh_buf_init(&da, 1u << 16);
	kh_buf_init(&db, 1u << 16);
	for (size_t i = 0; i < na && r == 1; i++) {
		la = seg_len(a);
		lb = seg_len(b);
		if (!uri_decode(a, la, &da) || !uri_decode(b, lb, &db))
			r = -1;
		else if (da.len != db.len || memcmp(da.data, db.data, da.len) != 0)
			r = 0;
		a += la + (a[la] == '/');
		b += lb + (b[lb] == '/');
	}
	kh_buf_cleanup(&da);
	kh_buf_cleanup(&db);
	return r;
}

static void
lower_ascii(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static struct pdir *
find_dir(struct parser *ps, const char *name)
{
	for (size_t i = 0; i < ps->n_dirs; i++)
		if (strcmp(ps->dirs[i].name, name) == 0)
			return &ps->dirs[i];
	return NULL;
}

static enum kh_err
pool_add(struct parser *ps, struct kh_cur tok, size_t policy, size_t *idx)
{
	struct src *grown;
	char *text;

	if (ps->n_pool >= KH_LIMIT(max_site_csp_sources))
		return KH_ELIMIT;
	if ((text = kh_cur_dup(&tok)) == NULL)
		return KH_ENOMEM;
	grown = kh_reallocarray(ps->pool, ps->n_pool + 1, sizeof(*grown));
	if (grown == NULL) {
		kh_free(text);
		return KH_ENOMEM;
	}
	ps->pool = grown;
	lower_ascii(text);
	ps->pool[ps->n_pool] = (struct src){ text, policy, policy == 0 };
	*idx = ps->n_pool++;
	return KH_OK;
}

/* Next whitespace-separated token of a directive entry. */
static bool
next_token(struct kh_cur *c, struct kh_cur *tok)
{
	while (!kh_cur_empty(c) && is_space(c->p[0]) && kh_cur_skip(c, 1))
		;
	if (kh_cur_empty(c))
		return false;
	tok->p = c->p;
	tok->len = 0;
	while (tok->len < c->len && !is_space(c->p[tok->len]))
		tok->len++;
	return kh_cur_skip(c, tok->len);
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Sorts a directive's combined list and decides which sources stay. */
static enum kh_err
settle(struct parser *ps, size_t *list, size_t n, size_t *n_kept)
{
	size_t k = 0;
	int m;

	tl_parser = ps;
	qsort(list, n, sizeof(*list), cmp_idx);
	for (size_t i = 1; i < n; i++) {
		struct src *cur = &ps->pool[list[i]], *prev = &ps->pool[list[i - 1]];
		if (cur->policy == prev->policy && starts_with(cur->text, prev->text))
			cur->keep = false;
		if (cur->policy != prev->policy) {
			if ((m = path_part_match(prev->text, cur->text)) < 0)
				return KH_EFORMAT;
			if (m == 1)
				cur->keep = true;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (ps->pool[list[i]].keep)
			list[k++] = list[i];
	*n_kept = k;
	return KH_OK;
}

static enum kh_err
add_directive(struct parser *ps, const char *name, size_t policy,
              const size_t *vals, size_t n_vals, size_t n_policies)
{
	struct pdir *d = find_dir(ps, name), *grown;
	size_t *list, n = 0, base = (policy == 0 || d == NULL) ? 0 : d->n;
	enum kh_err r;

	if ((list = kh_reallocarray(NULL, base + n_vals + 1, sizeof(*list))) == NULL)
		return KH_ENOMEM;
	if (base > 0)
		memcpy(list, d->idx, base * sizeof(*list));
	memcpy(list + base, vals, n_vals * sizeof(*list));
	if ((r = settle(ps, list, base + n_vals, &n)) != KH_OK) {
		kh_free(list);
		return r;
	}
	if (d == NULL) {
		grown = kh_reallocarray(ps->dirs, ps->n_dirs + 1, sizeof(*grown));
		if (grown == NULL || (name = kh_strdup(name)) == NULL) {
			if (grown != NULL)
				ps->dirs = grown;
			kh_free(list);
			return KH_ENOMEM;
		}
		ps->dirs = grown;
		d = &ps->dirs[ps->n_dirs++];
		d->name = (char *)name;
	} else {
		kh_free(d->idx);
	}
	d->idx = list;
	d->n = n;
	if (policy == 0 && n_policies > 1)
		for (size_t i = 0; i < n; i++)
			ps->pool[list[i]].keep = false;
	return KH_OK;
}

static bool
dup_allowed(const char *name)
{
	return strcmp(name, "report-uri") == 0 || strcmp(name, "report-to") == 0;
}

/* One directive entry "name src src ..." of policy `policy`. */
static enum kh_err
parse_entry(struct parser *ps, struct kh_cur entry, size_t policy,
            size_t n_policies, char ***seen, size_t *n_seen)
{
	struct kh_cur tok;
	size_t *vals = NULL, *more, n_vals = 0, none;
	char *name = NULL, **grown;
	enum kh_err r;

	if (!next_token(&entry, &tok))
		return KH_OK;
	if ((name = kh_cur_dup(&tok)) == NULL)
		return KH_ENOMEM;
	lower_ascii(name);
	for (size_t i = 0; i < *n_seen; i++)
		if (strcmp((*seen)[i], name) == 0) {
			if (!dup_allowed(name)) {
				kh_free(name);
				return KH_EFORMAT;
			}
			ps->dup_report = true;
		}
	if ((grown = kh_reallocarray(*seen, *n_seen + 1, sizeof(*grown))) == NULL) {
		kh_free(name);
		return KH_ENOMEM;
	}
	*seen = grown;
	(*seen)[(*n_seen)++] = name;
	/* one spare slot for the implied 'none' */
	if ((vals = kh_reallocarray(NULL, 1, sizeof(*vals))) == NULL)
		return KH_ENOMEM;
	r = KH_OK;
	while (r == KH_OK && next_token(&entry, &tok)) {
		if ((more = kh_reallocarray(vals, n_vals + 2, sizeof(*vals))) == NULL) {
			r = KH_ENOMEM;
			break;
		}
		vals = more;
		r = pool_add(ps, tok, policy, &vals[n_vals++]);
	}
	if (r == KH_OK && n_vals == 0 && kh_str_ends_with(name, "-src") &&
	    (r = pool_add(ps, kh_cur_from_str("'none'"), policy, &none)) == KH_OK)
		vals[n_vals++] = none;
	if (r == KH_OK)
		r = add_directive(ps, name, policy, vals, n_vals, n_policies);
	kh_free(vals);
	return r;
}

/* Observatory: "\r" and "\n" are deleted (not replaced), then trimmed. */
static char *
clean_policy(struct kh_cur in)
{
	struct kh_buf b;
	struct kh_cur t;

	kh_buf_init(&b, 0);
	for (size_t i = 0; i < in.len; i++)
		if (in.p[i] != '\r' && in.p[i] != '\n' && kh_buf_putc(&b, (char)in.p[i]) != KH_OK) {
			kh_buf_cleanup(&b);
			return NULL;
		}
	if (b.data == NULL) /* nothing kept: the buffer never allocated */
		return kh_strdup("");
	t = kh_buf_cur(&b);
	while (t.len > 0 && is_space(t.p[0]) && kh_cur_skip(&t, 1))
		;
	while (t.len > 0 && is_space(t.p[t.len - 1]))
		t.len--;
	memmove(b.data, t.p, t.len);
	b.len = t.len;
	b.data[b.len] = '\0';
	return kh_buf_steal(&b);
}

/* JavaScript string length: UTF-16 code units. */
static size_t
js_length(const char *s)
{
	size_t n = 0;
	for (const uint8_t *p = (const uint8_t *)s; *p != '\0'; p++) {
		if ((*p & 0xc0) != 0x80)
			n++;
		if (*p >= 0xf0)
			n++; /* a surrogate pair */
	}
	return n;
}

static enum kh_err
parse_policy(struct parser *ps, const char *policy, size_t index, size_t n_policies)
{
	struct kh_cur rest = kh_cur_from_str(policy), entry;
	char **seen = NULL;
	size_t n_seen = 0;
	enum kh_err r = KH_OK;

	while (r == KH_OK && kh_cur_take_until(&rest, ';', &entry))
		r = parse_entry(ps, entry, index, n_policies, &seen, &n_seen);
	for (size_t i = 0; i < n_seen; i++)
		kh_free(seen[i]);
	kh_free(seen);
	return r;
}

static void
parser_cleanup(struct parser *ps)
{
	for (size_t i = 0; i < ps->n_pool; i++)
		kh_free(ps->pool[i].text);
	for (size_t i = 0; i < ps->n_dirs; i++) {
		kh_free(ps->dirs[i].name);
		kh_free(ps->dirs[i].idx);
	}
	kh_free(ps->pool);
	kh_free(ps->dirs);
}

static bool
dropped_in_meta(const char *name)
{
	return strcmp(name, "frame-ancestors") == 0 || strcmp(name, "report-uri") == 0 ||
	       strcmp(name, "sandbox") == 0;
}

static enum kh_err
add_unique(struct kh_site_csp_directive *d, const char *text)
{
	char **grown;

	if (kh_site_csp_has(d, text))
		return KH_OK;
	if ((grown = kh_reallocarray(d->sources, d->n_sources + 1, sizeof(*grown))) == NULL)
		return KH_ENOMEM;
	d->sources = grown;
	if ((d->sources[d->n_sources] = kh_strdup(text)) == NULL)
		return KH_ENOMEM;
	d->n_sources++;
	return KH_OK;
}

/* The final map: each directive's kept sources as a set, 'none' if empty. */
static enum kh_err
export_csp(const struct parser *ps, bool meta, struct kh_site_csp *csp)
{
	struct kh_site_csp_directive *d;
	enum kh_err r;

	csp->duplicate_report_directives = ps->dup_report;
	if (ps->n_dirs > 0 && (csp->dirs = kh_calloc(ps->n_dirs, sizeof(*d))) == NULL)
		return KH_ENOMEM;
	for (size_t i = 0; i < ps->n_dirs; i++) {
		if (meta && dropped_in_meta(ps->dirs[i].name))
			continue;
		d = &csp->dirs[csp->n_dirs++];
		if ((d->name = kh_strdup(ps->dirs[i].name)) == NULL)
			return KH_ENOMEM;
		for (size_t k = 0; k < ps->dirs[i].n; k++)
			if ((r = add_unique(d, ps->pool[ps->dirs[i].idx[k]].text)) != KH_OK)
				return r;
		if (d->n_sources == 0 && (r = add_unique(d, "'none'")) != KH_OK)
			return r;
	}
	return KH_OK;
}

enum kh_err
kh_site_csp_parse(const struct kh_cur *policies, size_t n, bool meta,
                  struct kh_site_csp **out, struct kh_diag *diag)
{
	struct parser ps = { 0 };
	struct kh_site_csp *csp = NULL;
	char **clean = NULL;
	enum kh_err r = KH_ENOMEM;

	*out = NULL;
	if ((csp = kh_calloc(1, sizeof(*csp))) == NULL ||
	    (n > 0 && (clean = kh_calloc(n, sizeof(*clean))) == NULL))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if ((clean[i] = clean_policy(policies[i])) == NULL)
			goto out;
		if (js_length(clean[i]) < SHORTEST_POLICY_CHARS) {
			r = kh_diag_set(diag, KH_EFORMAT, "Content-Security-Policy", (long)i + 1,
			                "%s", KH_MSG("policy too short", "chính sách quá ngắn"));
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++)
		if ((r = parse_policy(&ps, clean[i], i, n)) != KH_OK) {
			if (r == KH_ELIMIT)
				kh_diag_limit(diag, "Content-Security-Policy",
				              "max_site_csp_sources", "sources");
			else if (r == KH_EFORMAT)
				kh_diag_set(diag, r, "Content-Security-Policy", (long)i + 1, "%s",
				            KH_MSG("repeated directive or bad %-escape",
				                   "chỉ thị lặp lại hoặc mã %-escape sai"));
			goto out;
		}
	if ((r = export_csp(&ps, meta, csp)) != KH_OK)
		goto out;
	*out = csp;
	csp = NULL;
 out:
	for (size_t i = 0; clean != NULL && i < n; i++)
		kh_free(clean[i]);
	kh_free(clean);
	parser_cleanup(&ps);
	kh_site_csp_free(csp);
	return r;
}

void
kh_site_csp_free(struct kh_site_csp *csp)
{
	if (csp == NULL)
		return;
	for (size_t i = 0; i < csp->n_dirs; i++) {
		for (size_t k = 0; k < csp->dirs[i].n_sources; k++)
			kh_free(csp->dirs[i].sources[k]);
		kh_free(csp->dirs[i].sources);
		kh_free(csp->dirs[i].name);
	}
	kh_free(csp->dirs);
	kh_free(csp);
}

const struct kh_site_csp_directive *
kh_site_csp_get(const struct kh_site_csp *csp, const char *name)
{
	for (size_t i = 0; csp != NULL && i < csp->n_dirs; i++)
		if (strcmp(csp->dirs[i].name, name) == 0)
			return &csp->dirs[i];
	return NULL;
}

bool
kh_site_csp_has(const struct kh_site_csp_directive *d, const char *source)
{
	for (size_t i = 0; d != NULL && i < d->n_sources; i++)
		if (strcmp(d->sources[i], source) == 0)
			return true;
	return false;
}
