/*
 * vuln_load.c — the advisory index filled from the feeds store: OSV and
 * Debian tracker entries become package rules, NVD configurations and CSAF
 * product statuses become asset rules (decided by the feeds module's CPE
 * matching), KEV, EPSS, NVD metrics and national warnings become CVE facts.
 */
#include <string.h>

#include "khien/feeds.h"
#include "khien/store.h"
#include "vuln_int.h"

struct loader {
	struct kh_vuln_db *db;
	size_t n_unsupported; /* affected entries of ecosystems we cannot order */
};

static void
adv_free(void *p)
{
	kh_feeds_advisory_free(p);
}

/* ---- CVE facts ----------------------------------------------------------- */

static enum kh_err
add_facts(struct loader *l, const struct kh_feeds_advisory *adv, const char *cve)
{
	const struct kh_feeds_cvss *cvss = kh_feeds_advisory_best_cvss(adv);
	struct kh_vuln_cve_info info = { .cve = cve, .cvss_score = -1, .epss = -1,
		                         .epss_percentile = -1 };

	if (cvss != NULL && cvss->score >= 0) {
		info.cvss_score = cvss->score;
		info.cvss_version = cvss->version;
		info.cvss_vector = cvss->vector;
	}
	info.kev = adv->kev;
	info.ransomware = adv->kev && adv->ransomware;
	info.kev_due_date = adv->kev ? adv->kev_due_date : NULL;
	if (adv->kind == KH_FEEDS_WARNING) {
		info.warning_id = adv->id;
		info.warning_deadline = adv->deadline;
	}
	/* KEV's dateAdded is not the advisory date; the others' published is. */
	if (adv->kind != KH_FEEDS_KEV && adv->kind != KH_FEEDS_EPSS)
		info.published = adv->published;
	info.summary = adv->summary != NULL ? adv->summary : adv->title;
	return kh_vuln_db_add_cve_info(l->db, &info);
}

static enum kh_err
add_all_facts(struct loader *l, const struct kh_feeds_advisory *adv)
{
	enum kh_err r = KH_OK;

	if (adv->n_cves == 0)
		return add_facts(l, adv, adv->id);
	for (size_t i = 0; i < adv->n_cves && r == KH_OK; i++)
		r = add_facts(l, adv, adv->cves[i]);
	return r;
}

/* ---- package rules ------------------------------------------------------- */

/*
 * The ecosystem a rule is filed under: the advisory's, except that the
 * Debian tracker names releases by codename ("bookworm" → "Debian:12").
 */
static bool
rule_ecosystem(const struct kh_feeds_affected *aff, char *out, size_t out_size)
{
	const char *release;

	if (aff->ecosystem != NULL && strchr(aff->ecosystem, ':') != NULL)
		return kh_strlcpy(out, aff->ecosystem, out_size) < out_size;
	if (aff->release != NULL && (aff->ecosystem == NULL ||
	                             strcmp(aff->ecosystem, "Debian") == 0)) {
		release = kh_vuln_debian_release(aff->release);
		if (release == NULL)
			release = aff->release; /* already a number, or "sid" */
		return kh_snprintf(out, out_size, "Debian:%s", release) == KH_OK;
	}
	return aff->ecosystem != NULL && kh_strlcpy(out, aff->ecosystem, out_size) < out_size;
}

/*
 * Debian tracker: resolved with fixed_version X → [introduced 0, fixed X]
 * (X = "0": never affected); open / undetermined → every version;
 * anything else (not-affected) → no range.
 */
static size_t
tracker_events(const struct kh_feeds_affected *aff, struct kh_vuln_event ev[2])
{
	ev[0].kind = KH_VULN_EV_INTRODUCED;
	ev[0].version = "0";
	if (aff->fixed_version != NULL && aff->fixed_version[0] != '\0') {
		ev[1].kind = KH_VULN_EV_FIXED;
		ev[1].version = aff->fixed_version;
		return 2;
	}
	if (aff->status != NULL &&
	    (strcmp(aff->status, "open") == 0 || strcmp(aff->status, "undetermined") == 0))
		return 1;
	return 0;
}

