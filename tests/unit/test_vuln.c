/*
 * test_vuln.c — the vulnerability matcher through its public header: the
 * priority/due-date policy, the OSV range walk, a Debian 12 inventory with
 * packages before and after their fixes, ordering, JSON and text output,
 * and allocation failures. Advisories are model objects here; the feeds
 * round trip is in tests/integration/vuln_*.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "khien/config.h"
#include "khien/inventory.h"
#include "khien/limits.h"
#include "khien/vuln.h"

/* 2026-11-25T00:00:00Z: the day the expectations were worked out by hand. */
#define TODAY ((time_t)1795564800)

static int
setup(void **state)
{
	(void)state;
	kh_lang_set(KH_LANG_EN);
	kh_limits_reset();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	kh_alloc_fail_after(-1);
	return 0;
}

static struct kh_inventory *
load_inventory(const char *rel)
{
	const char *dir = getenv("KHIEN_FIXTURES");
	struct kh_inventory *inv = NULL;
	struct kh_buf *buf = NULL;
	char *path;

	assert_non_null(dir);
	path = kh_path_join(dir, rel);
	assert_int_equal(kh_file_read(path, 1u << 20, NULL, 0, &buf, NULL), KH_OK);
	assert_int_equal(kh_inventory_from_json(kh_buf_cur(buf), path, &inv, NULL), KH_OK);
	kh_buf_free(buf);
	kh_free(path);
	return inv;
}

/* ---- policy ------------------------------------------------------------------ */

static struct kh_vuln_facts
facts(void)
{
	struct kh_vuln_facts f = { .epss = -1, .cvss_score = -1 };
	return f;
}

static void
test_policy_priorities(void **state)
{
	struct kh_vuln_policy p;
	struct kh_vuln_facts f = facts();
	struct kh_vuln_decision d;

	(void)state;
	kh_vuln_policy_init(&p);
	f.kev = true;
	f.ransomware = true;
	kh_vuln_policy_decide(&p, NULL, &f, TODAY, &d);
	assert_int_equal(d.priority, 1);
	f.ransomware = false;
	kh_vuln_policy_decide(&p, NULL, &f, TODAY, &d);
	assert_int_equal(d.priority, 2);
	f = facts();
	f.epss = 0.1; /* at the threshold */
	kh_vuln_policy_decide(&p, NULL, &f, TODAY, &d);
	assert_int_equal(d.priority, 3);
	f.epss = 0.0999;
	kh_vuln_policy_decide(&p, NULL, &f, TODAY, &d);
	assert_int_equal(d.priority, 4);
	f.cvss_score = 9.0;
	kh_vuln_policy_decide(&p, NULL, &f, TODAY, &d);
	assert_int_equal(d.priority, 3);
	f.cvss_score = 8.9;
	f.warned = true; /* a national warning, no deadline */
	kh_vuln_policy_decide(&p, NULL, &f, TODAY, &d);
	assert_int_equal(d.priority, 3);
	assert_string_equal(kh_vuln_priority_label(1), "kev-ransomware");
	assert_string_equal(kh_vuln_priority_label(4), "routine");
	kh_vuln_policy_cleanup(&p);
}

static void
test_policy_due_dates(void **state)
{
	struct kh_vuln_policy p;
	struct kh_vuln_facts f = facts();
	struct kh_vuln_decision d;

	(void)state;
	kh_vuln_policy_init(&p);
	/* KEV's own dueDate (BOD 22-01) wins over arithmetic. */
	f.kev = true;
	f.kev_due_date = "2024-07-30";
	f.published = "2024-07-01T10:00:00.000";
	kh_vuln_policy_decide(&p, NULL, &f, TODAY, &d);
	assert_string_equal(d.due_date, "2024-07-30");
	assert_int_equal(d.due_reason, KH_VULN_DUE_KEV);
	/* An earlier national deadline wins over KEV's. */
	f.warned = true;
	f.warning_deadline = "2024-07-20";
	kh_vuln_policy_decide(&p, NULL, &f, TODAY, &d);
	assert_string_equal(d.due_date, "2024-07-20");
	assert_int_equal(d.due_reason, KH_VULN_DUE_WARNING);
	/* KEV without a due date: published + 14 days (priority 2). */
	f = facts();
	f.kev = true;
	f.published = "2024-02-20T00:00:00";
	kh_vuln_policy_decide(&p, NULL, &f, TODAY, &d);
	assert_string_equal(d.due_date, "2024-03-05"); /* 2024 is a leap year */
	assert_int_equal(d.due_reason, KH_VULN_DUE_PUBLISHED);
	/* Nothing dated: first seen today + 90 days (priority 4). */
	f = facts();
	kh_vuln_policy_decide(&p, NULL, &f, TODAY, &d);
	assert_string_equal(d.due_date, "2027-02-23");
	assert_int_equal(d.due_reason, KH_VULN_DUE_FIRST_SEEN);
	/* A malformed date is ignored, not trusted. */
	f.published = "2024-02-30";
	kh_vuln_policy_decide(&p, NULL, &f, TODAY, &d);
	assert_int_equal(d.due_reason, KH_VULN_DUE_FIRST_SEEN);
	kh_vuln_policy_cleanup(&p);
}

