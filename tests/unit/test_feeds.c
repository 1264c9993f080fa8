/*
 * test_feeds.c — the feed parsers (KEV, NVD, OSV, CSAF, Debian tracker,
 * EPSS, warnings), format detection, range evaluation per ecosystem
 * scheme and the store, with hand-checked expectations on our fixtures;
 * malformed input and allocation failures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "khien/feeds.h"
#include "khien/store.h"

/* ---- helpers ------------------------------------------------------------ */

static char *
fixture(const char *name)
{
	const char *dir = getenv("KHIEN_FIXTURES");
	char path[1024];

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/feeds/%s", dir, name);
	return kh_strdup(path);
}

static struct kh_buf *
read_fixture(const char *name)
{
	struct kh_buf *raw = NULL;
	struct kh_diag d;
	char *path = fixture(name);

	kh_diag_clear(&d);
	if (kh_file_read(path, 1 << 26, NULL, 0, &raw, &d) != KH_OK)
		fail_msg("%s: %s", path, d.msg);
	kh_free(path);
	return raw;
}

/* Parses a fixture of a kind into set; checks record and skip counts. */
static void
parse_fixture(const char *name, enum kh_feeds_kind kind, struct kh_feeds_set *set,
              size_t want_records, size_t want_skipped)
{
	struct kh_buf *raw = read_fixture(name);
	struct kh_feeds_stats st;
	struct kh_diag d;
	enum kh_err r;

	kh_feeds_set_init(set);
	kh_feeds_stats_init(&st);
	kh_diag_clear(&d);
	r = kh_feeds_parse_to_set(kind, kh_buf_cur(raw), name, set, &st, &d);
	if (r != KH_OK)
		fail_msg("%s: %s", name, d.msg);
	if (st.n_records != want_records || st.n_skipped != want_skipped)
		fail_msg("%s: %zu records, %zu skipped (want %zu, %zu)", name, st.n_records,
		         st.n_skipped, want_records, want_skipped);
	assert_int_equal(st.n_skips, st.n_skipped);
	for (size_t i = 0; i < st.n_skips; i++) {
		assert_non_null(strstr(st.skips[i].where, name)); /* names the file */
		assert_true(st.skips[i].reason[0] != '\0');
	}
	kh_feeds_stats_cleanup(&st);
	kh_buf_free(raw);
}

static const struct kh_feeds_advisory *
find(const struct kh_feeds_set *set, enum kh_feeds_kind kind, const char *id)
{
	const struct kh_feeds_advisory *a = kh_feeds_set_find(set, kind, id);

	if (a == NULL)
		fail_msg("no %s advisory %s", kh_feeds_kind_name(kind), id);
	return a;
}

static const struct kh_feeds_affected *
affected_of(const struct kh_feeds_advisory *a, const char *ecosystem)
{
	for (size_t i = 0; i < a->n_affected; i++)
		if (strcmp(a->affected[i].ecosystem, ecosystem) == 0)
			return &a->affected[i];
	fail_msg("%s: no affected entry for %s", a->id, ecosystem);
	return NULL;
}

/* Expects affected/fixed for a version under the ecosystem's scheme. */
static void
expect(const struct kh_feeds_affected *aff, const char *version, bool want, const char *want_fixed)
{
	enum kh_version_scheme scheme = KH_VERSION_GENERIC;
	const char *fixed = NULL;
	struct kh_buf why;
	struct kh_diag d;
	bool hit;

	assert_int_equal(kh_feeds_ecosystem_scheme(aff->ecosystem, &scheme), KH_OK);
	kh_buf_init(&why, 0);
	kh_diag_clear(&d);
	if (kh_feeds_affected_eval(aff, scheme, version, &hit, &fixed, &why, &d) != KH_OK)
		fail_msg("%s %s: %s", aff->package, version, d.msg);
	if (hit != want)
		fail_msg("%s %s %s: affected %d, want %d (%s)", aff->ecosystem, aff->package, version,
		         hit, want, kh_buf_str(&why));
	if (want_fixed == NULL)
		assert_null(fixed);
	else if (fixed == NULL || strcmp(fixed, want_fixed) != 0)
		fail_msg("%s %s: fixed %s, want %s", aff->package, version, fixed ? fixed : "(none)",
		         want_fixed);
	assert_true(why.len > 0);
	kh_buf_cleanup(&why);
}

/* ---- KEV ------------------------------------------------------------------ */

