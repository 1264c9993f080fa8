/*
 * scanner.c — the scanner object: options, shared read-only rules and hash
 * lists, the cache, and the serialised, counted stream of events.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "khien/limits.h"
#include "scan_int.h"

int64_t
kh_scan_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
emit(struct kh_scan *s, const struct kh_scan_event *ev)
{
	pthread_mutex_lock(&s->ev_lock);
	if (s->fn != NULL)
		s->fn(ev, s->fn_ctx);
	pthread_mutex_unlock(&s->ev_lock);
}

void
kh_scan_emit_error(struct scan_worker *w, const char *path, const char *limit,
                   const char *fmt, ...)
{
	struct kh_scan_event ev;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	memset(&ev, 0, sizeof(ev));
	ev.type = KH_SCAN_EV_ERROR;
	ev.path = path;
	ev.message = msg;
	ev.limit = limit;
	ev.time = time(NULL);
	w->file_error = true;
	atomic_fetch_add(&w->scan->errors, 1);
	emit(w->scan, &ev);
}

void
kh_scan_emit_detection(struct scan_worker *w, const char *path, const char *match,
                       const char *engine, const char *sha256_hex, uint64_t size)
{
	struct kh_scan_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = KH_SCAN_EV_DETECTION;
	ev.path = path;
	ev.match = match;
	ev.engine = engine;
	ev.sha256 = sha256_hex;
	ev.size = size;
	ev.time = time(NULL);
	if (!w->file_detected)
		kh_strlcpy(w->first_match, match, sizeof(w->first_match));
	w->file_detected = true;
	atomic_fetch_add(&w->scan->detections, 1);
	emit(w->scan, &ev);
}

static enum kh_err
copy_excludes(struct kh_scan *s, const struct kh_scan_options *o)
{
	if (o->n_excludes == 0)
		return KH_OK;
	if ((s->excludes = kh_calloc(o->n_excludes, sizeof(char *))) == NULL)
		return KH_ENOMEM;
	for (size_t i = 0; i < o->n_excludes; i++)
		if ((s->excludes[i] = kh_strdup(o->excludes[i])) == NULL)
			return KH_ENOMEM;
	s->opts.excludes = (const char *const *)s->excludes;
	return KH_OK;
}

/* Identity of everything that decides a verdict: rules, hashes, size cap. */
static void
verdict_identity(const struct kh_scan *s, uint8_t out[32])
{
	uint8_t parts[2][32];
	struct kh_hash *h = NULL;

	kh_scan_rules_identity(s->rules, parts[0]);
	kh_scan_hashlist_identity(s->hashes, parts[1]);
	memset(out, 0, 32);
	if (kh_hash_new(KH_HASH_SHA256, &h) != KH_OK)
		return;
	/* Whatever changes a verdict is part of it: limits and archive scanning too. */
	uint64_t knobs[] = { s->max_file_bytes, s->opts.no_archives,
		             KH_LIMIT(max_archive_depth), KH_LIMIT(max_archive_members),
		             KH_LIMIT(max_archive_member_bytes), KH_LIMIT(max_archive_total_bytes),
		             KH_LIMIT(max_archive_ratio) };
	if (kh_hash_update(h, parts, sizeof(parts)) != KH_OK ||
	    kh_hash_update(h, knobs, sizeof(knobs)) != KH_OK ||
	    kh_hash_final(h, out) != KH_OK)
		memset(out, 0, 32);
	kh_hash_free(h);
}

enum kh_err
kh_scan_new(const struct kh_scan_options *opts, const struct kh_scan_rules *rules,
            const struct kh_scan_hashlist *hashes, kh_scan_event_fn fn, void *fn_ctx,
            struct kh_scan **out, struct kh_diag *diag)
{
	struct kh_scan *s = NULL;
	uint8_t identity[32];
	enum kh_err r = KH_ENOMEM;

	*out = NULL;
	if (rules == NULL && kh_scan_hashlist_count(hashes) == 0)
		return kh_diag_set(diag, KH_EINVAL, NULL, 0, "%s",
		                   KH_MSG("nothing to scan with: give --rules or --hashes",
		                          "không có gì để quét: cần --rules hoặc --hashes"));
	if ((s = kh_calloc(1, sizeof(*s))) == NULL)
		return KH_ENOMEM;
	pthread_mutex_init(&s->ev_lock, NULL);
	s->opts = *opts;
	s->opts.excludes = NULL;
	s->opts.n_excludes = opts->n_excludes;
	s->rules = rules;
	s->yr_rules = kh_scan_rules_yr(rules);
	s->hashes = hashes;
	s->hash_algs = kh_scan_hashlist_algs(hashes);
	s->max_file_bytes = opts->max_file_bytes ? opts->max_file_bytes
	                                         : KH_LIMIT(max_scan_file_bytes);
	s->fn = fn;
	s->fn_ctx = fn_ctx;
	if ((r = copy_excludes(s, opts)) != KH_OK)
		goto out;
	verdict_identity(s, identity);
	if (opts->cache_path != NULL &&
	    (r = kh_scan_cache_open(opts->cache_path, identity, &s->cache, diag)) != KH_OK)
		goto out;
	kh_scan_sigbus_install();
	*out = s;
	s = NULL;
	r = KH_OK;
out:
	kh_scan_free(s);
	return r;
}

void
kh_scan_free(struct kh_scan *s)
{
	if (s == NULL)
		return;
	kh_scan_worker_free(s->mem_worker);
	kh_scan_cache_free(s->cache);
	for (size_t i = 0; s->excludes != NULL && i < s->opts.n_excludes; i++)
		kh_free(s->excludes[i]);
	kh_free(s->excludes);
	pthread_mutex_destroy(&s->ev_lock);
	kh_free(s);
}

static void
fill_summary(struct kh_scan *s, struct kh_scan_summary *sum, uint64_t start_ns)
{
	if (sum == NULL)
		return;
	sum->files = atomic_load(&s->files);
	sum->bytes = atomic_load(&s->bytes);
	sum->cached = atomic_load(&s->cached);
	sum->detections = atomic_load(&s->detections);
	sum->errors = atomic_load(&s->errors);
	sum->seconds = (double)(kh_time_mono_ns() - start_ns) / 1e9;
}

void
kh_scan_counters_reset(struct kh_scan *s)
{
	atomic_store(&s->files, 0);
	atomic_store(&s->bytes, 0);
	atomic_store(&s->cached, 0);
	atomic_store(&s->detections, 0);
	atomic_store(&s->errors, 0);
}

void
kh_scan_summary_fill(struct kh_scan *s, struct kh_scan_summary *sum, uint64_t start_ns)
{
	fill_summary(s, sum, start_ns);
}

enum kh_err
kh_scan_mem(struct kh_scan *s, const char *name, const void *data, size_t len,
            struct kh_scan_summary *summary)
{
	uint64_t start = kh_time_mono_ns();
	enum kh_err r;

	kh_scan_counters_reset(s);
	if (s->mem_worker == NULL && (r = kh_scan_worker_new(s, &s->mem_worker)) != KH_OK)
		return r;
	kh_scan_worker_begin_file(s->mem_worker, NULL);
	atomic_fetch_add(&s->files, 1);
	atomic_fetch_add(&s->bytes, len);
	kh_scan_engine_object(s->mem_worker, name, data, len, 0, len > s->max_file_bytes);
	kh_scan_worker_end_file(s->mem_worker);
	fill_summary(s, summary, start);
	return KH_OK;
}
