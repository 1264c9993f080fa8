/*
 * test_store.c — the store interface on the SQLite driver: data directory,
 * settings, corrupt files, allocation failures, SQLite's messages; and the
 * cases every driver shares (store_cases.h: migrations, binds,
 * transactions, constraints, newer schema refused).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khien/store.h"

/* ---- helpers --------------------------------------------------------------- */

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup_dir(void **state)
{
	char *dir = kh_strdup("/tmp/khien-store-XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	kh_lang_set(KH_LANG_EN);
	*state = dir;
	return 0;
}

static int
teardown_dir(void **state)
{
	char *dir = *state;

	kh_alloc_fail_after(-1);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	kh_free(dir);
	return 0;
}

/* <tmp>/data: a directory kh_store_open has to create. */
static char *
data_dir(void **state)
{
	char *d = kh_path_join(*state, "data");
	assert_non_null(d);
	return d;
}

static struct kh_store *
open_ok(const char *dir)
{
	struct kh_store *st = NULL;
	struct kh_diag diag;

	kh_diag_clear(&diag);
	if (kh_store_open(dir, NULL, &st, &diag) != KH_OK)
		fail_msg("open %s: %s", dir, diag.msg);
	return st;
}

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* The driver-neutral cases (store_cases.h) open <tmp>/data. */
static enum kh_err
cases_try_open(void **state, struct kh_store **st, struct kh_diag *diag)
{
	char *dir = data_dir(state);
	enum kh_err r = kh_store_open(dir, NULL, st, diag);

	kh_free(dir);
	return r;
}

#include "store_cases.h"

/* ---- tests ----------------------------------------------------------------- */

static void
test_open_creates_dir_and_db(void **state)
{
	char *dir = data_dir(state), *db;
	struct kh_store *st = open_ok(dir);
	struct stat sb;

	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	db = kh_path_join(dir, KH_STORE_DB_FILE);
	assert_int_equal(stat(db, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_string_equal(kh_store_driver_name(st), "sqlite");
	assert_int_equal(kh_store_schema_version(st), kh_store_schema_latest());
	assert_true(kh_store_schema_latest() >= 1);
	kh_store_close(st);
	kh_free(db);
	kh_free(dir);
}

static void
test_settings(void **state)
{
	char *dir = data_dir(state);
	struct kh_store *st = open_ok(dir);
	struct kh_store_stmt *s = NULL;
	bool has_row;

	assert_int_equal(kh_store_prepare(st, "PRAGMA journal_mode", &s, NULL), KH_OK);
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	assert_string_equal(kh_store_column_text(s, 0), "wal");
	kh_store_stmt_free(s);
	assert_int_equal(cases_query_int(st, "PRAGMA foreign_keys"), 1);
	assert_int_equal(cases_query_int(st, "PRAGMA synchronous"), 1); /* NORMAL */
	assert_int_equal(cases_query_int(st, "PRAGMA busy_timeout"), 5000);
	kh_store_close(st);
	kh_free(dir);
}

static void
test_corrupt_db(void **state)
{
	char *dir = data_dir(state), *db;
	unsigned char garbage[8192];
	struct kh_store *st = NULL;
	struct kh_diag diag;

	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (unsigned char)(i * 131 + 7);
	assert_int_equal(kh_mkdir_p(dir, 0700, NULL), KH_OK);
	db = kh_path_join(dir, KH_STORE_DB_FILE);
	write_file(db, garbage, sizeof(garbage));
	assert_int_equal(kh_store_open(dir, NULL, &st, &diag), KH_EDB);
	assert_null(st);
	assert_non_null(strstr(diag.msg, "not a Khiên database"));
	assert_non_null(strstr(diag.file, KH_STORE_DB_FILE));
	kh_free(db);
	kh_free(dir);
}

static void
test_symlinked_db_refused(void **state)
{
	char *dir = data_dir(state), *db, *elsewhere;
	struct kh_store *st = NULL;
	struct kh_diag diag;

	assert_int_equal(kh_mkdir_p(dir, 0700, NULL), KH_OK);
	db = kh_path_join(dir, KH_STORE_DB_FILE);
	elsewhere = kh_path_join(*state, "elsewhere.db");
	assert_int_equal(symlink(elsewhere, db), 0);
	assert_int_equal(kh_store_open(dir, NULL, &st, &diag), KH_EDB);
	assert_null(st);
	assert_int_equal(access(elsewhere, F_OK), -1);
	kh_free(elsewhere);
	kh_free(db);
	kh_free(dir);
}

static void
test_binds_and_columns(void **state)
{
	static const char hostile[] = "x'); DROP TABLE units; --";
	static const unsigned char blob[] = { 0, 1, 2, 0, 255 };
	char *dir = data_dir(state);
	struct kh_store *st = open_ok(dir);
	struct kh_store_stmt *s = NULL;
	const void *p;
	size_t n;
	bool has_row;

	assert_int_equal(kh_store_exec(st, "CREATE TABLE t (a, b, c, d, e)", NULL), KH_OK);
	assert_int_equal(kh_store_prepare(st, "INSERT INTO t VALUES (?, ?, ?, ?, ?)", &s, NULL), KH_OK);
	assert_int_equal(kh_store_bind_text(s, 1, hostile), KH_OK);
	assert_int_equal(kh_store_bind_int64(s, 2, INT64_MIN), KH_OK);
	assert_int_equal(kh_store_bind_null(s, 3), KH_OK);
	assert_int_equal(kh_store_bind_blob(s, 4, blob, sizeof(blob)), KH_OK);
	assert_int_equal(kh_store_bind_blob(s, 5, NULL, 0), KH_OK);
	assert_int_equal(kh_store_bind_text(s, 0, "x"), KH_EINVAL);
	assert_int_equal(kh_store_bind_int64(s, 6, 1), KH_EINVAL);
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	assert_false(has_row);
	assert_int_equal(kh_store_changes(st), 1);
	kh_store_stmt_free(s);

	assert_int_equal(kh_store_prepare(st, "SELECT a, b, c, d, e FROM t", &s, NULL), KH_OK);
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	assert_true(has_row);
	assert_int_equal(kh_store_column_count(s), 5);
	assert_int_equal(kh_store_column_type(s, 0), KH_STORE_TEXT);
	assert_string_equal(kh_store_column_text(s, 0), hostile);
	assert_int_equal(kh_store_column_type(s, 1), KH_STORE_INT);
	assert_true(kh_store_column_int64(s, 1) == INT64_MIN);
	assert_int_equal(kh_store_column_type(s, 2), KH_STORE_NULL);
	assert_null(kh_store_column_text(s, 2));
	assert_int_equal(kh_store_column_type(s, 3), KH_STORE_BLOB);
	p = kh_store_column_blob(s, 3, &n);
	assert_int_equal(n, sizeof(blob));
	assert_memory_equal(p, blob, sizeof(blob));
	assert_int_equal(kh_store_column_type(s, 4), KH_STORE_BLOB);
	assert_null(kh_store_column_text(s, 9)); /* out of range: no crash */
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	assert_false(has_row);
	kh_store_stmt_free(s);
	assert_int_equal(cases_query_int(st, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'units'"), 1);
	kh_store_close(st);
	kh_free(dir);
}

static void
test_statement_errors(void **state)
{
	char *dir = data_dir(state);
	struct kh_store *st = open_ok(dir);
	struct kh_store_stmt *s = NULL;
	struct kh_diag diag;
	bool has_row;

	assert_int_equal(kh_store_prepare(st, "SELEC nonsense", &s, &diag), KH_EDB);
	assert_null(s);
	assert_non_null(strstr(diag.msg, "syntax"));
	/* One statement per prepare: a second one would be silently dropped. */
	assert_int_equal(kh_store_prepare(st, "SELECT 1; DELETE FROM units", &s, &diag), KH_EINVAL);
	assert_null(s);
	/* Constraints: unique unit names, foreign keys on. */
	assert_int_equal(cases_insert_unit(st, "Phường 2", NULL), KH_OK);
	assert_int_equal(cases_insert_unit(st, "Phường 2", &diag), KH_EDB);
	assert_non_null(strstr(diag.msg, "UNIQUE"));
	assert_int_equal(kh_store_prepare(st, "INSERT INTO assets (unit_id, name, imported_at)"
	                                      " VALUES (?, 'x', 'now')", &s, NULL), KH_OK);
	assert_int_equal(kh_store_bind_int64(s, 1, 4242), KH_OK);
	assert_int_equal(kh_store_step(s, &has_row, &diag), KH_EDB);
	assert_non_null(strstr(diag.msg, "FOREIGN KEY"));
	/* reset makes it runnable again, with binds cleared (NULL unit_id). */
	kh_store_reset(s);
	assert_int_equal(kh_store_step(s, &has_row, &diag), KH_EDB);
	assert_non_null(strstr(diag.msg, "NOT NULL"));
	kh_store_stmt_free(s);
	kh_store_close(st);
	kh_free(dir);
}

static void
test_bad_arguments(void **state)
{
	struct kh_store_options opts = { .driver = "oracle" };
	struct kh_store *st = NULL;
	struct kh_diag diag;
	char *dir = data_dir(state);

	assert_int_equal(kh_store_open("", NULL, &st, &diag), KH_EINVAL);
	assert_int_equal(kh_store_open(dir, &opts, &st, &diag), KH_EUNSUPPORTED);
	assert_non_null(strstr(diag.msg, "oracle"));
	assert_null(st);
	kh_store_close(NULL);
	kh_store_stmt_free(NULL);
	kh_free(dir);
}

/* Every allocation the store makes can fail; each failure is clean. */
static void
test_alloc_failures(void **state)
{
	char *dir = data_dir(state);
	struct kh_store *st = NULL;
	struct kh_store_stmt *s = NULL;
	bool opened = false, prepared = false;
	enum kh_err r;

	for (long n = 0; n < 200 && !opened; n++) {
		kh_alloc_fail_after(n);
		r = kh_store_open(dir, NULL, &st, NULL);
		kh_alloc_fail_after(-1);
		if (r == KH_OK) {
			opened = true;
			break;
		}
		assert_int_equal(r, KH_ENOMEM);
		assert_null(st);
	}
	assert_true(opened);
	for (long n = 0; n < 50 && !prepared; n++) {
		kh_alloc_fail_after(n);
		r = kh_store_prepare(st, "SELECT COUNT(*) FROM units", &s, NULL);
		kh_alloc_fail_after(-1);
		if (r == KH_OK)
			prepared = true;
		else
			assert_int_equal(r, KH_ENOMEM);
	}
	assert_true(prepared);
	kh_store_stmt_free(s);
	kh_store_close(st);
	kh_free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates_dir_and_db, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_settings, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_corrupt_db, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_symlinked_db_refused, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_binds_and_columns, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_statement_errors, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_alloc_failures, setup_dir, teardown_dir),
		STORE_CASES(setup_dir, teardown_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
