/*
 * test_version.c — version ordering through the public header: hand-checked
 * cases per scheme (outcomes taken from dpkg 1.21, rpm 4.18, node-semver 7.3
 * and the apk-tools test vectors), errors versus warnings, limits, and
 * antisymmetry over every pair of a varied set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khien/limits.h"
#include "khien/version.h"

struct case3 {
	const char *a;
	int cmp;
	const char *b;
};

static int
compare(enum kh_version_scheme scheme, const char *a, const char *b)
{
	struct kh_diag diag;
	int cmp = 99;

	kh_diag_clear(&diag);
	if (kh_version_compare(scheme, a, b, &cmp, &diag) != KH_OK)
		fail_msg("compare '%s' '%s': %s", a, b, diag.msg);
	return cmp;
}

/* Checks a OP b and b OP' a, so each case also tests antisymmetry. */
static void
check_cases(enum kh_version_scheme scheme, const struct case3 *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int got = compare(scheme, cases[i].a, cases[i].b);
		int back = compare(scheme, cases[i].b, cases[i].a);
		if (got != cases[i].cmp || back != -cases[i].cmp)
			fail_msg("%s: '%s' vs '%s': got %d/%d, want %d",
			         kh_version_scheme_name(scheme), cases[i].a, cases[i].b,
			         got, back, cases[i].cmp);
	}
}

static void
test_scheme_names(void **state)
{
	enum kh_version_scheme s;

	(void)state;
	for (int i = 0; i < KH_VERSION_SCHEME_COUNT_; i++) {
		assert_int_equal(kh_version_scheme_parse(
		                     kh_version_scheme_name((enum kh_version_scheme)i), &s),
		                 KH_OK);
		assert_int_equal(s, i);
	}
	assert_int_equal(kh_version_scheme_parse("DPKG", &s), KH_OK);
	assert_int_equal(s, KH_VERSION_DPKG);
	assert_int_equal(kh_version_scheme_parse("deb", &s), KH_EINVAL);
	assert_int_equal(kh_version_scheme_parse("", &s), KH_EINVAL);
}

static void
test_dpkg_order(void **state)
{
	static const struct case3 cases[] = {
		{ "1.0", -1, "1.1" },           { "1.0~rc1", -1, "1.0" },
		{ "1.0~~", -1, "1.0~" },        { "1.0~", -1, "1.0" },
		{ "1.0", -1, "1.0a" },          { "1.0a", -1, "1.0+" },
		{ "1.0+", -1, "1.0.1" },        { "1:0.1", 1, "2.0" },
		{ "0:1.0", 0, "1.0" },          { "1.0-1", -1, "1.0-2" },
		{ "1.0-1", 0, "1.0-01" },       { "1.0", 0, "1.0-0" },
		{ "2.0-1~bpo1", -1, "2.0-1" },  { "1.2-3-4", 1, "1.2-3" },
		{ "007", 0, "7" },              { "1:1", -1, "2:0" },
		{ "18446744073709551616", 1, "18446744073709551615" },
		{ "1.99999999999999999999999", 1, "1.99999999999999999999998" },
		{ "", -1, "0" },                 { "<unknown>", 0, "" },
		{ "", -1, "~" },                { " 1.0 ", 0, "1.0" },
		{ "a", 1, "1" },                { "1.0\xc3\xa9", -1, "1.0." },
		{ "1.0A", -1, "1.0a" },         { "+1:2", 0, "1:2" },
		{ "-0:2", 0, "2" },             { "1:2:3", 1, "1:2" },
	};

	(void)state;
	check_cases(KH_VERSION_DPKG, cases, sizeof(cases) / sizeof(cases[0]));
}

