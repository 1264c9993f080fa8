/*
 * fuzz_nvd.c — libFuzzer harness for the NVD CVE API 2.0 reader
 * (src/feeds/nvd.c) and configuration evaluation: see fuzz_feeds.h; every
 * configuration evaluates against a few systems without crashing, and a
 * decision names a vulnerable cpeMatch that exists.
 */
#include <string.h>

#include "fuzz_feeds.h"

static void
eval_configs(const struct kh_feeds_advisory *adv)
{
	static const char *const systems[][2] = {
		{ "cpe:2.3:o:fortinet:fortios:7.0.13:*:*:*:*:*:*:*", NULL },
		{ "cpe:2.3:a:example:webportal:2.3:*:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*" },
		{ "cpe:2.3:a:*:*:*:*:*:*:*:*:*:*", NULL },
	};
	struct kh_cpe_eval_result res;
	struct kh_buf why;

	for (size_t s = 0; s < sizeof(systems) / sizeof(systems[0]); s++) {
		struct kh_cpe t[2];
		size_t n = 0;
		memset(t, 0, sizeof(t));
		for (size_t i = 0; i < 2 && systems[s][i] != NULL; i++)
			if (kh_cpe_parse(systems[s][i], &t[n], NULL) == KH_OK)
				n++;
		kh_buf_init(&why, 0);
		if (kh_cpe_config_eval_text(&adv->configs, t, n, &res, &why, NULL) != KH_OK)
			abort();
		if (res.decided_by != NULL &&
		    (!res.decided_by->vulnerable || res.config >= adv->configs.n ||
		     res.node >= adv->configs.items[res.config].n_nodes || res.target >= n))
			abort();
		kh_buf_cleanup(&why);
		kh_cpe_cleanup(&t[0]);
		kh_cpe_cleanup(&t[1]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_feeds_run(KH_FEEDS_NVD, data, size, eval_configs);
}
