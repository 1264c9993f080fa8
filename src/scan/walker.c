/*
 * walker.c — walks the trees to scan (fts, no symlinks followed unless asked,
 * optionally one file system), answers unchanged files from the scan cache,
 * and feeds a bounded queue read by the scanning threads, each of which
 * maps (or, for small files, reads) a file and runs the engine over it.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <fts.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scan_int.h"

#define QUEUE_SLOTS 256
#define PROGRESS_EVERY_NS (200LL * 1000 * 1000)

struct job {
	char path[PATH_MAX];
	struct kh_scan_file_id id;
};

struct queue {
	struct job *jobs;
	size_t head, count;
	bool done;
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
};

struct thread_arg {
	struct queue *q;
	struct scan_worker *w;
	pthread_t tid;
	bool started;
};

static struct kh_scan_file_id
file_id(const struct stat *st)
{
	struct kh_scan_file_id id = {
		(uint64_t)st->st_dev, (uint64_t)st->st_ino, (uint64_t)st->st_size,
		(int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec,
		(int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec,
	};
	return id;
}

static bool
same_version(const struct kh_scan_file_id *a, const struct kh_scan_file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

static void
report_progress(struct kh_scan *s)
{
	uint64_t now = kh_time_mono_ns(), last = atomic_load(&s->progress_ns);

	if (s->opts.progress == NULL || now - last < PROGRESS_EVERY_NS ||
	    !atomic_compare_exchange_strong(&s->progress_ns, &last, now))
		return;
	pthread_mutex_lock(&s->ev_lock);
	s->opts.progress(atomic_load(&s->files), atomic_load(&s->bytes), s->fn_ctx);
	pthread_mutex_unlock(&s->ev_lock);
}

static bool
read_small(int fd, uint8_t *buf, size_t want, size_t *got)
{
	*got = 0;
	while (*got < want) {
		ssize_t n = pread(fd, buf + *got, want - *got, (off_t)*got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return true;
}

static struct kh_scan_test_hooks test_hooks;

void
kh_scan_set_test_hooks(const struct kh_scan_test_hooks *hooks)
{
	if (hooks == NULL)
		memset(&test_hooks, 0, sizeof(test_hooks));
	else
		test_hooks = *hooks;
}

/* Maps the file and scans it; a SIGBUS (file truncated meanwhile) escapes here. */
static void
scan_mapped(struct scan_worker *w, const char *path, int fd, size_t size)
{
	sigjmp_buf jb;
	void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);

	if (map == MAP_FAILED) {
		kh_scan_emit_error(w, path, NULL, "mmap: %s", strerror(errno));
		return;
	}
	(void)madvise(map, size, MADV_WILLNEED);
	if (sigsetjmp(jb, 0) == 0) {
		kh_scan_sigbus_jmp = &jb;
		if (test_hooks.after_read_start != NULL)
			test_hooks.after_read_start(path, test_hooks.ctx);
		kh_scan_engine_object(w, path, map, size, 0, false);
		kh_scan_sigbus_jmp = NULL;
	} else {
		kh_scan_emit_error(w, path, NULL, "%s",
		                   KH_MSG("file shrank while it was being read",
		                          "tệp bị cắt ngắn trong khi đang đọc"));
		if (kh_scan_worker_recover(w) != KH_OK)
			kh_log_error("scan: %s", kh_strerror(KH_ENOMEM));
	}
	munmap(map, size);
}

/* Whether the file starts like an archive (libarchive needs it whole). */
static bool
archive_header(struct scan_worker *w, int fd)
{
	size_t got;

	return !read_small(fd, w->small, 512, &got) || kh_scan_is_archive(w->small, got);
}

static void
scan_content(struct scan_worker *w, const char *path, int fd, const struct stat *st)
{
	struct kh_scan *s = w->scan;
	size_t size = (size_t)st->st_size, got;

	if ((uint64_t)st->st_size > s->max_file_bytes) {
		kh_scan_emit_error(w, path, "max_scan_file_bytes", "%s",
		                   KH_MSG("file larger than --max-filesize: YARA rules not run",
		                          "tệp lớn hơn --max-filesize: không chạy luật YARA"));
		kh_scan_engine_hash_fd(w, path, fd);
	} else if (w->yr == NULL && size > SCAN_SMALL_FILE && !archive_header(w, fd)) {
		/* hashes only: stream through one buffer, no mapping to grow RSS */
		kh_scan_engine_hash_fd(w, path, fd);
	} else if (size <= SCAN_SMALL_FILE) {
		if (!read_small(fd, w->small, size, &got))
			kh_scan_emit_error(w, path, NULL, "%s", strerror(errno));
		else
			kh_scan_engine_object(w, path, w->small, got, 0, false);
	} else {
		scan_mapped(w, path, fd, size);
	}
}

