/*
 * fuzz_feeds.h — the checks every feed-reader harness makes: no input may
 * crash or hang a reader; each advisory it yields has an id; and the
 * normalised record handed to the store parses back (what loading relies on).
 */
#ifndef KHIEN_FUZZ_FEEDS_H
#define KHIEN_FUZZ_FEEDS_H

#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "khien/feeds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_feeds_ctx {
	enum kh_feeds_kind kind;
	void (*extra)(const struct kh_feeds_advisory *adv);
	size_t n;
};

static enum kh_err
fuzz_feeds_advisory(void *ctx, struct kh_feeds_advisory *adv, const char *record_json)
{
	struct fuzz_feeds_ctx *c = ctx;
	struct kh_feeds_advisory *again = NULL;
	json_t *rec = NULL;

	if (adv->id == NULL || record_json == NULL)
		abort();
	if (kh_json_parse(kh_cur_from_str(record_json), "record", &rec, NULL) != KH_OK ||
	    kh_feeds_parse_record(c->kind, rec, &again, NULL) != KH_OK ||
	    strcmp(again->id, adv->id) != 0 || again->n_affected != adv->n_affected ||
	    again->configs.n != adv->configs.n || again->n_products != adv->n_products)
		abort();
	if (c->extra != NULL)
		c->extra(adv);
	json_decref(rec);
	kh_feeds_advisory_free(again);
	kh_feeds_advisory_free(adv);
	c->n++;
	return KH_OK;
}

static int
fuzz_feeds_run(enum kh_feeds_kind kind, const uint8_t *data, size_t size,
               void (*extra)(const struct kh_feeds_advisory *))
{
	struct fuzz_feeds_ctx ctx = { kind, extra, 0 };
	struct kh_feeds_sink sink = { fuzz_feeds_advisory, NULL, &ctx };
	struct kh_feeds_stats st;
	enum kh_feeds_kind detected;
	enum kh_err r;

	kh_feeds_stats_init(&st);
	r = kh_feeds_parse(kind, kh_cur_make(data, size), "fuzz", &sink, &st, NULL);
	if (r != KH_OK && r != KH_EFORMAT && r != KH_ELIMIT)
		abort();
	if (ctx.n != st.n_records || st.n_skips > st.n_skipped)
		abort();
	if (kh_feeds_detect(kh_cur_make(data, size), "fuzz", &detected, NULL) == KH_OK &&
	    (size_t)detected >= KH_FEEDS_KIND_COUNT_)
		abort();
	kh_feeds_stats_cleanup(&st);
	return 0;
}

#endif