static enum kh_err
add_range_rule(struct loader *l, struct kh_vuln_pkg_rule *rule,
               const struct kh_feeds_range *rg)
{
	struct kh_vuln_event ev[64];
	size_t n = 0;
	enum kh_err r = KH_OK;

	if (rg->type != NULL && strcmp(rg->type, "GIT") == 0)
		return KH_OK; /* commit ranges say nothing about package versions */
	if (rg->n_events > sizeof(ev) / sizeof(ev[0]))
		return KH_OK; /* not a range anyone writes; skipped */
	for (size_t i = 0; i < rg->n_events; i++) {
		ev[n].kind = (enum kh_vuln_event_kind)rg->events[i].kind;
		ev[n++].version = rg->events[i].version;
	}
	rule->events = ev;
	rule->n_events = n;
	/* OSV: SEMVER ranges compare as semver whatever the ecosystem. */
	if (rg->type != NULL && strcmp(rg->type, "SEMVER") == 0) {
		enum kh_version_scheme saved = rule->scheme;
		rule->scheme = KH_VERSION_SEMVER;
		r = kh_vuln_db_add_pkg_rule(l->db, rule);
		rule->scheme = saved;
		return r;
	}
	return kh_vuln_db_add_pkg_rule(l->db, rule);
}

/*
 * A national warning about an appliance (docs/feeds.md: ecosystem "cpe",
 * package "vendor:product"): the asset's CPE version against the
 * warning's ranges, in the generic order.
 */
static enum kh_err
eval_warning_cpe(const void *ctx, const char *const *cpes, size_t n_cpes, bool *affected,
                 char **fixed, struct kh_buf *why)
{
	const struct kh_feeds_affected *aff = ctx;
	const char *fx = NULL;
	struct kh_cpe target;
	char version[256];
	enum kh_err r = KH_OK;

	(void)n_cpes;
	*affected = false;
	*fixed = NULL;
	memset(&target, 0, sizeof(target));
	if (kh_cpe_parse(cpes[0], &target, NULL) != KH_OK ||
	    target.attr[KH_CPE_VERSION].kind != KH_CPE_VALUE ||
	    kh_cpe_attr_plain(&target.attr[KH_CPE_VERSION], version, sizeof(version)) != KH_OK) {
		kh_cpe_cleanup(&target);
		return why ? kh_buf_append_str(why, KH_MSG("the asset's CPE names no version",
		                                           "CPE của thiết bị không có phiên bản"))
		           : KH_OK;
	}
	kh_cpe_cleanup(&target);
	if (aff->n_ranges == 0 && aff->n_versions == 0) {
		/* A warning naming the product without versions: every version. */
		*affected = true;
		return why ? kh_buf_append_str(why, KH_MSG("the warning names no versions → affected",
		                                           "cảnh báo không nêu phiên bản → bị ảnh hưởng"))
		           : KH_OK;
	}
	if (kh_feeds_affected_eval(aff, KH_VERSION_GENERIC, version, affected, &fx, why,
	                           NULL) != KH_OK)
		*affected = false;
	if (*affected && fx != NULL && (*fixed = kh_strdup(fx)) == NULL)
		r = KH_ENOMEM;
	return r;
}

static enum kh_err
add_warning_cpe(struct loader *l, const struct kh_feeds_advisory *adv,
                const struct kh_feeds_affected *aff)
{
	const char *keys[1] = { aff->package };
	struct kh_vuln_cpe_rule rule = { .advisory = adv->id, .source = "warning",
		                         .cves = (const char *const *)adv->cves,
		                         .n_cves = adv->n_cves, .keys = keys, .n_keys = 1,
		                         .fixed_version = aff->fixed_version,
		                         .eval = eval_warning_cpe, .ctx = aff };

	return kh_vuln_db_add_cpe_rule(l->db, &rule);
}

