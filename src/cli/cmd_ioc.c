/*
 * cmd_ioc.c — `khien ioc export|import|push|pull`: share detections and
 * indicators as STIX 2.1 or MISP, keep what others share, talk TAXII 2.1.
 * Exit 0 done, 2 errors or bad usage.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "khien/ioc.h"
#include "khien/limits.h"
#include "khien/store.h"

struct ioc_args {
	const char *format, *unit, *tlp, *server, *collection, *added_after;
	const char *user, *password, *token, *ca_file;
	const char *files[256];
	int n_files;
};

static void
usage(FILE *out)
{
	fprintf(out, "%s: khien ioc export --format stix|misp [--unit NAME] "
	             "[--tlp clear|green|amber|red] [SCAN.jsonl]\n"
	             "       khien ioc import FILE... [--json]\n"
	             "       khien ioc push --server URL --collection ID [FILE] [AUTH]\n"
	             "       khien ioc pull --server URL --collection ID [--added-after TIME] "
	             "[AUTH] [--json]\n"
	             "  AUTH: --user NAME (%s KHIEN_TAXII_PASSWORD) | --token TOKEN "
	             "(%s KHIEN_TAXII_TOKEN) [--ca-file FILE]\n",
	        KH_MSG("usage", "cách dùng"), KH_MSG("password in", "mật khẩu trong"),
	        KH_MSG("or", "hoặc"));
	fprintf(out, "%s\n", KH_MSG("export without a file reads detections and indicators "
	                            "from the store (--data-dir).",
	                            "export không có tệp thì đọc phát hiện và chỉ báo từ kho "
	                            "dữ liệu (--data-dir)."));
	fprintf(out, "%s\n", KH_MSG("Exit: 0 done, 2 error.", "Mã thoát: 0 xong, 2 lỗi."));
}

/* 1 = help shown, -1 = bad usage, 0 = go on. */
static int
parse_args(int argc, char **argv, struct ioc_args *a)
{
	static const struct { const char *opt; size_t off; } opts[] = {
		{ "--format", offsetof(struct ioc_args, format) },
		{ "--unit", offsetof(struct ioc_args, unit) },
		{ "--tlp", offsetof(struct ioc_args, tlp) },
		{ "--server", offsetof(struct ioc_args, server) },
		{ "--collection", offsetof(struct ioc_args, collection) },
		{ "--added-after", offsetof(struct ioc_args, added_after) },
		{ "--user", offsetof(struct ioc_args, user) },
		{ "--password", offsetof(struct ioc_args, password) },
		{ "--token", offsetof(struct ioc_args, token) },
		{ "--ca-file", offsetof(struct ioc_args, ca_file) },
	};
	for (int i = 2; i < argc; i++) {
		const char **slot = NULL;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 1;
		}
		for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
			if (strcmp(argv[i], opts[k].opt) == 0)
				slot = (const char **)((char *)a + opts[k].off);
		if (slot != NULL) {
			if (i + 1 >= argc) {
				cli_error("%s %s", argv[i], KH_MSG("needs a value", "cần một giá trị"));
				return -1;
			}
			*slot = argv[++i];
		} else if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0) {
			if (a->n_files == (int)(sizeof(a->files) / sizeof(a->files[0]))) {
				cli_error("%s", KH_MSG("too many files", "quá nhiều tệp"));
				return -1;
			}
			a->files[a->n_files++] = argv[i];
		} else {
			cli_error("ioc: %s '%s'", KH_MSG("unknown argument", "tham số lạ"), argv[i]);
			usage(stderr);
			return -1;
		}
	}
	if (a->password == NULL)
		a->password = getenv("KHIEN_TAXII_PASSWORD");
	if (a->token == NULL)
		a->token = getenv("KHIEN_TAXII_TOKEN");
	return 0;
}

