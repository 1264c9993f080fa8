/*
 * match_pkg.c — one advisory rule against one installed version: the OSV
 * range walk (introduced / fixed / last_affected / limit events, and
 * `versions` lists), saying which event decided and why.
 */
#include <stdarg.h>
#include <string.h>

#include "vuln_int.h"

static enum kh_err KH_PRINTF(2, 3)
why_printf(struct kh_buf *why, const char *fmt, ...)
{
	va_list ap;
	enum kh_err r;

	if (why == NULL)
		return KH_OK;
	va_start(ap, fmt);
	r = kh_buf_vprintf(why, fmt, ap);
	va_end(ap);
	return r;
}

/* v against an event's version: -1, 0, 1; false when the scheme refuses it. */
static bool
cmp_event(const struct kh_vuln_pkg_rule *rule, const char *v, const char *ev, int *c)
{
	return kh_version_compare(rule->scheme, v, ev, c, NULL) == KH_OK;
}

static bool
listed(const struct kh_vuln_pkg_rule *rule, const char *v, const char **which)
{
	int c;

	for (size_t i = 0; i < rule->n_versions; i++)
		if (strcmp(rule->versions[i], v) == 0 ||
		    (cmp_event(rule, v, rule->versions[i], &c) && c == 0)) {
			*which = rule->versions[i];
			return true;
		}
	return false;
}

/* OSV: a range with limits only covers versions below one of them. */
static bool
below_a_limit(const struct kh_vuln_pkg_rule *rule, const char *v, const char **limit)
{
	bool any = false;
	int c;

	*limit = NULL;
	for (size_t i = 0; i < rule->n_events; i++) {
		if (rule->events[i].kind != KH_VULN_EV_LIMIT)
			continue;
		any = true;
		*limit = rule->events[i].version;
		if (strcmp(*limit, "*") == 0 || (cmp_event(rule, v, *limit, &c) && c < 0))
			return true;
	}
	return !any;
}

struct walk {
	bool affected;
	const struct kh_vuln_event *opened; /* introduced event that opened it */
	const struct kh_vuln_event *closed; /* event that closed the range below v */
	const struct kh_vuln_event *upper;  /* fixed / last_affected above v */
};

/*
 * OSV schema, "Evaluation": walk the sorted events; an introduced event at
 * or below v opens a range, a fixed event at or below v (a last_affected
 * event below v) closes it. The first closing event above v while open is
 * where the range ends: the fix.
 */
static void
walk_events(const struct kh_vuln_pkg_rule *rule, const char *v, struct walk *w)
{
	const struct kh_vuln_event *ev;
	int c;

	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < rule->n_events; i++) {
		ev = &rule->events[i];
		if (ev->kind == KH_VULN_EV_INTRODUCED) {
			if (strcmp(ev->version, "0") == 0 ||
			    (cmp_event(rule, v, ev->version, &c) && c >= 0)) {
				w->affected = true;
				w->opened = ev;
			}
			continue;
		}
		if (ev->kind == KH_VULN_EV_LIMIT || !cmp_event(rule, v, ev->version, &c))
			continue;
		if ((ev->kind == KH_VULN_EV_FIXED && c >= 0) ||
		    (ev->kind == KH_VULN_EV_LAST_AFFECTED && c > 0)) {
			w->affected = false;
			w->closed = ev;
		} else if (w->affected) {
			w->upper = ev; /* sorted: nothing after it can reopen below v */
			return;
		}
	}
}

static const char *
ev_name(enum kh_vuln_event_kind k)
{
	static const char *const names[] = { "introduced", "fixed", "last_affected",
		                             "limit" };
	return names[k];
}

static enum kh_err
explain_walk(const struct kh_vuln_pkg_rule *rule, const char *v,
             const struct walk *w, struct kh_buf *why)
{
	if (w->affected && w->upper != NULL)
		return why_printf(why, KH_MSG("%s ≥ introduced %s and %s %s %s → affected",
		                              "%s ≥ introduced %s và %s %s %s → bị ảnh hưởng"),
		                  v, w->opened->version,
		                  w->upper->kind == KH_VULN_EV_FIXED ? "<" : "≤",
		                  ev_name(w->upper->kind), w->upper->version);
	if (w->affected)
		return why_printf(why, KH_MSG("%s ≥ introduced %s, no fix in this range → affected",
		                              "%s ≥ introduced %s, chưa có bản sửa → bị ảnh hưởng"),
		                  v, w->opened->version);
	if (w->closed != NULL)
		return why_printf(why, KH_MSG("%s %s %s %s → not affected",
		                              "%s %s %s %s → không bị ảnh hưởng"),
		                  v, w->closed->kind == KH_VULN_EV_FIXED ? "≥" : ">",
		                  ev_name(w->closed->kind), w->closed->version);
	if (rule->n_events == 0)
		return why_printf(why, KH_MSG("no affected range (status %s) → not affected",
		                              "không có khoảng bị ảnh hưởng (trạng thái %s) → "
		                              "không bị ảnh hưởng"),
		                  rule->status ? rule->status : "-");
	return why_printf(why, KH_MSG("%s is below every introduced version → not affected",
	                              "%s thấp hơn mọi phiên bản introduced → không bị ảnh hưởng"),
	                  v);
}

enum kh_err
kh_vuln_pkg_rule_eval(const struct kh_vuln_pkg_rule *rule, const char *version,
                      bool *affected, char **fixed, struct kh_buf *why,
                      struct kh_diag *diag)
{
	const char *which = NULL, *limit = NULL;
	struct walk w;
	enum kh_err r;

	*affected = false;
	if (fixed != NULL)
		*fixed = NULL;
	if ((r = kh_version_validate(rule->scheme, kh_cur_from_str(version), NULL,
	                             diag)) != KH_OK)
		return r;
	if (listed(rule, version, &which)) {
		*affected = true;
		return why_printf(why, KH_MSG("%s is listed as affected → affected",
		                              "%s có trong danh sách phiên bản bị ảnh hưởng → "
		                              "bị ảnh hưởng"),
		                  which);
	}
	if (!below_a_limit(rule, version, &limit))
		return why_printf(why, KH_MSG("%s ≥ limit %s → not affected",
		                              "%s ≥ limit %s → không bị ảnh hưởng"),
		                  version, limit);
	walk_events(rule, version, &w);
	*affected = w.affected;
	if (w.affected && w.upper != NULL && w.upper->kind == KH_VULN_EV_FIXED &&
	    fixed != NULL && (*fixed = kh_strdup(w.upper->version)) == NULL)
		return KH_ENOMEM;
	return explain_walk(rule, version, &w, why);
}
