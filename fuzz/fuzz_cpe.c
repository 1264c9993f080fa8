/*
 * fuzz_cpe.c — libFuzzer harness for the CPE parser (src/feeds/cpe.c):
 * no input crashes it; a name it accepts formats to a formatted string
 * that parses to the same name; a name without wildcards matches itself;
 * matching two halves of the input never crashes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "khien/feeds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
same(const struct kh_cpe *a, const struct kh_cpe *b)
{
	for (int i = 0; i < KH_CPE_ATTR_COUNT; i++) {
		if (a->attr[i].kind != b->attr[i].kind || a->attr[i].has_wildcard != b->attr[i].has_wildcard)
			return false;
		if (a->attr[i].kind == KH_CPE_VALUE && strcmp(a->attr[i].value, b->attr[i].value) != 0)
			return false;
	}
	return true;
}

static void
check_one(const char *s, struct kh_cpe *out)
{
	struct kh_cpe again;
	struct kh_buf text;
	bool wild = false;

	if (kh_cpe_parse(s, out, NULL) != KH_OK)
		return;
	kh_buf_init(&text, 0);
	if (kh_cpe_format(out, &text) != KH_OK || kh_cpe_parse(kh_buf_str(&text), &again, NULL) != KH_OK ||
	    !same(out, &again))
		abort();
	for (int i = 0; i < KH_CPE_ATTR_COUNT; i++)
		wild |= out->attr[i].has_wildcard;
	if (!wild && !kh_cpe_match(out, out))
		abort();
	kh_cpe_cleanup(&again);
	kh_buf_cleanup(&text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *all = kh_strndup((const char *)data, size), *nl;
	struct kh_cpe a, b;

	if (all == NULL)
		return 0;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	/* "name\nname": both parsed, then matched against each other */
	if ((nl = strchr(all, '\n')) != NULL) {
		*nl = '\0';
		check_one(all, &a);
		check_one(nl + 1, &b);
		(void)kh_cpe_match(&a, &b);
		(void)kh_cpe_match(&b, &a);
	} else {
		check_one(all, &a);
	}
	kh_cpe_cleanup(&a);
	kh_cpe_cleanup(&b);
	kh_free(all);
	return 0;
}
