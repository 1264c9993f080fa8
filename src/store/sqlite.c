/*
 * sqlite.c — the SQLite store driver: one file <data_dir>/khien.db in WAL
 * mode, foreign keys enforced, a busy timeout for concurrent writers.
 */
#include <sqlite3.h>
#include <string.h>

#include "store_int.h"

struct sqlite_conn {
	sqlite3 *db;
	char *path;
};

struct sqlite_stmt {
	sqlite3_stmt *s;
	struct sqlite_conn *conn;
};

static enum kh_err
db_error(struct sqlite_conn *c, struct kh_diag *diag, const char *what)
{
	int code = sqlite3_extended_errcode(c->db);

	if ((code & 0xff) == SQLITE_NOTADB || (code & 0xff) == SQLITE_CORRUPT)
		return kh_diag_set(diag, KH_EDB, c->path, 0, "%s: %s (%s)", what,
		                   KH_MSG("not a Khiên database, or it is damaged",
		                          "không phải cơ sở dữ liệu Khiên, hoặc tệp đã hỏng"),
		                   sqlite3_errmsg(c->db));
	return kh_diag_set(diag, KH_EDB, c->path, 0, "%s: %s", what, sqlite3_errmsg(c->db));
}

static enum kh_err
conn_exec(void *conn, const char *sql, struct kh_diag *diag)
{
	struct sqlite_conn *c = conn;

	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(c, diag, sql);
	return KH_OK;
}

/*
 * SQLite docs (wal.html): journal_mode=WAL answers with the mode now in
 * force; a read-only or odd file system can refuse it, which we report.
 */
