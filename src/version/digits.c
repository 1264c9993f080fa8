/* digits.c — numbers of any length compared as digit strings, never as machine integers. */
#include <string.h>

#include "version_int.h"

size_t
kh_version_digit_run(const struct kh_cur *c, size_t i)
{
	size_t n = 0;

	while (i + n < c->len && kh_v_isdigit(c->p[i + n]))
		n++;
	return n;
}

/* Drops leading '0' bytes: "007" and "7" are the same number, "000" is "". */
static struct kh_cur
strip_zeros(struct kh_cur c)
{
	while (c.len > 0 && c.p[0] == '0') {
		c.p++;
		c.len--;
	}
	return c;
}

int
kh_version_digits_cmp(struct kh_cur a, struct kh_cur b)
{
	int r;

	a = strip_zeros(a);
	b = strip_zeros(b);
	if (a.len != b.len)
		return a.len > b.len ? 1 : -1;
	if (a.len == 0)
		return 0;
	r = memcmp(a.p, b.p, a.len);
	return kh_v_sign(r);
}
