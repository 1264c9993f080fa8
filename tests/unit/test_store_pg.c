/*
 * test_store_pg.c — the store interface on the PostgreSQL driver, against a
 * real server this test starts itself (initdb in a temporary directory,
 * Unix socket only, stopped and removed at the end): the cases every driver
 * shares (store_cases.h), then what is PostgreSQL's own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <glob.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khien/store.h"

/* ---- the server ------------------------------------------------------------ */

static struct {
	char bin[512]; /* /usr/lib/postgresql/<v>/bin */
	char dir[256]; /* cluster, socket and log */
	bool started;
	bool as_postgres; /* running as root: the server runs as `postgres` */
	int next_db;
} srv;

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The newest installed server (Debian: /usr/lib/postgresql/<major>/bin). */
static bool
find_bin(void)
{
	glob_t g;
	bool found = false;

	if (glob("/usr/lib/postgresql/*/bin/pg_ctl", 0, NULL, &g) == 0 && g.gl_pathc > 0) {
		const char *last = g.gl_pathv[g.gl_pathc - 1];
		size_t n = strlen(last) - strlen("/pg_ctl");
		if (n < sizeof(srv.bin)) {
			memcpy(srv.bin, last, n);
			srv.bin[n] = '\0';
			found = access(last, X_OK) == 0;
		}
	}
	globfree(&g);
	return found;
}

/* Runs a server program, as `postgres` when we are root (PostgreSQL
 * refuses to run as root), output to <dir>/<log>. */
static int
run_pg(const char *log, const char *fmt, ...) KH_PRINTF(2, 3);
static int
run_pg(const char *log, const char *fmt, ...)
{
	char args[1536], cmd[2560];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s %s/%s >>%s/%s 2>&1",
	         srv.as_postgres ? "runuser -u postgres --" : "", srv.bin, args, srv.dir, log);
	return system(cmd);
}

static void
stop_server(void)
{
	if (srv.started) {
		(void)run_pg("stop.log", "pg_ctl -D %s/db -m immediate -w stop", srv.dir);
		srv.started = false;
	}
	if (srv.dir[0] != '\0') {
		nftw(srv.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		srv.dir[0] = '\0';
	}
}

static void
print_log(const char *name)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "cat %s/%s", srv.dir, name);
	(void)system(cmd);
}

static int
start_server(void **state)
{
	(void)state;
	kh_lang_set(KH_LANG_EN);
	if (!find_bin())
		return 0; /* every test skips, saying why */
	snprintf(srv.dir, sizeof(srv.dir), "/tmp/khien-pg-XXXXXX");
	if (mkdtemp(srv.dir) == NULL)
		return -1;
	atexit(stop_server); /* also when a test crashes the runner out */
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("postgres");
		if (pw == NULL || chown(srv.dir, pw->pw_uid, pw->pw_gid) != 0) {
			fprintf(stderr, "running as root and no `postgres` user to run the server\n");
			return -1;
		}
		srv.as_postgres = true;
	}
	if (run_pg("initdb.log", "initdb -D %s/db -A trust -U khien -E UTF8 --no-sync"
	                         " --locale=C.UTF-8", srv.dir) != 0) {
		print_log("initdb.log");
		return -1;
	}
	/* Unix socket only: nothing listens on the network. */
	if (run_pg("pg_ctl.log", "pg_ctl -D %s/db -l %s/server.log -w -t 60 -o \"-k %s"
	                         " -c listen_addresses='' -c fsync=off\" start",
	           srv.dir, srv.dir, srv.dir) != 0) {
		print_log("server.log");
		return -1;
	}
	srv.started = true;
	return 0;
}

static int
stop_server_group(void **state)
{
	(void)state;
	stop_server();
	return 0;
}

/* ---- one database per test ------------------------------------------------- */

struct pg_env {
	char data_dir[256];
	char dsn[512];
	int busy_timeout_ms;
};