static void
test_kev(void **state)
{
	struct kh_feeds_set set;
	const struct kh_feeds_advisory *a;

	(void)state;
	/* 5 entries: a bad date (2024-02-30) and a missing cveID are skipped */
	parse_fixture("kev_small.json", KH_FEEDS_KEV, &set, 3, 2);
	a = find(&set, KH_FEEDS_KEV, "CVE-2024-21762");
	assert_true(a->kev);
	assert_true(a->ransomware); /* knownRansomwareCampaignUse "Known" */
	assert_string_equal(a->kev_due_date, "2024-02-16");
	assert_string_equal(a->kev_date_added, "2024-02-09");
	assert_string_equal(a->kev_vendor, "Fortinet");
	assert_string_equal(a->kev_product, "FortiOS");
	assert_non_null(strstr(a->kev_required_action, "Apply mitigations"));
	assert_int_equal(a->n_cwes, 1);
	assert_string_equal(a->cwes[0], "CWE-787");
	a = find(&set, KH_FEEDS_KEV, "CVE-2024-0519");
	assert_true(a->kev);
	assert_false(a->ransomware); /* "Unknown" */
	assert_true(kh_feeds_advisory_has_cve(a, "cve-2024-0519"));
	kh_feeds_set_cleanup(&set);
}

static void
test_kev_shared(void **state)
{
	const char *data = getenv("KHIEN_SHARED_DATA");
	struct kh_feeds_stats st;
	struct kh_feeds_set set;
	struct kh_buf *raw = NULL;
	struct kh_diag d;
	char path[1024];
	size_t known = 0;
	uint64_t t0;

	(void)state;
	snprintf(path, sizeof(path), "%s/feeds/kev.json", data != NULL ? data : "/nonexistent");
	if (data == NULL || kh_file_read(path, 1 << 26, NULL, 0, &raw, NULL) != KH_OK) {
		print_message("skipped: %s not found (KHIEN_SHARED_DATA)\n", path);
		skip();
	}
	kh_feeds_set_init(&set);
	kh_feeds_stats_init(&st);
	kh_diag_clear(&d);
	t0 = kh_time_mono_ns();
	assert_int_equal(kh_feeds_parse_to_set(KH_FEEDS_KEV, kh_buf_cur(raw), path, &set, &st, &d), KH_OK);
	print_message("KEV: %zu records in %.1f ms\n", st.n_records, (kh_time_mono_ns() - t0) / 1e6);
	/* catalogVersion 2025.08.25: 1404 entries, 293 with known ransomware use
	 * (counted with python3 json on the same file) */
	assert_int_equal(st.n_records, 1404);
	assert_int_equal(st.n_skipped, 0);
	for (size_t i = 0; i < set.n; i++)
		known += set.items[i]->ransomware;
	assert_int_equal(known, 293);
	assert_true(find(&set, KH_FEEDS_KEV, "CVE-2024-21762")->ransomware);
	kh_feeds_set_cleanup(&set);
	kh_feeds_stats_cleanup(&st);
	kh_buf_free(raw);
}

/* ---- NVD ------------------------------------------------------------------ */

static void
test_nvd(void **state)
{
	struct kh_feeds_set set;
	const struct kh_feeds_advisory *a;
	const struct kh_feeds_cvss *best;

	(void)state;
	parse_fixture("nvd_fortios.json", KH_FEEDS_NVD, &set, 1, 0);
	a = find(&set, KH_FEEDS_NVD, "CVE-2024-21762");
	assert_non_null(strstr(a->summary, "out-of-bounds write")); /* the English text */
	assert_string_equal(a->published, "2024-02-09T09:15:08.087");
	assert_int_equal(a->n_cvss, 2);
	best = kh_feeds_advisory_best_cvss(a);
	assert_string_equal(best->version, "3.1");
	assert_true(best->score > 9.79 && best->score < 9.81);
	assert_string_equal(best->severity, "CRITICAL");
	/* CWE-787 kept, NVD-CWE-Other is not a CWE */
	assert_int_equal(a->n_cwes, 1);
	assert_string_equal(a->cwes[0], "CWE-787");
	assert_int_equal(a->configs.n, 1);
	assert_int_equal(a->configs.items[0].n_nodes, 1);
	assert_int_equal(a->configs.items[0].nodes[0].n_matches, 7);
	assert_string_equal(a->configs.items[0].nodes[0].matches[3].version_end_excluding, "7.0.14");
	assert_int_equal(a->n_references, 1);
	kh_feeds_set_cleanup(&set);

	/* an API page: a non-CVE id, an XOR operator and a short CPE are skipped */
	parse_fixture("nvd_page.json", KH_FEEDS_NVD, &set, 2, 3);
	a = find(&set, KH_FEEDS_NVD, "CVE-2023-50001");
	best = kh_feeds_advisory_best_cvss(a);
	assert_string_equal(best->version, "4.0");
	assert_int_equal(a->configs.items[0].op, KH_CPE_OP_AND);
	assert_true(a->configs.items[1].nodes[1].negate);
	kh_feeds_set_cleanup(&set);
}

