/*
 * test_cpe.c — CPE 2.3 names (NISTIR 7695 bindings, NISTIR 7696 matching)
 * and NVD configuration evaluation, with hand-checked expectations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khien/feeds.h"

static void
parse_ok(const char *s, struct kh_cpe *c)
{
	struct kh_diag d;

	kh_diag_clear(&d);
	if (kh_cpe_parse(s, c, &d) != KH_OK)
		fail_msg("%s: %s", s, d.msg);
}

static bool
matches(const char *src, const char *tgt)
{
	struct kh_cpe s, t;
	bool m;

	parse_ok(src, &s);
	parse_ok(tgt, &t);
	m = kh_cpe_match(&s, &t);
	kh_cpe_cleanup(&s);
	kh_cpe_cleanup(&t);
	return m;
}

static void
plain_is(const struct kh_cpe *c, enum kh_cpe_attr_id id, const char *want)
{
	char got[256];

	assert_int_equal(kh_cpe_attr_plain(&c->attr[id], got, sizeof(got)), KH_OK);
	assert_string_equal(got, want);
}

static void
test_parse_formatted(void **state)
{
	struct kh_cpe c;
	struct kh_buf b;

	(void)state;
	parse_ok("cpe:2.3:o:Fortinet:FortiOS:7.0.1:*:*:*:*:*:*:-", &c);
	assert_int_equal(c.attr[KH_CPE_PART].kind, KH_CPE_VALUE);
	assert_string_equal(c.attr[KH_CPE_VENDOR].value, "fortinet"); /* lowercased */
	assert_string_equal(c.attr[KH_CPE_VERSION].value, "7\\.0\\.1"); /* WFN quoting */
	plain_is(&c, KH_CPE_VERSION, "7.0.1");
	assert_int_equal(c.attr[KH_CPE_UPDATE].kind, KH_CPE_ANY);
	assert_int_equal(c.attr[KH_CPE_OTHER].kind, KH_CPE_NA);
	kh_buf_init(&b, 0);
	assert_int_equal(kh_cpe_format(&c, &b), KH_OK);
	assert_string_equal(kh_buf_str(&b), "cpe:2.3:o:fortinet:fortios:7.0.1:*:*:*:*:*:*:-");
	kh_buf_cleanup(&b);
	kh_cpe_cleanup(&c);

	/* an escaped colon stays inside the attribute (NISTIR 7695 §6.2.2.2) */
	parse_ok("cpe:2.3:a:foo\\:bar:big\\$money:2010:*:*:*:special:ipod_touch:80gb:*", &c);
	plain_is(&c, KH_CPE_VENDOR, "foo:bar");
	plain_is(&c, KH_CPE_PRODUCT, "big$money");
	plain_is(&c, KH_CPE_TARGET_HW, "80gb");
	kh_buf_init(&b, 0);
	assert_int_equal(kh_cpe_format(&c, &b), KH_OK);
	assert_string_equal(kh_buf_str(&b),
	                    "cpe:2.3:a:foo\\:bar:big\\$money:2010:*:*:*:special:ipod_touch:80gb:*");
	kh_buf_cleanup(&b);
	kh_cpe_cleanup(&c);
}

static void
test_parse_uri(void **state)
{
	struct kh_cpe c;

	(void)state;
	parse_ok("cpe:/a:microsoft:internet_explorer:8.0.6001:beta", &c);
	plain_is(&c, KH_CPE_VERSION, "8.0.6001");
	plain_is(&c, KH_CPE_UPDATE, "beta");
	assert_int_equal(c.attr[KH_CPE_EDITION].kind, KH_CPE_ANY);
	assert_int_equal(c.attr[KH_CPE_TARGET_SW].kind, KH_CPE_ANY);
	kh_cpe_cleanup(&c);

	/* packed edition: ~edition~sw_edition~target_sw~target_hw~other */
	parse_ok("cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~", &c);
	assert_int_equal(c.attr[KH_CPE_UPDATE].kind, KH_CPE_NA);
	assert_int_equal(c.attr[KH_CPE_EDITION].kind, KH_CPE_ANY);
	plain_is(&c, KH_CPE_SW_EDITION, "online");
	plain_is(&c, KH_CPE_TARGET_SW, "win2003");
	plain_is(&c, KH_CPE_TARGET_HW, "x64");
	assert_int_equal(c.attr[KH_CPE_OTHER].kind, KH_CPE_ANY);
	kh_cpe_cleanup(&c);

	/* a lone %02 is ANY, as "*" in a formatted string (fuzz_cpe found the two differing) */
	parse_ok("cpe:/a:foo:bar:%02", &c);
	assert_int_equal(c.attr[KH_CPE_VERSION].kind, KH_CPE_ANY);
	kh_cpe_cleanup(&c);

	/* percent-encoding: %24 is '$', %02 an unquoted '*' wildcard */
	parse_ok("cpe:/a:foo%24bar:baz:1.%02", &c);
	plain_is(&c, KH_CPE_VENDOR, "foo$bar");
	assert_true(c.attr[KH_CPE_VERSION].has_wildcard);
	kh_cpe_cleanup(&c);
}

