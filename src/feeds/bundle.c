/*
 * bundle.c — offline bundles for units without internet: every stored
 * advisory record and EPSS row in one JSON-lines file whose last line
 * holds the counts and the SHA-256 of everything before it. Both ways
 * stream, one line at a time: a bundle of the whole NVD needs no more
 * memory than its largest record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "feeds_int.h"
#include "khien/limits.h"
#include "khien/store.h"

#define BUNDLE_MAGIC "khien-feeds-bundle"
#define FLUSH_BYTES (1u << 20)

/* ---- export -------------------------------------------------------------- */

struct out {
	int fd;
	const char *path;
	struct kh_buf buf;     /* pending bytes, flushed every FLUSH_BYTES */
	struct kh_hash *hash;  /* of every byte written */
	size_t n_adv, n_epss;
	struct kh_diag *diag;
};

static enum kh_err
out_flush(struct out *o)
{
	size_t done = 0;

	while (done < o->buf.len) {
		ssize_t n = write(o->fd, o->buf.data + done, o->buf.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return kh_diag_set(o->diag, KH_EIO, o->path, 0, "write: %s", strerror(errno));
		done += (size_t)n;
	}
	kh_buf_reset(&o->buf);
	return KH_OK;
}

/* Ends a line: hashes it and flushes when enough is pending. */
static enum kh_err
out_line_done(struct out *o, size_t line_start)
{
	enum kh_err r;

	if ((r = kh_buf_putc(&o->buf, '\n')) != KH_OK ||
	    (r = kh_hash_update(o->hash, o->buf.data + line_start, o->buf.len - line_start)) != KH_OK)
		return r;
	return o->buf.len >= FLUSH_BYTES ? out_flush(o) : KH_OK;
}

static enum kh_err
put_json_str(struct kh_buf *b, const char *s)
{
	json_t *j = json_string(s != NULL ? s : "");
	enum kh_err r;

	if (j == NULL)
		return KH_EFORMAT; /* not UTF-8 */
	r = kh_json_append(b, j, false);
	json_decref(j);
	return r;
}

static enum kh_err
export_advisories(struct kh_store *st, struct out *o)
{
	struct kh_store_stmt *stmt = NULL;
	bool has_row;
	enum kh_err r;

	if ((r = kh_store_prepare(st, "SELECT kind, id, record FROM feeds_advisories ORDER BY kind, id",
	                          &stmt, o->diag)) != KH_OK)
		return r;
	while ((r = kh_store_step(stmt, &has_row, o->diag)) == KH_OK && has_row) {
		const char *rec = kh_store_column_text(stmt, 2);
		size_t start = o->buf.len;
		if ((r = kh_buf_append_str(&o->buf, "{\"kind\":")) != KH_OK ||
		    (r = put_json_str(&o->buf, kh_store_column_text(stmt, 0))) != KH_OK ||
		    (r = kh_buf_append_str(&o->buf, ",\"record\":")) != KH_OK ||
		    (r = kh_buf_append_str(&o->buf, rec != NULL ? rec : "null")) != KH_OK ||
		    (r = kh_buf_putc(&o->buf, '}')) != KH_OK || (r = out_line_done(o, start)) != KH_OK)
			break;
		o->n_adv++;
	}
	kh_store_stmt_free(stmt);
	return r;
}

static enum kh_err
export_epss(struct kh_store *st, struct out *o)
{
	struct kh_store_stmt *stmt = NULL;
	bool has_row;
	enum kh_err r;

	if ((r = kh_store_prepare(st, "SELECT cve, epss, percentile, score_date FROM feeds_epss ORDER BY cve",
	                          &stmt, o->diag)) != KH_OK)
		return r;
	while ((r = kh_store_step(stmt, &has_row, o->diag)) == KH_OK && has_row) {
		size_t start = o->buf.len;
		r = kh_buf_append_str(&o->buf, "{\"epss\":[");
		for (int c = 0; c < 4 && r == KH_OK; c++)
			if (c == 0 || (r = kh_buf_putc(&o->buf, ',')) == KH_OK)
				r = put_json_str(&o->buf, kh_store_column_text(stmt, c));
		if (r != KH_OK || (r = kh_buf_append_str(&o->buf, "]}")) != KH_OK ||
		    (r = out_line_done(o, start)) != KH_OK)
			break;
		o->n_epss++;
	}
	kh_store_stmt_free(stmt);
	return r;
}

static enum kh_err
export_all(struct kh_store *st, struct out *o)
{
	uint8_t digest[KH_HASH_MAX_BYTES];
	char hex[2 * KH_HASH_MAX_BYTES + 1], now[32];
	enum kh_err r;

	kh_time_iso8601(time(NULL), now, sizeof(now));
	if ((r = kh_buf_printf(&o->buf, "{\"format\":\"" BUNDLE_MAGIC "\",\"version\":1,\"created\":\"%s\"}",
	                       now)) != KH_OK ||
	    (r = out_line_done(o, 0)) != KH_OK || (r = export_advisories(st, o)) != KH_OK ||
	    (r = export_epss(st, o)) != KH_OK || (r = kh_hash_final(o->hash, digest)) != KH_OK)
		return r;
	kh_hex_encode(digest, kh_hash_len(KH_HASH_SHA256), hex);
	/* the trailer: counts, and the hash of every line before it */
	if ((r = kh_buf_printf(&o->buf, "{\"advisories\":%zu,\"epss\":%zu,\"sha256\":\"%s\"}\n", o->n_adv,
	                       o->n_epss, hex)) != KH_OK)
		return r;
	return out_flush(o);
}

enum kh_err
kh_feeds_export_bundle(struct kh_store *st, const char *path, size_t *n_records, struct kh_diag *diag)
{
	struct out o = { .fd = -1, .path = path, .diag = diag };
	struct kh_buf tmp;
	enum kh_err r;

	*n_records = 0;
	kh_buf_init(&o.buf, KH_LIMIT(max_json_bytes));
	kh_buf_init(&tmp, 0);
	if ((r = kh_buf_printf(&tmp, "%s.tmp-XXXXXX", path)) != KH_OK ||
	    (r = kh_hash_new(KH_HASH_SHA256, &o.hash)) != KH_OK)
		goto out;
	/* a temporary file beside the target, renamed over it when whole */
	if ((o.fd = mkstemp((char *)tmp.data)) < 0) {
		r = kh_diag_set(diag, KH_EIO, path, 0, "mkstemp: %s", strerror(errno));
		goto out;
	}
	if ((r = export_all(st, &o)) != KH_OK)
		goto out;
	if (fchmod(o.fd, 0644) != 0 || fsync(o.fd) != 0 || close(o.fd) != 0) {
		o.fd = -1;
		r = kh_diag_set(diag, KH_EIO, path, 0, "fsync: %s", strerror(errno));
		goto out;
	}
	o.fd = -1;
	if (rename(kh_buf_str(&tmp), path) != 0) {
		r = kh_diag_set(diag, KH_EIO, path, 0, "rename: %s", strerror(errno));
		goto out;
	}
	*n_records = o.n_adv + o.n_epss;
 out:
	if (o.fd >= 0)
		close(o.fd);
	if (r != KH_OK && tmp.len > 0)
		unlink(kh_buf_str(&tmp));
	kh_hash_free(o.hash);
	kh_buf_cleanup(&o.buf);
	kh_buf_cleanup(&tmp);
	return r;
}

/* ---- import -------------------------------------------------------------- */

/* Lines of a file read in chunks; a line is at most max_json_bytes. */
struct lines {
	int fd;
	struct kh_buf buf;
	size_t pos;       /* start of the unread part of buf */
	bool eof;
};

static enum kh_err
lines_fill(struct lines *l, const char *path, struct kh_diag *diag)
{
	uint8_t chunk[FLUSH_BYTES / 4];
	ssize_t n;
	enum kh_err r;

	if (l->pos > 0) { /* drop what was consumed */
		memmove(l->buf.data, l->buf.data + l->pos, l->buf.len - l->pos);
		l->buf.len -= l->pos;
		l->pos = 0;
	}
	do
		n = read(l->fd, chunk, sizeof(chunk));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return kh_diag_set(diag, KH_EIO, path, 0, "read: %s", strerror(errno));
	if (n == 0) {
		l->eof = true;
		return KH_OK;
	}
	if ((r = kh_buf_append(&l->buf, chunk, (size_t)n)) == KH_ELIMIT)
		return kh_diag_limit(diag, path, "max_json_bytes", "bundle line");
	return r;
}

/* The next line without its '\n'; *got false at the end. */
static enum kh_err
lines_next(struct lines *l, const char *path, struct kh_cur *line, bool *got, struct kh_diag *diag)
{
	enum kh_err r;

	*got = false;
	for (;;) {
		const uint8_t *nl = l->buf.len > l->pos
		                    ? memchr(l->buf.data + l->pos, '\n', l->buf.len - l->pos) : NULL;
		if (nl != NULL || (l->eof && l->pos < l->buf.len)) {
			size_t end = nl != NULL ? (size_t)(nl - l->buf.data) : l->buf.len;
			*line = kh_cur_make(l->buf.data + l->pos, end - l->pos);
			l->pos = nl != NULL ? end + 1 : end;
			*got = true;
			return KH_OK;
		}
		if (l->eof)
			return KH_OK;
		if ((r = lines_fill(l, path, diag)) != KH_OK)
			return r;
	}
}

static enum kh_err
bundle_bad(struct kh_diag *diag, const char *path, long line, const char *why)
{
	return kh_diag_set(diag, KH_EFORMAT, path, line, "%s", why);
}

static enum kh_err
import_epss_line(const struct kh_feeds_sink *sink, const json_t *epss, struct kh_feeds_stats *stats,
                 const char *path, size_t lineno, struct kh_diag *diag)
{
	struct kh_feeds_epss row;
	const char *cve = json_string_value(json_array_get(epss, 0));
	const char *date = json_string_value(json_array_get(epss, 3));

	memset(&row, 0, sizeof(row));
	kh_strlcpy(row.cve, cve != NULL ? cve : "", sizeof(row.cve));
	kh_strlcpy(row.score_date, date != NULL ? date : "", sizeof(row.score_date));
	if (!feeds_is_cve(row.cve) || !feeds_json_number(json_array_get(epss, 1), &row.epss) ||
	    !feeds_json_number(json_array_get(epss, 2), &row.percentile))
		return bundle_bad(diag, path, (long)lineno, "epss");
	stats->n_records++;
	return sink->epss(sink->ctx, &row);
}

static enum kh_err
import_line(struct feeds_writer *fw, const json_t *line, struct kh_feeds_stats *stats,
            const char *path, size_t lineno, struct kh_diag *diag)
{
	const struct kh_feeds_sink *sink = feeds_writer_sink(fw);
	const json_t *epss = json_object_get(line, "epss"), *rec = json_object_get(line, "record");
	const char *kind_name = kh_json_str(line, "kind");
	struct kh_feeds_advisory *adv = NULL;
	enum kh_feeds_kind kind;
	enum kh_err r;
	char *text;

	if (json_is_array(epss))
		return import_epss_line(sink, epss, stats, path, lineno, diag);
	if (kind_name == NULL || kh_feeds_kind_parse(kind_name, &kind) != KH_OK || kind == KH_FEEDS_EPSS)
		return bundle_bad(diag, path, (long)lineno, KH_MSG("unknown kind", "loại không rõ"));
	if ((r = kh_feeds_parse_record(kind, rec, &adv, diag)) != KH_OK) {
		if (diag != NULL) {
			kh_strlcpy(diag->file, path, sizeof(diag->file));
			diag->line = (long)lineno;
		}
		return r;
	}
	if ((text = feeds_json_dump(rec)) == NULL) {
		kh_feeds_advisory_free(adv);
		return KH_ENOMEM;
	}
	stats->n_records++;
	r = sink->advisory(sink->ctx, adv, text);
	kh_free(text);
	return r;
}

/* The trailer: counts and hash must match what came before it. */
static enum kh_err
check_trailer(const json_t *tr, struct kh_hash *hash, size_t n_adv, size_t n_epss,
              const char *path, struct kh_diag *diag)
{
	uint8_t digest[KH_HASH_MAX_BYTES];
	char hex[2 * KH_HASH_MAX_BYTES + 1];
	const char *want = kh_json_str(tr, "sha256");
	enum kh_err r;

	if ((r = kh_hash_final(hash, digest)) != KH_OK)
		return r;
	kh_hex_encode(digest, kh_hash_len(KH_HASH_SHA256), hex);
	if (want == NULL || strcmp(want, hex) != 0)
		return bundle_bad(diag, path, 0, KH_MSG("SHA-256 does not match: the bundle is damaged or altered",
		                                        "SHA-256 không khớp: gói dữ liệu bị hỏng hoặc bị sửa đổi"));
	if (json_integer_value(json_object_get(tr, "advisories")) != (json_int_t)n_adv ||
	    json_integer_value(json_object_get(tr, "epss")) != (json_int_t)n_epss)
		return bundle_bad(diag, path, 0, KH_MSG("the bundle's counts do not match its lines",
		                                        "số bản ghi của gói dữ liệu không khớp với nội dung"));
	return KH_OK;
}

struct reader {
	struct lines l;
	struct kh_hash *hash;
	struct feeds_writer *fw;
	const char *path;
	struct kh_feeds_stats *stats;
	struct kh_diag *diag;
};

/*
 * Every line but the last is hashed and imported as it comes, one line
 * behind the reading; the last (the trailer) must then vouch for all of
 * them, or the caller rolls the whole transaction back: nothing changes
 * unless the bundle is intact.
 */
static enum kh_err
read_all(struct reader *rd)
{
	struct kh_buf prev_raw;
	struct kh_cur line;
	json_t *prev = NULL, *j = NULL;
	size_t lineno = 0, n_epss = 0;
	bool got;
	enum kh_err r;

	kh_buf_init(&prev_raw, KH_LIMIT(max_json_bytes));
	while ((r = lines_next(&rd->l, rd->path, &line, &got, rd->diag)) == KH_OK && got) {
		lineno++;
		if ((r = kh_json_parse(line, rd->path, &j, rd->diag)) != KH_OK)
			break;
		if (lineno == 1 && (kh_json_str(j, "format") == NULL ||
		                    strcmp(kh_json_str(j, "format"), BUNDLE_MAGIC) != 0)) {
			r = bundle_bad(rd->diag, rd->path, 1, KH_MSG("not a feeds bundle", "không phải gói dữ liệu nguồn"));
			break;
		}
		if (prev != NULL) {
			if ((r = kh_hash_update(rd->hash, prev_raw.data, prev_raw.len)) != KH_OK ||
			    (r = kh_hash_update(rd->hash, "\n", 1)) != KH_OK)
				break;
			if (lineno > 2) { /* line 1 is the header */
				n_epss += json_is_array(json_object_get(prev, "epss"));
				if ((r = import_line(rd->fw, prev, rd->stats, rd->path, lineno - 1, rd->diag)) != KH_OK)
					break;
			}
		}
		json_decref(prev);
		prev = j;
		j = NULL;
		kh_buf_reset(&prev_raw);
		if ((r = kh_buf_append(&prev_raw, line.p, line.len)) != KH_OK)
			break;
	}
	if (r == KH_OK && lineno < 2)
		r = bundle_bad(rd->diag, rd->path, 0, KH_MSG("not a feeds bundle (no trailer)",
		                                             "không phải gói dữ liệu nguồn (thiếu dòng kết)"));
	if (r == KH_OK)
		r = check_trailer(prev, rd->hash, rd->stats->n_records - n_epss, n_epss, rd->path, rd->diag);
	json_decref(j);
	json_decref(prev);
	kh_buf_cleanup(&prev_raw);
	return r;
}

enum kh_err
kh_feeds_import_bundle(struct kh_store *st, const char *path, struct kh_feeds_stats *stats,
                       struct kh_diag *diag)
{
	struct reader rd = { .l = { .fd = -1 }, .path = path, .stats = stats, .diag = diag };
	uint64_t t0 = kh_time_mono_ns();
	enum kh_err r;

	stats->kind = KH_FEEDS_KIND_COUNT_;
	kh_buf_init(&rd.l.buf, KH_LIMIT(max_json_bytes));
	if ((rd.l.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		r = kh_diag_set(diag, errno == ENOENT ? KH_ENOENT : KH_EIO, path, 0, "%s", strerror(errno));
		goto out;
	}
	if ((r = kh_hash_new(KH_HASH_SHA256, &rd.hash)) != KH_OK || (r = kh_store_begin(st, diag)) != KH_OK)
		goto out;
	if ((r = feeds_writer_new(st, &rd.fw, diag)) == KH_OK) {
		r = read_all(&rd);
		feeds_writer_free(rd.fw);
	}
	if (r == KH_OK && (r = feeds_record_import(st, path, kh_cur_make(NULL, 0), stats, diag)) == KH_OK)
		r = kh_store_commit(st, diag);
	kh_store_rollback(st); /* nothing changes unless all of it went in */
 out:
	stats->elapsed_ns += kh_time_mono_ns() - t0;
	if (rd.l.fd >= 0)
		close(rd.l.fd);
	kh_hash_free(rd.hash);
	kh_buf_cleanup(&rd.l.buf);
	return r;
}
