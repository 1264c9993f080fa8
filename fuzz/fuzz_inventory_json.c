/*
 * fuzz_inventory_json.c — libFuzzer harness for the strict JSON inventory
 * reader: bad input gives errors, never crashes; what it accepts it can
 * write again and read back the same.
 */
#include <stdint.h>
#include <stdlib.h>

#include "khien/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_inventory *inv = NULL, *back = NULL;
	struct kh_buf json;
	struct kh_diag diag;

	kh_buf_init(&json, 0);
	if (kh_inventory_from_json(kh_cur_make(data, size), "fuzz", &inv, &diag) == KH_OK) {
		if (kh_inventory_to_json(inv, &json, &diag) != KH_OK ||
		    kh_inventory_from_json(kh_buf_cur(&json), "fuzz", &back, &diag) != KH_OK ||
		    back->n_pkgs != inv->n_pkgs || back->n_errors != inv->n_errors)
			abort();
	}
	kh_inventory_free(back);
	kh_inventory_free(inv);
	kh_buf_cleanup(&json);
	return 0;
}
