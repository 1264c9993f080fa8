/*
 * aggregate.c — detections grouped by file and by rule, the shape both
 * exporters (STIX, MISP) describe: count, first and last seen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ioc_int.h"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct ioc_group *)a)->key, ((const struct ioc_group *)b)->key);
}

static int
cmp_det_ptr(const void *a, const void *b)
{
	const struct kh_ioc_detection *x = *(const struct kh_ioc_detection *const *)a;
	const struct kh_ioc_detection *y = *(const struct kh_ioc_detection *const *)b;
	int c = strcmp(x->time, y->time);
	return c != 0 ? c : strcmp(x->path, y->path);
}

/* Extends the group with one detection; matches are kept distinct. */
static enum kh_err
group_add(struct ioc_group *g, const struct kh_ioc_detection *d, bool track_matches)
{
	if (g->count == 0) {
		g->first = g->last = d->time;
		g->path = d->path;
		g->size = d->size;
	}
	if (strcmp(d->time, g->first) < 0)
		g->first = d->time;
	if (strcmp(d->time, g->last) > 0)
		g->last = d->time;
	g->count++;
	if (!track_matches)
		return KH_OK;
	for (size_t i = 0; i < g->n_matches; i++)
		if (strcmp(g->matches[i], d->match) == 0)
			return KH_OK;
	void *p = kh_reallocarray(g->matches, g->n_matches + 1, sizeof(*g->matches));
	if (p == NULL)
		return KH_ENOMEM;
	g->matches = p;
	g->matches[g->n_matches++] = d->match;
	return KH_OK;
}

/* Finds or appends the group for key in a list kept in input order. */
static struct ioc_group *
group_get(struct ioc_group **list, size_t *n, const char *key)
{
	struct ioc_group *p;

	for (size_t i = *n; i > 0; i--)
		if (strcmp((*list)[i - 1].key, key) == 0)
			return &(*list)[i - 1];
	if ((p = kh_reallocarray(*list, *n + 1, sizeof(**list))) == NULL)
		return NULL;
	*list = p;
	memset(&p[*n], 0, sizeof(p[*n]));
	p[*n].key = key;
	return &p[(*n)++];
}

enum kh_err
ioc_groups_build(const struct kh_ioc_detections *dets, struct ioc_groups *out)
{
	const struct kh_ioc_detection **order = NULL;
	size_t n = dets != NULL ? dets->n : 0;
	enum kh_err r = KH_OK;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return KH_OK;
	if ((order = kh_calloc(n, sizeof(*order))) == NULL)
		return KH_ENOMEM;
	for (size_t i = 0; i < n; i++)
		order[i] = &dets->items[i];
	/* time order makes "path of the first detection" well defined */
	qsort(order, n, sizeof(*order), cmp_det_ptr);
	out->first = order[0]->time;
	for (size_t i = 0; i < n && r == KH_OK; i++) {
		const struct kh_ioc_detection *d = order[i];
		struct ioc_group *g = group_get(&out->rules, &out->n_rules, d->match);
		if (g == NULL || (r = group_add(g, d, false)) != KH_OK) {
			r = r != KH_OK ? r : KH_ENOMEM;
			break;
		}
		if (d->sha256 != NULL) {
			if (!(g = group_get(&out->files, &out->n_files, d->sha256)))
				r = KH_ENOMEM;
			else
				r = group_add(g, d, true);
		}
	}
	kh_free(order);
	if (r != KH_OK) {
		ioc_groups_cleanup(out);
		return r;
	}
	for (size_t i = 0; i < out->n_files; i++) {
		qsort(out->files[i].matches, out->files[i].n_matches, sizeof(char *), cmp_str);
		out->files[i].match = out->files[i].matches[0];
	}
	if (out->n_files > 0) /* qsort wants a real pointer even for 0 items */
		qsort(out->files, out->n_files, sizeof(*out->files), cmp_group);
	qsort(out->rules, out->n_rules, sizeof(*out->rules), cmp_group);
	return KH_OK;
}

void
ioc_groups_cleanup(struct ioc_groups *g)
{
	for (size_t i = 0; i < g->n_files; i++)
		kh_free(g->files[i].matches);
	kh_free(g->files);
	kh_free(g->rules);
	memset(g, 0, sizeof(*g));
}

void
ioc_ts_ms(const char *t, char *out, size_t out_size)
{
	/* 20 characters "…:SSZ": keep the seconds, add milliseconds */
	if (t != NULL && strlen(t) == 20 && t[19] == 'Z')
		(void)snprintf(out, out_size, "%.19s.000Z", t);
	else
		kh_strlcpy(out, t != NULL ? t : IOC_EPOCH, out_size);
}

const char *
ioc_basename(const char *path)
{
	const char *slash = strrchr(path, '/'), *bang = strrchr(path, '!');
	const char *p = slash > bang ? slash : bang;

	return p != NULL && p[1] != '\0' ? p + 1 : path;
}

enum kh_err
ioc_objects_put(json_t *by_id, json_t *obj)
{
	const char *id = obj != NULL ? kh_json_str(obj, "id") : NULL;
	enum kh_err r = KH_OK;

	if (id == NULL)
		r = obj == NULL ? KH_ENOMEM : KH_EINTERNAL;
	else if (json_object_get(by_id, id) == NULL &&
	         json_object_set(by_id, id, obj) != 0)
		r = KH_ENOMEM;
	json_decref(obj);
	return r;
}
