/*
 * fuzz_site_record.c — libFuzzer harness for recorded HTTP responses
 * (`khien site score FILE`): any bytes give a record or a clear error;
 * a record read is scored without crashing, and written back and read
 * again it scores the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "khien/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_site_http_record rec, again;
	struct kh_site_observatory a, b;
	struct kh_buf out;

	memset(&rec, 0, sizeof(rec));
	if (kh_site_record_from_json(kh_cur_make(data, size), &rec, NULL) != KH_OK) {
		kh_site_record_cleanup(&rec);
		return 0;
	}
	kh_buf_init(&out, 0);
	memset(&again, 0, sizeof(again));
	if (kh_site_observatory_score(&rec, &a) == KH_OK &&
	    kh_site_record_to_json(&rec, &out) == KH_OK) {
		if (kh_site_record_from_json(kh_buf_cur(&out), &again, NULL) != KH_OK)
			abort();
		if (kh_site_observatory_score(&again, &b) == KH_OK &&
		    (a.scored != b.scored || a.score != b.score || strcmp(a.grade, b.grade) != 0))
			abort();
	}
	kh_site_record_cleanup(&again);
	kh_site_record_cleanup(&rec);
	kh_buf_cleanup(&out);
	return 0;
}
