/* test_util.c — the core: cursor bounds, capped buffer, strings, files, hashing, JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "khien/limits.h"
#include "khien/util.h"

static void
test_cursor_never_reads_past_end(void **state)
{
	const uint8_t bytes[] = { 0x01, 0x02, 0x03 };
	struct kh_cur c = kh_cur_make(bytes, sizeof(bytes));
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;

	(void)state;
	assert_false(kh_cur_get_be32(&c, &v32)); /* 3 bytes < 4 */
	assert_int_equal(c.len, 3);              /* unchanged on failure */
	assert_true(kh_cur_get_be16(&c, &v16));
	assert_int_equal(v16, 0x0102);
	assert_true(kh_cur_get_u8(&c, &v8));
	assert_int_equal(v8, 3);
	assert_false(kh_cur_get_u8(&c, &v8));
	assert_false(kh_cur_skip(&c, 1));
	assert_int_equal(kh_cur_peek(&c), -1);

	c = kh_cur_make(bytes, sizeof(bytes));
	assert_true(kh_cur_get_le16(&c, &v16));
	assert_int_equal(v16, 0x0201);
	c = kh_cur_make(bytes, sizeof(bytes));
	assert_true(kh_cur_get_be24(&c, &v32));
	assert_int_equal(v32, 0x010203);
}

static void
test_cursor_lines(void **state)
{
	struct kh_cur c = kh_cur_from_str("one\r\ntwo\n\nthree-is-long\nlast");
	struct kh_cur line;
	bool too_long;

	(void)state;
	assert_true(kh_cur_get_line(&c, 10, &line, &too_long));
	assert_true(kh_cur_eq(&line, "one"));
	assert_true(kh_cur_get_line(&c, 10, &line, &too_long));
	assert_true(kh_cur_eq(&line, "two"));
	assert_true(kh_cur_get_line(&c, 10, &line, &too_long));
	assert_int_equal(line.len, 0);
	assert_false(kh_cur_get_line(&c, 10, &line, &too_long));
	assert_true(too_long);
	assert_true(kh_cur_get_line(&c, 10, &line, &too_long));
	assert_true(kh_cur_eq(&line, "last"));
	assert_false(kh_cur_get_line(&c, 10, &line, &too_long));
	assert_false(too_long);
}

static void
test_cursor_helpers(void **state)
{
	struct kh_cur c = kh_cur_from_str("  key=value \t");
	struct kh_cur key, sub;
	char *dup;

	(void)state;
	kh_cur_trim(&c);
	assert_true(kh_cur_take_until(&c, '=', &key));
	assert_true(kh_cur_eq(&key, "key"));
	assert_true(kh_cur_accept(&c, "val"));
	assert_false(kh_cur_accept(&c, "xyz"));
	assert_false(kh_cur_take(&c, 3, &sub));
	assert_true(kh_cur_take(&c, 2, &sub));
	dup = kh_cur_dup(&sub);
	assert_string_equal(dup, "ue");
	kh_free(dup);
	c = kh_cur_make("a\0b", 3);
	assert_false(kh_cur_no_nul(&c));
}

static void
test_buffer_cap_is_hard(void **state)
{
	struct kh_buf b;

	(void)state;
	kh_buf_init(&b, 8);
	assert_string_equal(kh_buf_str(&b), "");
	assert_int_equal(kh_buf_append_str(&b, "12345678"), KH_OK);
	assert_int_equal(kh_buf_putc(&b, '9'), KH_ELIMIT);
	assert_int_equal(b.len, 8); /* unchanged */
	assert_string_equal(kh_buf_str(&b), "12345678");
	kh_buf_reset(&b);
	assert_int_equal(kh_buf_printf(&b, "%d-%s", 42, "ab"), KH_OK);
	assert_string_equal(kh_buf_str(&b), "42-ab");
	assert_int_equal(kh_buf_printf(&b, "%s", "toolong"), KH_ELIMIT);
	assert_string_equal(kh_buf_str(&b), "42-ab");
	kh_buf_cleanup(&b);
}

