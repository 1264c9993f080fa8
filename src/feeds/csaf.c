/*
 * csaf.c — CSAF 2.0 vendor advisories (OASIS CSAF v2.0): tracking data,
 * the product tree (branches, full product names, relationships,
 * identification helpers) and, per vulnerability, product statuses
 * resolved to names/CPE/PURL with the vendor fix that applies.
 */
#include <stdio.h>
#include <string.h>

#include "feeds_int.h"

static enum kh_err
bad(struct kh_diag *diag, const char *field, const char *why)
{
	return kh_diag_set(diag, KH_EFORMAT, NULL, 0, "%s: %s", field, why);
}

/* product_id → {"name","cpe","purl","version"} in a jansson object (a hash). */
static enum kh_err
define(json_t *map, const json_t *fpn, const char *version, const json_t *inherit)
{
	const char *id = kh_json_str(fpn, "product_id");
	const json_t *pih = json_object_get(fpn, "product_identification_helper");
	const char *cpe = kh_json_str(pih, "cpe"), *purl = kh_json_str(pih, "purl");
	json_t *info;

	if (id == NULL)
		return KH_OK; /* CSAF 6.1.1-style problems surface at resolve time */
	if ((info = json_object()) == NULL)
		return KH_ENOMEM;
	if (cpe == NULL && inherit != NULL)
		cpe = kh_json_str(inherit, "cpe");
	if (purl == NULL && inherit != NULL)
		purl = kh_json_str(inherit, "purl");
	if (version == NULL && inherit != NULL)
		version = kh_json_str(inherit, "version");
	if (kh_json_set_str(info, "name", kh_json_str(fpn, "name")) != KH_OK ||
	    kh_json_set_str(info, "cpe", cpe) != KH_OK || kh_json_set_str(info, "purl", purl) != KH_OK ||
	    kh_json_set_str(info, "version", version) != KH_OK) {
		json_decref(info);
		return KH_ENOMEM;
	}
	/* json_object_set_new releases info when it fails */
	return json_object_set_new(map, id, info) == 0 ? KH_OK : KH_ENOMEM;
}

/* CSAF §3.1.2: branches nest; a product_version branch names the version. */
static enum kh_err
walk_branches(json_t *map, const json_t *branches, const char *version, int depth,
              struct kh_diag *diag)
{
	enum kh_err r;
	size_t i;
	json_t *b;

	if (depth > 30)
		return bad(diag, "product_tree.branches", KH_MSG("nested too deeply", "lồng quá sâu"));
	json_array_foreach(branches, i, b) {
		const char *cat = kh_json_str(b, "category"), *name = kh_json_str(b, "name");
		const char *v = cat != NULL && strcmp(cat, "product_version") == 0 ? name : version;
		const json_t *product = json_object_get(b, "product");
		if (product != NULL && (r = define(map, product, v, NULL)) != KH_OK)
			return r;
		if ((r = walk_branches(map, json_object_get(b, "branches"), v, depth + 1, diag)) != KH_OK)
			return r;
	}
	return KH_OK;
}

static enum kh_err
product_map(const json_t *tree, json_t *map, struct kh_diag *diag)
{
	enum kh_err r;
	size_t i;
	json_t *p;

	if ((r = walk_branches(map, json_object_get(tree, "branches"), NULL, 0, diag)) != KH_OK)
		return r;
	json_array_foreach(json_object_get(tree, "full_product_names"), i, p)
		if ((r = define(map, p, NULL, NULL)) != KH_OK)
			return r;
	/* "X as a component of / installed on Y": the new product inherits X's helpers */
	json_array_foreach(json_object_get(tree, "relationships"), i, p) {
		const char *ref = kh_json_str(p, "product_reference");
		const json_t *fpn = json_object_get(p, "full_product_name");
		if (fpn != NULL &&
		    (r = define(map, fpn, NULL, ref != NULL ? json_object_get(map, ref) : NULL)) != KH_OK)
			return r;
	}
	return KH_OK;
}

static const char *const status_keys[KH_FEEDS_ST_COUNT_] = {
	"known_affected", "first_affected", "last_affected", "fixed", "first_fixed",
	"known_not_affected", "recommended", "under_investigation",
};

