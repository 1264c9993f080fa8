/*
 * postgres.c — the PostgreSQL store driver (libpq): one session per store,
 * statements prepared server-side under generated names, `?` rewritten to
 * `$n`, results read from one PGresult per execution. docs/store.md.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/*
 * begin() takes this transaction-scoped advisory lock so that, as with
 * SQLite's BEGIN IMMEDIATE, writers queue at begin (bounded by
 * lock_timeout) rather than conflicting midway. The value is "KHIEN" in
 * ASCII; any process using the same database shares it.
 */
#define PG_WRITE_LOCK_KEY "323335308622"

/* Type OIDs from the PostgreSQL catalog (src/include/catalog/pg_type.dat);
 * libpq does not export them to clients. */
enum {
	PG_OID_BOOL = 16,
	PG_OID_BYTEA = 17,
	PG_OID_NAME = 19,
	PG_OID_INT8 = 20,
	PG_OID_INT2 = 21,
	PG_OID_INT4 = 23,
	PG_OID_TEXT = 25,
	PG_OID_OID = 26,
	PG_OID_FLOAT4 = 700,
	PG_OID_FLOAT8 = 701,
	PG_OID_BPCHAR = 1042,
	PG_OID_VARCHAR = 1043,
	PG_OID_NUMERIC = 1700,
};

struct pg_conn {
	PGconn *pg;
	char label[256]; /* user@host/db for messages: never the password */
	unsigned long next_stmt;
	int64_t changes;
};

struct pg_stmt {
	struct pg_conn *conn;
	char name[32];
	char *sql; /* as rewritten, for messages */
	int n_params;
	char **values; /* owned copies; NULL is SQL NULL */
	int *lengths;  /* for binary (blob) params */
	int *formats;  /* 0 text, 1 binary */
	PGresult *res; /* NULL until executed */
	int row, n_rows;
	void **decoded; /* per column: bytea of the current row, decoded */
	size_t *decoded_len;
	int n_decoded;
};

/* ---- messages ---------------------------------------------------------- */

