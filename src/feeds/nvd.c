/*
 * nvd.c — NVD CVE API 2.0 records (a whole API page or one bare "cve"
 * object): descriptions, CVSS v2/v3.x/v4.0 metrics, CWEs, references and
 * the `configurations` tree of CPE matches.
 */
#include <string.h>

#include "feeds_int.h"

static enum kh_err
bad(struct kh_diag *diag, const char *field, const char *why)
{
	return kh_diag_set(diag, KH_EFORMAT, NULL, 0, "%s: %s", field, why);
}

/* descriptions[]: the English one (NVD always has it). */
static enum kh_err
descriptions(const json_t *cve, struct kh_feeds_advisory *adv)
{
	const json_t *list = json_object_get(cve, "descriptions");
	size_t i;
	json_t *d;

	json_array_foreach(list, i, d) {
		const char *lang = kh_json_str(d, "lang"), *text = kh_json_str(d, "value");
		if (lang == NULL || text == NULL || strcmp(lang, "en") != 0)
			continue;
		return (adv->summary = kh_strdup(text)) == NULL ? KH_ENOMEM : KH_OK;
	}
	return KH_OK;
}

static enum kh_err
metric(const json_t *m, struct kh_feeds_advisory *adv)
{
	const json_t *data = json_object_get(m, "cvssData");
	struct kh_feeds_cvss *c;
	const char *type = kh_json_str(m, "type");
	enum kh_err r;

	if (!json_is_object(data))
		return KH_OK;
	if ((c = feeds_grow(&adv->cvss, &adv->n_cvss, sizeof(*c))) == NULL)
		return KH_ENOMEM;
	if (!feeds_json_number(json_object_get(data, "baseScore"), &c->score) ||
	    c->score < 0 || c->score > 10)
		c->score = -1;
	c->primary = type != NULL && strcmp(type, "Primary") == 0;
	if ((r = feeds_dup_str(data, "version", &c->version)) != KH_OK ||
	    (r = feeds_dup_str(data, "vectorString", &c->vector)) != KH_OK ||
	    (r = feeds_dup_str(m, "source", &c->source)) != KH_OK)
		return r;
	/* v2 keeps baseSeverity beside cvssData, v3/v4 inside it */
	return feeds_dup_str(json_object_get(data, "baseSeverity") ? data : m, "baseSeverity",
	                     &c->severity);
}

static enum kh_err
metrics(const json_t *cve, struct kh_feeds_advisory *adv)
{
	static const char *const keys[] = { "cvssMetricV40", "cvssMetricV31", "cvssMetricV30",
	                                    "cvssMetricV2" };
	const json_t *all = json_object_get(cve, "metrics");
	enum kh_err r;

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t i;
		json_t *m;
		json_array_foreach(json_object_get(all, keys[k]), i, m)
			if ((r = metric(m, adv)) != KH_OK)
				return r;
	}
	return KH_OK;
}

static enum kh_err
weaknesses(const json_t *cve, struct kh_feeds_advisory *adv)
{
	size_t i, j;
	json_t *w, *d;
	enum kh_err r;

	json_array_foreach(json_object_get(cve, "weaknesses"), i, w)
		json_array_foreach(json_object_get(w, "description"), j, d) {
			const char *v = kh_json_str(d, "value");
			/* NVD writes "NVD-CWE-Other" / "NVD-CWE-noinfo" for no CWE */
			if (v != NULL && strncmp(v, "CWE-", 4) == 0 &&
			    (r = feeds_strv_add(&adv->cwes, &adv->n_cwes, v)) != KH_OK)
				return r;
		}
	json_array_foreach(json_object_get(cve, "references"), i, w) {
		const char *url = kh_json_str(w, "url");
		if (url != NULL && (r = feeds_strv_add(&adv->references, &adv->n_references, url)) != KH_OK)
			return r;
	}
	return KH_OK;
}

static enum kh_err
parse_op(const json_t *obj, enum kh_cpe_op *op, struct kh_diag *diag)
{
	const char *s = kh_json_str(obj, "operator");

	*op = KH_CPE_OP_OR;
	if (s == NULL || strcmp(s, "OR") == 0)
		return KH_OK;
	if (strcmp(s, "AND") == 0) {
		*op = KH_CPE_OP_AND;
		return KH_OK;
	}
	return bad(diag, "operator", KH_MSG("must be AND or OR", "phải là AND hoặc OR"));
}

static enum kh_err
cpe_match(const json_t *j, struct kh_cpe_node *node, struct kh_diag *diag)
{
	struct kh_cpe_match *m;
	const char *criteria = kh_json_str(j, "criteria");
	enum kh_err r;

	if (criteria == NULL)
		return bad(diag, "cpeMatch.criteria", KH_MSG("missing", "bị thiếu"));
	if ((m = feeds_grow(&node->matches, &node->n_matches, sizeof(*m))) == NULL)
		return KH_ENOMEM;
	m->vulnerable = json_is_true(json_object_get(j, "vulnerable"));
	if ((r = kh_cpe_parse(criteria, &m->cpe, diag)) != KH_OK)
		return r;
	if ((r = feeds_dup_str(j, "criteria", &m->criteria)) != KH_OK ||
	    (r = feeds_dup_str(j, "matchCriteriaId", &m->match_id)) != KH_OK ||
	    (r = feeds_dup_str(j, "versionStartIncluding", &m->version_start_including)) != KH_OK ||
	    (r = feeds_dup_str(j, "versionStartExcluding", &m->version_start_excluding)) != KH_OK ||
	    (r = feeds_dup_str(j, "versionEndIncluding", &m->version_end_including)) != KH_OK ||
	    (r = feeds_dup_str(j, "versionEndExcluding", &m->version_end_excluding)) != KH_OK)
		return r;
	return KH_OK;
}

