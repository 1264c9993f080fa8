/*
 * fuzz_stix_pattern.c — libFuzzer harness for the STIX pattern parser: no
 * input may crash it or run past the depth limit, and every value it takes
 * from a supported pattern, written back as a pattern, parses again to the
 * same value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "khien/ioc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes a taken value back and reads it again: same type, same value. */
static void
round_trip(const struct kh_ioc_indicator *it)
{
	struct kh_ioc_indicators again = { 0 };
	struct kh_ioc_pattern_info info;
	struct kh_buf b;

	kh_buf_init(&b, 0);
	if (kh_ioc_pattern_for(it->type, it->value, &b) != KH_OK)
		abort();
	if (kh_ioc_pattern_parse((const char *)b.data, b.len, NULL, NULL, &again, &info, NULL) != KH_OK ||
	    again.n != 1 || strcmp(again.items[0].value, it->value) != 0 ||
	    strcmp(again.items[0].type, it->type) != 0)
		abort();
	kh_ioc_indicators_cleanup(&again);
	kh_buf_cleanup(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_ioc_indicators list = { 0 };
	struct kh_ioc_pattern_info info;
	struct kh_diag diag;
	enum kh_err r;

	r = kh_ioc_pattern_parse((const char *)data, size, "fuzz", "fuzz", &list, &info, &diag);
	if (r != KH_OK && list.n != 0)
		abort(); /* nothing is taken from a pattern that failed */
	if (r == KH_OK && info.unsupported > 0 && list.n != 0)
		abort(); /* nor from one with unsupported parts */
	for (size_t i = 0; i < list.n; i++)
		if (memchr(list.items[i].value, '\0', strlen(list.items[i].value) + 1) == NULL)
			abort();
		else
			round_trip(&list.items[i]);
	kh_ioc_indicators_cleanup(&list);
	return 0;
}
