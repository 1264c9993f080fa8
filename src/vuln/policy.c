/*
 * policy.c — what to patch first and by when: priority 1..4 and a due date
 * from what is known about a CVE (docs/vuln.md, "Policy").
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "khien/config.h"
#include "khien/vuln.h"
#include "vuln_int.h"

/*
 * Default deadlines. CISA BOD 22-01 gives KEV entries their own dueDate
 * (two weeks for CVEs from 2021 on), so days_p2 = 14 only applies when a
 * KEV entry lacks one; CISA BOD 19-02 asks for critical findings within
 * 15 days. Ransomware-linked KEV entries go first (the city directive,
 * item 1), hence 7. Priority 4 has no federal rule: a quarter.
 */
static const int default_days[KH_VULN_PRIORITY_COUNT] = { 7, 14, 15, 90 };

void
kh_vuln_policy_init(struct kh_vuln_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->epss_threshold = 0.1;
	p->cvss_critical = 9.0;
	memcpy(p->deadlines.days, default_days, sizeof(default_days));
}

void
kh_vuln_policy_cleanup(struct kh_vuln_policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n_overrides; i++)
		kh_free(p->overrides[i].unit);
	kh_free(p->overrides);
	p->overrides = NULL;
	p->n_overrides = 0;
}

const struct kh_vuln_deadlines *
kh_vuln_policy_deadlines(const struct kh_vuln_policy *p, const char *unit)
{
	if (unit != NULL) {
		for (size_t i = 0; i < p->n_overrides; i++)
			if (strcmp(p->overrides[i].unit, unit) == 0)
				return &p->overrides[i].deadlines;
	}
	return &p->deadlines;
}

static int
priority_of(const struct kh_vuln_policy *p, const struct kh_vuln_facts *f)
{
	if (f->kev && f->ransomware)
		return 1;
	if (f->kev)
		return 2;
	if ((f->epss >= 0 && f->epss >= p->epss_threshold) ||
	    (f->cvss_score >= 0 && f->cvss_score >= p->cvss_critical) || f->warned)
		return 3;
	return 4;
}

/* A date's first ten characters when they form a valid calendar date. */
static bool
date_of(const char *s, time_t *out)
{
	char day[11];

	if (s == NULL || strlen(s) < 10)
		return false;
	memcpy(day, s, 10);
	day[10] = '\0';
	return kh_time_parse_date(day, out) == KH_OK;
}

static void
format_day(time_t t, char out[11])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		kh_strlcpy(out, "9999-12-31", 11);
}

void
kh_vuln_policy_decide(const struct kh_vuln_policy *p, const char *unit,
                      const struct kh_vuln_facts *f, time_t today,
                      struct kh_vuln_decision *out)
{
	const struct kh_vuln_deadlines *d = kh_vuln_policy_deadlines(p, unit);
	time_t kev_due, warn_due, base;
	bool has_kev, has_warn;

	memset(out, 0, sizeof(*out));
	out->priority = priority_of(p, f);
	has_kev = f->kev && date_of(f->kev_due_date, &kev_due);
	has_warn = f->warned && date_of(f->warning_deadline, &warn_due);
	/* A deadline someone set wins over our arithmetic; the earlier of two. */
	if (has_kev && (!has_warn || kev_due <= warn_due)) {
		format_day(kev_due, out->due_date);
		out->due_reason = KH_VULN_DUE_KEV;
		return;
	}
	if (has_warn) {
		format_day(warn_due, out->due_date);
		out->due_reason = KH_VULN_DUE_WARNING;
		return;
	}
	out->due_reason = KH_VULN_DUE_PUBLISHED;
	if (!date_of(f->published, &base)) {
		base = today;
		out->due_reason = KH_VULN_DUE_FIRST_SEEN;
	}
	format_day(base + (time_t)d->days[out->priority - 1] * 86400, out->due_date);
}

const char *
kh_vuln_priority_label(int priority)
{
	static const char *const labels[] = { "kev-ransomware", "kev", "high-risk",
		                              "routine" };

	if (priority < 1 || priority > KH_VULN_PRIORITY_COUNT)
		return "unknown";
	return labels[priority - 1];
}

const char *
kh_vuln_priority_heading(int priority)
{
	switch (priority) {
	case 1:
		return KH_MSG("Priority 1 — patch now: exploited to spread ransomware",
		              "Ưu tiên 1 — vá ngay: đang bị khai thác để phát tán mã độc tống tiền");
	case 2:
		return KH_MSG("Priority 2 — patch urgently: exploited in the wild (CISA KEV)",
		              "Ưu tiên 2 — vá khẩn: đang bị khai thác trong thực tế (danh mục KEV của CISA)");
	case 3:
		return KH_MSG("Priority 3 — patch soon: severe, likely to be exploited, or warned about",
		              "Ưu tiên 3 — vá sớm: nghiêm trọng, dễ bị khai thác hoặc đã có cảnh báo");
	default:
		return KH_MSG("Priority 4 — patch as planned",
		              "Ưu tiên 4 — vá theo kế hoạch");
	}
}

const char *
kh_vuln_due_reason_name(enum kh_vuln_due_reason r)
{
	switch (r) {
	case KH_VULN_DUE_KEV:
		return "kev";
	case KH_VULN_DUE_WARNING:
		return "warning";
	case KH_VULN_DUE_PUBLISHED:
		return "published";
	default:
		return "first-seen";
	}
}

/* ---- configuration ----------------------------------------------------- */

static enum kh_err
get_double(const struct kh_config *cfg, const char *key, double max, double *out,
           struct kh_diag *diag)
{
	const char *v = kh_config_get(cfg, "vuln", key);
	char *end = NULL;
	double d;

	if (v == NULL)
		return KH_OK;
	d = strtod(v, &end);
	if (end == v || *end != '\0' || !isfinite(d) || d < 0 || d > max)
		return kh_diag_set(diag, KH_EINVAL, NULL, 0,
		                   "[vuln] %s: '%s' is not a number from 0 to %g", key,
		                   v, max);
	*out = d;
	return KH_OK;
}

static enum kh_err
get_days(const struct kh_config *cfg, struct kh_vuln_deadlines *d,
         struct kh_diag *diag)
{
	static const char *const keys[] = { "days_p1", "days_p2", "days_p3", "days_p4" };
	long long n;
	enum kh_err r;

	for (size_t i = 0; i < KH_VULN_PRIORITY_COUNT; i++) {
		r = kh_config_get_int(cfg, "vuln", keys[i], 0, 3650, &n, diag);
		if (r == KH_ENOENT)
			continue;
		if (r != KH_OK)
			return r;
		d->days[i] = (int)n;
	}
	return KH_OK;
}

enum kh_err
kh_vuln_policy_from_config(struct kh_vuln_policy *p, const struct kh_config *cfg,
                           struct kh_diag *diag)
{
	const char *overrides;
	enum kh_err r;

	if ((r = get_double(cfg, "epss_threshold", 1.0, &p->epss_threshold, diag)) != KH_OK)
		return r;
	if ((r = get_double(cfg, "cvss_critical", 10.0, &p->cvss_critical, diag)) != KH_OK)
		return r;
	if ((r = get_days(cfg, &p->deadlines, diag)) != KH_OK)
		return r;
	overrides = kh_config_get(cfg, "vuln", "unit_overrides");
	if (overrides != NULL && *overrides != '\0')
		return kh_vuln_policy_load_overrides(p, overrides, diag);
	return KH_OK;
}
