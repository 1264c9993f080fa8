/*
 * test_vuln_load.c — the matcher's index filled from a real feeds store:
 * the fixtures of tests/fixtures/vuln imported with the feeds module, then
 * read back by kh_vuln_db_load. Checks what became of each source: CVE
 * facts joined from KEV, NVD and EPSS; OSV and tracker package rules under
 * the right ecosystem; NVD configurations and CSAF product statuses as
 * asset rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khien/feeds.h"
#include "khien/limits.h"
#include "khien/store.h"
#include "khien/vuln.h"

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

struct fixture {
	char *dir;
	struct kh_store *st;
	struct kh_vuln_db *db;
};

/* Imports the named fixture files; true when every one imported cleanly. */
static bool
import(struct kh_store *st, const char *const *files, size_t n)
{
	const char *fx = getenv("KHIEN_FIXTURES");
	struct kh_feeds_stats stats;
	bool ok = true;
	char *path;

	assert_non_null(fx);
	for (size_t i = 0; i < n; i++) {
		char rel[256];
		snprintf(rel, sizeof(rel), "vuln/%s", files[i]);
		path = kh_path_join(fx, rel);
		assert_non_null(path);
		kh_feeds_stats_init(&stats);
		if (kh_feeds_import_file(st, path, KH_FEEDS_KIND_COUNT_, &stats, NULL) != KH_OK ||
		    stats.n_skipped > 0)
			ok = false;
		kh_feeds_stats_cleanup(&stats);
		kh_free(path);
	}
	return ok;
}

