/*
 * store.c — the store interface: opens the data directory, picks the driver
 * (options.driver: "sqlite" by default, or "postgresql" with options.dsn),
 * runs migrations, and forwards statements and transactions to the driver
 * with the checks every driver would otherwise repeat.
 */
#include <string.h>

#include "store_int.h"

static const struct kh_store_driver *
find_driver(const char *name)
{
	if (name == NULL || strcmp(name, "sqlite") == 0)
		return &kh_store_sqlite_driver;
	if (strcmp(name, "postgresql") == 0)
		return &kh_store_postgres_driver;
	return NULL;
}

enum kh_err
kh_store_open(const char *data_dir, const struct kh_store_options *opts,
              struct kh_store **out, struct kh_diag *diag)
{
	struct kh_store_options defaults = { 0 };
	struct kh_store *st = NULL;
	enum kh_err r = KH_EINTERNAL;

	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if (data_dir == NULL || data_dir[0] == '\0') {
		r = kh_diag_set(diag, KH_EINVAL, NULL, 0, "%s",
		                KH_MSG("no data directory given", "chưa chỉ định thư mục dữ liệu"));
		goto out;
	}
	if ((st = kh_calloc(1, sizeof(*st))) == NULL || (st->data_dir = kh_strdup(data_dir)) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((st->drv = find_driver(opts->driver)) == NULL) {
		r = kh_diag_set(diag, KH_EUNSUPPORTED, NULL, 0, "%s: %s",
		                KH_MSG("unknown store driver", "trình điều khiển lưu trữ không hỗ trợ"),
		                opts->driver);
		goto out;
	}
	/* 0700: the registry names every unit's devices and addresses. */
	if ((r = kh_mkdir_p(data_dir, 0700, diag)) != KH_OK)
		goto out;
	if ((r = st->drv->open(data_dir, opts, &st->conn, diag)) != KH_OK)
		goto out;
	if ((r = kh_store_migrate(st, diag)) != KH_OK)
		goto out;
	*out = st;
	st = NULL;
	r = KH_OK;
 out:
	kh_store_close(st);
	return r;
}

void
kh_store_close(struct kh_store *st)
{
	if (st == NULL)
		return;
	if (st->conn != NULL) {
		kh_store_rollback(st);
		st->drv->close(st->conn);
	}
	kh_free(st->data_dir);
	kh_free(st);
}

const char *
kh_store_driver_name(const struct kh_store *st)
{
	return st->drv->name;
}

int
kh_store_schema_version(const struct kh_store *st)
{
	return st->schema_version;
}

/* ---- transactions ------------------------------------------------------ */

enum kh_err
kh_store_begin(struct kh_store *st, struct kh_diag *diag)
{
	enum kh_err r;

	if (st->in_tx)
		return kh_diag_set(diag, KH_EINVAL, NULL, 0, "%s",
		                   KH_MSG("transaction already open (they do not nest)",
		                          "giao dịch đang mở (không lồng nhau được)"));
	if ((r = st->drv->begin(st->conn, diag)) == KH_OK)
		st->in_tx = true;
	return r;
}

enum kh_err
kh_store_commit(struct kh_store *st, struct kh_diag *diag)
{
	enum kh_err r;

	if (!st->in_tx)
		return kh_diag_set(diag, KH_EINVAL, NULL, 0, "%s",
		                   KH_MSG("commit without a transaction", "commit khi chưa mở giao dịch"));
	r = st->drv->exec(st->conn, "COMMIT", diag);
	/* A failed COMMIT leaves SQLite's transaction open: roll it back so
	 * the store is usable again and nothing half-done is kept. */
	if (r != KH_OK)
		(void)st->drv->exec(st->conn, "ROLLBACK", NULL);
	st->in_tx = false;
	return r;
}

void
kh_store_rollback(struct kh_store *st)
{
	if (!st->in_tx)
		return;
	(void)st->drv->exec(st->conn, "ROLLBACK", NULL);
	st->in_tx = false;
}

bool
kh_store_in_transaction(const struct kh_store *st)
{
	return st->in_tx;
}

enum kh_err
kh_store_exec(struct kh_store *st, const char *sql, struct kh_diag *diag)
{
	return st->drv->exec(st->conn, sql, diag);
}

int64_t
kh_store_changes(struct kh_store *st)
{
	return st->drv->changes(st->conn);
}

/* ---- statements -------------------------------------------------------- */

enum kh_err
kh_store_prepare(struct kh_store *st, const char *sql, struct kh_store_stmt **out,
                 struct kh_diag *diag)
{
	struct kh_store_stmt *stmt = NULL;
	enum kh_err r = KH_EINTERNAL;

