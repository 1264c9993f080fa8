/*
 * bench_feeds.c — feed reading speed: records per second for each parser
 * (parse only) and for an import into a fresh SQLite store, on generated
 * documents shaped like the real ones (a full 2,000-record NVD API page
 * cloned from the FortiOS record, a KEV catalog, OSV and tracker files),
 * plus the real KEV catalog when KHIEN_SHARED_DATA has it.
 * Usage: bench_feeds [FIXTURES_DIR]   (default tests/fixtures)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "khien/feeds.h"
#include "khien/store.h"

static json_t *
load(const char *dir, const char *name)
{
	char path[1024];
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/feeds/%s", dir, name);
	if ((j = json_load_file(path, 0, &err)) == NULL) {
		fprintf(stderr, "bench_feeds: %s: %s\n", path, err.text);
		exit(2);
	}
	return j;
}

/* n copies of one record, each with its own id under key (CVE-9000-<i>). */
static char *
replicate(const json_t *rec, const char *key, size_t n, const char *wrap_key, const char *outer)
{
	json_t *arr = json_array(), *doc;
	char id[64], *text;

	for (size_t i = 0; i < n; i++) {
		json_t *c = json_deep_copy(rec);
		snprintf(id, sizeof(id), "CVE-9000-%zu", 10000 + i);
		json_object_set_new(c, key, json_string(id));
		json_array_append_new(arr, wrap_key != NULL ? json_pack("{s:o}", wrap_key, c) : c);
	}
	doc = outer != NULL ? json_pack("{s:s, s:o}", "catalogVersion", "1", outer, arr) : arr;
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return text;
}

static void
measure(const char *label, enum kh_feeds_kind kind, const char *text, const char *tmpdir)
{
	struct kh_cur data = kh_cur_from_str(text);
	struct kh_feeds_stats st;
	struct kh_feeds_set set;
	struct kh_store *store = NULL;
	struct kh_diag d;
	uint64_t t0;
	double parse_s, import_s, load_s;
	size_t n;

	kh_feeds_set_init(&set);
	kh_feeds_stats_init(&st);
	t0 = kh_time_mono_ns();
	if (kh_feeds_parse_to_set(kind, data, label, &set, &st, &d) != KH_OK)
		exit(2);
	parse_s = (double)(kh_time_mono_ns() - t0) / 1e9;
	n = st.n_records;
	kh_feeds_set_cleanup(&set);
	kh_feeds_stats_cleanup(&st);

	kh_feeds_stats_init(&st);
	static int run;
	char dir[600];
	snprintf(dir, sizeof(dir), "%s/%d", tmpdir, run++);
	if (kh_store_open(dir, NULL, &store, &d) != KH_OK)
		exit(2);
	t0 = kh_time_mono_ns();
	if (kh_feeds_import_data(store, data, label, kind, &st, &d) != KH_OK) {
		fprintf(stderr, "bench_feeds: %s\n", d.msg);
		exit(2);
	}
	import_s = (double)(kh_time_mono_ns() - t0) / 1e9;
	/* reading back what the matcher will read: this kind only */
	{
		struct kh_feeds_filter f = { .kinds = 1u << kind };
		kh_feeds_set_init(&set);
		t0 = kh_time_mono_ns();
		if (kh_feeds_load(store, &f, &set, &d) != KH_OK)
			exit(2);
		load_s = (double)(kh_time_mono_ns() - t0) / 1e9;
		kh_feeds_set_cleanup(&set);
	}
	kh_store_close(store);
	kh_feeds_stats_cleanup(&st);
	printf("%-28s %7zu rec %6.1f MB  parse %7.0f rec/s  import %7.0f rec/s  load %7.0f rec/s\n",
	       label, n, (double)strlen(text) / 1e6, n / parse_s, n / import_s, n / load_s);
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/fixtures";
	const char *shared = getenv("KHIEN_SHARED_DATA");
	char tmpdir[] = "/tmp/khien-bench-feeds-XXXXXX";
	json_t *nvd = load(dir, "nvd_fortios.json"), *kev = load(dir, "kev_small.json");
	json_t *osv = load(dir, "osv_almalinux.json");
	char *text;

	if (mkdtemp(tmpdir) == NULL)
		return 2;
	/* an NVD API page holds at most 2,000 records (resultsPerPage) */
	text = replicate(nvd, "id", 2000, "cve", NULL);
	{
		size_t n = strlen(text) + 64;
		char *page = malloc(n);
		if (page == NULL || snprintf(page, n, "{\"resultsPerPage\":2000,\"vulnerabilities\":%s}", text) < 0)
			return 2;
		measure("NVD API page (generated)", KH_FEEDS_NVD, page, tmpdir);
		free(page);
	}
	free(text);
	text = replicate(json_array_get(json_object_get(kev, "vulnerabilities"), 0), "cveID", 20000, NULL,
	                 "vulnerabilities");
	measure("KEV (generated, 20000)", KH_FEEDS_KEV, text, tmpdir);
	free(text);
	text = replicate(osv, "id", 20000, NULL, NULL);
	measure("OSV list (generated, 20000)", KH_FEEDS_OSV, text, tmpdir);
	free(text);
	if (shared != NULL) {
		char path[1024];
		struct kh_buf *raw = NULL;
		snprintf(path, sizeof(path), "%s/feeds/kev.json", shared);
		if (kh_file_read(path, 1 << 28, NULL, 0, &raw, NULL) == KH_OK) {
			measure("KEV (real, shared data)", KH_FEEDS_KEV, kh_buf_str(raw), tmpdir);
			kh_buf_free(raw);
		}
	}
	json_decref(nvd);
	json_decref(kev);
	json_decref(osv);
	printf("store: %s (left for inspection)\n", tmpdir);
	return 0;
}
