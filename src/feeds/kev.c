/*
 * kev.c — the CISA Known Exploited Vulnerabilities catalog
 * (known_exploited_vulnerabilities_schema.json): one advisory per CVE.
 */
#include <string.h>

#include "feeds_int.h"

/* KEV schema: dates are "YYYY-MM-DD". */
static bool
is_date(const char *s)
{
	time_t t;

	return s != NULL && strlen(s) == 10 && kh_time_parse_date(s, &t) == KH_OK;
}

static enum kh_err
kev_bad(struct kh_diag *diag, const char *field, const char *why)
{
	return kh_diag_set(diag, KH_EFORMAT, NULL, 0, "%s: %s", field, why);
}

static enum kh_err
kev_fields(const json_t *rec, struct kh_feeds_advisory *adv, struct kh_diag *diag)
{
	const char *ransom = kh_json_str(rec, "knownRansomwareCampaignUse");
	const json_t *cwes = json_object_get(rec, "cwes");
	enum kh_err r;
	size_t i;
	json_t *v;

	if ((r = feeds_dup_str(rec, "vendorProject", &adv->kev_vendor)) != KH_OK ||
	    (r = feeds_dup_str(rec, "product", &adv->kev_product)) != KH_OK ||
	    (r = feeds_dup_str(rec, "vulnerabilityName", &adv->title)) != KH_OK ||
	    (r = feeds_dup_str(rec, "shortDescription", &adv->summary)) != KH_OK ||
	    (r = feeds_dup_str(rec, "requiredAction", &adv->kev_required_action)) != KH_OK ||
	    (r = feeds_dup_str(rec, "dateAdded", &adv->kev_date_added)) != KH_OK ||
	    (r = feeds_dup_str(rec, "dueDate", &adv->kev_due_date)) != KH_OK ||
	    (r = feeds_dup_str(rec, "dateAdded", &adv->published)) != KH_OK)
		return r;
	if (!is_date(adv->kev_date_added))
		return kev_bad(diag, "dateAdded", KH_MSG("not a date", "không phải ngày hợp lệ"));
	if (adv->kev_due_date != NULL && !is_date(adv->kev_due_date))
		return kev_bad(diag, "dueDate", KH_MSG("not a date", "không phải ngày hợp lệ"));
	/* schema: "Known" or "Unknown"; anything else is treated as unknown */
	adv->ransomware = ransom != NULL && strcmp(ransom, "Known") == 0;
	json_array_foreach(cwes, i, v)
		if (json_is_string(v) &&
		    (r = feeds_strv_add(&adv->cwes, &adv->n_cwes, json_string_value(v))) != KH_OK)
			return r;
	return KH_OK;
}

enum kh_err
feeds_kev_record(const json_t *rec, struct kh_feeds_advisory **out, struct kh_diag *diag)
{
	struct kh_feeds_advisory *adv = NULL;
	const char *cve = kh_json_str(rec, "cveID");
	enum kh_err r;

	*out = NULL;
	if (!json_is_object(rec))
		return kev_bad(diag, "vulnerabilities[]", KH_MSG("not an object", "không phải đối tượng"));
	if (!feeds_is_cve(cve))
		return kev_bad(diag, "cveID", KH_MSG("missing or not a CVE id",
		                                    "thiếu hoặc không phải mã CVE"));
	if ((adv = kh_feeds_advisory_new(KH_FEEDS_KEV)) == NULL)
		return KH_ENOMEM;
	adv->kev = true;
	if ((adv->id = kh_strdup(cve)) == NULL || (adv->source = kh_strdup("kev")) == NULL ||
	    (r = feeds_strv_add(&adv->cves, &adv->n_cves, cve)) == KH_ENOMEM) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((r = kev_fields(rec, adv, diag)) != KH_OK)
		goto out;
	*out = adv;
	adv = NULL;
 out:
	kh_feeds_advisory_free(adv);
	return r;
}

enum kh_err
feeds_kev_split(struct feeds_run *run, const json_t *doc, struct kh_diag *diag)
{
	const json_t *list = json_object_get(doc, "vulnerabilities");
	enum kh_err r;
	size_t i;
	json_t *rec;

	if (!json_is_object(doc) || !json_is_array(list))
		return kh_diag_set(diag, KH_EFORMAT, run->what, 0, "%s",
		                   KH_MSG("not a KEV catalog: no \"vulnerabilities\" array",
		                          "không phải danh mục KEV: thiếu mảng \"vulnerabilities\""));
	json_array_foreach(list, i, rec)
		if ((r = feeds_run_record(run, rec, i + 1)) != KH_OK)
			return r;
	return KH_OK;
}
