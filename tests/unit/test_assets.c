/*
 * test_assets.c — the asset registry: the RFC 4180 CSV reader (quotes,
 * BOM, bad records, limits), CPE 2.3 mapping and escaping, and importing
 * into a real store (upsert, bad rows skipped, header errors, rollback).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "khien/inventory.h"
#include "khien/limits.h"
#include "khien/store.h"

/* ---- helpers --------------------------------------------------------------- */

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	char *dir = kh_strdup("/tmp/khien-assets-XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	kh_lang_set(KH_LANG_EN);
	kh_limits_reset();
	*state = dir;
	return 0;
}

static int
teardown(void **state)
{
	kh_alloc_fail_after(-1);
	kh_limits_reset();
	nftw(*state, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	kh_free(*state);
	return 0;
}

static struct kh_buf *
read_fixture(const char *rel)
{
	const char *dir = getenv("KHIEN_FIXTURES");
	struct kh_buf *buf = NULL;
	char *path;

	assert_non_null(dir);
	path = kh_path_join(dir, rel);
	assert_int_equal(kh_file_read(path, 1u << 20, NULL, KH_FILE_ALLOW_EMPTY, &buf, NULL), KH_OK);
	kh_free(path);
	return buf;
}

static struct kh_store *
open_store(void **state)
{
	struct kh_store *st = NULL;

	assert_int_equal(kh_store_open(*state, NULL, &st, NULL), KH_OK);
	return st;
}

/* ---- CSV reader ------------------------------------------------------------ */

static void
test_csv_quotes_bom_crlf(void **state)
{
	static const char text[] =
		"\xEF\xBB\xBF" "unit,name\r\n"
		"\"Phường Bến Thành, Quận 1\",\"say \"\"hi\"\"\"\r\n"
		"\r\n"
		"\"two\nlines\",\r\n"
		"last,\"\"";
	struct kh_csv *csv = NULL;
	struct kh_csv_row row;

	(void)state;
	assert_int_equal(kh_csv_new(kh_cur_make(text, strlen(text)), "t.csv", &csv, NULL), KH_OK);
	assert_int_equal(kh_csv_next(csv, &row, NULL), KH_OK);
	assert_int_equal(row.line, 1);
	assert_int_equal(row.n_fields, 2);
	assert_string_equal(row.fields[0], "unit"); /* BOM gone */
	assert_int_equal(kh_csv_next(csv, &row, NULL), KH_OK);
	assert_int_equal(row.line, 2);
	assert_string_equal(row.fields[0], "Phường Bến Thành, Quận 1");
	assert_string_equal(row.fields[1], "say \"hi\"");
	assert_int_equal(kh_csv_next(csv, &row, NULL), KH_OK);
	assert_int_equal(row.line, 4); /* the blank line 3 is skipped */
	assert_string_equal(row.fields[0], "two\nlines");
	assert_string_equal(row.fields[1], "");
	assert_int_equal(kh_csv_next(csv, &row, NULL), KH_OK);
	assert_int_equal(row.line, 6);
	assert_string_equal(row.fields[0], "last");
	assert_string_equal(row.fields[1], "");
	assert_int_equal(kh_csv_next(csv, &row, NULL), KH_ENOENT);
	kh_csv_free(csv);
}

/* Found by fuzz_csv (clang UBSan): an empty first field, nothing buffered yet. */
static void
test_csv_empty_fields(void **state)
{
	static const char text[] = ",x,\n,,\n";
	struct kh_csv *csv = NULL;
	struct kh_csv_row row;

	(void)state;
	assert_int_equal(kh_csv_new(kh_cur_make(text, strlen(text)), "e.csv", &csv, NULL), KH_OK);
	assert_int_equal(kh_csv_next(csv, &row, NULL), KH_OK);
	assert_int_equal(row.n_fields, 3);
	assert_string_equal(row.fields[0], "");
	assert_string_equal(row.fields[1], "x");
	assert_string_equal(row.fields[2], "");
	assert_int_equal(kh_csv_next(csv, &row, NULL), KH_OK);
	assert_int_equal(row.n_fields, 3);
	assert_int_equal(row.line, 2);
	assert_int_equal(kh_csv_next(csv, &row, NULL), KH_ENOENT);
	kh_csv_free(csv);
}

/* Each bad record is reported with its line and field, then skipped. */
static void
test_csv_bad_records(void **state)
{
	static const char text[] =
		"a,b\n"               /* 1 */
		"x,bad\xC3\x28\n"     /* 2: invalid UTF-8 in field 2 */
		"ok,1\n"              /* 3 */
		"x,ab\"c\n"           /* 4: quote in unquoted field */
		"\"q\"junk,2\n"       /* 5: text after closing quote */
		"ok,2\n"              /* 6 */
		"\"multi\nline\",\"open\n" /* 7: unterminated to EOF */
		"more,stuff\n";
	struct kh_csv *csv = NULL;
	struct kh_csv_row row;
	struct kh_diag diag;

	(void)state;
	assert_int_equal(kh_csv_new(kh_cur_make(text, strlen(text)), "bad.csv", &csv, NULL), KH_OK);
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_OK);
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_EFORMAT);
	assert_int_equal(row.line, 2);
	assert_int_equal(diag.line, 2);
	assert_string_equal(diag.file, "bad.csv");
	assert_non_null(strstr(diag.msg, "field 2"));
	assert_non_null(strstr(diag.msg, "UTF-8"));
	assert_true(kh_csv_can_continue(csv));
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_OK);
	assert_string_equal(row.fields[0], "ok");
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_EFORMAT);
	assert_int_equal(diag.line, 4);
	assert_non_null(strstr(diag.msg, "unquoted"));
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_EFORMAT);
	assert_int_equal(diag.line, 5);
	assert_non_null(strstr(diag.msg, "field 1: text after the closing quote"));
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_OK);
	assert_int_equal(row.line, 6);
	assert_string_equal(row.fields[1], "2");
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_EFORMAT);
	assert_int_equal(diag.line, 7);
	assert_non_null(strstr(diag.msg, "field 2: unterminated"));
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_ENOENT);
	kh_csv_free(csv);
}