static enum kh_err
set_wal(struct sqlite_conn *c, struct kh_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum kh_err r = KH_OK;
	const unsigned char *mode;

	if (sqlite3_prepare_v2(c->db, "PRAGMA journal_mode=WAL", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW) {
		r = db_error(c, diag, "PRAGMA journal_mode=WAL");
		goto out;
	}
	mode = sqlite3_column_text(s, 0);
	if (mode == NULL || strcmp((const char *)mode, "wal") != 0)
		r = kh_diag_set(diag, KH_EDB, c->path, 0, "%s: %s",
		                KH_MSG("cannot switch to WAL mode", "không bật được chế độ WAL"),
		                mode != NULL ? (const char *)mode : "?");
 out:
	sqlite3_finalize(s);
	return r;
}

static void
conn_close(void *conn)
{
	struct sqlite_conn *c = conn;

	if (c == NULL)
		return;
	sqlite3_close_v2(c->db);
	kh_free(c->path);
	kh_free(c);
}

static enum kh_err
conn_open(const char *data_dir, const struct kh_store_options *opts, void **out,
          struct kh_diag *diag)
{
	/* NOFOLLOW: a planted symlink must not redirect the database. */
	const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW;
	struct sqlite_conn *c = NULL;
	enum kh_err r = KH_EINTERNAL;

	*out = NULL;
	if ((c = kh_calloc(1, sizeof(*c))) == NULL ||
	    (c->path = kh_path_join(data_dir, KH_STORE_DB_FILE)) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if (sqlite3_open_v2(c->path, &c->db, flags, NULL) != SQLITE_OK) {
		r = c->db != NULL ? db_error(c, diag, KH_MSG("open", "mở"))
		                  : kh_diag_set(diag, KH_ENOMEM, c->path, 0, "sqlite3_open_v2");
		goto out;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms : 5000);
	/* The first read of the file happens here: garbage fails as NOTADB. */
	if ((r = set_wal(c, diag)) != KH_OK)
		goto out;
	/* NORMAL is durable in WAL mode except for the last commits on power
	 * loss (SQLite docs, pragma synchronous); the DB never corrupts. */
	if ((r = conn_exec(c, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;", diag)) != KH_OK)
		goto out;
	*out = c;
	c = NULL;
	r = KH_OK;
 out:
	conn_close(c);
	return r;
}

static enum kh_err
conn_begin(void *conn, struct kh_diag *diag)
{
	/* IMMEDIATE takes the write lock now (waiting up to busy_timeout),
	 * instead of failing with SQLITE_BUSY at the first write. */
	return conn_exec(conn, "BEGIN IMMEDIATE", diag);
}

static int64_t
conn_changes(void *conn)
{
	return sqlite3_changes64(((struct sqlite_conn *)conn)->db);
}

/* ---- statements -------------------------------------------------------- */

static enum kh_err
stmt_prepare(void *conn, const char *sql, void **out, struct kh_diag *diag)
{
	struct sqlite_conn *c = conn;
	struct sqlite_stmt *st;
	const char *tail = NULL;

	*out = NULL;
	if ((st = kh_calloc(1, sizeof(*st))) == NULL)
		return KH_ENOMEM;
	st->conn = c;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st->s, &tail) != SQLITE_OK) {
		enum kh_err r = db_error(c, diag, sql);
		kh_free(st);
		return r;
	}
	if (st->s == NULL || (tail != NULL && strspn(tail, " \t\r\n;") != strlen(tail))) {
		/* One statement per prepare: the rest would be silently ignored. */
		sqlite3_finalize(st->s);
		kh_free(st);
		return kh_diag_set(diag, KH_EINVAL, NULL, 0, "%s: %s", sql,
		                   KH_MSG("expected exactly one SQL statement",
		                          "cần đúng một câu lệnh SQL"));
	}
	*out = st;
	return KH_OK;
}

static void
stmt_free(void *stmt)
{
	struct sqlite_stmt *st = stmt;

	sqlite3_finalize(st->s);
	kh_free(st);
}

static int
stmt_param_count(void *stmt)
{
	return sqlite3_bind_parameter_count(((struct sqlite_stmt *)stmt)->s);
}

static enum kh_err
bind_result(int rc)
{
	if (rc == SQLITE_OK)
		return KH_OK;
	return rc == SQLITE_NOMEM ? KH_ENOMEM : rc == SQLITE_TOOBIG ? KH_ETOO_LARGE : KH_EDB;
}

static enum kh_err
stmt_bind_text(void *stmt, int idx, const char *s)
{
	return bind_result(sqlite3_bind_text(((struct sqlite_stmt *)stmt)->s, idx, s, -1,
	                                     SQLITE_TRANSIENT));
}

static enum kh_err
stmt_bind_int64(void *stmt, int idx, int64_t v)
{
	return bind_result(sqlite3_bind_int64(((struct sqlite_stmt *)stmt)->s, idx, v));
}

static enum kh_err
stmt_bind_null(void *stmt, int idx)
{
	return bind_result(sqlite3_bind_null(((struct sqlite_stmt *)stmt)->s, idx));
}

static enum kh_err
stmt_bind_blob(void *stmt, int idx, const void *p, size_t n)
{
	/* A zero-length blob is a blob, not NULL: zeroblob(0) keeps that. */
	if (n == 0)
		return bind_result(sqlite3_bind_zeroblob(((struct sqlite_stmt *)stmt)->s, idx, 0));
	return bind_result(sqlite3_bind_blob64(((struct sqlite_stmt *)stmt)->s, idx, p,
	                                       (sqlite3_uint64)n, SQLITE_TRANSIENT));
}

static enum kh_err
stmt_step(void *stmt, bool *has_row, struct kh_diag *diag)
{
	struct sqlite_stmt *st = stmt;
	int rc = sqlite3_step(st->s);

	if (rc == SQLITE_ROW) {
		*has_row = true;
		return KH_OK;
	}
	if (rc == SQLITE_DONE)
		return KH_OK;
	return db_error(st->conn, diag, sqlite3_sql(st->s));
}

static void
stmt_reset(void *stmt)
{
	struct sqlite_stmt *st = stmt;

	sqlite3_reset(st->s);
	sqlite3_clear_bindings(st->s);
}

static int
stmt_column_count(void *stmt)
{
	return sqlite3_column_count(((struct sqlite_stmt *)stmt)->s);
}

static enum kh_store_type
stmt_column_type(void *stmt, int col)
{
	switch (sqlite3_column_type(((struct sqlite_stmt *)stmt)->s, col)) {
	case SQLITE_INTEGER: return KH_STORE_INT;
	case SQLITE_TEXT: return KH_STORE_TEXT;
	case SQLITE_BLOB: return KH_STORE_BLOB;
	case SQLITE_FLOAT: return KH_STORE_REAL;
	default: return KH_STORE_NULL;
	}
}

static int64_t
stmt_column_int64(void *stmt, int col)
{
	return sqlite3_column_int64(((struct sqlite_stmt *)stmt)->s, col);
}

static const char *
stmt_column_text(void *stmt, int col)
{
	sqlite3_stmt *s = ((struct sqlite_stmt *)stmt)->s;

	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return NULL;
	return (const char *)sqlite3_column_text(s, col);
}

static const void *
stmt_column_blob(void *stmt, int col, size_t *n)
{
	sqlite3_stmt *s = ((struct sqlite_stmt *)stmt)->s;
	const void *p;

	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return NULL;
	/* sqlite3 docs: call _blob first, then _bytes, for a valid length. */
	p = sqlite3_column_blob(s, col);
	*n = (size_t)sqlite3_column_bytes(s, col);
	return p;
}

const struct kh_store_driver kh_store_sqlite_driver = {
	.name = "sqlite",
	.open = conn_open,
	.close = conn_close,
	.exec = conn_exec,
	.begin = conn_begin,
	.prepare = stmt_prepare,
	.stmt_free = stmt_free,
	.param_count = stmt_param_count,
	.bind_text = stmt_bind_text,
	.bind_int64 = stmt_bind_int64,
	.bind_null = stmt_bind_null,
	.bind_blob = stmt_bind_blob,
	.step = stmt_step,
	.reset = stmt_reset,
	.column_count = stmt_column_count,
	.column_type = stmt_column_type,
	.column_int64 = stmt_column_int64,
	.column_text = stmt_column_text,
	.column_blob = stmt_column_blob,
	.changes = conn_changes,
};
