/* fuzz_hashlist.c — the hash-list readers (plain, ClamAV, LOKI, CSV) must
 * never crash or leak, and what they load must be found again. */
#include <stdint.h>
#include <stdlib.h>

#include "khien/scan.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_scan_hashlist *hl = NULL;
	struct kh_diag diag;
	uint8_t zeros[32] = { 0 };
	enum kh_err r;

	if (kh_scan_hashlist_new(&hl) != KH_OK)
		return 0;
	/* contract: bad input is a format error or a named limit, nothing else */
	r = kh_scan_hashlist_add_text(hl, kh_cur_make(data, size), "fuzz", &diag);
	if (r != KH_OK && r != KH_EFORMAT && r != KH_ELIMIT && r != KH_ENOMEM)
		abort();
	if (kh_scan_hashlist_finish(hl) == KH_OK) {
		for (int a = 0; a < 3; a++)
			(void)kh_scan_hashlist_lookup(hl, (enum kh_hash_alg)a, zeros, 0);
	}
	kh_scan_hashlist_free(hl);
	return 0;
}