static char *
write_temp(const char *text)
{
	char *path = kh_strdup("/tmp/khien-vuln-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void
test_policy_config_and_overrides(void **state)
{
	char *csv = write_temp("unit,days_p1,days_p2,days_p3,days_p4\n"
	                       "\"Phường Bến Nghé\",3,,10,\n");
	char conf[512];
	struct kh_config *cfg = NULL;
	struct kh_vuln_policy p;
	struct kh_vuln_facts f = facts();
	struct kh_vuln_decision d;
	struct kh_diag diag;

	(void)state;
	snprintf(conf, sizeof(conf),
	         "[vuln]\nepss_threshold = 0.5\ncvss_critical = 7\ndays_p4 = 30\n"
	         "unit_overrides = %s\n", csv);
	assert_int_equal(kh_config_parse(kh_cur_from_str(conf), "t.conf", &cfg, NULL), KH_OK);
	kh_vuln_policy_init(&p);
	assert_int_equal(kh_vuln_policy_from_config(&p, cfg, &diag), KH_OK);
	assert_true(p.epss_threshold == 0.5 && p.cvss_critical == 7.0);
	assert_int_equal(p.deadlines.days[3], 30);
	assert_int_equal(p.n_overrides, 1);
	/* The override keeps the section's values for empty cells. */
	assert_int_equal(kh_vuln_policy_deadlines(&p, "Phường Bến Nghé")->days[0], 3);
	assert_int_equal(kh_vuln_policy_deadlines(&p, "Phường Bến Nghé")->days[1], 14);
	assert_int_equal(kh_vuln_policy_deadlines(&p, "Phường Bến Nghé")->days[3], 30);
	assert_int_equal(kh_vuln_policy_deadlines(&p, "other")->days[2], 15);
	f.cvss_score = 7.5;
	f.published = "2026-11-01";
	kh_vuln_policy_decide(&p, "Phường Bến Nghé", &f, TODAY, &d);
	assert_int_equal(d.priority, 3);
	assert_string_equal(d.due_date, "2026-11-11");
	kh_vuln_policy_decide(&p, NULL, &f, TODAY, &d);
	assert_string_equal(d.due_date, "2026-11-16");
	kh_vuln_policy_cleanup(&p);
	kh_config_free(cfg);
	cfg = NULL;

	/* Bad values name the key. */
	assert_int_equal(kh_config_parse(kh_cur_from_str("[vuln]\nepss_threshold = 1.5\n"),
	                                 "t.conf", &cfg, NULL), KH_OK);
	kh_vuln_policy_init(&p);
	assert_int_equal(kh_vuln_policy_from_config(&p, cfg, &diag), KH_EINVAL);
	assert_non_null(strstr(diag.msg, "epss_threshold"));
	kh_vuln_policy_cleanup(&p);
	kh_config_free(cfg);
	unlink(csv);
	kh_free(csv);
}

static void
test_policy_bad_overrides(void **state)
{
	char *csv = write_temp("unit,days_p1,days_p2,days_p3,days_p4\nA,1,2,3,4\nB,x,,,\n");
	struct kh_vuln_policy p;
	struct kh_diag diag;
	char conf[512];
	struct kh_config *cfg = NULL;

	(void)state;
	snprintf(conf, sizeof(conf), "[vuln]\nunit_overrides = %s\n", csv);
	assert_int_equal(kh_config_parse(kh_cur_from_str(conf), "t.conf", &cfg, NULL), KH_OK);
	kh_vuln_policy_init(&p);
	assert_int_equal(kh_vuln_policy_from_config(&p, cfg, &diag), KH_EINVAL);
	assert_int_equal(diag.line, 3);
	assert_non_null(strstr(diag.msg, "days_p1"));
	kh_vuln_policy_cleanup(&p);
	kh_config_free(cfg);
	unlink(csv);
	kh_free(csv);
}

/* ---- the OSV range walk ------------------------------------------------------ */

static bool
eval(const struct kh_vuln_pkg_rule *rule, const char *v, char **fixed)
{
	bool affected = false;
	struct kh_buf why;

	kh_buf_init(&why, 0);
	assert_int_equal(kh_vuln_pkg_rule_eval(rule, v, &affected, fixed, &why, NULL), KH_OK);
	assert_true(why.len > 0); /* every verdict says why */
	kh_buf_cleanup(&why);
	return affected;
}

static void
test_osv_ranges(void **state)
{
	/* Two ranges in one, given out of order: [1.0, 1.5) and [2.0, 2.3]. */
	static const struct kh_vuln_event ev[] = {
		{ KH_VULN_EV_INTRODUCED, "2.0" }, { KH_VULN_EV_LAST_AFFECTED, "2.3" },
		{ KH_VULN_EV_FIXED, "1.5" },      { KH_VULN_EV_INTRODUCED, "1.0" },
	};
	struct kh_vuln_pkg_rule rule = { .ecosystem = "Alpine:v3.19", .package = "p",
		                         .advisory = "X-1", .scheme = KH_VERSION_APK,
		                         .events = ev, .n_events = 4 };
	struct kh_vuln_db *db = kh_vuln_db_new();
	char *fixed = NULL;

	(void)state;
	/* The db sorts events as OSV requires; evaluate through a stored copy. */
	assert_non_null(db);
	assert_int_equal(kh_vuln_db_add_pkg_rule(db, &rule), KH_OK);
	kh_vuln_db_free(db);
	/* The evaluator also works on unsorted events given this way round. */
	static const struct kh_vuln_event sorted[] = {
		{ KH_VULN_EV_INTRODUCED, "1.0" }, { KH_VULN_EV_FIXED, "1.5" },
		{ KH_VULN_EV_INTRODUCED, "2.0" }, { KH_VULN_EV_LAST_AFFECTED, "2.3" },
	};
	rule.events = sorted;
	assert_false(eval(&rule, "0.9", NULL));
	assert_true(eval(&rule, "1.0", &fixed));
	assert_string_equal(fixed, "1.5");
	kh_free(fixed);
	assert_true(eval(&rule, "1.4.9", NULL));
	assert_false(eval(&rule, "1.5", NULL));
	assert_false(eval(&rule, "1.9", NULL));
	assert_true(eval(&rule, "2.3", &fixed));
	assert_null(fixed); /* last_affected: no fix known */
	assert_false(eval(&rule, "2.3.1", NULL));
}

static void
test_osv_limit_versions_zero(void **state)
{
	static const struct kh_vuln_event ev[] = {
		{ KH_VULN_EV_INTRODUCED, "0" }, { KH_VULN_EV_LIMIT, "3.0" },
	};
	static const char *const versions[] = { "4.1-r0" };
	struct kh_vuln_pkg_rule rule = { .ecosystem = "Alpine:v3.19", .package = "p",
		                         .advisory = "X-2", .scheme = KH_VERSION_APK,
		                         .events = ev, .n_events = 2, .versions = versions,
		                         .n_versions = 1 };
	static const struct kh_vuln_event notaff[] = {
		{ KH_VULN_EV_INTRODUCED, "0" }, { KH_VULN_EV_FIXED, "0" },
	};
	char *fixed = NULL;
	bool affected;

	(void)state;
	assert_true(eval(&rule, "0.1-r0", &fixed));
	assert_null(fixed);
	assert_false(eval(&rule, "3.0-r0", NULL)); /* at the limit */
	assert_true(eval(&rule, "4.1-r0", NULL));  /* listed */
	/* Debian tracker "fixed_version 0": never affected. */
	rule.events = notaff;
	rule.n_versions = 0;
	rule.scheme = KH_VERSION_DPKG;
	assert_false(eval(&rule, "5.4.1-0.2", NULL));
	/* A version the scheme refuses is an error, not a verdict. */
	assert_int_equal(kh_vuln_pkg_rule_eval(&rule, "1:", &affected, NULL, NULL, NULL),
	                 KH_EFORMAT);
}

/* ---- Debian 12 inventory ----------------------------------------------------- */

static void
add_rule(struct kh_vuln_db *db, const char *source, const char *advisory,
         const char *package, const char *cve, const char *ecosystem,
         const char *fixed)
{
	struct kh_vuln_event ev[2] = { { KH_VULN_EV_INTRODUCED, "0" },
		                       { KH_VULN_EV_FIXED, fixed } };
	const char *cves[1] = { cve };
	struct kh_vuln_pkg_rule r = { .ecosystem = ecosystem, .package = package,
		                      .advisory = advisory, .source = source, .cves = cves,
		                      .n_cves = 1, .scheme = KH_VERSION_DPKG, .events = ev,
		                      .n_events = fixed ? 2 : 1,
		                      .status = fixed ? "resolved" : "open" };

	assert_int_equal(kh_vuln_db_add_pkg_rule(db, &r), KH_OK);
}

static void
add_info(struct kh_vuln_db *db, const char *cve, double cvss, double epss, bool kev,
         bool ransomware, const char *kev_due, const char *published)
{
	struct kh_vuln_cve_info i = { .cve = cve, .cvss_version = "3.1", .cvss_score = cvss,
		                      .epss = epss, .epss_percentile = epss < 0 ? -1 : 0.5,
		                      .kev = kev, .ransomware = ransomware,
		                      .kev_due_date = kev_due, .published = published };

	assert_int_equal(kh_vuln_db_add_cve_info(db, &i), KH_OK);
}

/*
 * Hand-checked against the Debian security tracker's bookworm entries
 * (fixed versions as the tracker lists them):
 *   openssl  CVE-2024-5535  fixed 3.0.14-1~deb12u1   libssl3 3.0.11-1~deb12u2 → affected
 *   glibc    CVE-2024-2961  fixed 2.36-9+deb12u7     libc6 2.36-9+deb12u4 (2 arches) → one finding
 *   sqlite3  CVE-2023-7104  fixed 3.40.1-2+deb12u1   source 3.40.1-2 (binary +b1) → affected
 *   zlib     CVE-2023-45853 open, no fix             → affected, fixed_version null
 *   openssh  CVE-2024-6387  fixed 1:9.2p1-2+deb12u3  installed = fix → not affected
 *   curl     CVE-2023-38545 fixed 7.88.1-10+deb12u4  installed u5 → not affected
 *   xz-utils CVE-2024-3094  fixed 0 (never in bookworm) → not affected
 *   glibc    rule for Debian:11 only                  → ignored
 */
static struct kh_vuln_db *
debian_db(void)
{
	struct kh_vuln_db *db = kh_vuln_db_new();

	assert_non_null(db);
	add_rule(db, "debian-tracker", "CVE-2024-5535", "openssl", "CVE-2024-5535",
	         "Debian:12", "3.0.14-1~deb12u1");
	add_rule(db, "debian-tracker", "CVE-2024-2961", "glibc", "CVE-2024-2961",
	         "Debian:12", "2.36-9+deb12u7");
	add_rule(db, "osv", "DSA-5673-1", "glibc", "CVE-2024-2961", "Debian:12",
	         "2.36-9+deb12u7");
	add_rule(db, "osv", "DLA-9999-1", "glibc", "CVE-2024-0001", "Debian:11",
	         "2.31-13+deb11u9");
	add_rule(db, "debian-tracker", "CVE-2023-7104", "sqlite3", "CVE-2023-7104",
	         "Debian:12", "3.40.1-2+deb12u1");
	add_rule(db, "debian-tracker", "CVE-2023-45853", "zlib", "CVE-2023-45853",
	         "Debian:12", NULL);
	add_rule(db, "osv", "DSA-5724-1", "openssh", "CVE-2024-6387", "Debian:12",
	         "1:9.2p1-2+deb12u3");
	add_rule(db, "debian-tracker", "CVE-2023-38545", "curl", "CVE-2023-38545",
	         "Debian:12", "7.88.1-10+deb12u4");
	add_rule(db, "debian-tracker", "CVE-2024-3094", "xz-utils", "CVE-2024-3094",
	         "Debian:12", "0");
	add_info(db, "CVE-2024-5535", 9.1, 0.02, false, false, NULL, "2024-06-27");
	add_info(db, "CVE-2024-2961", 7.3, 0.35, false, false, NULL, "2024-04-17");
	add_info(db, "CVE-2023-7104", 7.3, 0.01, false, false, NULL, "2023-12-29");
	/* CVE-2023-45853: nothing known beyond the tracker. */
	return db;
}

static const struct kh_vuln_finding *
find(const struct kh_vuln_findings *fs, const char *cve)
{
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->items[i].cve, cve) == 0)
			return &fs->items[i];
	return NULL;
}

