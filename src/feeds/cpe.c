/*
 * cpe.c — CPE 2.3 names: the formatted-string and URI bindings (NISTIR
 * 7695) into WFN attributes, and name matching (NISTIR 7696).
 */
#include <ctype.h>
#include <string.h>

#include "khien/feeds.h"

void
kh_cpe_cleanup(struct kh_cpe *cpe)
{
	if (cpe == NULL)
		return;
	for (int i = 0; i < KH_CPE_ATTR_COUNT; i++) {
		kh_free(cpe->attr[i].value);
		cpe->attr[i].value = NULL;
		cpe->attr[i].kind = KH_CPE_ANY;
		cpe->attr[i].has_wildcard = false;
	}
}

enum kh_err
kh_cpe_copy(struct kh_cpe *dst, const struct kh_cpe *src)
{
	memset(dst, 0, sizeof(*dst));
	for (int i = 0; i < KH_CPE_ATTR_COUNT; i++) {
		dst->attr[i] = src->attr[i];
		dst->attr[i].value = NULL;
		if (src->attr[i].value != NULL &&
		    (dst->attr[i].value = kh_strdup(src->attr[i].value)) == NULL) {
			kh_cpe_cleanup(dst);
			return KH_ENOMEM;
		}
	}
	return KH_OK;
}

static bool
is_plain(int c)
{
	return isalnum(c) || c == '_';
}

/* A WFN value under construction from one binding. */
struct wfn {
	struct kh_buf b;
	size_t n_tokens;
	/* token index of each unquoted wildcard, checked for placement */
	size_t wild_pos[8];
	size_t n_wild;
	bool too_many_wild;
};

static enum kh_err
wfn_literal(struct wfn *w, int c)
{
	enum kh_err r;

	c = tolower(c);
	if (!is_plain(c) && (r = kh_buf_putc(&w->b, '\\')) != KH_OK)
		return r;
	w->n_tokens++;
	return kh_buf_putc(&w->b, (char)c);
}

static enum kh_err
wfn_wild(struct wfn *w, char c)
{
	if (w->n_wild < sizeof(w->wild_pos) / sizeof(w->wild_pos[0]))
		w->wild_pos[w->n_wild++] = w->n_tokens;
	else
		w->too_many_wild = true;
	w->n_tokens++;
	return kh_buf_putc(&w->b, c);
}

/*
 * NISTIR 7695 §5.3.2: '*' only at the start or the end, '?' only in runs
 * at the start or the end. A wildcard is well placed when every token
 * before it, or every token after it, is a wildcard.
 */
static bool
wfn_wild_ok(const struct wfn *w)
{
	if (w->too_many_wild)
		return false;
	for (size_t i = 0; i < w->n_wild; i++) {
		size_t pos = w->wild_pos[i];
		bool lead = pos == i;                             /* all before are wild */
		bool trail = w->n_tokens - pos == w->n_wild - i;  /* all after are wild */
		if (!lead && !trail)
			return false;
	}
	return true;
}

static enum kh_err
attr_finish(struct wfn *w, struct kh_cpe_attr *a, const char *what, size_t idx,
            struct kh_diag *diag)
{
	if (!wfn_wild_ok(w))
		return kh_diag_set(diag, KH_EFORMAT, what, 0,
		                   KH_MSG("CPE attribute %zu: a wildcard may only begin or end a value",
		                          "thuộc tính CPE thứ %zu: ký tự đại diện chỉ được ở đầu hoặc cuối giá trị"),
		                   idx + 1);
	/* a lone '*' (URI "%02") is the logical value ANY, as "*" is in a
	 * formatted string: one name, one form (found by fuzz_cpe) */
	if (w->b.len == 1 && w->b.data[0] == '*') {
		a->kind = KH_CPE_ANY;
		return KH_OK;
	}
	a->kind = KH_CPE_VALUE;
	a->has_wildcard = w->n_wild > 0;
	if ((a->value = kh_buf_steal(&w->b)) == NULL)
		return KH_ENOMEM;
	return KH_OK;
}