static void
test_parse_errors(void **state)
{
	static const char *const bad[] = {
		"cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*",       /* 10 attributes */
		"cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*:*",   /* 12 */
		"cpe:2.3:x:vendor:product:1.0:*:*:*:*:*:*:*",     /* bad part */
		"cpe:2.3:a:vendor:pro*duct:1.0:*:*:*:*:*:*:*",    /* embedded '*' */
		"cpe:2.3:a:vendor:pr?oduct:1.0:*:*:*:*:*:*:*",    /* embedded '?' */
		"cpe:2.3:a:vendor::1.0:*:*:*:*:*:*:*",            /* empty attribute */
		"cpe:2.3:a:vendor:product:1 0:*:*:*:*:*:*:*",     /* blank */
		"cpe:2.3:a:vendor:product:1.0\\",                 /* dangling escape */
		"cpe:2.3:a:v\xc3\xa9ndor:product:1.0:*:*:*:*:*:*:*", /* non-ASCII */
		"cpe:/a:vendor:product:1.0:%7",                   /* short escape */
		"cpe:/a:vendor:product:1.0:u:e:l:extra",          /* 8 components */
		"cpe:/a:vendor:product:1.0:u:~a~b~c",             /* packed with 3 fields */
		"cpe:3.0:a:vendor",
		"",
	};
	struct kh_cpe c;
	struct kh_diag d;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		kh_diag_clear(&d);
		if (kh_cpe_parse(bad[i], &c, &d) != KH_EFORMAT)
			fail_msg("accepted: %s", bad[i]);
		assert_true(d.msg[0] != '\0');
	}
}

static void
test_match_relations(void **state)
{
	const char *base = "cpe:2.3:a:microsoft:internet_explorer:%s:*:*:*:*:*:*:*";
	char s[200], t[200];

	(void)state;
	/* ANY source is a superset of a value and of NA */
	assert_true(matches("cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*",
	                    "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*"));
	assert_true(matches("cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*",
	                    "cpe:2.3:a:microsoft:internet_explorer:-:*:*:*:*:*:*:*"));
	/* NA source is disjoint from a value; NA equals NA */
	assert_false(matches("cpe:2.3:a:microsoft:internet_explorer:-:*:*:*:*:*:*:*",
	                     "cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*"));
	assert_true(matches("cpe:2.3:a:microsoft:internet_explorer:-:*:*:*:*:*:*:*",
	                    "cpe:2.3:a:microsoft:internet_explorer:-:*:*:*:*:*:*:*"));
	/* a value source is only a subset of an ANY target: no match */
	assert_false(matches("cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*",
	                     "cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*"));
	/* case does not matter */
	assert_true(matches("cpe:2.3:a:Microsoft:Internet_Explorer:8.0:*:*:*:*:*:*:*",
	                    "cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*"));
	/* wildcards: '*' any suffix, '?' at most that many characters */
	snprintf(s, sizeof(s), base, "8.*");
	snprintf(t, sizeof(t), base, "8.0.6001");
	assert_true(matches(s, t));
	snprintf(t, sizeof(t), base, "9.0");
	assert_false(matches(s, t));
	snprintf(s, sizeof(s), base, "8.?");
	snprintf(t, sizeof(t), base, "8.0");
	assert_true(matches(s, t));
	snprintf(t, sizeof(t), base, "8.01");
	assert_false(matches(s, t));
	snprintf(s, sizeof(s), base, "*6001");
	snprintf(t, sizeof(t), base, "8.0.6001");
	assert_true(matches(s, t));
	/* a quoted '*' is a literal star, not a wildcard */
	snprintf(s, sizeof(s), base, "8\\*");
	snprintf(t, sizeof(t), base, "8.0");
	assert_false(matches(s, t));
	snprintf(t, sizeof(t), base, "8\\*");
	assert_true(matches(s, t));
	/* a target with wildcards is UNDEFINED: never a match */
	snprintf(s, sizeof(s), base, "8.*");
	snprintf(t, sizeof(t), base, "8.*");
	assert_false(matches(s, t));
	/* other attributes must hold too */
	assert_false(matches("cpe:2.3:a:microsoft:edge:*:*:*:*:*:*:*:*",
	                     "cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*"));
	assert_false(matches("cpe:2.3:o:microsoft:internet_explorer:*:*:*:*:*:*:*:*",
	                     "cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*"));
	/* URI and formatted string of the same name match */
	assert_true(matches("cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
	                    "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*"));
}

