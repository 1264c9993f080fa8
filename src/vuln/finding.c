/*
 * finding.c — the finding list: ownership, merging what several sources say
 * about one CVE on one target, and the order findings are shown in.
 */
#include <stdlib.h>
#include <string.h>

#include "khien/vuln.h"

const char *
kh_vuln_target_kind_name(enum kh_vuln_target_kind kind)
{
	return kind == KH_VULN_TARGET_ASSET ? "asset" : "package";
}

void
kh_vuln_findings_init(struct kh_vuln_findings *fs)
{
	memset(fs, 0, sizeof(*fs));
}

static void
free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kh_free(v[i]);
	kh_free(v);
}

void
kh_vuln_finding_cleanup(struct kh_vuln_finding *f)
{
	if (f == NULL)
		return;
	kh_free(f->cve);
	kh_free(f->target_name);
	kh_free(f->target_version);
	kh_free(f->target_source);
	kh_free(f->ecosystem);
	kh_free(f->unit);
	kh_free(f->fixed_version);
	kh_free(f->cvss_version);
	kh_free(f->cvss_vector);
	kh_free(f->summary);
	free_strv(f->sources, f->n_sources);
	free_strv(f->warnings, f->n_warnings);
	memset(f, 0, sizeof(*f));
}

void
kh_vuln_findings_cleanup(struct kh_vuln_findings *fs)
{
	if (fs == NULL)
		return;
	for (size_t i = 0; i < fs->n; i++)
		kh_vuln_finding_cleanup(&fs->items[i]);
	kh_free(fs->items);
	memset(fs, 0, sizeof(*fs));
}

static enum kh_err
strv_add_unique(char ***vp, size_t *np, const char *s)
{
	char **grown;
	char *copy;
	size_t i;

	for (i = 0; i < *np; i++)
		if (strcmp((*vp)[i], s) == 0)
			return KH_OK;
	if ((copy = kh_strdup(s)) == NULL)
		return KH_ENOMEM;
	if ((grown = kh_reallocarray(*vp, *np + 1, sizeof(*grown))) == NULL) {
		kh_free(copy);
		return KH_ENOMEM;
	}
	/* Kept sorted, so output does not depend on the order feeds loaded. */
	for (i = *np; i > 0 && strcmp(grown[i - 1], copy) > 0; i--)
		grown[i] = grown[i - 1];
	grown[i] = copy;
	(*np)++;
	*vp = grown;
	return KH_OK;
}

enum kh_err
kh_vuln_finding_add_source(struct kh_vuln_finding *f, const char *source)
{
	return strv_add_unique(&f->sources, &f->n_sources, source);
}

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool
same_target(const struct kh_vuln_finding *a, const struct kh_vuln_finding *b)
{
	return a->kind == b->kind && str_eq(a->target_name, b->target_name) &&
	       str_eq(a->target_version, b->target_version) &&
	       str_eq(a->unit, b->unit);
}

/* Folds f into old: sources and warnings united, a known fix kept. */
static enum kh_err
merge(struct kh_vuln_finding *old, struct kh_vuln_finding *f)
{
	enum kh_err r = KH_OK;

	for (size_t i = 0; i < f->n_sources && r == KH_OK; i++)
		r = strv_add_unique(&old->sources, &old->n_sources, f->sources[i]);
	for (size_t i = 0; i < f->n_warnings && r == KH_OK; i++)
		r = strv_add_unique(&old->warnings, &old->n_warnings, f->warnings[i]);
	if (r == KH_OK && old->fixed_version == NULL) {
		old->fixed_version = f->fixed_version;
		f->fixed_version = NULL;
	}
	if (r == KH_OK && old->target_source == NULL) {
		old->target_source = f->target_source;
		f->target_source = NULL;
	}
	kh_vuln_finding_cleanup(f);
	return r;
}

/*
 * The matcher adds the findings of one target together, so a duplicate
 * can only be among the trailing findings of the same target: looking
 * back that far keeps adding linear in the number of findings.
 */
enum kh_err
kh_vuln_findings_add(struct kh_vuln_findings *fs, struct kh_vuln_finding *f)
{
	struct kh_vuln_finding *grown;
	size_t cap;

	for (size_t i = fs->n; i > 0 && same_target(&fs->items[i - 1], f); i--)
		if (str_eq(fs->items[i - 1].cve, f->cve))
			return merge(&fs->items[i - 1], f);
	if (fs->n == fs->cap) {
		cap = fs->cap ? fs->cap * 2 : 16;
		if ((grown = kh_reallocarray(fs->items, cap, sizeof(*grown))) == NULL) {
			kh_vuln_finding_cleanup(f);
			return KH_ENOMEM;
		}
		fs->items = grown;
		fs->cap = cap;
	}
	fs->items[fs->n++] = *f;
	memset(f, 0, sizeof(*f));
	return KH_OK;
}

/*
 * CVE ids compare by year, then by number as a number: CVE-2024-9999
 * comes before CVE-2024-10000. Other ids compare as text.
 */
static int
cmp_id(const char *a, const char *b)
{
	size_t la, lb;

	if (strncmp(a, "CVE-", 4) == 0 && strncmp(b, "CVE-", 4) == 0 &&
	    strncmp(a, b, 9) == 0) {
		la = strlen(a + 9);
		lb = strlen(b + 9);
		if (la != lb)
			return la < lb ? -1 : 1;
	}
	return strcmp(a, b);
}

static int
cmp_finding(const void *pa, const void *pb)
{
	const struct kh_vuln_finding *a = pa, *b = pb;
	int c;

	if (a->decision.priority != b->decision.priority)
		return a->decision.priority < b->decision.priority ? -1 : 1;
	if ((c = strcmp(a->decision.due_date, b->decision.due_date)) != 0)
		return c;
	if (a->cvss_score != b->cvss_score)
		return a->cvss_score > b->cvss_score ? -1 : 1;
	if ((c = cmp_id(a->cve, b->cve)) != 0)
		return c;
	if ((c = strcmp(a->target_name, b->target_name)) != 0)
		return c;
	return strcmp(a->target_version ? a->target_version : "",
	              b->target_version ? b->target_version : "");
}

void
kh_vuln_findings_sort(struct kh_vuln_findings *fs)
{
	if (fs->n > 1)
		qsort(fs->items, fs->n, sizeof(fs->items[0]), cmp_finding);
}