static void
admin_exec(const char *sql)
{
	char dsn[512];
	PGconn *pg;
	PGresult *res;

	snprintf(dsn, sizeof(dsn), "host=%s user=khien dbname=postgres", srv.dir);
	pg = PQconnectdb(dsn);
	if (PQstatus(pg) != CONNECTION_OK)
		fail_msg("admin connect: %s", PQerrorMessage(pg));
	res = PQexec(pg, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(pg);
}

static int
setup_db(void **state)
{
	struct pg_env *env;
	char sql[64];

	if (!srv.started)
		return 0; /* the test skips */
	env = kh_calloc(1, sizeof(*env));
	assert_non_null(env);
	snprintf(env->data_dir, sizeof(env->data_dir), "/tmp/khien-pgdata-XXXXXX");
	assert_non_null(mkdtemp(env->data_dir));
	snprintf(sql, sizeof(sql), "CREATE DATABASE t%d", ++srv.next_db);
	admin_exec(sql);
	snprintf(env->dsn, sizeof(env->dsn), "host=%s user=khien dbname=t%d", srv.dir, srv.next_db);
	*state = env;
	return 0;
}

static int
teardown_db(void **state)
{
	struct pg_env *env = *state;

	kh_alloc_fail_after(-1);
	if (env == NULL)
		return 0;
	nftw(env->data_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	kh_free(env);
	*state = NULL;
	return 0;
}

static struct pg_env *
env_or_skip(void **state)
{
	if (!srv.started) {
		print_message("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin):"
		              " install the postgresql package\n");
		skip();
	}
	return *state;
}

static enum kh_err
cases_try_open(void **state, struct kh_store **st, struct kh_diag *diag)
{
	struct pg_env *env = env_or_skip(state);
	struct kh_store_options opts = { .driver = "postgresql", .dsn = env->dsn,
		                         .busy_timeout_ms = env->busy_timeout_ms };

	return kh_store_open(env->data_dir, &opts, st, diag);
}

#include "store_cases.h"

/* Runs a one-row query and returns column 0 as a copy. */
static char *
query_text(struct kh_store *st, const char *sql)
{
	struct kh_store_stmt *s = NULL;
	bool has_row = false;
	char *v;

	assert_int_equal(kh_store_prepare(st, sql, &s, NULL), KH_OK);
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	assert_true(has_row);
	v = kh_strdup(kh_store_column_text(s, 0));
	kh_store_stmt_free(s);
	return v;
}

static void
assert_query_text(struct kh_store *st, const char *sql, const char *want)
{
	char *got = query_text(st, sql);

	assert_string_equal(got, want);
	kh_free(got);
}

/* ---- PostgreSQL's own ------------------------------------------------------ */

static void
test_pg_session_settings(void **state)
{
	struct pg_env *env = env_or_skip(state);
	struct kh_store *st = cases_open(state);

	assert_string_equal(kh_store_driver_name(st), "postgresql");
	assert_query_text(st, "SHOW client_encoding", "UTF8");
	assert_query_text(st, "SHOW standard_conforming_strings", "on");
	assert_query_text(st, "SHOW bytea_output", "hex");
	assert_query_text(st, "SHOW lock_timeout", "5s"); /* busy_timeout_ms default */
	kh_store_close(st);
	env->busy_timeout_ms = 1234;
	st = cases_open(state);
	assert_query_text(st, "SHOW lock_timeout", "1234ms");
	kh_store_close(st);
}

/* Every migration's PostgreSQL SQL applies, in order, each recorded once. */
static void
test_pg_all_migrations(void **state)
{
	struct kh_store *st;
	struct kh_store_stmt *s = NULL;
	bool has_row;
	int64_t expect = 1;

	env_or_skip(state);
	st = cases_open(state);
	assert_int_equal(kh_store_prepare(st, "SELECT version, name FROM schema_migrations"
	                                      " ORDER BY version", &s, NULL), KH_OK);
	while (kh_store_step(s, &has_row, NULL) == KH_OK && has_row) {
		assert_int_equal(kh_store_column_int64(s, 0), expect);
		assert_true(strlen(kh_store_column_text(s, 1)) > 0);
		expect++;
	}
	assert_int_equal(expect - 1, kh_store_schema_latest());
	kh_store_stmt_free(s);
	/* The tables of v1 and v2 are real PostgreSQL tables with identity ids. */
	assert_int_equal(cases_query_int(st, "SELECT COUNT(*) FROM information_schema.tables"
	                                     " WHERE table_name IN ('units', 'assets',"
	                                     " 'scan_runs', 'scan_detections')"), 4);
	kh_store_close(st);
}

static void
test_pg_column_types(void **state)
{
	struct kh_store *st;
	struct kh_store_stmt *s = NULL;
	const void *p;
	size_t n;
	bool has_row;
	static const enum kh_store_type want[] = {
		KH_STORE_INT,  KH_STORE_INT,  KH_STORE_INT,  KH_STORE_REAL, KH_STORE_REAL,
		KH_STORE_INT,  KH_STORE_TEXT, KH_STORE_TEXT, KH_STORE_BLOB, KH_STORE_NULL,
	};

	env_or_skip(state);
	st = cases_open(state);
	assert_int_equal(kh_store_prepare(st, "SELECT 1::int2, 2::int4, 3::int8, 1.5::float8,"
	                                      " 2.75::numeric, true, 'x'::varchar, 'y'::text,"
	                                      " '\\x00ff'::bytea, NULL", &s, NULL), KH_OK);
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	assert_true(has_row);
	assert_int_equal(kh_store_column_count(s), 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(kh_store_column_type(s, i), want[i]);
	assert_int_equal(kh_store_column_int64(s, 2), 3);
	assert_int_equal(kh_store_column_int64(s, 4), 2); /* REAL truncates, as in SQLite */
	assert_int_equal(kh_store_column_int64(s, 5), 1);
	assert_string_equal(kh_store_column_text(s, 3), "1.5");
	p = kh_store_column_blob(s, 8, &n);
	assert_int_equal(n, 2);
	assert_memory_equal(p, "\x00\xff", 2);
	kh_store_stmt_free(s);
	kh_store_close(st);
}

/* Parameters counted the PostgreSQL way: E'' escapes, nested comments,
 * unterminated quotes refused before they reach the server. */
static void
test_pg_placeholder_edges(void **state)
{
	struct kh_store *st;
	struct kh_store_stmt *s = NULL, *t = NULL;
	struct kh_diag diag;
	bool has_row;

	env_or_skip(state);
	st = cases_open(state);
	assert_int_equal(kh_store_prepare(st, "SELECT E'a\\'?', ?::text /* /* ? */ ? */, 'b?'",
	                                  &s, NULL), KH_OK);
	assert_int_equal(kh_store_bind_text(s, 2, "x"), KH_EINVAL);
	assert_int_equal(kh_store_bind_text(s, 1, "một"), KH_OK);
	/* A second statement alive at the same time (generated names). */
	assert_int_equal(kh_store_prepare(st, "SELECT ?::bigint + 1", &t, NULL), KH_OK);
	assert_int_equal(kh_store_bind_int64(t, 1, 41), KH_OK);
	assert_int_equal(kh_store_step(s, &has_row, NULL), KH_OK);
	assert_int_equal(kh_store_step(t, &has_row, NULL), KH_OK);
	assert_int_equal(kh_store_column_int64(t, 0), 42);
	assert_string_equal(kh_store_column_text(s, 0), "a'?");
	assert_string_equal(kh_store_column_text(s, 1), "một");
	assert_string_equal(kh_store_column_text(s, 2), "b?");
	kh_store_stmt_free(s);
	kh_store_stmt_free(t);
	assert_int_equal(kh_store_prepare(st, "SELECT 'oops?", &s, &diag), KH_EDB);
	assert_null(s);
	cases_assert_msg(&diag, "unterminated");
	assert_int_equal(kh_store_prepare(st, "SELECT 1; SELECT 2", &s, &diag), KH_EDB);
	assert_null(s);
	kh_store_close(st);
}

/* begin takes the write lock: a second writer waits lock_timeout, then
 * fails at begin with the server's reason, not halfway through. */
static void
test_pg_writers_queue_at_begin(void **state)
{
	struct pg_env *env = env_or_skip(state);
	struct kh_store *first, *second;
	struct kh_diag diag;

	first = cases_open(state);
	env->busy_timeout_ms = 200;
	second = cases_open(state);
	assert_int_equal(kh_store_begin(first, NULL), KH_OK);
	kh_diag_clear(&diag);
	assert_int_equal(kh_store_begin(second, &diag), KH_EDB);
	cases_assert_msg(&diag, "lock timeout");
	assert_false(kh_store_in_transaction(second));
	/* Readers are not blocked by a writer. */
	assert_int_equal(cases_query_int(second, "SELECT COUNT(*) FROM units"), 0);
	assert_int_equal(cases_insert_unit(first, "Phường 4", NULL), KH_OK);
	assert_int_equal(kh_store_commit(first, NULL), KH_OK);
	assert_int_equal(kh_store_begin(second, NULL), KH_OK);
	assert_int_equal(cases_query_int(second, "SELECT COUNT(*) FROM units"), 1);
	kh_store_rollback(second);
	kh_store_close(first);
	kh_store_close(second);
}

/* PostgreSQL answers COMMIT of a failed transaction with "ROLLBACK";
 * the store reports it rather than pretending the data was kept. */
static void
test_pg_commit_after_failure(void **state)
{
	struct kh_store *st;
	struct kh_diag diag;

	env_or_skip(state);
	st = cases_open(state);
	assert_int_equal(cases_insert_unit(st, "Phường 5", NULL), KH_OK);
	assert_int_equal(kh_store_begin(st, NULL), KH_OK);
	assert_int_equal(cases_insert_unit(st, "Phường 6", NULL), KH_OK);
	assert_int_equal(cases_insert_unit(st, "Phường 5", &diag), KH_EDB);
	assert_int_equal(cases_insert_unit(st, "Phường 7", &diag), KH_EDB);
	cases_assert_msg(&diag, "aborted");
	assert_int_equal(kh_store_commit(st, &diag), KH_EDB);
	cases_assert_msg(&diag, "rolled back");
	assert_false(kh_store_in_transaction(st));
	assert_int_equal(cases_query_int(st, "SELECT COUNT(*) FROM units"), 1);
	kh_store_close(st);
}

static void
test_pg_bad_connection(void **state)
{
	struct pg_env *env = env_or_skip(state);
	struct kh_store_options opts = { .driver = "postgresql" };
	struct kh_store *st = NULL;
	struct kh_diag diag;
	char dsn[600];

	assert_int_equal(kh_store_open(env->data_dir, &opts, &st, &diag), KH_EINVAL);
	cases_assert_msg(&diag, "postgresql_dsn");
	snprintf(dsn, sizeof(dsn), "host=%s user=khien password=s3cr3t dbname=no_such_db", srv.dir);
	opts.dsn = dsn;
	assert_int_equal(kh_store_open(env->data_dir, &opts, &st, &diag), KH_EDB);
	assert_null(st);
	cases_assert_msg(&diag, "no_such_db");
	assert_null(strstr(diag.msg, "s3cr3t"));
	assert_null(strstr(diag.file, "s3cr3t"));
	opts.dsn = "this is not a dsn";
	assert_int_equal(kh_store_open(env->data_dir, &opts, &st, &diag), KH_EDB);
	assert_null(st);
}

/* Every allocation the driver makes can fail; each failure is clean. */
static void
test_pg_alloc_failures(void **state)
{
	struct kh_store *st = NULL;
	struct kh_store_stmt *s = NULL;
	bool opened = false, ran = false;
	enum kh_err r;

	env_or_skip(state);
	for (long n = 0; n < 400 && !opened; n++) {
		kh_alloc_fail_after(n);
		r = cases_try_open(state, &st, NULL);
		kh_alloc_fail_after(-1);
		if (r == KH_OK)
			opened = true;
		else
			assert_int_equal(r, KH_ENOMEM);
	}
	assert_true(opened);
	for (long n = 0; n < 50 && !ran; n++) {
		bool has_row = false;
		kh_alloc_fail_after(n);
		r = kh_store_prepare(st, "SELECT name FROM units WHERE name = ?", &s, NULL);
		if (r == KH_OK && (r = kh_store_bind_text(s, 1, "x")) == KH_OK &&
		    (r = kh_store_step(s, &has_row, NULL)) == KH_OK)
			ran = true;
		kh_alloc_fail_after(-1);
		if (!ran)
			assert_int_equal(r, KH_ENOMEM);
		kh_store_stmt_free(s);
		s = NULL;
	}
	assert_true(ran);
	kh_store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_CASES(setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_pg_session_settings, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_pg_all_migrations, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_pg_column_types, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_pg_placeholder_edges, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_pg_writers_queue_at_begin, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_pg_commit_after_failure, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_pg_bad_connection, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_pg_alloc_failures, setup_db, teardown_db),
	};
	return cmocka_run_group_tests(tests, start_server, stop_server_group);
}