static void
test_nvd_shared(void **state)
{
	const char *data = getenv("KHIEN_SHARED_DATA");
	static const char *const files[] = {
		"CVE-2022-40684.json", "CVE-2023-23397.json", "CVE-2024-0519.json", "CVE-2024-21762.json",
	};
	struct kh_feeds_set set;
	struct kh_feeds_stats st;
	struct kh_cpe t;
	struct kh_cpe_eval_result res;
	char path[1024];

	(void)state;
	if (data == NULL) {
		print_message("skipped: KHIEN_SHARED_DATA not set\n");
		skip();
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct kh_buf *raw = NULL;
		snprintf(path, sizeof(path), "%s/feeds/nvd/%s", data, files[i]);
		if (kh_file_read(path, 1 << 26, NULL, 0, &raw, NULL) != KH_OK) {
			print_message("skipped: %s not found\n", path);
			skip();
		}
		kh_feeds_set_init(&set);
		kh_feeds_stats_init(&st);
		assert_int_equal(kh_feeds_parse_to_set(KH_FEEDS_NVD, kh_buf_cur(raw), path, &set, &st, NULL), KH_OK);
		assert_int_equal(st.n_records, 1);
		assert_true(set.items[0]->configs.n > 0);
		if (strcmp(files[i], "CVE-2024-21762.json") == 0) {
			/* the real record: FortiOS 7.0.13 vulnerable, fixed in 7.0.14 */
			assert_int_equal(kh_cpe_parse("cpe:2.3:o:fortinet:fortios:7.0.13:*:*:*:*:*:*:*", &t, NULL), KH_OK);
			assert_int_equal(kh_cpe_config_eval(&set.items[0]->configs, &t, 1, NULL, NULL, &res, NULL), KH_OK);
			assert_true(res.vulnerable);
			assert_string_equal(res.fixed_version, "7.0.14");
			kh_cpe_cleanup(&t);
		}
		kh_feeds_set_cleanup(&set);
		kh_feeds_stats_cleanup(&st);
		kh_buf_free(raw);
	}
}

/* ---- OSV ------------------------------------------------------------------ */

static void
test_osv_dpkg(void **state)
{
	struct kh_feeds_set set;
	const struct kh_feeds_advisory *a;
	const struct kh_feeds_affected *aff;

	(void)state;
	/* no events, an event with two keys, and a record without id are skipped */
	parse_fixture("osv_mixed.json", KH_FEEDS_OSV, &set, 2, 3);
	a = find(&set, KH_FEEDS_OSV, "DSA-5678-1");
	assert_int_equal(a->n_cves, 1);
	assert_string_equal(a->cves[0], "CVE-2024-2961");
	aff = affected_of(a, "Debian:12");
	assert_string_equal(aff->package, "glibc");
	assert_string_equal(aff->release, "12");
	expect(aff, "2.36-9+deb12u4", true, "2.36-9+deb12u6");
	expect(aff, "2.36-9+deb12u6", false, NULL);
	expect(aff, "2.36-9+deb12u10", false, NULL); /* dpkg: u10 > u6 */
	/* Debian:11 has a versions list too */
	aff = affected_of(a, "Debian:11");
	expect(aff, "2.31-13+deb11u7", true, NULL);
	expect(aff, "2.31-13+deb11u8", true, NULL);
	expect(aff, "2.31-13+deb11u9", false, NULL);
	/* Ubuntu: last_affected is included, CVE from "upstream" */
	a = find(&set, KH_FEEDS_OSV, "UBUNTU-CVE-2024-6387");
	assert_string_equal(a->cves[0], "CVE-2024-6387");
	aff = affected_of(a, "Ubuntu:22.04:LTS");
	expect(aff, "1:8.9p1-3ubuntu0.9", true, NULL);
	expect(aff, "1:8.9p1-3ubuntu0.10", false, NULL);
	expect(aff, "1:8.4p1-5", false, NULL); /* before introduced */
	expect(aff, "1:8.5p1-1", true, NULL);  /* introduced is included */
	kh_feeds_set_cleanup(&set);
}