/* The vendor_fix remediation naming product_id, or NULL. */
static const json_t *
vendor_fix(const json_t *vuln, const char *product_id)
{
	size_t i, j;
	json_t *rem, *pid;

	json_array_foreach(json_object_get(vuln, "remediations"), i, rem) {
		const char *cat = kh_json_str(rem, "category");
		if (cat == NULL || strcmp(cat, "vendor_fix") != 0)
			continue;
		json_array_foreach(json_object_get(rem, "product_ids"), j, pid)
			if (json_is_string(pid) && strcmp(json_string_value(pid), product_id) == 0)
				return rem;
	}
	return NULL;
}

static enum kh_err
add_status(struct kh_feeds_advisory *adv, const json_t *map, const json_t *vuln,
           const char *cve, const char *pid, enum kh_feeds_status st, struct kh_diag *diag)
{
	const json_t *info = json_object_get(map, pid), *fix = vendor_fix(vuln, pid);
	struct kh_feeds_product_status *p;
	enum kh_err r;

	/* CSAF 6.1.1: every product id used must be defined in the product tree */
	if (info == NULL)
		return kh_diag_set(diag, KH_EFORMAT, NULL, 0,
		                   KH_MSG("product_status: product id '%s' is not defined in the product tree (CSAF 6.1.1)",
		                          "product_status: mã sản phẩm '%s' không được định nghĩa trong product_tree (CSAF 6.1.1)"),
		                   pid);
	if ((p = feeds_grow(&adv->products, &adv->n_products, sizeof(*p))) == NULL)
		return KH_ENOMEM;
	p->status = st;
	if ((cve != NULL && (p->cve = kh_strdup(cve)) == NULL) || (p->product_id = kh_strdup(pid)) == NULL)
		return KH_ENOMEM;
	if ((r = feeds_dup_str(info, "name", &p->name)) != KH_OK ||
	    (r = feeds_dup_str(info, "cpe", &p->cpe)) != KH_OK ||
	    (r = feeds_dup_str(info, "purl", &p->purl)) != KH_OK ||
	    (r = feeds_dup_str(fix, "url", &p->fix_url)) != KH_OK ||
	    (r = feeds_dup_str(fix, "details", &p->fix_details)) != KH_OK)
		return r;
	if (st == KH_FEEDS_ST_FIXED || st == KH_FEEDS_ST_FIRST_FIXED)
		return feeds_dup_str(info, "version", &p->fixed_version);
	return KH_OK;
}

static enum kh_err
scores(const json_t *vuln, struct kh_feeds_advisory *adv)
{
	static const char *const keys[] = { "cvss_v3", "cvss_v2" };
	size_t i;
	json_t *s;
	enum kh_err r;

	json_array_foreach(json_object_get(vuln, "scores"), i, s)
		for (size_t k = 0; k < 2; k++) {
			const json_t *c = json_object_get(s, keys[k]);
			struct kh_feeds_cvss *m;
			if (!json_is_object(c))
				continue;
			if ((m = feeds_grow(&adv->cvss, &adv->n_cvss, sizeof(*m))) == NULL)
				return KH_ENOMEM;
			m->primary = true;
			if (!feeds_json_number(json_object_get(c, "baseScore"), &m->score) || m->score < 0 ||
			    m->score > 10)
				m->score = -1;
			if ((r = feeds_dup_str(c, "version", &m->version)) != KH_OK ||
			    (r = feeds_dup_str(c, "vectorString", &m->vector)) != KH_OK ||
			    (r = feeds_dup_str(c, "baseSeverity", &m->severity)) != KH_OK)
				return r;
		}
	return KH_OK;
}

static enum kh_err
vulnerability(const json_t *vuln, const json_t *map, struct kh_feeds_advisory *adv,
              struct kh_diag *diag)
{
	const char *cve = kh_json_str(vuln, "cve"), *cwe = kh_json_str(json_object_get(vuln, "cwe"), "id");
	const json_t *ps = json_object_get(vuln, "product_status");
	enum kh_err r;