static int
print_json(const json_t *j)
{
	struct kh_buf out;
	enum kh_err r;

	kh_buf_init(&out, 0);
	if ((r = kh_json_append(&out, j, false)) == KH_OK)
		r = kh_buf_putc(&out, '\n');
	if (r == KH_OK)
		fwrite(out.data, 1, out.len, stdout);
	kh_buf_cleanup(&out);
	if (r != KH_OK) {
		cli_error("%s", kh_strerror(r));
		return CLI_EXIT_ERROR;
	}
	return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

/* Detections from the file, or detections and indicators from the store. */
static enum kh_err
load_input(struct cli_ctx *ctx, const char *file, struct kh_ioc_detections **dets,
           struct kh_ioc_indicators *local, struct kh_diag *diag)
{
	struct kh_store *st = NULL;
	struct kh_buf *raw = NULL;
	enum kh_err r;

	if (file != NULL) {
		if ((r = kh_file_read(file, KH_LIMIT(max_json_bytes), "max_json_bytes",
		                      KH_FILE_FOLLOW | KH_FILE_ALLOW_EMPTY, &raw, diag)) == KH_OK)
			r = kh_ioc_detections_parse(kh_buf_cur(raw), file, dets, diag);
		kh_buf_free(raw);
		return r;
	}
	if ((r = cli_store_open(ctx, &st, diag)) != KH_OK)
		return r;
	if ((r = kh_ioc_detections_load(st, dets, diag)) == KH_OK)
		r = kh_ioc_store_load(st, local, diag);
	kh_store_close(st);
	return r;
}

static int
do_export(struct cli_ctx *ctx, struct ioc_args *a)
{
	struct kh_ioc_export_opts opts = { .tlp = KH_IOC_TLP_AMBER };
	struct kh_ioc_detections *dets = NULL;
	struct kh_ioc_indicators local = { 0 };
	struct kh_diag diag;
	json_t *doc = NULL;
	bool misp;
	int rc = CLI_EXIT_ERROR;
	enum kh_err r;

	kh_diag_clear(&diag);
	if (a->format == NULL || (strcmp(a->format, "stix") != 0 && strcmp(a->format, "misp") != 0)) {
		cli_error("ioc export: --format stix|misp %s", KH_MSG("is required", "là bắt buộc"));
		return CLI_EXIT_ERROR;
	}
	if (a->tlp != NULL && kh_ioc_tlp_parse(a->tlp, &opts.tlp) != KH_OK) {
		cli_error("--tlp %s: %s", a->tlp, KH_MSG("not clear, green, amber or red",
		                                         "không phải clear, green, amber hay red"));
		return CLI_EXIT_ERROR;
	}
	if (a->n_files > 1) {
		cli_error("%s", KH_MSG("ioc export takes one file", "ioc export nhận một tệp"));
		return CLI_EXIT_ERROR;
	}
	misp = strcmp(a->format, "misp") == 0;
	opts.unit = a->unit != NULL ? a->unit : kh_config_get(ctx->config, "core", "unit");
	if ((r = load_input(ctx, a->n_files == 1 ? a->files[0] : NULL, &dets, &local, &diag)) != KH_OK ||
	    (r = misp ? kh_ioc_misp_export(dets, &local, &opts, &doc, &diag)
	              : kh_ioc_stix_export(dets, &local, &opts, &doc, &diag)) != KH_OK)
		cli_error_diag(r, &diag);
	else
		rc = print_json(doc);
	json_decref(doc);
	kh_ioc_detections_free(dets);
	kh_ioc_indicators_cleanup(&local);
	return rc;
}

static void
counts_add(struct kh_ioc_counts *sum, const struct kh_ioc_counts *c)
{
	sum->files += c->files;
	sum->objects += c->objects;
	sum->indicators += c->indicators;
	sum->hashes += c->hashes;
	sum->network += c->network;
	sum->unsupported += c->unsupported;
	sum->errors += c->errors;
}

static int
print_counts(struct cli_ctx *ctx, const struct kh_ioc_counts *c, size_t n_hashlist)
{
	if (ctx->json) {
		json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		                      "files", (json_int_t)c->files, "objects", (json_int_t)c->objects,
		                      "indicators", (json_int_t)c->indicators,
		                      "hashes", (json_int_t)c->hashes, "network", (json_int_t)c->network,
		                      "unsupported", (json_int_t)c->unsupported,
		                      "errors", (json_int_t)c->errors);
		int rc = j != NULL ? print_json(j) : CLI_EXIT_ERROR;
		json_decref(j);
		return rc;
	}
	if (!ctx->quiet) {
		printf("%s: %llu, %s: %llu, %s: %llu\n", KH_MSG("files", "tệp"),
		       (unsigned long long)c->files, KH_MSG("objects", "đối tượng"),
		       (unsigned long long)c->objects, KH_MSG("indicators", "chỉ báo"),
		       (unsigned long long)c->indicators);
		printf("%s: %llu, %s: %llu, %s: %llu, %s: %llu\n", KH_MSG("hashes", "mã băm"),
		       (unsigned long long)c->hashes, KH_MSG("network", "mạng"),
		       (unsigned long long)c->network, KH_MSG("unsupported", "chưa hỗ trợ"),
		       (unsigned long long)c->unsupported, KH_MSG("errors", "lỗi"),
		       (unsigned long long)c->errors);
		printf("%s: %zu (%s/%s)\n", KH_MSG("hash list for khien scan --hashes",
		                                   "danh sách mã băm cho khien scan --hashes"),
		       n_hashlist, ctx->data_dir, KH_IOC_HASHLIST_FILE);
	}
	return CLI_EXIT_OK;
}

