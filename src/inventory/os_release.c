/*
 * os_release.c — the OS identity from os-release(5) (freedesktop.org):
 * KEY=value lines whose values follow shell quoting rules.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "khien/inventory.h"
#include "inventory_int.h"
#include "khien/limits.h"

/*
 * os-release(5): "Variable assignment values must be enclosed in double or
 * single quotes if they include spaces, semicolons or other special
 * characters outside of A–Z, a–z, 0–9. Shell special characters ("$",
 * quotes, backslash, backtick) must be escaped with backslashes, following
 * shell style." Concatenating quoted strings is not supported.
 */
static bool
unquoted_ok(uint8_t ch)
{
	return strchr(" \t\"'`$;|&<>()", ch) == NULL;
}

/* Inside double quotes the shell drops a backslash only before $ ` " \ and newline. */
static bool
dq_escapable(uint8_t ch)
{
	return ch == '$' || ch == '`' || ch == '"' || ch == '\\' || ch == '\n';
}

static enum kh_err
unquote_double(struct kh_cur *c, struct kh_buf *out)
{
	uint8_t ch, next;

	while (kh_cur_get_u8(c, &ch)) {
		if (ch == '"')
			return KH_OK;
		if (ch == '\\' && kh_cur_peek(c) >= 0 && dq_escapable((uint8_t)kh_cur_peek(c))) {
			if (!kh_cur_get_u8(c, &next))
				return KH_EFORMAT;
			ch = next;
		} else if (ch == '$' || ch == '`') {
			return KH_EFORMAT; /* expansion: the shell would not read it literally */
		}
		if (kh_buf_putc(out, (char)ch) != KH_OK)
			return KH_ENOMEM;
	}
	return KH_EFORMAT; /* no closing quote */
}

static enum kh_err
unquote_single(struct kh_cur *c, struct kh_buf *out)
{
	uint8_t ch;

	while (kh_cur_get_u8(c, &ch)) {
		if (ch == '\'')
			return KH_OK;
		if (kh_buf_putc(out, (char)ch) != KH_OK)
			return KH_ENOMEM;
	}
	return KH_EFORMAT;
}

static enum kh_err
unquote_bare(struct kh_cur *c, struct kh_buf *out)
{
	uint8_t ch;

	while (kh_cur_get_u8(c, &ch)) {
		if (ch == '\\') {
			if (!kh_cur_get_u8(c, &ch))
				return KH_EFORMAT; /* a lone trailing backslash */
		} else if (!unquoted_ok(ch)) {
			return KH_EFORMAT;
		}
		if (kh_buf_putc(out, (char)ch) != KH_OK)
			return KH_ENOMEM;
	}
	return KH_OK;
}

/* No control characters and valid UTF-8: os-release(5) asks for both. */
static bool
text_ok(const struct kh_buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] < 0x20 || b->data[i] == 0x7f)
			return false;
	return kh_utf8_valid(b->data, b->len);
}

enum kh_err
kh_inventory_os_release_unquote(struct kh_cur raw, char **out)
{
	struct kh_buf buf;
	struct kh_cur c = raw;
	enum kh_err r;

	*out = NULL;
	kh_buf_init(&buf, KH_LIMIT(max_line_bytes));
	if (kh_cur_accept(&c, "\""))
		r = unquote_double(&c, &buf);
	else if (kh_cur_accept(&c, "'"))
		r = unquote_single(&c, &buf);
	else
		r = unquote_bare(&c, &buf);
	kh_cur_trim(&c); /* trailing blanks after a closing quote are harmless */
	if (r == KH_OK && !kh_cur_empty(&c))
		r = KH_EFORMAT; /* "a"'b' concatenation, or text after the quote */
	if (r == KH_OK && !text_ok(&buf))
		r = KH_EFORMAT;
	if (r == KH_OK && (*out = kh_buf_steal(&buf)) == NULL)
		r = KH_ENOMEM;
	kh_buf_cleanup(&buf);
	return r;
}

static bool
key_ok(const struct kh_cur *k)
{
	if (k->len == 0)
		return false;
	for (size_t i = 0; i < k->len; i++) {
		uint8_t ch = k->p[i];
		bool alpha = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_';
		if (!alpha && !(i > 0 && ch >= '0' && ch <= '9'))
			return false;
	}
	return true;
}

struct fields {
	char *id, *version_id, *codename, *version, *pretty_name;
};

