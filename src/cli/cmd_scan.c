/*
 * cmd_scan.c — `khien scan [options] PATH...`: loads rules and hash lists,
 * runs the scanner, prints one line per detection or error (text or JSON
 * lines) and a summary; exit 1 found, else 2 errors, else 0 (as clamscan).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "khien/limits.h"
#include "khien/scan.h"
#include "khien/store.h"

#define MAX_LIST_ARGS 64

struct scan_args {
	const char *rules[MAX_LIST_ARGS];
	size_t n_rules;
	const char *hashes[MAX_LIST_ARGS];
	size_t n_hashes;
	const char *excludes[MAX_LIST_ARGS];
	size_t n_excludes;
	const char **paths;
	size_t n_paths;
	int64_t threads;
	bool follow, one_fs, no_cache, quarantine, no_archives;
};

struct printer {
	bool json, progress_shown, tty_progress;
	struct kh_buf line;
	struct kh_scan_log *log; /* detections for the store */
	bool log_failed;
};

static void
scan_usage(FILE *out)
{
	fprintf(out, "%s: khien scan [%s] PATH...\n", KH_MSG("usage", "cách dùng"),
	        KH_MSG("options", "tùy chọn"));
	fprintf(out, "  --rules FILE|DIR      %s\n", KH_MSG("YARA rules: sources or compiled (repeatable)",
	                                                    "luật YARA: mã nguồn hoặc đã biên dịch (lặp lại được)"));
	fprintf(out, "  --hashes FILE         %s\n", KH_MSG("hash list: MD5/SHA-1/SHA-256, ClamAV .hdb/.hsb, CSV (repeatable)",
	                                                    "danh sách băm: MD5/SHA-1/SHA-256, ClamAV .hdb/.hsb, CSV (lặp lại được)"));
	fprintf(out, "  --threads N           %s\n", KH_MSG("scanning threads (default: one per core)",
	                                                    "số luồng quét (mặc định: mỗi lõi một luồng)"));
	fprintf(out, "  --follow-symlinks     %s\n", KH_MSG("follow symbolic links", "đi theo liên kết tượng trưng"));
	fprintf(out, "  --one-file-system     %s\n", KH_MSG("stay on the file system of each PATH",
	                                                    "không rời hệ thống tệp của mỗi PATH"));
	fprintf(out, "  --exclude GLOB        %s\n", KH_MSG("skip paths or names matching GLOB (repeatable)",
	                                                    "bỏ qua đường dẫn hoặc tên khớp GLOB (lặp lại được)"));
	fprintf(out, "  --max-filesize SIZE   %s\n", KH_MSG("larger files are hashed but not run through rules (default 1G)",
	                                                    "tệp lớn hơn chỉ được tính băm, không chạy luật (mặc định 1G)"));
	fprintf(out, "  --no-cache            %s\n", KH_MSG("read every file even if unchanged", "đọc mọi tệp kể cả khi không đổi"));
	fprintf(out, "  --no-archives         %s\n", KH_MSG("do not look inside archives (like clamscan --scan-archive=no)",
	                                                    "không quét bên trong tệp nén (như clamscan --scan-archive=no)"));
	fprintf(out, "  --quarantine          %s\n", KH_MSG("move detected files into quarantine",
	                                                    "chuyển tệp bị phát hiện vào khu cách ly"));
}

static int
add_list(const char **list, size_t *n, const char *value)
{
	if (*n >= MAX_LIST_ARGS) {
		cli_error("%s", KH_MSG("too many repeated options", "lặp lại tùy chọn quá nhiều lần"));
		return -1;
	}
	list[(*n)++] = value;
	return 0;
}

/* Options with a value; 1 = consumed, 0 = not this kind, -1 = error. */
static int
valued_option(struct scan_args *a, int argc, char **argv, int *i)
{
	static const char *const names[] = { "--rules", "--hashes", "--exclude", "--threads",
		                             "--max-filesize" };
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		size_t n = strlen(names[k]);
		const char *v;
		if (strcmp(argv[*i], names[k]) == 0) {
			if (*i + 1 >= argc) {
				cli_error("%s %s", names[k], KH_MSG("needs a value", "cần một giá trị"));
				return -1;
			}
			v = argv[++*i];
		} else if (strncmp(argv[*i], names[k], n) == 0 && argv[*i][n] == '=') {
			v = argv[*i] + n + 1;
		} else {
			continue;
		}
		switch (k) {
		case 0: return add_list(a->rules, &a->n_rules, v) < 0 ? -1 : 1;
		case 1: return add_list(a->hashes, &a->n_hashes, v) < 0 ? -1 : 1;
		case 2: return add_list(a->excludes, &a->n_excludes, v) < 0 ? -1 : 1;
		case 3:
			if (kh_str_to_i64(v, 1, 256, &a->threads) != KH_OK) {
				cli_error("--threads: %s", KH_MSG("want 1 to 256", "cần từ 1 đến 256"));
				return -1;
			}
			return 1;
		default:
			if (kh_limit_set("max_scan_file_bytes", v) != KH_OK) {
				cli_error("--max-filesize '%s': %s", v,
				          KH_MSG("want a size such as 500M or 2G", "cần kích thước như 500M hoặc 2G"));
				return -1;
			}
			return 1;
		}
	}
	return 0;
}

