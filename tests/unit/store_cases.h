/*
 * store_cases.h — store behaviour every driver must show, included by
 * test_store.c (SQLite) and test_store_pg.c (PostgreSQL). The includer
 * defines, before including this file:
 *   static enum kh_err cases_try_open(void **state, struct kh_store **st,
 *                                     struct kh_diag *diag);
 * which opens (creating on first use) the same database each time within
 * one test; its setup gives each test a fresh database.
 */
#ifndef KHIEN_TEST_STORE_CASES_H
#define KHIEN_TEST_STORE_CASES_H

#include <string.h>

#include "khien/store.h"

static struct kh_store *
cases_open(void **state)
{
	struct kh_store *st = NULL;
	struct kh_diag diag;

	kh_diag_clear(&diag);
	if (cases_try_open(state, &st, &diag) != KH_OK)
		fail_msg("open: %s", diag.msg);
	return st;
}

/* Runs a one-row, one-column query and returns its integer. */
static int64_t
cases_query_int(struct kh_store *st, const char *sql)
{
	struct kh_store_stmt *s = NULL;
	struct kh_diag diag;
	bool has_row = false;
	int64_t v;

	kh_diag_clear(&diag);
	if (kh_store_prepare(st, sql, &s, &diag) != KH_OK)
		fail_msg("%s: %s", sql, diag.msg);
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	assert_true(has_row);
	v = kh_store_column_int64(s, 0);
	kh_store_stmt_free(s);
	return v;
}

static enum kh_err
cases_insert_unit(struct kh_store *st, const char *name, struct kh_diag *diag)
{
	struct kh_store_stmt *s = NULL;
	bool has_row;
	enum kh_err r;

	if ((r = kh_store_prepare(st, "INSERT INTO units (name) VALUES (?)", &s, diag)) != KH_OK)
		return r;
	if ((r = kh_store_bind_text(s, 1, name)) == KH_OK)
		r = kh_store_step(s, &has_row, diag);
	kh_store_stmt_free(s);
	return r;
}

/* Case-insensitive: the drivers word their messages differently. */
static void
cases_assert_msg(const struct kh_diag *diag, const char *needle)
{
	if (strcasestr(diag->msg, needle) == NULL)
		fail_msg("expected \"%s\" in: %s", needle, diag->msg);
}

/* Migrations: all applied, once, however often the store is opened. */
static void
case_migrations_once(void **state)
{
	struct kh_store *st = cases_open(state);

	assert_int_equal(kh_store_schema_version(st), kh_store_schema_latest());
	assert_int_equal(cases_query_int(st, "SELECT COUNT(*) FROM schema_migrations"),
	                 kh_store_schema_latest());
	assert_int_equal(cases_insert_unit(st, "Phường Bến Nghé", NULL), KH_OK);
	kh_store_close(st);
	for (int i = 0; i < 3; i++) {
		st = cases_open(state);
		assert_int_equal(cases_query_int(st, "SELECT COUNT(*) FROM schema_migrations"),
		                 kh_store_schema_latest());
		assert_int_equal(cases_query_int(st, "SELECT MAX(version) FROM schema_migrations"),
		                 kh_store_schema_latest());
		assert_int_equal(cases_query_int(st, "SELECT COUNT(*) FROM units"), 1);
		kh_store_close(st);
	}
}

/* `?` inside literals, quoted identifiers and comments is not a parameter. */
static void
case_placeholders(void **state)
{
	struct kh_store *st = cases_open(state);
	struct kh_store_stmt *s = NULL;
	bool has_row;

	assert_int_equal(kh_store_exec(st, "CREATE TABLE q (\"what?\" TEXT, b TEXT, n BIGINT)",
	                               NULL), KH_OK);
	assert_int_equal(kh_store_prepare(st, "INSERT INTO q (\"what?\", b, n) /* ? */"
	                                      " VALUES (?, 'it''s ?', ?) -- ?",
	                                  &s, NULL), KH_OK);
	assert_int_equal(kh_store_bind_text(s, 3, "x"), KH_EINVAL); /* only two */
	assert_int_equal(kh_store_bind_text(s, 1, "a?b"), KH_OK);
	assert_int_equal(kh_store_bind_int64(s, 2, 7), KH_OK);
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	kh_store_stmt_free(s);
	assert_int_equal(kh_store_prepare(st, "SELECT \"what?\", b, n FROM q WHERE n = ?", &s, NULL),
	                 KH_OK);
	assert_int_equal(kh_store_bind_int64(s, 1, 7), KH_OK);
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	assert_true(has_row);
	assert_string_equal(kh_store_column_text(s, 0), "a?b");
	assert_string_equal(kh_store_column_text(s, 1), "it's ?");
	assert_int_equal(kh_store_column_int64(s, 2), 7);
	kh_store_stmt_free(s);
	kh_store_close(st);
}