/* What dpkg refuses (exit 2) and what it only warns about. */
static void
test_dpkg_errors_and_warnings(void **state)
{
	static const struct {
		const char *v;
		enum kh_err err;
		enum kh_version_issue issue;
	} cases[] = {
		{ " ", KH_EFORMAT, KH_VERSION_ISSUE_EMPTY },
		{ "1 2", KH_EFORMAT, KH_VERSION_ISSUE_EMBEDDED_SPACES },
		{ ":1", KH_EFORMAT, KH_VERSION_ISSUE_EPOCH_EMPTY },
		{ "a:1", KH_EFORMAT, KH_VERSION_ISSUE_EPOCH_EMPTY },
		{ "1a:1", KH_EFORMAT, KH_VERSION_ISSUE_EPOCH_NOT_NUMBER },
		{ "-1:1", KH_EFORMAT, KH_VERSION_ISSUE_EPOCH_NEGATIVE },
		{ "2147483648:1", KH_EFORMAT, KH_VERSION_ISSUE_EPOCH_TOO_BIG },
		{ "1:", KH_EFORMAT, KH_VERSION_ISSUE_NOTHING_AFTER_COLON },
		{ "1: ", KH_EFORMAT, KH_VERSION_ISSUE_UPSTREAM_EMPTY },
		{ "1.0-", KH_EFORMAT, KH_VERSION_ISSUE_REVISION_EMPTY },
		{ "-1", KH_EFORMAT, KH_VERSION_ISSUE_UPSTREAM_EMPTY },
		{ "2147483647:1", KH_OK, KH_VERSION_ISSUE_NONE },
		{ "a", KH_OK, KH_VERSION_ISSUE_NOT_DIGIT_START },
		{ "1.0@", KH_OK, KH_VERSION_ISSUE_BAD_CHAR_UPSTREAM },
		{ "1.0-a_b", KH_OK, KH_VERSION_ISSUE_BAD_CHAR_REVISION },
		{ "1.0-a:b", KH_EFORMAT, KH_VERSION_ISSUE_EPOCH_NOT_NUMBER },
		{ "1:2:3-4", KH_OK, KH_VERSION_ISSUE_NONE },
	};
	struct kh_version_warnings warn;
	struct kh_diag diag;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int cmp = 5;
		enum kh_err r = kh_version_compare_cur(KH_VERSION_DPKG,
		                                       kh_cur_from_str(cases[i].v),
		                                       kh_cur_from_str("1"), &cmp, &warn, &diag);
		if (r != cases[i].err)
			fail_msg("'%s': err %d, want %d (%s)", cases[i].v, r, cases[i].err, diag.msg);
		if (r == KH_OK && warn.a != cases[i].issue)
			fail_msg("'%s': warning %d, want %d", cases[i].v, warn.a, cases[i].issue);
		if (r != KH_OK) {
			assert_int_equal(cmp, 0);
			assert_non_null(strstr(diag.msg, kh_version_issue_text(cases[i].issue)));
			assert_non_null(strstr(diag.msg, "has bad syntax"));
		}
	}
	/* the left version is reported first */
	assert_int_equal(kh_version_compare_cur(KH_VERSION_DPKG, kh_cur_from_str("1:"),
	                                        kh_cur_from_str(":1"), &(int){ 0 }, NULL, &diag),
	                 KH_EFORMAT);
	assert_non_null(strstr(diag.msg, "'1:'"));
}

static void
test_rpm_order(void **state)
{
	static const struct case3 cases[] = {
		{ "1.0", -1, "1.1" },         { "1.0~rc1", -1, "1.0" },
		{ "1.0^git1", 1, "1.0" },     { "1.0^git1", -1, "1.0.1" },
		{ "1.0~rc1^git1", -1, "1.0~rc1.1" }, { "1.0^", 1, "1.0" },
		{ "1.0a", -1, "1.0.1" },      { "1.0", 0, "1_0" },
		{ "1.0", -1, "1.0-1" },       { "1.0-", 1, "1.0" },
		{ "1:1.0", 1, "2.0" },        { ":1.0", 0, "1.0" },
		{ "0:1.0", 0, "1.0" },        { "01:1", 0, "1:1" },
		{ "a", -1, "1" },             { "abc", 1, "abb" },
		{ "1.0-1.el9", -1, "1.0-2.el9" }, { "2.0-1", 1, "1.99-9" },
		{ "18446744073709551616", 1, "18446744073709551615" },
		{ "1.0010", 0, "1.10" },      { "1..0", 0, "1.0" },
		{ "-1", 1, "-" },             { "1:", -1, "1:0" },
	};

	(void)state;
	check_cases(KH_VERSION_RPM, cases, sizeof(cases) / sizeof(cases[0]));
	assert_int_equal(kh_version_compare(KH_VERSION_RPM, "", "1", &(int){ 0 }, NULL),
	                 KH_EFORMAT);
}

