/*
 * model.c — the advisory model every feed is parsed into: names of kinds,
 * statuses and events, advisories, sets of them, and parse statistics.
 */
#include <stdio.h>
#include <string.h>

#include "feeds_int.h"

static const char *const kind_names[KH_FEEDS_KIND_COUNT_] = {
	"kev", "nvd", "osv", "csaf", "debian-tracker", "epss", "warning",
};

const char *
kh_feeds_kind_name(enum kh_feeds_kind kind)
{
	return (size_t)kind < KH_FEEDS_KIND_COUNT_ ? kind_names[kind] : "?";
}

enum kh_err
kh_feeds_kind_parse(const char *name, enum kh_feeds_kind *out)
{
	for (size_t i = 0; i < KH_FEEDS_KIND_COUNT_; i++)
		if (kh_str_casecmp(name, kind_names[i]) == 0) {
			*out = (enum kh_feeds_kind)i;
			return KH_OK;
		}
	if (kh_str_casecmp(name, "debian") == 0) {
		*out = KH_FEEDS_DEBIAN;
		return KH_OK;
	}
	return KH_EINVAL;
}

static const char *const status_names[KH_FEEDS_ST_COUNT_] = {
	"known_affected", "first_affected", "last_affected", "fixed", "first_fixed",
	"known_not_affected", "recommended", "under_investigation",
};

const char *
kh_feeds_status_name(enum kh_feeds_status st)
{
	return (size_t)st < KH_FEEDS_ST_COUNT_ ? status_names[st] : "?";
}

bool
kh_feeds_status_is_affected(enum kh_feeds_status st)
{
	return st == KH_FEEDS_ST_KNOWN_AFFECTED || st == KH_FEEDS_ST_FIRST_AFFECTED ||
	       st == KH_FEEDS_ST_LAST_AFFECTED;
}

const char *
kh_feeds_event_name(enum kh_feeds_event_kind kind)
{
	switch (kind) {
	case KH_FEEDS_EV_INTRODUCED: return "introduced";
	case KH_FEEDS_EV_FIXED: return "fixed";
	case KH_FEEDS_EV_LAST_AFFECTED: return "last_affected";
	case KH_FEEDS_EV_LIMIT: return "limit";
	}
	return "?";
}

struct kh_feeds_advisory *
kh_feeds_advisory_new(enum kh_feeds_kind kind)
{
	struct kh_feeds_advisory *adv = kh_calloc(1, sizeof(*adv));

	if (adv != NULL)
		adv->kind = kind;
	return adv;
}

void
feeds_affected_cleanup(struct kh_feeds_affected *a)
{
	kh_free(a->ecosystem);
	kh_free(a->package);
	kh_free(a->release);
	kh_free(a->purl);
	for (size_t i = 0; i < a->n_ranges; i++) {
		for (size_t j = 0; j < a->ranges[i].n_events; j++)
			kh_free(a->ranges[i].events[j].version);
		kh_free(a->ranges[i].events);
		kh_free(a->ranges[i].type);
	}
	kh_free(a->ranges);
	feeds_strv_free(a->versions, a->n_versions);
	kh_free(a->status);
	kh_free(a->fixed_version);
	kh_free(a->urgency);
}

void
feeds_product_status_cleanup(struct kh_feeds_product_status *p)
{
	kh_free(p->cve);
	kh_free(p->product_id);
	kh_free(p->name);
	kh_free(p->cpe);
	kh_free(p->purl);
	kh_free(p->fixed_version);
	kh_free(p->fix_url);
	kh_free(p->fix_details);
}

void
kh_feeds_advisory_free(struct kh_feeds_advisory *adv)
{
	if (adv == NULL)
		return;
	kh_free(adv->id);
	kh_free(adv->source);
	feeds_strv_free(adv->cves, adv->n_cves);
	kh_free(adv->title);
	kh_free(adv->summary);
	kh_free(adv->published);
	kh_free(adv->modified);
	for (size_t i = 0; i < adv->n_cvss; i++) {
		kh_free(adv->cvss[i].version);
		kh_free(adv->cvss[i].vector);
		kh_free(adv->cvss[i].severity);
		kh_free(adv->cvss[i].source);
	}
	kh_free(adv->cvss);
	feeds_strv_free(adv->cwes, adv->n_cwes);
	feeds_strv_free(adv->references, adv->n_references);
	kh_free(adv->kev_vendor);
	kh_free(adv->kev_product);
	kh_free(adv->kev_date_added);
	kh_free(adv->kev_due_date);
	kh_free(adv->kev_required_action);
	kh_free(adv->issuer);
	kh_free(adv->deadline);
	kh_free(adv->tracking_version);
	kh_free(adv->tracking_status);
	for (size_t i = 0; i < adv->n_affected; i++)
		feeds_affected_cleanup(&adv->affected[i]);
	kh_free(adv->affected);
	kh_cpe_configs_cleanup(&adv->configs);
	for (size_t i = 0; i < adv->n_products; i++)
		feeds_product_status_cleanup(&adv->products[i]);
	kh_free(adv->products);
	kh_free(adv);
}

