/*
 * bench_vuln.c — matching speed: a generated 5,000-package Debian inventory
 * plus 200 registry assets against 300,000 advisory ranges (package ranges
 * and CPE rules), printing build and match times and findings per second.
 * Usage: bench_vuln [RANGES] [PACKAGES] [ASSETS]  (300000 5000 200)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khien/inventory.h"
#include "khien/vuln.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

/* xorshift64 with a fixed seed: every run measures the same data. */
static unsigned
rnd(unsigned bound)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % bound);
}

/*
 * A stand-in for an NVD configuration: affected when the asset's CPE
 * version field is below the rule's end version (generic scheme). The
 * real evaluator (feeds' CPE matching) is no cheaper per rule than this.
 */
struct cpe_range {
	char end[32];
};

static enum kh_err
eval_range(const void *ctx, const char *const *cpes, size_t n_cpes, bool *affected,
           char **fixed, struct kh_buf *why)
{
	const struct cpe_range *rg = ctx;
	const char *v = cpes[0];
	char version[64];
	size_t n = 0;
	int cmp = 0;

	(void)why;
	(void)n_cpes;
	*fixed = NULL;
	for (int field = 0; *v != '\0' && field < 5; v++)
		field += *v == ':';
	while (v[n] != '\0' && v[n] != ':' && n + 1 < sizeof(version)) {
		version[n] = v[n];
		n++;
	}
	version[n] = '\0';
	if (kh_version_compare(KH_VERSION_GENERIC, version, rg->end, &cmp, NULL) != KH_OK)
		return KH_OK;
	*affected = cmp < 0;
	return KH_OK;
}

static double
seconds(uint64_t a, uint64_t b)
{
	return (double)(b - a) / 1e9;
}

static struct kh_inventory *
make_inventory(unsigned n_pkgs, unsigned n_names)
{
	struct kh_inventory *inv = kh_inventory_new();
	char name[32], src[32], version[32];
	struct kh_inventory_pkg p = { .type = KH_INVENTORY_DEB, .arch = (char *)"amd64",
		                      .status = (char *)"installed" };

	if (inv == NULL)
		return NULL;
	inv->os.id = kh_strdup("debian");
	inv->os.version_id = kh_strdup("12");
	for (unsigned i = 0; i < n_pkgs; i++) {
		unsigned s = rnd(n_names);
		snprintf(src, sizeof(src), "src%05u", s);
		snprintf(name, sizeof(name), "lib%05u-%u", s, i);
		snprintf(version, sizeof(version), "%u.%u.%u-%u+deb12u%u", rnd(4), rnd(20),
		         rnd(10), rnd(5) + 1, rnd(4));
		p.name = name;
		p.version = version;
		p.source = src;
		p.source_version = version;
		if (kh_inventory_add_pkg(inv, &p, NULL) != KH_OK) {
			kh_inventory_free(inv);
			return NULL;
		}
	}
	return inv;
}

/* One generated range, made before the clock starts. */
struct gen_range {
	char pkg[16], cve[20], adv[16], intro[16], fixed[32];
};

static struct gen_range *
gen_pkg_ranges(unsigned n, unsigned n_names)
{
	struct gen_range *g = kh_calloc(n ? n : 1, sizeof(*g));

	for (unsigned i = 0; g != NULL && i < n; i++) {
		snprintf(g[i].pkg, sizeof(g[i].pkg), "src%05u", rnd(n_names));
		snprintf(g[i].cve, sizeof(g[i].cve), "CVE-20%02u-%u", 10 + rnd(16), 1000 + rnd(60000));
		snprintf(g[i].adv, sizeof(g[i].adv), "DSA-%u-1", 1000 + i % 9000);
		if (rnd(3) == 0)
			snprintf(g[i].intro, sizeof(g[i].intro), "0");
		else
			snprintf(g[i].intro, sizeof(g[i].intro), "%u.%u-1", rnd(3), rnd(20));
		snprintf(g[i].fixed, sizeof(g[i].fixed), "%u.%u.%u-%u+deb12u%u", rnd(4) + 1,
		         rnd(20), rnd(10), rnd(5) + 1, rnd(4));
	}
	return g;
}

static enum kh_err
add_pkg_ranges(struct kh_vuln_db *db, const struct gen_range *g, unsigned n)
{
	const char *cves[1];
	struct kh_vuln_event ev[2] = { { KH_VULN_EV_INTRODUCED, NULL },
		                       { KH_VULN_EV_FIXED, NULL } };
	struct kh_vuln_pkg_rule r = { .ecosystem = "Debian:12", .source = "osv", .cves = cves,
		                      .n_cves = 1, .scheme = KH_VERSION_DPKG, .events = ev,
		                      .n_events = 2 };
	enum kh_err e = KH_OK;

	for (unsigned i = 0; i < n && e == KH_OK; i++) {
		r.package = g[i].pkg;
		r.advisory = g[i].adv;
		cves[0] = g[i].cve;
		ev[0].version = g[i].intro;
		ev[1].version = g[i].fixed;
		e = kh_vuln_db_add_pkg_rule(db, &r);
	}
	return e;
}