static enum kh_err
add_affected(struct loader *l, const struct kh_feeds_advisory *adv,
             const struct kh_feeds_affected *aff)
{
	struct kh_vuln_pkg_rule rule = { 0 };
	struct kh_vuln_event ev[2];
	char ecosystem[VULN_ECOSYSTEM_MAX];
	enum kh_err r = KH_OK;

	if (aff->package == NULL || !rule_ecosystem(aff, ecosystem, sizeof(ecosystem)))
		return KH_OK;
	if (strcmp(ecosystem, "cpe") == 0)
		return add_warning_cpe(l, adv, aff);
	if (kh_feeds_ecosystem_scheme(ecosystem, &rule.scheme) != KH_OK) {
		l->n_unsupported++;
		return KH_OK;
	}
	rule.ecosystem = ecosystem;
	rule.package = aff->package;
	rule.advisory = adv->id;
	rule.source = adv->kind == KH_FEEDS_WARNING ? "warning" : kh_feeds_kind_name(adv->kind);
	rule.cves = (const char *const *)adv->cves;
	rule.n_cves = adv->n_cves;
	rule.status = aff->status;
	/* A tracker entry is about one CVE: show only "debian-tracker". */
	if (adv->kind == KH_FEEDS_DEBIAN && adv->n_cves == 1)
		rule.advisory = adv->cves[0];
	if (adv->kind == KH_FEEDS_DEBIAN && aff->n_ranges == 0) {
		rule.events = ev;
		rule.n_events = tracker_events(aff, ev);
		return kh_vuln_db_add_pkg_rule(l->db, &rule);
	}
	if (adv->kind == KH_FEEDS_WARNING && aff->n_ranges == 0 && aff->n_versions == 0) {
		/* A warning naming a package without versions: every version. */
		ev[0].kind = KH_VULN_EV_INTRODUCED;
		ev[0].version = "0";
		rule.events = ev;
		rule.n_events = 1;
		return kh_vuln_db_add_pkg_rule(l->db, &rule);
	}
	for (size_t i = 0; i < aff->n_ranges && r == KH_OK; i++)
		r = add_range_rule(l, &rule, &aff->ranges[i]);
	if (r == KH_OK && aff->n_versions > 0) {
		rule.events = NULL;
		rule.n_events = 0;
		rule.versions = (const char *const *)aff->versions;
		rule.n_versions = aff->n_versions;
		r = kh_vuln_db_add_pkg_rule(l->db, &rule);
	}
	return r;
}

/* ---- NVD configurations ------------------------------------------------- */

/*
 * Parses the system's CPE names: 0 when the asset's own (the first) does
 * not parse; a neighbour's that does not parse is left out.
 */
static size_t
parse_targets(const char *const *cpes, size_t n_cpes, struct kh_cpe *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < n_cpes && n < max; i++) {
		memset(&out[n], 0, sizeof(out[n]));
		if (kh_cpe_parse(cpes[i], &out[n], NULL) == KH_OK)
			n++;
		else if (kh_cpe_cleanup(&out[n]), i == 0)
			return 0;
	}
	return n;
}

static enum kh_err
eval_nvd(const void *ctx, const char *const *cpes, size_t n_cpes, bool *affected,
         char **fixed, struct kh_buf *why)
{
	const struct kh_feeds_advisory *adv = ctx;
	struct kh_cpe targets[VULN_MAX_SYSTEM_CPES];
	struct kh_cpe_eval_result res;
	size_t n = parse_targets(cpes, n_cpes, targets, VULN_MAX_SYSTEM_CPES);
	enum kh_err r;

	*affected = false;
	*fixed = NULL;
	if (n == 0)
		return why ? kh_buf_append_str(why, KH_MSG("the asset's CPE name does not parse",
		                                           "tên CPE của thiết bị không hợp lệ"))
		           : KH_OK;
	memset(&res, 0, sizeof(res));
	if (why != NULL)
		r = kh_cpe_config_eval_text(&adv->configs, targets, n, &res, why, NULL);
	else
		r = kh_cpe_config_eval(&adv->configs, targets, n, NULL, NULL, &res, NULL);
	/* Vulnerable through the asset itself, not a neighbour at its address. */
	if (r == KH_OK && res.vulnerable && res.target == 0) {
		*affected = true;
		if (res.fixed_version != NULL && (*fixed = kh_strdup(res.fixed_version)) == NULL)
			r = KH_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		kh_cpe_cleanup(&targets[i]);
	return r == KH_ENOMEM ? r : KH_OK;
}

static void
free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kh_free(v[i]);
	kh_free(v);
}

