/*
 * fuzz_osv.c — libFuzzer harness for the OSV reader (src/feeds/osv.c) and
 * format detection: see fuzz_feeds.h for the checks.
 */
#include <string.h>

#include "fuzz_feeds.h"

/* Every affected entry evaluates without crashing, whatever its events. */
static void
eval_affected(const struct kh_feeds_advisory *adv)
{
	static const char *const versions[] = { "0", "1.0", "1:2.3-4", "3.1.4-r1", "1.2.3-rc.1" };

	for (size_t i = 0; i < adv->n_affected; i++) {
		enum kh_version_scheme scheme = KH_VERSION_GENERIC;
		if (kh_feeds_ecosystem_scheme(adv->affected[i].ecosystem, &scheme) != KH_OK)
			scheme = KH_VERSION_GENERIC;
		for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
			const char *fixed;
			bool hit;
			if (kh_feeds_affected_eval(&adv->affected[i], scheme, versions[v], &hit, &fixed,
			                           NULL, NULL) == KH_ENOMEM)
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_feeds_run(KH_FEEDS_OSV, data, size, eval_affected);
}
