/*
 * parse.c — one entry point for every format: dispatches a document to its
 * splitter and each record to its parser, counting what was read and
 * skipping (with file and position) what was malformed.
 */
#include <string.h>

#include "feeds_int.h"
#include "khien/limits.h"

typedef enum kh_err (*record_fn)(const json_t *, struct kh_feeds_advisory **,
                                 struct kh_diag *);

static record_fn
record_parser(enum kh_feeds_kind kind)
{
	switch (kind) {
	case KH_FEEDS_KEV: return feeds_kev_record;
	case KH_FEEDS_NVD: return feeds_nvd_record;
	case KH_FEEDS_OSV: return feeds_osv_record;
	case KH_FEEDS_CSAF: return feeds_csaf_record;
	case KH_FEEDS_DEBIAN: return feeds_debian_record;
	case KH_FEEDS_WARNING: return feeds_warning_json_record;
	case KH_FEEDS_EPSS:
	case KH_FEEDS_KIND_COUNT_: break;
	}
	return NULL;
}

enum kh_err
kh_feeds_parse_record(enum kh_feeds_kind kind, const json_t *rec,
                      struct kh_feeds_advisory **out, struct kh_diag *diag)
{
	record_fn fn = record_parser(kind);

	*out = NULL;
	if (fn == NULL)
		return kh_diag_set(diag, KH_EINVAL, NULL, 0, "%s: %s", kh_feeds_kind_name(kind),
		                   KH_MSG("has no JSON records", "không có bản ghi JSON"));
	return fn(rec, out, diag);
}

/* OSV: operating-system ecosystems we match inventories against. */
static bool
is_os_ecosystem(const char *eco)
{
	static const char *const os[] = { "Debian", "Ubuntu", "Alpine", "AlmaLinux", "Rocky Linux" };

	for (size_t i = 0; i < sizeof(os) / sizeof(os[0]); i++) {
		size_t n = strlen(os[i]);
		if (strncmp(eco, os[i], n) == 0 && (eco[n] == '\0' || eco[n] == ':'))
			return true;
	}
	return false;
}

static void
count_ecosystems(struct kh_feeds_stats *st, const struct kh_feeds_advisory *adv)
{
	for (size_t i = 0; i < adv->n_affected; i++)
		if (adv->affected[i].ecosystem != NULL && is_os_ecosystem(adv->affected[i].ecosystem)) {
			st->n_by_ecosystem_os++;
			return;
		}
	st->n_by_ecosystem_other++;
}

enum kh_err
feeds_run_record(struct feeds_run *run, const json_t *rec, size_t idx)
{
	struct kh_feeds_advisory *adv = NULL;
	struct kh_diag d;
	char *text = NULL;
	enum kh_err r;

	kh_diag_clear(&d);
	r = kh_feeds_parse_record(run->kind, rec, &adv, &d);
	if (r == KH_ENOMEM)
		return r;
	if (r != KH_OK) {
		kh_feeds_stats_skip(run->stats, run->what, idx, "%s", d.msg[0] ? d.msg : kh_strerror(r));
		return KH_OK;
	}
	if (run->kind == KH_FEEDS_OSV)
		count_ecosystems(run->stats, adv);
	run->stats->n_records++;
	if (run->sink == NULL || run->sink->advisory == NULL) {
		kh_feeds_advisory_free(adv);
		return KH_OK;
	}
	if ((text = feeds_json_dump(rec)) == NULL) {
		kh_feeds_advisory_free(adv);
		return KH_ENOMEM;
	}
	r = run->sink->advisory(run->sink->ctx, adv, text);
	kh_free(text);
	return r;
}

/* Parses the JSON once; detects the kind from it when not given. */
static enum kh_err
parse_json_kind(struct feeds_run *run, struct kh_cur data, struct kh_diag *diag)
{
	json_t *doc = NULL;
	enum kh_err r;

	if ((r = kh_json_parse(data, run->what, &doc, diag)) != KH_OK)
		return r;
	if (run->kind == KH_FEEDS_KIND_COUNT_ && !feeds_detect_doc(doc, &run->kind)) {
		json_decref(doc);
		return feeds_unknown_json(run->what, diag);
	}
	run->stats->kind = run->kind;
	switch (run->kind) {
	case KH_FEEDS_KEV: r = feeds_kev_split(run, doc, diag); break;
	case KH_FEEDS_NVD: r = feeds_nvd_split(run, doc, diag); break;
	case KH_FEEDS_OSV: r = feeds_osv_split(run, doc, diag); break;
	case KH_FEEDS_CSAF: r = feeds_csaf_split(run, doc, diag); break;
	case KH_FEEDS_DEBIAN: r = feeds_debian_split(run, doc, diag); break;
	case KH_FEEDS_WARNING: r = feeds_warning_split_json(run, doc, diag); break;
	default: r = KH_EINTERNAL; break;
	}
	json_decref(doc);
	return r;
}

enum kh_err
kh_feeds_parse(enum kh_feeds_kind kind, struct kh_cur data, const char *what,
               const struct kh_feeds_sink *sink, struct kh_feeds_stats *stats,
               struct kh_diag *diag)
{
	struct feeds_run run = { kind, what != NULL ? what : "-", sink, stats };
	uint64_t t0 = kh_time_mono_ns();
	enum kh_err r;

	stats->kind = kind;
	/* KH_FEEDS_KIND_COUNT_: detect; JSON is then parsed only once */
	if ((size_t)kind > KH_FEEDS_KIND_COUNT_)
		return KH_EINVAL;
	if (kind == KH_FEEDS_KIND_COUNT_ && kh_cur_peek(&data) != '{' && kh_cur_peek(&data) != '[') {
		if ((r = kh_feeds_detect(data, run.what, &kind, diag)) != KH_OK)
			return r;
		run.kind = stats->kind = kind;
	}
	if (kind == KH_FEEDS_EPSS)
		r = feeds_epss_parse(&run, data, diag);
	else if (kind == KH_FEEDS_WARNING && kh_cur_peek(&data) != '{' &&
	         kh_cur_peek(&data) != '[' && kh_cur_peek(&data) != ' ' &&
	         kh_cur_peek(&data) != '\n')
		r = feeds_warning_parse_csv(&run, data, diag);
	else
		r = parse_json_kind(&run, data, diag);
	stats->elapsed_ns += kh_time_mono_ns() - t0;
	return r;
}

static enum kh_err
set_advisory(void *ctx, struct kh_feeds_advisory *adv, const char *record_json)
{
	(void)record_json;
	return kh_feeds_set_add(ctx, adv);
}

static enum kh_err
set_epss(void *ctx, const struct kh_feeds_epss *row)
{
	struct kh_feeds_set *set = ctx;

	if (set->epss_score_date == NULL && row->score_date[0] != '\0' &&
	    (set->epss_score_date = kh_strdup(row->score_date)) == NULL)
		return KH_ENOMEM;
	return kh_feeds_set_add_epss(set, row);
}

enum kh_err
kh_feeds_parse_to_set(enum kh_feeds_kind kind, struct kh_cur data, const char *what,
                      struct kh_feeds_set *set, struct kh_feeds_stats *stats,
                      struct kh_diag *diag)
{
	struct kh_feeds_sink sink = { set_advisory, set_epss, set };

	return kh_feeds_parse(kind, data, what, &sink, stats, diag);
}
