/*
 * archive.c — walks archive members through libarchive (zip, tar, gzip,
 * bzip2, xz, 7z, rar, cab, zstd) and scans each as "outer!inner/path", within
 * the limits on depth, members, member size, total bytes and compression
 * ratio; a limit hit is reported as an error naming it (like clamscan's
 * Heuristics.Limits), never skipped silently.
 */
#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#include "khien/limits.h"
#include "scan_int.h"

#define READ_BLOCK ((size_t)64 << 10)
#define RATIO_FLOOR ((uint64_t)1 << 20) /* small archives may compress well */

enum walk_stop { WALK_GO, WALK_SKIP_MEMBER, WALK_STOP };

static struct archive *
open_archive(const uint8_t *p, size_t len)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return NULL;
	/* Container formats only: format_all would also let text formats such
	 * as mtree claim a compressed text file (a gzipped changelog). */
	(void)archive_read_support_filter_all(a);
	(void)archive_read_support_format_zip(a);
	(void)archive_read_support_format_tar(a);
	(void)archive_read_support_format_7zip(a);
	(void)archive_read_support_format_rar(a);
	(void)archive_read_support_format_rar5(a);
	(void)archive_read_support_format_cab(a);
	(void)archive_read_support_format_cpio(a);
	(void)archive_read_support_format_ar(a); /* .deb */
	(void)archive_read_support_format_iso9660(a);
	(void)archive_read_support_format_empty(a); /* a compressed empty file */
	(void)archive_read_support_format_raw(a); /* a lone .gz/.bz2/.xz stream */
	if (archive_read_open_memory(a, p, len) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static void
damaged(struct scan_worker *w, const char *display, struct archive *a)
{
	const char *why = archive_error_string(a);

	kh_scan_emit_error(w, display, NULL, "%s: %s",
	                   KH_MSG("damaged or unsupported archive", "tệp nén hỏng hoặc không hỗ trợ"),
	                   why ? why : "?");
}

/* "outer!member"; a raw stream (plain .gz) is named after the outer file. */
static enum kh_err
member_path(struct kh_buf *out, const char *display, struct archive *a,
            struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);

	if (archive_format(a) == ARCHIVE_FORMAT_RAW || name == NULL || name[0] == '\0') {
		const char *base = strrchr(display, '/');
		const char *dot;
		size_t n;
		base = base ? base + 1 : display;
		dot = strrchr(base, '.');
		n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
		if (kh_buf_printf(out, "%s!", display) != KH_OK)
			return KH_ENOMEM;
		return kh_buf_append(out, base, n);
	}
	while (name[0] == '/') /* absolute member names shown relative */
		name++;
	return kh_buf_printf(out, "%s!%s", display, name);
}

static bool
grow(struct member_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : READ_BLOCK;
	uint8_t *p;

	while (cap < need)
		cap *= 2;
	if (cap == b->cap)
		return true;
	if ((p = kh_realloc(b->p, cap)) == NULL)
		return false;
	b->p = p;
	b->cap = cap;
	return true;
}

static enum walk_stop
check_totals(struct scan_worker *w, const char *display, uint64_t out_bytes,
             size_t packed)
{
	if (w->archive_bytes > KH_LIMIT(max_archive_total_bytes)) {
		kh_scan_emit_error(w, display, "max_archive_total_bytes", "%s",
		                   KH_MSG("too many bytes unpacked: rest not scanned",
		                          "giải nén quá nhiều dữ liệu: phần còn lại không được quét"));
		return WALK_STOP;
	}
	if (out_bytes > RATIO_FLOOR && out_bytes / (packed ? packed : 1) >= KH_LIMIT(max_archive_ratio)) {
		kh_scan_emit_error(w, display, "max_archive_ratio", "%s",
		                   KH_MSG("compression ratio too high (archive bomb?): rest not scanned",
		                          "tỉ lệ nén quá cao (bom nén?): phần còn lại không được quét"));
		return WALK_STOP;
	}
	return WALK_GO;
}