	if (cve != NULL && (r = feeds_strv_add(&adv->cves, &adv->n_cves, cve)) != KH_OK)
		return r;
	if (cwe != NULL && (r = feeds_strv_add(&adv->cwes, &adv->n_cwes, cwe)) != KH_OK)
		return r;
	if ((r = scores(vuln, adv)) != KH_OK)
		return r;
	for (size_t k = 0; k < KH_FEEDS_ST_COUNT_; k++) {
		size_t i;
		json_t *pid;
		json_array_foreach(json_object_get(ps, status_keys[k]), i, pid) {
			if (!json_is_string(pid))
				return bad(diag, "product_status", KH_MSG("a product id is not a string",
				                                          "mã sản phẩm không phải chuỗi"));
			if ((r = add_status(adv, map, vuln, cve, json_string_value(pid),
			                    (enum kh_feeds_status)k, diag)) != KH_OK)
				return r;
		}
	}
	return KH_OK;
}

/* CSAF §3.2.1: the fields every document has, which we need to keep it. */
static enum kh_err
document(const json_t *doc, struct kh_feeds_advisory *adv, struct kh_diag *diag)
{
	const json_t *d = json_object_get(doc, "document"), *tr = json_object_get(d, "tracking");
	const char *ver = kh_json_str(d, "csaf_version"), *id = kh_json_str(tr, "id");
	const char *publisher = kh_json_str(json_object_get(d, "publisher"), "name");
	char source[300];
	enum kh_err r;

	if (ver == NULL || strcmp(ver, "2.0") != 0)
		return bad(diag, "document.csaf_version", KH_MSG("must be \"2.0\"", "phải là \"2.0\""));
	if (id == NULL || id[0] == '\0')
		return bad(diag, "document.tracking.id", KH_MSG("missing", "bị thiếu"));
	if (publisher == NULL)
		return bad(diag, "document.publisher.name", KH_MSG("missing", "bị thiếu"));
	snprintf(source, sizeof(source), "csaf:%s", publisher);
	if ((adv->id = kh_strdup(id)) == NULL || (adv->source = kh_strdup(source)) == NULL)
		return KH_ENOMEM;
	if ((r = feeds_dup_str(d, "title", &adv->title)) != KH_OK ||
	    (r = feeds_dup_str(tr, "initial_release_date", &adv->published)) != KH_OK ||
	    (r = feeds_dup_str(tr, "current_release_date", &adv->modified)) != KH_OK ||
	    (r = feeds_dup_str(tr, "version", &adv->tracking_version)) != KH_OK ||
	    (r = feeds_dup_str(tr, "status", &adv->tracking_status)) != KH_OK)
		return r;
	return KH_OK;
}

static enum kh_err
summary(const json_t *doc, struct kh_feeds_advisory *adv)
{
	size_t i;
	json_t *n;

	json_array_foreach(json_object_get(json_object_get(doc, "document"), "notes"), i, n) {
		const char *cat = kh_json_str(n, "category");
		if (cat != NULL && (strcmp(cat, "summary") == 0 || strcmp(cat, "description") == 0))
			return feeds_dup_str(n, "text", &adv->summary);
	}
	return KH_OK;
}

enum kh_err
feeds_csaf_record(const json_t *doc, struct kh_feeds_advisory **out, struct kh_diag *diag)
{
	struct kh_feeds_advisory *adv = NULL;
	const json_t *vulns = json_object_get(doc, "vulnerabilities");
	json_t *map = NULL, *v;
	enum kh_err r;
	size_t i;

	*out = NULL;
	if (!json_is_object(doc))
		return bad(diag, "document", KH_MSG("not an object", "không phải đối tượng"));
	if ((adv = kh_feeds_advisory_new(KH_FEEDS_CSAF)) == NULL || (map = json_object()) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((r = document(doc, adv, diag)) != KH_OK || (r = summary(doc, adv)) != KH_OK ||
	    (r = product_map(json_object_get(doc, "product_tree"), map, diag)) != KH_OK)
		goto out;
	if (vulns != NULL && !json_is_array(vulns)) {
		r = bad(diag, "vulnerabilities", KH_MSG("not an array", "không phải mảng"));
		goto out;
	}
	json_array_foreach(vulns, i, v)
		if ((r = vulnerability(v, map, adv, diag)) != KH_OK)
			goto out;
	*out = adv;
	adv = NULL;
 out:
	json_decref(map);
	kh_feeds_advisory_free(adv);
	return r;
}

enum kh_err
feeds_csaf_split(struct feeds_run *run, const json_t *doc, struct kh_diag *diag)
{
	(void)diag;
	return feeds_run_record(run, doc, 1);
}
