/*
 * fuzz_stix_bundle.c — libFuzzer harness for STIX bundle import: no input
 * may crash it; a bundle it accepts counts each object once, and the values
 * it takes, exported again, import again with the same counts.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "khien/ioc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_ioc_indicators list = { 0 }, again = { 0 };
	struct kh_ioc_counts c = { 0 }, c2 = { 0 };
	struct kh_ioc_export_opts opts = { .unit = "fuzz", .tlp = KH_IOC_TLP_GREEN };
	json_t *doc = NULL, *out = NULL;

	if (kh_json_parse(kh_cur_make(data, size), "fuzz", &doc, NULL) != KH_OK)
		return 0;
	if (kh_ioc_stix_import(doc, "fuzz", &list, &c, NULL) == KH_OK) {
		if (c.objects != json_array_size(json_object_get(doc, "objects")) || c.indicators > c.objects)
			abort();
		if (kh_ioc_stix_export(NULL, &list, &opts, &out, NULL) == KH_OK) {
			if (kh_ioc_stix_import(out, "again", &again, &c2, NULL) != KH_OK ||
			    c2.errors != 0 || c2.unsupported != 0)
				abort();
		}
	}
	json_decref(out);
	json_decref(doc);
	kh_ioc_indicators_cleanup(&list);
	kh_ioc_indicators_cleanup(&again);
	return 0;
}
