/*
 * jcs.c — RFC 8785 JSON Canonicalization Scheme: the one byte form of a
 * JSON value that STIX identifiers are hashed over.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khien/ioc.h"

/* RFC 8785 §3.2.2.2: the ECMAScript JSON.stringify escapes, no others. */
static enum kh_err
put_string(struct kh_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	enum kh_err r;

	if ((r = kh_buf_putc(out, '"')) != KH_OK)
		return r;
	for (size_t i = 0; i < len && r == KH_OK; i++) {
		unsigned char ch = (unsigned char)s[i];
		const char *esc = NULL;
		switch (ch) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default: break;
		}
		if (esc != NULL)
			r = kh_buf_append_str(out, esc);
		else if (ch < 0x20) {
			char u[7] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15], 0 };
			r = kh_buf_append_str(out, u);
		} else
			r = kh_buf_putc(out, (char)ch);
	}
	if (r != KH_OK)
		return r;
	return kh_buf_putc(out, '"');
}

/*
 * ECMA-262 Number::toString: the shortest digits that read back as the
 * same double, then plain notation for exponents in [-6, 21) and
 * "d.ddde+N" otherwise.
 */
static enum kh_err
put_number(struct kh_buf *out, double v)
{
	char tmp[40], digits[24];
	int exp10 = 0, k = 0, n;
	enum kh_err r = KH_OK;

	if (!isfinite(v))
		return KH_EINVAL;
	if (v == 0)
		return kh_buf_putc(out, '0'); /* also -0 */
	if (v < 0 && (r = kh_buf_putc(out, '-')) != KH_OK)
		return r;
	v = fabs(v);
	for (int prec = 1; prec <= 17; prec++) {
		(void)snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	/* tmp is "d[.ddd]e±XX" */
	for (const char *p = tmp; *p != '\0' && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9' && k < (int)sizeof(digits) - 1)
			digits[k++] = *p;
	digits[k] = '\0';
	exp10 = (int)strtol(strchr(tmp, 'e') + 1, NULL, 10);
	while (k > 1 && digits[k - 1] == '0')
		digits[--k] = '\0';
	n = exp10 + 1;
	if (k <= n && n <= 21) {
		r = kh_buf_append_str(out, digits);
		for (int i = k; i < n && r == KH_OK; i++)
			r = kh_buf_putc(out, '0');
	} else if (0 < n && n <= 21) {
		r = kh_buf_printf(out, "%.*s.%s", n, digits, digits + n);
	} else if (-6 < n && n <= 0) {
		r = kh_buf_append_str(out, "0.");
		for (int i = 0; i < -n && r == KH_OK; i++)
			r = kh_buf_putc(out, '0');
		if (r == KH_OK)
			r = kh_buf_append_str(out, digits);
	} else {
		/* d[.ddd]e±x */
		r = kh_buf_printf(out, "%c%s%se%c%d", digits[0], k > 1 ? "." : "", digits + 1,
		                  n - 1 < 0 ? '-' : '+', abs(n - 1));
	}
	return r;
}

/* The next UTF-16 code unit of a UTF-8 string (valid, from jansson). */
struct u16_iter {
	const unsigned char *p;
	unsigned pending; /* low surrogate still to give, or 0 */
};

static int
u16_next(struct u16_iter *it)
{
	unsigned cp, c = *it->p;
	int extra;

	if (it->pending != 0) {
		cp = it->pending;
		it->pending = 0;
		return (int)cp;
	}
	if (c == 0)
		return -1;
	extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
	cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
	it->p++;
	for (int i = 0; i < extra && *it->p != 0; i++, it->p++)
		cp = (cp << 6) | (*it->p & 0x3F);
	if (cp >= 0x10000) {
		cp -= 0x10000;
		it->pending = 0xDC00 + (cp & 0x3FF);
		return (int)(0xD800 + (cp >> 10));
	}
	return (int)cp;
}

/* RFC 8785 §3.2.3: property names sorted by their UTF-16 code units. */
static int
cmp_utf16(const void *a, const void *b)
{
	struct u16_iter x = { (const unsigned char *)*(const char *const *)a, 0 };
	struct u16_iter y = { (const unsigned char *)*(const char *const *)b, 0 };

	for (;;) {
		int ux = u16_next(&x), uy = u16_next(&y);
		if (ux != uy)
			return ux < uy ? -1 : 1;
		if (ux < 0)
			return 0;
	}
}

static enum kh_err put_value(struct kh_buf *out, const json_t *j);

static enum kh_err
put_object(struct kh_buf *out, const json_t *j)
{
	size_t n = json_object_size(j), i = 0;
	const char **keys = NULL, *key;
	json_t *val;
	enum kh_err r;

	if (n > 0 && (keys = kh_calloc(n, sizeof(*keys))) == NULL)
		return KH_ENOMEM;
	json_object_foreach((json_t *)j, key, val)
		if (i < n)
			keys[i++] = key;
	if (i > 1)
		qsort(keys, i, sizeof(*keys), cmp_utf16);
	r = kh_buf_putc(out, '{');
	for (size_t k = 0; k < i && r == KH_OK; k++) {
		if (k > 0 && (r = kh_buf_putc(out, ',')) != KH_OK)
			break;
		if ((r = put_string(out, keys[k], strlen(keys[k]))) != KH_OK ||
		    (r = kh_buf_putc(out, ':')) != KH_OK)
			break;
		r = put_value(out, json_object_get(j, keys[k]));
	}
	if (r == KH_OK)
		r = kh_buf_putc(out, '}');
	kh_free(keys);
	return r;
}

static enum kh_err
put_value(struct kh_buf *out, const json_t *j)
{
	enum kh_err r;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return put_object(out, j);
	case JSON_ARRAY:
		if ((r = kh_buf_putc(out, '[')) != KH_OK)
			return r;
		for (size_t i = 0; i < json_array_size(j); i++) {
			if (i > 0 && (r = kh_buf_putc(out, ',')) != KH_OK)
				return r;
			if ((r = put_value(out, json_array_get(j, i))) != KH_OK)
				return r;
		}
		return kh_buf_putc(out, ']');
	case JSON_STRING:
		return put_string(out, json_string_value(j), json_string_length(j));
	case JSON_INTEGER: {
		json_int_t v = json_integer_value(j);
		/* Exact below 2^53; above, ECMAScript sees the nearest double. */
		if (v > -(1LL << 53) && v < (1LL << 53))
			return kh_buf_printf(out, "%lld", (long long)v);
		return put_number(out, (double)v);
	}
	case JSON_REAL:
		return put_number(out, json_real_value(j));
	case JSON_TRUE:
		return kh_buf_append_str(out, "true");
	case JSON_FALSE:
		return kh_buf_append_str(out, "false");
	case JSON_NULL:
		return kh_buf_append_str(out, "null");
	}
	return KH_EINTERNAL;
}

enum kh_err
kh_ioc_jcs(const json_t *j, struct kh_buf *out)
{
	size_t mark = out->len;
	enum kh_err r;

	if (j == NULL)
		return KH_EINVAL;
	if ((r = put_value(out, j)) != KH_OK) {
		out->len = mark; /* leave the buffer as it was */
		if (out->data != NULL)
			out->data[mark] = 0;
	}
	return r;
}
