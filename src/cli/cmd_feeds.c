/*
 * cmd_feeds.c — `khien feeds import|update|add-warning|export-bundle|
 * import-bundle|status`: advisory sources into the store under --data-dir
 * (docs/feeds.md). Exit 0 all read, 1 some records skipped, 2 errors.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "khien/feeds.h"
#include "khien/store.h"

static void
usage(FILE *out)
{
	fprintf(out, "%s: khien feeds import [--format NAME] FILE...\n"
	             "       khien feeds update\n"
	             "       khien feeds add-warning --number N --date YYYY-MM-DD --issuer NAME --cve CVE...\n"
	             "             [--vendor V --product P | --ecosystem E --package P] [--affected SPEC]\n"
	             "             [--fixed VERSION] [--deadline YYYY-MM-DD] [--title TEXT]\n"
	             "       khien feeds export-bundle FILE\n"
	             "       khien feeds import-bundle FILE\n"
	             "       khien feeds status\n",
	        KH_MSG("usage", "cách dùng"));
	fprintf(out, "  %s\n", KH_MSG("formats: kev, nvd, osv, csaf, debian-tracker, epss, warning "
	                              "(detected when --format is not given)",
	                              "định dạng: kev, nvd, osv, csaf, debian-tracker, epss, warning "
	                              "(tự nhận ra khi không có --format)"));
	fprintf(out, "%s\n", KH_MSG("Exit: 0 all read, 1 some records skipped, 2 errors.",
	                            "Mã thoát: 0 đọc hết, 1 có bản ghi bị bỏ qua, 2 có lỗi."));
}

static struct kh_store *
open_store(const struct cli_ctx *ctx)
{
	struct kh_store *st = NULL;
	struct kh_diag diag;
	enum kh_err r;

	kh_diag_clear(&diag);
	if ((r = cli_store_open(ctx, &st, &diag)) != KH_OK)
		cli_error_diag(r, &diag);
	return st;
}

static double
rate(const struct kh_feeds_stats *s)
{
	return s->elapsed_ns > 0 ? (double)s->n_records * 1e9 / (double)s->elapsed_ns : 0.0;
}

/* ---- output -------------------------------------------------------------- */

static json_t *
stats_json(const char *file, const struct kh_feeds_stats *s, const char *error, bool bundle)
{
	json_t *o = json_object(), *skips = json_array();

	if (o == NULL || skips == NULL) {
		json_decref(o);
		json_decref(skips);
		return NULL;
	}
	json_object_set_new(o, "file", json_string(file));
	if (error != NULL) {
		json_object_set_new(o, "error", json_string(error));
		json_decref(skips);
		return o;
	}
	if ((size_t)s->kind < KH_FEEDS_KIND_COUNT_ || bundle)
		json_object_set_new(o, "format", json_string(bundle ? "bundle" : kh_feeds_kind_name(s->kind)));
	json_object_set_new(o, "records", json_integer((json_int_t)s->n_records));
	json_object_set_new(o, "skipped", json_integer((json_int_t)s->n_skipped));
	if (s->kind == KH_FEEDS_OSV) {
		json_object_set_new(o, "os_ecosystem_records", json_integer((json_int_t)s->n_by_ecosystem_os));
		json_object_set_new(o, "other_ecosystem_records",
		                    json_integer((json_int_t)s->n_by_ecosystem_other));
	}
	for (size_t i = 0; i < s->n_skips; i++)
		json_array_append_new(skips, json_pack("{s:s, s:s}", "where", s->skips[i].where,
		                                       "reason", s->skips[i].reason));
	json_object_set_new(o, "skips", skips);
	json_object_set_new(o, "seconds", json_real((double)s->elapsed_ns / 1e9));
	json_object_set_new(o, "records_per_second", json_real(rate(s)));
	return o;
}

