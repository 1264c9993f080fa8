/*
 * debian_tracker.c — the Debian security tracker's JSON
 * (https://security-tracker.debian.org/tracker/data/json): per source
 * package and CVE, each release's status, fixed version and urgency.
 */
#include <stdio.h>
#include <string.h>

#include "feeds_int.h"

/* Debian release numbers by codename (OSV ecosystems are "Debian:<n>"). */
static const char *
release_number(const char *codename)
{
	static const char *const map[][2] = {
		{ "jessie", "8" },     { "stretch", "9" }, { "buster", "10" }, { "bullseye", "11" },
		{ "bookworm", "12" }, { "trixie", "13" },  { "forky", "14" },  { "duke", "15" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], codename) == 0)
			return map[i][1];
	return NULL;
}

static enum kh_err
add_event(struct kh_feeds_range *rg, enum kh_feeds_event_kind kind, const char *version)
{
	struct kh_feeds_event *ev = feeds_grow(&rg->events, &rg->n_events, sizeof(*ev));

	if (ev == NULL)
		return KH_ENOMEM;
	ev->kind = kind;
	return (ev->version = kh_strdup(version)) == NULL ? KH_ENOMEM : KH_OK;
}

/*
 * The tracker's meaning as a range: resolved with fixed_version V →
 * introduced 0, fixed V; fixed_version "0" → never affected (no range);
 * open or undetermined without a fix → introduced 0.
 */
static enum kh_err
release_range(struct kh_feeds_affected *aff)
{
	struct kh_feeds_range *rg;
	enum kh_err r;

	if (aff->fixed_version != NULL && strcmp(aff->fixed_version, "0") == 0)
		return KH_OK;
	if (aff->fixed_version == NULL && aff->status != NULL && strcmp(aff->status, "resolved") == 0)
		return KH_OK; /* resolved without a version: nothing to match */
	if ((rg = feeds_grow(&aff->ranges, &aff->n_ranges, sizeof(*rg))) == NULL ||
	    (rg->type = kh_strdup("ECOSYSTEM")) == NULL)
		return KH_ENOMEM;
	if ((r = add_event(rg, KH_FEEDS_EV_INTRODUCED, "0")) != KH_OK)
		return r;
	return aff->fixed_version != NULL ? add_event(rg, KH_FEEDS_EV_FIXED, aff->fixed_version) : KH_OK;
}

static enum kh_err
release(const char *pkg, const char *codename, const json_t *rel, struct kh_feeds_advisory *adv,
        struct kh_diag *diag)
{
	const char *num = release_number(codename), *status = kh_json_str(rel, "status");
	struct kh_feeds_affected *aff;
	char eco[128];
	enum kh_err r;

	if (!json_is_object(rel) || status == NULL)
		return kh_diag_set(diag, KH_EFORMAT, NULL, 0, "releases.%s: %s", codename,
		                   KH_MSG("needs a status", "cần status"));
	if (snprintf(eco, sizeof(eco), "Debian:%s", num != NULL ? num : codename) >= (int)sizeof(eco))
		return kh_diag_set(diag, KH_EFORMAT, NULL, 0, "releases.%s: %s", codename,
		                   KH_MSG("name too long", "tên quá dài"));
	if ((aff = feeds_grow(&adv->affected, &adv->n_affected, sizeof(*aff))) == NULL)
		return KH_ENOMEM;
	if ((aff->ecosystem = kh_strdup(eco)) == NULL || (aff->package = kh_strdup(pkg)) == NULL ||
	    (aff->release = kh_strdup(codename)) == NULL)
		return KH_ENOMEM;
	if ((r = feeds_dup_str(rel, "status", &aff->status)) != KH_OK ||
	    (r = feeds_dup_str(rel, "fixed_version", &aff->fixed_version)) != KH_OK ||
	    (r = feeds_dup_str(rel, "urgency", &aff->urgency)) != KH_OK)
		return r;
	return release_range(aff);
}

enum kh_err
feeds_debian_record(const json_t *rec, struct kh_feeds_advisory **out, struct kh_diag *diag)
{
	struct kh_feeds_advisory *adv = NULL;
	const char *pkg = kh_json_str(rec, "package"), *cve = kh_json_str(rec, "cve");
	const json_t *entry = json_object_get(rec, "entry");
	const char *codename;
	char id[512];
	json_t *rel;
	enum kh_err r;

	*out = NULL;
	if (pkg == NULL || cve == NULL || !json_is_object(entry) || pkg[0] == '\0' || cve[0] == '\0')
		return kh_diag_set(diag, KH_EFORMAT, NULL, 0, "%s",
		                   KH_MSG("a tracker entry is an object under a package and an id",
		                          "mục tracker phải là đối tượng dưới tên gói và mã"));
	if ((r = kh_snprintf(id, sizeof(id), "%s/%s", pkg, cve)) != KH_OK)
		return kh_diag_set(diag, KH_EFORMAT, NULL, 0, "%s", KH_MSG("id too long", "mã quá dài"));
	if ((adv = kh_feeds_advisory_new(KH_FEEDS_DEBIAN)) == NULL)
		return KH_ENOMEM;
	r = KH_ENOMEM;
	if ((adv->id = kh_strdup(id)) == NULL || (adv->source = kh_strdup("debian-tracker")) == NULL)
		goto out;
	/* TEMP-… ids are the tracker's own, not CVEs */
	if ((feeds_is_cve(cve) && (r = feeds_strv_add(&adv->cves, &adv->n_cves, cve)) != KH_OK) ||
	    (r = feeds_dup_str(entry, "description", &adv->summary)) != KH_OK)
		goto out;
	json_object_foreach((json_t *)json_object_get(entry, "releases"), codename, rel)
		if ((r = release(pkg, codename, rel, adv, diag)) != KH_OK)
			goto out;
	*out = adv;
	adv = NULL;
 out:
	kh_feeds_advisory_free(adv);
	return r;
}

enum kh_err
feeds_debian_split(struct feeds_run *run, const json_t *doc, struct kh_diag *diag)
{
	const char *pkg, *cve;
	json_t *entries, *entry;
	size_t idx = 0;
	enum kh_err r;

	if (!json_is_object(doc))
		return kh_diag_set(diag, KH_EFORMAT, run->what, 0, "%s",
		                   KH_MSG("not a Debian security tracker document",
		                          "không phải tài liệu Debian security tracker"));
	json_object_foreach((json_t *)doc, pkg, entries) {
		if (!json_is_object(entries)) {
			kh_feeds_stats_skip(run->stats, run->what, ++idx, "%s: %s", pkg,
			                    KH_MSG("not an object of CVEs", "không phải đối tượng chứa các CVE"));
			continue;
		}
		json_object_foreach(entries, cve, entry) {
			json_t *rec = json_pack("{s:s, s:s, s:O}", "package", pkg, "cve", cve, "entry", entry);
			if (rec == NULL)
				return KH_ENOMEM;
			r = feeds_run_record(run, rec, ++idx);
			json_decref(rec);
			if (r != KH_OK)
				return r;
		}
	}
	return KH_OK;
}
