/*
 * fuzz_os_release.c — libFuzzer harness for the os-release file parser: no input may
 * crash it, and whatever it keeps must survive a JSON round trip.
 */
#include <stdint.h>
#include <stdlib.h>

#include "khien/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_inventory *inv = kh_inventory_new(), *back = NULL;
	struct kh_buf json;
	struct kh_diag diag;

	if (inv == NULL)
		return 0;
	kh_buf_init(&json, 0);
	if (kh_inventory_parse_os_release(kh_cur_make(data, size), "fuzz", inv, &diag) != KH_ENOMEM) {
		/* The writer must accept every value a parser keeps, and the
		 * strict reader must accept every document the writer makes. */
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