static void
open_failed(struct scan_worker *w, const char *path)
{
	if (errno == ENOENT)
		kh_scan_emit_error(w, path, NULL, "%s",
		                   KH_MSG("file disappeared during the scan",
		                          "tệp biến mất trong khi quét"));
	else if (errno == ELOOP)
		kh_scan_emit_error(w, path, NULL, "%s",
		                   KH_MSG("file replaced by a symbolic link during the scan",
		                          "tệp bị thay bằng liên kết tượng trưng trong khi quét"));
	else
		kh_scan_emit_error(w, path, NULL, "%s", strerror(errno));
}

static void
changed(struct scan_worker *w, const char *path)
{
	kh_scan_emit_error(w, path, NULL, "%s",
	                   KH_MSG("file changed during the scan", "tệp thay đổi trong khi quét"));
}

static void
quarantine_detected(struct scan_worker *w, const char *path)
{
	char id[KH_SCAN_QID_LEN + 1];
	struct kh_diag diag;
	char text[1400];

	kh_diag_clear(&diag);
	if (kh_scan_quarantine_file(w->scan->opts.quarantine_dir, path, w->first_match,
	                            id, &diag) == KH_OK) {
		kh_log_info("%s: %s %s", path, KH_MSG("quarantined as", "đã cách ly với mã"), id);
		return;
	}
	kh_diag_format(&diag, text, sizeof(text));
	kh_scan_emit_error(w, path, NULL, "%s: %s",
	                   KH_MSG("quarantine failed", "cách ly thất bại"), text);
}

static void
process_file(struct scan_worker *w, const struct job *job)
{
	struct kh_scan *s = w->scan;
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	struct kh_scan_file_id before, after;
	struct stat st;
	int64_t read_ns;
	int fd;

	if (!s->opts.follow_symlinks)
		flags |= O_NOFOLLOW;
	kh_scan_worker_begin_file(w, NULL);
	atomic_fetch_add(&s->files, 1);
	if (test_hooks.before_open != NULL)
		test_hooks.before_open(job->path, test_hooks.ctx);
	if ((fd = open(job->path, flags)) < 0) {
		open_failed(w, job->path);
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_dev != job->id.dev || (uint64_t)st.st_ino != job->id.ino) {
		changed(w, job->path);
		close(fd);
		return;
	}
	kh_scan_worker_begin_file(w, &st);
	atomic_fetch_add(&s->bytes, (uint64_t)st.st_size);
	before = file_id(&st);
	read_ns = kh_scan_now_ns();
	scan_content(w, job->path, fd, &st);
	/* One error per file: a file that shrank under us was reported already. */
	if (fstat(fd, &st) != 0 || (after = file_id(&st), !same_version(&before, &after))) {
		if (!w->file_error)
			changed(w, job->path);
	}
	else if (!w->file_error && !w->file_detected && s->cache != NULL &&
	         kh_scan_cache_note(s->cache, &before, read_ns) != KH_OK)
		kh_log_warn("scan cache: %s", kh_strerror(KH_ENOMEM));
	close(fd);
	if (w->file_detected && s->opts.quarantine_dir != NULL)
		quarantine_detected(w, job->path);
	kh_scan_worker_end_file(w);
	report_progress(s);
}

static void *
worker_main(void *arg)
{
	struct thread_arg *ta = arg;
	struct queue *q = ta->q;
	struct job *job = kh_malloc(sizeof(*job));

	while (job != NULL) {
		pthread_mutex_lock(&q->lock);
		while (q->count == 0 && !q->done)
			pthread_cond_wait(&q->not_empty, &q->lock);
		if (q->count == 0) {
			pthread_mutex_unlock(&q->lock);
			break;
		}
		*job = q->jobs[q->head];
		q->head = (q->head + 1) % QUEUE_SLOTS;
		q->count--;
		pthread_cond_signal(&q->not_full);
		pthread_mutex_unlock(&q->lock);
		process_file(ta->w, job);
	}
	kh_free(job);
	return NULL;
}

