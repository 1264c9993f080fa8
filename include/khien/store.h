/*
 * store.h — persistence behind one interface. Callers see an opaque
 * struct kh_store and write each statement once, with `?` placeholders;
 * a driver (SQLite, or PostgreSQL, which rewrites `?` to `$n`) runs it.
 * User data only ever reaches the database through typed binds, never by
 * building SQL text. Opening a store applies the schema migrations
 * (docs/store.md) and refuses a database made by a newer Khiên.
 *
 * Thread-safety: a store and its statements belong to one thread at a time;
 * open one store per thread (SQLite WAL lets them share the file).
 */
#ifndef KHIEN_STORE_H
#define KHIEN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "khien/util.h"

/* The database file inside the data directory (SQLite driver). */
#define KH_STORE_DB_FILE "khien.db"

struct kh_store;
struct kh_store_stmt;

struct kh_store_options {
	const char *driver;  /* NULL or "sqlite", or "postgresql" */
	int busy_timeout_ms; /* 0: 5000; how long to wait for another writer
	                      * (PostgreSQL: lock_timeout) */
	const char *dsn;     /* "postgresql": libpq connection string, e.g.
	                      * "host=/run/postgresql dbname=khien user=khien";
	                      * "" uses libpq's PG* environment; NULL is refused */
};

/*
 * Opens (creating when absent, mode 0700) the data directory and the
 * database in it (SQLite; PostgreSQL connects to opts->dsn), sets the driver's safety settings and applies pending
 * migrations, each in its own transaction. opts may be NULL. Errors:
 * KH_EIO (directory), KH_EDB (not a database, corrupt, locked),
 * KH_EUNSUPPORTED (schema newer than this program, or unknown driver).
 */
enum kh_err kh_store_open(const char *data_dir,
                          const struct kh_store_options *opts,
                          struct kh_store **out, struct kh_diag *diag) KH_WUR;
/* Closes the store (rolls back an open transaction); NULL is fine. */
void kh_store_close(struct kh_store *st);

/* "sqlite" or "postgresql". */
const char *kh_store_driver_name(const struct kh_store *st);
/* The schema version the database is at (after migrations). */
int kh_store_schema_version(const struct kh_store *st);
/* The newest schema version this program knows. */
int kh_store_schema_latest(void);

/*
 * Transactions do not nest: begin inside a transaction is KH_EINVAL.
 * Rollback outside a transaction does nothing. A write transaction is taken
 * at begin (SQLite BEGIN IMMEDIATE; PostgreSQL BEGIN plus a transaction
 * advisory lock, so writers queue), so conflicts show there, not midway.
 * PostgreSQL differs in one way: after a failed statement the transaction
 * accepts nothing but rollback (SQLite keeps the statements before it).
 */
enum kh_err kh_store_begin(struct kh_store *st, struct kh_diag *diag) KH_WUR;
enum kh_err kh_store_commit(struct kh_store *st, struct kh_diag *diag) KH_WUR;
void kh_store_rollback(struct kh_store *st);
bool kh_store_in_transaction(const struct kh_store *st);

/*
 * Runs fixed SQL without parameters (schema, pragmas). Never pass text
 * that contains outside data: use a statement with binds.
 */
enum kh_err kh_store_exec(struct kh_store *st, const char *sql,
                          struct kh_diag *diag) KH_WUR;

/* Prepares one statement; parameters are `?`, numbered from 1. */
enum kh_err kh_store_prepare(struct kh_store *st, const char *sql,
                             struct kh_store_stmt **out,
                             struct kh_diag *diag) KH_WUR;
void kh_store_stmt_free(struct kh_store_stmt *stmt);

/*
 * Typed binds; idx is 1-based (KH_EINVAL when out of range). Text must be
 * NUL-terminated (a NULL string binds SQL NULL); text and blobs are copied.
 */
enum kh_err kh_store_bind_text(struct kh_store_stmt *stmt, int idx,
                               const char *s) KH_WUR;
enum kh_err kh_store_bind_int64(struct kh_store_stmt *stmt, int idx,
                                int64_t v) KH_WUR;
enum kh_err kh_store_bind_null(struct kh_store_stmt *stmt, int idx) KH_WUR;
enum kh_err kh_store_bind_blob(struct kh_store_stmt *stmt, int idx,
                               const void *p, size_t n) KH_WUR;

/*
 * Runs the statement one step: *has_row is true when a row is ready for
 * the column getters, false when the statement is done. KH_EDB on failure
 * (constraint, busy, I/O) with the driver's message in diag.
 */
enum kh_err kh_store_step(struct kh_store_stmt *stmt, bool *has_row,
                          struct kh_diag *diag) KH_WUR;
/* Makes the statement runnable again; binds are cleared too. */
void kh_store_reset(struct kh_store_stmt *stmt);

enum kh_store_type {
	KH_STORE_NULL = 0,
	KH_STORE_INT,
	KH_STORE_TEXT,
	KH_STORE_BLOB,
	KH_STORE_REAL,
};

/* Column getters for the current row; col is 0-based. */
int kh_store_column_count(struct kh_store_stmt *stmt);
enum kh_store_type kh_store_column_type(struct kh_store_stmt *stmt, int col);
/* 0 for NULL. */
int64_t kh_store_column_int64(struct kh_store_stmt *stmt, int col);
/* Borrowed until the next step/reset/free; NULL for SQL NULL. */
const char *kh_store_column_text(struct kh_store_stmt *stmt, int col);
/* Borrowed like text; *n is the length (0 and NULL for SQL NULL). */
const void *kh_store_column_blob(struct kh_store_stmt *stmt, int col,
                                 size_t *n);

/* Rows changed by the last INSERT/UPDATE/DELETE on this store. */
int64_t kh_store_changes(struct kh_store *st);

#endif
