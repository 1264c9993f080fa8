/* page.c — what a page shows and hides: title, visible text, generator tag
 * and links, each link marked when CSS or attributes hide it (injected spam
 * links are usually hidden: display:none, off-screen, zero size). */
#include <ctype.h>
#include <string.h>

#include "khien/limits.h"
#include "khien/site.h"
#include "site_int.h"

#define MAX_DEPTH 256
#define MAX_HIDING_SELECTORS 128

struct walk {
	struct kh_site_page *page;
	struct kh_buf text, title, link_text;
	char stack[MAX_DEPTH][16];
	bool hidden[MAX_DEPTH];
	size_t depth;
	bool in_title, in_link, link_hidden;
	char *link_href;
	size_t links_seen;
	/* ".class" and "#id" selectors that a <style> rule hides: injected
	 * spam often hides its links with a class, not an inline style */
	char hiding[MAX_HIDING_SELECTORS][64];
	size_t n_hiding;
};

static bool
is_void(const char *name)
{
	static const char *const v[] = { "area", "base", "br", "col", "embed", "hr", "img",
		"input", "link", "meta", "param", "source", "track", "wbr", NULL };
	for (size_t i = 0; v[i] != NULL; i++)
		if (strcmp(v[i], name) == 0)
			return true;
	return false;
}

/* The style with blanks removed, lower case, into out. */
static void
squeeze(const char *style, char *out, size_t size)
{
	size_t n = 0;

	for (; *style != '\0' && n + 1 < size; style++)
		if (!isspace((unsigned char)*style))
			out[n++] = (char)tolower((unsigned char)*style);
	out[n] = '\0';
}

/* A negative offset of at least 500px (or any in em/%) puts text off-screen. */
static bool
far_negative(const char *s, const char *prop)
{
	const char *p = strstr(s, prop);
	long v = 0;

	if (p == NULL || p[strlen(prop)] != '-')
		return false;
	for (p += strlen(prop) + 1; *p >= '0' && *p <= '9' && v < 100000; p++)
		v = v * 10 + (*p - '0');
	return v >= 500 || (v > 0 && (strncmp(p, "em", 2) == 0 || *p == '%'));
}

static bool
style_hides(const char *style)
{
	char s[1024];

	squeeze(style, s, sizeof(s));
	return strstr(s, "display:none") != NULL || strstr(s, "visibility:hidden") != NULL ||
	       strstr(s, "font-size:0;") != NULL || strstr(s, "font-size:0px") != NULL ||
	       kh_str_ends_with(s, "font-size:0") || strstr(s, "opacity:0;") != NULL ||
	       kh_str_ends_with(s, "opacity:0") ||
	       (strstr(s, "overflow:hidden") != NULL &&
	        (strstr(s, "height:0") != NULL || strstr(s, "width:0") != NULL ||
	         strstr(s, "height:1px") != NULL)) ||
	       far_negative(s, "left:") || far_negative(s, "top:") ||
	       far_negative(s, "text-indent:") || far_negative(s, "margin-left:");
}

static bool
selector_hides(const struct walk *w, char kind, const char *name, size_t len)
{
	for (size_t i = 0; i < w->n_hiding; i++)
		if (w->hiding[i][0] == kind && strlen(w->hiding[i] + 1) == len &&
		    memcmp(w->hiding[i] + 1, name, len) == 0)
			return true;
	return false;
}

static bool
classes_hide(const struct walk *w, const char *classes)
{
	while (classes != NULL && *classes != '\0') {
		size_t len;

		while (isspace((unsigned char)*classes))
			classes++;
		for (len = 0; classes[len] != '\0' && !isspace((unsigned char)classes[len]); len++)
			;
		if (len > 0 && selector_hides(w, '.', classes, len))
			return true;
		classes += len;
	}
	return false;
}

static bool
tag_hides(const struct walk *w, const struct site_html_tag *t)
{
	const char *style = site_html_attr(t, "style");
	const char *id = site_html_attr(t, "id");

	return site_html_attr(t, "hidden") != NULL || (style != NULL && style_hides(style)) ||
	       (w->n_hiding > 0 && (classes_hide(w, site_html_attr(t, "class")) ||
	                            (id != NULL && selector_hides(w, '#', id, strlen(id)))));
}

/* Remembers one selector of a hiding rule when it is a plain ".name" or
 * "#name", optionally after a tag name ("div.x"); others are left alone. */
