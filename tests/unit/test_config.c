/* test_config.c — khien.conf: strict keys, line numbers in errors, limits applied. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "khien/config.h"
#include "khien/limits.h"

static enum kh_err
parse(const char *text, struct kh_config **cfg, struct kh_diag *diag)
{
	kh_diag_clear(diag);
	return kh_config_parse(kh_cur_from_str(text), "khien.conf", cfg, diag);
}

static void
test_valid_file(void **state)
{
	struct kh_config *cfg;
	struct kh_diag diag;
	long long timeout;

	(void)state;
	assert_int_equal(parse("\xEF\xBB\xBF# Khiên\n[core]\nlang = en  # tiếng Anh\n"
	                       "unit = \"UBND Phường 1 # ;\" # quoted\n\n; comment\n[store]\n"
	                       "busy_timeout_ms=250\n[limits]\nmax_csv_rows = 2K\n",
	                       &cfg, &diag), KH_OK);
	assert_string_equal(kh_config_get(cfg, "core", "lang"), "en");
	assert_string_equal(kh_config_get(cfg, "core", "unit"), "UBND Phường 1 # ;");
	assert_string_equal(kh_config_get(cfg, "core", "log_level"), "info"); /* default */
	assert_null(kh_config_get(cfg, "core", "data_dir"));
	assert_int_equal(kh_config_get_int(cfg, "store", "busy_timeout_ms", 0, 60000,
	                                   &timeout, &diag), KH_OK);
	assert_int_equal(timeout, 250);
	assert_int_equal(KH_LIMIT(max_csv_rows), 2048);
	kh_config_free(cfg);
	kh_limits_reset();
}

static void
test_errors_name_line(void **state)
{
	static const struct {
		const char *text;
		long line;
		const char *needle;
	} cases[] = {
		{ "[core]\nlang = vi\n[nope]\n", 3, "unknown section [nope]" },
		{ "[core]\n\nbogus = 1\n", 3, "unknown key 'bogus' in [core]" },
		{ "lang = vi\n", 1, "outside of any [section]" },
		{ "[core]\nlang vi\n", 2, "expected 'key = value'" },
		{ "[core\n", 1, "must end with ']'" },
		{ "[limits]\nmax_csv_rows = many\n", 2, "not a positive size" },
		{ "[limits]\nmax_nothing = 1\n", 2, "unknown key 'max_nothing'" },
		{ "[core]\nlang = vi\nlang = en\n", 3, "already set on line 2" },
		{ "[core]\n= x\n", 2, "invalid key name" },
	};
	struct kh_config *cfg;
	struct kh_diag diag;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_not_equal(parse(cases[i].text, &cfg, &diag), KH_OK);
		assert_null(cfg);
		assert_string_equal(diag.file, "khien.conf");
		assert_int_equal(diag.line, cases[i].line);
		if (strstr(diag.msg, cases[i].needle) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, diag.msg, cases[i].needle);
	}
	kh_limits_reset();
}

static void
test_not_text(void **state)
{
	struct kh_config *cfg;
	struct kh_diag diag;

	(void)state;
	assert_int_equal(kh_config_parse(kh_cur_make("[core]\n\xFF\n", 9), "x.conf", &cfg,
	                                 &diag), KH_EFORMAT);
	assert_int_equal(kh_config_parse(kh_cur_make("[core]\0\n", 8), "x.conf", &cfg,
	                                 &diag), KH_EFORMAT);
}

static void
test_typed_values(void **state)
{
	struct kh_config *cfg;
	struct kh_diag diag;
	long long n;

	(void)state;
	assert_int_equal(parse("[store]\nbusy_timeout_ms = soon\n", &cfg, &diag), KH_OK);
	assert_int_equal(kh_config_get_int(cfg, "store", "busy_timeout_ms", 0, 10, &n, &diag),
	                 KH_EINVAL);
	assert_int_equal(diag.line, 2);
	kh_config_free(cfg);
}

static void
test_missing_file(void **state)
{
	struct kh_config *cfg;
	struct kh_diag diag;

	(void)state;
	assert_int_equal(kh_config_load("/nonexistent/khien.conf", false, &cfg, &diag), KH_OK);
	assert_string_equal(kh_config_get(cfg, "store", "backend"), "sqlite");
	kh_config_free(cfg);
	assert_int_equal(kh_config_load("/nonexistent/khien.conf", true, &cfg, &diag),
	                 KH_ENOENT);
}

static void
test_alloc_failures_clean_up(void **state)
{
	const char *text = "[core]\nlang = vi\nunit = x\n[limits]\nmax_csv_rows = 5\n";
	struct kh_config *cfg;
	struct kh_diag diag;
	enum kh_err r;

	(void)state;
	/* Every allocation in turn fails: the parser must fail cleanly (ASan checks leaks). */
	for (long n = 0; n < 40; n++) {
		kh_alloc_fail_after(n);
		r = parse(text, &cfg, &diag);
		kh_alloc_fail_after(-1);
		if (r == KH_OK) {
			kh_config_free(cfg);
			break;
		}
		assert_int_equal(r, KH_ENOMEM);
		assert_null(cfg);
	}
	kh_limits_reset();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_file),
		cmocka_unit_test(test_errors_name_line),
		cmocka_unit_test(test_not_text),
		cmocka_unit_test(test_typed_values),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_alloc_failures_clean_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