static void
test_debian12_inventory(void **state)
{
	struct kh_inventory *inv = load_inventory("vuln/debian12.inventory.json");
	struct kh_vuln_db *db = debian_db();
	struct kh_vuln_match_options opts = { .today = TODAY };
	struct kh_vuln_findings fs;
	const struct kh_vuln_finding *f;

	(void)state;
	kh_vuln_findings_init(&fs);
	assert_int_equal(kh_vuln_match(db, inv, NULL, &opts, &fs, NULL), KH_OK);
	assert_int_equal(fs.n, 4);
	/* Order: p3 by due date (2024-05-02, 2024-07-12), then p4 2024-03-28, p4 first-seen. */
	assert_string_equal(fs.items[0].cve, "CVE-2024-2961");
	assert_string_equal(fs.items[1].cve, "CVE-2024-5535");
	assert_string_equal(fs.items[2].cve, "CVE-2023-7104");
	assert_string_equal(fs.items[3].cve, "CVE-2023-45853");

	f = find(&fs, "CVE-2024-2961");
	assert_string_equal(f->target_name, "libc6");
	assert_string_equal(f->target_source, "glibc");
	assert_string_equal(f->fixed_version, "2.36-9+deb12u7");
	assert_int_equal(f->decision.priority, 3); /* EPSS 0.35 ≥ 0.1 */
	assert_string_equal(f->decision.due_date, "2024-05-02");
	assert_int_equal(f->n_sources, 2); /* the tracker and the DSA, merged */
	assert_string_equal(f->sources[0], "debian-tracker");
	assert_string_equal(f->sources[1], "osv:DSA-5673-1");

	f = find(&fs, "CVE-2024-5535");
	assert_string_equal(f->target_name, "libssl3");
	assert_string_equal(f->target_version, "3.0.11-1~deb12u2");
	assert_string_equal(f->ecosystem, "Debian:12");
	assert_int_equal(f->decision.priority, 3); /* CVSS 9.1 ≥ 9.0 */

	f = find(&fs, "CVE-2023-7104");
	assert_string_equal(f->target_name, "libsqlite3-0");
	assert_string_equal(f->target_version, "3.40.1-2+b1");
	assert_int_equal(f->decision.priority, 4);
	assert_string_equal(f->decision.due_date, "2024-03-28");

	f = find(&fs, "CVE-2023-45853");
	assert_null(f->fixed_version);
	assert_true(f->cvss_score < 0);
	assert_int_equal(f->decision.due_reason, KH_VULN_DUE_FIRST_SEEN);

	assert_null(find(&fs, "CVE-2024-6387"));
	assert_null(find(&fs, "CVE-2023-38545"));
	assert_null(find(&fs, "CVE-2024-3094"));
	assert_null(find(&fs, "CVE-2024-0001"));
	kh_vuln_findings_cleanup(&fs);
	kh_vuln_db_free(db);
	kh_inventory_free(inv);
}

