/*
 * cpe_config.c — evaluation of NVD CVE API 2.0 `configurations` against
 * the CPE names of one system, with a trace saying what decided.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "khien/feeds.h"

static void
match_cleanup(struct kh_cpe_match *m)
{
	kh_free(m->criteria);
	kh_cpe_cleanup(&m->cpe);
	kh_free(m->match_id);
	kh_free(m->version_start_including);
	kh_free(m->version_start_excluding);
	kh_free(m->version_end_including);
	kh_free(m->version_end_excluding);
}

void
kh_cpe_configs_cleanup(struct kh_cpe_configs *cfgs)
{
	if (cfgs == NULL)
		return;
	for (size_t i = 0; i < cfgs->n; i++) {
		struct kh_cpe_config *c = &cfgs->items[i];
		for (size_t j = 0; j < c->n_nodes; j++) {
			for (size_t k = 0; k < c->nodes[j].n_matches; k++)
				match_cleanup(&c->nodes[j].matches[k]);
			kh_free(c->nodes[j].matches);
		}
		kh_free(c->nodes);
	}
	kh_free(cfgs->items);
	cfgs->items = NULL;
	cfgs->n = 0;
}

struct eval {
	kh_cpe_trace_fn trace;
	void *trace_ctx;
	struct kh_cpe_eval_result *res;
	size_t config, node;
	bool found_vulnerable; /* a vulnerable match decided in this configuration */
	size_t v_node, v_match, v_target;
	const struct kh_cpe_match *v_by;
	struct kh_diag *diag;
};

static void
step(struct eval *ev, size_t match, size_t target, bool result, const char *reason)
{
	struct kh_cpe_trace_step s = { ev->config, ev->node, match, target, result, reason };

	if (ev->trace != NULL)
		ev->trace(ev->trace_ctx, &s);
}

/* One bound: target version against it; *ok false when outside. */
static enum kh_err
check_bound(const char *version, const char *bound, int want_lo, int want_hi,
            const char *label, bool *ok, char *reason, size_t reason_size)
{
	int cmp = 0;
	struct kh_diag d;
	enum kh_err r;

	if (bound == NULL)
		return KH_OK;
	kh_diag_clear(&d);
	r = kh_version_compare(KH_VERSION_GENERIC, version, bound, &cmp, &d);
	if (r != KH_OK) {
		*ok = false;
		snprintf(reason, reason_size, KH_MSG("%s vs %s (%s): cannot compare: %s",
		                                     "%s so với %s (%s): không so sánh được: %s"),
		         version, bound, label, d.msg);
		return r == KH_ENOMEM ? r : KH_OK;
	}
	if (cmp < want_lo || cmp > want_hi) {
		*ok = false;
		snprintf(reason, reason_size, KH_MSG("%s is outside %s %s", "%s nằm ngoài %s %s"),
		         version, label, bound);
	}
	return KH_OK;
}

static bool
has_range(const struct kh_cpe_match *m)
{
	return m->version_start_including != NULL || m->version_start_excluding != NULL ||
	       m->version_end_including != NULL || m->version_end_excluding != NULL;
}

/* Does cpeMatch m match target t? Sets a reason for the trace. */
static enum kh_err
match_one(const struct kh_cpe_match *m, const struct kh_cpe *t, bool *ok, char *reason,
          size_t reason_size)
{
	char version[512];
	enum kh_err r;

	*ok = false;
	if (!has_range(m)) {
		*ok = kh_cpe_match(&m->cpe, t);
		kh_strlcpy(reason, *ok ? KH_MSG("name matches", "tên khớp")
		                       : KH_MSG("name differs", "tên không khớp"), reason_size);
		return KH_OK;
	}
	if (!kh_cpe_match_except_version(&m->cpe, t)) {
		kh_strlcpy(reason, KH_MSG("name differs", "tên không khớp"), reason_size);
		return KH_OK;
	}
	if (t->attr[KH_CPE_VERSION].kind != KH_CPE_VALUE ||
	    t->attr[KH_CPE_VERSION].has_wildcard ||
	    kh_cpe_attr_plain(&t->attr[KH_CPE_VERSION], version, sizeof(version)) != KH_OK) {
		kh_strlcpy(reason, KH_MSG("the system's version is not known",
		                          "không biết phiên bản của hệ thống"), reason_size);
		return KH_OK;
	}
	*ok = true;
	/* NVD: versionStartIncluding ≤ v, versionStartExcluding < v,
	 * v ≤ versionEndIncluding, v < versionEndExcluding */
	if ((r = check_bound(version, m->version_start_including, 0, 1, "versionStartIncluding",
	                     ok, reason, reason_size)) != KH_OK ||
	    (*ok && (r = check_bound(version, m->version_start_excluding, 1, 1,
	                             "versionStartExcluding", ok, reason, reason_size)) != KH_OK) ||
	    (*ok && (r = check_bound(version, m->version_end_including, -1, 0,
	                             "versionEndIncluding", ok, reason, reason_size)) != KH_OK) ||
	    (*ok && (r = check_bound(version, m->version_end_excluding, -1, -1,
	                             "versionEndExcluding", ok, reason, reason_size)) != KH_OK))
		return r;
	if (*ok)
		snprintf(reason, reason_size, KH_MSG("version %s is within the range",
		                                     "phiên bản %s nằm trong khoảng"), version);
	return KH_OK;
}

