/* alloc.c — allocation wrappers; tests make them fail to prove cleanup paths. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "khien/util.h"

/* -1: never fail; n >= 0: that many more allocations succeed. */
static atomic_long allocs_before_failure = -1;

void
kh_alloc_fail_after(long n_ok)
{
	atomic_store(&allocs_before_failure, n_ok);
}

static bool
alloc_should_fail(void)
{
	long left = atomic_load(&allocs_before_failure);

	while (left >= 0) {
		if (left == 0)
			return true;
		if (atomic_compare_exchange_weak(&allocs_before_failure, &left, left - 1))
			return false;
	}
	return false;
}

void *
kh_malloc(size_t size)
{
	if (alloc_should_fail())
		return NULL;
	return malloc(size == 0 ? 1 : size);
}

void *
kh_calloc(size_t n, size_t size)
{
	if (alloc_should_fail())
		return NULL;
	if (n == 0 || size == 0)
		n = size = 1;
	return calloc(n, size);
}

void *
kh_realloc(void *p, size_t size)
{
	if (alloc_should_fail())
		return NULL;
	return realloc(p, size == 0 ? 1 : size);
}

void *
kh_reallocarray(void *p, size_t n, size_t size)
{
	size_t total;

	if (!kh_size_mul(n, size, &total))
		return NULL;
	return kh_realloc(p, total);
}

char *
kh_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *copy = kh_malloc(len + 1);

	if (copy == NULL)
		return NULL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

char *
kh_strdup(const char *s)
{
	return kh_strndup(s, strlen(s));
}

void
kh_free(void *p)
{
	free(p);
}