/* KEV with ransomware first, then KEV, whatever the due dates and scores. */
static void
test_kev_ransomware_ordering(void **state)
{
	struct kh_inventory *inv = load_inventory("vuln/debian12.inventory.json");
	struct kh_vuln_db *db = debian_db();
	struct kh_vuln_match_options opts = { .today = TODAY };
	struct kh_vuln_findings fs;

	(void)state;
	/* zlib's CVE: KEV, ransomware, late due date, no score. */
	add_info(db, "CVE-2023-45853", -1, -1, true, true, "2026-12-31", NULL);
	/* sqlite's: KEV only, early due date. */
	add_info(db, "CVE-2023-7104", -1, -1, true, false, "2024-01-15", NULL);
	kh_vuln_findings_init(&fs);
	assert_int_equal(kh_vuln_match(db, inv, NULL, &opts, &fs, NULL), KH_OK);
	assert_int_equal(fs.n, 4);
	assert_string_equal(fs.items[0].cve, "CVE-2023-45853");
	assert_int_equal(fs.items[0].decision.priority, 1);
	assert_string_equal(fs.items[0].decision.due_date, "2026-12-31");
	assert_true(fs.items[0].kev && fs.items[0].ransomware);
	assert_string_equal(fs.items[1].cve, "CVE-2023-7104");
	assert_int_equal(fs.items[1].decision.priority, 2);
	assert_string_equal(fs.items[1].decision.due_date, "2024-01-15");
	assert_string_equal(fs.items[2].cve, "CVE-2024-2961");
	assert_string_equal(fs.items[3].cve, "CVE-2024-5535");
	kh_vuln_findings_cleanup(&fs);
	kh_vuln_db_free(db);
	kh_inventory_free(inv);
}