static void
print_stats_text(const char *file, const struct kh_feeds_stats *s, bool bundle)
{
	printf("%s: %s — %zu %s, %zu %s (%.2f s, %.0f %s)\n", file,
	       bundle ? "bundle" : (size_t)s->kind < KH_FEEDS_KIND_COUNT_ ? kh_feeds_kind_name(s->kind) : "-",
	       s->n_records, KH_MSG("records", "bản ghi"), s->n_skipped, KH_MSG("skipped", "bỏ qua"),
	       (double)s->elapsed_ns / 1e9, rate(s), KH_MSG("records/s", "bản ghi/giây"));
	if (s->kind == KH_FEEDS_OSV)
		printf("  %s: %zu, %s: %zu\n", KH_MSG("operating-system ecosystems", "hệ điều hành"),
		       s->n_by_ecosystem_os, KH_MSG("other ecosystems", "hệ sinh thái khác"),
		       s->n_by_ecosystem_other);
	for (size_t i = 0; i < s->n_skips; i++)
		printf("  %s: %s: %s\n", KH_MSG("skipped", "bỏ qua"), s->skips[i].where, s->skips[i].reason);
	if (s->n_skipped > s->n_skips)
		printf("  … %zu %s\n", s->n_skipped - s->n_skips, KH_MSG("more", "bản ghi nữa"));
}

static int
print_json(json_t *j)
{
	struct kh_buf out;
	enum kh_err r;

	kh_buf_init(&out, 0);
	r = j != NULL ? kh_json_append(&out, j, false) : KH_ENOMEM;
	if (r == KH_OK)
		printf("%s\n", kh_buf_str(&out));
	else
		cli_error("%s", kh_strerror(r));
	kh_buf_cleanup(&out);
	json_decref(j);
	return r == KH_OK ? 0 : -1;
}

/* ---- import ------------------------------------------------------------- */

struct totals {
	size_t records, skipped, errors;
	json_t *files;
};

static void
import_one(struct kh_store *st, const struct cli_ctx *ctx, const char *path,
           enum kh_feeds_kind kind, bool bundle, struct totals *t)
{
	struct kh_feeds_stats s;
	struct kh_diag diag;
	char line[1400] = "";
	enum kh_err r;

	kh_feeds_stats_init(&s);
	kh_diag_clear(&diag);
	r = bundle ? kh_feeds_import_bundle(st, path, &s, &diag)
	           : kh_feeds_import_file(st, path, kind, &s, &diag);
	if (r != KH_OK) {
		kh_diag_format(&diag, line, sizeof(line));
		if (line[0] == '\0')
			snprintf(line, sizeof(line), "%s: %s", path, kh_strerror(r));
		t->errors++;
		if (!ctx->json)
			cli_error("%s", line);
	} else {
		t->records += s.n_records;
		t->skipped += s.n_skipped;
		if (!ctx->json && !ctx->quiet)
			print_stats_text(path, &s, bundle);
	}
	if (t->files != NULL)
		json_array_append_new(t->files, stats_json(path, &s, r != KH_OK ? line : NULL, bundle));
	kh_feeds_stats_cleanup(&s);
}

static int
finish(const struct cli_ctx *ctx, struct totals *t)
{
	if (ctx->json) {
		json_t *o = json_pack("{s:O, s:I, s:I, s:I}", "files", t->files, "records",
		                      (json_int_t)t->records, "skipped", (json_int_t)t->skipped, "errors",
		                      (json_int_t)t->errors);
		if (print_json(o) != 0)
			t->errors++;
	} else if (!ctx->quiet) {
		printf("%s: %zu %s, %zu %s, %zu %s\n", KH_MSG("Total", "Tổng"), t->records,
		       KH_MSG("records", "bản ghi"), t->skipped, KH_MSG("skipped", "bỏ qua"), t->errors,
		       KH_MSG("files with errors", "tệp lỗi"));
	}
	json_decref(t->files);
	return t->errors > 0 ? CLI_EXIT_ERROR : t->skipped > 0 ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}