static void
test_osv_apk_rpm_semver(void **state)
{
	struct kh_feeds_set set;
	const struct kh_feeds_advisory *a;
	const struct kh_feeds_affected *aff;
	enum kh_version_scheme s;

	(void)state;
	parse_fixture("osv_alpine.json", KH_FEEDS_OSV, &set, 1, 0);
	aff = affected_of(set.items[0], "Alpine:v3.18");
	expect(aff, "3.0.9-r0", false, NULL);
	expect(aff, "3.1.3-r0", true, "3.1.4-r1");
	expect(aff, "3.1.4-r1", false, NULL);
	expect(aff, "3.1.5-r2", true, NULL);  /* reopened, bounded by limit */
	expect(aff, "3.1.6-r0", false, NULL); /* limit excludes */
	kh_feeds_set_cleanup(&set);

	parse_fixture("osv_almalinux.json", KH_FEEDS_OSV, &set, 1, 0);
	a = set.items[0];
	/* no alias names a CVE: "related" ones are taken */
	assert_int_equal(a->n_cves, 2);
	assert_true(kh_feeds_advisory_has_cve(a, "CVE-2024-0567"));
	aff = affected_of(a, "AlmaLinux:9");
	expect(aff, "3.7.6-21.el9_2", true, "3.7.6-23.el9_3.3");
	expect(aff, "3.7.6-23.el9_3.3", false, NULL);
	expect(aff, "3.8.3-1.el9", false, NULL);
	kh_feeds_set_cleanup(&set);

	parse_fixture("osv_npm.json", KH_FEEDS_OSV, &set, 1, 0);
	aff = affected_of(set.items[0], "npm");
	expect(aff, "1.2.0", true, "1.3.1");  /* SEMVER range; the GIT range is ignored */
	expect(aff, "1.3.1", false, NULL);
	expect(aff, "0.9.0", false, NULL);
	/* PyPI is read but has no scheme we order by */
	aff = affected_of(set.items[0], "PyPI");
	assert_int_equal(aff->n_versions, 2);
	assert_int_equal(kh_feeds_ecosystem_scheme("PyPI", &s), KH_EUNSUPPORTED);
	assert_int_equal(kh_feeds_ecosystem_scheme("Rocky Linux:9", &s), KH_OK);
	assert_int_equal(s, KH_VERSION_RPM);
	assert_int_equal(kh_feeds_ecosystem_scheme("Debian", &s), KH_OK);
	assert_int_equal(s, KH_VERSION_DPKG);
	assert_int_equal(kh_feeds_ecosystem_scheme("DebianX", &s), KH_EUNSUPPORTED);
	kh_feeds_set_cleanup(&set);
}

/* ---- CSAF ------------------------------------------------------------------ */

static void
test_csaf(void **state)
{
	struct kh_feeds_set set;
	const struct kh_feeds_advisory *a;
	const struct kh_feeds_product_status *p;

	(void)state;
	parse_fixture("csaf_fortios.json", KH_FEEDS_CSAF, &set, 1, 0);
	a = find(&set, KH_FEEDS_CSAF, "FG-IR-22-398");
	assert_string_equal(a->source, "csaf:Fortinet PSIRT");
	assert_string_equal(a->tracking_version, "2");
	assert_string_equal(a->tracking_status, "final");
	assert_string_equal(a->published, "2022-12-12T00:00:00Z");
	assert_string_equal(a->modified, "2023-01-11T00:00:00Z");
	assert_non_null(strstr(a->summary, "heap overflow"));
	assert_int_equal(a->n_products, 5);
	assert_string_equal(a->cves[0], "CVE-2022-42475");
	assert_string_equal(a->cwes[0], "CWE-122");
	assert_true(kh_feeds_advisory_best_cvss(a)->score > 9.7);

	p = kh_feeds_csaf_status(a, "FOS-7.2.2", "CVE-2022-42475");
	assert_non_null(p);
	assert_int_equal(p->status, KH_FEEDS_ST_KNOWN_AFFECTED);
	assert_true(kh_feeds_status_is_affected(p->status));
	assert_string_equal(p->name, "FortiOS 7.2.2");
	assert_string_equal(p->cpe, "cpe:2.3:o:fortinet:fortios:7.2.2:*:*:*:*:*:*:*");
	assert_string_equal(p->fix_url, "https://docs.fortinet.com/upgrade-tool");
	/* a relationship product inherits the component's CPE */
	p = kh_feeds_csaf_status(a, "FOS-7.2.2-ON-FMG", NULL);
	assert_int_equal(p->status, KH_FEEDS_ST_KNOWN_AFFECTED);
	assert_string_equal(p->name, "FortiOS 7.2.2 managed by FortiManager");
	assert_string_equal(p->cpe, "cpe:2.3:o:fortinet:fortios:7.2.2:*:*:*:*:*:*:*");
	assert_null(p->fix_url);
	p = kh_feeds_csaf_status(a, "FOS-7.2.3", NULL);
	assert_int_equal(p->status, KH_FEEDS_ST_FIXED);
	assert_string_equal(kh_feeds_status_name(p->status), "fixed");
	assert_string_equal(p->fixed_version, "7.2.3"); /* its product_version branch */
	p = kh_feeds_csaf_status(a, "FOS-6.0.16", NULL);
	assert_int_equal(p->status, KH_FEEDS_ST_KNOWN_NOT_AFFECTED);
	assert_null(p->cpe);
	p = kh_feeds_csaf_status(a, "FMG", NULL);
	assert_int_equal(p->status, KH_FEEDS_ST_KNOWN_NOT_AFFECTED);
	assert_string_equal(p->purl, "pkg:generic/fortinet/fortimanager");
	assert_null(kh_feeds_csaf_status(a, "FOS-7.2.2", "CVE-2000-0001"));
	assert_null(kh_feeds_csaf_status(a, "NOPE", NULL));
	kh_feeds_set_cleanup(&set);

	/* a product id used but never defined (CSAF 6.1.1): skipped */
	parse_fixture("csaf_undefined_product.json", KH_FEEDS_CSAF, &set, 0, 1);
	kh_feeds_set_cleanup(&set);
}

