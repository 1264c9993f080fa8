/*
 * match.c — inventories and registry assets against the advisory index:
 * every rule keyed by a package's names or an asset's CPE vendor:product
 * is decided, and each affecting rule becomes one finding per CVE.
 */
#include <string.h>

#include "khien/inventory.h"
#include "vuln_int.h"

/* ---- facts and decision ---------------------------------------------------- */

static enum kh_err
dup_opt(char **dst, const char *s)
{
	if (s == NULL || *dst != NULL)
		return KH_OK;
	return (*dst = kh_strdup(s)) != NULL ? KH_OK : KH_ENOMEM;
}

enum kh_err
vuln_finding_decide(const struct kh_vuln_db *db,
                    const struct kh_vuln_match_options *opts, const char *unit,
                    struct kh_vuln_finding *f)
{
	const struct kh_vuln_cve_info *info = kh_vuln_db_cve(db, f->cve);
	struct kh_vuln_policy defaults;
	struct kh_vuln_facts facts = { .epss = -1, .cvss_score = -1 };
	enum kh_err r = KH_OK;

	f->cvss_score = f->epss = f->epss_percentile = -1;
	if (info != NULL) {
		facts.kev = f->kev = info->kev;
		facts.ransomware = f->ransomware = info->ransomware;
		facts.kev_due_date = info->kev_due_date;
		facts.warned = f->warned = info->warning_id != NULL;
		facts.warning_deadline = info->warning_deadline;
		facts.epss = f->epss = info->epss;
		f->epss_percentile = info->epss_percentile;
		facts.cvss_score = f->cvss_score = info->cvss_score;
		facts.published = info->published;
		if ((r = dup_opt(&f->cvss_version, info->cvss_version)) == KH_OK &&
		    (r = dup_opt(&f->cvss_vector, info->cvss_vector)) == KH_OK &&
		    (r = dup_opt(&f->summary, info->summary)) == KH_OK && info->kev)
			r = kh_vuln_finding_add_source(f, "cisa-kev");
		/* The warning is named in `warnings`; it is a source only when a
		 * rule of it matched ("warning:<number>"). */
		if (r == KH_OK && info->warning_id != NULL) {
			f->warnings = kh_calloc(1, sizeof(char *));
			if (f->warnings == NULL || (f->warnings[0] = kh_strdup(info->warning_id)) == NULL)
				r = KH_ENOMEM;
			else
				f->n_warnings = 1;
		}
	}
	if (opts->policy == NULL) {
		kh_vuln_policy_init(&defaults);
		kh_vuln_policy_decide(&defaults, unit, &facts, opts->today, &f->decision);
	} else {
		kh_vuln_policy_decide(opts->policy, unit, &facts, opts->today, &f->decision);
	}
	return r;
}

/* "osv:DSA-5678-1", or only "debian-tracker" when the advisory is the CVE. */
static enum kh_err
add_rule_source(struct kh_vuln_finding *f, const char *source, const char *advisory,
                const char *cve)
{
	char name[256];

	if (source == NULL)
		source = "advisory";
	if (strcmp(advisory, cve) == 0)
		return kh_vuln_finding_add_source(f, source);
	if (kh_snprintf(name, sizeof(name), "%s:%s", source, advisory) != KH_OK)
		return kh_vuln_finding_add_source(f, source);
	return kh_vuln_finding_add_source(f, name);
}

/* What a finding is about, before the CVE is filled in. */
struct target {
	enum kh_vuln_target_kind kind;
	const char *name, *version, *source, *ecosystem, *unit;
};

static enum kh_err
emit(const struct kh_vuln_db *db, const struct kh_vuln_match_options *opts,
     const struct target *t, const char *cve, const char *source,
     const char *advisory, const char *fixed, struct kh_vuln_findings *fs)
{
	struct kh_vuln_finding f;
	enum kh_err r;

	memset(&f, 0, sizeof(f));
	f.kind = t->kind;
	if ((r = dup_opt(&f.cve, cve)) != KH_OK || (r = dup_opt(&f.target_name, t->name)) != KH_OK ||
	    (r = dup_opt(&f.target_version, t->version)) != KH_OK ||
	    (r = dup_opt(&f.target_source, t->source)) != KH_OK ||
	    (r = dup_opt(&f.ecosystem, t->ecosystem)) != KH_OK ||
	    (r = dup_opt(&f.unit, t->unit)) != KH_OK ||
	    (r = dup_opt(&f.fixed_version, fixed)) != KH_OK ||
	    (r = add_rule_source(&f, source, advisory, cve)) != KH_OK ||
	    (r = vuln_finding_decide(db, opts, t->kind == KH_VULN_TARGET_ASSET ? t->unit
	                                                                       : opts->unit,
	                             &f)) != KH_OK) {
		kh_vuln_finding_cleanup(&f);
		return r;
	}
	return kh_vuln_findings_add(fs, &f);
}