static void
test_csv_limits(void **state)
{
	static const char text[] = "a,b,c,d\n1,2\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,1\n3,4\n5,6\n";
	struct kh_csv *csv = NULL;
	struct kh_csv_row row;
	struct kh_diag diag;

	(void)state;
	assert_int_equal(kh_limit_set("max_csv_fields", "3"), KH_OK);
	assert_int_equal(kh_limit_set("max_line_bytes", "16"), KH_OK);
	assert_int_equal(kh_limit_set("max_csv_rows", "4"), KH_OK);
	assert_int_equal(kh_csv_new(kh_cur_make(text, strlen(text)), "l.csv", &csv, NULL), KH_OK);
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_ELIMIT);
	assert_string_equal(diag.limit, "max_csv_fields");
	assert_int_equal(diag.line, 1);
	assert_true(kh_csv_can_continue(csv));
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_OK);
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_ELIMIT);
	assert_string_equal(diag.limit, "max_line_bytes");
	assert_int_equal(diag.line, 3);
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_OK);
	assert_string_equal(row.fields[0], "3");
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_ELIMIT); /* fifth row */
	assert_string_equal(diag.limit, "max_csv_rows");
	assert_false(kh_csv_can_continue(csv));
	assert_int_equal(kh_csv_next(csv, &row, &diag), KH_ENOENT);
	kh_csv_free(csv);

	assert_int_equal(kh_limit_set("max_csv_bytes", "8"), KH_OK);
	assert_int_equal(kh_csv_new(kh_cur_make(text, strlen(text)), "l.csv", &csv, &diag), KH_ELIMIT);
	assert_null(csv);
	assert_string_equal(diag.limit, "max_csv_bytes");
}

/* ---- CPE ------------------------------------------------------------------- */

static void
expect_cpe(const char *vendor, const char *product, const char *version, const char *want)
{
	struct kh_cpe_mapping m;

	assert_int_equal(kh_cpe_map(vendor, product, version, &m), KH_OK);
	if (m.cpe == NULL)
		fail_msg("%s / %s / %s: no CPE (%s)", vendor, product, version, m.why);
	assert_true(m.vendor_known);
	assert_string_equal(m.cpe, want);
	kh_cpe_mapping_cleanup(&m);
}