/* Every bind type round-trips with its type: hostile text, UTF-8
 * Vietnamese, int64 extremes, NULL, blobs with NUL bytes, empty blob.
 * BIGINT and BYTEA mean the same to both databases (SQLite affinities). */
static void
case_binds_roundtrip(void **state)
{
	static const char hostile[] = "x'); DROP TABLE units; --";
	static const char viet[] = "Ủy ban nhân dân thành phố — an toàn thông tin";
	static const unsigned char blob[] = { 0, 1, 2, 0, 255, '\\', 'x', 0 };
	struct kh_store *st = cases_open(state);
	struct kh_store_stmt *s = NULL;
	const void *p;
	size_t n;
	bool has_row;

	assert_int_equal(kh_store_exec(st, "CREATE TABLE t (a TEXT, v TEXT, lo BIGINT, hi BIGINT,"
	                                   " c TEXT, d BYTEA, e BYTEA)", NULL), KH_OK);
	assert_int_equal(kh_store_prepare(st, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", &s, NULL),
	                 KH_OK);
	assert_int_equal(kh_store_bind_text(s, 1, hostile), KH_OK);
	assert_int_equal(kh_store_bind_text(s, 2, viet), KH_OK);
	assert_int_equal(kh_store_bind_int64(s, 3, INT64_MIN), KH_OK);
	assert_int_equal(kh_store_bind_int64(s, 4, INT64_MAX), KH_OK);
	assert_int_equal(kh_store_bind_text(s, 5, NULL), KH_OK); /* NULL text is SQL NULL */
	assert_int_equal(kh_store_bind_blob(s, 6, blob, sizeof(blob)), KH_OK);
	assert_int_equal(kh_store_bind_blob(s, 7, NULL, 0), KH_OK);
	assert_int_equal(kh_store_bind_text(s, 0, "x"), KH_EINVAL);
	assert_int_equal(kh_store_bind_null(s, 8), KH_EINVAL);
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	assert_false(has_row);
	assert_int_equal(kh_store_changes(st), 1);
	kh_store_stmt_free(s);

	assert_int_equal(kh_store_prepare(st, "SELECT a, v, lo, hi, c, d, e FROM t", &s, NULL), KH_OK);
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	assert_true(has_row);
	assert_int_equal(kh_store_column_count(s), 7);
	assert_int_equal(kh_store_column_type(s, 0), KH_STORE_TEXT);
	assert_string_equal(kh_store_column_text(s, 0), hostile);
	assert_string_equal(kh_store_column_text(s, 1), viet);
	assert_int_equal(kh_store_column_type(s, 2), KH_STORE_INT);
	assert_true(kh_store_column_int64(s, 2) == INT64_MIN);
	assert_true(kh_store_column_int64(s, 3) == INT64_MAX);
	assert_int_equal(kh_store_column_type(s, 4), KH_STORE_NULL);
	assert_null(kh_store_column_text(s, 4));
	assert_int_equal(kh_store_column_int64(s, 4), 0);
	assert_int_equal(kh_store_column_type(s, 5), KH_STORE_BLOB);
	p = kh_store_column_blob(s, 5, &n);
	assert_int_equal(n, sizeof(blob));
	assert_memory_equal(p, blob, sizeof(blob));
	assert_int_equal(kh_store_column_type(s, 6), KH_STORE_BLOB); /* empty, not NULL */
	(void)kh_store_column_blob(s, 6, &n);
	assert_int_equal(n, 0);
	assert_null(kh_store_column_text(s, 9)); /* out of range: no crash */
	assert_int_equal(kh_store_column_type(s, -1), KH_STORE_NULL);
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	assert_false(has_row);
	kh_store_stmt_free(s);
	kh_store_close(st);
}

/* One prepared statement run many times; rows come back in order. */
static void
case_reset_and_rows(void **state)
{
	struct kh_store *st = cases_open(state);
	struct kh_store_stmt *s = NULL;
	bool has_row;
	int64_t expect = 1;

	assert_int_equal(kh_store_exec(st, "CREATE TABLE r (n BIGINT NOT NULL)", NULL), KH_OK);
	assert_int_equal(kh_store_prepare(st, "INSERT INTO r (n) VALUES (?)", &s, NULL), KH_OK);
	for (int64_t i = 1; i <= 5; i++) {
		assert_int_equal(kh_store_bind_int64(s, 1, i), KH_OK);
		assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
		kh_store_reset(s);
	}
	kh_store_stmt_free(s);
	assert_int_equal(kh_store_prepare(st, "SELECT n FROM r WHERE n >= ? ORDER BY n", &s, NULL),
	                 KH_OK);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(kh_store_bind_int64(s, 1, 2), KH_OK);
		for (expect = 2; kh_store_step(s, &has_row, NULL) == KH_OK && has_row; expect++)
			assert_int_equal(kh_store_column_int64(s, 0), expect);
		assert_int_equal(expect, 6);
		kh_store_reset(s);
	}
	kh_store_stmt_free(s);
	kh_store_close(st);
}

