/* buf.c — a growable byte buffer with a hard maximum (after curl's dynbuf). */
#include <stdio.h>
#include <string.h>

#include "khien/util.h"

void
kh_buf_init(struct kh_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max == 0 ? KH_BUF_DEFAULT_MAX : max;
	if (b->max == SIZE_MAX)
		b->max--; /* room for the NUL */
}

void
kh_buf_cleanup(struct kh_buf *b)
{
	if (b == NULL)
		return;
	kh_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

struct kh_buf *
kh_buf_new(size_t max)
{
	struct kh_buf *b = kh_malloc(sizeof(*b));

	if (b != NULL)
		kh_buf_init(b, max);
	return b;
}

void
kh_buf_free(struct kh_buf *b)
{
	if (b == NULL)
		return;
	kh_buf_cleanup(b);
	kh_free(b);
}

void
kh_buf_reset(struct kh_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Makes room for `extra` more bytes plus the terminating NUL. */
static enum kh_err
buf_reserve(struct kh_buf *b, size_t extra)
{
	size_t need, cap;
	uint8_t *grown;

	if (!kh_size_add(b->len, extra, &need) || need > b->max)
		return KH_ELIMIT;
	need++; /* NUL */
	if (need <= b->cap)
		return KH_OK;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	if ((grown = kh_realloc(b->data, cap)) == NULL)
		return KH_ENOMEM;
	b->data = grown;
	b->cap = cap;
	return KH_OK;
}

enum kh_err
kh_buf_append(struct kh_buf *b, const void *p, size_t n)
{
	enum kh_err r;

	if ((r = buf_reserve(b, n)) != KH_OK)
		return r;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return KH_OK;
}

enum kh_err
kh_buf_append_str(struct kh_buf *b, const char *s)
{
	return kh_buf_append(b, s, strlen(s));
}

enum kh_err
kh_buf_putc(struct kh_buf *b, char ch)
{
	return kh_buf_append(b, &ch, 1);
}

enum kh_err
kh_buf_vprintf(struct kh_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	enum kh_err r;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return KH_EINVAL;
	if ((r = buf_reserve(b, (size_t)n)) != KH_OK)
		return r;
	(void)vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return KH_OK;
}

enum kh_err
kh_buf_printf(struct kh_buf *b, const char *fmt, ...)
{
	va_list ap;
	enum kh_err r;

	va_start(ap, fmt);
	r = kh_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

const char *
kh_buf_str(const struct kh_buf *b)
{
	return b->data == NULL ? "" : (const char *)b->data;
}

char *
kh_buf_steal(struct kh_buf *b)
{
	char *s = (char *)b->data;

	if (s == NULL)
		s = kh_strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}