static void
test_cpe_mapping(void **state)
{
	(void)state;
	/* NVD: CVE-2022-40684 lists cpe:2.3:o:fortinet:fortios. */
	expect_cpe("Fortinet", "FortiGate 100F", "7.2.4", "cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*");
	expect_cpe("Fortinet, Inc.", "FortiOS", "v7.0.12,build0523 (GA)",
	           "cpe:2.3:o:fortinet:fortios:7.0.12:*:*:*:*:*:*:*");
	expect_cpe("fortinet", "FortiClient EMS", "7.2.2",
	           "cpe:2.3:a:fortinet:forticlient_enterprise_management_server:7.2.2:*:*:*:*:*:*:*");
	expect_cpe("F5", "BIG-IP", "17.1.0.3",
	           "cpe:2.3:a:f5:big-ip_local_traffic_manager:17.1.0.3:*:*:*:*:*:*:*");
	expect_cpe("F5 Networks", "BIG-IP APM", "16.1.4",
	           "cpe:2.3:a:f5:big-ip_access_policy_manager:16.1.4:*:*:*:*:*:*:*");
	/* NVD: vCenter updates are "update2b", ESXi's "update_1". */
	expect_cpe("VMware", "vCenter Server", "8.0 U2b",
	           "cpe:2.3:a:vmware:vcenter_server:8.0:update2b:*:*:*:*:*:*");
	expect_cpe("VMware", "VMware vCenter", "7.0 Update 3",
	           "cpe:2.3:a:vmware:vcenter_server:7.0:update3:*:*:*:*:*:*");
	expect_cpe("VMware", "ESXi", "8.0 U1", "cpe:2.3:o:vmware:esxi:8.0:update_1:*:*:*:*:*:*");
	expect_cpe("VMware by Broadcom", "vSphere ESXi", "7.0.3",
	           "cpe:2.3:o:vmware:esxi:7.0:update_3:*:*:*:*:*:*");
	expect_cpe("VMware", "ESXi", "8.0", "cpe:2.3:o:vmware:esxi:8.0:*:*:*:*:*:*:*");
	expect_cpe("Microsoft", "Exchange Server 2019", "CU12",
	           "cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_12:*:*:*:*:*:*");
	expect_cpe("Microsoft", "Exchange Server", "2016 Cumulative Update 23",
	           "cpe:2.3:a:microsoft:exchange_server:2016:cumulative_update_23:*:*:*:*:*:*");
	expect_cpe("Microsoft", "Windows Server 2019", "10.0.17763.5329",
	           "cpe:2.3:o:microsoft:windows_server_2019:10.0.17763.5329:*:*:*:*:*:*:*");
	expect_cpe("Microsoft", "Windows Server", "2019",
	           "cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*");
	expect_cpe("Microsoft", "Windows Server", "2012 R2",
	           "cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*");
	expect_cpe("Citrix", "NetScaler ADC", "13.1-49.13",
	           "cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-49.13:*:*:*:*:*:*:*");
	expect_cpe("Ivanti", "Connect Secure", "22.7R2.4",
	           "cpe:2.3:a:ivanti:connect_secure:22.7:r2.4:*:*:*:*:*:*");
	expect_cpe("Palo Alto Networks", "PA-3220", "10.2.9-h1",
	           "cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:h1:*:*:*:*:*:*");
	expect_cpe("Zyxel", "USG FLEX 100W", "5.36",
	           "cpe:2.3:o:zyxel:usg_flex_100w_firmware:5.36:*:*:*:*:*:*:*");
	expect_cpe("OpenBSD", "OpenSSH", "8.9p1", "cpe:2.3:a:openbsd:openssh:8.9:p1:*:*:*:*:*:*");
	expect_cpe("Cisco", "IOS XE", "17.9.1", "cpe:2.3:o:cisco:ios_xe:17.9.1:*:*:*:*:*:*:*");
	expect_cpe("Apache", "Tomcat", "9.0.85", "cpe:2.3:a:apache:tomcat:9.0.85:*:*:*:*:*:*:*");
}

static void
test_cpe_unknown(void **state)
{
	struct kh_cpe_mapping m;

	(void)state;
	assert_int_equal(kh_cpe_map("Yealink", "PBX", "1.0", &m), KH_OK);
	assert_false(m.vendor_known);
	assert_null(m.cpe);
	assert_non_null(strstr(m.why, "unknown vendor"));
	kh_cpe_mapping_cleanup(&m);
	assert_int_equal(kh_cpe_map("Fortinet", "FortiToaster", "1.0", &m), KH_OK);
	assert_true(m.vendor_known);
	assert_false(m.product_known);
	assert_null(m.cpe);
	kh_cpe_mapping_cleanup(&m);
	assert_int_equal(kh_cpe_map("Fortinet", "FortiGate", "", &m), KH_OK);
	assert_null(m.cpe);
	assert_non_null(strstr(m.why, "no version"));
	kh_cpe_mapping_cleanup(&m);
	/* Exchange without a year cannot be placed. */
	assert_int_equal(kh_cpe_map("Microsoft", "Exchange", "15.2.1118.26", &m), KH_OK);
	assert_null(m.cpe);
	kh_cpe_mapping_cleanup(&m);
}