/* Saves one source's indicators, then rewrites the scanner's hash list. */
static enum kh_err
keep(struct kh_store *st, const char *data_dir, const char *source, const char *format,
     const struct kh_ioc_counts *c, const struct kh_ioc_indicators *list, size_t *n_hashlist,
     struct kh_diag *diag)
{
	enum kh_err r;

	if ((r = kh_ioc_store_save(st, source, format, c, list, diag)) != KH_OK)
		return r;
	return kh_ioc_store_write_hashlist(st, data_dir, n_hashlist, diag);
}

static int
do_import(struct cli_ctx *ctx, struct ioc_args *a)
{
	struct kh_ioc_counts sum = { 0 };
	struct kh_store *st = NULL;
	struct kh_diag diag;
	size_t n_hashlist = 0;
	bool failed = false;
	enum kh_err r;

	kh_diag_clear(&diag);
	if (a->n_files == 0) {
		cli_error("ioc import: %s", KH_MSG("no file given", "chưa chỉ ra tệp nào"));
		return CLI_EXIT_ERROR;
	}
	if ((r = cli_store_open(ctx, &st, &diag)) != KH_OK) {
		cli_error_diag(r, &diag);
		return CLI_EXIT_ERROR;
	}
	for (int i = 0; i < a->n_files; i++) {
		struct kh_ioc_counts c = { 0 };
		struct kh_ioc_indicators list = { 0 };
		kh_diag_clear(&diag);
		if ((r = kh_ioc_import_file(a->files[i], &list, &c, &diag)) != KH_OK) {
			cli_error_diag(r, &diag);
			c.errors++;
			if (c.files == 0)
				c.files = 1;
			failed = true;
		} else if ((r = keep(st, ctx->data_dir, a->files[i], "file", &c, &list, &n_hashlist,
		                     &diag)) != KH_OK) {
			cli_error_diag(r, &diag);
			failed = true;
		}
		counts_add(&sum, &c);
		kh_ioc_indicators_cleanup(&list);
	}
	/* the list reflects the store even after a bad file */
	if ((r = kh_ioc_store_write_hashlist(st, ctx->data_dir, &n_hashlist, &diag)) != KH_OK) {
		cli_error_diag(r, &diag);
		failed = true;
	}
	kh_store_close(st);
	return print_counts(ctx, &sum, n_hashlist) == CLI_EXIT_OK && !failed ? CLI_EXIT_OK
	                                                                      : CLI_EXIT_ERROR;
}

static enum kh_err
taxii_open(struct ioc_args *a, struct kh_taxii **tx, struct kh_diag *diag)
{
	struct kh_taxii_opts o = { .user = a->user, .password = a->password, .token = a->token,
	                           .ca_file = a->ca_file };

	if (a->server == NULL || a->collection == NULL)
		return kh_diag_set(diag, KH_EINVAL, "", 0, "%s",
		                   KH_MSG("--server URL and --collection ID are required",
		                          "cần --server URL và --collection ID"));
	return kh_taxii_new(a->server, &o, tx, diag);
}

/* The objects to push: a bundle file, or the STIX export of the store. */
static enum kh_err
push_objects(struct cli_ctx *ctx, struct ioc_args *a, json_t **objects, struct kh_diag *diag)
{
	struct kh_ioc_export_opts opts = { .tlp = KH_IOC_TLP_AMBER };
	struct kh_ioc_detections *dets = NULL;
	struct kh_ioc_indicators local = { 0 };
	struct kh_buf *raw = NULL;
	json_t *bundle = NULL;
	enum kh_err r;

	*objects = NULL;
	if (a->tlp != NULL && kh_ioc_tlp_parse(a->tlp, &opts.tlp) != KH_OK)
		return kh_diag_set(diag, KH_EINVAL, "--tlp", 0, "%s", a->tlp);
	opts.unit = a->unit != NULL ? a->unit : kh_config_get(ctx->config, "core", "unit");
	if (a->n_files == 1) {
		struct kh_ioc_counts c = { 0 };
		if ((r = kh_file_read(a->files[0], KH_LIMIT(max_json_bytes), "max_json_bytes",
		                      KH_FILE_FOLLOW, &raw, diag)) != KH_OK ||
		    (r = kh_json_parse(kh_buf_cur(raw), a->files[0], &bundle, diag)) != KH_OK ||
		    (r = kh_ioc_stix_import(bundle, a->files[0], NULL, &c, diag)) != KH_OK)
			goto out;
	} else if ((r = load_input(ctx, NULL, &dets, &local, diag)) != KH_OK ||
	           (r = kh_ioc_stix_export(dets, &local, &opts, &bundle, diag)) != KH_OK)
		goto out;
	*objects = json_incref(json_object_get(bundle, "objects"));
	r = *objects != NULL ? KH_OK : KH_EFORMAT;
 out:
	json_decref(bundle);
	kh_buf_free(raw);
	kh_ioc_detections_free(dets);
	kh_ioc_indicators_cleanup(&local);
	return r;
}

