/*
 * bench_vuln_load.c — the matcher's real start-up cost: generated OSV
 * records (RANGES package ranges, ten per record) and NVD records (CPE
 * configurations) imported into a temporary store with the feeds module,
 * then timed: kh_vuln_db_load reading them back into the match index.
 * Usage: bench_vuln_load [RANGES] [NVD]   (300000 20000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "khien/feeds.h"
#include "khien/store.h"
#include "khien/vuln.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static unsigned
rnd(unsigned bound)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % bound);
}

/* One OSV record with ten affected packages of Debian 12. */
static enum kh_err
osv_record(struct kh_buf *b, unsigned i)
{
	enum kh_err r = kh_buf_printf(b, "{\"schema_version\":\"1.6.0\",\"id\":\"DSA-%u-1\","
	                                 "\"modified\":\"2025-01-01T00:00:00Z\",\"published\":"
	                                 "\"2025-01-01T00:00:00Z\",\"aliases\":[\"CVE-2025-%u\"],"
	                                 "\"affected\":[",
	                              i, 10000 + i);
	for (unsigned k = 0; k < 10 && r == KH_OK; k++)
		r = kh_buf_printf(b, "%s{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"src%05u\"},"
		                     "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":"
		                     "\"0\"},{\"fixed\":\"%u.%u.%u-%u+deb12u%u\"}]}]}",
		                  k ? "," : "", rnd(20000), rnd(4) + 1, rnd(20), rnd(10), rnd(5) + 1,
		                  rnd(4));
	return r == KH_OK ? kh_buf_append_str(b, "]}") : r;
}

/* One NVD API record: a FortiOS-like range on one of 400 products. */
static enum kh_err
nvd_record(struct kh_buf *b, unsigned i)
{
	unsigned p = rnd(400);

	return kh_buf_printf(b, "{\"cve\":{\"id\":\"CVE-2024-%u\",\"published\":"
	                        "\"2024-01-01T00:00:00.000\",\"descriptions\":[{\"lang\":\"en\","
	                        "\"value\":\"x\"}],\"configurations\":[{\"nodes\":[{\"operator\":"
	                        "\"OR\",\"negate\":false,\"cpeMatch\":[{\"vulnerable\":true,"
	                        "\"criteria\":\"cpe:2.3:a:vendor%u:product%u:*:*:*:*:*:*:*:*\","
	                        "\"versionStartIncluding\":\"%u.0\",\"versionEndExcluding\":"
	                        "\"%u.%u.%u\"}]}]}]}}",
	                     10000 + i, p % 50, p, rnd(4), rnd(8) + 4, rnd(10), rnd(20));
}

static int
import_docs(struct kh_store *st, unsigned n_osv, unsigned n_nvd)
{
	struct kh_feeds_stats stats;
	struct kh_buf b;
	enum kh_err r = KH_OK;

	kh_buf_init(&b, 0);
	r = kh_buf_append_str(&b, "[");
	for (unsigned i = 0; i < n_osv && r == KH_OK; i++)
		if ((r = i ? kh_buf_putc(&b, ',') : KH_OK) == KH_OK)
			r = osv_record(&b, i);
	if (r == KH_OK)
		r = kh_buf_append_str(&b, "]");
	kh_feeds_stats_init(&stats);
	if (r == KH_OK)
		r = kh_feeds_import_data(st, kh_buf_cur(&b), "bench-osv.json", KH_FEEDS_OSV, &stats,
		                         NULL);
	kh_feeds_stats_cleanup(&stats);
	kh_buf_reset(&b);
	if (r == KH_OK)
		r = kh_buf_printf(&b, "{\"resultsPerPage\":%u,\"startIndex\":0,\"totalResults\":%u,"
		                      "\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"timestamp\":"
		                      "\"2025-01-01T00:00:00.000\",\"vulnerabilities\":[",
		                  n_nvd, n_nvd);
	for (unsigned i = 0; i < n_nvd && r == KH_OK; i++)
		if ((r = i ? kh_buf_putc(&b, ',') : KH_OK) == KH_OK)
			r = nvd_record(&b, i);
	if (r == KH_OK)
		r = kh_buf_append_str(&b, "]}");
	kh_feeds_stats_init(&stats);
	if (r == KH_OK)
		r = kh_feeds_import_data(st, kh_buf_cur(&b), "bench-nvd.json", KH_FEEDS_NVD, &stats,
		                         NULL);
	kh_feeds_stats_cleanup(&stats);
	kh_buf_cleanup(&b);
	return r == KH_OK ? 0 : -1;
}

/* Reading the store back without indexing: the feeds module's share. */
static enum kh_err
drop(void *ctx, struct kh_feeds_advisory *adv)
{
	(*(size_t *)ctx)++;
	kh_feeds_advisory_free(adv);
	return KH_OK;
}

int
main(int argc, char **argv)
{
	unsigned n_ranges = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 300000;
	unsigned n_nvd = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 20000;
	char dir[] = "/tmp/khien-bench-vuln-XXXXXX", db_path[64];
	struct kh_store *st = NULL;
	struct kh_vuln_db *db = NULL;
	uint64_t t0, t1, t2, t3;
	size_t n_read = 0;
	int status = 2;

	if (mkdtemp(dir) == NULL || kh_store_open(dir, NULL, &st, NULL) != KH_OK) {
		fprintf(stderr, "bench_vuln_load: cannot open a store in %s\n", dir);
		return 2;
	}
	t0 = kh_time_mono_ns();
	if (import_docs(st, n_ranges / 10, n_nvd) != 0) {
		fprintf(stderr, "bench_vuln_load: import failed\n");
		goto out;
	}
	t1 = kh_time_mono_ns();
	if ((db = kh_vuln_db_new()) == NULL || kh_vuln_db_load(db, st, NULL) != KH_OK) {
		fprintf(stderr, "bench_vuln_load: load failed\n");
		goto out;
	}
	t2 = kh_time_mono_ns();
	if (kh_feeds_foreach(st, NULL, drop, &n_read, NULL) != KH_OK) {
		fprintf(stderr, "bench_vuln_load: read-back failed\n");
		goto out;
	}
	t3 = kh_time_mono_ns();
	printf("import (feeds, not the matcher): %.3f s for %u OSV records, %u NVD records\n",
	       (double)(t1 - t0) / 1e9, n_ranges / 10, n_nvd);
	printf("kh_vuln_db_load: %.3f s -> %zu package rules, %zu asset rules\n",
	       (double)(t2 - t1) / 1e9, kh_vuln_db_pkg_rule_count(db), kh_vuln_db_cpe_rule_count(db));
	printf("of which reading %zu advisories back from the store (kh_feeds_foreach alone): %.3f s\n",
	       n_read, (double)(t3 - t2) / 1e9);
	status = 0;
out:
	kh_vuln_db_free(db);
	kh_store_close(st);
	snprintf(db_path, sizeof(db_path), "%s/%s", dir, KH_STORE_DB_FILE);
	unlink(db_path);
	for (const char *sfx = "-wal"; sfx != NULL; sfx = strcmp(sfx, "-wal") == 0 ? "-shm" : NULL) {
		char p[80];
		snprintf(p, sizeof(p), "%s%s", db_path, sfx);
		unlink(p);
	}
	rmdir(dir);
	return status;
}