static void
test_compare_attr_table(void **state)
{
	struct kh_cpe_attr any = { KH_CPE_ANY, NULL, false }, na = { KH_CPE_NA, NULL, false };
	struct kh_cpe_attr v1 = { KH_CPE_VALUE, (char *)"abc", false };
	struct kh_cpe_attr v2 = { KH_CPE_VALUE, (char *)"abd", false };
	struct kh_cpe_attr w = { KH_CPE_VALUE, (char *)"ab*", true };

	(void)state;
	/* NISTIR 7696 table 6-2 */
	assert_int_equal(kh_cpe_compare_attr(&any, &any), KH_CPE_EQUAL);
	assert_int_equal(kh_cpe_compare_attr(&any, &na), KH_CPE_SUPERSET);
	assert_int_equal(kh_cpe_compare_attr(&any, &v1), KH_CPE_SUPERSET);
	assert_int_equal(kh_cpe_compare_attr(&any, &w), KH_CPE_UNDEFINED);
	assert_int_equal(kh_cpe_compare_attr(&na, &any), KH_CPE_SUBSET);
	assert_int_equal(kh_cpe_compare_attr(&na, &na), KH_CPE_EQUAL);
	assert_int_equal(kh_cpe_compare_attr(&na, &v1), KH_CPE_DISJOINT);
	assert_int_equal(kh_cpe_compare_attr(&na, &w), KH_CPE_UNDEFINED);
	assert_int_equal(kh_cpe_compare_attr(&v1, &any), KH_CPE_SUBSET);
	assert_int_equal(kh_cpe_compare_attr(&v1, &na), KH_CPE_DISJOINT);
	assert_int_equal(kh_cpe_compare_attr(&v1, &v1), KH_CPE_EQUAL);
	assert_int_equal(kh_cpe_compare_attr(&v1, &v2), KH_CPE_DISJOINT);
	assert_int_equal(kh_cpe_compare_attr(&v1, &w), KH_CPE_UNDEFINED);
	assert_int_equal(kh_cpe_compare_attr(&w, &any), KH_CPE_SUBSET);
	assert_int_equal(kh_cpe_compare_attr(&w, &na), KH_CPE_DISJOINT);
	assert_int_equal(kh_cpe_compare_attr(&w, &v1), KH_CPE_SUPERSET);
	assert_int_equal(kh_cpe_compare_attr(&w, &w), KH_CPE_UNDEFINED);
	assert_string_equal(kh_cpe_relation_name(KH_CPE_SUPERSET), "SUPERSET");
}

/* ---- configurations ----------------------------------------------------- */

