/*
 * dpkg_status.c — installed packages from dpkg's status database
 * (/var/lib/dpkg/status): RFC 822-style paragraphs, one per package.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "khien/inventory.h"
#include "inventory_int.h"
#include "khien/limits.h"

enum field_id { F_PACKAGE, F_STATUS, F_VERSION, F_ARCH, F_SOURCE, F_COUNT };

/* deb-control(5): field names are case-insensitive. */
static const char *const field_names[F_COUNT] = { "Package", "Status", "Version",
	                                          "Architecture", "Source" };

struct field {
	struct kh_cur value;
	long line;
	bool present;
	bool bad; /* already reported: do not use */
};

struct para {
	long first_line;
	size_t n_lines;
	struct field f[F_COUNT];
	int last; /* field a continuation line belongs to: F_COUNT other, -1 none */
};

/* ---- value checks (dpkg's own rules) ------------------------------------ */

static bool
is_alnum(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* dpkg pkg_name_is_illegal(): starts alphanumeric, then alphanumerics and "-+._". */
static bool
name_ok(const struct kh_cur *c)
{
	if (c->len == 0 || !is_alnum(c->p[0]))
		return false;
	for (size_t i = 1; i < c->len; i++)
		if (!is_alnum(c->p[i]) && strchr("-+._", c->p[i]) == NULL)
			return false;
	return true;
}

/* deb-version(7): alphanumerics and ".+~-:" (epoch ':' and revision '-'). */
static bool
version_ok(const struct kh_cur *c)
{
	if (c->len == 0 || c->len > KH_LIMIT(max_version_bytes))
		return false;
	for (size_t i = 0; i < c->len; i++)
		if (!is_alnum(c->p[i]) && strchr(".+~-:", c->p[i]) == NULL)
			return false;
	return true;
}

/* dpkg-architecture(1): lowercase alphanumerics and '-' ("amd64", "all"). */
static bool
arch_ok(const struct kh_cur *c)
{
	if (c->len == 0 || c->len > 64)
		return false;
	for (size_t i = 0; i < c->len; i++)
		if (!is_alnum(c->p[i]) && c->p[i] != '-')
			return false;
	return true;
}

static bool
cur_caseeq(const struct kh_cur *c, const char *s)
{
	size_t n = strlen(s);

	return c->len == n && strncasecmp((const char *)c->p, s, n) == 0;
}

/*
 * dpkg(1) "Package states": a package's files are on disk in every state
 * but not-installed and config-files (only conffiles remain). Those are
 * the ones listed; want and error flags do not change what is on disk.
 */
static const char *const listed_states[] = { "installed",       "triggers-pending",
	                                      "triggers-awaited", "half-configured",
	                                      "unpacked",        "half-installed" };
static const char *const unlisted_states[] = { "not-installed", "config-files" };
static const char *const wants[] = { "unknown", "install", "hold", "deinstall", "purge" };
static const char *const eflags[] = { "ok", "reinstreq", "hold", "hold-reinstreq" };

static bool
word_in(const struct kh_cur *w, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (kh_cur_eq(w, set[i]))
			return true;
	return false;
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* "Status: want eflag status"; sets *listed. False when malformed. */
static bool
status_parse(struct kh_cur v, struct kh_cur *state, bool *listed)
{
	struct kh_cur want, eflag;

	if (!kh_cur_take_until(&v, ' ', &want) || !kh_cur_take_until(&v, ' ', &eflag))
		return false;
	*state = v;
	if (!word_in(&want, wants, N_OF(wants)) || !word_in(&eflag, eflags, N_OF(eflags)))
		return false;
	*listed = word_in(state, listed_states, N_OF(listed_states));
	return *listed || word_in(state, unlisted_states, N_OF(unlisted_states));
}

/* deb-control(5) "Source: name [(version)]"; version empty when absent. */
static bool
source_parse(struct kh_cur v, struct kh_cur *name, struct kh_cur *version)
{
	*version = kh_cur_make(NULL, 0);
	if (!kh_cur_take_until(&v, ' ', name)) /* "Source:" with nothing after */
		return false;
	kh_cur_trim(&v);
	if (!name_ok(name))
		return false;
	if (kh_cur_empty(&v))
		return true;
	if (!kh_cur_accept(&v, "(") || v.len < 2 || v.p[v.len - 1] != ')')
		return false;
	*version = kh_cur_make(v.p, v.len - 1);
	kh_cur_trim(version);
	return version_ok(version);
}

/* ---- paragraphs ---------------------------------------------------------- */

static bool
field_usable(struct inv_parse *ps, struct para *pa, enum field_id id, const char *pkg)
{
	if (pa->f[id].bad)
		return false;
	if (!pa->f[id].present) {
		inv_problem(ps, pa->first_line, KH_EFORMAT, "%s %s: %s %s", KH_MSG("package", "gói"),
		        pkg, KH_MSG("missing field", "thiếu trường"), field_names[id]);
		return false;
	}
	return true;
}

static void
invalid_value(struct inv_parse *ps, const struct field *f, enum field_id id)
{
	inv_problem(ps, f->line, KH_EFORMAT, "%s %s: '%.*s'",
	        KH_MSG("invalid value in field", "giá trị không hợp lệ ở trường"),
	        field_names[id], (int)(f->value.len > 80 ? 80 : f->value.len),
	        (const char *)f->value.p);
}

/* Builds the package once its fields are checked. */
static void
emit(struct inv_parse *ps, struct para *pa, struct kh_cur state, struct kh_cur src,
     struct kh_cur src_version)
{
	const struct kh_cur fields[INV_STATUS] = { pa->f[F_PACKAGE].value,
		                                   pa->f[F_VERSION].value,
		                                   pa->f[F_ARCH].value, src, src_version };

	inv_emit(ps, pa->first_line, KH_INVENTORY_DEB, fields, &state);
}

static void
finish_para(struct inv_parse *ps, struct para *pa)
{
	struct kh_cur state, src, src_version;
	char pkg[128];
	bool listed = false;

	if (pa->n_lines == 0)
		return;
	if (!pa->f[F_PACKAGE].present) {
		inv_problem(ps, pa->first_line, KH_EFORMAT, "%s",
		        KH_MSG("paragraph without a Package field", "đoạn không có trường Package"));
		return;
	}
	if (pa->f[F_PACKAGE].bad)
		return;
	(void)snprintf(pkg, sizeof(pkg), "%.*s", (int)pa->f[F_PACKAGE].value.len,
	               (const char *)pa->f[F_PACKAGE].value.p);
	if (!field_usable(ps, pa, F_STATUS, pkg))
		return;
	if (!status_parse(pa->f[F_STATUS].value, &state, &listed)) {
		invalid_value(ps, &pa->f[F_STATUS], F_STATUS);
		return;
	}
	if (!listed)
		return;
	if (!field_usable(ps, pa, F_VERSION, pkg) || !field_usable(ps, pa, F_ARCH, pkg))
		return;
	/* dpkg-query ${source:Package}/${source:Version}: default to the binary's. */
	src = pa->f[F_PACKAGE].value;
	src_version = pa->f[F_VERSION].value;
	if (pa->f[F_SOURCE].bad)
		return;
	if (pa->f[F_SOURCE].present) {
		struct kh_cur sv;
		if (!source_parse(pa->f[F_SOURCE].value, &src, &sv)) {
			invalid_value(ps, &pa->f[F_SOURCE], F_SOURCE);
			return;
		}
		if (sv.len > 0)
			src_version = sv;
	}
	emit(ps, pa, state, src, src_version);
}

/* Checks a wanted field's value the moment it is read. */
static bool
value_ok(enum field_id id, const struct kh_cur *v)
{
	struct kh_cur a, b;
	bool listed;

	switch (id) {
	case F_PACKAGE: return name_ok(v);
	case F_VERSION: return version_ok(v);
	case F_ARCH: return arch_ok(v);
	case F_STATUS: return status_parse(*v, &a, &listed);
	case F_SOURCE: return source_parse(*v, &a, &b);
	default: return false;
	}
}

static void
field_line(struct inv_parse *ps, struct para *pa, struct kh_cur line, long lineno)
{
	struct kh_cur name, probe = line;

	if (!kh_cur_take_until(&line, ':', &name) || name.len == probe.len || name.len == 0) {
		inv_problem(ps, lineno, KH_EFORMAT, "%s",
		        KH_MSG("expected 'Field: value'", "cần dạng 'Trường: giá trị'"));
		pa->last = -1;
		return;
	}
	kh_cur_trim(&line);
	pa->last = F_COUNT;
	for (int id = 0; id < F_COUNT; id++) {
		struct field *f = &pa->f[id];
		if (!cur_caseeq(&name, field_names[id]))
			continue;
		pa->last = id;
		if (f->present) {
			inv_problem(ps, lineno, KH_EFORMAT, "%s %s", KH_MSG("duplicate field", "trường lặp"),
			        field_names[id]);
			f->bad = true;
			return;
		}
		*f = (struct field){ .value = line, .line = lineno, .present = true };
		if (!value_ok((enum field_id)id, &line)) {
			invalid_value(ps, f, (enum field_id)id);
			f->bad = true;
		}
	}
}

static void
continuation_line(struct inv_parse *ps, struct para *pa, long lineno)
{
	if (pa->last < 0) {
		inv_problem(ps, lineno, KH_EFORMAT, "%s",
		        KH_MSG("continuation line outside a field",
		               "dòng tiếp nối không thuộc trường nào"));
	} else if (pa->last < F_COUNT && !pa->f[pa->last].bad) {
		inv_problem(ps, lineno, KH_EFORMAT, "%s %s", field_names[pa->last],
		        KH_MSG("must be on one line", "phải nằm trên một dòng"));
		pa->f[pa->last].bad = true;
	}
}

static bool
blank(const struct kh_cur *line)
{
	for (size_t i = 0; i < line->len; i++)
		if (line->p[i] != ' ' && line->p[i] != '\t')
			return false;
	return true;
}

static void
one_line(struct inv_parse *ps, struct para *pa, struct kh_cur line, long lineno)
{
	if (blank(&line)) { /* deb822: paragraphs are separated by blank lines */
		finish_para(ps, pa);
		*pa = (struct para){ .last = -1 };
		return;
	}
	if (pa->n_lines++ == 0)
		pa->first_line = lineno;
	if (!kh_cur_no_nul(&line)) {
		inv_problem(ps, lineno, KH_EFORMAT, "%s",
		        KH_MSG("binary data (NUL byte)", "dữ liệu nhị phân (byte NUL)"));
		pa->last = -1;
	} else if (line.p[0] == ' ' || line.p[0] == '\t')
		continuation_line(ps, pa, lineno);
	else
		field_line(ps, pa, line, lineno);
}

enum kh_err
kh_inventory_parse_dpkg_status(struct kh_cur text, const char *file,
                               struct kh_inventory *inv, struct kh_diag *diag)
{
	struct inv_parse ps = { .inv = inv, .file = file, .diag = diag };
	struct para pa = { .last = -1 };
	bool ends_mid_line = text.len > 0 && text.p[text.len - 1] != '\n';
	struct kh_cur line;
	long lineno = 0;
	bool too_long;

	kh_diag_clear(diag);
	if (text.len > KH_LIMIT(max_dpkg_status_bytes)) {
		inv_problem(&ps, 0, KH_ELIMIT, "limit max_dpkg_status_bytes (%llu) exceeded",
		        (unsigned long long)KH_LIMIT(max_dpkg_status_bytes));
		return ps.first;
	}
	while (!ps.nomem && !ps.stop) {
		bool got = kh_cur_get_line(&text, KH_LIMIT(max_line_bytes), &line, &too_long);
		if (!got && !too_long)
			break;
		lineno++;
		if (!too_long) {
			one_line(&ps, &pa, line, lineno);
			continue;
		}
		if (pa.n_lines++ == 0)
			pa.first_line = lineno;
		pa.last = -1;
		inv_problem(&ps, lineno, KH_ELIMIT, "line: limit max_line_bytes (%llu) exceeded",
		        (unsigned long long)KH_LIMIT(max_line_bytes));
	}
	if (!ps.nomem && !ps.stop && pa.n_lines > 0) {
		/* dpkg ends every paragraph, the last too, with a blank line. */
		inv_problem(&ps, lineno, KH_ETRUNCATED, "%s",
		        ends_mid_line ? KH_MSG("file ends in the middle of a line (truncated?)",
		                               "tệp kết thúc giữa dòng (bị cắt cụt?)")
		                      : KH_MSG("last paragraph not ended by a blank line "
		                               "(truncated?)",
		                               "đoạn cuối không kết thúc bằng dòng trống "
		                               "(bị cắt cụt?)"));
		/* A cut line holds a cut value ("3.0" of "3.0.11"): keeping
		 * that paragraph would report a version that is not there. */
		if (!ends_mid_line)
			finish_para(&ps, &pa);
	}
	return ps.nomem ? KH_ENOMEM : ps.first;
}
