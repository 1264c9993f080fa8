/*
 * fuzz_version.h — the property checks the fuzz_version_<scheme>.c harnesses
 * share: the input is up to three versions separated by '\n'; comparison must
 * be reflexive, antisymmetric and transitive, agree with validation, and
 * never crash. A violated property aborts (the fuzzer reports it).
 */
#ifndef KHIEN_FUZZ_VERSION_H
#define KHIEN_FUZZ_VERSION_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "khien/version.h"

static int
fuzz_cmp(enum kh_version_scheme s, struct kh_cur a, struct kh_cur b, enum kh_err *r)
{
	int cmp = 42;

	*r = kh_version_compare_cur(s, a, b, &cmp, NULL, NULL);
	if (*r != KH_OK && cmp != 0)
		abort(); /* contract: cmp is 0 on failure */
	if (cmp < -1 || cmp > 1)
		abort();
	return cmp;
}

static int
fuzz_version(enum kh_version_scheme s, const uint8_t *data, size_t size)
{
	struct kh_cur in = kh_cur_make(data, size), v[3];
	size_t n = 0;
	enum kh_err r1, r2;

	while (n < 3 && kh_cur_take_until(&in, '\n', &v[n]))
		n++;
	if (n == 0)
		v[n++] = kh_cur_make(data, 0);
	for (size_t i = 0; i < n; i++) {
		enum kh_version_issue issue;
		bool valid = kh_version_validate(s, v[i], &issue, NULL) == KH_OK;
		int self = fuzz_cmp(s, v[i], v[i], &r1);
		/* dpkg's "" and "<unknown>" compare (as no version) but do not validate */
		bool absent = s == KH_VERSION_DPKG &&
		              (v[i].len == 0 || kh_cur_eq(&v[i], "<unknown>"));
		if (self != 0 || (!absent && valid != (r1 == KH_OK)))
			abort();
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			int ab = fuzz_cmp(s, v[i], v[j], &r1), ba = fuzz_cmp(s, v[j], v[i], &r2);
			if ((r1 == KH_OK) != (r2 == KH_OK) || ab != -ba)
				abort();
		}
	}
	if (n == 3) {
		int ab = fuzz_cmp(s, v[0], v[1], &r1), bc = fuzz_cmp(s, v[1], v[2], &r2);
		enum kh_err r3;
		int ac = fuzz_cmp(s, v[0], v[2], &r3);
		if (r1 == KH_OK && r2 == KH_OK && ab <= 0 && bc <= 0 && ac > 0)
			abort();
		if (r1 == KH_OK && r2 == KH_OK && ab == 0 && bc == 0 && ac != 0)
			abort();
	}
	return 0;
}

#endif