/* NISTIR 7695 6.2.2.2: only '.', '-', '_' stay unquoted. */
static void
test_cpe_escaping(void **state)
{
	struct kh_buf b;

	(void)state;
	kh_buf_init(&b, 0);
	assert_int_equal(kh_cpe_append_component(&b, "A b!c:d*e.f-g_h\\"), KH_OK);
	assert_string_equal(kh_buf_str(&b), "a_b\\!c\\:d\\*e.f-g_h\\\\");
	kh_buf_reset(&b);
	assert_int_equal(kh_cpe_append_component(&b, "*"), KH_OK);
	assert_string_equal(kh_buf_str(&b), "*");
	assert_int_equal(kh_cpe_append_component(&b, "phiên"), KH_EFORMAT);
	assert_int_equal(kh_cpe_append_component(&b, ""), KH_EFORMAT);
	kh_buf_cleanup(&b);
	expect_cpe("Apache", "HTTP Server", "2.4.58+deb",
	           "cpe:2.3:a:apache:http_server:2.4.58\\+deb:*:*:*:*:*:*:*");
}

/* ---- import ---------------------------------------------------------------- */

static struct kh_asset_import *
import_fixture(struct kh_store *st, const char *rel, enum kh_err want, struct kh_diag *diag)
{
	struct kh_buf *buf = read_fixture(rel);
	struct kh_asset_import *imp = NULL;

	assert_int_equal(kh_assets_import_csv(st, kh_buf_cur(buf), rel, &imp, diag), want);
	kh_buf_free(buf);
	return imp;
}

static const struct kh_asset *
find_asset(const struct kh_asset *items, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i].name, name) == 0)
			return &items[i];
	fail_msg("asset %s not found", name);
	return NULL;
}

static void
test_import_units(void **state)
{
	struct kh_store *st = open_store(state);
	struct kh_asset_import *imp = import_fixture(st, "assets/units.csv", KH_OK, NULL);
	static const long bad_lines[] = { 9, 10, 12, 13 };
	const struct kh_asset *a;
	size_t n_err = 0;

	assert_int_equal(imp->n_imported, 7);
	assert_int_equal(imp->n_updated, 0);
	assert_int_equal(imp->n_skipped, 4);
	assert_int_equal(imp->n_unknown_vendor, 1);
	assert_int_equal(imp->n_assets, 7);
	for (size_t i = 0; i < imp->n_issues; i++) {
		if (!imp->issues[i].is_error) {
			assert_int_equal(imp->issues[i].line, 8);
			assert_non_null(strstr(imp->issues[i].message, "Yealink"));
			continue;
		}
		assert_true(n_err < 4);
		assert_int_equal(imp->issues[i].line, bad_lines[n_err++]);
	}
	assert_int_equal(n_err, 4);
	a = find_asset(imp->assets, imp->n_assets, "vc-01");
	assert_string_equal(a->unit, "Sở Thông tin và Truyền thông");
	assert_string_equal(a->cpe, "cpe:2.3:a:vmware:vcenter_server:8.0:update2b:*:*:*:*:*:*");
	assert_string_equal(a->notes, "Ghi chú nhiều dòng:\ndòng 2 có \"ngoặc kép\"");
	a = find_asset(imp->assets, imp->n_assets, "fw-01");
	assert_string_equal(a->notes, "Tường lửa biên, tầng 3");
	a = find_asset(imp->assets, imp->n_assets, "pbx-01");
	assert_null(a->cpe);
	assert_false(a->vendor_known);
	a = find_asset(imp->assets, imp->n_assets, "bigip-01");
	assert_null(a->notes); /* empty cell: NULL */
	kh_asset_import_free(imp);
	kh_store_close(st);
}