	*out = NULL;
	if ((stmt = kh_calloc(1, sizeof(*stmt))) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	stmt->st = st;
	if ((r = st->drv->prepare(st->conn, sql, &stmt->impl, diag)) != KH_OK)
		goto out;
	stmt->n_params = st->drv->param_count(stmt->impl);
	*out = stmt;
	stmt = NULL;
	r = KH_OK;
 out:
	kh_store_stmt_free(stmt);
	return r;
}

void
kh_store_stmt_free(struct kh_store_stmt *stmt)
{
	if (stmt == NULL)
		return;
	if (stmt->impl != NULL)
		stmt->st->drv->stmt_free(stmt->impl);
	kh_free(stmt);
}

static bool
idx_ok(const struct kh_store_stmt *stmt, int idx)
{
	return idx >= 1 && idx <= stmt->n_params;
}

enum kh_err
kh_store_bind_text(struct kh_store_stmt *stmt, int idx, const char *s)
{
	if (!idx_ok(stmt, idx))
		return KH_EINVAL;
	if (s == NULL)
		return stmt->st->drv->bind_null(stmt->impl, idx);
	return stmt->st->drv->bind_text(stmt->impl, idx, s);
}

enum kh_err
kh_store_bind_int64(struct kh_store_stmt *stmt, int idx, int64_t v)
{
	if (!idx_ok(stmt, idx))
		return KH_EINVAL;
	return stmt->st->drv->bind_int64(stmt->impl, idx, v);
}

enum kh_err
kh_store_bind_null(struct kh_store_stmt *stmt, int idx)
{
	if (!idx_ok(stmt, idx))
		return KH_EINVAL;
	return stmt->st->drv->bind_null(stmt->impl, idx);
}

enum kh_err
kh_store_bind_blob(struct kh_store_stmt *stmt, int idx, const void *p, size_t n)
{
	if (!idx_ok(stmt, idx) || (p == NULL && n > 0))
		return KH_EINVAL;
	return stmt->st->drv->bind_blob(stmt->impl, idx, p, n);
}

enum kh_err
kh_store_step(struct kh_store_stmt *stmt, bool *has_row, struct kh_diag *diag)
{
	*has_row = false;
	return stmt->st->drv->step(stmt->impl, has_row, diag);
}

void
kh_store_reset(struct kh_store_stmt *stmt)
{
	stmt->st->drv->reset(stmt->impl);
}

int
kh_store_column_count(struct kh_store_stmt *stmt)
{
	return stmt->st->drv->column_count(stmt->impl);
}

static bool
col_ok(struct kh_store_stmt *stmt, int col)
{
	return col >= 0 && col < kh_store_column_count(stmt);
}

enum kh_store_type
kh_store_column_type(struct kh_store_stmt *stmt, int col)
{
	return col_ok(stmt, col) ? stmt->st->drv->column_type(stmt->impl, col) : KH_STORE_NULL;
}

int64_t
kh_store_column_int64(struct kh_store_stmt *stmt, int col)
{
	return col_ok(stmt, col) ? stmt->st->drv->column_int64(stmt->impl, col) : 0;
}

const char *
kh_store_column_text(struct kh_store_stmt *stmt, int col)
{
	return col_ok(stmt, col) ? stmt->st->drv->column_text(stmt->impl, col) : NULL;
}

const void *
kh_store_column_blob(struct kh_store_stmt *stmt, int col, size_t *n)
{
	*n = 0;
	return col_ok(stmt, col) ? stmt->st->drv->column_blob(stmt->impl, col, n) : NULL;
}
