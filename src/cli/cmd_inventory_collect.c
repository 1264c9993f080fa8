/*
 * cmd_inventory_collect.c — `khien inventory collect [--root DIR] [--json]`:
 * what is installed here (or under a mounted root), as text or JSON.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "khien/inventory.h"

static void
collect_usage(FILE *out)
{
	fprintf(out, "%s: khien inventory collect [--root DIR] [--rpm-tool PATH] [--json]\n",
	        KH_MSG("usage", "cách dùng"));
	fprintf(out, "  --root DIR        %s\n",
	        KH_MSG("read another root (mounted image, chroot) instead of /",
	               "đọc một thư mục gốc khác (ảnh đĩa đã gắn, chroot) thay cho /"));
	fprintf(out, "  --rpm-tool PATH   %s\n",
	        KH_MSG("the rpm program to query rpm databases (default: rpm)",
	               "chương trình rpm dùng để đọc cơ sở dữ liệu rpm (mặc định: rpm)"));
	fprintf(out, "  --json            %s\n",
	        KH_MSG("one JSON object (schema khien.inventory/1)",
	               "một đối tượng JSON (lược đồ khien.inventory/1)"));
}

/* Parses collect's own options; 1 = help shown, -1 = bad usage. */
static int
parse_args(int argc, char **argv, struct kh_inventory_options *opts)
{
	for (int i = 1; i < argc; i++) {
		const char **slot = NULL;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			collect_usage(stdout);
			return 1;
		}
		if (strcmp(argv[i], "--root") == 0)
			slot = &opts->root;
		else if (strcmp(argv[i], "--rpm-tool") == 0)
			slot = &opts->rpm_tool;
		else if (strncmp(argv[i], "--root=", 7) == 0)
			opts->root = argv[i] + 7;
		else if (strncmp(argv[i], "--rpm-tool=", 11) == 0)
			opts->rpm_tool = argv[i] + 11;
		else {
			cli_error("inventory collect: %s '%s'",
			          KH_MSG("unknown argument", "tham số lạ"), argv[i]);
			collect_usage(stderr);
			return -1;
		}
		if (slot != NULL) {
			if (i + 1 >= argc) {
				cli_error("%s %s", argv[i], KH_MSG("needs a value", "cần một giá trị"));
				return -1;
			}
			*slot = argv[++i];
		}
	}
	return 0;
}

static const char *
or_unknown(const char *s)
{
	return s != NULL ? s : KH_MSG("unknown", "không rõ");
}

/* Packages that carry what advisory trackers key on: source name and version. */
static size_t
count_matchable(const struct kh_inventory *inv)
{
	size_t n = 0;

	for (size_t i = 0; i < inv->n_pkgs; i++)
		n += inv->pkgs[i].source != NULL && inv->pkgs[i].source_version != NULL;
	return n;
}

static void
print_errors_stderr(const struct kh_inventory *inv)
{
	for (size_t i = 0; i < inv->n_errors; i++) {
		const struct kh_inventory_error *e = &inv->errors[i];
		if (e->file != NULL && e->line > 0)
			cli_error("%s:%ld: %s", e->file, e->line, e->message);
		else if (e->file != NULL)
			cli_error("%s: %s", e->file, e->message);
		else
			cli_error("%s", e->message);
	}
	if (inv->n_errors_dropped > 0)
		cli_error("%zu %s", inv->n_errors_dropped,
		          KH_MSG("more errors not kept (limit max_inventory_errors)",
		                 "lỗi khác không được giữ lại (giới hạn max_inventory_errors)"));
}

static void
print_summary(const struct kh_inventory *inv)
{
	const struct kh_inventory_os *os = &inv->os;
	size_t matchable = count_matchable(inv);

	printf("%s: %s", KH_MSG("Operating system", "Hệ điều hành"),
	       or_unknown(os->pretty_name != NULL ? os->pretty_name : os->id));
	printf(" [id=%s version_id=%s codename=%s]\n", or_unknown(os->id),
	       or_unknown(os->version_id), or_unknown(os->codename));
	printf("%s: %s\n", KH_MSG("Kernel", "Nhân"),
	       os->kernel != NULL ? os->kernel
	                          : KH_MSG("unknown (not the running host)",
	                                   "không rõ (không phải máy đang chạy)"));
	printf("%s: %s\n", KH_MSG("Host name", "Tên máy"), or_unknown(os->hostname));
	printf("%s: %s\n", KH_MSG("Architecture", "Kiến trúc"), or_unknown(os->arch));
	printf("%s: %zu (deb %zu, rpm %zu, apk %zu)\n", KH_MSG("Packages", "Gói phần mềm"),
	       inv->n_pkgs, kh_inventory_count(inv, KH_INVENTORY_DEB),
	       kh_inventory_count(inv, KH_INVENTORY_RPM), kh_inventory_count(inv, KH_INVENTORY_APK));
	printf("%s: %zu/%zu %s%s\n", KH_MSG("Vulnerability-ready", "Sẵn sàng đối chiếu lỗ hổng"),
	       matchable, inv->n_pkgs,
	       KH_MSG("packages have a source package name and version for tracker matching",
	              "gói có tên và phiên bản gói nguồn để đối chiếu với các nguồn cảnh báo"),
	       os->id == NULL ? KH_MSG("; OS unknown, no distribution feed can be chosen",
	                               "; không rõ hệ điều hành, chưa chọn được nguồn cảnh báo")
	                      : "");
	if (kh_inventory_complete(inv))
		printf("%s: 0\n", KH_MSG("Errors", "Lỗi"));
	else
		printf("%s: %zu — %s\n", KH_MSG("Errors", "Lỗi"),
		       inv->n_errors + inv->n_errors_dropped,
		       KH_MSG("THE INVENTORY IS INCOMPLETE (details on stderr)",
		              "DANH MỤC CHƯA ĐẦY ĐỦ (chi tiết ở stderr)"));
}

static int
print_json(struct kh_inventory *inv)
{
	struct kh_buf out;
	struct kh_diag diag;
	enum kh_err r;

	kh_buf_init(&out, 0);
	kh_diag_clear(&diag);
	if ((r = kh_inventory_to_json(inv, &out, &diag)) != KH_OK) {
		cli_error_diag(r, &diag);
		kh_buf_cleanup(&out);
		return -1;
	}
	fwrite(out.data, 1, out.len, stdout);
	fputc('\n', stdout);
	kh_buf_cleanup(&out);
	return 0;
}

int
cmd_inventory_collect(struct cli_ctx *ctx, int argc, char **argv)
{
	struct kh_inventory_options opts = { 0 };
	struct kh_inventory *inv = NULL;
	struct kh_diag diag;
	enum kh_err r;
	int status, parsed;

	if ((parsed = parse_args(argc, argv, &opts)) != 0)
		return parsed > 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	kh_diag_clear(&diag);
	if ((r = kh_inventory_collect(&opts, &inv, &diag)) != KH_OK) {
		cli_error_diag(r, &diag);
		return CLI_EXIT_ERROR;
	}
	if (ctx->json) {
		status = print_json(inv) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	} else {
		print_summary(inv);
		print_errors_stderr(inv);
		status = CLI_EXIT_OK;
	}
	/* Partial results are printed, but never passed off as complete. */
	if (!kh_inventory_complete(inv))
		status = CLI_EXIT_ERROR;
	kh_inventory_free(inv);
	return status;
}