static enum kh_err
add_nvd(struct loader *l, const struct kh_feeds_advisory *adv)
{
	struct kh_vuln_cpe_rule rule = { 0 };
	const char *cve[1] = { adv->id };
	char **keys = NULL;
	size_t n_keys = 0;
	enum kh_err r;

	if (adv->configs.n == 0 || adv->withdrawn)
		return KH_OK;
	if ((r = kh_cpe_configs_keys(&adv->configs, &keys, &n_keys)) != KH_OK)
		goto out;
	if (n_keys == 0)
		goto out;
	rule.advisory = adv->id;
	rule.source = adv->kind == KH_FEEDS_WARNING ? "warning" : "nvd";
	rule.cves = adv->n_cves > 0 ? (const char *const *)adv->cves : cve;
	rule.n_cves = adv->n_cves > 0 ? adv->n_cves : 1;
	rule.keys = (const char *const *)keys;
	rule.n_keys = n_keys;
	rule.eval = eval_nvd;
	rule.ctx = adv;
	r = kh_vuln_db_add_cpe_rule(l->db, &rule);
out:
	free_strv(keys, n_keys);
	return r;
}

/* ---- CSAF product status -------------------------------------------------- */

/*
 * One CSAF vulnerability: the product statuses of one CVE. The asset is
 * affected when its CPE is matched by the CPE of a product the document
 * lists as affected, and by none it lists as fixed or not affected.
 */
struct csaf_rule {
	const struct kh_feeds_advisory *adv;
	const char *cve;
};

static bool
cpe_covers(const char *product_cpe, const struct kh_cpe *target)
{
	struct kh_cpe p;
	bool hit;

	memset(&p, 0, sizeof(p));
	if (product_cpe == NULL || kh_cpe_parse(product_cpe, &p, NULL) != KH_OK) {
		kh_cpe_cleanup(&p);
		return false;
	}
	hit = kh_cpe_match(&p, target);
	kh_cpe_cleanup(&p);
	return hit;
}

static bool
same_cve(const struct kh_feeds_product_status *ps, const char *cve)
{
	return ps->cve == NULL || cve == NULL || strcmp(ps->cve, cve) == 0;
}

/* The fixed product sharing vendor:product with the asset, for the fix. */
static const struct kh_feeds_product_status *
csaf_fix(const struct csaf_rule *cr, const char *key)
{
	const struct kh_feeds_advisory *adv = cr->adv;
	char k[512];

	for (size_t i = 0; i < adv->n_products; i++) {
		const struct kh_feeds_product_status *ps = &adv->products[i];
		if ((ps->status == KH_FEEDS_ST_FIXED || ps->status == KH_FEEDS_ST_FIRST_FIXED) &&
		    same_cve(ps, cr->cve) && ps->fixed_version != NULL && ps->cpe != NULL &&
		    vuln_cpe_key(ps->cpe, k, sizeof(k)) && strcmp(k, key) == 0)
			return ps;
	}
	return NULL;
}

static enum kh_err
eval_csaf(const void *ctx, const char *const *cpes, size_t n_cpes, bool *affected,
          char **fixed, struct kh_buf *why)
{
	const struct csaf_rule *cr = ctx;
	const struct kh_feeds_product_status *hit = NULL, *clear = NULL, *fix;
	struct kh_cpe target;
	char key[512];
	enum kh_err r = KH_OK;

	(void)n_cpes;
	*affected = false;
	*fixed = NULL;
	memset(&target, 0, sizeof(target));
	if (kh_cpe_parse(cpes[0], &target, NULL) != KH_OK) {
		kh_cpe_cleanup(&target);
		return KH_OK;
	}
	for (size_t i = 0; i < cr->adv->n_products; i++) {
		const struct kh_feeds_product_status *ps = &cr->adv->products[i];
		if (!same_cve(ps, cr->cve) || !cpe_covers(ps->cpe, &target))
			continue;
		if (kh_feeds_status_is_affected(ps->status) && hit == NULL)
			hit = ps;
		else if (!kh_feeds_status_is_affected(ps->status) &&
		         ps->status != KH_FEEDS_ST_UNDER_INVESTIGATION &&
		         ps->status != KH_FEEDS_ST_RECOMMENDED && clear == NULL)
			clear = ps;
	}
	kh_cpe_cleanup(&target);
	*affected = hit != NULL && clear == NULL;
	if (*affected && vuln_cpe_key(cpes[0], key, sizeof(key)) &&
	    (fix = csaf_fix(cr, key)) != NULL && (*fixed = kh_strdup(fix->fixed_version)) == NULL)
		return KH_ENOMEM;
	if (why == NULL)
		return KH_OK;
	if (clear != NULL)
		r = kh_buf_printf(why, KH_MSG("product %s (%s) is %s → not affected",
		                              "sản phẩm %s (%s) ở trạng thái %s → không bị ảnh hưởng"),
		                  clear->product_id, clear->cpe, kh_feeds_status_name(clear->status));
	else if (hit != NULL)
		r = kh_buf_printf(why, KH_MSG("product %s (%s) is %s → affected",
		                              "sản phẩm %s (%s) ở trạng thái %s → bị ảnh hưởng"),
		                  hit->product_id, hit->cpe, kh_feeds_status_name(hit->status));
	else
		r = kh_buf_append_str(why, KH_MSG("no product of the document matches → not affected",
		                                  "không sản phẩm nào của văn bản khớp → không bị ảnh hưởng"));
	return r;
}

