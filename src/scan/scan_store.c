/*
 * scan_store.c — every scan's summary and detections in the store, for the
 * sharing, agent and server work built on them. The tables are schema
 * migration 2 (src/store/migrations.c).
 */
#include <string.h>

#include "khien/scan.h"
#include "khien/store.h"

struct detection {
	char *path, *match, *engine, *sha256;
	uint64_t size;
	time_t time;
};

struct kh_scan_log {
	struct detection *items;
	size_t n, cap;
};

enum kh_err
kh_scan_log_new(struct kh_scan_log **out)
{
	*out = kh_calloc(1, sizeof(**out));
	return *out == NULL ? KH_ENOMEM : KH_OK;
}

static void
detection_free(struct detection *d)
{
	kh_free(d->path);
	kh_free(d->match);
	kh_free(d->engine);
	kh_free(d->sha256);
}

void
kh_scan_log_free(struct kh_scan_log *log)
{
	if (log == NULL)
		return;
	for (size_t i = 0; i < log->n; i++)
		detection_free(&log->items[i]);
	kh_free(log->items);
	kh_free(log);
}

enum kh_err
kh_scan_log_add(struct kh_scan_log *log, const struct kh_scan_event *ev)
{
	struct detection d = { 0 };

	if (ev->type != KH_SCAN_EV_DETECTION)
		return KH_OK;
	if (log->n == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 16;
		struct detection *n = kh_reallocarray(log->items, cap, sizeof(*n));
		if (n == NULL)
			return KH_ENOMEM;
		log->items = n;
		log->cap = cap;
	}
	d.path = kh_strdup(ev->path);
	d.match = kh_strdup(ev->match);
	d.engine = kh_strdup(ev->engine);
	d.sha256 = kh_strdup(ev->sha256 ? ev->sha256 : "");
	d.size = ev->size;
	d.time = ev->time;
	if (d.path == NULL || d.match == NULL || d.engine == NULL || d.sha256 == NULL) {
		detection_free(&d);
		return KH_ENOMEM;
	}
	log->items[log->n++] = d;
	return KH_OK;
}

static enum kh_err
insert_run(struct kh_store *st, const struct kh_scan_summary *sum, time_t started,
           int64_t *run_id, struct kh_diag *diag)
{
	struct kh_store_stmt *q = NULL;
	char when[32];
	bool row;
	enum kh_err r;

	kh_time_iso8601(started, when, sizeof(when));
	if ((r = kh_store_prepare(st, "INSERT INTO scan_runs (started_at, duration_ms, files, bytes,"
	                              " cached, detections, errors) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                          &q, diag)) != KH_OK)
		return r;
	if ((r = kh_store_bind_text(q, 1, when)) == KH_OK &&
	    (r = kh_store_bind_int64(q, 2, (int64_t)(sum->seconds * 1000))) == KH_OK &&
	    (r = kh_store_bind_int64(q, 3, (int64_t)sum->files)) == KH_OK &&
	    (r = kh_store_bind_int64(q, 4, (int64_t)sum->bytes)) == KH_OK &&
	    (r = kh_store_bind_int64(q, 5, (int64_t)sum->cached)) == KH_OK &&
	    (r = kh_store_bind_int64(q, 6, (int64_t)sum->detections)) == KH_OK &&
	    (r = kh_store_bind_int64(q, 7, (int64_t)sum->errors)) == KH_OK)
		r = kh_store_step(q, &row, diag);
	kh_store_stmt_free(q);
	if (r != KH_OK)
		return r;
	/* the run's id: the newest row (one writer inside this transaction) */
	if ((r = kh_store_prepare(st, "SELECT max(id) FROM scan_runs", &q, diag)) != KH_OK)
		return r;
	if ((r = kh_store_step(q, &row, diag)) == KH_OK)
		*run_id = row ? kh_store_column_int64(q, 0) : 0;
	kh_store_stmt_free(q);
	return r;
}

static enum kh_err
insert_detections(const struct kh_scan_log *log, struct kh_store *st, int64_t run_id,
                  struct kh_diag *diag)
{
	struct kh_store_stmt *q = NULL;
	enum kh_err r;

	if ((r = kh_store_prepare(st, "INSERT INTO scan_detections (run_id, path, match, engine,"
	                              " sha256, size, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                          &q, diag)) != KH_OK)
		return r;
	for (size_t i = 0; i < log->n && r == KH_OK; i++) {
		const struct detection *d = &log->items[i];
		char when[32];
		bool row;
		kh_time_iso8601(d->time, when, sizeof(when));
		kh_store_reset(q);
		if ((r = kh_store_bind_int64(q, 1, run_id)) == KH_OK &&
		    (r = kh_store_bind_text(q, 2, d->path)) == KH_OK &&
		    (r = kh_store_bind_text(q, 3, d->match)) == KH_OK &&
		    (r = kh_store_bind_text(q, 4, d->engine)) == KH_OK &&
		    (r = kh_store_bind_text(q, 5, d->sha256[0] ? d->sha256 : NULL)) == KH_OK &&
		    (r = kh_store_bind_int64(q, 6, (int64_t)d->size)) == KH_OK &&
		    (r = kh_store_bind_text(q, 7, when)) == KH_OK)
			r = kh_store_step(q, &row, diag);
	}
	kh_store_stmt_free(q);
	return r;
}

enum kh_err
kh_scan_log_save(const struct kh_scan_log *log, struct kh_store *st,
                 const struct kh_scan_summary *sum, time_t started, int64_t *run_id,
                 struct kh_diag *diag)
{
	enum kh_err r;

	*run_id = 0;
	if ((r = kh_store_begin(st, diag)) != KH_OK)
		return r;
	if ((r = insert_run(st, sum, started, run_id, diag)) == KH_OK &&
	    (r = insert_detections(log, st, *run_id, diag)) == KH_OK &&
	    (r = kh_store_commit(st, diag)) == KH_OK)
		return KH_OK;
	kh_store_rollback(st);
	*run_id = 0;
	return r;
}
