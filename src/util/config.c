/* config.c — khien.conf: a strict INI reader; unknown keys are errors naming file and line. */
#include <string.h>

#include "khien/config.h"
#include "khien/limits.h"

struct config_entry {
	char *section;
	char *key;
	char *value;
	long line;
};

struct kh_config {
	char *name;
	struct config_entry *entries;
	size_t n_entries;
};

struct kh_config *
kh_config_new(void)
{
	return kh_calloc(1, sizeof(struct kh_config));
}

void
kh_config_free(struct kh_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->n_entries; i++) {
		kh_free(cfg->entries[i].section);
		kh_free(cfg->entries[i].key);
		kh_free(cfg->entries[i].value);
	}
	kh_free(cfg->entries);
	kh_free(cfg->name);
	kh_free(cfg);
}

static bool
known_section(const char *section)
{
	if (strcmp(section, "limits") == 0)
		return true;
	for (size_t i = 0; i < kh_config_key_count(); i++)
		if (strcmp(kh_config_key_at(i)->section, section) == 0)
			return true;
	return false;
}

static const struct kh_config_key *
find_key(const char *section, const char *key)
{
	for (size_t i = 0; i < kh_config_key_count(); i++) {
		const struct kh_config_key *k = kh_config_key_at(i);
		if (strcmp(k->section, section) == 0 && strcmp(k->key, key) == 0)
			return k;
	}
	return NULL;
}

static bool
is_name_char(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.';
}

static bool
valid_name(const struct kh_cur *c)
{
	if (c->len == 0 || c->len > 64)
		return false;
	for (size_t i = 0; i < c->len; i++)
		if (!is_name_char(c->p[i]))
			return false;
	return true;
}

/*
 * A value ends at a '#' or ';' that follows a blank (an inline comment), or
 * is wrapped in double quotes to keep blanks, '#' and ';' as they are.
 */
static struct kh_cur
value_text(struct kh_cur v)
{
	kh_cur_trim(&v);
	if (v.len >= 1 && v.p[0] == '"') {
		struct kh_cur inner = kh_cur_make(v.p + 1, v.len - 1), quoted;
		if (kh_cur_take_until(&inner, '"', &quoted) && quoted.p + quoted.len < v.p + v.len)
			return quoted;
		return v;
	}
	for (size_t i = 1; i < v.len; i++)
		if ((v.p[i] == '#' || v.p[i] == ';') && (v.p[i - 1] == ' ' || v.p[i - 1] == '\t')) {
			v.len = i;
			kh_cur_trim(&v);
			break;
		}
	return v;
}

static enum kh_err
add_entry(struct kh_config *cfg, const char *section, struct kh_cur key,
          struct kh_cur value, long line)
{
	struct config_entry *grown, *e;

	grown = kh_reallocarray(cfg->entries, cfg->n_entries + 1, sizeof(*grown));
	if (grown == NULL)
		return KH_ENOMEM;
	cfg->entries = grown;
	e = &cfg->entries[cfg->n_entries];
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->section = kh_strdup(section);
	e->key = kh_cur_dup(&key);
	e->value = kh_cur_dup(&value);
	cfg->n_entries++;
	if (e->section == NULL || e->key == NULL || e->value == NULL)
		return KH_ENOMEM;
	return KH_OK;
}

/* Checks one `key = value` line against the registry and applies limits. */
static enum kh_err
parse_assignment(struct kh_config *cfg, const char *section, struct kh_cur line,
                 long line_no, struct kh_diag *diag)
{
	struct kh_cur key, value;
	char key_text[80], value_copy[64];
	enum kh_err r;

	if (memchr(line.p, '=', line.len) == NULL ||
	    !kh_cur_take_until(&line, '=', &key))
		return kh_diag_set(diag, KH_EFORMAT, cfg->name, line_no,
		                   "expected 'key = value'");
	kh_cur_trim(&key);
	value = value_text(line);
	if (section[0] == '\0')
		return kh_diag_set(diag, KH_EFORMAT, cfg->name, line_no,
		                   "key outside of any [section]");
	if (!valid_name(&key))
		return kh_diag_set(diag, KH_EFORMAT, cfg->name, line_no, "invalid key name");
	memcpy(key_text, key.p, key.len);
	key_text[key.len] = '\0';
	for (size_t i = 0; i < cfg->n_entries; i++)
		if (strcmp(cfg->entries[i].section, section) == 0 &&
		    strcmp(cfg->entries[i].key, key_text) == 0)
			return kh_diag_set(diag, KH_EFORMAT, cfg->name, line_no,
			                   "[%s] %s already set on line %ld", section,
			                   key_text, cfg->entries[i].line);
	if (strcmp(section, "limits") == 0) {
		if (value.len >= sizeof(value_copy))
			return kh_diag_set(diag, KH_EINVAL, cfg->name, line_no,
			                   "[limits] %s: value too long", key_text);
		memcpy(value_copy, value.p, value.len);
		value_copy[value.len] = '\0';
		r = kh_limit_set(key_text, value_copy);
		if (r == KH_ENOENT)
			return kh_diag_set(diag, KH_EFORMAT, cfg->name, line_no,
			                   "unknown key '%s' in [limits]", key_text);
		if (r != KH_OK)
			return kh_diag_set(diag, KH_EINVAL, cfg->name, line_no,
			                   "[limits] %s: '%s' is not a positive size "
			                   "(e.g. 4096, 64K, 16M, 1G)", key_text, value_copy);
	} else if (find_key(section, key_text) == NULL) {
		return kh_diag_set(diag, KH_EFORMAT, cfg->name, line_no,
		                   "unknown key '%s' in [%s]", key_text, section);
	}
	return add_entry(cfg, section, key, value, line_no);
}

