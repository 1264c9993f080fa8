/*
 * record_helpers.c — small helpers the feed parsers share: owned copies of
 * JSON strings, string arrays, CVE ids and numbers given as text.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feeds_int.h"

enum kh_err
feeds_dup_str(const json_t *obj, const char *key, char **dst)
{
	const char *s = kh_json_str(obj, key);

	kh_free(*dst);
	*dst = NULL;
	if (s == NULL)
		return KH_OK;
	return (*dst = kh_strdup(s)) == NULL ? KH_ENOMEM : KH_OK;
}

enum kh_err
feeds_strv_add(char ***v, size_t *n, const char *s)
{
	char **grown;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return KH_OK;
	if ((grown = kh_reallocarray(*v, *n + 1, sizeof(char *))) == NULL)
		return KH_ENOMEM;
	*v = grown;
	if ((grown[*n] = kh_strdup(s)) == NULL)
		return KH_ENOMEM;
	(*n)++;
	return KH_OK;
}

void
feeds_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kh_free(v[i]);
	kh_free(v);
}

void *
feeds_grow(void *items_ptr, size_t *n, size_t elem_size)
{
	void **items = items_ptr;
	size_t bytes;
	unsigned char *grown = kh_reallocarray(*items, *n + 1, elem_size);

	if (grown == NULL || !kh_size_mul(*n, elem_size, &bytes))
		return NULL;
	*items = grown;
	memset(grown + bytes, 0, elem_size);
	(*n)++;
	return grown + bytes;
}

bool
feeds_is_cve(const char *s)
{
	size_t digits = 0;

	if (s == NULL || strncasecmp(s, "CVE-", 4) != 0)
		return false;
	s += 4;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	if (s[4] != '-')
		return false;
	for (s += 5; isdigit((unsigned char)*s); s++)
		digits++;
	return *s == '\0' && digits >= 4 && digits <= 19;
}

bool
feeds_json_number(const json_t *v, double *out)
{
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return true;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end = NULL;
		double d;
		if (*s == '\0')
			return false;
		d = strtod(s, &end);
		if (end == NULL || *end != '\0')
			return false;
		*out = d;
		return true;
	}
	return false;
}

char *
feeds_json_dump(const json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	char *copy;

	if (text == NULL)
		return NULL;
	copy = kh_strdup(text);
	free(text); /* jansson's allocation */
	return copy;
}