static int
setup(void **state)
{
	static const char *const files[] = { "kev.json", "nvd_appliances.json",
		                             "osv_dsa-5673-1.json", "osv_dsa-5724-1.json",
		                             "debian_tracker.json", "epss.csv",
		                             "csaf_fg-ir-24-029.json" };
	struct fixture *f = kh_calloc(1, sizeof(*f));

	assert_non_null(f);
	kh_lang_set(KH_LANG_EN);
	kh_limits_reset();
	f->dir = kh_strdup("/tmp/khien-vuln-load-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(kh_store_open(f->dir, NULL, &f->st, NULL), KH_OK);
	assert_true(import(f->st, files, sizeof(files) / sizeof(files[0])));
	f->db = kh_vuln_db_new();
	assert_non_null(f->db);
	assert_int_equal(kh_vuln_db_load(f->db, f->st, NULL), KH_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	kh_alloc_fail_after(-1);
	kh_vuln_db_free(f->db);
	kh_store_close(f->st);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	kh_free(f->dir);
	kh_free(f);
	return 0;
}

/* KEV says exploited, ransomware and due; NVD gives the score and date. */
static void
test_facts_joined(void **state)
{
	struct fixture *f = *state;
	const struct kh_vuln_cve_info *i = kh_vuln_db_cve(f->db, "CVE-2024-21762");

	assert_non_null(i);
	assert_true(i->kev && i->ransomware);
	assert_string_equal(i->kev_due_date, "2024-02-16");
	assert_true(i->cvss_score == 9.8);
	assert_string_equal(i->cvss_version, "3.1");
	assert_true(i->epss == 0.94 && i->epss_percentile == 0.999); /* EPSS CSV */
	assert_non_null(i->published);
	assert_true(strncmp(i->published, "2024-02-09", 10) == 0); /* NVD's, not dateAdded */
	i = kh_vuln_db_cve(f->db, "CVE-2023-34048");
	assert_non_null(i);
	assert_true(i->kev && !i->ransomware);
	/* A CVE only an OSV record names still has its advisory date. */
	i = kh_vuln_db_cve(f->db, "CVE-2024-2961");
	assert_non_null(i);
	assert_false(i->kev);
	assert_true(strncmp(i->published, "2024-05-06", 10) == 0);
}

static const struct kh_vuln_pkg_rule *
rule_for(const struct kh_vuln_db *db, const char *advisory, const char *package)
{
	for (size_t i = 0; i < kh_vuln_db_pkg_rule_count(db); i++) {
		const struct kh_vuln_pkg_rule *r = kh_vuln_db_pkg_rule_at(db, i);
		if (strcmp(r->advisory, advisory) == 0 && strcmp(r->package, package) == 0)
			return r;
	}
	return NULL;
}

/* An OSV DSA: one rule for Debian 12's glibc, fixed version and CVE kept. */
static void
test_osv_rules(void **state)
{
	struct fixture *f = *state;
	const struct kh_vuln_pkg_rule *r = rule_for(f->db, "DSA-5673-1", "glibc");
	char *fixed = NULL;
	bool affected;

	assert_non_null(r);
	assert_string_equal(r->ecosystem, "Debian:12");
	assert_string_equal(r->source, "osv");
	assert_int_equal(r->scheme, KH_VERSION_DPKG);
	assert_int_equal(r->n_cves, 1);
	assert_string_equal(r->cves[0], "CVE-2024-2961");
	assert_int_equal(kh_vuln_pkg_rule_eval(r, "2.36-9+deb12u4", &affected, &fixed, NULL, NULL),
	                 KH_OK);
	assert_true(affected);
	assert_string_equal(fixed, "2.36-9+deb12u7");
	kh_free(fixed);
	assert_int_equal(kh_vuln_pkg_rule_eval(r, "2.36-9+deb12u7", &affected, NULL, NULL, NULL),
	                 KH_OK);
	assert_false(affected);
}

/* Tracker entries: per release, named by the CVE, codename → number. */
static void
test_tracker_rules(void **state)
{
	struct fixture *f = *state;
	const struct kh_vuln_pkg_rule *r = rule_for(f->db, "CVE-2024-5535", "openssl");
	char *fixed = NULL;
	bool affected;
	size_t releases = 0;

	assert_non_null(r);
	assert_string_equal(r->source, "debian-tracker");
	for (size_t i = 0; i < kh_vuln_db_pkg_rule_count(f->db); i++) {
		const struct kh_vuln_pkg_rule *x = kh_vuln_db_pkg_rule_at(f->db, i);
		if (strcmp(x->advisory, "CVE-2024-5535") == 0)
			releases |= strcmp(x->ecosystem, "Debian:12") == 0 ? 1 :
			            strcmp(x->ecosystem, "Debian:11") == 0 ? 2 : 4;
	}
	assert_int_equal(releases, 3); /* bookworm and bullseye, nothing else */
	/* fixed_version "0": never affected. */
	r = rule_for(f->db, "CVE-2024-3094", "xz-utils");
	assert_non_null(r);
	assert_int_equal(kh_vuln_pkg_rule_eval(r, "5.4.1-0.2", &affected, NULL, NULL, NULL), KH_OK);
	assert_false(affected);
	/* open: every version, no fix. */
	r = rule_for(f->db, "CVE-2023-45853", "zlib");
	assert_non_null(r);
	assert_int_equal(kh_vuln_pkg_rule_eval(r, "1:1.2.13.dfsg-1", &affected, &fixed, NULL,
	                                       NULL), KH_OK);
	assert_true(affected);
	assert_null(fixed);
}

/* Every NVD record with a configuration is one asset rule; the CSAF one too. */
static void
test_asset_rules(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(kh_vuln_db_cpe_rule_count(f->db), 6);
	assert_true(kh_vuln_db_cve(f->db, "CVE-2024-23113")->cvss_score == 9.8); /* CSAF score */
}

/* Package advisories are read for the inventory's distribution only. */
static void
test_load_for_ecosystem(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *ecosystem;
		bool has_packages;
	} cases[] = { { "Debian:12", true }, { "Debian:11", true }, { "Alpine:v3.19", false },
		      { "", false } };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kh_vuln_db *db = kh_vuln_db_new();
		assert_non_null(db);
		assert_int_equal(kh_vuln_db_load_for(db, f->st, cases[i].ecosystem, NULL), KH_OK);
		/* all Debian releases: 7 tracker entries (+1 for bullseye) and 2 DSAs */
		assert_int_equal(kh_vuln_db_pkg_rule_count(db), cases[i].has_packages ? 10 : 0);
		assert_int_equal(kh_vuln_db_cpe_rule_count(db), 6);
		assert_non_null(kh_vuln_db_cve(db, "CVE-2024-21762"));
		kh_vuln_db_free(db);
	}
	assert_int_equal(kh_vuln_db_pkg_rule_count(f->db), 10);
}

