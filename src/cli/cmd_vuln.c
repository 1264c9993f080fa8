/*
 * cmd_vuln.c — `khien vuln scan [--inventory FILE]` and `khien vuln explain
 * CVE`: this host (or an inventory file) and the registry's assets against
 * the advisories in the store; exit 0 nothing found, 1 findings, 2 error.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "khien/inventory.h"
#include "khien/limits.h"
#include "khien/store.h"
#include "khien/vuln.h"

struct vuln_args {
	const char *inventory; /* --inventory FILE; NULL: collect this host */
	const char *unit;      /* --unit NAME; NULL: [core] unit */
	const char *today;     /* --today YYYY-MM-DD (reproducible reports) */
	const char *cve;       /* explain's CVE */
	bool no_assets, no_host;
};

static void
usage(FILE *out)
{
	fprintf(out, "%s: khien vuln scan [--inventory FILE] [--unit NAME] [--no-assets] "
	             "[--no-host] [--today YYYY-MM-DD] [--json]\n"
	             "       khien vuln explain CVE [--inventory FILE] [--unit NAME] [--json]\n",
	        KH_MSG("usage", "cách dùng"));
	fprintf(out, "  --inventory FILE  %s\n",
	        KH_MSG("match this inventory (khien inventory collect --json) instead of this host",
	               "đối chiếu danh mục này (khien inventory collect --json) thay cho máy này"));
	fprintf(out, "  --unit NAME       %s\n",
	        KH_MSG("only this unit's assets; its deadlines (default: [core] unit)",
	               "chỉ thiết bị của đơn vị này; dùng hạn của đơn vị (mặc định: [core] unit)"));
	fprintf(out, "  --no-assets       %s\n",
	        KH_MSG("leave out the asset registry", "không đối chiếu sổ thiết bị"));
	fprintf(out, "  --no-host         %s\n",
	        KH_MSG("match registry assets only", "chỉ đối chiếu sổ thiết bị"));
	fprintf(out, "  --today DATE      %s\n",
	        KH_MSG("count deadlines from this day instead of today",
	               "tính hạn từ ngày này thay cho hôm nay"));
	fprintf(out, "%s\n", KH_MSG("Exit: 0 nothing found, 1 findings, 2 error.",
	                            "Mã thoát: 0 không có lỗ hổng, 1 có lỗ hổng, 2 lỗi."));
}