/* The distinct CVEs of a CSAF document's statuses (NULL: no CVE named). */
static bool
seen_cve(const struct kh_feeds_advisory *adv, size_t upto, const char *cve)
{
	for (size_t i = 0; i < upto; i++) {
		const char *c = adv->products[i].cve;
		if ((c == NULL && cve == NULL) || (c != NULL && cve != NULL && strcmp(c, cve) == 0))
			return true;
	}
	return false;
}

/* "vendor:product" of every affected product with a CPE, for one CVE. */
static enum kh_err
csaf_keys(const struct kh_feeds_advisory *adv, const char *cve, char ***keys, size_t *n)
{
	char k[512], **grown, *copy;
	bool dup;

	for (size_t i = 0; i < adv->n_products; i++) {
		const struct kh_feeds_product_status *ps = &adv->products[i];
		if (!kh_feeds_status_is_affected(ps->status) || !same_cve(ps, cve) ||
		    ps->cpe == NULL || !vuln_cpe_key(ps->cpe, k, sizeof(k)))
			continue;
		dup = false;
		for (size_t j = 0; j < *n && !dup; j++)
			dup = strcmp((*keys)[j], k) == 0;
		if (dup)
			continue;
		if ((copy = kh_strdup(k)) == NULL)
			return KH_ENOMEM;
		if ((grown = kh_reallocarray(*keys, *n + 1, sizeof(*grown))) == NULL) {
			kh_free(copy);
			return KH_ENOMEM;
		}
		grown[(*n)++] = copy;
		*keys = grown;
	}
	return KH_OK;
}