static void
enqueue(struct queue *q, const char *path, const struct kh_scan_file_id *id)
{
	struct job *slot;

	pthread_mutex_lock(&q->lock);
	while (q->count == QUEUE_SLOTS)
		pthread_cond_wait(&q->not_full, &q->lock);
	slot = &q->jobs[(q->head + q->count) % QUEUE_SLOTS];
	kh_strlcpy(slot->path, path, sizeof(slot->path));
	slot->id = *id;
	q->count++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

static bool
excluded(const struct kh_scan *s, const FTSENT *e)
{
	for (size_t i = 0; i < s->opts.n_excludes; i++)
		if (fnmatch(s->excludes[i], e->fts_path, 0) == 0 ||
		    fnmatch(s->excludes[i], e->fts_name, 0) == 0)
			return true;
	return false;
}

static void
visit_file(struct kh_scan *s, struct scan_worker *w0, struct queue *q, FTSENT *e)
{
	struct kh_scan_file_id id;

	if (!S_ISREG(e->fts_statp->st_mode))
		return; /* devices, FIFOs, sockets: never opened */
	if (e->fts_pathlen >= PATH_MAX) {
		kh_scan_emit_error(w0, e->fts_path, NULL, "%s", strerror(ENAMETOOLONG));
		return;
	}
	id = file_id(e->fts_statp);
	if (s->cache != NULL && kh_scan_cache_lookup(s->cache, &id)) {
		atomic_fetch_add(&s->files, 1);
		atomic_fetch_add(&s->bytes, id.size);
		atomic_fetch_add(&s->cached, 1);
		return;
	}
	enqueue(q, e->fts_path, &id);
}

static void
visit(struct kh_scan *s, struct scan_worker *w0, struct queue *q, FTS *fts, FTSENT *e)
{
	switch (e->fts_info) {
	case FTS_D:
		if (e->fts_level > 0 && excluded(s, e))
			(void)fts_set(fts, e, FTS_SKIP);
		break;
	case FTS_F:
		if (!excluded(s, e))
			visit_file(s, w0, q, e);
		break;
	case FTS_DNR:
	case FTS_ERR:
	case FTS_NS:
		kh_scan_emit_error(w0, e->fts_path, NULL, "%s", strerror(e->fts_errno));
		break;
	case FTS_DC:
		kh_log_debug("%s: directory cycle", e->fts_path);
		break;
	default: /* symbolic links not followed, special files, post-order dirs */
		break;
	}
}

static enum kh_err
walk(struct kh_scan *s, struct scan_worker *w0, struct queue *q,
     const char *const *paths, size_t n_paths)
{
	int opts = FTS_NOCHDIR | (s->opts.follow_symlinks ? FTS_LOGICAL : FTS_PHYSICAL) |
	           (s->opts.one_file_system ? FTS_XDEV : 0);
	char **argv = kh_calloc(n_paths + 1, sizeof(char *));
	FTSENT *e;
	FTS *fts;

	if (argv == NULL)
		return KH_ENOMEM;
	for (size_t i = 0; i < n_paths; i++)
		argv[i] = (char *)paths[i];
	if ((fts = fts_open(argv, opts, NULL)) == NULL) {
		kh_free(argv);
		return KH_ENOMEM;
	}
	while ((e = fts_read(fts)) != NULL)
		visit(s, w0, q, fts, e);
	fts_close(fts);
	kh_free(argv);
	return KH_OK;
}

static unsigned
thread_count(const struct kh_scan *s)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (s->opts.n_threads > 0)
		return s->opts.n_threads > 256 ? 256 : s->opts.n_threads;
	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

static enum kh_err
start_threads(struct kh_scan *s, struct queue *q, struct thread_arg *ta, unsigned n)
{
	enum kh_err r;

	for (unsigned i = 0; i < n; i++) {
		ta[i].q = q;
		if ((r = kh_scan_worker_new(s, &ta[i].w)) != KH_OK)
			return r;
	}
	for (unsigned i = 0; i < n; i++) {
		if (pthread_create(&ta[i].tid, NULL, worker_main, &ta[i]) != 0)
			return KH_EINTERNAL;
		ta[i].started = true;
	}
	return KH_OK;
}

static void
stop_threads(struct queue *q, struct thread_arg *ta, unsigned n)
{
	pthread_mutex_lock(&q->lock);
	q->done = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
	for (unsigned i = 0; i < n; i++) {
		if (ta[i].started)
			pthread_join(ta[i].tid, NULL);
		kh_scan_worker_free(ta[i].w);
	}
}

enum kh_err
kh_scan_paths(struct kh_scan *s, const char *const *paths, size_t n_paths,
              struct kh_scan_summary *summary, struct kh_diag *diag)
{
	uint64_t start = kh_time_mono_ns();
	struct queue q = { 0 };
	struct thread_arg *ta = NULL;
	struct scan_worker *w0 = NULL; /* the walker's, for its error events */
	unsigned n = thread_count(s);
	enum kh_err r = KH_ENOMEM;

	kh_scan_counters_reset(s);
	pthread_mutex_init(&q.lock, NULL);
	pthread_cond_init(&q.not_empty, NULL);
	pthread_cond_init(&q.not_full, NULL);
	if ((q.jobs = kh_calloc(QUEUE_SLOTS, sizeof(*q.jobs))) == NULL ||
	    (ta = kh_calloc(n, sizeof(*ta))) == NULL ||
	    (w0 = kh_calloc(1, sizeof(*w0))) == NULL)
		goto out;
	w0->scan = s;
	if ((r = start_threads(s, &q, ta, n)) != KH_OK)
		goto out;
	r = walk(s, w0, &q, paths, n_paths);
out:
	if (ta != NULL)
		stop_threads(&q, ta, n);
	if (r == KH_OK && s->cache != NULL && kh_scan_cache_save(s->cache, diag) != KH_OK)
		kh_log_warn("%s", KH_MSG("could not save the scan cache",
		                         "không thể lưu bộ nhớ đệm quét"));
	kh_scan_summary_fill(s, summary, start);
	kh_free(ta);
	kh_free(w0);
	kh_free(q.jobs);
	pthread_cond_destroy(&q.not_empty);
	pthread_cond_destroy(&q.not_full);
	pthread_mutex_destroy(&q.lock);
	return r;
}
