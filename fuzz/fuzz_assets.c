/*
 * fuzz_assets.c — libFuzzer harness for the asset path without a database:
 * CSV records mapped to CPE 2.3. No input may crash the mapper, and every
 * CPE it makes has the 13 components of a formatted string in ASCII.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "khien/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Counts components, skipping backslash-escaped colons (NISTIR 7695 6.2). */
static size_t
components(const char *cpe)
{
	size_t n = 1;

	for (const char *p = cpe; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			abort();
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == ':')
			n++;
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_csv *csv = NULL;
	struct kh_csv_row row;
	enum kh_err r;

	if (kh_csv_new(kh_cur_make(data, size), "fuzz", &csv, NULL) != KH_OK)
		return 0;
	while ((r = kh_csv_next(csv, &row, NULL)) != KH_ENOENT) {
		struct kh_cpe_mapping m;
		if (r != KH_OK) {
			if (!kh_csv_can_continue(csv))
				break;
			continue;
		}
		if (kh_cpe_map(row.fields[0], row.n_fields > 1 ? row.fields[1] : NULL,
		               row.n_fields > 2 ? row.fields[2] : NULL, &m) != KH_OK)
			continue;
		if (m.cpe != NULL && (strncmp(m.cpe, "cpe:2.3:", 8) != 0 || components(m.cpe) != 13))
			abort();
		if (m.cpe == NULL && m.why == NULL)
			abort();
		kh_cpe_mapping_cleanup(&m);
	}
	kh_csv_free(csv);
	return 0;
}