static void
test_sort_ties(void **state)
{
	static const char *const cves[] = { "CVE-2024-10000", "CVE-2024-9999", "CVE-2023-50000",
		                            "CVE-2024-9999" };
	static const double scores[] = { 5.0, 5.0, 5.0, 9.5 };
	struct kh_vuln_findings fs;
	struct kh_vuln_finding f;

	(void)state;
	kh_vuln_findings_init(&fs);
	for (size_t i = 0; i < 4; i++) {
		memset(&f, 0, sizeof(f));
		f.cve = kh_strdup(cves[i]);
		f.target_name = kh_strdup(i == 3 ? "b" : "a");
		f.cvss_score = scores[i];
		f.decision.priority = 4;
		kh_strlcpy(f.decision.due_date, "2025-01-01", sizeof(f.decision.due_date));
		assert_int_equal(kh_vuln_findings_add(&fs, &f), KH_OK);
	}
	kh_vuln_findings_sort(&fs);
	assert_string_equal(fs.items[0].target_name, "b"); /* CVSS desc first */
	assert_string_equal(fs.items[1].cve, "CVE-2023-50000");
	assert_string_equal(fs.items[2].cve, "CVE-2024-9999"); /* numeric, not text */
	assert_string_equal(fs.items[3].cve, "CVE-2024-10000");
	kh_vuln_findings_cleanup(&fs);
}

/* ---- output ----------------------------------------------------------------- */

static void
test_json_shape(void **state)
{
	struct kh_inventory *inv = load_inventory("vuln/debian12.inventory.json");
	struct kh_vuln_db *db = debian_db();
	struct kh_vuln_match_options opts = { .today = TODAY };
	struct kh_vuln_findings fs;
	struct kh_buf out;
	json_t *root, *f0, *f3;
	json_error_t jerr;

	(void)state;
	kh_vuln_findings_init(&fs);
	kh_buf_init(&out, 0);
	assert_int_equal(kh_vuln_match(db, inv, NULL, &opts, &fs, NULL), KH_OK);
	assert_int_equal(kh_vuln_findings_to_json(&fs, &out), KH_OK);
	root = json_loads(kh_buf_str(&out), 0, &jerr);
	assert_non_null(root);
	assert_int_equal(json_array_size(json_object_get(root, "findings")), 4);
	f0 = json_array_get(json_object_get(root, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f0, "cve")), "CVE-2024-2961");
	assert_string_equal(json_string_value(json_object_get(json_object_get(f0, "target"), "kind")),
	                    "package");
	assert_string_equal(json_string_value(json_object_get(json_object_get(f0, "target"), "name")),
	                    "libc6");
	assert_true(json_real_value(json_object_get(json_object_get(f0, "cvss"), "score")) == 7.3);
	assert_string_equal(json_string_value(json_object_get(json_object_get(f0, "cvss"), "version")),
	                    "3.1");
	assert_true(json_real_value(json_object_get(f0, "epss")) == 0.35);
	assert_true(json_is_false(json_object_get(f0, "kev")));
	assert_true(json_is_false(json_object_get(f0, "ransomware")));
	assert_int_equal(json_integer_value(json_object_get(f0, "priority")), 3);
	assert_string_equal(json_string_value(json_object_get(f0, "priority_label")), "high-risk");
	assert_string_equal(json_string_value(json_object_get(f0, "due_date")), "2024-05-02");
	assert_int_equal(json_array_size(json_object_get(f0, "sources")), 2);
	f3 = json_array_get(json_object_get(root, "findings"), 3);
	assert_true(json_is_null(json_object_get(f3, "fixed_version")));
	assert_true(json_is_null(json_object_get(f3, "epss")));
	assert_true(json_is_null(json_object_get(json_object_get(f3, "cvss"), "score")));
	assert_int_equal(json_integer_value(json_object_get(
	                         json_object_get(json_object_get(root, "summary"), "by_priority"), "3")),
	                 2);
	/* 9.1 prints as 9.1, not 9.0999999999999996. */
	assert_non_null(strstr(kh_buf_str(&out), "\"score\": 9.1,"));
	json_decref(root);
	kh_buf_cleanup(&out);
	kh_vuln_findings_cleanup(&fs);
	kh_vuln_db_free(db);
	kh_inventory_free(inv);
}

