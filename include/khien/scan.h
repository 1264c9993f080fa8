/*
 * scan.h — the malware scanner: hash lists, YARA rules (libyara), one pass
 * over each file's bytes (rules + hashes + archives through libarchive), a
 * multithreaded walker, the scan cache, quarantine, and the output lines of
 * `khien scan` (text and JSON). See docs/scan.md.
 *
 * Thread-safety: a loaded hash list and rule set are read-only and shared by
 * every scanning thread. Event callbacks are called one at a time (under a
 * lock) from the scanning threads.
 */
#ifndef KHIEN_SCAN_H
#define KHIEN_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "khien/util.h"

/* ---- hash lists ---------------------------------------------------------- */

/*
 * A table of known-bad MD5 / SHA-1 / SHA-256 digests, each with a name and an
 * optional file size, sorted for binary search (about 40 bytes a hash).
 */
struct kh_scan_hashlist;

enum kh_err kh_scan_hashlist_new(struct kh_scan_hashlist **out) KH_WUR;
void kh_scan_hashlist_free(struct kh_scan_hashlist *hl);
/*
 * Adds every hash of a list in text. Formats, recognised line by line:
 * plain digests ("HEX" or sha256sum's "HEX  name"), ClamAV .hdb/.hsb/.hdu/.hsu
 * ("HEX:size:name[:flevel]", size may be "*"), signature-base hash-iocs.txt
 * ("HEX;comment") and CSV exports ("...,HEX,...", with a header row whose
 * signature/name/comment column names the hash). `#` starts a comment line.
 * source names the list in diagnostics and is the entry name when a line has
 * none. A malformed line is KH_EFORMAT naming source and line.
 */
enum kh_err kh_scan_hashlist_add_text(struct kh_scan_hashlist *hl,
                                      struct kh_cur text, const char *source,
                                      struct kh_diag *diag) KH_WUR;
/* Reads path (bounded by max_hashlist_bytes) and adds it. */
enum kh_err kh_scan_hashlist_load(struct kh_scan_hashlist *hl, const char *path,
                                  struct kh_diag *diag) KH_WUR;
/* Sorts the table; call after the last add and before lookups. */
enum kh_err kh_scan_hashlist_finish(struct kh_scan_hashlist *hl) KH_WUR;
size_t kh_scan_hashlist_count(const struct kh_scan_hashlist *hl);
/* Bit (1u << alg) set for each algorithm that has at least one hash. */
unsigned kh_scan_hashlist_algs(const struct kh_scan_hashlist *hl);
/* The entry name for a digest of a file of `size` bytes, else NULL. */
const char *kh_scan_hashlist_lookup(const struct kh_scan_hashlist *hl,
                                    enum kh_hash_alg alg, const uint8_t *digest,
                                    uint64_t size);
/* SHA-256 over the sorted table: changes whenever the hashes change. */
void kh_scan_hashlist_identity(const struct kh_scan_hashlist *hl, uint8_t out[32]);

/* ---- YARA rules ------------------------------------------------------------ */

struct kh_scan_rules;

/*
 * Loads rules from paths: a file compiled by kh_scan_rules_save (`khien rules
 * compile`), or YARA sources — a .yar/.yara file, or a directory whose every
 * .yar/.yara file (recursively) is compiled in its own namespace (its path
 * relative to the directory). The external variables filename, filepath,
 * extension, filetype and owner are declared (THOR/LOKI conventions) so
 * rule sets such as signature-base compile. A compile error is KH_EFORMAT
 * with the diag naming the source file and line.
 */
enum kh_err kh_scan_rules_load(const char *const *paths, size_t n_paths,
                               struct kh_scan_rules **out,
                               struct kh_diag *diag) KH_WUR;
enum kh_err kh_scan_rules_save(const struct kh_scan_rules *rules,
                               const char *path, struct kh_diag *diag) KH_WUR;
void kh_scan_rules_free(struct kh_scan_rules *rules);
size_t kh_scan_rules_count(const struct kh_scan_rules *rules);
/* SHA-256 of the compiled rules: the rule set's identity for the cache. */
void kh_scan_rules_identity(const struct kh_scan_rules *rules, uint8_t out[32]);

/* ---- events and results ---------------------------------------------------- */

enum kh_scan_event_type { KH_SCAN_EV_DETECTION, KH_SCAN_EV_ERROR };

