/*
 * fuzz_csp.c — libFuzzer harness for the Content-Security-Policy parser:
 * the input is split on '\n' into several policies (header values), parsed
 * both as headers and as <meta> content. No input may crash it; what it
 * accepts must be a well-formed set (lower-case names, no empty source,
 * no duplicate source within a directive).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "khien/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_POLICIES 8

static void
check(const struct kh_site_csp *csp)
{
	for (size_t i = 0; i < csp->n_dirs; i++) {
		const struct kh_site_csp_directive *d = &csp->dirs[i];

		for (const char *p = d->name; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				abort();
		if (kh_site_csp_get(csp, d->name) == NULL)
			abort();
		for (size_t k = 0; k < d->n_sources; k++) {
			if (d->sources[k][0] == '\0' || !kh_site_csp_has(d, d->sources[k]))
				abort();
			for (size_t j = k + 1; j < d->n_sources; j++)
				if (strcmp(d->sources[k], d->sources[j]) == 0)
					abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_cur policies[MAX_POLICIES];
	size_t n = 0, start = 0;

	for (size_t i = 0; i <= size && n < MAX_POLICIES; i++)
		if (i == size || data[i] == '\n') {
			policies[n++] = kh_cur_make(data + start, i - start);
			start = i + 1;
		}
	for (int meta = 0; meta < 2; meta++) {
		struct kh_site_csp *csp = NULL;

		if (kh_site_csp_parse(policies, n, meta, &csp, NULL) == KH_OK) {
			check(csp);
			if (meta && kh_site_csp_get(csp, "frame-ancestors") != NULL)
				abort(); /* CSP 3 §6.1: not honoured in <meta> */
		}
		kh_site_csp_free(csp);
	}
	return 0;
}