/* ---- Debian tracker ------------------------------------------------------ */

static void
test_debian_tracker(void **state)
{
	struct kh_feeds_set set;
	const struct kh_feeds_advisory *a;
	const struct kh_feeds_affected *aff;

	(void)state;
	/* a release that is not an object, and a package that is not one, are skipped */
	parse_fixture("debian_tracker.json", KH_FEEDS_DEBIAN, &set, 3, 2);
	a = find(&set, KH_FEEDS_DEBIAN, "glibc/CVE-2024-2961");
	assert_int_equal(a->n_cves, 1);
	assert_int_equal(a->n_affected, 3);
	aff = affected_of(a, "Debian:12");
	assert_string_equal(aff->release, "bookworm");
	assert_string_equal(aff->status, "resolved");
	assert_string_equal(aff->fixed_version, "2.36-9+deb12u6");
	expect(aff, "2.36-9+deb12u5", true, "2.36-9+deb12u6");
	expect(aff, "2.36-9+deb12u6", false, NULL);
	aff = affected_of(a, "Debian:11");
	expect(aff, "2.31-13+deb11u8", true, "2.31-13+deb11u9");
	(void)affected_of(a, "Debian:sid");
	a = find(&set, KH_FEEDS_DEBIAN, "glibc/TEMP-0000000-ABCDEF");
	assert_int_equal(a->n_cves, 0); /* TEMP ids are not CVEs */
	a = find(&set, KH_FEEDS_DEBIAN, "openssh/CVE-2024-6387");
	aff = affected_of(a, "Debian:12");
	assert_string_equal(aff->urgency, "high");
	expect(aff, "1:9.2p1-2+deb12u2", true, "1:9.2p1-2+deb12u3");
	expect(aff, "1:9.2p1-2+deb12u3", false, NULL);
	aff = affected_of(a, "Debian:11"); /* fixed_version "0": never affected */
	expect(aff, "1:8.4p1-5+deb11u1", false, NULL);
	aff = affected_of(a, "Debian:13"); /* open, no fix yet */
	assert_string_equal(aff->status, "open");
	expect(aff, "1:9.7p1-5", true, NULL);
	kh_feeds_set_cleanup(&set);
}

/* ---- EPSS and warnings -------------------------------------------------- */

static void
test_epss(void **state)
{
	struct kh_feeds_set set;

	(void)state;
	/* a bad id, 1.5, -0.1 and a missing column are skipped */
	parse_fixture("epss.csv", KH_FEEDS_EPSS, &set, 3, 4);
	assert_int_equal(set.n_epss, 3);
	assert_string_equal(set.epss[0].cve, "CVE-2024-21762");
	assert_true(set.epss[0].epss > 0.95121 && set.epss[0].epss < 0.95123);
	assert_true(set.epss[0].percentile > 0.9932 && set.epss[0].percentile < 0.9933);
	assert_string_equal(set.epss_score_date, "2024-02-20T00:00:00+0000");
	kh_feeds_set_cleanup(&set);
}