static int
do_import(struct cli_ctx *ctx, int argc, char **argv, bool bundle)
{
	enum kh_feeds_kind kind = KH_FEEDS_KIND_COUNT_;
	struct totals t = { 0, 0, 0, json_array() };
	struct kh_store *st;
	int n_files = 0, i;

	for (i = 2; i < argc; i++) {
		if (!bundle && strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			if (kh_feeds_kind_parse(argv[++i], &kind) != KH_OK) {
				cli_error("%s: %s", KH_MSG("unknown format", "định dạng không rõ"), argv[i]);
				json_decref(t.files);
				return CLI_EXIT_ERROR;
			}
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			usage(stderr);
			json_decref(t.files);
			return CLI_EXIT_ERROR;
		} else {
			n_files++;
		}
	}
	if (n_files == 0 || (bundle && n_files != 1)) {
		usage(stderr);
		json_decref(t.files);
		return CLI_EXIT_ERROR;
	}
	if ((st = open_store(ctx)) == NULL) {
		json_decref(t.files);
		return CLI_EXIT_ERROR;
	}
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0) {
			i++;
			continue;
		}
		import_one(st, ctx, argv[i], kind, bundle, &t);
	}
	kh_store_close(st);
	return finish(ctx, &t);
}

/* ---- export-bundle, status, update --------------------------------------- */

static int
do_export(struct cli_ctx *ctx, int argc, char **argv)
{
	struct kh_store *st;
	struct kh_diag diag;
	size_t n = 0;
	enum kh_err r;

	if (argc != 3 || argv[2][0] == '-') {
		usage(stderr);
		return CLI_EXIT_ERROR;
	}
	if ((st = open_store(ctx)) == NULL)
		return CLI_EXIT_ERROR;
	kh_diag_clear(&diag);
	r = kh_feeds_export_bundle(st, argv[2], &n, &diag);
	kh_store_close(st);
	if (r != KH_OK) {
		cli_error_diag(r, &diag);
		return CLI_EXIT_ERROR;
	}
	if (ctx->json)
		return print_json(json_pack("{s:s, s:I}", "file", argv[2], "records", (json_int_t)n)) == 0
		               ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	if (!ctx->quiet)
		printf("%s: %zu %s\n", argv[2], n, KH_MSG("records written", "bản ghi đã ghi"));
	return CLI_EXIT_OK;
}