/* One component of a formatted string (NISTIR 7695 §6.2.3 unbind_value_fs). */
static enum kh_err
unbind_fs(struct kh_cur comp, struct kh_cpe_attr *a, const char *what, size_t idx,
          struct kh_diag *diag)
{
	struct wfn w = { .n_tokens = 0 };
	enum kh_err r = KH_OK;
	uint8_t c;

	if (kh_cur_eq(&comp, "*"))
		return (a->kind = KH_CPE_ANY), KH_OK;
	if (kh_cur_eq(&comp, "-"))
		return (a->kind = KH_CPE_NA), KH_OK;
	if (comp.len == 0)
		return kh_diag_set(diag, KH_EFORMAT, what, 0,
		                   KH_MSG("CPE attribute %zu is empty", "thuộc tính CPE thứ %zu rỗng"),
		                   idx + 1);
	kh_buf_init(&w.b, 4096);
	while (r == KH_OK && kh_cur_get_u8(&comp, &c)) {
		if (c == '\\') {
			uint8_t q;
			if (!kh_cur_get_u8(&comp, &q) || q < 0x21 || q > 0x7e) {
				r = kh_diag_set(diag, KH_EFORMAT, what, 0,
				                KH_MSG("CPE attribute %zu: bad escape",
				                       "thuộc tính CPE thứ %zu: ký tự thoát sai"), idx + 1);
				break;
			}
			r = wfn_literal(&w, q);
		} else if (c == '*' || c == '?') {
			r = wfn_wild(&w, (char)c);
		} else if (c >= 0x21 && c <= 0x7e) {
			r = wfn_literal(&w, c);
		} else {
			r = kh_diag_set(diag, KH_EFORMAT, what, 0,
			                KH_MSG("CPE attribute %zu: character 0x%02x not allowed",
			                       "thuộc tính CPE thứ %zu: không cho phép ký tự 0x%02x"),
			                idx + 1, c);
		}
	}
	if (r == KH_OK)
		r = attr_finish(&w, a, what, idx, diag);
	kh_buf_cleanup(&w.b);
	return r;
}

/* Splits at the next unescaped ':' (formatted string). */
static struct kh_cur
next_fs_component(struct kh_cur *c, bool *found)
{
	struct kh_cur out = *c;
	size_t i = 0;

	*found = false;
	while (i < c->len) {
		if (c->p[i] == '\\' && i + 1 < c->len) {
			i += 2;
			continue;
		}
		if (c->p[i] == ':') {
			*found = true;
			break;
		}
		i++;
	}
	out.len = i;
	c->p += *found ? i + 1 : i;
	c->len -= *found ? i + 1 : i;
	return out;
}

static enum kh_err
check_part(const struct kh_cpe *cpe, const char *what, struct kh_diag *diag)
{
	const struct kh_cpe_attr *p = &cpe->attr[KH_CPE_PART];

	if (p->kind == KH_CPE_ANY)
		return KH_OK;
	if (p->kind == KH_CPE_VALUE && p->value != NULL && strlen(p->value) == 1 &&
	    strchr("aoh", p->value[0]) != NULL)
		return KH_OK;
	/* NISTIR 7695 §5.3.3.1: part is "a", "o" or "h" */
	return kh_diag_set(diag, KH_EFORMAT, what, 0, "%s",
	                   KH_MSG("CPE part must be a, o or h", "phần (part) của CPE phải là a, o hoặc h"));
}