static enum kh_err
add_cpe_rules(struct kh_vuln_db *db, struct cpe_range *ranges, unsigned n,
              unsigned n_products)
{
	char key[64], cve[32], adv[32];
	const char *keys[1] = { key }, *cves[1] = { cve };
	struct kh_vuln_cpe_rule r = { .advisory = adv, .source = "nvd", .cves = cves,
		                      .n_cves = 1, .keys = keys, .n_keys = 1,
		                      .eval = eval_range };
	enum kh_err e = KH_OK;

	for (unsigned i = 0; i < n && e == KH_OK; i++) {
		snprintf(key, sizeof(key), "vendor%u:product%u", rnd(n_products) % 50,
		         rnd(n_products));
		snprintf(cve, sizeof(cve), "CVE-20%02u-%u", 10 + rnd(16), 1000 + rnd(60000));
		snprintf(adv, sizeof(adv), "%s", cve);
		snprintf(ranges[i].end, sizeof(ranges[i].end), "%u.%u.%u", rnd(8), rnd(10), rnd(20));
		r.ctx = &ranges[i];
		e = kh_vuln_db_add_cpe_rule(db, &r);
	}
	return e;
}

static struct kh_asset_list *
make_assets(unsigned n, unsigned n_products)
{
	struct kh_asset_list *list = kh_calloc(1, sizeof(*list));
	char cpe[160], name[32];

	if (list == NULL || (list->items = kh_calloc(n, sizeof(*list->items))) == NULL) {
		kh_free(list);
		return NULL;
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned p = rnd(n_products);
		snprintf(cpe, sizeof(cpe), "cpe:2.3:a:vendor%u:product%u:%u.%u.%u:*:*:*:*:*:*:*",
		         p % 50, p, rnd(8), rnd(10), rnd(20));
		snprintf(name, sizeof(name), "asset-%03u", i);
		list->items[i].cpe = kh_strdup(cpe);
		list->items[i].name = kh_strdup(name);
		list->items[i].unit = kh_strdup("bench");
		list->items[i].version = kh_strdup("x");
		list->n++;
	}
	return list;
}

static enum kh_err
add_facts(struct kh_vuln_db *db, unsigned n)
{
	char cve[32];
	struct kh_vuln_cve_info info = { .cve = cve, .cvss_version = "3.1" };
	enum kh_err e = KH_OK;

	for (unsigned i = 0; i < n && e == KH_OK; i++) {
		snprintf(cve, sizeof(cve), "CVE-20%02u-%u", 10 + rnd(16), 1000 + rnd(60000));
		info.cvss_score = rnd(101) / 10.0;
		info.epss = rnd(1000) / 1000.0;
		info.epss_percentile = info.epss;
		info.kev = rnd(50) == 0;
		info.ransomware = info.kev && rnd(4) == 0;
		info.published = "2025-06-01";
		e = kh_vuln_db_add_cve_info(db, &info);
	}
	return e;
}

int
main(int argc, char **argv)
{
	unsigned n_ranges = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 300000;
	unsigned n_pkgs = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 5000;
	unsigned n_assets = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 200;
	unsigned n_cpe = n_ranges / 15, n_names = 20000, n_products = 400;
	struct kh_vuln_db *db = kh_vuln_db_new();
	struct cpe_range *ranges = kh_calloc(n_cpe ? n_cpe : 1, sizeof(*ranges));
	struct kh_inventory *inv = make_inventory(n_pkgs, n_names);
	struct kh_asset_list *assets = make_assets(n_assets, n_products);
	struct gen_range *gen = gen_pkg_ranges(n_ranges - n_cpe, n_names);
	struct kh_vuln_findings fs;
	uint64_t t0, t1, t2;

	if (db == NULL || ranges == NULL || inv == NULL || assets == NULL || gen == NULL) {
		fprintf(stderr, "bench_vuln: out of memory\n");
		return 2;
	}
	kh_vuln_findings_init(&fs);
	t0 = kh_time_mono_ns();
	if (add_pkg_ranges(db, gen, n_ranges - n_cpe) != KH_OK ||
	    add_cpe_rules(db, ranges, n_cpe, n_products) != KH_OK ||
	    add_facts(db, 100000) != KH_OK) {
		fprintf(stderr, "bench_vuln: building the index failed\n");
		return 2;
	}
	t1 = kh_time_mono_ns();
	if (kh_vuln_match(db, inv, assets, NULL, &fs, NULL) != KH_OK) {
		fprintf(stderr, "bench_vuln: matching failed\n");
		return 2;
	}
	t2 = kh_time_mono_ns();
	printf("ranges %u (package %u, CPE %u), packages %u, assets %u\n", n_ranges,
	       n_ranges - n_cpe, n_cpe, n_pkgs, n_assets);
	printf("index build: %.3f s\n", seconds(t0, t1));
	printf("match:       %.3f s, %zu findings, %.0f findings/s\n", seconds(t1, t2), fs.n,
	       fs.n / (seconds(t1, t2) > 0 ? seconds(t1, t2) : 1e-9));
	printf("wall (build + match): %.3f s\n", seconds(t0, t2));
	kh_vuln_findings_cleanup(&fs);
	kh_asset_list_free(assets);
	kh_inventory_free(inv);
	kh_vuln_db_free(db);
	kh_free(ranges);
	kh_free(gen);
	return 0;
}
