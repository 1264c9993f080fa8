/*
 * explain.c — `khien vuln explain CVE`: every rule the advisories hold about
 * one CVE, decided against every target with the range or node that
 * decided, so a person can trust or challenge a finding.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "khien/inventory.h"
#include "vuln_int.h"

/* One decision: which rule, which target, the verdict and its reason. */
struct verdict {
	const char *advisory, *source, *scope; /* scope: ecosystem or CPE keys */
	const char *target, *version;
	bool applies;   /* the target is in the rule's scope */
	bool affected;
	char *fixed;
	const char *why;
};

struct explain {
	json_t *rules;        /* JSON mode */
	struct kh_buf *text;  /* text mode */
	bool any_affected;
	size_t n_rules;
};

static bool
names_cve(const char *advisory, const char *const *cves, size_t n, const char *cve)
{
	if (strcmp(advisory, cve) == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (strcmp(cves[i], cve) == 0)
			return true;
	return false;
}

static json_t *
jstr(const char *s)
{
	return s != NULL && kh_utf8_valid(s, strlen(s)) ? json_string(s) : json_null();
}

static enum kh_err
record(struct explain *x, const struct verdict *v)
{
	enum kh_err r;
	json_t *o;

	x->any_affected = x->any_affected || v->affected;
	if (x->rules != NULL) {
		o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:o, s:o}", "advisory",
		              jstr(v->advisory), "source", jstr(v->source), "scope",
		              jstr(v->scope), "target", jstr(v->target), "version",
		              jstr(v->version), "applies", (int)v->applies, "affected",
		              (int)v->affected, "fixed_version", jstr(v->fixed), "why",
		              jstr(v->why));
		return o != NULL && json_array_append_new(x->rules, o) == 0 ? KH_OK : KH_ENOMEM;
	}
	if (strchr(v->why, '\n') == NULL)
		return kh_buf_printf(x->text, "  - %s (%s, %s) × %s %s: %s\n", v->advisory,
		                     v->source ? v->source : "-", v->scope ? v->scope : "-",
		                     v->target ? v->target : "-", v->version ? v->version : "",
		                     v->why);
	/* A configuration trace: the verdict first, then its steps indented. */
	r = kh_buf_printf(x->text, "  - %s (%s, %s) × %s %s: %s%s%s\n", v->advisory,
	                  v->source ? v->source : "-", v->scope ? v->scope : "-",
	                  v->target ? v->target : "-", v->version ? v->version : "",
	                  v->affected ? KH_MSG("affected", "bị ảnh hưởng")
	                              : KH_MSG("not affected", "không bị ảnh hưởng"),
	                  v->fixed ? KH_MSG(", fixed in ", ", đã sửa ở bản ") : "",
	                  v->fixed ? v->fixed : "");
	for (const char *p = v->why, *nl; r == KH_OK && *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (nl > p)
			r = kh_buf_printf(x->text, "      %.*s\n", (int)(nl - p), p);
	}
	return r;
}

/* ---- packages ---- */

static enum kh_err
explain_pkg_rule(const struct kh_vuln_pkg_rule *rule, const struct kh_inventory *inv,
                 const char *ecosystem, struct explain *x)
{
	struct verdict v = { rule->advisory, rule->source, rule->ecosystem, NULL, NULL,
		             false, false, NULL, NULL };
	struct kh_buf why;
	enum kh_err r = KH_OK;
	bool by_source;

	kh_buf_init(&why, 1 << 16);
	for (size_t i = 0; inv != NULL && i < inv->n_pkgs && r == KH_OK; i++) {
		const struct kh_inventory_pkg *p = &inv->pkgs[i];
		by_source = p->source != NULL && strcmp(p->source, rule->package) == 0;
		if (!by_source && strcmp(p->name, rule->package) != 0)
			continue;
		v.target = p->name;
		v.version = by_source && p->source_version ? p->source_version : p->version;
		v.applies = vuln_ecosystem_covers(rule->ecosystem, ecosystem);
		kh_buf_reset(&why);
		if (!v.applies)
			r = kh_buf_printf(&why, KH_MSG("rule is for %s, this system is %s",
			                               "quy tắc dành cho %s, hệ thống này là %s"),
			                  rule->ecosystem, ecosystem);
		else if (kh_vuln_pkg_rule_eval(rule, v.version, &v.affected, &v.fixed, &why,
		                               NULL) != KH_OK)
			r = kh_buf_append_str(&why, KH_MSG("version not understood",
			                                   "không đọc được phiên bản"));
		v.why = kh_buf_str(&why);
		if (r == KH_OK)
			r = record(x, &v);
		kh_free(v.fixed);
		v.fixed = NULL;
		v.affected = false;
		x->n_rules++;
	}
	kh_buf_cleanup(&why);
	return r;
}