static enum kh_err
parse_fs(struct kh_cur c, struct kh_cpe *out, const char *what, struct kh_diag *diag)
{
	enum kh_err r;
	bool found = true;
	int i;

	for (i = 0; i < KH_CPE_ATTR_COUNT && found; i++) {
		struct kh_cur comp = next_fs_component(&c, &found);
		if ((r = unbind_fs(comp, &out->attr[i], what, (size_t)i, diag)) != KH_OK)
			return r;
	}
	if (i < KH_CPE_ATTR_COUNT || found)
		return kh_diag_set(diag, KH_EFORMAT, what, 0, "%s",
		                   KH_MSG("a CPE 2.3 name has exactly 11 attributes",
		                          "tên CPE 2.3 phải có đúng 11 thuộc tính"));
	return check_part(out, what, diag);
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (uint8_t)tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One component of a URI (NISTIR 7695 §6.1.3.2 decode). */
static enum kh_err
unbind_uri(struct kh_cur comp, struct kh_cpe_attr *a, const char *what, size_t idx,
           struct kh_diag *diag)
{
	struct wfn w = { .n_tokens = 0 };
	enum kh_err r = KH_OK;
	uint8_t c;

	if (comp.len == 0)
		return (a->kind = KH_CPE_ANY), KH_OK;
	if (kh_cur_eq(&comp, "-"))
		return (a->kind = KH_CPE_NA), KH_OK;
	kh_buf_init(&w.b, 4096);
	while (r == KH_OK && kh_cur_get_u8(&comp, &c)) {
		if (c == '%') {
			uint8_t h1, h2;
			int v;
			if (!kh_cur_get_u8(&comp, &h1) || !kh_cur_get_u8(&comp, &h2) ||
			    hexval(h1) < 0 || hexval(h2) < 0 ||
			    ((v = hexval(h1) * 16 + hexval(h2)) != 1 && v != 2 && (v < 0x21 || v > 0x7e))) {
				r = kh_diag_set(diag, KH_EFORMAT, what, 0,
				                KH_MSG("CPE component %zu: bad percent-encoding",
				                       "thành phần CPE thứ %zu: mã hoá phần trăm sai"), idx + 1);
				break;
			}
			/* %01 is '?', %02 is '*' */
			r = v == 1 ? wfn_wild(&w, '?') : v == 2 ? wfn_wild(&w, '*') : wfn_literal(&w, v);
		} else if (is_plain(c) || c == '.' || c == '-' || c == '~') {
			r = wfn_literal(&w, c);
		} else {
			r = kh_diag_set(diag, KH_EFORMAT, what, 0,
			                KH_MSG("CPE component %zu: character 0x%02x not allowed in a URI",
			                       "thành phần CPE thứ %zu: không cho phép ký tự 0x%02x trong URI"),
			                idx + 1, c);
		}
	}
	if (r == KH_OK)
		r = attr_finish(&w, a, what, idx, diag);
	kh_buf_cleanup(&w.b);
	return r;
}

/* "~edition~sw_edition~target_sw~target_hw~other" (NISTIR 7695 §6.1.3.3). */
static enum kh_err
unpack_edition(struct kh_cur comp, struct kh_cpe *out, const char *what, struct kh_diag *diag)
{
	static const enum kh_cpe_attr_id ids[5] = { KH_CPE_EDITION, KH_CPE_SW_EDITION,
	                                            KH_CPE_TARGET_SW, KH_CPE_TARGET_HW,
	                                            KH_CPE_OTHER };
	struct kh_cur part;
	size_t tildes = 0;
	enum kh_err r;

	for (size_t i = 0; i < comp.len; i++)
		tildes += comp.p[i] == '~';
	if (tildes != 5 || !kh_cur_skip(&comp, 1))
		return kh_diag_set(diag, KH_EFORMAT, what, 0, "%s",
		                   KH_MSG("packed CPE edition needs five fields",
		                          "trường edition đóng gói của CPE cần năm phần"));
	for (size_t i = 0; i < 5; i++) {
		(void)kh_cur_take_until(&comp, '~', &part);
		if ((r = unbind_uri(part, &out->attr[ids[i]], what, ids[i], diag)) != KH_OK)
			return r;
	}
	return KH_OK;
}

static enum kh_err
parse_uri(struct kh_cur c, struct kh_cpe *out, const char *what, struct kh_diag *diag)
{
	struct kh_cur comp;
	enum kh_err r;

	for (int i = 0; i <= KH_CPE_LANGUAGE; i++) {
		if (c.len == 0)
			break; /* trailing components absent: ANY */
		(void)kh_cur_take_until(&c, ':', &comp);
		if (i == KH_CPE_EDITION && comp.len > 0 && comp.p[0] == '~')
			r = unpack_edition(comp, out, what, diag);
		else
			r = unbind_uri(comp, &out->attr[i], what, (size_t)i, diag);
		if (r != KH_OK)
			return r;
	}
	if (c.len > 0)
		return kh_diag_set(diag, KH_EFORMAT, what, 0, "%s",
		                   KH_MSG("a CPE URI has at most 7 components",
		                          "URI CPE có tối đa 7 thành phần"));
	return check_part(out, what, diag);
}

enum kh_err
kh_cpe_parse(const char *s, struct kh_cpe *out, struct kh_diag *diag)
{
	struct kh_cur c = kh_cur_from_str(s);
	enum kh_err r;

	memset(out, 0, sizeof(*out));
	if (c.len > 4096)
		return kh_diag_set(diag, KH_EFORMAT, "CPE", 0, "%s",
		                   KH_MSG("CPE name too long", "tên CPE quá dài"));
	if (kh_cur_accept(&c, "cpe:2.3:"))
		r = parse_fs(c, out, "CPE", diag);
	else if (kh_cur_accept(&c, "cpe:/"))
		r = parse_uri(c, out, "CPE", diag);
	else
		r = kh_diag_set(diag, KH_EFORMAT, "CPE", 0, "%s",
		                KH_MSG("not a CPE name (expected cpe:2.3: or cpe:/)",
		                       "không phải tên CPE (cần cpe:2.3: hoặc cpe:/)"));
	if (r != KH_OK)
		kh_cpe_cleanup(out);
	return r;
}

/* NISTIR 7695 §6.2.2.2: '.', '-' and '_' need no quoting in a formatted string. */
static enum kh_err
bind_fs_value(const char *v, struct kh_buf *out)
{
	enum kh_err r = KH_OK;

	for (size_t i = 0; v[i] != '\0' && r == KH_OK; i++) {
		if (v[i] == '\\' && v[i + 1] != '\0') {
			char q = v[++i];
			if (q != '.' && q != '-' && q != '_')
				r = kh_buf_putc(out, '\\');
			if (r == KH_OK)
				r = kh_buf_putc(out, q);
		} else {
			r = kh_buf_putc(out, v[i]);
		}
	}
	return r;
}

enum kh_err
kh_cpe_format(const struct kh_cpe *cpe, struct kh_buf *out)
{
	enum kh_err r = kh_buf_append_str(out, "cpe:2.3");

	for (int i = 0; i < KH_CPE_ATTR_COUNT && r == KH_OK; i++) {
		const struct kh_cpe_attr *a = &cpe->attr[i];
		if ((r = kh_buf_putc(out, ':')) != KH_OK)
			break;
		if (a->kind == KH_CPE_ANY)
			r = kh_buf_putc(out, '*');
		else if (a->kind == KH_CPE_NA)
			r = kh_buf_putc(out, '-');
		else
			r = bind_fs_value(a->value != NULL ? a->value : "", out);
	}
	return r;
}

enum kh_err
kh_cpe_attr_plain(const struct kh_cpe_attr *a, char *out, size_t out_size)
{
	size_t n = 0;
	const char *v;

	if (out_size == 0)
		return KH_ETOO_LARGE;
	if (a->kind != KH_CPE_VALUE || a->value == NULL)
		return kh_strlcpy(out, a->kind == KH_CPE_NA ? "-" : "*", out_size) < out_size
		               ? KH_OK : KH_ETOO_LARGE;
	for (v = a->value; *v != '\0'; v++) {
		if (*v == '\\' && v[1] != '\0')
			v++;
		if (n + 1 >= out_size) {
			out[n] = '\0';
			return KH_ETOO_LARGE;
		}
		out[n++] = *v;
	}
	out[n] = '\0';
	return KH_OK;
}

/* ---- matching (NISTIR 7696) ------------------------------------------- */

const char *
kh_cpe_relation_name(enum kh_cpe_relation rel)
{
	static const char *const names[] = { "DISJOINT", "SUBSET", "SUPERSET", "EQUAL",
	                                     "UNDEFINED" };
	return (size_t)rel < sizeof(names) / sizeof(names[0]) ? names[rel] : "?";
}

/* Unquotes [from, to) of a WFN value into dst (NUL-terminated); returns length. */
static size_t
unquote_span(const char *v, size_t from, size_t to, char *dst)
{
	size_t n = 0;

	for (size_t i = from; i < to; i++) {
		if (v[i] == '\\' && i + 1 < to)
			i++;
		dst[n++] = v[i];
	}
	dst[n] = '\0';
	return n;
}

/*
 * NISTIR 7696 §6.1.2 compare_strings: a source with wildcards at its ends
 * against a plain target. A leading '*' allows any prefix, a leading run
 * of n '?' a prefix of at most n characters; likewise at the end.
 */
static bool
wild_match(const char *src, const char *tgt)
{
	size_t len = strlen(src), start = 0, end = len;
	long begins = 0, ends = 0;
	char core[4097], plain[4097];
	size_t n_core, n_plain;

	if (len > 4096 || strlen(tgt) > 4096)
		return false;
	if (src[0] == '*') {
		start = 1;
		begins = -1;
	} else {
		while (start < len && src[start] == '?')
			start++, begins++;
	}
	/* a trailing wildcard is unquoted when the character before is not '\' */
	if (end > start && src[end - 1] == '*' && (end < 2 || src[end - 2] != '\\')) {
		end--;
		ends = -1;
	} else {
		while (end > start && src[end - 1] == '?' && (end < 2 || src[end - 2] != '\\'))
			end--, ends++;
	}
	n_core = unquote_span(src, start, end, core);
	n_plain = unquote_span(tgt, 0, strlen(tgt), plain);
	for (size_t i = 0; i + n_core <= n_plain; i++) {
		if (memcmp(plain + i, core, n_core) != 0)
			continue;
		if (begins != -1 && (long)i > begins)
			return false; /* later positions only grow the prefix */
		if (ends != -1 && (long)(n_plain - i - n_core) > ends)
			continue;
		return true;
	}
	return false;
}

enum kh_cpe_relation
kh_cpe_compare_attr(const struct kh_cpe_attr *s, const struct kh_cpe_attr *t)
{
	bool t_wild = t->kind == KH_CPE_VALUE && t->has_wildcard;

	/* NISTIR 7696 table 6-2, rows 1–16 */
	if (s->kind == KH_CPE_ANY)
		return t->kind == KH_CPE_ANY ? KH_CPE_EQUAL : t_wild ? KH_CPE_UNDEFINED : KH_CPE_SUPERSET;
	if (s->kind == KH_CPE_NA)
		return t->kind == KH_CPE_ANY ? KH_CPE_SUBSET : t->kind == KH_CPE_NA ? KH_CPE_EQUAL
		       : t_wild ? KH_CPE_UNDEFINED : KH_CPE_DISJOINT;
	if (t_wild)
		return KH_CPE_UNDEFINED;
	if (t->kind == KH_CPE_ANY)
		return KH_CPE_SUBSET;
	if (t->kind == KH_CPE_NA)
		return KH_CPE_DISJOINT;
	if (s->has_wildcard)
		return wild_match(s->value, t->value) ? KH_CPE_SUPERSET : KH_CPE_DISJOINT;
	return strcmp(s->value, t->value) == 0 ? KH_CPE_EQUAL : KH_CPE_DISJOINT;
}

static bool
match_attrs(const struct kh_cpe *s, const struct kh_cpe *t, bool skip_version)
{
	for (int i = 0; i < KH_CPE_ATTR_COUNT; i++) {
		enum kh_cpe_relation rel;
		if (skip_version && i == KH_CPE_VERSION)
			continue;
		rel = kh_cpe_compare_attr(&s->attr[i], &t->attr[i]);
		if (rel != KH_CPE_SUPERSET && rel != KH_CPE_EQUAL)
			return false;
	}
	return true;
}

bool
kh_cpe_match(const struct kh_cpe *source, const struct kh_cpe *target)
{
	return match_attrs(source, target, false);
}

bool
kh_cpe_match_except_version(const struct kh_cpe *source, const struct kh_cpe *target)
{
	return match_attrs(source, target, true);
}
