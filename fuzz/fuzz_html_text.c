/*
 * fuzz_html_text.c — libFuzzer harness for page reading (HTML to title,
 * visible text and links) and the folding used by the gambling and
 * defacement checks: any bytes, never a crash or hang; the text it returns
 * is NUL-free up to its length and folding it twice changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "khien/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_site_page page = { 0 };
	struct kh_buf once, twice, found;

	if (kh_site_page_parse(kh_cur_make(data, size), &page) != KH_OK)
		return 0; /* KH_ENOMEM only */
	kh_buf_init(&once, 0);
	kh_buf_init(&twice, 0);
	kh_buf_init(&found, 0);
	if (page.text != NULL && kh_site_fold_text(page.text, &once) == KH_OK &&
	    kh_site_fold_text(kh_buf_str(&once), &twice) == KH_OK) {
		if (once.len != twice.len || memcmp(kh_buf_str(&once), kh_buf_str(&twice), once.len) != 0)
			abort(); /* folding is idempotent */
		(void)kh_site_gambling_terms(kh_buf_str(&once), &found);
		(void)kh_site_defacement_terms(kh_buf_str(&once), &found);
	}
	for (size_t i = 0; i < page.n_links; i++)
		if (page.links[i].href == NULL || page.links[i].text == NULL)
			abort();
	kh_buf_cleanup(&once);
	kh_buf_cleanup(&twice);
	kh_buf_cleanup(&found);
	kh_site_page_cleanup(&page);
	return 0;
}
