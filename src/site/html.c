/* html.c — a small, bounded HTML tokenizer for what the site checks need:
 * start tags with their attributes (meta, script, a, link, title...) and the
 * visible text. Not a full HTML5 parser: comments, raw-text elements
 * (script, style) and quoted attributes are handled; the rest is lenient. */
#include <string.h>

#include "khien/site.h"
#include "site_int.h"

static bool
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Case-insensitive search for needle (lower-case) from the cursor start. */
static bool
find_ci(struct kh_cur c, const char *needle, size_t *at)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n <= c.len && i <= c.len - n; i++) {
		size_t k = 0;
		while (k < n && lower(c.p[i + k]) == needle[k])
			k++;
		if (k == n) {
			*at = i;
			return true;
		}
	}
	return false;
}

static void
skip_ws(struct kh_cur *c)
{
	while (!kh_cur_empty(c) && is_ws(c->p[0]) && kh_cur_skip(c, 1))
		;
}

/* One attribute: name[=value]. Returns false at '>' or the end. */
static bool
next_attr(struct kh_cur *c, struct kh_cur *name, struct kh_cur *value)
{
	int q;

	skip_ws(c);
	while (!kh_cur_empty(c) && c->p[0] == '/' && kh_cur_skip(c, 1))
		skip_ws(c);
	if (kh_cur_empty(c) || c->p[0] == '>')
		return false;
	name->p = c->p;
	name->len = 0;
	while (name->len < c->len && !is_ws(c->p[name->len]) && c->p[name->len] != '=' &&
	       c->p[name->len] != '>' && (name->len == 0 || c->p[name->len] != '/'))
		name->len++;
	(void)!kh_cur_skip(c, name->len);
	value->p = c->p;
	value->len = 0;
	skip_ws(c);
	if (!kh_cur_accept(c, "="))
		return true;
	skip_ws(c);
	q = kh_cur_peek(c);
	if (q == '"' || q == '\'') {
		(void)!kh_cur_skip(c, 1);
		(void)kh_cur_take_until(c, (uint8_t)q, value);
		return true;
	}
	value->p = c->p;
	while (value->len < c->len && !is_ws(c->p[value->len]) && c->p[value->len] != '>')
		value->len++;
	(void)!kh_cur_skip(c, value->len);
	return true;
}

static void
tag_clear(struct site_html_tag *t)
{
	for (size_t i = 0; i < t->n_attrs; i++)
		kh_buf_cleanup(&t->values[i]);
	t->n_attrs = 0;
}

static enum kh_err
read_tag(struct kh_cur *c, struct site_html_tag *t)
{
	struct kh_cur name, value;
	size_t n = 0;
	enum kh_err r;

	while (n < c->len && n + 1 < sizeof(t->name) && (is_alpha(c->p[n]) ||
	       (n > 0 && ((c->p[n] >= '0' && c->p[n] <= '9') || c->p[n] == '-'))))
		n++;
	for (size_t i = 0; i < n; i++)
		t->name[i] = (char)lower(c->p[i]);
	t->name[n] = '\0';
	(void)!kh_cur_skip(c, n);
	while (next_attr(c, &name, &value)) {
		if (t->n_attrs == SITE_HTML_MAX_ATTRS || name.len == 0 || name.len >= 32)
			continue;
		for (size_t i = 0; i < name.len; i++)
			t->names[t->n_attrs][i] = (char)lower(name.p[i]);
		t->names[t->n_attrs][name.len] = '\0';
		kh_buf_init(&t->values[t->n_attrs], 1u << 20);
		if ((r = site_html_decode(value, &t->values[t->n_attrs++])) != KH_OK &&
		    r != KH_ELIMIT)
			return r;
	}
	(void)kh_cur_accept(c, ">");
	return KH_OK;
}

const char *
site_html_attr(const struct site_html_tag *t, const char *name)
{
	for (size_t i = 0; i < t->n_attrs; i++)
		if (strcmp(t->names[i], name) == 0)
			return kh_buf_str(&t->values[i]);
	return NULL;
}

/* Skips the body of a raw-text element up to its end tag; returns it. */
static struct kh_cur
raw_text(struct kh_cur *c, const char *name)
{
	char end[40];
	struct kh_cur body = *c;
	size_t at;

	if (kh_snprintf(end, sizeof(end), "</%s", name) != KH_OK || !find_ci(*c, end, &at))
		at = c->len;
	body.len = at;
	(void)!kh_cur_skip(c, at);
	return body;
}