static void
add_hiding_selector(struct walk *w, struct kh_cur sel)
{
	size_t i = 0;

	kh_cur_trim(&sel);
	while (i < sel.len && isalnum(sel.p[i]))
		i++;
	if (i >= sel.len || (sel.p[i] != '.' && sel.p[i] != '#') || sel.len - i < 2 ||
	    sel.len - i >= sizeof(w->hiding[0]) || w->n_hiding == MAX_HIDING_SELECTORS)
		return;
	for (size_t k = i + 1; k < sel.len; k++)
		if (!isalnum(sel.p[k]) && sel.p[k] != '-' && sel.p[k] != '_')
			return;
	memcpy(w->hiding[w->n_hiding], sel.p + i, sel.len - i);
	w->hiding[w->n_hiding++][sel.len - i] = '\0';
}

/* A <style> body: "selectors { declarations }" rules; at-rules such as
 * @media are read through, their inner rules taken as if top-level. */
static enum kh_err
on_raw(const struct site_html_tag *t, struct kh_cur body, void *ctx)
{
	struct walk *w = ctx;
	struct kh_cur sels, decls, one;
	char block[1024];

	if (strcmp(t->name, "style") != 0)
		return KH_OK;
	while (kh_cur_take_until(&body, '{', &sels) && kh_cur_take_until(&body, '}', &decls)) {
		const uint8_t *last = memrchr(decls.p, '{', decls.len);

		if (last != NULL) {
			/* "@media x { .a { display:none }": the rule is after the last '{' */
			sels = kh_cur_make(decls.p, (size_t)(last - decls.p));
			decls = kh_cur_make(last + 1, decls.len - (size_t)(last + 1 - decls.p));
		}
		/* what a previous block or a comment left before the selectors */
		for (size_t i = sels.len; i > 0; i--)
			if (sels.p[i - 1] == '}' || (sels.p[i - 1] == '/' && i >= 2 && sels.p[i - 2] == '*')) {
				(void)!kh_cur_skip(&sels, i);
				break;
			}
		if (decls.len == 0 || decls.len >= sizeof(block))
			continue;
		memcpy(block, decls.p, decls.len);
		block[decls.len] = '\0';
		if (!style_hides(block))
			continue;
		while (kh_cur_take_until(&sels, ',', &one))
			add_hiding_selector(w, one);
	}
	return KH_OK;
}

static bool
hidden_now(const struct walk *w)
{
	return w->depth > 0 && w->hidden[w->depth - 1];
}

static enum kh_err
end_link(struct walk *w)
{
	struct kh_site_page *p = w->page;
	struct kh_site_link *grown;
	char *text;

	w->in_link = false;
	if (w->link_href == NULL)
		return KH_OK;
	if (++w->links_seen > KH_LIMIT(max_site_links) ||
	    (grown = kh_reallocarray(p->links, p->n_links + 1, sizeof(*grown))) == NULL) {
		kh_free(w->link_href);
		w->link_href = NULL;
		return w->links_seen > KH_LIMIT(max_site_links) ? KH_OK : KH_ENOMEM;
	}
	p->links = grown;
	if ((text = kh_strdup(kh_buf_str(&w->link_text))) == NULL)
		return KH_ENOMEM;
	p->links[p->n_links++] = (struct kh_site_link){ w->link_href, text, w->link_hidden };
	w->link_href = NULL;
	kh_buf_reset(&w->link_text);
	return KH_OK;
}

static void
pop_to(struct walk *w, const char *name)
{
	for (size_t i = w->depth; i > 0; i--)
		if (strcmp(w->stack[i - 1], name) == 0) {
			w->depth = i - 1;
			return;
		}
}

static enum kh_err
start_tag(struct walk *w, const struct site_html_tag *t)
{
	const char *gen, *href;
	bool hide = hidden_now(w) || tag_hides(w, t);
	enum kh_err r;

	if (strcmp(t->name, "meta") == 0 && (gen = site_html_attr(t, "name")) != NULL &&
	    kh_str_casecmp(gen, "generator") == 0 && w->page->generator == NULL &&
	    (gen = site_html_attr(t, "content")) != NULL &&
	    (w->page->generator = kh_strdup(gen)) == NULL)
		return KH_ENOMEM;
	if (strcmp(t->name, "script") == 0)
		w->page->n_scripts++;
	if (strcmp(t->name, "title") == 0)
		w->in_title = true;
	if (strcmp(t->name, "a") == 0) {
		if (w->in_link && (r = end_link(w)) != KH_OK)
			return r;
		href = site_html_attr(t, "href");
		w->in_link = true;
		w->link_hidden = hide;
		if ((w->link_href = kh_strdup(href != NULL ? href : "")) == NULL)
			return KH_ENOMEM;
	}
	if (!is_void(t->name) && w->depth < MAX_DEPTH) {
		kh_strlcpy(w->stack[w->depth], t->name, sizeof(w->stack[0]));
		w->hidden[w->depth++] = hide;
	}
	return KH_OK;
}