/* A cpeMatch against every target: true when any target matches. */
static enum kh_err
eval_match(struct eval *ev, const struct kh_cpe_match *m, size_t mi, const struct kh_cpe *targets,
           size_t n_targets, bool *out)
{
	char reason[1024];
	enum kh_err r;

	*out = false;
	for (size_t t = 0; t < n_targets; t++) {
		bool ok;
		if ((r = match_one(m, &targets[t], &ok, reason, sizeof(reason))) != KH_OK)
			return r;
		step(ev, mi, t, ok, reason);
		if (!ok)
			continue;
		*out = true;
		if (m->vulnerable && !ev->found_vulnerable) {
			ev->found_vulnerable = true;
			ev->v_node = ev->node;
			ev->v_match = mi;
			ev->v_target = t;
			ev->v_by = m;
		}
		return KH_OK;
	}
	return KH_OK;
}

static enum kh_err
eval_node(struct eval *ev, const struct kh_cpe_node *node, const struct kh_cpe *targets,
          size_t n_targets, bool *out)
{
	bool acc = node->op == KH_CPE_OP_AND, had_vulnerable = ev->found_vulnerable;
	enum kh_err r;

	/* every cpeMatch is tried, so the trace shows each one */
	for (size_t i = 0; i < node->n_matches; i++) {
		bool m;
		if ((r = eval_match(ev, &node->matches[i], i, targets, n_targets, &m)) != KH_OK)
			return r;
		acc = node->op == KH_CPE_OP_AND ? (acc && m) : (acc || m);
	}
	if (node->n_matches == 0)
		acc = false;
	*out = node->negate ? !acc : acc;
	/* only a node that holds (and is not negated) can name what is vulnerable */
	if (!had_vulnerable && (!*out || node->negate))
		ev->found_vulnerable = false;
	step(ev, SIZE_MAX, SIZE_MAX, *out,
	     node->op == KH_CPE_OP_AND ? (node->negate ? "NOT AND" : "AND")
	                               : (node->negate ? "NOT OR" : "OR"));
	return KH_OK;
}

static enum kh_err
eval_config(struct eval *ev, const struct kh_cpe_config *cfg, const struct kh_cpe *targets,
            size_t n_targets, bool *out)
{
	bool acc = cfg->op == KH_CPE_OP_AND;
	enum kh_err r;

	for (size_t i = 0; i < cfg->n_nodes; i++) {
		bool v;
		ev->node = i;
		if ((r = eval_node(ev, &cfg->nodes[i], targets, n_targets, &v)) != KH_OK)
			return r;
		acc = cfg->op == KH_CPE_OP_AND ? (acc && v) : (acc || v);
	}
	if (cfg->n_nodes == 0)
		acc = false;
	*out = cfg->negate ? !acc : acc;
	ev->node = SIZE_MAX;
	step(ev, SIZE_MAX, SIZE_MAX, *out,
	     *out ? KH_MSG("configuration applies", "cấu hình áp dụng")
	          : KH_MSG("configuration does not apply", "cấu hình không áp dụng"));
	return KH_OK;
}

enum kh_err
kh_cpe_config_eval(const struct kh_cpe_configs *cfgs, const struct kh_cpe *targets,
                   size_t n_targets, kh_cpe_trace_fn trace, void *trace_ctx,
                   struct kh_cpe_eval_result *res, struct kh_diag *diag)
{
	struct eval ev = { .trace = trace, .trace_ctx = trace_ctx, .res = res, .diag = diag };
	enum kh_err r;