static void
test_buffer_alloc_failure(void **state)
{
	struct kh_buf b;

	(void)state;
	kh_buf_init(&b, 0);
	kh_alloc_fail_after(0);
	assert_int_equal(kh_buf_append_str(&b, "x"), KH_ENOMEM);
	kh_alloc_fail_after(-1);
	assert_int_equal(kh_buf_append_str(&b, "x"), KH_OK);
	kh_buf_cleanup(&b);
}

static void
test_integers(void **state)
{
	int64_t i;
	uint64_t u;

	(void)state;
	assert_int_equal(kh_str_to_i64("-42", -100, 100, &i), KH_OK);
	assert_int_equal(i, -42);
	assert_int_equal(kh_str_to_i64("101", -100, 100, &i), KH_ETOO_LARGE);
	assert_int_equal(kh_str_to_i64(" 1", 0, 10, &i), KH_EFORMAT);
	assert_int_equal(kh_str_to_i64("1x", 0, 10, &i), KH_EFORMAT);
	assert_int_equal(kh_str_to_i64("", 0, 10, &i), KH_EFORMAT);
	assert_int_equal(kh_str_to_i64("+1", 0, 10, &i), KH_EFORMAT);
	assert_int_equal(kh_str_to_u64("18446744073709551615", UINT64_MAX, &u), KH_OK);
	assert_int_equal(kh_str_to_u64("18446744073709551616", UINT64_MAX, &u),
	                 KH_ETOO_LARGE);
	assert_int_equal(kh_str_to_u64("-1", UINT64_MAX, &u), KH_EFORMAT);
}