static enum kh_err
emit_all(const struct kh_vuln_db *db, const struct kh_vuln_match_options *opts,
         const struct target *t, const char *const *cves, size_t n_cves,
         const char *source, const char *advisory, const char *fixed,
         struct kh_vuln_findings *fs)
{
	enum kh_err r = KH_OK;

	if (n_cves == 0)
		return emit(db, opts, t, advisory, source, advisory, fixed, fs);
	for (size_t i = 0; i < n_cves && r == KH_OK; i++)
		r = emit(db, opts, t, cves[i], source, advisory, fixed, fs);
	return r;
}

/* ---- packages ---------------------------------------------------------------- */

static enum kh_err
match_name_in(const struct kh_vuln_db *db, const struct kh_vuln_match_options *opts,
              const struct target *t, const char *ecosystem, const char *key,
              const char *version, struct kh_vuln_findings *fs)
{
	const struct kh_vuln_pkg_rule *rule;
	char *fixed = NULL;
	bool affected;
	enum kh_err r = KH_OK;

	for (uint32_t i = vuln_db_pkg_first(db, ecosystem, key);
	     i != VULN_NONE && r == KH_OK; i = db->pkg[i].next) {
		rule = &db->pkg[i].rule;
		r = kh_vuln_pkg_rule_eval(rule, version, &affected, &fixed, NULL, NULL);
		if (r == KH_OK && affected)
			r = emit_all(db, opts, t, rule->cves, rule->n_cves, rule->source,
			             rule->advisory, fixed, fs);
		kh_free(fixed);
		fixed = NULL;
	}
	return r;
}

/* Rules under every name of the ecosystem ("AlmaLinux:9" and "AlmaLinux"). */
static enum kh_err
match_name(const struct kh_vuln_db *db, const struct kh_vuln_match_options *opts,
           const struct target *t, const char *key, const char *version,
           struct kh_vuln_findings *fs)
{
	char aliases[VULN_ECOSYSTEM_ALIASES][VULN_ECOSYSTEM_MAX];
	size_t n = vuln_ecosystem_aliases(t->ecosystem, aliases, VULN_ECOSYSTEM_ALIASES);
	enum kh_err r = KH_OK;

	for (size_t i = 0; i < n && r == KH_OK; i++)
		r = match_name_in(db, opts, t, aliases[i], key, version, fs);
	return r;
}

/*
 * Debian's tracker, DSAs and Alpine's secdb name source packages and their
 * versions; a rule may also name the binary package (national warnings),
 * so both names are looked up and duplicates merge.
 */
static enum kh_err
match_pkg(const struct kh_vuln_db *db, const struct kh_vuln_match_options *opts,
          const char *ecosystem, const struct kh_inventory_pkg *p,
          struct kh_vuln_findings *fs)
{
	struct target t = { KH_VULN_TARGET_PACKAGE, p->name, p->version, p->source,
		            ecosystem, NULL };
	const char *src_version = p->source_version ? p->source_version : p->version;
	enum kh_err r = KH_OK;

	if (p->name == NULL || p->version == NULL)
		return KH_OK;
	if (p->source != NULL)
		r = match_name(db, opts, &t, p->source, src_version, fs);
	if (r == KH_OK && (p->source == NULL || strcmp(p->source, p->name) != 0))
		r = match_name(db, opts, &t, p->name, p->version, fs);
	if (r != KH_OK && r != KH_ENOMEM) {
		kh_log_warn(KH_MSG("%s %s: version not understood, package skipped",
		                   "%s %s: không đọc được phiên bản, bỏ qua gói"),
		            p->name, p->version);
		r = KH_OK;
	}
	return r;
}

static enum kh_err
match_inventory(const struct kh_vuln_db *db, const struct kh_inventory *inv,
                const struct kh_vuln_match_options *opts,
                struct kh_vuln_findings *fs, struct kh_diag *diag)
{
	enum kh_version_scheme scheme;
	char ecosystem[VULN_ECOSYSTEM_MAX];
	enum kh_err r;