static struct kh_feeds_advisory *
load_nvd(const char *name)
{
	const char *dir = getenv("KHIEN_FIXTURES");
	struct kh_feeds_stats st;
	struct kh_feeds_set set;
	struct kh_feeds_advisory *adv;
	struct kh_buf *raw = NULL;
	struct kh_diag d;
	char path[1024];

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/feeds/%s", dir, name);
	kh_diag_clear(&d);
	assert_int_equal(kh_file_read(path, 1 << 24, NULL, 0, &raw, &d), KH_OK);
	kh_feeds_set_init(&set);
	kh_feeds_stats_init(&st);
	assert_int_equal(kh_feeds_parse_to_set(KH_FEEDS_NVD, kh_buf_cur(raw), path, &set, &st, &d), KH_OK);
	assert_int_equal(set.n, 1);
	adv = set.items[0];
	set.n = 0;
	kh_feeds_set_cleanup(&set);
	kh_feeds_stats_cleanup(&st);
	kh_buf_free(raw);
	return adv;
}

/* Evaluates against targets given as CPE texts; returns vulnerable. */
static bool
eval(const struct kh_feeds_advisory *adv, const char *fixed_want, const char *t1, const char *t2)
{
	struct kh_cpe targets[2];
	struct kh_cpe_eval_result res;
	struct kh_buf why;
	size_t n = t2 != NULL ? 2 : 1;

	memset(targets, 0, sizeof(targets));
	parse_ok(t1, &targets[0]);
	if (t2 != NULL)
		parse_ok(t2, &targets[1]);
	kh_buf_init(&why, 0);
	assert_int_equal(kh_cpe_config_eval_text(&adv->configs, targets, n, &res, &why, NULL), KH_OK);
	assert_true(why.len > 0);
	if (fixed_want != NULL) {
		assert_non_null(res.fixed_version);
		assert_string_equal(res.fixed_version, fixed_want);
		assert_non_null(res.decided_by);
		assert_true(res.decided_by->vulnerable);
	}
	kh_buf_cleanup(&why);
	kh_cpe_cleanup(&targets[0]);
	kh_cpe_cleanup(&targets[1]);
	return res.vulnerable;
}

#define FOS(v) "cpe:2.3:o:fortinet:fortios:" v ":*:*:*:*:*:*:*"

static void
test_config_fortios(void **state)
{
	struct kh_feeds_advisory *adv = load_nvd("nvd_fortios.json");

	(void)state;
	/* CVE-2024-21762: 7.0.0 ≤ v < 7.0.14, 7.2.0 ≤ v < 7.2.7, 7.4.0 ≤ v < 7.4.3, … */
	assert_true(eval(adv, "7.0.14", FOS("7.0.13"), NULL));
	assert_false(eval(adv, NULL, FOS("7.0.14"), NULL));
	assert_true(eval(adv, "7.0.14", FOS("7.0.0"), NULL));  /* start included */
	assert_true(eval(adv, "7.2.7", FOS("7.2.6"), NULL));
	assert_false(eval(adv, NULL, FOS("7.2.7"), NULL));
	assert_true(eval(adv, "7.4.3", FOS("7.4.2"), NULL));
	assert_false(eval(adv, NULL, FOS("7.4.3"), NULL));
	assert_true(eval(adv, "6.4.15", FOS("6.4.14"), NULL));
	assert_true(eval(adv, "6.0.18", FOS("6.0.17"), NULL));
	assert_false(eval(adv, NULL, FOS("5.6.14"), NULL));
	assert_false(eval(adv, NULL, FOS("7.6.0"), NULL));
	assert_false(eval(adv, NULL, FOS("6.6.0"), NULL)); /* between the ranges */
	/* an unknown version is not a match */
	assert_false(eval(adv, NULL, FOS("*"), NULL));
	assert_false(eval(adv, NULL, FOS("-"), NULL));
	/* versionEndIncluding: FortiProxy 7.0.15 is affected, 7.0.16 is not */
	assert_true(eval(adv, NULL, "cpe:2.3:a:fortinet:fortiproxy:7.0.15:*:*:*:*:*:*:*", NULL));
	assert_false(eval(adv, NULL, "cpe:2.3:a:fortinet:fortiproxy:7.0.16:*:*:*:*:*:*:*", NULL));
	/* another vendor's product */
	assert_false(eval(adv, NULL, "cpe:2.3:o:paloaltonetworks:pan-os:7.0.1:*:*:*:*:*:*:*", NULL));
	kh_feeds_advisory_free(adv);
}