static void
test_strings(void **state)
{
	char small[4], text[32] = "  Hà Nội \t";

	(void)state;
	assert_int_equal(kh_strlcpy(small, "abcdef", sizeof(small)), 6);
	assert_string_equal(small, "abc");
	assert_int_equal(kh_snprintf(small, sizeof(small), "%s", "abcd"), KH_ETOO_LARGE);
	assert_int_equal(kh_snprintf(small, sizeof(small), "%s", "abc"), KH_OK);
	assert_string_equal(kh_str_trim(text), "Hà Nội");
	assert_int_equal(kh_str_casecmp("FortiOS", "fortios"), 0);
	assert_true(kh_str_casecmp("a", "b") < 0);
	assert_true(kh_str_starts_with("cpe:2.3:o", "cpe:"));
	assert_true(kh_str_ends_with("x.yar", ".yar"));
	assert_false(kh_str_ends_with("r", ".yar"));
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_true(kh_utf8_valid("Ủy ban nhân dân", strlen("Ủy ban nhân dân")));
	assert_false(kh_utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
	assert_false(kh_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
	assert_false(kh_utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(kh_utf8_valid("\xE1\xBB", 2));         /* truncated */
	assert_true(kh_utf8_valid("\xF0\x9F\x9B\xA1", 4));  /* U+1F6E1 shield */
}

static void
test_hash_vectors(void **state)
{
	char hex[65];

	(void)state;
	/* FIPS 180-2 / RFC 1321 test vectors for "abc". */
	assert_int_equal(kh_hash_hex(KH_HASH_SHA256, "abc", 3, hex, sizeof(hex)), KH_OK);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(kh_hash_hex(KH_HASH_SHA1, "abc", 3, hex, sizeof(hex)), KH_OK);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	assert_int_equal(kh_hash_hex(KH_HASH_MD5, "abc", 3, hex, sizeof(hex)), KH_OK);
	assert_string_equal(hex, "900150983cd24fb0d6963f7d28e17f72");
	assert_int_equal(kh_hash_hex(KH_HASH_SHA256, "abc", 3, hex, 10), KH_ETOO_LARGE);
}

static void
test_hash_streaming_matches_one_shot(void **state)
{
	uint8_t digest[KH_HASH_MAX_BYTES];
	struct kh_hash *h;
	char hex[65];

	(void)state;
	assert_int_equal(kh_hash_new(KH_HASH_SHA256, &h), KH_OK);
	assert_int_equal(kh_hash_update(h, "a", 1), KH_OK);
	assert_int_equal(kh_hash_update(h, "bc", 2), KH_OK);
	assert_int_equal(kh_hash_final(h, digest), KH_OK);
	kh_hex_encode(digest, 32, hex);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	kh_hash_free(h);
}

static void
test_json_bounds(void **state)
{
	struct kh_diag diag;
	char deep[400];
	json_t *j;

	(void)state;
	kh_diag_clear(&diag);
	assert_int_equal(kh_json_parse(kh_cur_from_str("{\"a\": \"[[[[\", \"b\": 1}"),
	                               "t.json", &j, &diag), KH_OK);
	assert_string_equal(kh_json_str(j, "a"), "[[[[");
	assert_null(kh_json_str(j, "b"));
	json_decref(j);

	assert_int_equal(kh_json_parse(kh_cur_from_str("{\"a\":1,\"a\":2}"), "dup.json",
	                               &j, &diag), KH_EFORMAT);
	assert_null(j);
	assert_string_equal(diag.file, "dup.json");

	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	assert_int_equal(kh_json_parse(kh_cur_from_str(deep), "deep.json", &j, &diag),
	                 KH_ELIMIT);
	assert_string_equal(diag.limit, "max_json_depth");

	assert_int_equal(kh_json_parse(kh_cur_from_str("{\"a\": tru}"), "bad.json", &j,
	                               &diag), KH_EFORMAT);
	assert_int_equal(diag.line, 1);
}

static void
test_json_set_rejects_invalid_utf8(void **state)
{
	json_t *o = json_object();

	(void)state;
	assert_int_equal(kh_json_set_str(o, "k", "\xFF"), KH_EFORMAT);
	assert_int_equal(kh_json_set_str(o, "k", "Phường 1"), KH_OK);
	assert_int_equal(kh_json_set_str(o, "n", NULL), KH_OK);
	assert_true(json_is_null(json_object_get(o, "n")));
	json_decref(o);
}

static char tmpdir[64];

static int
make_tmpdir(void **state)
{
	(void)state;
	kh_strlcpy(tmpdir, "/tmp/khien-test-XXXXXX", sizeof(tmpdir));
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
remove_tmpdir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_files(void **state)
{
	struct kh_diag diag;
	struct kh_buf *buf;
	char *path, *link, *nested;

	(void)state;
	path = kh_path_join(tmpdir, "data.txt");
	link = kh_path_join(tmpdir, "link.txt");
	nested = kh_path_join(tmpdir, "a/b/c");
	assert_int_equal(kh_file_write_atomic(path, "hello", 5, 0600, &diag), KH_OK);
	assert_int_equal(kh_file_read(path, 5, "max_x", 0, &buf, &diag), KH_OK);
	assert_string_equal(kh_buf_str(buf), "hello");
	kh_buf_free(buf);
	assert_int_equal(kh_file_read(path, 4, "max_x", 0, &buf, &diag), KH_ELIMIT);
	assert_string_equal(diag.limit, "max_x");
	assert_null(buf);

	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(kh_file_read(link, 100, NULL, 0, &buf, &diag), KH_EIO);
	assert_non_null(strstr(diag.msg, "symbolic link"));
	assert_int_equal(kh_file_read(link, 100, NULL, KH_FILE_FOLLOW, &buf, &diag), KH_OK);
	kh_buf_free(buf);
	assert_int_equal(kh_file_read(tmpdir, 100, NULL, 0, &buf, &diag), KH_EINVAL);
	assert_int_equal(kh_file_read("/nonexistent/x", 100, NULL, 0, &buf, &diag),
	                 KH_ENOENT);
	assert_int_equal(kh_mkdir_p(nested, 0700, &diag), KH_OK);
	assert_int_equal(kh_mkdir_p(nested, 0700, &diag), KH_OK);
	assert_int_equal(kh_mkdir_p(path, 0700, &diag), KH_EIO); /* a file is in the way */
	kh_free(path);
	kh_free(link);
	kh_free(nested);
}

static void
test_path_join(void **state)
{
	char *p;

	(void)state;
	p = kh_path_join("/var/lib/", "/khien.db");
	assert_string_equal(p, "/var/lib/khien.db");
	kh_free(p);
	p = kh_path_join("/", "etc");
	assert_string_equal(p, "/etc");
	kh_free(p);
}

static void
test_dates(void **state)
{
	time_t t;
	char iso[32];

	(void)state;
	assert_int_equal(kh_time_parse_date("2024-02-29", &t), KH_OK);
	kh_time_iso8601(t, iso, sizeof(iso));
	assert_string_equal(iso, "2024-02-29T00:00:00Z");
	assert_int_equal(kh_time_parse_date("2023-02-29", &t), KH_EFORMAT);
	assert_int_equal(kh_time_parse_date("2023-13-01", &t), KH_EFORMAT);
	assert_int_equal(kh_time_parse_date("2023-1-01", &t), KH_EFORMAT);
}

static void
test_limits_and_diag(void **state)
{
	struct kh_diag diag;
	char text[1400];

	(void)state;
	assert_int_equal(kh_limit_set("max_csv_rows", "64K"), KH_OK);
	assert_int_equal(KH_LIMIT(max_csv_rows), 65536);
	assert_int_equal(kh_limit_set("max_csv_rows", "0"), KH_EINVAL);
	assert_int_equal(kh_limit_set("max_csv_rows", "-5"), KH_EINVAL);
	assert_int_equal(kh_limit_set("max_csv_rows", "99999999999999999999G"), KH_EINVAL);
	assert_int_equal(kh_limit_set("no_such_limit", "1"), KH_ENOENT);
	assert_int_equal(kh_diag_limit(&diag, "a.csv", "max_csv_rows", "too many rows"),
	                 KH_ELIMIT);
	kh_diag_format(&diag, text, sizeof(text));
	assert_string_equal(text, "a.csv: too many rows: limit max_csv_rows (65536) exceeded");
	kh_limits_reset();
	assert_int_equal(KH_LIMIT(max_csv_rows), kh_limit_default(KH_LIMIT_max_csv_rows));
	(void)kh_diag_set(&diag, KH_EFORMAT, "s.txt", 17, "bad %s", "thing");
	kh_diag_format(&diag, text, sizeof(text));
	assert_string_equal(text, "s.txt:17: bad thing");
	assert_string_equal(kh_strerror(KH_ELIMIT), "limit exceeded");
	assert_string_equal(kh_strerror((enum kh_err)999), "unknown error");
}

static void
test_languages(void **state)
{
	enum kh_lang lang;

	(void)state;
	assert_int_equal(kh_lang_parse("en", &lang), KH_OK);
	kh_lang_set(lang);
	assert_string_equal(KH_MSG("Packages", "Gói"), "Packages");
	assert_int_equal(kh_lang_parse("vi_VN.UTF-8", &lang), KH_OK);
	kh_lang_set(lang);
	assert_string_equal(KH_MSG("Packages", "Gói"), "Gói");
	assert_int_equal(kh_lang_parse("fr", &lang), KH_EINVAL);
	kh_lang_set(KH_LANG_EN);
}

static char last_log[256];
static void
capture_log(enum kh_log_level level, const char *msg, void *ctx)
{
	(void)ctx;
	snprintf(last_log, sizeof(last_log), "%d:%s", (int)level, msg);
}

static void
test_logging_levels(void **state)
{
	(void)state;
	kh_log_set_handler(capture_log, NULL);
	kh_log_set_level(KH_LOG_WARN);
	last_log[0] = '\0';
	kh_log_info("hidden");
	assert_string_equal(last_log, "");
	kh_log_warn("shown %d", 7);
	assert_string_equal(last_log, "1:shown 7");
	kh_log_set_handler(NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor_never_reads_past_end),
		cmocka_unit_test(test_cursor_lines),
		cmocka_unit_test(test_cursor_helpers),
		cmocka_unit_test(test_buffer_cap_is_hard),
		cmocka_unit_test(test_buffer_alloc_failure),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_hash_vectors),
		cmocka_unit_test(test_hash_streaming_matches_one_shot),
		cmocka_unit_test(test_json_bounds),
		cmocka_unit_test(test_json_set_rejects_invalid_utf8),
		cmocka_unit_test_setup_teardown(test_files, make_tmpdir, remove_tmpdir),
		cmocka_unit_test(test_path_join),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_limits_and_diag),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_logging_levels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