/* ---- assets ---- */

static bool
rule_has_key(const struct kh_vuln_cpe_rule *rule, const char *key)
{
	for (size_t i = 0; i < rule->n_keys; i++)
		if (strcmp(rule->keys[i], key) == 0)
			return true;
	return false;
}

static enum kh_err
explain_cpe_rule(const struct kh_vuln_cpe_rule *rule, const struct kh_asset_list *assets,
                 struct explain *x)
{
	struct verdict v = { rule->advisory, rule->source, rule->keys[0], NULL, NULL,
		             false, false, NULL, NULL };
	struct kh_buf why;
	char key[512];
	enum kh_err r = KH_OK;

	kh_buf_init(&why, 1 << 16);
	const char *cpes[VULN_MAX_SYSTEM_CPES];
	size_t n_cpes;

	for (size_t i = 0; assets != NULL && i < assets->n && r == KH_OK; i++) {
		const struct kh_asset *a = &assets->items[i];
		if (a->cpe == NULL || !vuln_cpe_key(a->cpe, key, sizeof(key)) ||
		    !rule_has_key(rule, key))
			continue;
		v.target = a->name;
		v.version = a->cpe;
		v.applies = true;
		kh_buf_reset(&why);
		n_cpes = vuln_asset_cpes(assets, i, cpes, VULN_MAX_SYSTEM_CPES);
		/* Name the system's other CPEs: the trace counts targets from 1. */
		for (size_t t = 1; t < n_cpes && r == KH_OK; t++)
			r = kh_buf_printf(&why, KH_MSG("target %zu = %s (same unit and address)\n",
			                               "target %zu = %s (cùng đơn vị và địa chỉ)\n"),
			                  t + 1, cpes[t]);
		v.affected = false;
		if ((r = rule->eval(rule->ctx, cpes, n_cpes, &v.affected, &v.fixed, &why)) != KH_OK)
			break;
		if (v.affected && v.fixed == NULL && rule->fixed_version != NULL &&
		    (v.fixed = kh_strdup(rule->fixed_version)) == NULL)
			r = KH_ENOMEM;
		v.why = kh_buf_str(&why);
		if (r == KH_OK)
			r = record(x, &v);
		kh_free(v.fixed);
		v.fixed = NULL;
		x->n_rules++;
	}
	kh_buf_cleanup(&why);
	return r;
}

/* ---- facts and the whole ---- */

static json_t *
facts_json(const struct kh_vuln_cve_info *i, const struct kh_vuln_decision *d)
{
	return json_pack("{s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:i, s:s, s:s, s:s}}",
	                 "kev", i ? (int)i->kev : 0, "ransomware", i ? (int)i->ransomware : 0,
	                 "kev_due_date", jstr(i ? i->kev_due_date : NULL), "warning",
	                 jstr(i ? i->warning_id : NULL), "warning_deadline",
	                 jstr(i ? i->warning_deadline : NULL), "epss",
	                 i && i->epss >= 0 ? json_real(i->epss) : json_null(), "cvss",
	                 i && i->cvss_score >= 0 ? json_real(i->cvss_score) : json_null(),
	                 "cvss_version", jstr(i ? i->cvss_version : NULL), "published",
	                 jstr(i ? i->published : NULL), "decision", "priority", d->priority,
	                 "priority_label", kh_vuln_priority_label(d->priority), "due_date",
	                 d->due_date, "due_reason", kh_vuln_due_reason_name(d->due_reason));
}

static enum kh_err
facts_text(const struct kh_vuln_cve_info *i, const struct kh_vuln_decision *d,
           const char *cve, struct kh_buf *out)
{
	enum kh_err r = kh_buf_printf(out, "%s\n", cve);

	char epss[16] = "-", cvss[16] = "-";

	if (i != NULL && i->epss >= 0)
		(void)snprintf(epss, sizeof(epss), "%.3f", i->epss);
	if (i != NULL && i->cvss_score >= 0)
		(void)snprintf(cvss, sizeof(cvss), "%.1f", i->cvss_score);
	if (r == KH_OK && i != NULL)
		r = kh_buf_printf(out, KH_MSG("  KEV: %s%s%s%s; EPSS: %s; CVSS %s: %s; warning: %s%s%s\n",
		                              "  KEV: %s%s%s%s; EPSS: %s; CVSS %s: %s; cảnh báo: %s%s%s\n"),
		                  i->kev ? KH_MSG("yes", "có") : KH_MSG("no", "không"),
		                  i->ransomware ? KH_MSG(", used by ransomware", ", bị mã độc tống tiền dùng")
		                                : "",
		                  i->kev_due_date ? KH_MSG(", due ", ", hạn ") : "",
		                  i->kev_due_date ? i->kev_due_date : "", epss,
		                  i->cvss_version ? i->cvss_version : "-", cvss,
		                  i->warning_id ? i->warning_id : "-",
		                  i->warning_deadline ? KH_MSG(", deadline ", ", hạn ") : "",
		                  i->warning_deadline ? i->warning_deadline : "");
	if (r == KH_OK)
		r = kh_buf_printf(out, KH_MSG("  → priority %d (%s), due %s (%s)\n",
		                              "  → ưu tiên %d (%s), hạn %s (%s)\n"),
		                  d->priority, kh_vuln_priority_label(d->priority), d->due_date,
		                  kh_vuln_due_reason_name(d->due_reason));
	return r;
}

