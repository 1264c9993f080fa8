/* cur.c — the bounded cursor: every read of untrusted bytes checks length first. */
#include <string.h>

#include "khien/util.h"

struct kh_cur
kh_cur_from_str(const char *s)
{
	return kh_cur_make(s, s == NULL ? 0 : strlen(s));
}

int
kh_cur_peek(const struct kh_cur *c)
{
	return c->len == 0 ? -1 : c->p[0];
}

bool
kh_cur_skip(struct kh_cur *c, size_t n)
{
	if (n > c->len)
		return false;
	c->p += n;
	c->len -= n;
	return true;
}

bool
kh_cur_take(struct kh_cur *c, size_t n, struct kh_cur *out)
{
	if (n > c->len)
		return false;
	*out = kh_cur_make(c->p, n);
	c->p += n;
	c->len -= n;
	return true;
}

bool
kh_cur_get_u8(struct kh_cur *c, uint8_t *out)
{
	if (c->len < 1)
		return false;
	*out = c->p[0];
	return kh_cur_skip(c, 1);
}

/* Reads n (<= 4) bytes as an unsigned integer in the given byte order. */
static bool
get_uint(struct kh_cur *c, size_t n, bool big_endian, uint32_t *out)
{
	uint32_t v = 0;

	if (c->len < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t idx = big_endian ? i : n - 1 - i;
		v = (v << 8) | c->p[idx];
	}
	*out = v;
	return kh_cur_skip(c, n);
}

bool
kh_cur_get_be16(struct kh_cur *c, uint16_t *out)
{
	uint32_t v;

	if (!get_uint(c, 2, true, &v))
		return false;
	*out = (uint16_t)v;
	return true;
}

bool
kh_cur_get_be24(struct kh_cur *c, uint32_t *out)
{
	return get_uint(c, 3, true, out);
}

bool
kh_cur_get_be32(struct kh_cur *c, uint32_t *out)
{
	return get_uint(c, 4, true, out);
}

bool
kh_cur_get_le16(struct kh_cur *c, uint16_t *out)
{
	uint32_t v;

	if (!get_uint(c, 2, false, &v))
		return false;
	*out = (uint16_t)v;
	return true;
}

bool
kh_cur_get_le32(struct kh_cur *c, uint32_t *out)
{
	return get_uint(c, 4, false, out);
}

bool
kh_cur_accept(struct kh_cur *c, const char *s)
{
	size_t n = strlen(s);

	if (n > c->len || memcmp(c->p, s, n) != 0)
		return false;
	return kh_cur_skip(c, n);
}

bool
kh_cur_take_until(struct kh_cur *c, uint8_t delim, struct kh_cur *out)
{
	const uint8_t *hit;

	if (c->len == 0) {
		*out = kh_cur_make(c->p, 0);
		return false;
	}
	hit = memchr(c->p, delim, c->len);
	if (hit == NULL) {
		*out = *c;
		c->p += c->len;
		c->len = 0;
		return true;
	}
	*out = kh_cur_make(c->p, (size_t)(hit - c->p));
	c->len -= out->len + 1;
	c->p = hit + 1;
	return true;
}

bool
kh_cur_get_line(struct kh_cur *c, size_t max_bytes, struct kh_cur *line,
                bool *too_long)
{
	if (too_long != NULL)
		*too_long = false;
	if (!kh_cur_take_until(c, '\n', line))
		return false;
	if (line->len > 0 && line->p[line->len - 1] == '\r')
		line->len--;
	if (line->len > max_bytes) {
		if (too_long != NULL)
			*too_long = true;
		return false;
	}
	return true;
}

static bool
is_blank(uint8_t ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

void
kh_cur_trim(struct kh_cur *c)
{
	while (c->len > 0 && is_blank(c->p[0])) {
		c->p++;
		c->len--;
	}
	while (c->len > 0 && is_blank(c->p[c->len - 1]))
		c->len--;
}

bool
kh_cur_eq(const struct kh_cur *c, const char *s)
{
	size_t n = strlen(s);

	return n == c->len && memcmp(c->p, s, n) == 0;
}

bool
kh_cur_no_nul(const struct kh_cur *c)
{
	return c->len == 0 || memchr(c->p, '\0', c->len) == NULL;
}

char *
kh_cur_dup(const struct kh_cur *c)
{
	char *s;
	size_t size;

	if (!kh_size_add(c->len, 1, &size))
		return NULL;
	if ((s = kh_malloc(size)) == NULL)
		return NULL;
	if (c->len > 0)
		memcpy(s, c->p, c->len);
	s[c->len] = '\0';
	return s;
}