static void
test_warnings(void **state)
{
	struct kh_feeds_set set;
	const struct kh_feeds_advisory *a;
	const struct kh_feeds_affected *aff;

	(void)state;
	/* month 13 and an empty CVE list are skipped */
	parse_fixture("warnings.json", KH_FEEDS_WARNING, &set, 2, 2);
	a = find(&set, KH_FEEDS_WARNING, "1234/CATTT-NCSC");
	assert_string_equal(a->issuer, "Cục An toàn thông tin");
	assert_string_equal(a->source, "warning:Cục An toàn thông tin");
	assert_string_equal(a->deadline, "2024-02-20");
	assert_string_equal(a->published, "2024-02-12");
	aff = affected_of(a, "cpe");
	assert_string_equal(aff->package, "fortinet:fortios");
	expect(aff, "7.0.13", true, "7.0.14");
	expect(aff, "7.1.0", false, NULL);
	expect(aff, "7.2.6", true, "7.2.7");
	expect(aff, "7.2.7", false, NULL);
	expect(aff, "6.4.0", false, NULL);
	a = find(&set, KH_FEEDS_WARNING, "56/STTTT-BCVT");
	aff = affected_of(a, "Debian:12");
	expect(aff, "1:9.2p1-2+deb12u2", true, "1:9.2p1-2+deb12u3");
	kh_feeds_set_cleanup(&set);

	/* the CSV form: quoted commas; a missing issuer and an open quote are skipped */
	parse_fixture("warnings.csv", KH_FEEDS_WARNING, &set, 2, 2);
	a = find(&set, KH_FEEDS_WARNING, "1234/CATTT-NCSC");
	assert_string_equal(a->title, "Lỗ hổng FortiOS, nghiêm trọng");
	a = find(&set, KH_FEEDS_WARNING, "88/STTTT");
	assert_int_equal(a->n_cves, 2);
	aff = affected_of(a, "cpe");
	expect(aff, "121.0.6167.85", true, "122.0.6261.57");
	expect(aff, "122.0.6261.57", false, NULL);
	kh_feeds_set_cleanup(&set);
}

static void
test_warning_input(void **state)
{
	const char *cves[] = { "CVE-2024-21762" };
	struct kh_feeds_warning_input in = {
		.number = "12/CATTT", .date = "2024-02-12", .issuer = "Cục ATTT", .cves = cves,
		.n_cves = 1, .vendor = "fortinet", .product = "fortios", .affected = "<7.0.14",
		.deadline = "2024-02-20",
	};
	struct kh_diag d;
	char *json = NULL;

	(void)state;
	assert_int_equal(kh_feeds_warning_record(&in, &json, &d), KH_OK);
	assert_non_null(strstr(json, "\"number\":\"12/CATTT\""));
	kh_free(json);
	in.deadline = "2024-02-31";
	kh_diag_clear(&d);
	assert_int_equal(kh_feeds_warning_record(&in, &json, &d), KH_EFORMAT);
	assert_non_null(strstr(d.msg, "deadline"));
	in.deadline = NULL;
	in.affected = ">7.0";
	assert_int_equal(kh_feeds_warning_record(&in, &json, &d), KH_EFORMAT);
	in.affected = NULL;
	in.product = NULL; /* vendor without product */
	assert_int_equal(kh_feeds_warning_record(&in, &json, &d), KH_EFORMAT);
	assert_null(json);
}

/* ---- detection and malformed input -------------------------------------- */

static void
test_detect(void **state)
{
	static const struct { const char *file; enum kh_feeds_kind kind; } cases[] = {
		{ "kev_small.json", KH_FEEDS_KEV },       { "nvd_fortios.json", KH_FEEDS_NVD },
		{ "nvd_page.json", KH_FEEDS_NVD },        { "osv_mixed.json", KH_FEEDS_OSV },
		{ "nvd_and_negate.json", KH_FEEDS_NVD },
		{ "osv_alpine.json", KH_FEEDS_OSV },      { "csaf_fortios.json", KH_FEEDS_CSAF },
		{ "debian_tracker.json", KH_FEEDS_DEBIAN }, { "epss.csv", KH_FEEDS_EPSS },
		{ "warnings.json", KH_FEEDS_WARNING },    { "warnings.csv", KH_FEEDS_WARNING },
	};
	enum kh_feeds_kind k;
	struct kh_diag d;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kh_buf *raw = read_fixture(cases[i].file);
		kh_diag_clear(&d);
		if (kh_feeds_detect(kh_buf_cur(raw), cases[i].file, &k, &d) != KH_OK)
			fail_msg("%s: %s", cases[i].file, d.msg);
		if (k != cases[i].kind)
			fail_msg("%s: detected %s", cases[i].file, kh_feeds_kind_name(k));
		kh_buf_free(raw);
	}
	assert_int_equal(kh_feeds_detect(kh_cur_from_str("{\"a\":1}"), "x", &k, &d), KH_EFORMAT);
	assert_int_equal(kh_feeds_detect(kh_cur_from_str("hello"), "x", &k, &d), KH_EFORMAT);
	assert_int_equal(kh_feeds_detect(kh_cur_from_str("{\"a\":"), "x", &k, &d), KH_EFORMAT);
	assert_int_equal(kh_feeds_detect(kh_cur_from_str(""), "x", &k, &d), KH_EFORMAT);
}

