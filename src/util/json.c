/* json.c — JSON over jansson, with our bounds applied before it parses anything. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "khien/limits.h"
#include "khien/util.h"

/*
 * jansson recurses once per nesting level (up to 2048 by default): measure
 * the depth ourselves first so hostile input meets our configured bound.
 * Brackets inside strings do not count.
 */
static bool
json_depth_within(struct kh_cur in, uint64_t max_depth, size_t *where)
{
	uint64_t depth = 0;
	bool in_string = false;

	for (size_t i = 0; i < in.len; i++) {
		uint8_t ch = in.p[i];
		if (in_string) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_string = false;
			continue;
		}
		if (ch == '"')
			in_string = true;
		else if (ch == '[' || ch == '{') {
			if (++depth > max_depth) {
				*where = i;
				return false;
			}
		} else if ((ch == ']' || ch == '}') && depth > 0)
			depth--;
	}
	return true;
}

enum kh_err
kh_json_parse(struct kh_cur in, const char *what, json_t **out,
              struct kh_diag *diag)
{
	json_error_t jerr;
	size_t where = 0;
	json_t *j;

	*out = NULL;
	if (in.len > KH_LIMIT(max_json_bytes))
		return kh_diag_limit(diag, what, "max_json_bytes", "JSON document too large");
	if (!json_depth_within(in, KH_LIMIT(max_json_depth), &where)) {
		(void)kh_diag_limit(diag, what, "max_json_depth", "JSON nested too deeply");
		if (diag != NULL)
			diag->offset = (long long)where;
		return KH_ELIMIT;
	}
	j = json_loadb((const char *)in.p, in.len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		enum kh_err r = json_error_code(&jerr) == json_error_out_of_memory
		                    ? KH_ENOMEM : KH_EFORMAT;
		(void)kh_diag_set(diag, r, what, jerr.line > 0 ? jerr.line : 0,
		                  "column %d: %s", jerr.column, jerr.text);
		return r;
	}
	*out = j;
	return KH_OK;
}

const char *
kh_json_str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

enum kh_err
kh_json_append(struct kh_buf *buf, const json_t *j, bool sorted)
{
	size_t flags = JSON_COMPACT | JSON_ENCODE_ANY | (sorted ? JSON_SORT_KEYS : 0);
	char *text = json_dumps(j, flags);
	enum kh_err r;

	if (text == NULL)
		return KH_ENOMEM;
	r = kh_buf_append_str(buf, text);
	free(text);
	return r;
}

static enum kh_err
set_new(json_t *obj, const char *key, json_t *value)
{
	if (value == NULL)
		return KH_ENOMEM;
	return json_object_set_new(obj, key, value) == 0 ? KH_OK : KH_ENOMEM;
}

enum kh_err
kh_json_set_str(json_t *obj, const char *key, const char *s)
{
	if (s != NULL && !kh_utf8_valid(s, strlen(s)))
		return KH_EFORMAT; /* jansson refuses it; say why */
	return set_new(obj, key, s == NULL ? json_null() : json_string(s));
}

enum kh_err
kh_json_set_int(json_t *obj, const char *key, long long v)
{
	return set_new(obj, key, json_integer(v));
}

enum kh_err
kh_json_set_bool(json_t *obj, const char *key, bool v)
{
	return set_new(obj, key, json_boolean(v));
}