/* One output line; every pointer is borrowed for the callback's duration. */
struct kh_scan_event {
	enum kh_scan_event_type type;
	const char *path;    /* archive members: "outer.zip!inner/dir/file" */
	/* detection */
	const char *match;   /* rule "namespace:rule" or hash-list entry name */
	const char *engine;  /* "yara" or "hash" */
	const char *sha256;  /* hex, of the bytes that matched */
	uint64_t size;
	time_t time;
	/* error */
	const char *message;
	const char *limit;   /* name of the limit hit, else NULL */
};

typedef void (*kh_scan_event_fn)(const struct kh_scan_event *ev, void *ctx);

struct kh_scan_summary {
	uint64_t files;       /* regular files examined (cached ones included) */
	uint64_t bytes;
	uint64_t cached;      /* served from the scan cache */
	uint64_t detections;
	uint64_t errors;
	double seconds;
};

/* JSON line of an event or summary (no newline) appended to out. */
enum kh_err kh_scan_event_json(const struct kh_scan_event *ev,
                               struct kh_buf *out) KH_WUR;
enum kh_err kh_scan_summary_json(const struct kh_scan_summary *s,
                                 struct kh_buf *out) KH_WUR;
/* Human line of an event, in the current language (no newline). */
enum kh_err kh_scan_event_text(const struct kh_scan_event *ev,
                               struct kh_buf *out) KH_WUR;

/* ---- the scanner ------------------------------------------------------------ */

struct kh_scan_options {
	unsigned n_threads;       /* 0: one per core */
	bool follow_symlinks;
	bool one_file_system;
	uint64_t max_file_bytes;  /* 0: the max_scan_file_bytes limit */
	const char *const *excludes; /* fnmatch globs on path and base name */
	size_t n_excludes;
	const char *cache_path;   /* NULL: no scan cache */
	const char *quarantine_dir; /* NULL: detected files stay in place */
	bool no_archives;         /* do not look inside archives */
	/* called after each file with bytes done (from scanning threads) */
	void (*progress)(uint64_t files, uint64_t bytes, void *ctx);
};

struct kh_scan;

/*
 * A scanner over borrowed rules and hash list (either may be NULL, not both).
 * Events go to fn(ev, fn_ctx). The rules and list must outlive it.
 */
enum kh_err kh_scan_new(const struct kh_scan_options *opts,
                        const struct kh_scan_rules *rules,
                        const struct kh_scan_hashlist *hashes,
                        kh_scan_event_fn fn, void *fn_ctx,
                        struct kh_scan **out, struct kh_diag *diag) KH_WUR;
void kh_scan_free(struct kh_scan *scan);
/*
 * Scans files and directory trees. Problems with single files are error
 * events, never a failure of the call: it fails only for a setup problem
 * (threads, memory, the cache file). Fills the summary.
 */
enum kh_err kh_scan_paths(struct kh_scan *scan, const char *const *paths,
                          size_t n_paths, struct kh_scan_summary *summary,
                          struct kh_diag *diag) KH_WUR;
/* Scans bytes in memory named `name` (archives are opened), in this thread. */
enum kh_err kh_scan_mem(struct kh_scan *scan, const char *name,
                        const void *data, size_t len,
                        struct kh_scan_summary *summary) KH_WUR;

/* ---- scan cache ------------------------------------------------------------- */

/* What identifies one version of a file without reading it. */
struct kh_scan_file_id {
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
};

/*
 * Files known clean under one rule-set identity, in one binary file loaded
 * with one read into an open-addressing table keyed by (dev, ino).
 */
struct kh_scan_cache;

/*
 * Opens the cache at path for a rule-set identity. A missing file, another
 * identity or a damaged file gives an empty cache (the last two are logged).
 */
enum kh_err kh_scan_cache_open(const char *path, const uint8_t identity[32],
                               struct kh_scan_cache **out,
                               struct kh_diag *diag) KH_WUR;
/*
 * True when this exact file version was verified clean. Git's "racily
 * clean" rule: an entry whose mtime or ctime is within KH_SCAN_CACHE_RACY_NS
 * of the moment its bytes were read is never trusted, because a rewrite in
 * the same timestamp tick would leave (size, mtime, ctime) unchanged.
 */