static enum kh_err
add_csaf_cve(struct loader *l, const struct kh_feeds_advisory *adv, const char *cve)
{
	struct kh_vuln_cpe_rule rule = { 0 };
	struct csaf_rule *cr = NULL;
	const char *cves[1] = { cve };
	char source[256], **keys = NULL;
	size_t n_keys = 0;
	enum kh_err r;

	if ((r = csaf_keys(adv, cve, &keys, &n_keys)) != KH_OK || n_keys == 0)
		goto out;
	if ((cr = kh_calloc(1, sizeof(*cr))) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	cr->adv = adv;
	cr->cve = cve;
	if ((r = kh_vuln_db_adopt(l->db, cr, kh_free)) != KH_OK)
		goto out;
	if (kh_snprintf(source, sizeof(source), "csaf:%s", adv->id) != KH_OK)
		kh_strlcpy(source, "csaf", sizeof(source));
	rule.advisory = adv->id;
	rule.source = source;
	rule.cves = cves;
	rule.n_cves = cve != NULL ? 1 : 0;
	rule.keys = (const char *const *)keys;
	rule.n_keys = n_keys;
	rule.eval = eval_csaf;
	rule.ctx = cr;
	r = kh_vuln_db_add_cpe_rule(l->db, &rule);
out:
	free_strv(keys, n_keys);
	return r;
}

static enum kh_err
add_csaf(struct loader *l, const struct kh_feeds_advisory *adv)
{
	enum kh_err r = KH_OK;

	for (size_t i = 0; i < adv->n_products && r == KH_OK; i++)
		if (!seen_cve(adv, i, adv->products[i].cve))
			r = add_csaf_cve(l, adv, adv->products[i].cve);
	return r;
}

/* ---- one advisory ------------------------------------------------------- */

/* Takes ownership of adv: NVD and CSAF advisories live as long as the db. */
static enum kh_err
load_one(void *ctx, struct kh_feeds_advisory *adv)
{
	struct loader *l = ctx;
	bool keep = adv->kind == KH_FEEDS_NVD || adv->kind == KH_FEEDS_CSAF ||
	            adv->kind == KH_FEEDS_WARNING;
	enum kh_err r;

	if (adv->withdrawn) {
		kh_feeds_advisory_free(adv);
		return KH_OK;
	}
	if (keep && (r = kh_vuln_db_adopt(l->db, adv, adv_free)) != KH_OK)
		return r; /* adv already released */
	r = add_all_facts(l, adv);
	for (size_t i = 0; i < adv->n_affected && r == KH_OK; i++)
		r = add_affected(l, adv, &adv->affected[i]);
	if (r == KH_OK && (adv->kind == KH_FEEDS_NVD || adv->kind == KH_FEEDS_WARNING))
		r = add_nvd(l, adv);
	if (r == KH_OK && adv->kind == KH_FEEDS_CSAF)
		r = add_csaf(l, adv);
	if (!keep)
		kh_feeds_advisory_free(adv);
	return r;
}

static enum kh_err
load_epss(struct loader *l, struct kh_store *st, struct kh_diag *diag)
{
	struct kh_feeds_filter filter = { .kinds = 1u << KH_FEEDS_EPSS, .with_epss = true };
	struct kh_feeds_set set;
	struct kh_vuln_cve_info info;
	enum kh_err r;

	kh_feeds_set_init(&set);
	r = kh_feeds_load(st, &filter, &set, diag);
	for (size_t i = 0; r == KH_OK && i < set.n_epss; i++) {
		memset(&info, 0, sizeof(info));
		info.cve = set.epss[i].cve;
		info.cvss_score = -1;
		info.epss = set.epss[i].epss;
		info.epss_percentile = set.epss[i].percentile;
		r = kh_vuln_db_add_cve_info(l->db, &info);
	}
	kh_feeds_set_cleanup(&set);
	return r;
}

/* Loads advisories of some kinds, optionally for one distribution. */
static enum kh_err
load_kinds(struct loader *l, struct kh_store *st, unsigned kinds, const char *base,
           struct kh_diag *diag)
{
	struct kh_feeds_filter filter = { .kinds = kinds, .ecosystem = base };

	return kh_feeds_foreach(st, &filter, load_one, l, diag);
}

enum kh_err
kh_vuln_db_load_for(struct kh_vuln_db *db, struct kh_store *st, const char *ecosystem,
                    struct kh_diag *diag)
{
	const unsigned pkg_kinds = 1u << KH_FEEDS_OSV | 1u << KH_FEEDS_DEBIAN;
	const unsigned other_kinds = 1u << KH_FEEDS_KEV | 1u << KH_FEEDS_NVD |
	                             1u << KH_FEEDS_CSAF | 1u << KH_FEEDS_WARNING;
	struct loader l = { db, 0 };
	char base[VULN_ECOSYSTEM_MAX] = "";
	enum kh_err r;

	/* "Debian:12" → "Debian": the feeds filter takes a name and its releases. */
	if (ecosystem != NULL) {
		kh_strlcpy(base, ecosystem, sizeof(base));
		base[strcspn(base, ":")] = '\0';
	}
	if ((ecosystem == NULL || base[0] != '\0') &&
	    (r = load_kinds(&l, st, pkg_kinds, ecosystem ? base : NULL, diag)) != KH_OK)
		return r;
	/* Warnings may name packages as well as products: always read whole. */
	if ((r = load_kinds(&l, st, other_kinds, NULL, diag)) != KH_OK)
		return r;
	if ((r = load_epss(&l, st, diag)) != KH_OK)
		return r;
	if (l.n_unsupported > 0)
		kh_log_info(KH_MSG("%zu advisory entries are for ecosystems whose versions "
		                   "cannot be ordered; not matched",
		                   "%zu mục cảnh báo thuộc hệ sinh thái chưa so sánh được "
		                   "phiên bản; không đối chiếu"),
		            l.n_unsupported);
	return KH_OK;
}

enum kh_err
kh_vuln_db_load(struct kh_vuln_db *db, struct kh_store *st, struct kh_diag *diag)
{
	return kh_vuln_db_load_for(db, st, NULL, diag);
}