/* Reads one member into the depth's buffer, checking the limits as it grows. */
static enum walk_stop
read_member(struct scan_worker *w, struct archive *a, const char *mpath,
            const char *display, int depth, size_t packed, uint64_t *out_bytes,
            size_t *len)
{
	struct member_buf *b = &w->bufs[depth + 1];
	uint64_t max_member = KH_LIMIT(max_archive_member_bytes);

	*len = 0;
	while (true) {
		la_ssize_t n;
		if (!grow(b, *len + READ_BLOCK)) {
			kh_scan_emit_error(w, mpath, NULL, "%s", kh_strerror(KH_ENOMEM));
			return WALK_STOP;
		}
		if ((n = archive_read_data(a, b->p + *len, READ_BLOCK)) < 0) {
			damaged(w, mpath, a);
			return WALK_STOP;
		}
		if (n == 0)
			return WALK_GO;
		*len += (size_t)n;
		*out_bytes += (uint64_t)n;
		w->archive_bytes += (uint64_t)n;
		if (check_totals(w, display, *out_bytes, packed) == WALK_STOP)
			return WALK_STOP;
		if (*len > max_member) {
			kh_scan_emit_error(w, mpath, "max_archive_member_bytes", "%s",
			                   KH_MSG("archive member too large: not scanned",
			                          "tệp trong tệp nén quá lớn: không được quét"));
			return WALK_SKIP_MEMBER;
		}
	}
}

static enum walk_stop
visit_member(struct scan_worker *w, struct archive *a, struct archive_entry *e,
             const char *display, int depth, size_t packed, uint64_t *out_bytes,
             struct kh_buf *mpath)
{
	enum walk_stop st;
	size_t len = 0;

	kh_buf_reset(mpath);
	if (member_path(mpath, display, a, e) != KH_OK) {
		kh_scan_emit_error(w, display, NULL, "%s", kh_strerror(KH_ENOMEM));
		return WALK_STOP;
	}
	if (++w->archive_members > KH_LIMIT(max_archive_members)) {
		kh_scan_emit_error(w, display, "max_archive_members", "%s",
		                   KH_MSG("too many archive members: rest not scanned",
		                          "quá nhiều tệp trong tệp nén: phần còn lại không được quét"));
		return WALK_STOP;
	}
	if (archive_entry_is_encrypted(e)) {
		kh_scan_emit_error(w, kh_buf_str(mpath), NULL, "%s",
		                   KH_MSG("encrypted member: not scanned",
		                          "tệp được mã hóa: không được quét"));
		return WALK_GO;
	}
	if (archive_entry_size_is_set(e) &&
	    (uint64_t)archive_entry_size(e) > KH_LIMIT(max_archive_member_bytes)) {
		kh_scan_emit_error(w, kh_buf_str(mpath), "max_archive_member_bytes", "%s",
		                   KH_MSG("archive member too large: not scanned",
		                          "tệp trong tệp nén quá lớn: không được quét"));
		return WALK_GO;
	}
	st = read_member(w, a, kh_buf_str(mpath), display, depth, packed, out_bytes, &len);
	if (st == WALK_GO)
		kh_scan_engine_object(w, kh_buf_str(mpath), w->bufs[depth + 1].p, len,
		                      depth + 1, false);
	return st == WALK_SKIP_MEMBER ? WALK_GO : st;
}

void
kh_scan_archive_walk(struct scan_worker *w, const char *display, const uint8_t *p,
                     size_t len, int depth)
{
	struct archive *a = open_archive(p, len);
	struct archive_entry *e;
	struct kh_buf mpath;
	uint64_t out_bytes = 0;

	if (a == NULL) {
		kh_scan_emit_error(w, display, NULL, "%s",
		                   KH_MSG("damaged or unsupported archive",
		                          "tệp nén hỏng hoặc không hỗ trợ"));
		return;
	}
	w->open_archives[depth] = a;
	kh_buf_init(&mpath, 1u << 16);
	while (true) {
		int rc = archive_read_next_header(a, &e);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc < ARCHIVE_WARN) {
			damaged(w, display, a);
			break;
		}
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (visit_member(w, a, e, display, depth, len, &out_bytes, &mpath) == WALK_STOP)
			break;
	}
	kh_buf_cleanup(&mpath);
	w->open_archives[depth] = NULL;
	archive_read_free(a);
}
