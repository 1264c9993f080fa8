/* fuzz_config.c — the khien.conf reader must never crash or leak on any bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "khien/config.h"
#include "khien/limits.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_config *cfg = NULL;
	struct kh_diag diag;

	if (kh_config_parse(kh_cur_make(data, size), "fuzz.conf", &cfg, &diag) == KH_OK) {
		/* Every stored value must be readable back. */
		for (size_t i = 0; i < kh_config_key_count(); i++) {
			const struct kh_config_key *k = kh_config_key_at(i);
			(void)kh_config_get(cfg, k->section, k->key);
		}
		kh_config_free(cfg);
	} else if (cfg != NULL) {
		abort(); /* contract: no output on failure */
	}
	kh_limits_reset();
	return 0;
}