static int
do_push(struct cli_ctx *ctx, struct ioc_args *a)
{
	struct kh_taxii *tx = NULL;
	struct kh_diag diag;
	json_t *objects = NULL, *status = NULL;
	int rc = CLI_EXIT_ERROR;
	enum kh_err r;

	kh_diag_clear(&diag);
	if ((r = taxii_open(a, &tx, &diag)) != KH_OK ||
	    (r = push_objects(ctx, a, &objects, &diag)) != KH_OK ||
	    (r = kh_taxii_add_objects(tx, a->collection, objects, 30, &status, &diag)) != KH_OK)
		cli_error_diag(r, &diag);
	else if (ctx->json)
		rc = print_json(status);
	else {
		json_int_t ok = json_integer_value(json_object_get(status, "success_count"));
		json_int_t bad = json_integer_value(json_object_get(status, "failure_count"));
		printf("%s: %lld, %s: %lld\n", KH_MSG("accepted", "đã nhận"), (long long)ok,
		       KH_MSG("refused", "bị từ chối"), (long long)bad);
		rc = bad == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	}
	json_decref(objects);
	json_decref(status);
	kh_taxii_free(tx);
	return rc;
}

static int
do_pull(struct cli_ctx *ctx, struct ioc_args *a)
{
	struct kh_ioc_counts c = { 0 };
	struct kh_ioc_indicators list = { 0 };
	struct kh_taxii *tx = NULL;
	struct kh_store *st = NULL;
	struct kh_diag diag;
	json_t *objects = NULL, *bundle = NULL;
	char last[64] = "", source[1024];
	size_t n_hashlist = 0;
	int rc = CLI_EXIT_ERROR;
	enum kh_err r;

	kh_diag_clear(&diag);
	(void)snprintf(source, sizeof(source), "%s#%s", a->server ? a->server : "",
	               a->collection ? a->collection : "");
	if ((r = taxii_open(a, &tx, &diag)) != KH_OK ||
	    (r = kh_taxii_get_objects(tx, a->collection, a->added_after, &objects, last,
	                              sizeof(last), &diag)) != KH_OK)
		goto out;
	bundle = json_pack("{s:s, s:s, s:O}", "type", "bundle", "id",
	                   "bundle--00000000-0000-4000-8000-000000000000", "objects", objects);
	c.files = 1;
	if (bundle == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((r = kh_ioc_stix_import(bundle, source, &list, &c, &diag)) != KH_OK ||
	    (r = cli_store_open(ctx, &st, &diag)) != KH_OK ||
	    (r = keep(st, ctx->data_dir, source, "taxii", &c, &list, &n_hashlist, &diag)) != KH_OK)
		goto out;
	if (last[0] != '\0' && !ctx->json && !ctx->quiet)
		printf("%s: --added-after %s\n", KH_MSG("next pull", "lần lấy sau"), last);
	rc = print_counts(ctx, &c, n_hashlist);
 out:
	if (r != KH_OK)
		cli_error_diag(r, &diag);
	kh_store_close(st);
	kh_taxii_free(tx);
	json_decref(objects);
	json_decref(bundle);
	kh_ioc_indicators_cleanup(&list);
	return rc;
}

int
cmd_ioc(struct cli_ctx *ctx, int argc, char **argv)
{
	struct ioc_args a = { 0 };
	const char *sub = argc > 1 ? argv[1] : NULL;
	int pr;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		usage(sub == NULL ? stderr : stdout);
		return sub == NULL ? CLI_EXIT_ERROR : CLI_EXIT_OK;
	}
	if ((pr = parse_args(argc, argv, &a)) != 0)
		return pr > 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	if (strcmp(sub, "export") == 0)
		return do_export(ctx, &a);
	if (strcmp(sub, "import") == 0)
		return do_import(ctx, &a);
	if (strcmp(sub, "push") == 0)
		return do_push(ctx, &a);
	if (strcmp(sub, "pull") == 0)
		return do_pull(ctx, &a);
	cli_error("ioc: %s '%s'", KH_MSG("unknown command", "lệnh lạ"), sub);
	usage(stderr);
	return CLI_EXIT_ERROR;
}
