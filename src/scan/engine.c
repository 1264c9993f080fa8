/*
 * engine.c — the one pass over an object's bytes: YARA rules (a per-thread
 * libyara scanner), the digests the hash lists need (computed together in
 * cache-sized chunks), then archive members. Nothing is allocated per file.
 */
#include <archive.h>
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "khien/limits.h"
#include "scan_int.h"

#define HASH_CHUNK ((size_t)256 << 10) /* stays in L2 while every digest reads it */
#define N_ALGS 3

static enum kh_err
make_yara_scanner(struct scan_worker *w)
{
	if (w->scan->yr_rules == NULL)
		return KH_OK;
	if (yr_scanner_create(w->scan->yr_rules, &w->yr) != ERROR_SUCCESS) {
		w->yr = NULL;
		return KH_ENOMEM;
	}
	/* Our own SIGBUS guard covers the scan (sigbus.c): libyara's would
	 * swap process-wide signal handlers around every file. */
	yr_scanner_set_flags(w->yr, SCAN_FLAGS_NO_TRYCATCH);
	return KH_OK;
}

enum kh_err
kh_scan_worker_new(struct kh_scan *scan, struct scan_worker **out)
{
	struct scan_worker *w;
	enum kh_err r = KH_ENOMEM;

	*out = NULL;
	if ((w = kh_calloc(1, sizeof(*w))) == NULL)
		return KH_ENOMEM;
	w->scan = scan;
	if ((w->small = kh_malloc(SCAN_SMALL_FILE)) == NULL)
		goto out;
	for (int a = 0; a < N_ALGS; a++)
		if ((r = kh_hash_new((enum kh_hash_alg)a, &w->hash[a])) != KH_OK)
			goto out;
	if ((r = make_yara_scanner(w)) != KH_OK)
		goto out;
	*out = w;
	w = NULL;
out:
	kh_scan_worker_free(w);
	return r;
}

void
kh_scan_worker_free(struct scan_worker *w)
{
	if (w == NULL)
		return;
	if (w->yr != NULL)
		yr_scanner_destroy(w->yr);
	for (int a = 0; a < N_ALGS; a++)
		kh_hash_free(w->hash[a]);
	for (int d = 0; d <= SCAN_MAX_DEPTH; d++)
		kh_free(w->bufs[d].p);
	kh_free(w->small);
	kh_free(w);
}

enum kh_err
kh_scan_worker_recover(struct scan_worker *w)
{
	for (int d = 0; d <= SCAN_MAX_DEPTH; d++) {
		if (w->open_archives[d] != NULL)
			archive_read_free(w->open_archives[d]);
		w->open_archives[d] = NULL;
	}
	if (w->yr != NULL)
		yr_scanner_destroy(w->yr);
	w->yr = NULL;
	for (int a = 0; a < N_ALGS; a++) {
		kh_hash_free(w->hash[a]);
		w->hash[a] = NULL;
	}
	for (int a = 0; a < N_ALGS; a++)
		if (kh_hash_new((enum kh_hash_alg)a, &w->hash[a]) != KH_OK)
			return KH_ENOMEM;
	return make_yara_scanner(w);
}

void
kh_scan_worker_begin_file(struct scan_worker *w, const struct stat *st)
{
	w->archive_bytes = 0;
	w->archive_members = 0;
	w->file_detected = false;
	w->file_error = false;
	w->first_match[0] = '\0';
	if (st != NULL && (!w->have_owner || w->owner_uid != st->st_uid)) {
		struct passwd pw, *found = NULL;
		char pwbuf[1024];
		w->owner_uid = st->st_uid;
		w->have_owner = true;
		if (getpwuid_r(st->st_uid, &pw, pwbuf, sizeof(pwbuf), &found) == 0 && found)
			kh_strlcpy(w->owner, found->pw_name, sizeof(w->owner));
		else if (kh_snprintf(w->owner, sizeof(w->owner), "%u", (unsigned)st->st_uid) != KH_OK)
			w->owner[0] = '\0';
	}
}

void
kh_scan_worker_end_file(struct scan_worker *w)
{
	for (int d = 0; d <= SCAN_MAX_DEPTH; d++) {
		if (w->bufs[d].cap > ((size_t)32 << 20)) {
			kh_free(w->bufs[d].p);
			w->bufs[d].p = NULL;
			w->bufs[d].cap = 0;
		}
	}
}

/* ---- YARA ------------------------------------------------------------------ */

