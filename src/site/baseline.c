/* baseline.c — a stored copy of what a page said (title, hash of its
 * visible text, its links), kept per URL in a directory, so later checks
 * report changed text and added or removed links (defacement, injection). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "khien/limits.h"
#include "khien/site.h"
#include "site_int.h"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted, borrowed hrefs of the page (NULL when there are none). */
static const char **
sorted_links(const struct kh_site_page *page)
{
	const char **v;

	if (page->n_links == 0 || (v = kh_calloc(page->n_links, sizeof(*v))) == NULL)
		return NULL;
	for (size_t i = 0; i < page->n_links; i++)
		v[i] = page->links[i].href;
	qsort(v, page->n_links, sizeof(*v), cmp_str);
	return v;
}

static enum kh_err
write_baseline(const char *path, const char *url, const struct kh_site_page *page,
               const char *sha, struct kh_diag *diag)
{
	json_t *o = json_object(), *links = json_array();
	struct kh_buf out;
	enum kh_err r = KH_ENOMEM;

	kh_buf_init(&out, 0);
	for (size_t i = 0; links != NULL && i < page->n_links; i++)
		if (kh_utf8_valid(page->links[i].href, strlen(page->links[i].href)))
			json_array_append_new(links, json_string(page->links[i].href));
	if (o == NULL || links == NULL || json_object_set_new(o, "url", json_string(url)) != 0 ||
	    json_object_set_new(o, "title", json_string(kh_utf8_valid(page->title, strlen(page->title))
	                                                ? page->title : "")) != 0 ||
	    json_object_set_new(o, "text_sha256", json_string(sha)) != 0 ||
	    json_object_set(o, "links", links) != 0)
		goto out;
	if ((r = kh_json_append(&out, o, true)) != KH_OK)
		goto out;
	r = kh_file_write_atomic(path, out.data, out.len, 0640, diag);
 out:
	json_decref(links);
	json_decref(o);
	kh_buf_cleanup(&out);
	return r;
}

/* Counts hrefs in a (sorted) and not in b (sorted). */
static size_t
only_in(const char **a, size_t na, const char **b, size_t nb)
{
	size_t i = 0, k = 0, n = 0;

	while (i < na) {
		int d = k < nb ? strcmp(a[i], b[k]) : -1;
		if (d < 0) {
			n++;
			i++;
		} else if (d > 0) {
			k++;
		} else {
			i++;
			k++;
		}
	}
	return n;
}

static enum kh_err
compare(struct kh_site_content *c, const json_t *old, const struct kh_site_page *page)
{
	const json_t *links = json_object_get(old, "links");
	const char **now = sorted_links(page), **before = NULL;
	size_t n_before = json_array_size(links);
	const char *title = kh_json_str(old, "title"), *sha = kh_json_str(old, "text_sha256");

	c->baseline_compared = true;
	c->title_changed = title == NULL || strcmp(title, page->title) != 0;
	c->text_changed = sha == NULL || strcmp(sha, c->text_sha256) != 0;
	if (n_before > 0 && (before = kh_calloc(n_before, sizeof(*before))) == NULL) {
		kh_free(now);
		return KH_ENOMEM;
	}
	for (size_t i = 0; i < n_before; i++) {
		before[i] = json_string_value(json_array_get(links, i));
		if (before[i] == NULL)
			before[i] = "";
	}
	if (n_before > 0)
		qsort(before, n_before, sizeof(*before), cmp_str);
	c->links_added = only_in(now, now ? page->n_links : 0, before, n_before);
	c->links_removed = only_in(before, n_before, now, now ? page->n_links : 0);
	kh_free(now);
	kh_free(before);
	return KH_OK;
}

enum kh_err
site_baseline(struct kh_site_content *c, const char *dir, const char *url,
              const struct kh_site_page *page, struct kh_diag *diag)
{
	char name[80], hex[65];
	char *path = NULL;
	struct kh_buf *raw = NULL;
	json_t *old = NULL;
	enum kh_err r;

	if ((r = kh_hash_hex(KH_HASH_SHA256, url, strlen(url), hex, sizeof(hex))) != KH_OK ||
	    (r = kh_snprintf(name, sizeof(name), "%s.json", hex)) != KH_OK ||
	    (r = kh_mkdir_p(dir, 0750, diag)) != KH_OK)
		return r;
	if ((path = kh_path_join(dir, name)) == NULL)
		return KH_ENOMEM;
	r = kh_file_read(path, KH_LIMIT(max_json_bytes), "max_json_bytes", 0, &raw, NULL);
	if (r == KH_OK && kh_json_parse(kh_buf_cur(raw), path, &old, diag) == KH_OK &&
	    json_is_object(old)) {
		r = compare(c, old, page);
	} else {
		r = write_baseline(path, url, page, c->text_sha256, diag);
		c->baseline_stored = r == KH_OK;
	}
	json_decref(old);
	kh_buf_free(raw);
	kh_free(path);
	return r;
}
