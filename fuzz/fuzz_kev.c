/*
 * fuzz_kev.c — libFuzzer harness for the KEV reader (src/feeds/kev.c) and
 * format detection: see fuzz_feeds.h for the checks.
 */
#include <string.h>

#include "fuzz_feeds.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_feeds_run(KH_FEEDS_KEV, data, size, NULL);
}
