/*
 * apk_db.c — installed packages from Alpine's apk database
 * (/lib/apk/db/installed): blank-line separated entries of "K:value" lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "khien/inventory.h"
#include "inventory_int.h"
#include "khien/limits.h"

/*
 * apk-tools doc/apk-package(5) and database.c: P name, V version, A arch,
 * o origin (the source package, APKBUILD pkgname). The other keys (C, S,
 * I, T, U, L, F, R, Z, a, M, ...) are not needed for an inventory.
 */
enum key_id { K_NAME, K_VERSION, K_ARCH, K_ORIGIN, K_COUNT };
static const char key_chars[K_COUNT] = { 'P', 'V', 'A', 'o' };

struct entry {
	long first_line;
	size_t n_lines;
	struct kh_cur v[K_COUNT];
	long line[K_COUNT];
	bool present[K_COUNT];
	bool bad;
};

static bool
is_alnum(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* Alphanumerics first, then alphanumerics and `extra`; bounded length. */
static bool
token_ok(const struct kh_cur *c, const char *extra, size_t max_len)
{
	if (c->len == 0 || c->len > max_len || !is_alnum(c->p[0]))
		return false;
	for (size_t i = 1; i < c->len; i++)
		if (!is_alnum(c->p[i]) && strchr(extra, c->p[i]) == NULL)
			return false;
	return true;
}

/* apk versions: "1.36.1-r15", "2.4_git20230101-r0", "1.0_p1-r2". */
static bool
value_ok(enum key_id id, const struct kh_cur *v)
{
	switch (id) {
	case K_NAME:
	case K_ORIGIN: return token_ok(v, "-+._", 256);
	case K_VERSION: return token_ok(v, "._-+~", KH_LIMIT(max_version_bytes));
	case K_ARCH: return token_ok(v, "_-", 64);
	default: return false;
	}
}

static const char *const key_names[K_COUNT] = { "P (name)", "V (version)", "A (arch)",
	                                        "o (origin)" };

static void
emit(struct inv_parse *ps, struct entry *e)
{
	/* No origin: the package is its own source, as for dpkg. */
	struct kh_cur src = e->present[K_ORIGIN] ? e->v[K_ORIGIN] : e->v[K_NAME];
	const struct kh_cur fields[INV_STATUS] = { e->v[K_NAME], e->v[K_VERSION],
		                                   e->v[K_ARCH], src, e->v[K_VERSION] };

	inv_emit(ps, e->first_line, KH_INVENTORY_APK, fields, NULL);
}

static void
finish_entry(struct inv_parse *ps, struct entry *e)
{
	if (e->n_lines == 0 || e->bad)
		return;
	for (int id = 0; id < K_ORIGIN; id++) /* origin is optional */
		if (!e->present[id]) {
			inv_problem(ps, e->first_line, KH_EFORMAT, "%s %s",
			        KH_MSG("entry without field", "mục thiếu trường"), key_names[id]);
			return;
		}
	emit(ps, e);
}

static void
key_line(struct inv_parse *ps, struct entry *e, struct kh_cur line, long lineno)
{
	uint8_t key = line.p[0];

	if (line.len < 2 || line.p[1] != ':' || !kh_cur_no_nul(&line)) {
		inv_problem(ps, lineno, KH_EFORMAT, "%s",
		        KH_MSG("expected 'K:value'", "cần dạng 'K:giá_trị'"));
		e->bad = true;
		return;
	}
	for (int id = 0; id < K_COUNT; id++) {
		struct kh_cur v = kh_cur_make(line.p + 2, line.len - 2);
		if (key != key_chars[id])
			continue;
		if (e->present[id]) {
			inv_problem(ps, lineno, KH_EFORMAT, "%s %s", KH_MSG("duplicate field", "trường lặp"),
			        key_names[id]);
			e->bad = true;
		} else if (!value_ok((enum key_id)id, &v)) {
			inv_problem(ps, lineno, KH_EFORMAT, "%s %s: '%.*s'",
			        KH_MSG("invalid value in field", "giá trị không hợp lệ ở trường"),
			        key_names[id], (int)(v.len > 80 ? 80 : v.len), (const char *)v.p);
			e->bad = true;
		}
		e->present[id] = true;
		e->v[id] = v;
		e->line[id] = lineno;
	}
}

enum kh_err
kh_inventory_parse_apk_db(struct kh_cur text, const char *file,
                          struct kh_inventory *inv, struct kh_diag *diag)
{
	struct inv_parse ps = { .inv = inv, .file = file, .diag = diag };
	bool ends_mid_line = text.len > 0 && text.p[text.len - 1] != '\n';
	struct entry e = { 0 };
	struct kh_cur line;
	long lineno = 0;
	bool too_long;

	kh_diag_clear(diag);
	if (text.len > KH_LIMIT(max_apk_db_bytes)) {
		inv_problem(&ps, 0, KH_ELIMIT, "limit max_apk_db_bytes (%llu) exceeded",
		        (unsigned long long)KH_LIMIT(max_apk_db_bytes));
		return ps.first;
	}
	while (!ps.nomem && !ps.stop) {
		bool got = kh_cur_get_line(&text, KH_LIMIT(max_line_bytes), &line, &too_long);
		if (!got && !too_long)
			break;
		lineno++;
		if (!too_long && line.len == 0) {
			finish_entry(&ps, &e);
			e = (struct entry){ 0 };
			continue;
		}
		if (e.n_lines++ == 0)
			e.first_line = lineno;
		if (too_long) {
			/* The long line may be any key (file lists are long): the entry
			 * itself can still be whole, so only the line is reported. */
			inv_problem(&ps, lineno, KH_ELIMIT, "line: limit max_line_bytes (%llu) exceeded",
			        (unsigned long long)KH_LIMIT(max_line_bytes));
			continue;
		}
		key_line(&ps, &e, line, lineno);
	}
	if (!ps.nomem && !ps.stop && e.n_lines > 0) {
		/* apk ends every entry, the last too, with a blank line. */
		inv_problem(&ps, lineno, KH_ETRUNCATED, "%s",
		        ends_mid_line ? KH_MSG("file ends in the middle of a line (truncated?)",
		                               "tệp kết thúc giữa dòng (bị cắt cụt?)")
		                      : KH_MSG("last entry not ended by a blank line "
		                               "(truncated?)",
		                               "mục cuối không kết thúc bằng dòng trống "
		                               "(bị cắt cụt?)"));
		/* A cut line holds a cut value ("3.0" of "3.0.11"): keeping
		 * that entry would report a version that is not there. */
		if (!ends_mid_line)
			finish_entry(&ps, &e);
	}
	return ps.nomem ? KH_ENOMEM : ps.first;
}
