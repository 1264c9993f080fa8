/*
 * scan_int.h — what the scan module's files share: the scanner, the
 * per-thread worker (its YARA scanner, hash contexts and archive buffers,
 * reused for every file), and the helpers between engine, archive, walker.
 */
#ifndef KHIEN_SCAN_INT_H
#define KHIEN_SCAN_INT_H

#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <yara.h>

#include "khien/scan.h"

#define SCAN_MAX_DEPTH 64           /* hard cap on the nesting array */
#define SCAN_SMALL_FILE (64u << 10) /* smaller files are read, not mapped */
#define SCAN_MAX_MATCHES 1024       /* rule matches reported per object */

struct kh_scan {
	struct kh_scan_options opts;
	char **excludes;
	const struct kh_scan_rules *rules;
	YR_RULES *yr_rules;
	const struct kh_scan_hashlist *hashes;
	unsigned hash_algs;         /* bits (1u << alg) of lists present */
	uint64_t max_file_bytes;
	struct kh_scan_cache *cache;
	kh_scan_event_fn fn;
	void *fn_ctx;
	pthread_mutex_t ev_lock;
	atomic_uint_fast64_t files, bytes, cached, detections, errors;
	atomic_uint_fast64_t progress_ns;
	struct scan_worker *mem_worker; /* for kh_scan_mem */
};

struct member_buf {
	uint8_t *p;
	size_t cap;
};

struct scan_worker {
	struct kh_scan *scan;
	YR_SCANNER *yr;
	struct kh_hash *hash[3];
	struct member_buf bufs[SCAN_MAX_DEPTH + 1];
	struct archive *open_archives[SCAN_MAX_DEPTH + 1]; /* freed after a fault */
	uint8_t *small;             /* SCAN_SMALL_FILE bytes */
	/* the top-level file being scanned */
	uint64_t archive_bytes, archive_members;
	bool file_detected, file_error;
	char first_match[256];
	uid_t owner_uid;
	bool have_owner;
	char owner[64];
	/* YARA matches of the current object */
	char matches[SCAN_MAX_MATCHES][192];
	int n_matches;
	bool too_many_matches;
};

/* libyara's yr_initialize/yr_finalize, counted so rules and scanners share them. */
enum kh_err kh_scan_yara_init(void) KH_WUR;
void kh_scan_yara_fini(void);
YR_RULES *kh_scan_rules_yr(const struct kh_scan_rules *rules);

/* "EXE", "ELF", "ZIP", ... from the first bytes (THOR's filetype), or "". */
const char *kh_scan_filetype(const uint8_t *p, size_t len);
/* True when libarchive should open these bytes. */
bool kh_scan_is_archive(const uint8_t *p, size_t len);

enum kh_err kh_scan_worker_new(struct kh_scan *scan, struct scan_worker **out) KH_WUR;
void kh_scan_worker_free(struct scan_worker *w);
/* After a SIGBUS escaped a scan: drop state libyara/libarchive left half-done. */
enum kh_err kh_scan_worker_recover(struct scan_worker *w) KH_WUR;
/* Resets per-file state before a top-level file. */
void kh_scan_worker_begin_file(struct scan_worker *w, const struct stat *st);
/* Drops large archive buffers after a file so memory stays bounded. */
void kh_scan_worker_end_file(struct scan_worker *w);

/*
 * Scans one object's bytes: YARA (unless skip_yara), the hashes the lists
 * need, then archive members (depth 0 is a file on disk).
 */
void kh_scan_engine_object(struct scan_worker *w, const char *display,
                           const uint8_t *p, size_t len, int depth, bool skip_yara);
/* Hashes a file too large for rules by reading it (fd at offset 0). */
void kh_scan_engine_hash_fd(struct scan_worker *w, const char *display, int fd);
/* Opens an archive's members and scans each at depth + 1. */
void kh_scan_archive_walk(struct scan_worker *w, const char *display,
                          const uint8_t *p, size_t len, int depth);

/* Events: serialised, counted; limit may be NULL. */
void kh_scan_emit_error(struct scan_worker *w, const char *path, const char *limit,
                        const char *fmt, ...) KH_PRINTF(4, 5);
void kh_scan_emit_detection(struct scan_worker *w, const char *path,
                            const char *match, const char *engine,
                            const char *sha256_hex, uint64_t size);

/* SIGBUS from a mapped file that shrank: a per-thread escape to sigsetjmp. */
void kh_scan_sigbus_install(void);
extern __thread sigjmp_buf *kh_scan_sigbus_jmp;

/* Counters of one kh_scan_paths/kh_scan_mem run. */
void kh_scan_counters_reset(struct kh_scan *s);
void kh_scan_summary_fill(struct kh_scan *s, struct kh_scan_summary *sum,
                          uint64_t start_ns);

/* CLOCK_REALTIME in nanoseconds (the clock file timestamps use). */
int64_t kh_scan_now_ns(void);

#endif