/* semver.org 2.0.0, rule 11: the specification's own examples, in order. */
static void
test_semver_spec_order(void **state)
{
	static const char *const chain[] = {
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0",
		"2.1.0", "2.1.1",
	};
	static const struct case3 cases[] = {
		{ "1.0.0+20130313144700", 0, "1.0.0" },
		{ "1.0.0-beta+exp.sha.5114f85", 0, "1.0.0-beta" },
		{ "v1.2.3", 0, "1.2.3" },
		{ "1.0.0-0.3.7", -1, "1.0.0-x.7.z.92" },
		{ "1.0.0-x-y-z.--", 1, "1.0.0-x-y-z.-" },
		{ "1.0.0-18446744073709551616", 1, "1.0.0-18446744073709551615" },
		{ "1.0.0-a", 1, "1.0.0-99999999999999999999" },
		{ "1.0.0-A", -1, "1.0.0-a" },
	};
	size_t n = sizeof(chain) / sizeof(chain[0]);

	(void)state;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			assert_int_equal(compare(KH_VERSION_SEMVER, chain[i], chain[j]),
			                 (i > j) - (i < j));
	check_cases(KH_VERSION_SEMVER, cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_semver_invalid(void **state)
{
	static const char *const bad[] = {
		"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "V1.2.3",
		" 1.2.3", "1.2.3 ", "=1.2.3", "1.2.3-", "1.2.3-01", "1.2.3-a..b",
		"1.2.3+", "1.2.3+a..b", "1.2.3-a_b", "9007199254740992.0.0", "vv1.2.3",
		"1.2.3\n",
	};
	char long_ok[300];
	struct kh_diag diag;
	enum kh_version_issue issue;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (kh_version_validate(KH_VERSION_SEMVER, kh_cur_from_str(bad[i]), &issue,
		                        &diag) != KH_EFORMAT)
			fail_msg("'%s' should be invalid", bad[i]);
	assert_int_equal(kh_version_validate(KH_VERSION_SEMVER,
	                                     kh_cur_from_str("9007199254740991.0.0-01a+001"),
	                                     &issue, &diag), KH_OK);
	/* node-semver's MAX_LENGTH: 256 characters pass, 257 do not */
	memset(long_ok, 'a', sizeof(long_ok));
	memcpy(long_ok, "1.0.0-", 6);
	assert_int_equal(kh_version_validate(KH_VERSION_SEMVER, kh_cur_make(long_ok, 256),
	                                     &issue, &diag), KH_OK);
	assert_int_equal(kh_version_validate(KH_VERSION_SEMVER, kh_cur_make(long_ok, 257),
	                                     &issue, &diag), KH_EFORMAT);
	assert_int_equal(issue, KH_VERSION_ISSUE_SEMVER_TOO_LONG);
}

/* apk's "A OP B" lines: OP is a mask of <, >, =, ~ (fuzzy); '!' negates. */
static bool
apk_relation_holds(const char *a, const char *op, const char *b)
{
	bool invert = op[0] == '!', fuzzy = false, ok;
	unsigned mask = 0;
	int cmp;

	for (const char *p = op + invert; *p; p++)
		mask |= *p == '<' ? 1u : *p == '=' ? 2u : *p == '>' ? 4u : 0u;
	fuzzy = strchr(op, '~') != NULL;
	if (fuzzy)
		mask |= 2u;
	if (fuzzy)
		assert_int_equal(kh_version_apk_compare_fuzzy(kh_cur_from_str(a),
		                                              kh_cur_from_str(b), &cmp, NULL),
		                 KH_OK);
	else
		cmp = compare(KH_VERSION_APK, a, b);
	ok = (mask & (cmp < 0 ? 1u : cmp == 0 ? 2u : 4u)) != 0;
	return invert ? !ok : ok;
}

static bool
apk_vector_holds(char *line)
{
	char *hash = strchr(line, '#'), *op, *b;
	enum kh_version_issue issue;
	bool invert;

	if (hash != NULL)
		*hash = '\0';
	kh_str_trim(line);
	if (*line == '\0')
		return true;
	if ((op = strchr(line, ' ')) != NULL && (b = strchr(op + 1, ' ')) != NULL) {
		*op++ = '\0';
		*b++ = '\0';
		return apk_relation_holds(line, op, b);
	}
	invert = line[0] == '!';
	if (kh_version_validate(KH_VERSION_APK, kh_cur_from_str(line + invert), &issue,
	                        NULL) != KH_OK)
		return false;
	return (issue == KH_VERSION_ISSUE_NONE) != invert;
}

static void
test_apk_vectors(void **state)
{
	char path[4096], line[1024];
	const char *dir = getenv("KHIEN_FIXTURES");
	int n_lines = 0, n_failed = 0;
	FILE *f;

	(void)state;
	assert_non_null(dir);
	assert_int_equal(kh_snprintf(path, sizeof(path), "%s/version/apk-version.data", dir),
	                 KH_OK);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		char copy[1024];
		kh_strlcpy(copy, line, sizeof(copy));
		n_lines++;
		if (!apk_vector_holds(line)) {
			n_failed++;
			print_message("apk vector fails: %s", copy);
		}
	}
	fclose(f);
	assert_true(n_lines > 780);
	assert_int_equal(n_failed, 0);
}

static void
test_apk_beyond_64_bits(void **state)
{
	static const struct case3 cases[] = {
		{ "18446744073709551617", 1, "2" },
		{ "1.0_p18446744073709551617", 1, "1.0_p2" },
		{ "1.0-r18446744073709551617", 1, "1.0-r2" },
	};

	(void)state;
	check_cases(KH_VERSION_APK, cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_generic_table(void **state)
{
	char path[4096], line[1024];
	const char *dir = getenv("KHIEN_FIXTURES");
	int n_rows = 0;
	FILE *f;

	(void)state;
	assert_int_equal(kh_snprintf(path, sizeof(path), "%s/version/generic.data", dir),
	                 KH_OK);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *saveptr = NULL, *a, *op, *b;
		struct case3 c;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		a = strtok_r(line, "\t\n", &saveptr);
		op = strtok_r(NULL, "\t\n", &saveptr);
		b = strtok_r(NULL, "\t\n", &saveptr);
		assert_non_null(a);
		assert_non_null(op);
		assert_non_null(b);
		c.a = a;
		c.b = b;
		c.cmp = op[0] == '<' ? -1 : op[0] == '>' ? 1 : 0;
		check_cases(KH_VERSION_GENERIC, &c, 1);
		n_rows++;
	}
	fclose(f);
	assert_true(n_rows >= 40);
}

static void
test_generic_invalid(void **state)
{
	struct kh_diag diag;
	enum kh_version_issue issue;

	(void)state;
	assert_int_equal(kh_version_validate(KH_VERSION_GENERIC, kh_cur_from_str("  "),
	                                     &issue, &diag), KH_EFORMAT);
	assert_int_equal(issue, KH_VERSION_ISSUE_EMPTY);
	assert_int_equal(kh_version_validate(KH_VERSION_GENERIC, kh_cur_from_str("1.0\x1b[31m"),
	                                     &issue, &diag), KH_EFORMAT);
	assert_int_equal(issue, KH_VERSION_ISSUE_BAD_CHAR);
	/* the escape byte is shown, not sent to the terminal */
	assert_non_null(strstr(diag.msg, "\\x1b"));
	assert_null(strchr(diag.msg, 0x1b));
}

static void
test_limits_and_nul(void **state)
{
	static char big[8192];
	struct kh_diag diag;
	int cmp = 7;

	(void)state;
	memset(big, '1', sizeof(big));
	for (int s = 0; s < KH_VERSION_SCHEME_COUNT_; s++) {
		kh_diag_clear(&diag);
		assert_int_equal(kh_version_compare_cur((enum kh_version_scheme)s,
		                                        kh_cur_make(big, 4097),
		                                        kh_cur_from_str("1"), &cmp, NULL, &diag),
		                 KH_ELIMIT);
		assert_string_equal(diag.limit, "max_version_bytes");
		assert_int_equal(cmp, 0);
		assert_int_equal(kh_version_compare_cur((enum kh_version_scheme)s,
		                                        kh_cur_make("1\0" "2", 3),
		                                        kh_cur_from_str("1"), &cmp, NULL, &diag),
		                 KH_EFORMAT);
	}
	/* 4096 digits is a number far beyond any machine integer, and fine */
	assert_int_equal(kh_version_compare_cur(KH_VERSION_DPKG, kh_cur_make(big, 4096),
	                                        kh_cur_make(big, 4095), &cmp, NULL, &diag),
	                 KH_OK);
	assert_int_equal(cmp, 1);
	assert_int_equal(kh_limit_set("max_version_bytes", "10"), KH_OK);
	assert_int_equal(kh_version_compare(KH_VERSION_RPM, "1.2.3.4.5.6", "1", &cmp, &diag),
	                 KH_ELIMIT);
	kh_limits_reset();
	assert_int_equal(kh_version_compare((enum kh_version_scheme)42, "1", "1", &cmp, &diag),
	                 KH_EINVAL);
}

/* Reflexive, antisymmetric and transitive over every pair and triple of a varied set. */
static void
test_order_properties(void **state)
{
	static const char *const sets[KH_VERSION_SCHEME_COUNT_][14] = {
		[KH_VERSION_DPKG] = { "1.0", "1.0~", "1.0a", "1:0", "1.0-1", "1.0+b1", "0.9",
		                      "1.0.0", "01.0", "1.0~~a", "a1", "1.0-1~", "<unknown>", "9" },
		[KH_VERSION_RPM] = { "1.0", "1.0~", "1.0^", "1:0", "1.0-1", "1.0a", "1_0", "a",
		                     "1.0^a", "1.0~^", "2", "1:0-1", "1.0-", "^" },
		[KH_VERSION_SEMVER] = { "1.0.0", "1.0.0-a", "1.0.0-1", "1.0.0-a.1", "1.0.0-a.a",
		                        "0.0.1", "1.0.0+x", "1.0.0-1.a", "2.0.0", "1.0.0-10",
		                        "1.0.0-2", "1.0.0-b", "1.0.0-a-", "1.1.0" },
		[KH_VERSION_APK] = { "1.0", "1.0_rc1", "1.0a", "1.0-r1", "1.0_p1", "1.0.01",
		                     "1.0.1", "1.0~abc", "1.0_alpha", "1.0bc", "1", "x", "1.0_git1",
		                     "1.0_rc1_p2" },
		[KH_VERSION_GENERIC] = { "1.0", "1.0 rc1", "1.0b", "1.0.1", "1.0 U1", "1.0 esr",
		                         "1.0 alpha", "2", "1.0.0", "1.0 build 5", "1.0 rc",
		                         "1.0 dev3", "1.0.0.1", "1.0 beta" },
	};

	(void)state;
	for (int s = 0; s < KH_VERSION_SCHEME_COUNT_; s++) {
		const char *const *v = sets[s];
		int m[14][14];
		for (int i = 0; i < 14; i++)
			for (int j = 0; j < 14; j++)
				m[i][j] = compare((enum kh_version_scheme)s, v[i], v[j]);
		for (int i = 0; i < 14; i++) {
			assert_int_equal(m[i][i], 0);
			for (int j = 0; j < 14; j++) {
				assert_int_equal(m[i][j], -m[j][i]);
				for (int k = 0; k < 14; k++)
					if (m[i][j] <= 0 && m[j][k] <= 0 && m[i][k] > 0)
						fail_msg("%s: not transitive: %s %s %s",
						         kh_version_scheme_name((enum kh_version_scheme)s),
						         v[i], v[j], v[k]);
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scheme_names),
		cmocka_unit_test(test_dpkg_order),
		cmocka_unit_test(test_dpkg_errors_and_warnings),
		cmocka_unit_test(test_rpm_order),
		cmocka_unit_test(test_semver_spec_order),
		cmocka_unit_test(test_semver_invalid),
		cmocka_unit_test(test_apk_vectors),
		cmocka_unit_test(test_apk_beyond_64_bits),
		cmocka_unit_test(test_generic_table),
		cmocka_unit_test(test_generic_invalid),
		cmocka_unit_test(test_limits_and_nul),
		cmocka_unit_test(test_order_properties),
	};

	kh_lang_set(KH_LANG_EN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
