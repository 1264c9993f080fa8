/*
 * detections.c — the scanner's detections as export input: the JSON lines
 * of `khien scan --json` (docs/scan.md) or the scan_detections table.
 */
#include <jansson.h>
#include <string.h>

#include "khien/ioc.h"
#include "khien/limits.h"
#include "khien/store.h"

void
kh_ioc_detections_free(struct kh_ioc_detections *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		kh_free(d->items[i].path);
		kh_free(d->items[i].match);
		kh_free(d->items[i].engine);
		kh_free(d->items[i].sha256);
	}
	kh_free(d->items);
	kh_free(d);
}

/* "YYYY-MM-DDTHH:MM:SSZ" with digits where digits belong. */
static bool
is_utc_time(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";

	if (s == NULL || strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return false;
	return true;
}

static bool
is_sha256_hex(const char *s)
{
	if (s == NULL || strlen(s) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static enum kh_err
detections_add(struct kh_ioc_detections *d, const char *path, const char *match,
               const char *engine, const char *sha256, uint64_t size,
               const char *time)
{
	struct kh_ioc_detection *det;

	if (d->n == d->cap) {
		size_t cap = d->cap == 0 ? 16 : d->cap * 2;
		void *p = kh_reallocarray(d->items, cap, sizeof(*d->items));
		if (p == NULL)
			return KH_ENOMEM;
		d->items = p;
		d->cap = cap;
	}
	det = &d->items[d->n];
	memset(det, 0, sizeof(*det));
	det->path = kh_strdup(path);
	det->match = kh_strdup(match);
	det->engine = kh_strdup(engine);
	det->sha256 = sha256 != NULL ? kh_strdup(sha256) : NULL;
	if (det->path == NULL || det->match == NULL || det->engine == NULL ||
	    (sha256 != NULL && det->sha256 == NULL)) {
		kh_free(det->path);
		kh_free(det->match);
		kh_free(det->engine);
		kh_free(det->sha256);
		return KH_ENOMEM;
	}
	det->size = size;
	kh_strlcpy(det->time, time, sizeof(det->time));
	d->n++;
	return KH_OK;
}

static enum kh_err
parse_line(struct kh_ioc_detections *d, struct kh_cur line, const char *what,
           long line_no, struct kh_diag *diag)
{
	json_t *j = NULL, *size;
	const char *type, *path, *match, *engine, *sha, *time;
	enum kh_err r;

	if ((r = kh_json_parse(line, what, &j, diag)) != KH_OK) {
		if (diag != NULL)
			diag->line = line_no;
		goto out;
	}
	r = KH_EFORMAT;
	if (!json_is_object(j) || (type = kh_json_str(j, "type")) == NULL) {
		(void)kh_diag_set(diag, r, what, line_no, "%s",
		                  KH_MSG("not a scan result line", "không phải một dòng kết quả quét"));
		goto out;
	}
	if (strcmp(type, "detection") != 0) {
		r = KH_OK; /* errors and the summary carry nothing to share */
		goto out;
	}
	path = kh_json_str(j, "path");
	match = kh_json_str(j, "match");
	engine = kh_json_str(j, "engine");
	sha = kh_json_str(j, "sha256");
	time = kh_json_str(j, "time");
	size = json_object_get(j, "size");
	if (path == NULL || match == NULL || engine == NULL || !is_utc_time(time) ||
	    (sha != NULL && !is_sha256_hex(sha)) ||
	    (size != NULL && (!json_is_integer(size) || json_integer_value(size) < 0))) {
		(void)kh_diag_set(diag, r, what, line_no, "%s",
		                  KH_MSG("detection without path, match, engine or a valid "
		                         "time/sha256/size",
		                         "phát hiện thiếu path, match, engine hoặc time/sha256/size "
		                         "không hợp lệ"));
		goto out;
	}
	r = detections_add(d, path, match, engine, sha,
	                   size != NULL ? (uint64_t)json_integer_value(size) : 0, time);
 out:
	json_decref(j);
	return r;
}

enum kh_err
kh_ioc_detections_parse(struct kh_cur jsonl, const char *what,
                        struct kh_ioc_detections **out, struct kh_diag *diag)
{
	struct kh_ioc_detections *d = NULL;
	struct kh_cur line;
	bool too_long = false;
	long line_no = 0;
	enum kh_err r;

	*out = NULL;
	if ((d = kh_calloc(1, sizeof(*d))) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	while (kh_cur_get_line(&jsonl, KH_LIMIT(max_line_bytes), &line, &too_long)) {
		line_no++;
		kh_cur_trim(&line);
		if (line.len == 0)
			continue;
		if ((r = parse_line(d, line, what, line_no, diag)) != KH_OK)
			goto out;
	}
	if (too_long) {
		r = kh_diag_limit(diag, what, "max_line_bytes", "line too long");
		goto out;
	}
	*out = d;
	d = NULL;
	r = KH_OK;
 out:
	kh_ioc_detections_free(d);
	return r;
}

enum kh_err
kh_ioc_detections_load(struct kh_store *st, struct kh_ioc_detections **out,
                       struct kh_diag *diag)
{
	struct kh_ioc_detections *d = NULL;
	struct kh_store_stmt *stmt = NULL;
	bool has_row;
	enum kh_err r;

	*out = NULL;
	if ((d = kh_calloc(1, sizeof(*d))) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((r = kh_store_prepare(st, "SELECT path, match, engine, sha256, size, detected_at"
	                              " FROM scan_detections ORDER BY id", &stmt, diag)) != KH_OK)
		goto out;
	while ((r = kh_store_step(stmt, &has_row, diag)) == KH_OK && has_row) {
		const char *time = kh_store_column_text(stmt, 5);
		const char *sha = kh_store_column_text(stmt, 3);
		if (!is_utc_time(time) || (sha != NULL && !is_sha256_hex(sha)))
			continue; /* the scanner writes both; skip what it did not */
		if ((r = detections_add(d, kh_store_column_text(stmt, 0) ? kh_store_column_text(stmt, 0) : "",
		                        kh_store_column_text(stmt, 1) ? kh_store_column_text(stmt, 1) : "",
		                        kh_store_column_text(stmt, 2) ? kh_store_column_text(stmt, 2) : "",
		                        sha, (uint64_t)kh_store_column_int64(stmt, 4), time)) != KH_OK)
			goto out;
	}
	if (r != KH_OK)
		goto out;
	*out = d;
	d = NULL;
 out:
	kh_store_stmt_free(stmt);
	kh_ioc_detections_free(d);
	return r;
}