enum kh_err
site_html_walk(struct kh_cur html, const struct site_html_cb *cb, void *ctx)
{
	struct site_html_tag tag = { 0 };
	struct kh_cur text;
	size_t at;
	enum kh_err r = KH_OK;

	while (!kh_cur_empty(&html) && r == KH_OK) {
		text = html;
		text.len = 0;
		while (text.len < html.len && html.p[text.len] != '<')
			text.len++;
		if (text.len > 0 && cb->text != NULL && (r = cb->text(text, ctx)) != KH_OK)
			break;
		(void)!kh_cur_skip(&html, text.len);
		if (!kh_cur_accept(&html, "<"))
			break;
		if (kh_cur_accept(&html, "!--")) {
			at = html.len;
			(void)find_ci(html, "-->", &at);
			(void)!kh_cur_skip(&html, at < html.len ? at + 3 : at);
		} else if (kh_cur_peek(&html) == '/' || kh_cur_peek(&html) == '!' ||
		           kh_cur_peek(&html) == '?') {
			tag.is_end = kh_cur_accept(&html, "/");
			(void)(kh_cur_accept(&html, "!") || kh_cur_accept(&html, "?"));
			if ((r = read_tag(&html, &tag)) == KH_OK && tag.is_end && cb->tag != NULL)
				r = cb->tag(&tag, ctx);
			tag_clear(&tag);
		} else if (is_alpha(kh_cur_peek(&html))) {
			tag.is_end = false;
			if ((r = read_tag(&html, &tag)) == KH_OK && cb->tag != NULL)
				r = cb->tag(&tag, ctx);
			if (r == KH_OK && (strcmp(tag.name, "script") == 0 ||
			                   strcmp(tag.name, "style") == 0)) {
				text = raw_text(&html, tag.name);
				if (cb->raw != NULL)
					r = cb->raw(&tag, text, ctx);
			}
			tag_clear(&tag);
		} else if (cb->text != NULL) {
			r = cb->text(kh_cur_from_str("<"), ctx);
		}
	}
	tag_clear(&tag);
	return r;
}

/* Length of the valid UTF-8 sequence at the cursor, 0 if there is none. */
static size_t
utf8_seq_len(struct kh_cur in)
{
	uint8_t c = in.p[0];
	size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;

	return n > 0 && n <= in.len && kh_utf8_valid((const char *)in.p, n) ? n : 0;
}

static enum kh_err
put_utf8(struct kh_buf *b, uint32_t cp)
{
	uint8_t u[4];
	size_t n;

	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD; /* HTML 13.2.5.80: invalid references become U+FFFD */
	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xC0 | cp >> 6);
		u[1] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xE0 | cp >> 12);
		u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xF0 | cp >> 18);
		u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return kh_buf_append(b, u, n);
}

/* &#NNN; or &#xHH; after the '&#' already consumed. */
static bool
numeric_ref(struct kh_cur *c, uint32_t *cp)
{
	bool hex = kh_cur_accept(c, "x") || kh_cur_accept(c, "X");
	uint32_t v = 0;
	size_t n = 0;
	int d;

	while (!kh_cur_empty(c) && n < 8) {
		int ch = kh_cur_peek(c);
		d = (ch >= '0' && ch <= '9') ? ch - '0'
		    : hex && ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f') ? (ch | 0x20) - 'a' + 10 : -1;
		if (d < 0 || !kh_cur_skip(c, 1))
			break;
		v = v * (hex ? 16 : 10) + (uint32_t)d;
		n++;
	}
	(void)kh_cur_accept(c, ";");
	*cp = v;
	return n > 0;
}

/* Named references Vietnamese pages use most (HTML 13.5). */
static bool
named_ref(struct kh_cur *c, uint32_t *cp)
{
	static const struct { const char *name; uint32_t cp; } refs[] = {
		{ "nbsp;", 0xA0 }, { "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' }, { "agrave;", 0xE0 }, { "aacute;", 0xE1 },
		{ "acirc;", 0xE2 }, { "atilde;", 0xE3 }, { "egrave;", 0xE8 }, { "eacute;", 0xE9 },
		{ "ecirc;", 0xEA }, { "igrave;", 0xEC }, { "iacute;", 0xED }, { "ograve;", 0xF2 },
		{ "oacute;", 0xF3 }, { "ocirc;", 0xF4 }, { "otilde;", 0xF5 }, { "ugrave;", 0xF9 },
		{ "uacute;", 0xFA }, { "yacute;", 0xFD }, { "Agrave;", 0xC0 }, { "Aacute;", 0xC1 },
		{ "Acirc;", 0xC2 }, { "Atilde;", 0xC3 }, { "Egrave;", 0xC8 }, { "Eacute;", 0xC9 },
		{ "Ecirc;", 0xCA }, { "Igrave;", 0xCC }, { "Iacute;", 0xCD }, { "Ograve;", 0xD2 },
		{ "Oacute;", 0xD3 }, { "Ocirc;", 0xD4 }, { "Otilde;", 0xD5 }, { "Ugrave;", 0xD9 },
		{ "Uacute;", 0xDA }, { "Yacute;", 0xDD }, { "amp", '&' }, { "nbsp", 0xA0 },
	};
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		if (kh_cur_accept(c, refs[i].name)) {
			*cp = refs[i].cp;
			return true;
		}
	return false;
}

enum kh_err
site_html_decode(struct kh_cur in, struct kh_buf *out)
{
	uint32_t cp;
	enum kh_err r;

	while (!kh_cur_empty(&in)) {
		if (kh_cur_accept(&in, "&#")) {
			r = numeric_ref(&in, &cp) ? put_utf8(out, cp) : kh_buf_append_str(out, "&#");
		} else if (kh_cur_accept(&in, "&")) {
			r = named_ref(&in, &cp) ? put_utf8(out, cp) : kh_buf_putc(out, '&');
		} else {
			/* pages in legacy encodings (TCVN3, Windows-1258) are not
			 * UTF-8: their bytes become U+FFFD so text and titles stay
			 * valid UTF-8 for the JSON and the folding */
			size_t n = utf8_seq_len(in);
			r = n > 0 ? kh_buf_append(out, in.p, n) : put_utf8(out, 0xFFFD);
			if (!kh_cur_skip(&in, n > 0 ? n : 1))
				return KH_EINTERNAL;
		}
		if (r != KH_OK)
			return r;
	}
	return KH_OK;
}