	memset(res, 0, sizeof(*res));
	res->config = res->node = res->match = res->target = SIZE_MAX;
	for (size_t i = 0; i < cfgs->n; i++) {
		bool applies;
		ev.config = i;
		ev.found_vulnerable = false;
		if ((r = eval_config(&ev, &cfgs->items[i], targets, n_targets, &applies)) != KH_OK)
			return r;
		/* a configuration that holds only through non-vulnerable entries
		 * (or negation) still marks the CVE as applying to this system */
		if (!applies)
			continue;
		res->vulnerable = true;
		res->config = i;
		if (ev.found_vulnerable) {
			res->node = ev.v_node;
			res->match = ev.v_match;
			res->target = ev.v_target;
			res->decided_by = ev.v_by;
			res->fixed_version = ev.v_by->version_end_excluding;
		}
		return KH_OK;
	}
	return KH_OK;
}

struct text_trace {
	struct kh_buf *why;
	const struct kh_cpe_configs *cfgs;
	enum kh_err r;
};

static void
text_step(void *ctx, const struct kh_cpe_trace_step *s)
{
	struct text_trace *tt = ctx;
	const struct kh_cpe_config *c = &tt->cfgs->items[s->config];
	enum kh_err r;

	if (tt->r != KH_OK)
		return;
	if (s->match != SIZE_MAX && s->node != SIZE_MAX)
		r = kh_buf_printf(tt->why, "config %zu node %zu cpeMatch %zu %s%s vs target %zu: %s: %s\n",
		                  s->config + 1, s->node + 1, s->match + 1,
		                  c->nodes[s->node].matches[s->match].criteria,
		                  c->nodes[s->node].matches[s->match].vulnerable ? "" : " (platform)",
		                  s->target + 1, s->result ? "yes" : "no", s->reason);
	else if (s->node != SIZE_MAX)
		r = kh_buf_printf(tt->why, "config %zu node %zu (%s): %s\n", s->config + 1,
		                  s->node + 1, s->reason, s->result ? "true" : "false");
	else
		r = kh_buf_printf(tt->why, "config %zu: %s\n", s->config + 1, s->reason);
	tt->r = r;
}

enum kh_err
kh_cpe_config_eval_text(const struct kh_cpe_configs *cfgs, const struct kh_cpe *targets,
                        size_t n_targets, struct kh_cpe_eval_result *res, struct kh_buf *why,
                        struct kh_diag *diag)
{
	struct text_trace tt = { why, cfgs, KH_OK };
	enum kh_err r;

	r = kh_cpe_config_eval(cfgs, targets, n_targets, why != NULL ? text_step : NULL, &tt,
	                       res, diag);
	return r != KH_OK ? r : tt.r;
}

static bool
has_key(char **keys, size_t n, const char *k)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], k) == 0)
			return true;
	return false;
}

enum kh_err
kh_cpe_configs_keys(const struct kh_cpe_configs *cfgs, char ***keys, size_t *n_keys)
{
	char vendor[256], product[256], key[520];

	for (size_t i = 0; i < cfgs->n; i++)
		for (size_t j = 0; j < cfgs->items[i].n_nodes; j++) {
			const struct kh_cpe_node *nd = &cfgs->items[i].nodes[j];
			for (size_t k = 0; k < nd->n_matches; k++) {
				const struct kh_cpe *c = &nd->matches[k].cpe;
				char **grown;
				if (!nd->matches[k].vulnerable ||
				    kh_cpe_attr_plain(&c->attr[KH_CPE_VENDOR], vendor, sizeof(vendor)) != KH_OK ||
				    kh_cpe_attr_plain(&c->attr[KH_CPE_PRODUCT], product, sizeof(product)) != KH_OK)
					continue;
				snprintf(key, sizeof(key), "%s:%s", vendor, product);
				if (has_key(*keys, *n_keys, key))
					continue;
				if ((grown = kh_reallocarray(*keys, *n_keys + 1, sizeof(char *))) == NULL)
					return KH_ENOMEM;
				*keys = grown;
				if ((grown[*n_keys] = kh_strdup(key)) == NULL)
					return KH_ENOMEM;
				(*n_keys)++;
			}
		}
	return KH_OK;
}