/* changes() counts rows written by the last INSERT/UPDATE/DELETE only. */
static void
case_changes(void **state)
{
	struct kh_store *st = cases_open(state);

	assert_int_equal(cases_insert_unit(st, "Xã Tân Phú", NULL), KH_OK);
	assert_int_equal(cases_insert_unit(st, "Phường 1", NULL), KH_OK);
	assert_int_equal(cases_insert_unit(st, "Phường 2", NULL), KH_OK);
	assert_int_equal(kh_store_changes(st), 1);
	assert_int_equal(kh_store_exec(st, "UPDATE units SET name = name || '!'"
	                                   " WHERE name LIKE 'Phường%'", NULL), KH_OK);
	assert_int_equal(kh_store_changes(st), 2);
	assert_int_equal(cases_query_int(st, "SELECT COUNT(*) FROM units"), 3);
	assert_int_equal(kh_store_changes(st), 2); /* a SELECT changes nothing */
	assert_int_equal(kh_store_exec(st, "DELETE FROM units", NULL), KH_OK);
	assert_int_equal(kh_store_changes(st), 3);
	kh_store_close(st);
}

static void
case_transactions(void **state)
{
	struct kh_store *st = cases_open(state);
	struct kh_diag diag;

	assert_int_equal(kh_store_begin(st, NULL), KH_OK);
	assert_true(kh_store_in_transaction(st));
	assert_int_equal(kh_store_begin(st, &diag), KH_EINVAL);
	assert_int_equal(cases_insert_unit(st, "Xã Tân Phú", NULL), KH_OK);
	assert_int_equal(cases_query_int(st, "SELECT COUNT(*) FROM units"), 1);
	kh_store_rollback(st);
	assert_false(kh_store_in_transaction(st));
	assert_int_equal(cases_query_int(st, "SELECT COUNT(*) FROM units"), 0);

	assert_int_equal(kh_store_begin(st, NULL), KH_OK);
	assert_int_equal(cases_insert_unit(st, "Xã Tân Phú", NULL), KH_OK);
	assert_int_equal(kh_store_commit(st, NULL), KH_OK);
	assert_int_equal(kh_store_commit(st, &diag), KH_EINVAL);
	kh_store_rollback(st); /* no transaction: nothing happens */
	kh_store_close(st);

	/* Committed data survives; an open transaction is rolled back on close. */
	st = cases_open(state);
	assert_int_equal(cases_query_int(st, "SELECT COUNT(*) FROM units"), 1);
	assert_int_equal(kh_store_begin(st, NULL), KH_OK);
	assert_int_equal(cases_insert_unit(st, "Phường 1", NULL), KH_OK);
	kh_store_close(st);
	st = cases_open(state);
	assert_int_equal(cases_query_int(st, "SELECT COUNT(*) FROM units"), 1);
	kh_store_close(st);
}