/* National warnings: CVE facts (number, deadline) and rules for both kinds. */
static void
test_warnings(void **state)
{
	struct fixture *f = *state;
	static const char *const cves[] = { "CVE-2024-26011" };
	static const char *const zlib_cves[] = { "CVE-2023-45853" };
	struct kh_feeds_warning_input appliance = {
		.number = "1234/CATTT-NCSC", .date = "2026-11-20", .issuer = "Cục An toàn thông tin",
		.cves = cves, .n_cves = 1, .vendor = "fortinet", .product = "fortios",
		.affected = ">=7.2.0 <7.2.5", .fixed = "7.2.5", .deadline = "2026-12-05" };
	struct kh_feeds_warning_input package = {
		.number = "88/STTTT", .date = "2026-11-21", .issuer = "Sở TT&TT", .cves = zlib_cves,
		.n_cves = 1, .ecosystem = "Debian:12", .package = "zlib", .deadline = "2026-12-01" };
	const struct kh_vuln_cve_info *i;
	const struct kh_vuln_pkg_rule *r;
	struct kh_vuln_db *db = kh_vuln_db_new();
	bool affected;

	assert_non_null(db);
	assert_int_equal(kh_feeds_add_warning(f->st, &appliance, NULL), KH_OK);
	assert_int_equal(kh_feeds_add_warning(f->st, &package, NULL), KH_OK);
	assert_int_equal(kh_vuln_db_load_for(db, f->st, "Debian:12", NULL), KH_OK);
	i = kh_vuln_db_cve(db, "CVE-2024-26011");
	assert_non_null(i);
	assert_string_equal(i->warning_id, "1234/CATTT-NCSC");
	assert_string_equal(i->warning_deadline, "2026-12-05");
	assert_false(i->kev);
	i = kh_vuln_db_cve(db, "CVE-2023-45853");
	assert_string_equal(i->warning_id, "88/STTTT");
	assert_int_equal(kh_vuln_db_cpe_rule_count(db), 7); /* + the FortiOS warning */
	r = rule_for(db, "88/STTTT", "zlib");
	assert_non_null(r);
	assert_string_equal(r->source, "warning");
	assert_int_equal(kh_vuln_pkg_rule_eval(r, "1:1.2.13.dfsg-1", &affected, NULL, NULL, NULL),
	                 KH_OK);
	assert_true(affected); /* no versions given: every version */
	kh_vuln_db_free(db);
}

/* Loading fails cleanly when memory runs out at any point. */
static void
test_load_alloc_failures(void **state)
{
	struct fixture *f = *state;
	struct kh_vuln_db *db;
	enum kh_err r;
	long n;

	for (n = 0;; n += 7) {
		kh_alloc_fail_after(n);
		db = kh_vuln_db_new();
		r = db == NULL ? KH_ENOMEM : kh_vuln_db_load(db, f->st, NULL);
		kh_alloc_fail_after(-1);
		kh_vuln_db_free(db);
		if (r == KH_OK)
			break;
		assert_int_equal(r, KH_ENOMEM);
	}
	assert_true(n > 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_facts_joined, setup, teardown),
		cmocka_unit_test_setup_teardown(test_osv_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tracker_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_asset_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_for_ecosystem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_alloc_failures, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