/* libpq messages end in a newline; diag messages are one line. */
static void
one_line(char *s)
{
	for (char *p = s; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	kh_str_trim(s);
}

static enum kh_err
conn_error(struct pg_conn *c, struct kh_diag *diag, const char *what)
{
	char msg[600];

	kh_strlcpy(msg, c->pg != NULL ? PQerrorMessage(c->pg) : "", sizeof(msg));
	one_line(msg);
	return kh_diag_set(diag, KH_EDB, c->label, 0, "%s: %s", what, msg);
}

/* The primary message, SQLSTATE and detail ("Key (name)=(x) already exists"). */
static enum kh_err
result_error(struct pg_conn *c, const PGresult *res, struct kh_diag *diag,
             const char *what)
{
	const char *primary, *state, *detail;
	char msg[600];

	if (res == NULL)
		return conn_error(c, diag, what);
	primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	if (primary == NULL) {
		kh_strlcpy(msg, PQresultErrorMessage(res), sizeof(msg));
		one_line(msg);
		return kh_diag_set(diag, KH_EDB, c->label, 0, "%s: %s", what, msg);
	}
	return kh_diag_set(diag, KH_EDB, c->label, 0, "%s: %s%s%s [SQLSTATE %s]", what,
	                   primary, detail != NULL ? ": " : "",
	                   detail != NULL ? detail : "", state != NULL ? state : "?");
}

/* libpq prints notices (e.g. "relation already exists, skipping") to
 * stderr by default; the library never prints, so they go to the log. */
static void
notice_to_log(void *arg, const char *message)
{
	char msg[600];

	(void)arg;
	kh_strlcpy(msg, message, sizeof(msg));
	one_line(msg);
	kh_log_debug("postgresql: %s", msg);
}

/* ---- counting changes -------------------------------------------------- */

/* SQLite's changes() counts only INSERT/UPDATE/DELETE; PQcmdTuples also
 * answers for SELECT, so look at the command tag first. */
static void
note_changes(struct pg_conn *c, PGresult *res)
{
	const char *tag = PQcmdStatus(res);
	int64_t n;

	if (tag == NULL ||
	    !(kh_str_starts_with(tag, "INSERT ") || kh_str_starts_with(tag, "UPDATE ") ||
	      kh_str_starts_with(tag, "DELETE ") || kh_str_starts_with(tag, "MERGE ")))
		return;
	if (kh_str_to_i64(PQcmdTuples(res), 0, INT64_MAX, &n) == KH_OK)
		c->changes = n;
}

/* ---- connection -------------------------------------------------------- */

static enum kh_err
conn_exec(void *conn, const char *sql, struct kh_diag *diag)
{
	struct pg_conn *c = conn;
	PGresult *res = PQexec(c->pg, sql);
	ExecStatusType st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	enum kh_err r = KH_OK;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
		r = result_error(c, res, diag, sql);
	else if (strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		/* PostgreSQL answers COMMIT of a failed transaction with a
		 * successful "ROLLBACK": nothing was kept, so say so. */
		r = kh_diag_set(diag, KH_EDB, c->label, 0, "COMMIT: %s",
		                KH_MSG("the transaction had failed and was rolled back",
		                       "giao dịch đã lỗi và đã được hoàn tác"));
	else
		note_changes(c, res);
	PQclear(res);
	return r;
}

static void
conn_close(void *conn)
{
	struct pg_conn *c = conn;

	if (c == NULL)
		return;
	PQfinish(c->pg);
	kh_free(c);
}

/*
 * Session settings every statement relies on: UTF-8 text; bytea as hex
 * (decoded in column_blob); standard strings, so a backslash inside '...'
 * is an ordinary character, as the `?` rewriter assumes; and lock_timeout
 * as the counterpart of SQLite's busy timeout. statement_timeout stays
 * off: a long report query is not a stuck writer.
 */
static enum kh_err
session_setup(struct pg_conn *c, int busy_timeout_ms, struct kh_diag *diag)
{
	char sql[256];

	if (kh_snprintf(sql, sizeof(sql),
	                "SET client_encoding = 'UTF8'; SET bytea_output = 'hex';"
	                " SET standard_conforming_strings = on; SET lock_timeout = %d",
	                busy_timeout_ms > 0 ? busy_timeout_ms : 5000) != KH_OK)
		return KH_EINTERNAL;
	return conn_exec(c, sql, diag);
}

static void
set_label(struct pg_conn *c)
{
	const char *host = PQhost(c->pg);

	if (kh_snprintf(c->label, sizeof(c->label), "postgresql://%s@%s/%s",
	                PQuser(c->pg) != NULL ? PQuser(c->pg) : "",
	                host != NULL && host[0] != '/' ? host : "localhost",
	                PQdb(c->pg) != NULL ? PQdb(c->pg) : "") != KH_OK)
		kh_strlcpy(c->label, "postgresql", sizeof(c->label));
}

/*
 * libpq expands the DSN given as dbname (expand_dbname); keywords before
 * it are defaults the DSN may override, those after it are forced.
 */
static PGconn *
connect_dsn(const char *dsn)
{
	const char *const keys[] = {"connect_timeout", "application_name", "dbname",
	                            "client_encoding", NULL};
	const char *const vals[] = {"10", "khien", dsn, "UTF8", NULL};

	return PQconnectdbParams(keys, vals, 1);
}

static enum kh_err
conn_open(const char *data_dir, const struct kh_store_options *opts, void **out,
          struct kh_diag *diag)
{
	struct pg_conn *c = NULL;
	enum kh_err r = KH_EINTERNAL;

	(void)data_dir; /* the data lives in the server; the directory keeps the rest */
	*out = NULL;
	if (opts->dsn == NULL) {
		r = kh_diag_set(diag, KH_EINVAL, NULL, 0, "%s",
		                KH_MSG("the postgresql store needs a connection string "
		                       "([store] postgresql_dsn)",
		                       "kho postgresql cần chuỗi kết nối ([store] "
		                       "postgresql_dsn)"));
		goto out;
	}
	if ((c = kh_calloc(1, sizeof(*c))) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	kh_strlcpy(c->label, "postgresql", sizeof(c->label));
	if ((c->pg = connect_dsn(opts->dsn)) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if (PQstatus(c->pg) != CONNECTION_OK) {
		r = conn_error(c, diag, KH_MSG("cannot connect", "không kết nối được"));
		goto out;
	}
	set_label(c);
	PQsetNoticeProcessor(c->pg, notice_to_log, NULL);
	if ((r = session_setup(c, opts->busy_timeout_ms, diag)) != KH_OK)
		goto out;
	*out = c;
	c = NULL;
	r = KH_OK;
out:
	conn_close(c);
	return r;
}

/*
 * READ COMMITTED (the default) plus one advisory lock: writers run one at
 * a time like SQLite's, so SERIALIZABLE retries are not needed, and readers
 * outside a transaction are never blocked.
 */
static enum kh_err
conn_begin(void *conn, struct kh_diag *diag)
{
	enum kh_err r;

	if ((r = conn_exec(conn, "BEGIN", diag)) != KH_OK)
		return r;
	if ((r = conn_exec(conn, "SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK_KEY ")",
	                   diag)) != KH_OK)
		(void)conn_exec(conn, "ROLLBACK", NULL);
	return r;
}

static int64_t
conn_changes(void *conn)
{
	return ((struct pg_conn *)conn)->changes;
}

/* ---- placeholders ------------------------------------------------------ */

/* Copies a quoted run ('...', "...", E'...') from c to b; a doubled quote
 * stays inside. With backslash_escapes (E'' strings) \x is one unit. */
static enum kh_err
copy_quoted(struct kh_cur *c, struct kh_buf *b, uint8_t quote, bool backslash_escapes)
{
	uint8_t ch;
	enum kh_err r;

	if (!kh_cur_get_u8(c, &ch) || (r = kh_buf_putc(b, (char)ch)) != KH_OK)
		return KH_EINTERNAL;
	while (kh_cur_get_u8(c, &ch)) {
		if ((r = kh_buf_putc(b, (char)ch)) != KH_OK)
			return r;
		if (backslash_escapes && ch == '\\') {
			if (kh_cur_get_u8(c, &ch) &&
			    (r = kh_buf_putc(b, (char)ch)) != KH_OK)
				return r;
			continue;
		}
		if (ch != quote)
			continue;
		if (kh_cur_peek(c) != quote)
			return KH_OK; /* closing quote */
		if (!kh_cur_get_u8(c, &ch) || (r = kh_buf_putc(b, (char)ch)) != KH_OK)
			return KH_EINTERNAL;
	}
	return KH_EFORMAT; /* unterminated */
}

/* Copies a comment: "-- ..." to the end of line, or a nesting C comment
 * (PostgreSQL lexer: block comments nest). */
static enum kh_err
copy_comment(struct kh_cur *c, struct kh_buf *b)
{
	int depth = 0;
	uint8_t ch;
	enum kh_err r;

	if (kh_cur_accept(c, "--")) {
		if ((r = kh_buf_append_str(b, "--")) != KH_OK)
			return r;
		while (kh_cur_peek(c) != '\n' && kh_cur_get_u8(c, &ch))
			if ((r = kh_buf_putc(b, (char)ch)) != KH_OK)
				return r;
		return KH_OK;
	}
	do {
		if (kh_cur_accept(c, "/*")) {
			depth++;
			r = kh_buf_append_str(b, "/*");
		} else if (kh_cur_accept(c, "*/")) {
			depth--;
			r = kh_buf_append_str(b, "*/");
		} else if (kh_cur_get_u8(c, &ch)) {
			r = kh_buf_putc(b, (char)ch);
		} else {
			return KH_EFORMAT;
		}
		if (r != KH_OK)
			return r;
	} while (depth > 0);
	return KH_OK;
}

static bool
is_ident_byte(int ch)
{
	return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch >= 0x80;
}

/* One token-ish step of the rewrite; *prev is the last byte copied, to
 * tell an E'' string from a name ending in e. */
static enum kh_err
rewrite_step(struct kh_cur *c, struct kh_buf *b, int *n_params, int *prev)
{
	int ch = kh_cur_peek(c);
	uint8_t byte;
	enum kh_err r;

	if (ch == '\'' || ch == '"') {
		bool escapes = ch == '\'' && (*prev == 'E' || *prev == 'e');
		r = copy_quoted(c, b, (uint8_t)ch, escapes);
		*prev = ch;
		return r;
	}
	if ((ch == '-' && c->len >= 2 && c->p[1] == '-') ||
	    (ch == '/' && c->len >= 2 && c->p[1] == '*')) {
		*prev = ' ';
		return copy_comment(c, b);
	}
	if (!kh_cur_get_u8(c, &byte))
		return KH_EINTERNAL;
	if (byte == '?') {
		*prev = '0';
		return kh_buf_printf(b, "$%d", ++*n_params);
	}
	/* E only starts an escape string when it is a whole word. */
	*prev = ((byte == 'E' || byte == 'e') && is_ident_byte(*prev)) ? 'x' : byte;
	return kh_buf_putc(b, (char)byte);
}

/*
 * PostgreSQL numbers parameters ($1, $2); callers write `?`. A `?` inside
 * a string literal, a quoted identifier or a comment is left alone.
 * Dollar-quoted bodies ($$...$$) are not recognised: statements with
 * parameters do not need them (docs/store.md).
 */
static enum kh_err
rewrite_placeholders(const char *sql, char **out, int *n_params)
{
	struct kh_cur c = kh_cur_from_str(sql);
	struct kh_buf b;
	int prev = ' ';
	enum kh_err r = KH_OK;

	*out = NULL;
	*n_params = 0;
	kh_buf_init(&b, strlen(sql) * 2 + 64);
	while (!kh_cur_empty(&c) && r == KH_OK)
		r = rewrite_step(&c, &b, n_params, &prev);
	if (r == KH_OK && (*out = kh_buf_steal(&b)) == NULL)
		r = KH_ENOMEM;
	kh_buf_cleanup(&b);
	return r;
}

/* ---- statements -------------------------------------------------------- */

static void
free_decoded(struct pg_stmt *s)
{
	for (int i = 0; i < s->n_decoded; i++) {
		kh_free(s->decoded[i]);
		s->decoded[i] = NULL;
		s->decoded_len[i] = 0;
	}
}

static void
clear_binds(struct pg_stmt *s)
{
	if (s->values == NULL || s->lengths == NULL || s->formats == NULL)
		return; /* prepare failed before any bind */
	for (int i = 0; i < s->n_params; i++) {
		kh_free(s->values[i]);
		s->values[i] = NULL;
		s->lengths[i] = 0;
		s->formats[i] = 0;
	}
}

static void
stmt_reset(void *stmt)
{
	struct pg_stmt *s = stmt;

	free_decoded(s);
	kh_free(s->decoded);
	kh_free(s->decoded_len);
	s->decoded = NULL;
	s->decoded_len = NULL;
	s->n_decoded = 0;
	PQclear(s->res);
	s->res = NULL;
	s->row = s->n_rows = 0;
	clear_binds(s);
}

static void
stmt_free(void *stmt)
{
	struct pg_stmt *s = stmt;
	char sql[64];

	if (s == NULL)
		return;
	stmt_reset(s);
	/* Server-side statements live as long as the session; release this
	 * one. Inside a failed transaction this fails and the session keeps
	 * it until close, which is harmless. */
	if (s->name[0] != '\0' && s->conn->pg != NULL &&
	    kh_snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name) == KH_OK)
		(void)conn_exec(s->conn, sql, NULL);
	kh_free(s->values);
	kh_free(s->lengths);
	kh_free(s->formats);
	kh_free(s->sql);
	kh_free(s);
}

static enum kh_err
alloc_params(struct pg_stmt *s)
{
	size_t n = s->n_params > 0 ? (size_t)s->n_params : 1;

	if ((s->values = kh_calloc(n, sizeof(*s->values))) == NULL ||
	    (s->lengths = kh_calloc(n, sizeof(*s->lengths))) == NULL ||
	    (s->formats = kh_calloc(n, sizeof(*s->formats))) == NULL)
		return KH_ENOMEM;
	return KH_OK;
}

static enum kh_err
server_prepare(struct pg_stmt *s, struct kh_diag *diag)
{
	PGresult *res = PQprepare(s->conn->pg, s->name, s->sql, s->n_params, NULL);
	enum kh_err r = KH_OK;

	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		r = result_error(s->conn, res, diag, s->sql);
	PQclear(res);
	return r;
}

static enum kh_err
stmt_prepare(void *conn, const char *sql, void **out, struct kh_diag *diag)
{
	struct pg_conn *c = conn;
	struct pg_stmt *s = NULL;
	enum kh_err r = KH_EINTERNAL;

	*out = NULL;
	if ((s = kh_calloc(1, sizeof(*s))) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	s->conn = c;
	if ((r = rewrite_placeholders(sql, &s->sql, &s->n_params)) != KH_OK) {
		if (r == KH_EFORMAT)
			r = kh_diag_set(
			        diag, KH_EDB, c->label, 0, "%s: %s", sql,
			        KH_MSG("unterminated quote or comment",
			               "chuỗi trích dẫn hoặc chú thích chưa đóng"));
		goto out;
	}
	if ((r = alloc_params(s)) != KH_OK)
		goto out;
	/* PQprepare refuses several statements in one string, like SQLite's
	 * one-statement rule in the other driver. */
	if ((r = kh_snprintf(s->name, sizeof(s->name), "kh_%lu", ++c->next_stmt)) !=
	            KH_OK ||
	    (r = server_prepare(s, diag)) != KH_OK) {
		s->name[0] = '\0'; /* nothing to DEALLOCATE */
		goto out;
	}
	*out = s;
	s = NULL;
	r = KH_OK;
out:
	stmt_free(s);
	return r;
}

static int
stmt_param_count(void *stmt)
{
	return ((struct pg_stmt *)stmt)->n_params;
}

/* Binding after a step starts a new execution, as in SQLite after reset. */
static void
set_param(struct pg_stmt *s, int idx, char *value, int length, int format)
{
	kh_free(s->values[idx - 1]);
	s->values[idx - 1] = value;
	s->lengths[idx - 1] = length;
	s->formats[idx - 1] = format;
}

static enum kh_err
stmt_bind_text(void *stmt, int idx, const char *text)
{
	char *copy = kh_strdup(text);

	if (copy == NULL)
		return KH_ENOMEM;
	set_param(stmt, idx, copy, 0, 0);
	return KH_OK;
}

static enum kh_err
stmt_bind_int64(void *stmt, int idx, int64_t v)
{
	char text[24];
	char *copy;

	if (kh_snprintf(text, sizeof(text), "%" PRId64, v) != KH_OK)
		return KH_EINTERNAL;
	if ((copy = kh_strdup(text)) == NULL)
		return KH_ENOMEM;
	set_param(stmt, idx, copy, 0, 0);
	return KH_OK;
}

static enum kh_err
stmt_bind_null(void *stmt, int idx)
{
	set_param(stmt, idx, NULL, 0, 0);
	return KH_OK;
}

/* Binary format: bytea's binary form is the bytes themselves, so NULs and
 * any byte go through unescaped. A 1-byte allocation keeps an empty blob
 * distinct from NULL. */
static enum kh_err
stmt_bind_blob(void *stmt, int idx, const void *p, size_t n)
{
	char *copy;

	if (n > INT32_MAX)
		return KH_ETOO_LARGE;
	if ((copy = kh_malloc(n > 0 ? n : 1)) == NULL)
		return KH_ENOMEM;
	if (n > 0)
		memcpy(copy, p, n);
	set_param(stmt, idx, copy, (int)n, 1);
	return KH_OK;
}

static enum kh_err
prepare_columns(struct pg_stmt *s)
{
	int n = PQnfields(s->res);

	s->n_decoded = n;
	if (n == 0)
		return KH_OK;
	if ((s->decoded = kh_calloc((size_t)n, sizeof(*s->decoded))) == NULL ||
	    (s->decoded_len = kh_calloc((size_t)n, sizeof(*s->decoded_len))) == NULL) {
		s->n_decoded = 0;
		return KH_ENOMEM;
	}
	return KH_OK;
}

static enum kh_err
execute(struct pg_stmt *s, struct kh_diag *diag)
{
	ExecStatusType st;

	s->res =
	        PQexecPrepared(s->conn->pg, s->name, s->n_params,
	                       (const char *const *)s->values, s->lengths, s->formats, 0);
	st = s->res != NULL ? PQresultStatus(s->res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		enum kh_err r = result_error(s->conn, s->res, diag, s->sql);
		PQclear(s->res);
		s->res = NULL;
		return r;
	}
	note_changes(s->conn, s->res);
	s->n_rows = PQntuples(s->res);
	s->row = -1;
	return prepare_columns(s);
}

/* The first step runs the statement and keeps the whole result; the next
 * steps walk its rows. A statement that is done stays done until reset. */
static enum kh_err
stmt_step(void *stmt, bool *has_row, struct kh_diag *diag)
{
	struct pg_stmt *s = stmt;
	enum kh_err r;

	if (s->res == NULL && (r = execute(s, diag)) != KH_OK)
		return r;
	free_decoded(s);
	if (s->row < s->n_rows)
		s->row++;
	*has_row = s->row < s->n_rows;
	return KH_OK;
}

static bool
on_row(const struct pg_stmt *s, int col)
{
	return s->res != NULL && s->row >= 0 && s->row < s->n_rows &&
	       col < PQnfields(s->res);
}

static int
stmt_column_count(void *stmt)
{
	struct pg_stmt *s = stmt;

	return s->res != NULL ? PQnfields(s->res) : 0;
}

static enum kh_store_type
stmt_column_type(void *stmt, int col)
{
	struct pg_stmt *s = stmt;

	if (!on_row(s, col) || PQgetisnull(s->res, s->row, col))
		return KH_STORE_NULL;
	switch (PQftype(s->res, col)) {
	case PG_OID_BOOL:
	case PG_OID_INT2:
	case PG_OID_INT4:
	case PG_OID_INT8:
	case PG_OID_OID:
		return KH_STORE_INT;
	case PG_OID_BYTEA:
		return KH_STORE_BLOB;
	case PG_OID_FLOAT4:
	case PG_OID_FLOAT8:
	case PG_OID_NUMERIC:
		return KH_STORE_REAL;
	default:
		return KH_STORE_TEXT; /* text, varchar, name, and the rest as text */
	}
}

/* Like sqlite3_column_int64: numbers convert, a REAL truncates, other
 * text is 0. Booleans come as "t"/"f". */
static int64_t
stmt_column_int64(void *stmt, int col)
{
	struct pg_stmt *s = stmt;
	const char *v;
	int64_t n;
	double d;
	char *end;

	if (!on_row(s, col) || PQgetisnull(s->res, s->row, col))
		return 0;
	v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) == PG_OID_BOOL)
		return v[0] == 't';
	if (kh_str_to_i64(v, INT64_MIN, INT64_MAX, &n) == KH_OK)
		return n;
	d = strtod(v, &end);
	if (end == v || *end != '\0' || !(d > -9.2e18 && d < 9.2e18))
		return 0;
	return (int64_t)d;
}

static const char *
stmt_column_text(void *stmt, int col)
{
	struct pg_stmt *s = stmt;

	if (!on_row(s, col) || PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int
hex_value(uint8_t ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* PostgreSQL docs 8.4.1: bytea hex output is "\x" then two hex digits per
 * byte. The server sends it, but it is still read through a cursor. */
static enum kh_err
decode_hex_bytea(struct kh_cur c, uint8_t **out, size_t *n)
{
	uint8_t *bytes, hi, lo;
	size_t i = 0;

	*out = NULL;
	*n = 0;
	if (!kh_cur_accept(&c, "\\x") || c.len % 2 != 0)
		return KH_EFORMAT;
	if ((bytes = kh_malloc(c.len / 2 + 1)) == NULL)
		return KH_ENOMEM;
	while (kh_cur_get_u8(&c, &hi) && kh_cur_get_u8(&c, &lo)) {
		if (hex_value(hi) < 0 || hex_value(lo) < 0) {
			kh_free(bytes);
			return KH_EFORMAT;
		}
		bytes[i++] = (uint8_t)(hex_value(hi) << 4 | hex_value(lo));
	}
	*out = bytes;
	*n = i;
	return KH_OK;
}

/* bytea is decoded once per row and column; other types give their text
 * bytes, as SQLite gives a TEXT value's bytes for sqlite3_column_blob. */
static const void *
stmt_column_blob(void *stmt, int col, size_t *n)
{
	struct pg_stmt *s = stmt;
	uint8_t *bytes;

	*n = 0;
	if (!on_row(s, col) || PQgetisnull(s->res, s->row, col) || col >= s->n_decoded)
		return NULL;
	if (PQftype(s->res, col) != PG_OID_BYTEA) {
		*n = (size_t)PQgetlength(s->res, s->row, col);
		return PQgetvalue(s->res, s->row, col);
	}
	if (s->decoded[col] == NULL) {
		struct kh_cur c = kh_cur_make(PQgetvalue(s->res, s->row, col),
		                              (size_t)PQgetlength(s->res, s->row, col));
		if (decode_hex_bytea(c, &bytes, &s->decoded_len[col]) != KH_OK)
			return NULL;
		s->decoded[col] = bytes;
	}
	*n = s->decoded_len[col];
	return s->decoded[col];
}

const struct kh_store_driver kh_store_postgres_driver = {
        .name = "postgresql",
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
