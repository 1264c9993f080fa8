/*
 * osv.c — OSV records (OSV schema 1.x, ossf/osv-schema): aliases, CVSS
 * severities, and `affected` packages with ECOSYSTEM/SEMVER/GIT ranges of
 * introduced/fixed/last_affected/limit events and explicit version lists.
 */
#include <string.h>

#include "feeds_int.h"

static enum kh_err
bad(struct kh_diag *diag, const char *field, const char *why)
{
	return kh_diag_set(diag, KH_EFORMAT, NULL, 0, "%s: %s", field, why);
}

static const char *const event_keys[] = { "introduced", "fixed", "last_affected", "limit" };

/* One event object has exactly one of the four keys (OSV schema). */
static enum kh_err
event(const json_t *ej, struct kh_feeds_range *rg, struct kh_diag *diag)
{
	struct kh_feeds_event *ev;
	const char *version = NULL;
	size_t kind = 0, found = 0;

	for (size_t k = 0; k < 4; k++) {
		const char *v = kh_json_str(ej, event_keys[k]);
		if (v != NULL) {
			version = v;
			kind = k;
			found++;
		}
	}
	if (found != 1 || version[0] == '\0')
		return bad(diag, "affected[].ranges[].events[]",
		           KH_MSG("needs exactly one of introduced, fixed, last_affected, limit",
		                  "cần đúng một trong introduced, fixed, last_affected, limit"));
	if ((ev = feeds_grow(&rg->events, &rg->n_events, sizeof(*ev))) == NULL)
		return KH_ENOMEM;
	ev->kind = (enum kh_feeds_event_kind)kind;
	return (ev->version = kh_strdup(version)) == NULL ? KH_ENOMEM : KH_OK;
}

static enum kh_err
range(const json_t *rj, struct kh_feeds_affected *aff, struct kh_diag *diag)
{
	struct kh_feeds_range *rg;
	const json_t *events = json_object_get(rj, "events");
	const char *type = kh_json_str(rj, "type");
	enum kh_err r;
	size_t i;
	json_t *ej;

	if (type == NULL || !json_is_array(events) || json_array_size(events) == 0)
		return bad(diag, "affected[].ranges[]",
		           KH_MSG("needs a type and events", "cần type và events"));
	if ((rg = feeds_grow(&aff->ranges, &aff->n_ranges, sizeof(*rg))) == NULL)
		return KH_ENOMEM;
	if ((rg->type = kh_strdup(type)) == NULL)
		return KH_ENOMEM;
	json_array_foreach(events, i, ej)
		if ((r = event(ej, rg, diag)) != KH_OK)
			return r;
	return KH_OK;
}

static enum kh_err
set_release(struct kh_feeds_affected *aff)
{
	const char *colon = aff->ecosystem != NULL ? strchr(aff->ecosystem, ':') : NULL;

	if (colon == NULL || colon[1] == '\0')
		return KH_OK;
	return (aff->release = kh_strdup(colon + 1)) == NULL ? KH_ENOMEM : KH_OK;
}

static enum kh_err
affected(const json_t *aj, struct kh_feeds_advisory *adv, struct kh_diag *diag)
{
	const json_t *pkg = json_object_get(aj, "package"), *versions = json_object_get(aj, "versions");
	struct kh_feeds_affected *aff;
	enum kh_err r;
	size_t i;
	json_t *v;

	if (!json_is_object(aj))
		return bad(diag, "affected[]", KH_MSG("not an object", "không phải đối tượng"));
	if ((aff = feeds_grow(&adv->affected, &adv->n_affected, sizeof(*aff))) == NULL)
		return KH_ENOMEM;
	if ((r = feeds_dup_str(pkg, "ecosystem", &aff->ecosystem)) != KH_OK ||
	    (r = feeds_dup_str(pkg, "name", &aff->package)) != KH_OK ||
	    (r = feeds_dup_str(pkg, "purl", &aff->purl)) != KH_OK || (r = set_release(aff)) != KH_OK)
		return r;
	if (pkg != NULL && (aff->ecosystem == NULL || aff->package == NULL))
		return bad(diag, "affected[].package",
		           KH_MSG("needs ecosystem and name", "cần ecosystem và name"));
	json_array_foreach(json_object_get(aj, "ranges"), i, v)
		if ((r = range(v, aff, diag)) != KH_OK)
			return r;
	if (versions != NULL && !json_is_array(versions))
		return bad(diag, "affected[].versions", KH_MSG("not an array", "không phải mảng"));
	json_array_foreach(versions, i, v)
		if (json_is_string(v) &&
		    (r = feeds_strv_add(&aff->versions, &aff->n_versions, json_string_value(v))) != KH_OK)
			return r;
	return KH_OK;
}