#define KH_SCAN_CACHE_RACY_NS (2100LL * 1000 * 1000) /* FAT: 2 s mtime steps */
bool kh_scan_cache_lookup(const struct kh_scan_cache *cache,
                          const struct kh_scan_file_id *id);
/* Records a clean file whose bytes were read at verified_ns (thread-safe). */
enum kh_err kh_scan_cache_note(struct kh_scan_cache *cache,
                               const struct kh_scan_file_id *id,
                               int64_t verified_ns) KH_WUR;
size_t kh_scan_cache_count(const struct kh_scan_cache *cache);
/* Writes the cache atomically (old entries and new notes). */
enum kh_err kh_scan_cache_save(struct kh_scan_cache *cache,
                               struct kh_diag *diag) KH_WUR;
void kh_scan_cache_free(struct kh_scan_cache *cache);

/* ---- quarantine ------------------------------------------------------------- */

#define KH_SCAN_QID_LEN 24 /* hex characters of a quarantine ID */

struct kh_scan_qentry {
	char id[KH_SCAN_QID_LEN + 1];
	char *path;     /* original path */
	char *match;
	char sha256[65];
	uint64_t size;
	uid_t uid;
	gid_t gid;
	unsigned mode;
	int64_t atime_ns, mtime_ns;
	time_t quarantined;
};

/*
 * Moves a file into dir (created 0700): its bytes XORed with a fixed key so
 * they neither run nor match a scanner, plus metadata. Crash-safe: the copy
 * is complete and synced before the original is unlinked, so the file is
 * always in place, in quarantine, or both. Refuses anything but a regular
 * file, and a file that changed while being copied.
 */
enum kh_err kh_scan_quarantine_file(const char *dir, const char *path,
                                    const char *match, char id_out[KH_SCAN_QID_LEN + 1],
                                    struct kh_diag *diag) KH_WUR;
/* Every entry of dir, oldest first; free with kh_scan_qentries_free. */
enum kh_err kh_scan_quarantine_list(const char *dir, struct kh_scan_qentry **out,
                                    size_t *n_out, struct kh_diag *diag) KH_WUR;
void kh_scan_qentries_free(struct kh_scan_qentry *entries, size_t n);
/*
 * Puts the exact bytes back at the original path with owner (when allowed),
 * mode and times, after checking the SHA-256; refuses to overwrite an
 * existing file. Then removes the entry.
 */
enum kh_err kh_scan_quarantine_restore(const char *dir, const char *id,
                                       struct kh_diag *diag) KH_WUR;
enum kh_err kh_scan_quarantine_delete(const char *dir, const char *id,
                                      struct kh_diag *diag) KH_WUR;

/* ---- the record kept in the store ------------------------------------------ */

struct kh_store;

/*
 * A scan's detections, copied as they arrive (kh_scan_log_add from the event
 * callback), then saved with the summary as one run in the store: tables
 * scan_runs and scan_detections (docs/scan.md), created by the scan module's
 * migration when absent. Not thread-safe by itself: call add from the event
 * callback, which the scanner serialises.
 */
struct kh_scan_log;

enum kh_err kh_scan_log_new(struct kh_scan_log **out) KH_WUR;
void kh_scan_log_free(struct kh_scan_log *log);
/* Keeps a copy of a detection (errors are only counted by the summary). */
enum kh_err kh_scan_log_add(struct kh_scan_log *log,
                            const struct kh_scan_event *ev) KH_WUR;
/* Writes the run and its detections in one transaction; the run's id out. */
enum kh_err kh_scan_log_save(const struct kh_scan_log *log, struct kh_store *st,
                             const struct kh_scan_summary *sum, time_t started,
                             int64_t *run_id, struct kh_diag *diag) KH_WUR;

/*
 * Test control (after SQLite's sqlite3_test_control): called at fixed points
 * of one file's scan so a test can change the file at exactly that moment —
 * delete it before it is opened, truncate or rewrite it once it is mapped.
 * Process-wide; NULL (the default) in production. Not thread-safe to set
 * while a scan runs.
 */
struct kh_scan_test_hooks {
	void (*before_open)(const char *path, void *ctx);
	void (*after_read_start)(const char *path, void *ctx); /* mapped or opened */
	void *ctx;
};
void kh_scan_set_test_hooks(const struct kh_scan_test_hooks *hooks);

#endif
