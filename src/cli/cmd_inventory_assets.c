/*
 * cmd_inventory_assets.c — `khien inventory import-assets FILE.csv` and
 * `khien inventory list-assets [--unit NAME]`: the asset registry in the
 * store under --data-dir (docs/assets.md).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "khien/inventory.h"
#include "khien/limits.h"
#include "khien/store.h"

static void
import_usage(FILE *out)
{
	fprintf(out, "%s: khien inventory import-assets FILE.csv [--json]\n",
	        KH_MSG("usage", "cách dùng"));
	fprintf(out, "  %s\n", KH_MSG("columns: unit,name,vendor,product,version[,address][,notes]",
	                              "các cột: unit,name,vendor,product,version[,address][,notes]"));
}

static void
list_usage(FILE *out)
{
	fprintf(out, "%s: khien inventory list-assets [--unit NAME] [--json]\n",
	        KH_MSG("usage", "cách dùng"));
}

static int
print_buf_json(struct kh_buf *out, enum kh_err r)
{
	if (r != KH_OK) {
		cli_error("%s", kh_strerror(r));
		return -1;
	}
	fwrite(out->data, 1, out->len, stdout);
	fputc('\n', stdout);
	return 0;
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

static void
print_issues(const struct kh_asset_import *imp)
{
	for (size_t i = 0; i < imp->n_issues; i++) {
		const struct kh_asset_issue *is = &imp->issues[i];
		cli_error("%s:%ld: %s%s", imp->file, is->line,
		          is->is_error ? "" : KH_MSG("warning: ", "cảnh báo: "), is->message);
	}
}

static void
print_import_summary(const struct kh_asset_import *imp)
{
	printf("%s: %s\n", KH_MSG("File", "Tệp"), imp->file);
	printf("%s: %zu\n", KH_MSG("Imported (new)", "Nhập mới"), imp->n_imported);
	printf("%s: %zu\n", KH_MSG("Updated", "Cập nhật"), imp->n_updated);
	printf("%s: %zu\n", KH_MSG("Skipped (bad rows)", "Bỏ qua (dòng lỗi)"), imp->n_skipped);
	printf("%s: %zu\n",
	       KH_MSG("Unknown vendor/product (no CPE)",
	              "Chưa nhận ra nhà sản xuất/sản phẩm (chưa có CPE)"),
	       imp->n_unknown_vendor);
}

static int
do_import(struct cli_ctx *ctx, const char *path)
{
	struct kh_asset_import *imp = NULL;
	struct kh_store *st = NULL;
	struct kh_buf *raw = NULL, out;
	struct kh_diag diag;
	enum kh_err r;
	int status = CLI_EXIT_ERROR;

	kh_diag_clear(&diag);
	kh_buf_init(&out, 0);
	if ((r = kh_file_read(path, KH_LIMIT(max_csv_bytes), "max_csv_bytes",
	                      KH_FILE_FOLLOW | KH_FILE_ALLOW_EMPTY, &raw, &diag)) != KH_OK) {
		cli_error_diag(r, &diag);
		goto out;
	}
	if ((st = open_store(ctx)) == NULL)
		goto out;
	if ((r = kh_assets_import_csv(st, kh_buf_cur(raw), path, &imp, &diag)) != KH_OK) {
		cli_error_diag(r, &diag);
		cli_error("%s", KH_MSG("nothing was imported", "không nhập gì cả"));
		goto out;
	}
	if (ctx->json) {
		if (print_buf_json(&out, kh_asset_import_to_json(imp, &out)) != 0)
			goto out;
	} else {
		print_import_summary(imp);
	}
	print_issues(imp);
	/* Bad rows were skipped: the good ones are stored, but say so. */
	status = imp->n_skipped > 0 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
 out:
	kh_buf_cleanup(&out);
	kh_asset_import_free(imp);
	kh_store_close(st);
	kh_buf_free(raw);
	return status;
}

int
cmd_inventory_import_assets(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *path = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			import_usage(stdout);
			return CLI_EXIT_OK;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_error("inventory import-assets: %s '%s'", KH_MSG("unknown argument", "tham số lạ"),
			          argv[i]);
			import_usage(stderr);
			return CLI_EXIT_ERROR;
		}
		if (path != NULL) {
			cli_error("inventory import-assets: %s", KH_MSG("one file at a time", "mỗi lần một tệp"));
			return CLI_EXIT_ERROR;
		}
		path = argv[i];
	}
	if (path == NULL) {
		import_usage(stderr);
		return CLI_EXIT_ERROR;
	}
	return do_import(ctx, path);
}

static enum kh_err
print_list(const struct kh_asset_list *list)
{
	const char *header[] = { KH_MSG("unit", "đơn vị"), KH_MSG("name", "tên"),
		                 KH_MSG("vendor", "hãng"), KH_MSG("product", "sản phẩm"),
		                 KH_MSG("version", "phiên bản"), KH_MSG("address", "địa chỉ"),
		                 "CPE" };
	struct cli_table *t = cli_table_new(7);
	enum kh_err r = KH_ENOMEM;

	if (t == NULL || (r = cli_table_add(t, header)) != KH_OK)
		goto out;
	for (size_t i = 0; i < list->n; i++) {
		const struct kh_asset *a = &list->items[i];
		const char *row[] = { a->unit, a->name, a->vendor, a->product, a->version,
			              a->address,
			              a->cpe != NULL ? a->cpe : KH_MSG("(no CPE)", "(chưa có CPE)") };
		if ((r = cli_table_add(t, row)) != KH_OK)
			goto out;
	}
	cli_table_print(t, stdout);
	printf("%s: %zu\n", KH_MSG("Assets", "Số thiết bị"), list->n);
	r = KH_OK;
 out:
	cli_table_free(t);
	return r;
}

int
cmd_inventory_list_assets(struct cli_ctx *ctx, int argc, char **argv)
{
	struct kh_asset_list *list = NULL;
	struct kh_store *st = NULL;
	const char *unit = NULL;
	struct kh_buf out;
	struct kh_diag diag;
	enum kh_err r;
	int status = CLI_EXIT_ERROR;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			list_usage(stdout);
			return CLI_EXIT_OK;
		} else if (strcmp(argv[i], "--unit") == 0 && i + 1 < argc) {
			unit = argv[++i];
		} else if (strncmp(argv[i], "--unit=", 7) == 0) {
			unit = argv[i] + 7;
		} else {
			cli_error("inventory list-assets: %s '%s'", KH_MSG("unknown argument", "tham số lạ"),
			          argv[i]);
			list_usage(stderr);
			return CLI_EXIT_ERROR;
		}
	}
	kh_diag_clear(&diag);
	kh_buf_init(&out, 0);
	if ((st = open_store(ctx)) == NULL)
		goto out;
	if ((r = kh_assets_list(st, unit, &list, &diag)) != KH_OK) {
		cli_error_diag(r, &diag);
		goto out;
	}
	if (ctx->json) {
		if (print_buf_json(&out, kh_asset_list_to_json(list, &out)) != 0)
			goto out;
	} else if ((r = print_list(list)) != KH_OK) {
		cli_error("%s", kh_strerror(r));
		goto out;
	}
	status = CLI_EXIT_OK;
 out:
	kh_buf_cleanup(&out);
	kh_asset_list_free(list);
	kh_store_close(st);
	return status;
}