static int
do_status(struct cli_ctx *ctx)
{
	size_t counts[KH_FEEDS_KIND_COUNT_];
	struct kh_store *st;
	struct kh_diag diag;
	enum kh_err r;
	json_t *o;

	if ((st = open_store(ctx)) == NULL)
		return CLI_EXIT_ERROR;
	kh_diag_clear(&diag);
	r = kh_feeds_counts(st, counts, &diag);
	kh_store_close(st);
	if (r != KH_OK) {
		cli_error_diag(r, &diag);
		return CLI_EXIT_ERROR;
	}
	if (!ctx->json) {
		for (size_t k = 0; k < KH_FEEDS_KIND_COUNT_; k++)
			printf("%-16s %zu\n", kh_feeds_kind_name((enum kh_feeds_kind)k), counts[k]);
		return CLI_EXIT_OK;
	}
	o = json_object();
	for (size_t k = 0; o != NULL && k < KH_FEEDS_KIND_COUNT_; k++)
		json_object_set_new(o, kh_feeds_kind_name((enum kh_feeds_kind)k),
		                    json_integer((json_int_t)counts[k]));
	return print_json(o) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

static int
do_update(struct cli_ctx *ctx)
{
	struct kh_feeds_update_result *res = NULL;
	struct totals t = { 0, 0, 0, json_array() };
	struct kh_store *st;
	struct kh_diag diag;
	size_t n = 0;
	enum kh_err r;

	if ((st = open_store(ctx)) == NULL) {
		json_decref(t.files);
		return CLI_EXIT_ERROR;
	}
	kh_diag_clear(&diag);
	r = kh_feeds_update(st, ctx->config, ctx->data_dir, &res, &n, &diag);
	kh_store_close(st);
	if (r != KH_OK) {
		cli_error_diag(r, &diag);
		json_decref(t.files);
		return CLI_EXIT_ERROR;
	}
	if (n == 0 && !ctx->json)
		printf("%s\n", KH_MSG("no sources configured in [feeds] (docs/config.md)",
		                      "chưa cấu hình nguồn nào trong [feeds] (docs/config.md)"));
	for (size_t i = 0; i < n; i++) {
		json_t *o = stats_json(res[i].url, &res[i].stats, res[i].failed ? res[i].error : NULL, false);
		if (o != NULL)
			json_object_set_new(o, "not_modified", json_boolean(res[i].not_modified));
		json_array_append_new(t.files, o);
		if (res[i].failed) {
			t.errors++;
			if (!ctx->json)
				cli_error("%s", res[i].error);
		} else if (res[i].not_modified) {
			if (!ctx->json && !ctx->quiet)
				printf("%s: %s\n", res[i].url, KH_MSG("not modified", "không thay đổi"));
		} else {
			t.records += res[i].stats.n_records;
			t.skipped += res[i].stats.n_skipped;
			if (!ctx->json && !ctx->quiet)
				print_stats_text(res[i].url, &res[i].stats, false);
		}
	}
	kh_feeds_update_results_free(res, n);
	return finish(ctx, &t);
}

/* ---- add-warning --------------------------------------------------------- */

#define MAX_CVES 64

static int
do_add_warning(struct cli_ctx *ctx, int argc, char **argv)
{
	struct kh_feeds_warning_input in;
	const char *cves[MAX_CVES];
	struct kh_store *st;
	struct kh_diag diag;
	enum kh_err r;

	memset(&in, 0, sizeof(in));
	in.cves = cves;
	for (int i = 2; i < argc; i++) {
		static const char *const names[] = { "--number", "--date", "--issuer", "--vendor",
		                                     "--product", "--ecosystem", "--package", "--affected",
		                                     "--fixed", "--deadline", "--title" };
		const char **slots[] = { &in.number, &in.date, &in.issuer, &in.vendor, &in.product,
		                         &in.ecosystem, &in.package, &in.affected, &in.fixed,
		                         &in.deadline, &in.title };
		bool known = false;
		if (i + 1 >= argc) {
			usage(stderr);
			return CLI_EXIT_ERROR;
		}
		if (strcmp(argv[i], "--cve") == 0) {
			if (in.n_cves == MAX_CVES) {
				cli_error("%s", KH_MSG("too many --cve", "quá nhiều --cve"));
				return CLI_EXIT_ERROR;
			}
			cves[in.n_cves++] = argv[++i];
			continue;
		}
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]) && !known; k++)
			if (strcmp(argv[i], names[k]) == 0) {
				*slots[k] = argv[++i];
				known = true;
			}
		if (!known) {
			usage(stderr);
			return CLI_EXIT_ERROR;
		}
	}
	if ((st = open_store(ctx)) == NULL)
		return CLI_EXIT_ERROR;
	kh_diag_clear(&diag);
	r = kh_feeds_add_warning(st, &in, &diag);
	kh_store_close(st);
	if (r != KH_OK) {
		cli_error_diag(r, &diag);
		return CLI_EXIT_ERROR;
	}
	if (ctx->json)
		return print_json(json_pack("{s:s, s:b}", "number", in.number, "stored", 1)) == 0
		               ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	if (!ctx->quiet)
		printf("%s %s\n", KH_MSG("Warning stored:", "Đã lưu cảnh báo:"), in.number);
	return CLI_EXIT_OK;
}

int
cmd_feeds(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 ||
	    strcmp(sub, "help") == 0) {
		usage(sub == NULL ? stderr : stdout);
		return sub == NULL ? CLI_EXIT_ERROR : CLI_EXIT_OK;
	}
	if (strcmp(sub, "import") == 0)
		return do_import(ctx, argc, argv, false);
	if (strcmp(sub, "import-bundle") == 0)
		return do_import(ctx, argc, argv, true);
	if (strcmp(sub, "export-bundle") == 0)
		return do_export(ctx, argc, argv);
	if (strcmp(sub, "update") == 0 && argc == 2)
		return do_update(ctx);
	if (strcmp(sub, "status") == 0 && argc == 2)
		return do_status(ctx);
	if (strcmp(sub, "add-warning") == 0)
		return do_add_warning(ctx, argc, argv);
	usage(stderr);
	return CLI_EXIT_ERROR;
}