static int
yara_callback(YR_SCAN_CONTEXT *ctx, int message, void *data, void *user)
{
	struct scan_worker *w = user;
	YR_RULE *rule = data;

	(void)ctx;
	if (message == CALLBACK_MSG_TOO_MANY_MATCHES) {
		w->too_many_matches = true;
		return CALLBACK_CONTINUE;
	}
	if (message != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	if (w->n_matches >= SCAN_MAX_MATCHES) {
		w->too_many_matches = true; /* reported after the scan */
		return CALLBACK_CONTINUE;
	}
	/* "namespace:rule" unless the rules came from one file (namespace default) */
	if (strcmp(rule->ns->name, "default") == 0)
		kh_strlcpy(w->matches[w->n_matches], rule->identifier, sizeof(w->matches[0]));
	else if (kh_snprintf(w->matches[w->n_matches], sizeof(w->matches[0]), "%s:%s",
	                     rule->ns->name, rule->identifier) != KH_OK)
		kh_strlcpy(w->matches[w->n_matches], rule->identifier, sizeof(w->matches[0]));
	w->n_matches++;
	return CALLBACK_CONTINUE;
}

/* THOR's externals: filepath is the directory, extension is ".ext" lowercase. */
static void
define_externals(struct scan_worker *w, const char *display, const uint8_t *p,
                 size_t len)
{
	const char *bang = strrchr(display, '!');
	const char *name_start = bang ? bang + 1 : display;
	const char *slash = strrchr(name_start, '/');
	const char *base = slash ? slash + 1 : name_start;
	const char *dot = strrchr(base, '.');
	char dir[4096], ext[64];
	size_t dlen = (size_t)(base - display);

	if (dlen > 0 && display[dlen - 1] == '/')
		dlen--;
	if (dlen >= sizeof(dir))
		dlen = sizeof(dir) - 1;
	memcpy(dir, display, dlen);
	dir[dlen] = '\0';
	ext[0] = '\0';
	if (dot != NULL && dot != base && strlen(dot) < sizeof(ext))
		for (size_t i = 0; i <= strlen(dot); i++)
			ext[i] = (char)(dot[i] >= 'A' && dot[i] <= 'Z' ? dot[i] + 32 : dot[i]);
	/* Rules compiled elsewhere may not declare them: errors are ignored. */
	(void)yr_scanner_define_string_variable(w->yr, "filename", base);
	(void)yr_scanner_define_string_variable(w->yr, "filepath", dir);
	(void)yr_scanner_define_string_variable(w->yr, "extension", ext);
	(void)yr_scanner_define_string_variable(w->yr, "filetype", kh_scan_filetype(p, len));
	(void)yr_scanner_define_string_variable(w->yr, "owner", w->owner);
}

static void
run_yara(struct scan_worker *w, const char *display, const uint8_t *p, size_t len)
{
	int yr;

	w->n_matches = 0;
	w->too_many_matches = false;
	define_externals(w, display, p, len);
	yr_scanner_set_callback(w->yr, yara_callback, w);
	yr = yr_scanner_scan_mem(w->yr, p, len);
	if (yr != ERROR_SUCCESS)
		kh_scan_emit_error(w, display, NULL, "%s (libyara %d)",
		                   KH_MSG("YARA scan failed", "quét YARA thất bại"), yr);
	if (w->too_many_matches)
		kh_scan_emit_error(w, display, NULL, "%s",
		                   KH_MSG("too many matches (strings or rules); some are not reported",
		                          "quá nhiều kết quả khớp (chuỗi hoặc luật); một số không được báo"));
}

/* ---- hashes ---------------------------------------------------------------- */

static bool
digest_all(struct scan_worker *w, unsigned algs, const uint8_t *p, size_t len,
           uint8_t digests[N_ALGS][KH_HASH_MAX_BYTES])
{
	for (size_t off = 0; off < len || off == 0; off += HASH_CHUNK) {
		size_t n = len - off < HASH_CHUNK ? len - off : HASH_CHUNK;
		for (int a = 0; a < N_ALGS; a++)
			if ((algs & (1u << a)) && kh_hash_update(w->hash[a], p + off, n) != KH_OK)
				return false;
		if (len == 0)
			break;
	}
	for (int a = 0; a < N_ALGS; a++)
		if ((algs & (1u << a)) && kh_hash_final(w->hash[a], digests[a]) != KH_OK)
			return false;
	return true;
}

static void
report_object(struct scan_worker *w, const char *display, const uint8_t *p, size_t len,
              bool yara_ran)
{
	const struct kh_scan *s = w->scan;
	uint8_t digests[N_ALGS][KH_HASH_MAX_BYTES];
	unsigned algs = s->hash_algs;
	char sha_hex[65];

	if (yara_ran && w->n_matches > 0)
		algs |= 1u << KH_HASH_SHA256; /* detections carry the SHA-256 */
	if (algs == 0)
		return;
	if (!digest_all(w, algs, p, len, digests)) {
		kh_scan_emit_error(w, display, NULL, "%s", KH_MSG("hashing failed", "lỗi tính băm"));
		return;
	}
	sha_hex[0] = '\0';
	if (algs & (1u << KH_HASH_SHA256))
		kh_hex_encode(digests[KH_HASH_SHA256], 32, sha_hex);
	for (int i = 0; yara_ran && i < w->n_matches; i++)
		kh_scan_emit_detection(w, display, w->matches[i], "yara", sha_hex, len);
	for (int a = 0; a < N_ALGS; a++) {
		const char *name;
		if (!(s->hash_algs & (1u << a)))
			continue;
		name = kh_scan_hashlist_lookup(s->hashes, (enum kh_hash_alg)a, digests[a], len);
		if (name != NULL) {
			if (sha_hex[0] == '\0' && kh_hash_hex(KH_HASH_SHA256, p, len, sha_hex,
			                                      sizeof(sha_hex)) != KH_OK)
				sha_hex[0] = '\0';
			kh_scan_emit_detection(w, display, name, "hash", sha_hex, len);
			break; /* one hash detection per object is enough */
		}
	}
}

void
kh_scan_engine_object(struct scan_worker *w, const char *display, const uint8_t *p,
                      size_t len, int depth, bool skip_yara)
{
	bool yara_ran = !skip_yara && w->yr != NULL;

	w->n_matches = 0;
	if (yara_ran)
		run_yara(w, display, p, len);
	report_object(w, display, p, len, yara_ran);
	if (w->scan->opts.no_archives || !kh_scan_is_archive(p, len))
		return;
	if ((uint64_t)depth >= KH_LIMIT(max_archive_depth) || depth >= SCAN_MAX_DEPTH) {
		kh_scan_emit_error(w, display, "max_archive_depth", "%s",
		                   KH_MSG("archive nested too deep: members not scanned",
		                          "tệp nén lồng quá sâu: không quét các tệp bên trong"));
		return;
	}
	kh_scan_archive_walk(w, display, p, len, depth);
}

static bool
hash_stream(struct scan_worker *w, const char *display, int fd, unsigned algs,
            uint8_t digests[N_ALGS][KH_HASH_MAX_BYTES], uint64_t *done)
{
	*done = 0;
	while (true) {
		ssize_t n = read(fd, w->small, SCAN_SMALL_FILE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			kh_scan_emit_error(w, display, NULL, "%s", strerror(errno));
			return false;
		}
		if (n == 0)
			break;
		*done += (uint64_t)n;
		for (int a = 0; a < N_ALGS; a++)
			if ((algs & (1u << a)) &&
			    kh_hash_update(w->hash[a], w->small, (size_t)n) != KH_OK)
				return false;
	}
	for (int a = 0; a < N_ALGS; a++)
		if ((algs & (1u << a)) && kh_hash_final(w->hash[a], digests[a]) != KH_OK)
			return false;
	return true;
}

/* Files hashed without rules (too large, or no rules): read in chunks. */
void
kh_scan_engine_hash_fd(struct scan_worker *w, const char *display, int fd)
{
	const struct kh_scan *s = w->scan;
	uint8_t digests[N_ALGS][KH_HASH_MAX_BYTES];
	uint64_t done = 0, again;
	const char *name = NULL;
	char hex[65] = "";

	if (s->hash_algs == 0 || lseek(fd, 0, SEEK_SET) != 0 ||
	    !hash_stream(w, display, fd, s->hash_algs, digests, &done))
		return;
	for (int a = 0; a < N_ALGS && name == NULL; a++)
		if (s->hash_algs & (1u << a))
			name = kh_scan_hashlist_lookup(s->hashes, (enum kh_hash_alg)a, digests[a], done);
	if (name == NULL)
		return;
	/* a hit on MD5 or SHA-1: the report still carries the SHA-256 */
	if (!(s->hash_algs & (1u << KH_HASH_SHA256)) &&
	    (lseek(fd, 0, SEEK_SET) != 0 ||
	     !hash_stream(w, display, fd, 1u << KH_HASH_SHA256, digests, &again)))
		digests[KH_HASH_SHA256][0] = 0, hex[0] = '\0';
	else
		kh_hex_encode(digests[KH_HASH_SHA256], 32, hex);
	kh_scan_emit_detection(w, display, name, "hash", hex, done);
}