static char **
field_slot(struct fields *f, const struct kh_cur *key)
{
	if (kh_cur_eq(key, "ID"))
		return &f->id;
	if (kh_cur_eq(key, "VERSION_ID"))
		return &f->version_id;
	if (kh_cur_eq(key, "VERSION_CODENAME"))
		return &f->codename;
	if (kh_cur_eq(key, "VERSION"))
		return &f->version;
	if (kh_cur_eq(key, "PRETTY_NAME"))
		return &f->pretty_name;
	return NULL;
}

/* One KEY=value line; later assignments win, as in the shell. */
static void
parse_line(struct inv_parse *ps, struct kh_cur line, long lineno, struct fields *f)
{
	struct kh_cur key, probe = line;
	char **slot, *value = NULL;
	enum kh_err r;

	if (!kh_cur_take_until(&line, '=', &key) || key.len == probe.len) {
		inv_problem(ps, lineno, KH_EFORMAT, "%s",
		        KH_MSG("expected KEY=value", "cần dạng KHÓA=giá_trị"));
		return;
	}
	if (!key_ok(&key)) {
		inv_problem(ps, lineno, KH_EFORMAT, "%s",
		        KH_MSG("invalid variable name", "tên biến không hợp lệ"));
		return;
	}
	if ((slot = field_slot(f, &key)) == NULL)
		return;
	if ((r = kh_inventory_os_release_unquote(line, &value)) == KH_ENOMEM) {
		ps->nomem = true;
		return;
	}
	if (r != KH_OK) {
		inv_problem(ps, lineno, KH_EFORMAT, "%s",
		        KH_MSG("bad quoting (os-release(5) uses shell quoting)",
		               "sai cách đặt dấu nháy (os-release(5) theo quy tắc shell)"));
		return;
	}
	kh_free(*slot);
	*slot = value;
	if (value[0] == '\0') { /* VERSION_ID="" says as little as no VERSION_ID */
		kh_free(value);
		*slot = NULL;
	}
}

/* "12 (bookworm)" -> "bookworm"; "16.04 LTS (Xenial Xerus)" -> "xenial". */
static char *
codename_from_version(const char *version)
{
	const char *open = strchr(version, '('), *end;
	char *name;

	if (open == NULL || (end = strchr(open, ')')) == NULL)
		return NULL;
	open++;
	while (*open == ' ')
		open++;
	for (end = open; *end != '\0' && *end != ')' && *end != ' ' && *end != ','; end++)
		;
	if (end == open || (name = kh_strndup(open, (size_t)(end - open))) == NULL)
		return NULL;
	for (char *p = name; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return name;
}

static void
replace(char **dst, char **src)
{
	kh_free(*dst);
	*dst = *src;
	*src = NULL;
}

enum kh_err
kh_inventory_parse_os_release(struct kh_cur text, const char *file,
                              struct kh_inventory *inv, struct kh_diag *diag)
{
	struct inv_parse ps = { .inv = inv, .file = file, .diag = diag };
	struct fields f = { 0 };
	struct kh_cur line;
	bool too_long;
	long lineno = 0;

	kh_diag_clear(diag);
	if (text.len > KH_LIMIT(max_os_release_bytes)) {
		inv_problem(&ps, 0, KH_ELIMIT, "os-release: limit max_os_release_bytes (%llu) exceeded",
		        (unsigned long long)KH_LIMIT(max_os_release_bytes));
		return ps.first;
	}
	while (!ps.nomem) {
		bool got = kh_cur_get_line(&text, KH_LIMIT(max_line_bytes), &line, &too_long);
		if (!got && !too_long)
			break;
		lineno++;
		if (too_long) {
			inv_problem(&ps, lineno, KH_ELIMIT, "line: limit max_line_bytes (%llu) exceeded",
			        (unsigned long long)KH_LIMIT(max_line_bytes));
			continue;
		}
		kh_cur_trim(&line);
		if (line.len == 0 || line.p[0] == '#')
			continue;
		parse_line(&ps, line, lineno, &f);
	}
	if (f.codename == NULL && f.version != NULL)
		f.codename = codename_from_version(f.version);
	replace(&inv->os.id, &f.id);
	replace(&inv->os.version_id, &f.version_id);
	replace(&inv->os.codename, &f.codename);
	replace(&inv->os.pretty_name, &f.pretty_name);
	kh_free(f.version);
	if (ps.nomem)
		return KH_ENOMEM;
	return ps.first;
}
