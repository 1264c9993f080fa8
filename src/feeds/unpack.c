/*
 * unpack.c — compressed feeds: EPSS ships as .csv.gz and OSV ecosystems as
 * all.zip (one JSON record per member). Members are read with libarchive
 * into memory, bounded by the archive limits, and handed on one by one.
 */
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "feeds_int.h"
#include "khien/limits.h"

bool
feeds_is_packed(struct kh_cur data)
{
	/* RFC 1952 gzip magic; PKWARE APPNOTE local file header */
	return (data.len >= 2 && data.p[0] == 0x1f && data.p[1] == 0x8b) ||
	       (data.len >= 4 && memcmp(data.p, "PK\x03\x04", 4) == 0);
}

static enum kh_err
read_member(struct archive *a, const char *what, struct kh_buf *out, uint64_t *total,
            struct kh_diag *diag)
{
	uint8_t chunk[65536];
	la_ssize_t n;
	enum kh_err r;

	kh_buf_reset(out);
	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
		*total += (uint64_t)n;
		if (*total > KH_LIMIT(max_archive_total_bytes))
			return kh_diag_limit(diag, what, "max_archive_total_bytes", "unpacked feed");
		if ((r = kh_buf_append(out, chunk, (size_t)n)) == KH_ELIMIT)
			return kh_diag_limit(diag, what, "max_json_bytes", "archive member");
		if (r != KH_OK)
			return r;
	}
	if (n < 0)
		return kh_diag_set(diag, KH_EFORMAT, what, 0, "%s", archive_error_string(a) != NULL
		                                                        ? archive_error_string(a) : "archive");
	return KH_OK;
}

enum kh_err
feeds_unpack_each(struct kh_cur data, const char *what,
                  enum kh_err (*fn)(void *ctx, const char *member, struct kh_cur bytes),
                  void *ctx, struct kh_diag *diag)
{
	struct archive *a = archive_read_new();
	struct archive_entry *entry;
	struct kh_buf member;
	uint64_t total = 0, count = 0;
	enum kh_err r = KH_OK;
	int rc;

	if (a == NULL)
		return KH_ENOMEM;
	kh_buf_init(&member, KH_LIMIT(max_json_bytes));
	archive_read_support_filter_gzip(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_raw(a); /* a gzip'd single file */
	if (archive_read_open_memory(a, data.p, data.len) != ARCHIVE_OK) {
		r = kh_diag_set(diag, KH_EFORMAT, what, 0, "%s", archive_error_string(a) != NULL
		                                                     ? archive_error_string(a) : "archive");
		goto out;
	}
	while (r == KH_OK && (rc = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(entry);
		if (++count > KH_LIMIT(max_archive_members)) {
			r = kh_diag_limit(diag, what, "max_archive_members", "feed archive");
			break;
		}
		if (archive_entry_filetype(entry) != AE_IFREG && archive_entry_filetype(entry) != 0)
			continue;
		if ((r = read_member(a, what, &member, &total, diag)) == KH_OK)
			r = fn(ctx, name != NULL ? name : "data", kh_buf_cur(&member));
	}
	if (r == KH_OK && rc != ARCHIVE_EOF)
		r = kh_diag_set(diag, KH_EFORMAT, what, 0, "%s", archive_error_string(a) != NULL
		                                                     ? archive_error_string(a) : "archive");
 out:
	kh_buf_cleanup(&member);
	archive_read_free(a);
	return r;
}