/* Constraint failures are KH_EDB with the database's reason; a
 * transaction with a failed statement rolls back whole. */
static void
case_constraint_errors(void **state)
{
	struct kh_store *st = cases_open(state);
	struct kh_store_stmt *s = NULL;
	struct kh_diag diag;
	bool has_row;

	assert_int_equal(cases_insert_unit(st, "Phường 2", NULL), KH_OK);
	kh_diag_clear(&diag);
	assert_int_equal(cases_insert_unit(st, "Phường 2", &diag), KH_EDB);
	cases_assert_msg(&diag, "unique");
	assert_int_equal(kh_store_prepare(st, "INSERT INTO assets (unit_id, name, imported_at)"
	                                      " VALUES (?, 'x', 'now')", &s, NULL), KH_OK);
	assert_int_equal(kh_store_bind_int64(s, 1, 4242), KH_OK);
	assert_int_equal(kh_store_step(s, &has_row, &diag), KH_EDB);
	cases_assert_msg(&diag, "foreign key");
	kh_store_reset(s); /* binds cleared: unit_id is NULL now */
	assert_int_equal(kh_store_step(s, &has_row, &diag), KH_EDB);
	cases_assert_msg(&diag, "null");
	kh_store_stmt_free(s);
	assert_int_equal(kh_store_prepare(st, "SELEC nonsense", &s, &diag), KH_EDB);
	assert_null(s);
	cases_assert_msg(&diag, "syntax");

	assert_int_equal(kh_store_begin(st, NULL), KH_OK);
	assert_int_equal(cases_insert_unit(st, "Phường 3", NULL), KH_OK);
	assert_int_equal(cases_insert_unit(st, "Phường 2", &diag), KH_EDB);
	kh_store_rollback(st);
	assert_int_equal(cases_query_int(st, "SELECT COUNT(*) FROM units"), 1);
	assert_int_equal(cases_insert_unit(st, "Phường 3", NULL), KH_OK); /* usable again */
	kh_store_close(st);
}

/* What a future Khiên would leave behind is refused, not downgraded. */
static void
case_newer_schema_refused(void **state)
{
	struct kh_store *st = cases_open(state);
	struct kh_store_stmt *s = NULL;
	struct kh_diag diag;
	bool has_row;

	assert_int_equal(kh_store_prepare(st, "INSERT INTO schema_migrations VALUES (?, ?, ?)", &s,
	                                  NULL), KH_OK);
	assert_int_equal(kh_store_bind_int64(s, 1, 999), KH_OK);
	assert_int_equal(kh_store_bind_text(s, 2, "from the future"), KH_OK);
	assert_int_equal(kh_store_bind_text(s, 3, "2031-01-01T00:00:00Z"), KH_OK);
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	kh_store_stmt_free(s);
	kh_store_close(st);

	st = NULL;
	kh_diag_clear(&diag);
	assert_int_equal(cases_try_open(state, &st, &diag), KH_EUNSUPPORTED);
	assert_null(st);
	cases_assert_msg(&diag, "999");
	cases_assert_msg(&diag, "upgrade");
}

/* The cases for the includer's test table, each with its per-test setup
 * and teardown. */
#define STORE_CASES(setup, teardown)                                                    \
	cmocka_unit_test_setup_teardown(case_migrations_once, setup, teardown),         \
	cmocka_unit_test_setup_teardown(case_placeholders, setup, teardown),            \
	cmocka_unit_test_setup_teardown(case_binds_roundtrip, setup, teardown),         \
	cmocka_unit_test_setup_teardown(case_reset_and_rows, setup, teardown),          \
	cmocka_unit_test_setup_teardown(case_changes, setup, teardown),                 \
	cmocka_unit_test_setup_teardown(case_transactions, setup, teardown),            \
	cmocka_unit_test_setup_teardown(case_constraint_errors, setup, teardown),        \
	cmocka_unit_test_setup_teardown(case_newer_schema_refused, setup, teardown)

#endif