/* Every prefix of every fixture parses or fails cleanly, never crashes. */
static void
test_truncated(void **state)
{
	static const struct { const char *file; enum kh_feeds_kind kind; } cases[] = {
		{ "kev_small.json", KH_FEEDS_KEV },   { "nvd_page.json", KH_FEEDS_NVD },
		{ "osv_mixed.json", KH_FEEDS_OSV },   { "csaf_fortios.json", KH_FEEDS_CSAF },
		{ "debian_tracker.json", KH_FEEDS_DEBIAN }, { "epss.csv", KH_FEEDS_EPSS },
		{ "warnings.csv", KH_FEEDS_WARNING },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kh_buf *raw = read_fixture(cases[i].file);
		for (size_t n = 0; n < raw->len; n += 97) {
			struct kh_feeds_set set;
			struct kh_feeds_stats st;
			enum kh_err r;
			kh_feeds_set_init(&set);
			kh_feeds_stats_init(&st);
			r = kh_feeds_parse_to_set(cases[i].kind, kh_cur_make(raw->data, n), "t", &set, &st, NULL);
			assert_true(r == KH_OK || r == KH_EFORMAT);
			kh_feeds_set_cleanup(&set);
			kh_feeds_stats_cleanup(&st);
		}
		kh_buf_free(raw);
	}
}

/* Allocation failures anywhere end in KH_ENOMEM or a skip, never a leak. */
static void
test_alloc_failures(void **state)
{
	static const struct { const char *file; enum kh_feeds_kind kind; } cases[] = {
		{ "kev_small.json", KH_FEEDS_KEV },   { "nvd_page.json", KH_FEEDS_NVD },
		{ "osv_mixed.json", KH_FEEDS_OSV },   { "csaf_fortios.json", KH_FEEDS_CSAF },
		{ "debian_tracker.json", KH_FEEDS_DEBIAN }, { "warnings.json", KH_FEEDS_WARNING },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kh_buf *raw = read_fixture(cases[i].file);
		bool done = false;
		for (long n = 0; n < 5000 && !done; n++) {
			struct kh_feeds_set set;
			struct kh_feeds_stats st;
			enum kh_err r;
			kh_feeds_set_init(&set);
			kh_feeds_stats_init(&st);
			kh_alloc_fail_after(n);
			r = kh_feeds_parse_to_set(cases[i].kind, kh_buf_cur(raw), "t", &set, &st, NULL);
			kh_alloc_fail_after(-1);
			assert_true(r == KH_OK || r == KH_ENOMEM);
			done = r == KH_OK && st.n_skipped == 0 ? true : done;
			if (r == KH_OK && n > 2000)
				done = true;
			kh_feeds_set_cleanup(&set);
			kh_feeds_stats_cleanup(&st);
		}
		kh_buf_free(raw);
	}
}

/* ---- the store ------------------------------------------------------------ */

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
import(struct kh_store *st, const char *name, size_t want_records)
{
	struct kh_feeds_stats stats;
	struct kh_diag d;
	char *path = fixture(name);

	kh_feeds_stats_init(&stats);
	kh_diag_clear(&d);
	if (kh_feeds_import_file(st, path, KH_FEEDS_KIND_COUNT_, &stats, &d) != KH_OK)
		fail_msg("%s: %s", name, d.msg);
	assert_int_equal(stats.n_records, want_records);
	kh_feeds_stats_cleanup(&stats);
	kh_free(path);
}

static size_t
load_count(struct kh_store *st, const struct kh_feeds_filter *f)
{
	struct kh_feeds_set set;
	struct kh_diag d;
	size_t n;

	kh_feeds_set_init(&set);
	kh_diag_clear(&d);
	if (kh_feeds_load(st, f, &set, &d) != KH_OK)
		fail_msg("load: %s", d.msg);
	n = set.n;
	kh_feeds_set_cleanup(&set);
	return n;
}