static void
test_text_report_vi(void **state)
{
	struct kh_inventory *inv = load_inventory("vuln/debian12.inventory.json");
	struct kh_vuln_db *db = debian_db();
	struct kh_vuln_match_options opts = { .today = TODAY };
	struct kh_vuln_findings fs;
	struct kh_buf out;
	const char *s, *p3, *p4;

	(void)state;
	kh_lang_set(KH_LANG_VI);
	kh_vuln_findings_init(&fs);
	kh_buf_init(&out, 0);
	assert_int_equal(kh_vuln_match(db, inv, NULL, &opts, &fs, NULL), KH_OK);
	assert_int_equal(kh_vuln_findings_to_text(&fs, &out), KH_OK);
	s = kh_buf_str(&out);
	p3 = strstr(s, "Ưu tiên 3 — vá sớm");
	p4 = strstr(s, "Ưu tiên 4 — vá theo kế hoạch");
	assert_non_null(p3);
	assert_non_null(p4);
	assert_true(p3 < p4);
	assert_null(strstr(s, "Ưu tiên 1"));
	assert_non_null(strstr(s, "gói libssl3 3.0.11-1~deb12u2 — cập nhật lên 3.0.14-1~deb12u1 "
	                          "trở lên, trước ngày 2024-07-12"));
	assert_non_null(strstr(s, "chưa nêu phiên bản đã vá"));
	kh_buf_reset(&out);
	kh_vuln_findings_cleanup(&fs);
	kh_vuln_findings_init(&fs);
	assert_int_equal(kh_vuln_findings_to_text(&fs, &out), KH_OK);
	assert_string_equal(kh_buf_str(&out), "Không phát hiện lỗ hổng đã biết nào.\n");
	kh_lang_set(KH_LANG_EN);
	kh_buf_cleanup(&out);
	kh_vuln_db_free(db);
	kh_inventory_free(inv);
}

static void
test_explain_debian(void **state)
{
	struct kh_inventory *inv = load_inventory("vuln/debian12.inventory.json");
	struct kh_vuln_db *db = debian_db();
	struct kh_vuln_match_options opts = { .today = TODAY };
	struct kh_buf out;
	const char *s;

	(void)state;
	kh_buf_init(&out, 0);
	assert_int_equal(kh_vuln_explain(db, "CVE-2024-6387", inv, NULL, &opts, false, &out, NULL),
	                 KH_OK);
	s = kh_buf_str(&out);
	assert_non_null(strstr(s, "DSA-5724-1"));
	assert_non_null(strstr(s, "openssh-server 1:9.2p1-2+deb12u3: 1:9.2p1-2+deb12u3 ≥ fixed "
	                          "1:9.2p1-2+deb12u3 → not affected"));
	assert_non_null(strstr(s, "Verdict: not affected."));
	kh_buf_reset(&out);
	assert_int_equal(kh_vuln_explain(db, "CVE-2024-2961", inv, NULL, &opts, true, &out, NULL),
	                 KH_OK);
	s = kh_buf_str(&out);
	assert_non_null(strstr(s, "\"affected\": true"));
	assert_non_null(strstr(s, "< fixed 2.36-9+deb12u7 → affected"));
	kh_buf_cleanup(&out);
	kh_vuln_db_free(db);
	kh_inventory_free(inv);
}

/* ---- assets (model rules; NVD evaluation itself is the feeds module's) ------- */

/* A model rule: affected when every listed CPE is among the system's. */
struct all_of {
	const char *need[2];
	size_t n;
};

static enum kh_err
eval_all_of(const void *ctx, const char *const *cpes, size_t n_cpes, bool *affected,
            char **fixed, struct kh_buf *why)
{
	const struct all_of *a = ctx;
	size_t found = 0;

	*fixed = NULL;
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < n_cpes; j++)
			if (strcmp(a->need[i], cpes[j]) == 0) {
				found++;
				break;
			}
	*affected = found == a->n;
	return why ? kh_buf_printf(why, "%zu of %zu CPEs present", found, a->n) : KH_OK;
}

static void
set_asset(struct kh_asset *a, const char *unit, const char *name, const char *version,
          const char *cpe, const char *address)
{
	memset(a, 0, sizeof(*a));
	a->unit = kh_strdup(unit);
	a->name = kh_strdup(name);
	a->version = kh_strdup(version);
	a->cpe = cpe ? kh_strdup(cpe) : NULL;
	a->address = address ? kh_strdup(address) : NULL;
}

#define VC7 "cpe:2.3:a:vmware:vcenter_server:7.0:update3:*:*:*:*:*:*"
#define WIN "cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*"
#define ODD "cpe:2.3:a:ex\\:ample:pro\\:duct:1.0:*:*:*:*:*:*:*"