static enum kh_err
walk_rules(const struct kh_vuln_db *db, const char *cve, const struct kh_inventory *inv,
           const char *ecosystem, const struct kh_asset_list *assets, struct explain *x)
{
	enum kh_err r = KH_OK;

	for (size_t i = 0; i < db->n_pkg && r == KH_OK; i++) {
		const struct kh_vuln_pkg_rule *rule = &db->pkg[i].rule;
		if (names_cve(rule->advisory, rule->cves, rule->n_cves, cve))
			r = explain_pkg_rule(rule, inv, ecosystem, x);
	}
	for (size_t i = 0; i < db->n_cpe && r == KH_OK; i++) {
		const struct kh_vuln_cpe_rule *rule = &db->cpe[i];
		if (names_cve(rule->advisory, rule->cves, rule->n_cves, cve))
			r = explain_cpe_rule(rule, assets, x);
	}
	return r;
}

enum kh_err
kh_vuln_explain(const struct kh_vuln_db *db, const char *cve,
                const struct kh_inventory *inv, const struct kh_asset_list *assets,
                const struct kh_vuln_match_options *opts_in, bool json,
                struct kh_buf *out, struct kh_diag *diag)
{
	struct kh_vuln_match_options opts = { 0 };
	struct kh_vuln_finding f;
	struct explain x = { 0 };
	enum kh_version_scheme scheme;
	char ecosystem[VULN_ECOSYSTEM_MAX] = "-";
	json_t *root = NULL;
	char *text = NULL;
	enum kh_err r;

	if (opts_in != NULL)
		opts = *opts_in;
	if (opts.today == 0)
		opts.today = time(NULL);
	memset(&f, 0, sizeof(f));
	if ((f.cve = kh_strdup(cve)) == NULL)
		return KH_ENOMEM;
	if ((r = vuln_finding_decide(db, &opts, opts.unit, &f)) != KH_OK)
		goto out;
	if (inv != NULL && inv->n_pkgs > 0 &&
	    (r = kh_vuln_ecosystem_of(inv, ecosystem, sizeof(ecosystem), &scheme, diag)) != KH_OK)
		goto out;
	r = KH_ENOMEM;
	if (json && (x.rules = json_array()) == NULL)
		goto out;
	x.text = out;
	if (!json && (r = facts_text(kh_vuln_db_cve(db, cve), &f.decision, cve, out)) != KH_OK)
		goto out;
	if ((r = walk_rules(db, cve, inv, ecosystem, assets, &x)) != KH_OK)
		goto out;
	if (!json) {
		r = kh_buf_printf(out, "%s\n", x.n_rules == 0
		                  ? KH_MSG("  No advisory rule about this CVE concerns these targets.",
		                           "  Không có quy tắc nào về CVE này liên quan tới các đối tượng trên.")
		                  : x.any_affected ? KH_MSG("  Verdict: affected.", "  Kết luận: bị ảnh hưởng.")
		                                   : KH_MSG("  Verdict: not affected.",
		                                            "  Kết luận: không bị ảnh hưởng."));
		goto out;
	}
	r = KH_ENOMEM;
	root = json_pack("{s:s, s:o, s:b, s:O}", "cve", cve,
	                 "facts", facts_json(kh_vuln_db_cve(db, cve), &f.decision),
	                 "affected", (int)x.any_affected, "rules", x.rules);
	if (root == NULL || (text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(10))) == NULL)
		goto out;
	if ((r = kh_buf_append_str(out, text)) == KH_OK)
		r = kh_buf_putc(out, '\n');
out:
	free(text);
	json_decref(root);
	json_decref(x.rules);
	kh_vuln_finding_cleanup(&f);
	return r;
}