static void
test_store(void **state)
{
	char dir[] = "/tmp/khien-feeds-XXXXXX";
	struct kh_store *st = NULL;
	size_t counts[KH_FEEDS_KIND_COUNT_];
	struct kh_feeds_filter f;
	struct kh_feeds_set set;
	struct kh_feeds_epss e;
	struct kh_diag d;

	(void)state;
	assert_non_null(mkdtemp(dir));
	kh_diag_clear(&d);
	if (kh_store_open(dir, NULL, &st, &d) != KH_OK)
		fail_msg("open: %s", d.msg);
	assert_true(kh_store_schema_version(st) >= 3);
	import(st, "kev_small.json", 3);
	import(st, "nvd_fortios.json", 1);
	import(st, "osv_mixed.json", 2);
	import(st, "debian_tracker.json", 3);
	import(st, "csaf_fortios.json", 1);
	import(st, "warnings.json", 2);
	import(st, "epss.csv", 3);
	import(st, "kev_small.json", 3); /* again: replaces, does not add */
	assert_int_equal(kh_feeds_counts(st, counts, &d), KH_OK);
	assert_int_equal(counts[KH_FEEDS_KEV], 3);
	assert_int_equal(counts[KH_FEEDS_NVD], 1);
	assert_int_equal(counts[KH_FEEDS_OSV], 2);
	assert_int_equal(counts[KH_FEEDS_DEBIAN], 3);
	assert_int_equal(counts[KH_FEEDS_CSAF], 1);
	assert_int_equal(counts[KH_FEEDS_WARNING], 2);
	assert_int_equal(counts[KH_FEEDS_EPSS], 3);

	assert_int_equal(load_count(st, NULL), 12);
	memset(&f, 0, sizeof(f));
	f.cve = "CVE-2024-21762"; /* KEV, NVD and the warning */
	assert_int_equal(load_count(st, &f), 3);
	f.kinds = 1u << KH_FEEDS_KEV;
	assert_int_equal(load_count(st, &f), 1);
	memset(&f, 0, sizeof(f));
	/* DSA, three tracker entries with a bookworm release, warning 56 */
	f.ecosystem = "Debian:12";
	assert_int_equal(load_count(st, &f), 5);
	f.ecosystem = "Debian"; /* every Debian release */
	assert_int_equal(load_count(st, &f), 5);
	f.ecosystem = "Ubuntu";
	assert_int_equal(load_count(st, &f), 1);
	f.ecosystem = "Deb"; /* a prefix of a name is not an ecosystem */
	assert_int_equal(load_count(st, &f), 0);
	/* by CPE vendor:product: NVD configurations, CSAF products, warnings */
	{
		const char *fortios[] = { "fortinet:fortios" }, *two[] = { "fortinet:fortiproxy", "x:y" };
		const char *glibc[] = { "glibc" };
		f.ecosystem = "cpe";
		f.packages = fortios;
		f.n_packages = 1;
		assert_int_equal(load_count(st, &f), 3); /* NVD, CSAF, warning 1234 */
		f.packages = two;
		f.n_packages = 2;
		assert_int_equal(load_count(st, &f), 1); /* NVD only */
		f.ecosystem = NULL;
		f.packages = glibc;
		f.n_packages = 1;
		assert_int_equal(load_count(st, &f), 3); /* DSA and two tracker entries */
		f.packages = NULL;
		f.n_packages = 0;
	}

	/* what comes back is what the parser made */
	memset(&f, 0, sizeof(f));
	f.kinds = 1u << KH_FEEDS_NVD;
	kh_feeds_set_init(&set);
	assert_int_equal(kh_feeds_load(st, &f, &set, &d), KH_OK);
	assert_int_equal(set.n, 1);
	assert_int_equal(set.items[0]->configs.items[0].nodes[0].n_matches, 7);
	kh_feeds_set_cleanup(&set);

	assert_int_equal(kh_feeds_epss_get(st, "CVE-2024-21762", &e, &d), KH_OK);
	assert_true(e.epss > 0.9512 && e.epss < 0.9513);
	assert_int_equal(kh_feeds_epss_get(st, "CVE-1999-0001", &e, &d), KH_ENOENT);
	f.with_epss = true;
	f.kinds = 1u << KH_FEEDS_KEV;
	kh_feeds_set_init(&set);
	assert_int_equal(kh_feeds_load(st, &f, &set, &d), KH_OK);
	assert_int_equal(set.n, 3);
	assert_int_equal(set.n_epss, 3);
	kh_feeds_set_cleanup(&set);

	kh_store_close(st);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kev),
		cmocka_unit_test(test_kev_shared),
		cmocka_unit_test(test_nvd),
		cmocka_unit_test(test_nvd_shared),
		cmocka_unit_test(test_osv_dpkg),
		cmocka_unit_test(test_osv_apk_rpm_semver),
		cmocka_unit_test(test_csaf),
		cmocka_unit_test(test_debian_tracker),
		cmocka_unit_test(test_epss),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_warning_input),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_store),
	};

	kh_lang_set(KH_LANG_EN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