static enum kh_err
config_nodes(const json_t *cj, struct kh_cpe_config *cfg, struct kh_diag *diag)
{
	const json_t *nodes = json_object_get(cj, "nodes");
	enum kh_err r;
	size_t i, k;
	json_t *nj, *mj;

	if (!json_is_array(nodes))
		return bad(diag, "configurations[].nodes", KH_MSG("not an array", "không phải mảng"));
	json_array_foreach(nodes, i, nj) {
		struct kh_cpe_node *node = feeds_grow(&cfg->nodes, &cfg->n_nodes, sizeof(*node));
		if (node == NULL)
			return KH_ENOMEM;
		if ((r = parse_op(nj, &node->op, diag)) != KH_OK)
			return r;
		node->negate = json_is_true(json_object_get(nj, "negate"));
		json_array_foreach(json_object_get(nj, "cpeMatch"), k, mj)
			if ((r = cpe_match(mj, node, diag)) != KH_OK)
				return r;
	}
	return KH_OK;
}

static enum kh_err
configurations(const json_t *cve, struct kh_feeds_advisory *adv, struct kh_diag *diag)
{
	const json_t *list = json_object_get(cve, "configurations");
	enum kh_err r;
	size_t i;
	json_t *cj;

	if (list != NULL && !json_is_array(list))
		return bad(diag, "configurations", KH_MSG("not an array", "không phải mảng"));
	json_array_foreach(list, i, cj) {
		struct kh_cpe_config *cfg = feeds_grow(&adv->configs.items, &adv->configs.n,
		                                       sizeof(*cfg));
		if (cfg == NULL)
			return KH_ENOMEM;
		if ((r = parse_op(cj, &cfg->op, diag)) != KH_OK)
			return r;
		cfg->negate = json_is_true(json_object_get(cj, "negate"));
		if ((r = config_nodes(cj, cfg, diag)) != KH_OK)
			return r;
	}
	return KH_OK;
}

enum kh_err
feeds_nvd_record(const json_t *rec, struct kh_feeds_advisory **out, struct kh_diag *diag)
{
	struct kh_feeds_advisory *adv = NULL;
	const char *id = kh_json_str(rec, "id"), *status = kh_json_str(rec, "vulnStatus");
	enum kh_err r;

	*out = NULL;
	if (!feeds_is_cve(id))
		return bad(diag, "cve.id", KH_MSG("missing or not a CVE id", "thiếu hoặc không phải mã CVE"));
	if ((adv = kh_feeds_advisory_new(KH_FEEDS_NVD)) == NULL)
		return KH_ENOMEM;
	adv->withdrawn = status != NULL && strcmp(status, "Rejected") == 0;
	/* NVD copies KEV's facts into cisaExploitAdd / cisaActionDue */
	if ((adv->id = kh_strdup(id)) == NULL || (adv->source = kh_strdup("nvd")) == NULL ||
	    (r = feeds_strv_add(&adv->cves, &adv->n_cves, id)) != KH_OK ||
	    (r = feeds_dup_str(rec, "published", &adv->published)) != KH_OK ||
	    (r = feeds_dup_str(rec, "lastModified", &adv->modified)) != KH_OK ||
	    (r = feeds_dup_str(rec, "cisaVulnerabilityName", &adv->title)) != KH_OK ||
	    (r = descriptions(rec, adv)) != KH_OK || (r = metrics(rec, adv)) != KH_OK ||
	    (r = weaknesses(rec, adv)) != KH_OK) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((r = configurations(rec, adv, diag)) != KH_OK)
		goto out;
	*out = adv;
	adv = NULL;
 out:
	kh_feeds_advisory_free(adv);
	return r;
}

enum kh_err
feeds_nvd_split(struct feeds_run *run, const json_t *doc, struct kh_diag *diag)
{
	const json_t *list = json_object_get(doc, "vulnerabilities");
	enum kh_err r;
	size_t i;
	json_t *v;

	if (json_is_string(json_object_get(doc, "id")))
		return feeds_run_record(run, doc, 1); /* a bare "cve" object */
	if (json_is_object(json_object_get(doc, "cve")))
		return feeds_run_record(run, json_object_get(doc, "cve"), 1);
	if (!json_is_array(list))
		return kh_diag_set(diag, KH_EFORMAT, run->what, 0, "%s",
		                   KH_MSG("not an NVD CVE API 2.0 document",
		                          "không phải tài liệu NVD CVE API 2.0"));
	json_array_foreach(list, i, v) {
		const json_t *cve = json_object_get(v, "cve");
		if ((r = feeds_run_record(run, cve != NULL ? cve : v, i + 1)) != KH_OK)
			return r;
	}
	return KH_OK;
}