static void
test_reimport_updates(void **state)
{
	struct kh_store *st = open_store(state);
	struct kh_asset_import *imp = import_fixture(st, "assets/units.csv", KH_OK, NULL);
	struct kh_asset_list *list = NULL;
	const struct kh_asset *a;

	kh_asset_import_free(imp);
	imp = import_fixture(st, "assets/units.csv", KH_OK, NULL);
	assert_int_equal(imp->n_imported, 0);
	assert_int_equal(imp->n_updated, 7);
	kh_asset_import_free(imp);
	/* Columns may come in any order; absent optional columns are kept. */
	imp = import_fixture(st, "assets/reimport_no_address.csv", KH_OK, NULL);
	assert_int_equal(imp->n_updated, 1);
	kh_asset_import_free(imp);

	assert_int_equal(kh_assets_list(st, NULL, &list, NULL), KH_OK);
	assert_int_equal(list->n, 7);
	a = find_asset(list->items, list->n, "fw-01");
	assert_string_equal(a->version, "7.2.8");
	assert_string_equal(a->cpe, "cpe:2.3:o:fortinet:fortios:7.2.8:*:*:*:*:*:*:*");
	assert_string_equal(a->address, "10.0.0.1");
	assert_string_equal(a->notes, "đã vá lên 7.2.8");
	kh_asset_list_free(list);

	assert_int_equal(kh_assets_list(st, "Công an thành phố", &list, NULL), KH_OK);
	assert_int_equal(list->n, 2);
	assert_string_equal(list->items[0].name, "mail-01"); /* ordered by name */
	assert_string_equal(list->items[1].name, "pbx-01");
	kh_asset_list_free(list);
	kh_store_close(st);
}

static void
test_header_errors(void **state)
{
	struct kh_store *st = open_store(state);
	struct kh_asset_list *list = NULL;
	struct kh_diag diag;

	assert_null(import_fixture(st, "assets/header_unknown.csv", KH_EFORMAT, &diag));
	assert_int_equal(diag.line, 1);
	assert_non_null(strstr(diag.msg, "'owner'"));
	assert_null(strstr(diag.msg, "'address'"));
	assert_null(import_fixture(st, "assets/header_missing.csv", KH_EFORMAT, &diag));
	assert_non_null(strstr(diag.msg, "missing required columns: version"));
	/* Nothing was kept from the refused files. */
	assert_false(kh_store_in_transaction(st));
	assert_int_equal(kh_assets_list(st, NULL, &list, NULL), KH_OK);
	assert_int_equal(list->n, 0);
	kh_asset_list_free(list);
	kh_store_close(st);
}

static void
test_import_json(void **state)
{
	struct kh_store *st = open_store(state);
	struct kh_asset_import *imp = import_fixture(st, "assets/units.csv", KH_OK, NULL);
	json_t *j, *errors, *assets;
	struct kh_buf out;

	kh_buf_init(&out, 0);
	assert_int_equal(kh_asset_import_to_json(imp, &out), KH_OK);
	j = json_loads(kh_buf_str(&out), 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "file")), "assets/units.csv");
	assert_int_equal(json_integer_value(json_object_get(j, "imported")), 7);
	assert_int_equal(json_integer_value(json_object_get(j, "skipped")), 4);
	assert_int_equal(json_integer_value(json_object_get(j, "unknown_vendor")), 1);
	errors = json_object_get(j, "errors");
	assert_int_equal(json_array_size(errors), 4);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 0), "line")), 9);
	assets = json_object_get(j, "assets");
	assert_int_equal(json_array_size(assets), 7);
	assert_string_equal(json_string_value(json_object_get(json_array_get(assets, 0), "unit")),
	                    "UBND phường Bến Thành");
	assert_true(json_is_null(json_object_get(json_array_get(assets, 5), "cpe")));
	json_decref(j);
	kh_buf_cleanup(&out);
	kh_asset_import_free(imp);
	kh_store_close(st);
}

static void
test_import_alloc_failures(void **state)
{
	struct kh_store *st = open_store(state);
	struct kh_buf *buf = read_fixture("assets/units.csv");
	struct kh_asset_import *imp = NULL;
	struct kh_asset_list *list = NULL;
	bool done = false;
	enum kh_err r;

	for (long n = 0; n < 2000 && !done; n++) {
		kh_alloc_fail_after(n);
		r = kh_assets_import_csv(st, kh_buf_cur(buf), "units.csv", &imp, NULL);
		kh_alloc_fail_after(-1);
		if (r == KH_OK) {
			done = true;
			break;
		}
		assert_int_equal(r, KH_ENOMEM);
		assert_null(imp);
		/* A failed import leaves nothing behind. */
		assert_int_equal(kh_assets_list(st, NULL, &list, NULL), KH_OK);
		assert_int_equal(list->n, 0);
		kh_asset_list_free(list);
	}
	assert_true(done);
	assert_int_equal(imp->n_imported, 7);
	kh_asset_import_free(imp);
	kh_buf_free(buf);
	kh_store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_csv_quotes_bom_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_empty_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_bad_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpe_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpe_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpe_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reimport_updates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_alloc_failures, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
