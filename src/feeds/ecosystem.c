/*
 * ecosystem.c — versions per ecosystem: which scheme orders an OSV
 * ecosystem's versions, and whether a version falls in an advisory's
 * affected ranges (OSV schema, "Evaluation" section).
 */
#include <string.h>

#include "feeds_int.h"

static bool
eco_is(const char *eco, const char *name)
{
	size_t n = strlen(name);

	return strncmp(eco, name, n) == 0 && (eco[n] == '\0' || eco[n] == ':');
}

enum kh_err
kh_feeds_ecosystem_scheme(const char *eco, enum kh_version_scheme *out)
{
	static const struct { const char *name; enum kh_version_scheme scheme; } map[] = {
		{ "Debian", KH_VERSION_DPKG },    { "Ubuntu", KH_VERSION_DPKG },
		{ "Alpine", KH_VERSION_APK },     { "AlmaLinux", KH_VERSION_RPM },
		{ "Rocky Linux", KH_VERSION_RPM }, { "Red Hat", KH_VERSION_RPM },
		{ "openSUSE", KH_VERSION_RPM },   { "SUSE", KH_VERSION_RPM },
		{ "Mageia", KH_VERSION_RPM },     { "npm", KH_VERSION_SEMVER },
		{ "crates.io", KH_VERSION_SEMVER }, { "Go", KH_VERSION_SEMVER },
		{ "Hex", KH_VERSION_SEMVER },     { "Pub", KH_VERSION_SEMVER },
		{ "cpe", KH_VERSION_GENERIC },
	};

	for (size_t i = 0; eco != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (eco_is(eco, map[i].name)) {
			*out = map[i].scheme;
			return KH_OK;
		}
	return KH_EUNSUPPORTED;
}

/* Compares a with b; "0" as an introduced version is below everything. */
static enum kh_err
cmp_versions(enum kh_version_scheme scheme, const char *a, const char *b, int *cmp,
             struct kh_diag *diag)
{
	if (strcmp(a, "0") == 0 || strcmp(b, "0") == 0) {
		*cmp = strcmp(a, b) == 0 ? 0 : strcmp(a, "0") == 0 ? -1 : 1;
		return KH_OK;
	}
	return kh_version_compare(scheme, a, b, cmp, diag);
}

/* Sorted copy of a range's events (insertion sort: ranges are short). */
static enum kh_err
sorted_events(const struct kh_feeds_range *rg, enum kh_version_scheme scheme,
              const struct kh_feeds_event **out, struct kh_diag *diag)
{
	enum kh_err r;

	for (size_t i = 0; i < rg->n_events; i++) {
		size_t j = i;
		out[i] = &rg->events[i];
		while (j > 0) {
			int cmp;
			if ((r = cmp_versions(scheme, out[j - 1]->version, out[j]->version, &cmp, diag)) != KH_OK)
				return r;
			if (cmp <= 0)
				break;
			const struct kh_feeds_event *t = out[j - 1];
			out[j - 1] = out[j];
			out[j] = t;
			j--;
		}
	}
	return KH_OK;
}

/* OSV schema, "Evaluation": walk sorted events; limits bound from above. */
static enum kh_err
in_range(const struct kh_feeds_range *rg, enum kh_version_scheme scheme, const char *v,
         bool *hit, const char **fixed, struct kh_diag *diag)
{
	const struct kh_feeds_event **ev;
	bool vulnerable = false, limited = false, under_limit = false;
	enum kh_err r;
	int cmp;

	*hit = false;
	if ((ev = kh_calloc(rg->n_events + 1, sizeof(*ev))) == NULL)
		return KH_ENOMEM;
	if ((r = sorted_events(rg, scheme, ev, diag)) != KH_OK)
		goto out;
	for (size_t i = 0; i < rg->n_events; i++) {
		if ((r = cmp_versions(scheme, v, ev[i]->version, &cmp, diag)) != KH_OK)
			goto out;
		switch (ev[i]->kind) {
		case KH_FEEDS_EV_INTRODUCED: if (cmp >= 0) vulnerable = true; break;
		case KH_FEEDS_EV_FIXED:
			if (cmp >= 0) vulnerable = false;
			else if (*fixed == NULL && vulnerable) *fixed = ev[i]->version;
			break;
		case KH_FEEDS_EV_LAST_AFFECTED: if (cmp > 0) vulnerable = false; break;
		case KH_FEEDS_EV_LIMIT: limited = true; if (cmp < 0) under_limit = true; break;
		}
	}
	*hit = vulnerable && (!limited || under_limit);
 out:
	kh_free(ev);
	return r;
}

static enum kh_err
listed(const struct kh_feeds_affected *aff, enum kh_version_scheme scheme, const char *v,
       bool *hit)
{
	*hit = false;
	for (size_t i = 0; i < aff->n_versions && !*hit; i++) {
		int cmp;
		/* exact text first; then equal under the scheme ("1.0" = "1.00" generic) */
		if (strcmp(aff->versions[i], v) == 0)
			*hit = true;
		else if (kh_version_compare(scheme, aff->versions[i], v, &cmp, NULL) == KH_OK && cmp == 0)
			*hit = true;
	}
	return KH_OK;
}

enum kh_err
kh_feeds_affected_eval(const struct kh_feeds_affected *aff, enum kh_version_scheme scheme,
                       const char *version, bool *affected, const char **fixed,
                       struct kh_buf *why, struct kh_diag *diag)
{
	enum kh_err r;
	bool hit;

	*affected = false;
	*fixed = NULL;
	if ((r = listed(aff, scheme, version, &hit)) != KH_OK)
		return r;
	if (hit) {
		*affected = true;
		return why == NULL ? KH_OK : kh_buf_printf(why, KH_MSG("%s is listed in versions",
		                                                       "%s có trong danh sách versions"), version);
	}
	for (size_t i = 0; i < aff->n_ranges; i++) {
		const struct kh_feeds_range *rg = &aff->ranges[i];
		enum kh_version_scheme s = scheme;
		const char *fx = NULL;
		if (rg->type != NULL && strcmp(rg->type, "GIT") == 0)
			continue; /* commits, not versions */
		if (rg->type != NULL && strcmp(rg->type, "SEMVER") == 0)
			s = KH_VERSION_SEMVER;
		if ((r = in_range(rg, s, version, &hit, &fx, diag)) != KH_OK)
			return r;
		if (*fixed == NULL)
			*fixed = fx;
		if (!hit)
			continue;
		*affected = true;
		*fixed = fx;
		return why == NULL ? KH_OK
		       : kh_buf_printf(why, KH_MSG("%s is within range %zu (%s)%s%s",
		                                   "%s nằm trong khoảng %zu (%s)%s%s"),
		                       version, i + 1, kh_version_scheme_name(s),
		                       fx != NULL ? KH_MSG(", fixed in ", ", bản sửa ") : "",
		                       fx != NULL ? fx : "");
	}
	*fixed = NULL;
	return why == NULL ? KH_OK : kh_buf_printf(why, KH_MSG("%s is outside every range",
	                                                      "%s nằm ngoài mọi khoảng"), version);
}