/* 1 = help shown, -1 = bad usage, 0 = go on. */
static int
parse_args(int argc, char **argv, bool explain, struct vuln_args *a)
{
	for (int i = 2; i < argc; i++) {
		const char **slot = NULL;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 1;
		}
		if (strcmp(argv[i], "--inventory") == 0)
			slot = &a->inventory;
		else if (strcmp(argv[i], "--unit") == 0)
			slot = &a->unit;
		else if (strcmp(argv[i], "--today") == 0)
			slot = &a->today;
		else if (!explain && strcmp(argv[i], "--no-assets") == 0)
			a->no_assets = true;
		else if (!explain && strcmp(argv[i], "--no-host") == 0)
			a->no_host = true;
		else if (explain && a->cve == NULL && argv[i][0] != '-')
			a->cve = argv[i];
		else {
			cli_error("vuln: %s '%s'", KH_MSG("unknown argument", "tham số lạ"), argv[i]);
			usage(stderr);
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
	if (explain && a->cve == NULL) {
		cli_error("vuln explain: %s", KH_MSG("which CVE?", "CVE nào?"));
		usage(stderr);
		return -1;
	}
	return 0;
}

/* The inventory to match: a file, or this host; NULL after an error. */
static struct kh_inventory *
load_inventory(const struct vuln_args *a)
{
	struct kh_inventory_options opts = { 0 };
	struct kh_inventory *inv = NULL;
	struct kh_buf *raw = NULL;
	struct kh_diag diag;
	enum kh_err r;

	kh_diag_clear(&diag);
	if (a->inventory != NULL) {
		r = kh_file_read(a->inventory, KH_LIMIT(max_json_bytes), "max_json_bytes",
		                 KH_FILE_FOLLOW, &raw, &diag);
		if (r == KH_OK)
			r = kh_inventory_from_json(kh_buf_cur(raw), a->inventory, &inv, &diag);
		kh_buf_free(raw);
	} else {
		r = kh_inventory_collect(&opts, &inv, &diag);
	}
	if (r != KH_OK) {
		cli_error_diag(r, &diag);
		return NULL;
	}
	if (!kh_inventory_complete(inv))
		cli_error("%s", KH_MSG("warning: the inventory is incomplete; packages it lacks "
		                       "were not checked",
		                       "cảnh báo: danh mục chưa đầy đủ; các gói thiếu chưa được "
		                       "đối chiếu"));
	return inv;
}

/* Everything a run needs, released by cleanup(). */
struct run {
	struct kh_store *st;
	struct kh_vuln_db *db;
	struct kh_inventory *inv;
	struct kh_asset_list *assets;
	struct kh_vuln_policy policy;
	struct kh_vuln_match_options opts;
};

static void
cleanup(struct run *run)
{
	kh_asset_list_free(run->assets);
	kh_inventory_free(run->inv);
	kh_vuln_db_free(run->db);
	kh_store_close(run->st);
	kh_vuln_policy_cleanup(&run->policy);
}

static enum kh_err
prepare(struct cli_ctx *ctx, const struct vuln_args *a, bool want_host, struct run *run,
        struct kh_diag *diag)
{
	enum kh_version_scheme scheme;
	char ecosystem[128] = ""; /* "": no packages, no package advisories */
	enum kh_err r;

	kh_vuln_policy_init(&run->policy);
	run->opts.policy = &run->policy;
	run->opts.unit = a->unit ? a->unit : kh_config_get(ctx->config, "core", "unit");
	if (a->today != NULL && (r = kh_time_parse_date(a->today, &run->opts.today)) != KH_OK)
		return kh_diag_set(diag, r, NULL, 0, "--today: %s '%s'",
		                   KH_MSG("not a date", "không phải ngày"), a->today);
	if ((r = kh_vuln_policy_from_config(&run->policy, ctx->config, diag)) != KH_OK)
		return r;
	if (want_host && (run->inv = load_inventory(a)) == NULL)
		return KH_EINVAL; /* already reported */
	/* Only the inventory's distribution's package advisories are read. */
	if (run->inv != NULL && run->inv->n_pkgs > 0 &&
	    (r = kh_vuln_ecosystem_of(run->inv, ecosystem, sizeof(ecosystem), &scheme,
	                              diag)) != KH_OK)
		return r;
	if ((r = cli_store_open(ctx, &run->st, diag)) != KH_OK)
		return r;
	if ((run->db = kh_vuln_db_new()) == NULL)
		return KH_ENOMEM;
	if ((r = kh_vuln_db_load_for(run->db, run->st, ecosystem, diag)) != KH_OK)
		return r;
	if (!a->no_assets && (r = kh_assets_list(run->st, a->unit, &run->assets, diag)) != KH_OK)
		return r;
	return KH_OK;
}

static int
print_buf(struct kh_buf *out)
{
	fwrite(out->data, 1, out->len, stdout);
	return fflush(stdout) == 0 ? 0 : -1;
}

/* Assets without a CPE name cannot be matched: say so, not silently. */
static void
warn_unmapped(const struct kh_asset_list *assets)
{
	size_t n = 0;

	for (size_t i = 0; assets != NULL && i < assets->n; i++)
		n += assets->items[i].cpe == NULL;
	if (n > 0)
		cli_error(KH_MSG("warning: %zu registry asset(s) have no CPE name (unknown vendor "
		                 "or product) and were not checked",
		                 "cảnh báo: %zu thiết bị trong sổ chưa có tên CPE (chưa nhận ra "
		                 "hãng hoặc sản phẩm) nên chưa được đối chiếu"),
		          n);
}

static int
do_scan(struct cli_ctx *ctx, const struct vuln_args *a)
{
	struct run run = { 0 };
	struct kh_vuln_findings fs;
	struct kh_diag diag;
	struct kh_buf out;
	enum kh_err r;
	int status = CLI_EXIT_ERROR;

	kh_diag_clear(&diag);
	kh_buf_init(&out, 0);
	kh_vuln_findings_init(&fs);
	if ((r = prepare(ctx, a, !a->no_host, &run, &diag)) != KH_OK) {
		if (r != KH_EINVAL || diag.msg[0] != '\0')
			cli_error_diag(r, &diag);
		goto out;
	}
	if ((r = kh_vuln_match(run.db, run.inv, run.assets, &run.opts, &fs, &diag)) != KH_OK) {
		cli_error_diag(r, &diag);
		goto out;
	}
	r = ctx->json ? kh_vuln_findings_to_json(&fs, &out) : kh_vuln_findings_to_text(&fs, &out);
	if (r != KH_OK || print_buf(&out) != 0) {
		cli_error("%s", kh_strerror(r != KH_OK ? r : KH_EIO));
		goto out;
	}
	warn_unmapped(run.assets);
	status = fs.n > 0 ? CLI_EXIT_FOUND : CLI_EXIT_OK;
out:
	kh_vuln_findings_cleanup(&fs);
	kh_buf_cleanup(&out);
	cleanup(&run);
	return status;
}

static int
do_explain(struct cli_ctx *ctx, const struct vuln_args *a)
{
	struct run run = { 0 };
	struct kh_diag diag;
	struct kh_buf out;
	enum kh_err r;
	int status = CLI_EXIT_ERROR;

	kh_diag_clear(&diag);
	kh_buf_init(&out, 0);
	/* Explaining against this host is allowed too; the issue asks --inventory. */
	if ((r = prepare(ctx, a, true, &run, &diag)) != KH_OK) {
		if (r != KH_EINVAL || diag.msg[0] != '\0')
			cli_error_diag(r, &diag);
		goto out;
	}
	if ((r = kh_vuln_explain(run.db, a->cve, run.inv, run.assets, &run.opts, ctx->json,
	                         &out, &diag)) != KH_OK) {
		cli_error_diag(r, &diag);
		goto out;
	}
	status = print_buf(&out) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
out:
	kh_buf_cleanup(&out);
	cleanup(&run);
	return status;
}

int
cmd_vuln(struct cli_ctx *ctx, int argc, char **argv)
{
	struct vuln_args a = { 0 };
	bool explain;
	int parsed;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
	}
	explain = strcmp(argv[1], "explain") == 0;
	if (!explain && strcmp(argv[1], "scan") != 0) {
		cli_error("vuln: %s '%s'", KH_MSG("unknown subcommand", "lệnh con lạ"), argv[1]);
		usage(stderr);
		return CLI_EXIT_ERROR;
	}
	if ((parsed = parse_args(argc, argv, explain, &a)) != 0)
		return parsed > 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	return explain ? do_explain(ctx, &a) : do_scan(ctx, &a);
}