static enum kh_err
on_tag(const struct site_html_tag *t, void *ctx)
{
	struct walk *w = ctx;

	if (!t->is_end)
		return start_tag(w, t);
	if (strcmp(t->name, "title") == 0)
		w->in_title = false;
	if (strcmp(t->name, "a") == 0 && w->in_link) {
		pop_to(w, "a");
		return end_link(w);
	}
	pop_to(w, t->name);
	return KH_OK;
}

/* Appends text with blanks collapsed to one space; a full buffer is not an
 * error (the limit bounds memory; the rest of the page is still walked). */
static enum kh_err
add_text(struct kh_buf *b, struct kh_cur text)
{
	struct kh_buf decoded;
	enum kh_err r;

	kh_buf_init(&decoded, 0);
	if ((r = site_html_decode(text, &decoded)) != KH_OK)
		goto out;
	for (size_t i = 0; i < decoded.len; i++) {
		char c = (char)decoded.data[i];
		if (isspace((unsigned char)c)) {
			if (b->len == 0 || b->data[b->len - 1] == ' ')
				continue;
			c = ' ';
		}
		if (kh_buf_putc(b, c) != KH_OK)
			break;
	}
	if (b->len > 0 && b->data[b->len - 1] != ' ')
		(void)!kh_buf_putc(b, ' ');
 out:
	kh_buf_cleanup(&decoded);
	return r;
}

static enum kh_err
on_text(struct kh_cur text, void *ctx)
{
	struct walk *w = ctx;
	enum kh_err r;

	if (w->in_title)
		return add_text(&w->title, text);
	if (w->in_link && (r = add_text(&w->link_text, text)) != KH_OK)
		return r;
	return hidden_now(w) ? KH_OK : add_text(&w->text, text);
}

static char *
steal_trimmed(struct kh_buf *b)
{
	size_t start = b->len;

	/* a full buffer may have cut the last character short */
	while (start > 0 && b->len - start < 4 && ((uint8_t)b->data[start - 1] & 0xC0) == 0x80)
		start--;
	if (start > 0 && !kh_utf8_valid(b->data + start - 1, b->len - start + 1))
		b->data[b->len = start - 1] = '\0';
	while (b->len > 0 && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
	return kh_buf_steal(b);
}

enum kh_err
kh_site_page_parse(struct kh_cur html, struct kh_site_page *out)
{
	struct site_html_cb cb = { .tag = on_tag, .text = on_text, .raw = on_raw };
	struct walk *w = kh_calloc(1, sizeof(*w));
	enum kh_err r = KH_ENOMEM;

	memset(out, 0, sizeof(*out));
	if (w == NULL)
		return KH_ENOMEM;
	w->page = out;
	kh_buf_init(&w->text, KH_LIMIT(max_site_body_bytes));
	kh_buf_init(&w->title, 4096);
	kh_buf_init(&w->link_text, 4096);
	if ((r = site_html_walk(html, &cb, w)) != KH_OK || (w->in_link && (r = end_link(w)) != KH_OK))
		goto out;
	if ((out->text = steal_trimmed(&w->text)) == NULL ||
	    (out->title = steal_trimmed(&w->title)) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	r = KH_OK;
 out:
	kh_free(w->link_href);
	kh_buf_cleanup(&w->text);
	kh_buf_cleanup(&w->title);
	kh_buf_cleanup(&w->link_text);
	kh_free(w);
	if (r != KH_OK)
		kh_site_page_cleanup(out);
	return r;
}

void
kh_site_page_cleanup(struct kh_site_page *page)
{
	if (page == NULL)
		return;
	for (size_t i = 0; i < page->n_links; i++) {
		kh_free(page->links[i].href);
		kh_free(page->links[i].text);
	}
	kh_free(page->links);
	kh_free(page->title);
	kh_free(page->text);
	kh_free(page->generator);
	memset(page, 0, sizeof(*page));
}
