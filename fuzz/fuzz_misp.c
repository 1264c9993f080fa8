/*
 * fuzz_misp.c — libFuzzer harness for the MISP event reader (and the
 * import dispatch in front of it): no input may crash it, the counts add
 * up, and every value taken is a type Khiên knows.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "khien/ioc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_ioc_indicators list = { 0 };
	struct kh_ioc_counts c = { 0 };
	json_t *doc = NULL;
	enum kh_ioc_kind kind;

	if (kh_json_parse(kh_cur_make(data, size), "fuzz", &doc, NULL) != KH_OK)
		return 0;
	if (kh_ioc_misp_import(doc, "fuzz", &list, &c, NULL) == KH_OK) {
		/* each attribute is an object and an indicator, counted once */
		if (c.objects != c.indicators || c.hashes + c.network + c.unsupported + c.errors > c.objects * 2)
			abort();
		for (size_t i = 0; i < list.n; i++)
			if (!kh_ioc_type_kind(list.items[i].type, &kind) || kind != list.items[i].kind)
				abort();
	}
	kh_ioc_indicators_cleanup(&list);
	(void)kh_ioc_misp_is_manifest(doc);
	json_decref(doc);
	return 0;
}