const struct kh_feeds_cvss *
kh_feeds_advisory_best_cvss(const struct kh_feeds_advisory *adv)
{
	const struct kh_feeds_cvss *best = NULL;

	for (size_t i = 0; i < adv->n_cvss; i++) {
		const struct kh_feeds_cvss *c = &adv->cvss[i];
		int v;
		if (best == NULL) {
			best = c;
			continue;
		}
		/* versions are "2.0" < "3.0" < "3.1" < "4.0": text order works */
		v = strcmp(c->version != NULL ? c->version : "", best->version != NULL ? best->version : "");
		if (v > 0 || (v == 0 && c->primary && !best->primary) ||
		    (v == 0 && c->primary == best->primary && c->score >= 0 && best->score < 0))
			best = c;
	}
	return best;
}

bool
kh_feeds_advisory_has_cve(const struct kh_feeds_advisory *adv, const char *cve)
{
	if (adv->id != NULL && kh_str_casecmp(adv->id, cve) == 0)
		return true;
	for (size_t i = 0; i < adv->n_cves; i++)
		if (kh_str_casecmp(adv->cves[i], cve) == 0)
			return true;
	return false;
}

const struct kh_feeds_product_status *
kh_feeds_csaf_status(const struct kh_feeds_advisory *adv, const char *product_id,
                     const char *cve)
{
	for (size_t i = 0; i < adv->n_products; i++) {
		const struct kh_feeds_product_status *p = &adv->products[i];
		if (p->product_id == NULL || strcmp(p->product_id, product_id) != 0)
			continue;
		if (cve != NULL && (p->cve == NULL || kh_str_casecmp(p->cve, cve) != 0))
			continue;
		return p;
	}
	return NULL;
}

/* ---- sets ------------------------------------------------------------- */

void
kh_feeds_set_init(struct kh_feeds_set *set)
{
	memset(set, 0, sizeof(*set));
}

void
kh_feeds_set_cleanup(struct kh_feeds_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		kh_feeds_advisory_free(set->items[i]);
	kh_free(set->items);
	kh_free(set->epss);
	kh_free(set->epss_score_date);
	memset(set, 0, sizeof(*set));
}

enum kh_err
kh_feeds_set_add(struct kh_feeds_set *set, struct kh_feeds_advisory *adv)
{
	if (set->n == set->cap) {
		size_t cap = set->cap == 0 ? 64 : set->cap * 2;
		struct kh_feeds_advisory **items = kh_reallocarray(set->items, cap, sizeof(*items));
		if (items == NULL) {
			kh_feeds_advisory_free(adv);
			return KH_ENOMEM;
		}
		set->items = items;
		set->cap = cap;
	}
	set->items[set->n++] = adv;
	return KH_OK;
}

enum kh_err
kh_feeds_set_add_epss(struct kh_feeds_set *set, const struct kh_feeds_epss *row)
{
	if (set->n_epss == set->cap_epss) {
		size_t cap = set->cap_epss == 0 ? 256 : set->cap_epss * 2;
		struct kh_feeds_epss *rows = kh_reallocarray(set->epss, cap, sizeof(*rows));
		if (rows == NULL)
			return KH_ENOMEM;
		set->epss = rows;
		set->cap_epss = cap;
	}
	set->epss[set->n_epss++] = *row;
	return KH_OK;
}

const struct kh_feeds_advisory *
kh_feeds_set_find(const struct kh_feeds_set *set, enum kh_feeds_kind kind, const char *id)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->items[i]->kind == kind && set->items[i]->id != NULL &&
		    strcmp(set->items[i]->id, id) == 0)
			return set->items[i];
	return NULL;
}

/* ---- statistics ------------------------------------------------------- */

#define MAX_KEPT_SKIPS 100

void
kh_feeds_stats_init(struct kh_feeds_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->kind = KH_FEEDS_KIND_COUNT_;
}

void
kh_feeds_stats_cleanup(struct kh_feeds_stats *st)
{
	for (size_t i = 0; i < st->n_skips; i++) {
		kh_free(st->skips[i].where);
		kh_free(st->skips[i].reason);
	}
	kh_free(st->skips);
	kh_feeds_stats_init(st);
}

void
kh_feeds_stats_skip(struct kh_feeds_stats *st, const char *what, size_t record,
                    const char *fmt, ...)
{
	char where[600], reason[800];
	struct kh_feeds_skip *grown;
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(reason, sizeof(reason), fmt, ap) < 0)
		reason[0] = '\0';
	va_end(ap);
	if (snprintf(where, sizeof(where), KH_MSG("%s: record %zu", "%s: bản ghi %zu"),
	             what != NULL ? what : "-", record) < 0)
		where[0] = '\0';
	st->n_skipped++;
	/* debug: callers report the kept skips (the CLI prints them), so a
	 * warning per record would say everything twice */
	kh_log_debug("%s: %s", where, reason);
	if (st->n_skips >= MAX_KEPT_SKIPS ||
	    (grown = kh_reallocarray(st->skips, st->n_skips + 1, sizeof(*grown))) == NULL)
		return;
	st->skips = grown;
	grown[st->n_skips].where = kh_strdup(where);
	grown[st->n_skips].reason = kh_strdup(reason);
	if (grown[st->n_skips].where == NULL || grown[st->n_skips].reason == NULL) {
		kh_free(grown[st->n_skips].where);
		kh_free(grown[st->n_skips].reason);
		return;
	}
	st->n_skips++;
}