	if (inv->n_pkgs == 0)
		return KH_OK;
	if ((r = kh_vuln_ecosystem_of(inv, ecosystem, sizeof(ecosystem), &scheme, diag)) != KH_OK)
		return r;
	for (size_t i = 0; i < inv->n_pkgs; i++)
		if ((r = match_pkg(db, opts, ecosystem, &inv->pkgs[i], fs)) != KH_OK)
			return r;
	return KH_OK;
}

/* ---- assets ------------------------------------------------------------------ */

/*
 * CPE 2.3 formatted string (NISTIR 7695 6.2): "cpe:2.3:part:vendor:product:…";
 * a ':' escaped as "\:" belongs to the value.
 */
bool
vuln_cpe_key(const char *cpe, char *out, size_t out_size)
{
	size_t field = 0, n = 0;

	if (strncmp(cpe, "cpe:2.3:", 8) != 0)
		return false;
	for (const char *p = cpe + 8; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			if (field >= 1 && n + 2 < out_size) {
				out[n++] = p[0];
				out[n++] = p[1];
			}
			p++;
			continue;
		}
		if (*p == ':' && ++field == 3)
			break;
		if (*p == ':' && field == 1)
			continue; /* the colon after the part */
		if (field >= 1 && n + 1 < out_size)
			out[n++] = *p;
		else if (field >= 1)
			return false;
	}
	out[n] = '\0';
	return field == 3;
}

/*
 * The CPE names of the system an asset is on: its own first, then those of
 * the unit's other assets at the same address (an application's OS). At
 * most max names; the registry is small, so a scan per asset is fine.
 */
size_t
vuln_asset_cpes(const struct kh_asset_list *assets, size_t self, const char **cpes,
                size_t max)
{
	const struct kh_asset *a = &assets->items[self], *o;
	size_t n = 0;

	cpes[n++] = a->cpe;
	if (a->address == NULL || a->address[0] == '\0')
		return n;
	for (size_t i = 0; i < assets->n && n < max; i++) {
		o = &assets->items[i];
		if (i != self && o->cpe != NULL && o->address != NULL &&
		    strcmp(o->address, a->address) == 0 && o->unit != NULL && a->unit != NULL &&
		    strcmp(o->unit, a->unit) == 0)
			cpes[n++] = o->cpe;
	}
	return n;
}

static enum kh_err
match_asset(const struct kh_vuln_db *db, const struct kh_vuln_match_options *opts,
            const struct kh_asset_list *assets, size_t idx, struct kh_vuln_findings *fs)
{
	const struct kh_asset *a = &assets->items[idx];
	struct target t = { KH_VULN_TARGET_ASSET, a->name, a->version, a->cpe, NULL, a->unit };
	const struct kh_vuln_cpe_rule *rule;
	const char *cpes[VULN_MAX_SYSTEM_CPES];
	char key[512], *fixed = NULL;
	size_t n_cpes;
	bool affected;
	enum kh_err r = KH_OK;

	if (a->cpe == NULL || !vuln_cpe_key(a->cpe, key, sizeof(key)))
		return KH_OK;
	n_cpes = vuln_asset_cpes(assets, idx, cpes, VULN_MAX_SYSTEM_CPES);
	for (uint32_t l = vuln_db_cpe_first(db, key); l != VULN_NONE && r == KH_OK;
	     l = db->links[l].next) {
		rule = &db->cpe[db->links[l].rule];
		affected = false;
		r = rule->eval(rule->ctx, cpes, n_cpes, &affected, &fixed, NULL);
		if (r == KH_OK && affected)
			r = emit_all(db, opts, &t, rule->cves, rule->n_cves, rule->source,
			             rule->advisory, fixed ? fixed : rule->fixed_version, fs);
		kh_free(fixed);
		fixed = NULL;
	}
	return r;
}

enum kh_err
kh_vuln_match(const struct kh_vuln_db *db, const struct kh_inventory *inv,
              const struct kh_asset_list *assets,
              const struct kh_vuln_match_options *opts_in,
              struct kh_vuln_findings *fs, struct kh_diag *diag)
{
	struct kh_vuln_match_options opts = { 0 };
	enum kh_err r = KH_OK;

	if (opts_in != NULL)
		opts = *opts_in;
	if (opts.today == 0)
		opts.today = time(NULL);
	if (inv != NULL && (r = match_inventory(db, inv, &opts, fs, diag)) != KH_OK)
		return r;
	for (size_t i = 0; assets != NULL && i < assets->n && r == KH_OK; i++)
		r = match_asset(db, &opts, assets, i, fs);
	kh_vuln_findings_sort(fs);
	return r;
}
