/*
 * ioc_store.c — imports and their indicator values in the store (schema
 * v4), and the hash list the scanner loads from the data directory.
 */
#include <string.h>
#include <time.h>

#include "khien/ioc.h"
#include "khien/store.h"

static const char *
kind_name(enum kh_ioc_kind kind)
{
	return kind == KH_IOC_KIND_HASH ? "hash" : kind == KH_IOC_KIND_NETWORK ? "network"
	                                                                     : "file-name";
}

static enum kh_err
insert_import(struct kh_store *st, const char *source, const char *format,
              const struct kh_ioc_counts *c, int64_t *id, struct kh_diag *diag)
{
	struct kh_store_stmt *stmt = NULL;
	const uint64_t v[] = { c->files, c->objects, c->indicators, c->hashes,
	                       c->network, c->unsupported, c->errors };
	char now[32];
	bool has_row;
	enum kh_err r;

	kh_time_iso8601(time(NULL), now, sizeof(now));
	if ((r = kh_store_prepare(st, "INSERT INTO ioc_imports (source, format, imported_at,"
	                              " files, objects, indicators, hashes, network, unsupported,"
	                              " errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                          &stmt, diag)) != KH_OK)
		goto out;
	if ((r = kh_store_bind_text(stmt, 1, source)) != KH_OK ||
	    (r = kh_store_bind_text(stmt, 2, format)) != KH_OK ||
	    (r = kh_store_bind_text(stmt, 3, now)) != KH_OK)
		goto out;
	for (int i = 0; i < 7; i++)
		if ((r = kh_store_bind_int64(stmt, 4 + i, (int64_t)v[i])) != KH_OK)
			goto out;
	if ((r = kh_store_step(stmt, &has_row, diag)) != KH_OK)
		goto out;
	*id = has_row ? kh_store_column_int64(stmt, 0) : 0;
 out:
	kh_store_stmt_free(stmt);
	return r;
}

static enum kh_err
insert_indicators(struct kh_store *st, int64_t import_id,
                  const struct kh_ioc_indicators *list, struct kh_diag *diag)
{
	struct kh_store_stmt *stmt = NULL;
	bool has_row;
	enum kh_err r;

	/* a value already known under a name keeps its first import */
	if ((r = kh_store_prepare(st, "INSERT INTO ioc_indicators (kind, type, value, name,"
	                              " first_seen, source, import_id) VALUES (?, ?, ?, ?, ?, ?, ?)"
	                              " ON CONFLICT (type, value, name) DO NOTHING",
	                          &stmt, diag)) != KH_OK)
		return r;
	for (size_t i = 0; list != NULL && i < list->n; i++) {
		const struct kh_ioc_indicator *it = &list->items[i];
		kh_store_reset(stmt);
		if ((r = kh_store_bind_text(stmt, 1, kind_name(it->kind))) != KH_OK ||
		    (r = kh_store_bind_text(stmt, 2, it->type)) != KH_OK ||
		    (r = kh_store_bind_text(stmt, 3, it->value)) != KH_OK ||
		    (r = kh_store_bind_text(stmt, 4, it->name != NULL ? it->name : "")) != KH_OK ||
		    (r = kh_store_bind_text(stmt, 5, it->first_seen)) != KH_OK ||
		    (r = kh_store_bind_text(stmt, 6, it->source)) != KH_OK ||
		    (r = kh_store_bind_int64(stmt, 7, import_id)) != KH_OK ||
		    (r = kh_store_step(stmt, &has_row, diag)) != KH_OK)
			break;
	}
	kh_store_stmt_free(stmt);
	return r;
}

enum kh_err
kh_ioc_store_save(struct kh_store *st, const char *source, const char *format,
                  const struct kh_ioc_counts *counts, const struct kh_ioc_indicators *list,
                  struct kh_diag *diag)
{
	int64_t id = 0;
	enum kh_err r;

	if ((r = kh_store_begin(st, diag)) != KH_OK)
		return r;
	if ((r = insert_import(st, source, format, counts, &id, diag)) != KH_OK ||
	    (r = insert_indicators(st, id, list, diag)) != KH_OK) {
		kh_store_rollback(st);
		return r;
	}
	return kh_store_commit(st, diag);
}

enum kh_err
kh_ioc_store_load(struct kh_store *st, struct kh_ioc_indicators *out, struct kh_diag *diag)
{
	struct kh_store_stmt *stmt = NULL;
	bool has_row;
	enum kh_err r;

	if ((r = kh_store_prepare(st, "SELECT type, value, name, source, first_seen"
	                              " FROM ioc_indicators ORDER BY id", &stmt, diag)) != KH_OK)
		return r;
	while ((r = kh_store_step(stmt, &has_row, diag)) == KH_OK && has_row) {
		enum kh_ioc_kind kind;
		const char *type = kh_store_column_text(stmt, 0);
		const char *value = kh_store_column_text(stmt, 1);
		const char *name = kh_store_column_text(stmt, 2);
		if (!kh_ioc_type_kind(type, &kind) || value == NULL)
			continue; /* a type a newer Khiên wrote */
		if ((r = kh_ioc_indicators_add(out, kind, type, value,
		                               name != NULL && name[0] != '\0' ? name : NULL,
		                               kh_store_column_text(stmt, 3),
		                               kh_store_column_text(stmt, 4))) != KH_OK)
			break;
	}
	kh_store_stmt_free(stmt);
	return r;
}

/* One "hexhash;name" line; ';' and line breaks in names would split it. */
static enum kh_err
hashlist_line(struct kh_buf *out, const char *value, const char *name)
{
	enum kh_err r;

	if ((r = kh_buf_printf(out, "%s;", value)) != KH_OK)
		return r;
	for (const char *p = name != NULL ? name : ""; *p != '\0'; p++)
		if ((r = kh_buf_putc(out, *p == ';' || *p == '\n' || *p == '\r' ? ' ' : *p)) != KH_OK)
			return r;
	return kh_buf_putc(out, '\n');
}

enum kh_err
kh_ioc_store_write_hashlist(struct kh_store *st, const char *data_dir, size_t *n_written,
                            struct kh_diag *diag)
{
	struct kh_store_stmt *stmt = NULL;
	struct kh_buf out;
	char *dir = NULL, *path = NULL;
	bool has_row;
	size_t n = 0;
	enum kh_err r;

	*n_written = 0;
	kh_buf_init(&out, 0);
	dir = kh_path_join(data_dir, "ioc");
	path = kh_path_join(data_dir, KH_IOC_HASHLIST_FILE);
	if (dir == NULL || path == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((r = kh_buf_append_str(&out, "# khien ioc: hash indicators (hexhash;name)\n")) != KH_OK ||
	    (r = kh_store_prepare(st, "SELECT value, name FROM ioc_indicators WHERE id IN"
	                              " (SELECT MIN(id) FROM ioc_indicators WHERE kind = 'hash'"
	                              " AND type IN ('md5', 'sha1', 'sha256') GROUP BY type, value)"
	                              " ORDER BY id",
	                          &stmt, diag)) != KH_OK)
		goto out;
	while ((r = kh_store_step(stmt, &has_row, diag)) == KH_OK && has_row) {
		if ((r = hashlist_line(&out, kh_store_column_text(stmt, 0),
		                       kh_store_column_text(stmt, 1))) != KH_OK)
			goto out;
		n++;
	}
	if (r != KH_OK || (r = kh_mkdir_p(dir, 0700, diag)) != KH_OK ||
	    (r = kh_file_write_atomic(path, out.data, out.len, 0600, diag)) != KH_OK)
		goto out;
	*n_written = n;
 out:
	kh_store_stmt_free(stmt);
	kh_buf_cleanup(&out);
	kh_free(dir);
	kh_free(path);
	return r;
}