#define APP(v) "cpe:2.3:a:example:webportal:" v ":*:*:*:*:*:*:*"
#define GW(v) "cpe:2.3:a:example:gateway:" v ":*:*:*:*:*:*:*"
#define WIN "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"
#define MAC "cpe:2.3:o:apple:macos:14.1:*:*:*:*:*:*:*"

static void
test_config_and_negate(void **state)
{
	struct kh_feeds_advisory *adv = load_nvd("nvd_and_negate.json");
	struct kh_cpe_eval_result res;
	struct kh_cpe t[2];

	(void)state;
	/* configuration 1: WebPortal ≤ 2.3 AND running on Windows */
	assert_true(eval(adv, NULL, APP("2.3"), WIN));
	assert_true(eval(adv, NULL, WIN, APP("1.0"))); /* order of targets does not matter */
	assert_false(eval(adv, NULL, APP("2.3"), NULL)); /* no OS known: AND fails */
	assert_false(eval(adv, NULL, APP("2.4"), WIN));
	assert_false(eval(adv, NULL, APP("2.3"), MAC));
	/* configuration 2: 1.0 < Gateway < 2.0 AND NOT on macOS */
	assert_false(eval(adv, NULL, GW("1.0"), NULL));  /* start excluded */
	assert_true(eval(adv, "2.0", GW("1.0.1"), NULL));
	assert_true(eval(adv, "2.0", GW("1.9.9"), WIN));
	assert_false(eval(adv, NULL, GW("2.0"), NULL));  /* end excluded */
	assert_false(eval(adv, NULL, GW("1.5"), MAC));   /* negated node */
	/* the result names configuration, node and cpeMatch that decided */
	parse_ok(WIN, &t[0]);
	parse_ok(APP("2.0"), &t[1]);
	assert_int_equal(kh_cpe_config_eval(&adv->configs, t, 2, NULL, NULL, &res, NULL), KH_OK);
	assert_true(res.vulnerable);
	assert_int_equal(res.config, 0);
	assert_int_equal(res.node, 0);
	assert_int_equal(res.match, 0);
	assert_int_equal(res.target, 1);
	assert_null(res.fixed_version); /* versionEndIncluding names no fix */
	kh_cpe_cleanup(&t[0]);
	kh_cpe_cleanup(&t[1]);
	kh_feeds_advisory_free(adv);
}

/* The deciding cpeMatch belongs to a node that holds (a bug fixed before commit). */
static void
test_config_decided_by_true_node(void **state)
{
	struct kh_feeds_advisory *adv = load_nvd("nvd_or_nodes.json");
	struct kh_cpe_eval_result res;
	struct kh_cpe t[2];

	(void)state;
	parse_ok("cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*", &t[0]); /* node 1 lacks its platform */
	parse_ok("cpe:2.3:a:example:app2:2.5:*:*:*:*:*:*:*", &t[1]);
	assert_int_equal(kh_cpe_config_eval(&adv->configs, t, 2, NULL, NULL, &res, NULL), KH_OK);
	assert_true(res.vulnerable);
	assert_int_equal(res.node, 1);
	assert_int_equal(res.match, 0);
	assert_int_equal(res.target, 1);
	assert_string_equal(res.fixed_version, "3.0");
	kh_cpe_cleanup(&t[0]);
	kh_cpe_cleanup(&t[1]);
	kh_feeds_advisory_free(adv);
}

static void
test_config_keys(void **state)
{
	struct kh_feeds_advisory *adv = load_nvd("nvd_and_negate.json");
	char **keys = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(kh_cpe_configs_keys(&adv->configs, &keys, &n), KH_OK);
	/* only vulnerable entries: the OS platforms are not keys */
	assert_int_equal(n, 2);
	assert_string_equal(keys[0], "example:webportal");
	assert_string_equal(keys[1], "example:gateway");
	for (size_t i = 0; i < n; i++)
		kh_free(keys[i]);
	kh_free(keys);
	kh_feeds_advisory_free(adv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_formatted),
		cmocka_unit_test(test_parse_uri),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_match_relations),
		cmocka_unit_test(test_compare_attr_table),
		cmocka_unit_test(test_config_fortios),
		cmocka_unit_test(test_config_and_negate),
		cmocka_unit_test(test_config_decided_by_true_node),
		cmocka_unit_test(test_config_keys),
	};

	kh_lang_set(KH_LANG_EN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
