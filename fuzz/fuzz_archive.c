/* fuzz_archive.c — the archive walk (libarchive, nesting, limits) over any
 * bytes must never crash, hang or leak; limits are kept small for speed. */
#include <stdint.h>
#include <stdlib.h>

#include "khien/limits.h"
#include "khien/scan.h"

static struct kh_scan *scan;
static struct kh_scan_hashlist *hl;

static void
ignore(const struct kh_scan_event *ev, void *ctx)
{
	(void)ev;
	(void)ctx;
}

static int
setup(void)
{
	struct kh_scan_options opts = { 0 };
	struct kh_diag diag;

	if (kh_limit_set("max_archive_total_bytes", "16M") != KH_OK ||
	    kh_limit_set("max_archive_member_bytes", "4M") != KH_OK ||
	    kh_limit_set("max_archive_members", "1000") != KH_OK ||
	    kh_scan_hashlist_new(&hl) != KH_OK ||
	    kh_scan_hashlist_add_text(hl, kh_cur_from_str(
	        "44d88612fea8a8f36de82e1278abb02f\n"), "fuzz", &diag) != KH_OK ||
	    kh_scan_hashlist_finish(hl) != KH_OK ||
	    kh_scan_new(&opts, NULL, hl, ignore, NULL, &scan, &diag) != KH_OK)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready = -1;
	struct kh_scan_summary sum;

	if (ready < 0)
		ready = setup();
	if (kh_scan_mem(scan, "fuzz.bin", data, size, &sum) != KH_OK)
		abort();
	return 0;
}