/* 1 = help shown, -1 = bad usage. */
static int
parse_args(int argc, char **argv, struct scan_args *a)
{
	int i, v, n_paths = 0;

	/* Options and paths may mix (GNU style); paths are gathered in order at
	 * the front of argv (argv[1..]), everything after "--" is a path. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			for (i++; i < argc; i++)
				argv[1 + n_paths++] = argv[i];
			break;
		}
		if (argv[i][0] != '-' || argv[i][1] == '\0') {
			argv[1 + n_paths++] = argv[i];
			continue;
		}
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			scan_usage(stdout);
			return 1;
		}
		if ((v = valued_option(a, argc, argv, &i)) < 0)
			return -1;
		if (v > 0)
			continue;
		if (strcmp(argv[i], "--follow-symlinks") == 0)
			a->follow = true;
		else if (strcmp(argv[i], "--one-file-system") == 0)
			a->one_fs = true;
		else if (strcmp(argv[i], "--no-cache") == 0)
			a->no_cache = true;
		else if (strcmp(argv[i], "--quarantine") == 0)
			a->quarantine = true;
		else if (strcmp(argv[i], "--no-archives") == 0)
			a->no_archives = true;
		else {
			cli_error("scan: %s '%s'", KH_MSG("unknown option", "tùy chọn lạ"), argv[i]);
			scan_usage(stderr);
			return -1;
		}
	}
	a->paths = (const char **)argv + 1;
	a->n_paths = (size_t)n_paths;
	if (a->n_paths == 0 || (a->n_rules == 0 && a->n_hashes == 0)) {
		cli_error("scan: %s", KH_MSG("give --rules and/or --hashes, and at least one PATH",
		                             "cần --rules và/hoặc --hashes, và ít nhất một PATH"));
		scan_usage(stderr);
		return -1;
	}
	return 0;
}

static void
clear_progress(struct printer *pr)
{
	if (pr->progress_shown) {
		fputs("\r\033[K", stderr);
		pr->progress_shown = false;
	}
}

static void
on_event(const struct kh_scan_event *ev, void *ctx)
{
	struct printer *pr = ctx;
	enum kh_err r;

	if (pr->log != NULL && !pr->log_failed && kh_scan_log_add(pr->log, ev) != KH_OK)
		pr->log_failed = true;
	kh_buf_reset(&pr->line);
	r = pr->json ? kh_scan_event_json(ev, &pr->line) : kh_scan_event_text(ev, &pr->line);
	if (r != KH_OK)
		return;
	clear_progress(pr);
	fprintf(stdout, "%s\n", kh_buf_str(&pr->line));
	if (pr->tty_progress)
		fflush(stdout);
}

static void
on_progress(uint64_t files, uint64_t bytes, void *ctx)
{
	struct printer *pr = ctx;

	if (!pr->tty_progress)
		return;
	fprintf(stderr, "\r\033[K%s %llu, %.1f MiB", KH_MSG("files", "tệp"),
	        (unsigned long long)files, (double)bytes / 1048576.0);
	pr->progress_shown = true;
}

static void
print_summary(const struct printer *pr, const struct kh_scan_summary *s)
{
	double mib = (double)s->bytes / 1048576.0;
	struct kh_buf b;

	if (pr->json) {
		kh_buf_init(&b, 4096);
		if (kh_scan_summary_json(s, &b) == KH_OK)
			printf("%s\n", kh_buf_str(&b));
		kh_buf_cleanup(&b);
		return;
	}
	printf("\n----------- %s -----------\n", KH_MSG("SCAN SUMMARY", "TÓM TẮT QUÉT"));
	printf("%-16s %llu (%s %llu)\n", KH_MSG("Files:", "Số tệp:"), (unsigned long long)s->files,
	       KH_MSG("unchanged, from cache:", "không đổi, từ bộ nhớ đệm:"), (unsigned long long)s->cached);
	printf("%-16s %.1f MiB\n", KH_MSG("Data:", "Dữ liệu:"), mib);
	printf("%-16s %.2f s (%.1f MiB/s)\n", KH_MSG("Time:", "Thời gian:"), s->seconds,
	       s->seconds > 0 ? mib / s->seconds : 0.0);
	printf("%-16s %llu\n", KH_MSG("Detections:", "Phát hiện:"), (unsigned long long)s->detections);
	printf("%-16s %llu\n", KH_MSG("Errors:", "Lỗi:"), (unsigned long long)s->errors);
}

static enum kh_err
load_engines(const struct scan_args *a, struct kh_scan_rules **rules,
             struct kh_scan_hashlist **hl, struct kh_diag *diag)
{
	enum kh_err r;

	if (a->n_rules > 0 && (r = kh_scan_rules_load(a->rules, a->n_rules, rules, diag)) != KH_OK)
		return r;
	if (a->n_hashes == 0)
		return KH_OK;
	if ((r = kh_scan_hashlist_new(hl)) != KH_OK)
		return r;
	for (size_t i = 0; i < a->n_hashes; i++)
		if ((r = kh_scan_hashlist_load(*hl, a->hashes[i], diag)) != KH_OK)
			return r;
	if ((r = kh_scan_hashlist_finish(*hl)) != KH_OK)
		return r;
	kh_log_debug("%zu hashes loaded", kh_scan_hashlist_count(*hl));
	return KH_OK;
}

/* Data-directory paths; NULL (with a warning) when the directory is unusable. */
static char *
data_path(const struct cli_ctx *ctx, const char *name)
{
	struct kh_diag diag;

	kh_diag_clear(&diag);
	if (ctx->data_dir == NULL || kh_mkdir_p(ctx->data_dir, 0700, &diag) != KH_OK) {
		kh_log_warn("%s: %s", ctx->data_dir ? ctx->data_dir : "?",
		            KH_MSG("data directory unusable", "không dùng được thư mục dữ liệu"));
		return NULL;
	}
	return kh_path_join(ctx->data_dir, name);
}

/* Every scan is recorded in the store; a failure there does not hide results. */
static void
record_run(const struct cli_ctx *ctx, const struct printer *pr,
           const struct kh_scan_summary *sum, time_t started)
{
	struct kh_store *st = NULL;
	struct kh_diag diag;
	int64_t run_id = 0;
	enum kh_err r;

	kh_diag_clear(&diag);
	if (pr->log_failed)
		kh_log_warn("%s", KH_MSG("out of memory: detections not recorded",
		                         "hết bộ nhớ: không ghi được kết quả phát hiện"));
	else if (ctx->data_dir == NULL ||
	         (r = cli_store_open(ctx, &st, &diag)) != KH_OK ||
	         (r = kh_scan_log_save(pr->log, st, sum, started, &run_id, &diag)) != KH_OK) {
		char text[1400];
		kh_diag_format(&diag, text, sizeof(text));
		kh_log_warn("%s: %s", KH_MSG("scan not recorded in the store",
		                             "không ghi được lần quét vào kho dữ liệu"), text);
	} else {
		kh_log_debug("scan recorded as run %lld", (long long)run_id);
	}
	kh_store_close(st);
}

int
cmd_scan(struct cli_ctx *ctx, int argc, char **argv)
{
	struct scan_args a = { 0 };
	struct printer pr = { 0 };
	struct kh_scan_options opts = { 0 };
	struct kh_scan_rules *rules = NULL;
	struct kh_scan_hashlist *hl = NULL;
	struct kh_scan_summary sum = { 0 };
	struct kh_scan *scan = NULL;
	char *cache_path = NULL, *qdir = NULL;
	struct kh_diag diag;
	enum kh_err r;
	int rc = CLI_EXIT_ERROR, p;
	time_t started = time(NULL);

	kh_diag_clear(&diag);
	if ((p = parse_args(argc, argv, &a)) != 0)
		return p > 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	pr.json = ctx->json;
	pr.tty_progress = !ctx->json && !ctx->quiet && isatty(STDERR_FILENO);
	kh_buf_init(&pr.line, 1u << 20);
	if (kh_scan_log_new(&pr.log) != KH_OK)
		goto out;
	if ((r = load_engines(&a, &rules, &hl, &diag)) != KH_OK) {
		cli_error_diag(r, &diag);
		goto out;
	}
	opts.n_threads = (unsigned)a.threads;
	opts.follow_symlinks = a.follow;
	opts.one_file_system = a.one_fs;
	opts.no_archives = a.no_archives;
	opts.excludes = a.excludes;
	opts.n_excludes = a.n_excludes;
	opts.progress = on_progress;
	if (!a.no_cache)
		opts.cache_path = cache_path = data_path(ctx, "scan-cache.bin");
	if (a.quarantine && (opts.quarantine_dir = qdir = data_path(ctx, "quarantine")) == NULL) {
		cli_error("--quarantine: %s", KH_MSG("no usable data directory", "không có thư mục dữ liệu dùng được"));
		goto out;
	}
	if ((r = kh_scan_new(&opts, rules, hl, on_event, &pr, &scan, &diag)) != KH_OK ||
	    (r = kh_scan_paths(scan, a.paths, a.n_paths, &sum, &diag)) != KH_OK) {
		cli_error_diag(r, &diag);
		goto out;
	}
	clear_progress(&pr);
	record_run(ctx, &pr, &sum, started);
	if (!ctx->quiet || ctx->json)
		print_summary(&pr, &sum);
	rc = sum.detections > 0 ? CLI_EXIT_FOUND : sum.errors > 0 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
out:
	kh_scan_free(scan);
	kh_scan_rules_free(rules);
	kh_scan_hashlist_free(hl);
	kh_free(cache_path);
	kh_free(qdir);
	kh_buf_cleanup(&pr.line);
	kh_scan_log_free(pr.log);
	return rc;
}