static enum kh_err
parse_section_header(struct kh_cur line, char *section, size_t section_size,
                     const char *name, long line_no, struct kh_diag *diag)
{
	struct kh_cur inner;

	if (line.len < 2 || line.p[line.len - 1] != ']')
		return kh_diag_set(diag, KH_EFORMAT, name, line_no,
		                   "section header must end with ']'");
	inner = kh_cur_make(line.p + 1, line.len - 2);
	kh_cur_trim(&inner);
	if (!valid_name(&inner) || inner.len >= section_size)
		return kh_diag_set(diag, KH_EFORMAT, name, line_no, "invalid section name");
	memcpy(section, inner.p, inner.len);
	section[inner.len] = '\0';
	if (!known_section(section))
		return kh_diag_set(diag, KH_EFORMAT, name, line_no,
		                   "unknown section [%s]", section);
	return KH_OK;
}

enum kh_err
kh_config_parse(struct kh_cur text, const char *name, struct kh_config **out,
                struct kh_diag *diag)
{
	struct kh_config *cfg = NULL;
	char section[80] = "";
	struct kh_cur line;
	long line_no = 0;
	bool too_long;
	enum kh_err r;

	*out = NULL;
	if ((cfg = kh_config_new()) == NULL || (cfg->name = kh_strdup(name)) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if (!kh_utf8_valid(text.p, text.len) || !kh_cur_no_nul(&text)) {
		r = kh_diag_set(diag, KH_EFORMAT, name, 0, "not UTF-8 text");
		goto out;
	}
	(void)kh_cur_accept(&text, "\xEF\xBB\xBF"); /* a BOM from Windows editors */
	while (text.len > 0) {
		line_no++;
		if (!kh_cur_get_line(&text, KH_LIMIT(max_line_bytes), &line, &too_long)) {
			r = kh_diag_limit(diag, name, "max_line_bytes", "line too long");
			if (diag != NULL)
				diag->line = line_no;
			goto out;
		}
		kh_cur_trim(&line);
		if (line.len == 0 || line.p[0] == '#' || line.p[0] == ';')
			continue;
		if (line.p[0] == '[')
			r = parse_section_header(line, section, sizeof(section), name,
			                         line_no, diag);
		else
			r = parse_assignment(cfg, section, line, line_no, diag);
		if (r != KH_OK)
			goto out;
	}
	*out = cfg;
	cfg = NULL;
	r = KH_OK;
 out:
	kh_config_free(cfg);
	return r;
}

enum kh_err
kh_config_load(const char *path, bool must_exist, struct kh_config **out,
               struct kh_diag *diag)
{
	struct kh_buf *raw = NULL;
	enum kh_err r;

	*out = NULL;
	r = kh_file_read(path, KH_LIMIT(max_config_bytes), "max_config_bytes",
	                 KH_FILE_FOLLOW | KH_FILE_ALLOW_EMPTY, &raw, diag);
	if (r == KH_ENOENT && !must_exist) {
		kh_diag_clear(diag);
		*out = kh_config_new();
		return *out == NULL ? KH_ENOMEM : KH_OK;
	}
	if (r != KH_OK)
		return r;
	r = kh_config_parse(kh_buf_cur(raw), path, out, diag);
	kh_buf_free(raw);
	return r;
}

static const struct config_entry *
find_entry(const struct kh_config *cfg, const char *section, const char *key)
{
	for (size_t i = 0; cfg != NULL && i < cfg->n_entries; i++)
		if (strcmp(cfg->entries[i].section, section) == 0 &&
		    strcmp(cfg->entries[i].key, key) == 0)
			return &cfg->entries[i];
	return NULL;
}

const char *
kh_config_get(const struct kh_config *cfg, const char *section, const char *key)
{
	const struct config_entry *e = find_entry(cfg, section, key);
	const struct kh_config_key *k;

	if (e != NULL)
		return e->value;
	k = find_key(section, key);
	return k == NULL ? NULL : k->default_value;
}

enum kh_err
kh_config_get_bool(const struct kh_config *cfg, const char *section,
                   const char *key, bool *out, struct kh_diag *diag)
{
	const char *v = kh_config_get(cfg, section, key);
	const struct config_entry *e = find_entry(cfg, section, key);

	if (v == NULL)
		return KH_ENOENT;
	if (kh_str_casecmp(v, "true") == 0 || kh_str_casecmp(v, "yes") == 0 ||
	    strcmp(v, "1") == 0 || kh_str_casecmp(v, "on") == 0)
		*out = true;
	else if (kh_str_casecmp(v, "false") == 0 || kh_str_casecmp(v, "no") == 0 ||
	         strcmp(v, "0") == 0 || kh_str_casecmp(v, "off") == 0)
		*out = false;
	else
		return kh_diag_set(diag, KH_EINVAL, e ? cfg->name : NULL, e ? e->line : 0,
		                   "[%s] %s: '%s' is not true or false", section, key, v);
	return KH_OK;
}

enum kh_err
kh_config_get_int(const struct kh_config *cfg, const char *section,
                  const char *key, long long min, long long max, long long *out,
                  struct kh_diag *diag)
{
	const char *v = kh_config_get(cfg, section, key);
	const struct config_entry *e = find_entry(cfg, section, key);
	int64_t n;

	if (v == NULL)
		return KH_ENOENT;
	if (kh_str_to_i64(v, min, max, &n) != KH_OK)
		return kh_diag_set(diag, KH_EINVAL, e ? cfg->name : NULL, e ? e->line : 0,
		                   "[%s] %s: '%s' is not a whole number from %lld to %lld",
		                   section, key, v, min, max);
	*out = n;
	return KH_OK;
}