static void
test_assets_and_config(void **state)
{
	static const struct all_of on_windows = { { VC7, WIN }, 2 };
	static const struct all_of odd = { { ODD }, 1 };
	static const char *const vc_keys[] = { "vmware:vcenter_server" };
	static const char *const odd_keys[] = { "ex\\:ample:pro\\:duct" };
	static const char *const cves[] = { "CVE-2099-0001" };
	struct kh_vuln_cpe_rule r1 = { .advisory = "CVE-2099-0001", .source = "nvd", .cves = cves,
		                       .n_cves = 1, .keys = vc_keys, .n_keys = 1,
		                       .eval = eval_all_of, .ctx = &on_windows };
	struct kh_vuln_cpe_rule r2 = { .advisory = "ODD-1", .source = "csaf:ODD-1", .keys = odd_keys,
		                       .n_keys = 1, .fixed_version = "1.1", .eval = eval_all_of,
		                       .ctx = &odd };
	struct kh_asset_list *list = kh_calloc(1, sizeof(*list));
	struct kh_vuln_match_options opts = { .today = TODAY };
	struct kh_vuln_db *db = kh_vuln_db_new();
	struct kh_vuln_findings fs;
	struct kh_buf out;

	(void)state;
	assert_non_null(db);
	assert_int_equal(kh_vuln_db_add_cpe_rule(db, &r1), KH_OK);
	assert_int_equal(kh_vuln_db_add_cpe_rule(db, &r2), KH_OK);
	assert_non_null(list);
	list->items = kh_calloc(5, sizeof(*list->items));
	assert_non_null(list->items);
	set_asset(&list->items[0], "CA", "vc-win", "7.0 U3", VC7, "10.2.0.5");
	set_asset(&list->items[1], "CA", "srv-win", "2019", WIN, "10.2.0.5");
	set_asset(&list->items[2], "CA", "vc-appl", "7.0 U3", VC7, "10.2.0.6");
	set_asset(&list->items[3], "Other unit", "vc-x", "7.0 U3", VC7, "10.2.0.5");
	set_asset(&list->items[4], "CA", "odd", "1.0", ODD, NULL);
	list->n = list->cap = 5;
	kh_vuln_findings_init(&fs);
	assert_int_equal(kh_vuln_match(db, NULL, list, &opts, &fs, NULL), KH_OK);
	/* Only vc-win: its Windows is at its address in its unit. */
	assert_int_equal(fs.n, 2);
	assert_string_equal(fs.items[0].cve, "CVE-2099-0001");
	assert_string_equal(fs.items[0].target_name, "vc-win");
	assert_int_equal(fs.items[0].kind, KH_VULN_TARGET_ASSET);
	assert_string_equal(fs.items[0].unit, "CA");
	assert_string_equal(fs.items[0].target_source, VC7);
	/* No CVE: the advisory's id; the rule's fixed version. */
	assert_string_equal(fs.items[1].cve, "ODD-1");
	assert_string_equal(fs.items[1].fixed_version, "1.1");
	assert_string_equal(fs.items[1].sources[0], "csaf:ODD-1");
	kh_buf_init(&out, 0);
	assert_int_equal(kh_vuln_explain(db, "CVE-2099-0001", NULL, list, &opts, false, &out,
	                                 NULL), KH_OK);
	assert_non_null(strstr(kh_buf_str(&out), "vc-win " VC7 ": affected\n"
	                                         "      target 2 = " WIN " (same unit and address)\n"
	                                         "      2 of 2 CPEs present\n"));
	assert_non_null(strstr(kh_buf_str(&out), "vc-appl " VC7 ": 1 of 2 CPEs present"));
	kh_buf_cleanup(&out);
	kh_vuln_findings_cleanup(&fs);
	kh_vuln_db_free(db);
	kh_asset_list_free(list);
}

/* ---- rpm: binary names, epochs, bare ecosystem names --------------------------- */

static void
add_rpm(struct kh_inventory *inv, const char *name, const char *version, const char *source)
{
	struct kh_inventory_pkg p = { .type = KH_INVENTORY_RPM, .name = (char *)name,
		                      .version = (char *)version, .arch = (char *)"x86_64",
		                      .source = (char *)source, .source_version = (char *)version };

	assert_int_equal(kh_inventory_add_pkg(inv, &p, NULL), KH_OK);
}

static void
test_almalinux_rpm(void **state)
{
	struct kh_inventory *inv = kh_inventory_new();
	struct kh_vuln_db *db = kh_vuln_db_new();
	struct kh_vuln_match_options opts = { .today = TODAY };
	struct kh_vuln_findings fs;
	static const char *const cve_ssl[] = { "CVE-2022-1292" };
	static const char *const cve_xz[] = { "CVE-2022-1271" };
	struct kh_vuln_event ssl_ev[2] = { { KH_VULN_EV_INTRODUCED, "0" },
		                           { KH_VULN_EV_FIXED, "1:3.0.1-43.el9_0" } };
	struct kh_vuln_event xz_ev[2] = { { KH_VULN_EV_INTRODUCED, "0" },
		                          { KH_VULN_EV_FIXED, "5.2.5-8.el9_0" } };
	/* ALSA-2022:4940-style: binary package names, epochs in versions. */
	struct kh_vuln_pkg_rule ssl = { .ecosystem = "AlmaLinux:9", .package = "openssl-libs",
		                        .advisory = "ALSA-2022:5818", .source = "osv",
		                        .cves = cve_ssl, .n_cves = 1, .scheme = KH_VERSION_RPM,
		                        .events = ssl_ev, .n_events = 2 };
	struct kh_vuln_pkg_rule xz = { .ecosystem = "AlmaLinux", .package = "xz",
		                       .advisory = "ALSA-2022:4940", .source = "osv",
		                       .cves = cve_xz, .n_cves = 1, .scheme = KH_VERSION_RPM,
		                       .events = xz_ev, .n_events = 2 };

	(void)state;
	assert_non_null(inv);
	assert_non_null(db);
	inv->os.id = kh_strdup("almalinux");
	inv->os.version_id = kh_strdup("9.0");
	add_rpm(inv, "openssl-libs", "1:3.0.1-41.el9_0", "openssl");
	add_rpm(inv, "xz-libs", "5.2.5-7.el9", "xz");
	add_rpm(inv, "xz", "5.2.5-8.el9_0", "xz");
	assert_int_equal(kh_vuln_db_add_pkg_rule(db, &ssl), KH_OK);
	ssl.package = "openssl"; /* the same advisory keyed by the source too */
	assert_int_equal(kh_vuln_db_add_pkg_rule(db, &ssl), KH_OK);
	assert_int_equal(kh_vuln_db_add_pkg_rule(db, &xz), KH_OK);
	kh_vuln_findings_init(&fs);
	assert_int_equal(kh_vuln_match(db, inv, NULL, &opts, &fs, NULL), KH_OK);
	assert_int_equal(fs.n, 2); /* openssl-libs once; xz-libs; xz is fixed */
	assert_non_null(find(&fs, "CVE-2022-1292"));
	assert_string_equal(find(&fs, "CVE-2022-1292")->fixed_version, "1:3.0.1-43.el9_0");
	assert_int_equal(find(&fs, "CVE-2022-1292")->n_sources, 1);
	assert_string_equal(find(&fs, "CVE-2022-1271")->target_name, "xz-libs");
	assert_string_equal(find(&fs, "CVE-2022-1271")->ecosystem, "AlmaLinux:9");
	kh_vuln_findings_cleanup(&fs);
	kh_vuln_db_free(db);
	kh_inventory_free(inv);
}