/* CVE ids from aliases, related and upstream (OSV 1.7). */
static enum kh_err
cves(const json_t *rec, struct kh_feeds_advisory *adv)
{
	static const char *const keys[] = { "aliases", "upstream", "related" };
	enum kh_err r;

	if (feeds_is_cve(adv->id) && (r = feeds_strv_add(&adv->cves, &adv->n_cves, adv->id)) != KH_OK)
		return r;
	for (size_t k = 0; k < 3; k++) {
		size_t i;
		json_t *v;
		/* related ids are only taken when no alias names a CVE */
		if (k == 2 && adv->n_cves > 0)
			break;
		json_array_foreach(json_object_get(rec, keys[k]), i, v)
			if (feeds_is_cve(json_string_value(v)) &&
			    (r = feeds_strv_add(&adv->cves, &adv->n_cves, json_string_value(v))) != KH_OK)
				return r;
	}
	return KH_OK;
}

static enum kh_err
severities(const json_t *rec, struct kh_feeds_advisory *adv)
{
	size_t i;
	json_t *s;
	enum kh_err r;

	json_array_foreach(json_object_get(rec, "severity"), i, s) {
		const char *type = kh_json_str(s, "type"), *score = kh_json_str(s, "score");
		struct kh_feeds_cvss *c;
		const char *version;
		if (type == NULL || score == NULL || strncmp(type, "CVSS_V", 6) != 0)
			continue;
		version = strcmp(type, "CVSS_V2") == 0 ? "2.0" : strcmp(type, "CVSS_V4") == 0 ? "4.0"
		          : strncmp(score, "CVSS:3.0", 8) == 0 ? "3.0" : "3.1";
		if ((c = feeds_grow(&adv->cvss, &adv->n_cvss, sizeof(*c))) == NULL)
			return KH_ENOMEM;
		c->score = -1; /* OSV gives the vector only */
		c->primary = true;
		if ((c->version = kh_strdup(version)) == NULL || (c->vector = kh_strdup(score)) == NULL)
			return KH_ENOMEM;
	}
	json_array_foreach(json_object_get(rec, "references"), i, s) {
		const char *url = kh_json_str(s, "url");
		if (url != NULL && (r = feeds_strv_add(&adv->references, &adv->n_references, url)) != KH_OK)
			return r;
	}
	return KH_OK;
}

enum kh_err
feeds_osv_record(const json_t *rec, struct kh_feeds_advisory **out, struct kh_diag *diag)
{
	struct kh_feeds_advisory *adv = NULL;
	const json_t *aff_list = json_object_get(rec, "affected");
	const char *id = kh_json_str(rec, "id");
	enum kh_err r;
	size_t i;
	json_t *aj;

	*out = NULL;
	if (!json_is_object(rec) || id == NULL || id[0] == '\0')
		return bad(diag, "id", KH_MSG("missing", "bị thiếu"));
	if (aff_list != NULL && !json_is_array(aff_list))
		return bad(diag, "affected", KH_MSG("not an array", "không phải mảng"));
	if ((adv = kh_feeds_advisory_new(KH_FEEDS_OSV)) == NULL)
		return KH_ENOMEM;
	adv->withdrawn = kh_json_str(rec, "withdrawn") != NULL;
	r = KH_ENOMEM;
	if ((adv->id = kh_strdup(id)) == NULL || (adv->source = kh_strdup("osv")) == NULL)
		goto out;
	if ((r = feeds_dup_str(rec, "summary", &adv->title)) != KH_OK ||
	    (r = feeds_dup_str(rec, "details", &adv->summary)) != KH_OK ||
	    (r = feeds_dup_str(rec, "published", &adv->published)) != KH_OK ||
	    (r = feeds_dup_str(rec, "modified", &adv->modified)) != KH_OK ||
	    (r = cves(rec, adv)) != KH_OK || (r = severities(rec, adv)) != KH_OK)
		goto out;
	json_array_foreach(aff_list, i, aj)
		if ((r = affected(aj, adv, diag)) != KH_OK)
			goto out;
	*out = adv;
	adv = NULL;
 out:
	kh_feeds_advisory_free(adv);
	return r;
}

enum kh_err
feeds_osv_split(struct feeds_run *run, const json_t *doc, struct kh_diag *diag)
{
	const json_t *list = json_is_array(doc) ? doc : json_object_get(doc, "vulns");
	enum kh_err r;
	size_t i;
	json_t *rec;

	if (json_is_object(doc) && list == NULL)
		return feeds_run_record(run, doc, 1);
	if (!json_is_array(list))
		return kh_diag_set(diag, KH_EFORMAT, run->what, 0, "%s",
		                   KH_MSG("not an OSV record or list", "không phải bản ghi hoặc danh sách OSV"));
	json_array_foreach(list, i, rec)
		if ((r = feeds_run_record(run, rec, i + 1)) != KH_OK)
			return r;
	return KH_OK;
}
