/*
 * store_int.h — what a store driver implements (the vtable behind
 * struct kh_store) and the migration list. Only src/store/ includes it.
 */
#ifndef KHIEN_STORE_INT_H
#define KHIEN_STORE_INT_H

#include "khien/store.h"

/*
 * One database back-end. `conn` and `stmt` are the driver's own handles.
 * SQL reaches the driver exactly as callers wrote it (`?` placeholders);
 * a driver whose database numbers them ($1, $2: PostgreSQL) rewrites them
 * in prepare. Every function fills diag with the database's own message.
 */
struct kh_store_driver {
	const char *name;
	enum kh_err (*open)(const char *data_dir,
	                    const struct kh_store_options *opts, void **conn,
	                    struct kh_diag *diag);
	void (*close)(void *conn);
	enum kh_err (*exec)(void *conn, const char *sql, struct kh_diag *diag);
	/* Starts a write transaction. */
	enum kh_err (*begin)(void *conn, struct kh_diag *diag);
	enum kh_err (*prepare)(void *conn, const char *sql, void **stmt,
	                       struct kh_diag *diag);
	void (*stmt_free)(void *stmt);
	int (*param_count)(void *stmt);
	enum kh_err (*bind_text)(void *stmt, int idx, const char *s);
	enum kh_err (*bind_int64)(void *stmt, int idx, int64_t v);
	enum kh_err (*bind_null)(void *stmt, int idx);
	enum kh_err (*bind_blob)(void *stmt, int idx, const void *p, size_t n);
	enum kh_err (*step)(void *stmt, bool *has_row, struct kh_diag *diag);
	void (*reset)(void *stmt);
	int (*column_count)(void *stmt);
	enum kh_store_type (*column_type)(void *stmt, int col);
	int64_t (*column_int64)(void *stmt, int col);
	const char *(*column_text)(void *stmt, int col);
	const void *(*column_blob)(void *stmt, int col, size_t *n);
	int64_t (*changes)(void *conn);
};

extern const struct kh_store_driver kh_store_sqlite_driver;
extern const struct kh_store_driver kh_store_postgres_driver;

struct kh_store {
	const struct kh_store_driver *drv;
	void *conn;
	char *data_dir;
	int schema_version;
	bool in_tx;
};

struct kh_store_stmt {
	struct kh_store *st;
	void *impl;
	int n_params;
};

/*
 * One schema step. SQL is per driver because DDL differs (SQLite INTEGER
 * PRIMARY KEY vs PostgreSQL BIGSERIAL); a NULL entry means "not written
 * yet for this driver", which refuses to open rather than skip.
 */
struct kh_store_migration {
	int version;
	const char *name;
	const char *sqlite_sql;
	const char *postgres_sql;
};

/* The ordered list (versions 1, 2, 3, ... without gaps). */
const struct kh_store_migration *kh_store_migrations(size_t *n);

/* Brings the schema up to date; sets st->schema_version. */
enum kh_err kh_store_migrate(struct kh_store *st, struct kh_diag *diag);

#endif