/* ---- ecosystems -------------------------------------------------------------- */

static void
eco(const char *id, const char *version_id, const char *codename, const char *want,
    enum kh_version_scheme want_scheme)
{
	struct kh_inventory *inv = kh_inventory_new();
	enum kh_version_scheme scheme;
	char out[64];

	assert_non_null(inv);
	inv->os.id = id ? kh_strdup(id) : NULL;
	inv->os.version_id = version_id ? kh_strdup(version_id) : NULL;
	inv->os.codename = codename ? kh_strdup(codename) : NULL;
	if (want == NULL) {
		assert_int_equal(kh_vuln_ecosystem_of(inv, out, sizeof(out), &scheme, NULL),
		                 KH_EUNSUPPORTED);
	} else {
		assert_int_equal(kh_vuln_ecosystem_of(inv, out, sizeof(out), &scheme, NULL), KH_OK);
		assert_string_equal(out, want);
		assert_int_equal(scheme, want_scheme);
	}
	kh_inventory_free(inv);
}

static void
test_ecosystems(void **state)
{
	(void)state;
	eco("debian", "12", "bookworm", "Debian:12", KH_VERSION_DPKG);
	eco("debian", NULL, "trixie", "Debian:13", KH_VERSION_DPKG);
	eco("ubuntu", "22.04", "jammy", "Ubuntu:22.04", KH_VERSION_DPKG);
	eco("alpine", "3.19.1", NULL, "Alpine:v3.19", KH_VERSION_APK);
	eco("almalinux", "9.3", NULL, "AlmaLinux:9", KH_VERSION_RPM);
	eco("rocky", "8.9", NULL, "Rocky Linux:8", KH_VERSION_RPM);
	eco("windows", "11", NULL, NULL, KH_VERSION_DPKG);
	eco(NULL, NULL, NULL, NULL, KH_VERSION_DPKG);
}

/* ---- allocation failures ----------------------------------------------------- */

static void
test_alloc_failures(void **state)
{
	struct kh_inventory *inv = load_inventory("vuln/debian12.inventory.json");
	struct kh_vuln_match_options opts = { .today = TODAY };
	struct kh_vuln_findings fs;
	struct kh_vuln_db *db;
	struct kh_buf out;
	enum kh_err r;
	long n;

	(void)state;
	db = debian_db();
	for (n = 0;; n++) {
		kh_vuln_findings_init(&fs);
		kh_buf_init(&out, 0);
		kh_alloc_fail_after(n);
		r = kh_vuln_match(db, inv, NULL, &opts, &fs, NULL);
		if (r == KH_OK)
			r = kh_vuln_findings_to_text(&fs, &out);
		kh_alloc_fail_after(-1);
		if (r == KH_OK)
			assert_int_equal(fs.n, 4);
		else
			assert_int_equal(r, KH_ENOMEM);
		kh_vuln_findings_cleanup(&fs);
		kh_buf_cleanup(&out);
		if (r == KH_OK)
			break;
	}
	assert_true(n > 10);
	kh_vuln_db_free(db);
	/* Building the db fails cleanly too. */
	for (n = 0;; n++) {
		kh_alloc_fail_after(n);
		db = kh_vuln_db_new();
		r = db == NULL ? KH_ENOMEM : KH_OK;
		if (r == KH_OK) {
			static const char *const cves[] = { "CVE-2024-1" };
			struct kh_vuln_event ev[1] = { { KH_VULN_EV_INTRODUCED, "0" } };
			struct kh_vuln_pkg_rule rule = { .ecosystem = "Debian:12", .package = "x",
				                         .advisory = "A", .cves = cves, .n_cves = 1,
				                         .events = ev, .n_events = 1 };
			struct kh_vuln_cve_info info = { .cve = "CVE-2024-1", .cvss_score = 5,
				                         .epss = -1, .summary = "s" };
			r = kh_vuln_db_add_pkg_rule(db, &rule);
			if (r == KH_OK)
				r = kh_vuln_db_add_cve_info(db, &info);
		}
		kh_alloc_fail_after(-1);
		kh_vuln_db_free(db);
		if (r == KH_OK)
			break;
		assert_int_equal(r, KH_ENOMEM);
	}
	kh_inventory_free(inv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_policy_priorities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_due_dates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_config_and_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_bad_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_osv_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_osv_limit_versions_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debian12_inventory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kev_ransomware_ordering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sort_ties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_report_vi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explain_debian, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assets_and_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_almalinux_rpm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ecosystems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
