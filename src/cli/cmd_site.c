/*
 * cmd_site.c — `khien site check URL...` (TLS, headers, exposures, content,
 * trust-label checklist; text or JSON lines, several sites at once) and
 * `khien site score RECORD.json...` (Observatory scoring of recorded
 * responses). Exit: 0 every checklist item passes, 1 some fail, 2 errors.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "cli.h"
#include "khien/limits.h"
#include "khien/scan.h"
#include "khien/site.h"

#define MAX_RULE_PATHS 16

struct site_args {
	struct kh_site_check_opts check;
	const char *rules[MAX_RULE_PATHS];
	size_t n_rules;
	const char *record_dir;
	int64_t concurrency;
	bool no_baseline;
	char **urls;
	size_t n_urls;
};

/* Shared by the workers: the next URL to take, and results printed in
 * input order as soon as each one and all before it are done. */
struct pool {
	struct site_args *args;
	bool json;
	pthread_mutex_t lock;
	pthread_cond_t done_cv;
	size_t next;
	struct kh_site_result *results;
	enum kh_err *status;
	bool *done;
	struct kh_diag *diags;
};

static void
site_usage(FILE *out)
{
	fprintf(out, "%s: khien site check URL... [%s]\n       khien site score RECORD.json...\n",
	        KH_MSG("usage", "cách dùng"), KH_MSG("options", "tùy chọn"));
	fprintf(out, "  --json                 %s\n", KH_MSG("one JSON object per URL per line", "mỗi URL một dòng JSON"));
	fprintf(out, "  --concurrency N        %s\n", KH_MSG("sites checked at once (default 4)", "số trang kiểm tra cùng lúc (mặc định 4)"));
	fprintf(out, "  --ca-file PEM          %s\n", KH_MSG("extra trust anchor(s)", "thêm chứng thư gốc tin cậy"));
	fprintf(out, "  --timeout SEC          %s\n", KH_MSG("bound on one connect or read (default 5)", "giới hạn mỗi lần kết nối/đọc (mặc định 5)"));
	fprintf(out, "  --site-time-limit SEC  %s\n", KH_MSG("bound on one site (default: limit max_site_seconds)", "giới hạn cho một trang (mặc định: max_site_seconds)"));
	fprintf(out, "  --https-port N, --http-port N  %s\n", KH_MSG("ports when not 443/80", "cổng khi không phải 443/80"));
	fprintf(out, "  --rules FILE|DIR       %s\n", KH_MSG("YARA rules for page HTML (repeatable)", "luật YARA cho HTML của trang (lặp lại được)"));
	fprintf(out, "  --baseline-dir DIR     %s\n", KH_MSG("where page baselines live (default DATA_DIR/site-baselines)", "nơi lưu bản gốc của trang (mặc định DATA_DIR/site-baselines)"));
	fprintf(out, "  --no-baseline, --no-exposures, --no-legacy-probe, --no-cipher-enum\n");
	fprintf(out, "  --record-dir DIR       %s\n", KH_MSG("also save the HTTP responses graded (for `site score`)", "lưu các phản hồi HTTP đã chấm (cho `site score`)"));
}

static int
int_option(const char *name, const char *value, int64_t min, int64_t max, int64_t *out)
{
	if (kh_str_to_i64(value, min, max, out) != KH_OK) {
		cli_error("%s: %s '%s'", name, KH_MSG("bad number", "số không hợp lệ"), value);
		return -1;
	}
	return 0;
}

static int
valued(struct site_args *a, const char *name, const char *v)
{
	int64_t n;

	if (strcmp(name, "--concurrency") == 0)
		return int_option(name, v, 1, 256, &a->concurrency);
	if (strcmp(name, "--timeout") == 0) {
		if (int_option(name, v, 1, 600, &n) != 0)
			return -1;
		a->check.site.timeout_ms = (unsigned)n * 1000u;
	} else if (strcmp(name, "--site-time-limit") == 0) {
		if (int_option(name, v, 1, 86400, &n) != 0)
			return -1;
		a->check.site_seconds = (unsigned)n;
	} else if (strcmp(name, "--ca-file") == 0) {
		a->check.site.ca_file = v;
	} else if (strcmp(name, "--https-port") == 0) {
		a->check.https_port = v;
	} else if (strcmp(name, "--http-port") == 0) {
		a->check.http_port = v;
	} else if (strcmp(name, "--baseline-dir") == 0) {
		a->check.baseline_dir = v;
	} else if (strcmp(name, "--record-dir") == 0) {
		a->record_dir = v;
	} else if (strcmp(name, "--rules") == 0) {
		if (a->n_rules == MAX_RULE_PATHS)
			return cli_error("%s", KH_MSG("too many --rules", "quá nhiều --rules")), -1;
		a->rules[a->n_rules++] = v;
	} else {
		return 0;
	}
	return 1;
}

static int
parse_args(struct site_args *a, int argc, char **argv)
{
	static const char *const with_value[] = { "--concurrency", "--timeout", "--site-time-limit",
		"--ca-file", "--https-port", "--http-port", "--baseline-dir", "--record-dir", "--rules" };
	int i, k;

	for (i = 2; i < argc; i++) {
		for (k = 0; k < (int)(sizeof(with_value) / sizeof(with_value[0])); k++)
			if (strcmp(argv[i], with_value[k]) == 0)
				break;
		if (k < (int)(sizeof(with_value) / sizeof(with_value[0]))) {
			if (i + 1 >= argc)
				return cli_error("%s: %s", argv[i], KH_MSG("needs a value", "cần một giá trị")), -1;
			if (valued(a, argv[i], argv[i + 1]) < 0)
				return -1;
			i++;
		} else if (strcmp(argv[i], "--no-baseline") == 0) {
			a->no_baseline = true;
		} else if (strcmp(argv[i], "--no-exposures") == 0) {
			a->check.skip_exposures = true;
		} else if (strcmp(argv[i], "--no-legacy-probe") == 0) {
			a->check.site.skip_legacy_probe = true;
		} else if (strcmp(argv[i], "--no-cipher-enum") == 0) {
			a->check.site.skip_cipher_enum = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			site_usage(stdout);
			return 1;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			return cli_error("%s: %s", argv[i], KH_MSG("unknown option", "tùy chọn không rõ")), -1;
		} else {
			a->urls[a->n_urls++] = argv[i];
		}
	}
	return 0;
}

static void
save_record(const struct site_args *a, size_t index, const struct kh_site_result *res)
{
	char name[64], *path;
	struct kh_buf b;
	struct kh_diag diag;

	if (a->record_dir == NULL || kh_snprintf(name, sizeof(name), "site-%zu.json", index) != KH_OK)
		return;
	kh_buf_init(&b, 0);
	kh_diag_clear(&diag);
	if ((path = kh_path_join(a->record_dir, name)) != NULL &&
	    kh_site_record_to_json(&res->http, &b) == KH_OK &&
	    kh_file_write_atomic(path, b.data, b.len, 0644, &diag) != KH_OK)
		cli_error_diag(KH_EIO, &diag);
	kh_free(path);
	kh_buf_cleanup(&b);
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		i = p->next < p->args->n_urls ? p->next++ : p->args->n_urls;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->args->n_urls)
			return NULL;
		kh_diag_clear(&p->diags[i]);
		p->status[i] = kh_site_check(p->args->urls[i], &p->args->check, &p->results[i],
		                             &p->diags[i]);
		if (p->status[i] == KH_OK)
			save_record(p->args, i, &p->results[i]);
		pthread_mutex_lock(&p->lock);
		p->done[i] = true;
		pthread_cond_broadcast(&p->done_cv);
		pthread_mutex_unlock(&p->lock);
	}
}

/* Prints result i; returns 0 all pass, 1 something failed, 2 error. */
static int
print_one(struct pool *p, size_t i)
{
	struct kh_site_result *res = &p->results[i];
	struct kh_buf out;
	int code = 0;

	if (p->status[i] != KH_OK) {
		cli_error("%s: %s", p->args->urls[i], p->diags[i].msg[0] ? p->diags[i].msg
		                                                        : kh_strerror(p->status[i]));
		return 2;
	}
	for (size_t k = 0; k < res->n_checklist; k++)
		if (!res->checklist[k].pass)
			code = 1;
	kh_buf_init(&out, 0);
	if ((p->json ? kh_site_result_json(res, &out) : kh_site_result_text(res, &out)) != KH_OK) {
		cli_error("%s: %s", res->url, kh_strerror(KH_ENOMEM));
		code = 2;
	} else {
		fwrite(out.data, 1, out.len, stdout);
		if (p->json)
			fputc('\n', stdout);
		fflush(stdout);
	}
	kh_buf_cleanup(&out);
	kh_site_result_cleanup(res);
	return code;
}

static int
run_pool(struct pool *p)
{
	size_t n_threads = (size_t)p->args->concurrency, started = 0;
	pthread_t threads[256];
	int worst = 0, code;

	if (n_threads > p->args->n_urls)
		n_threads = p->args->n_urls;
	for (; started < n_threads; started++)
		if (pthread_create(&threads[started], NULL, worker, p) != 0)
			break;
	if (started == 0)
		worker(p); /* no threads: do it here */
	for (size_t i = 0; i < p->args->n_urls; i++) {
		pthread_mutex_lock(&p->lock);
		while (!p->done[i])
			pthread_cond_wait(&p->done_cv, &p->lock);
		pthread_mutex_unlock(&p->lock);
		code = print_one(p, i);
		/* exit codes: an error outranks a finding */
		if (code == 2 || (code == 1 && worst == 0))
			worst = code;
	}
	for (size_t t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	return worst;
}

static int
site_check(struct cli_ctx *ctx, int argc, char **argv)
{
	struct site_args a = { .concurrency = 4 };
	struct pool p = { .args = &a, .json = ctx->json };
	struct kh_scan_rules *rules = NULL;
	struct kh_diag diag;
	char *baseline = NULL;
	int code = CLI_EXIT_ERROR, r;

	if ((a.urls = kh_calloc((size_t)argc, sizeof(*a.urls))) == NULL)
		return CLI_EXIT_ERROR;
	if ((r = parse_args(&a, argc, argv)) != 0) {
		code = r > 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
		goto out;
	}
	if (a.n_urls == 0) {
		site_usage(stderr);
		goto out;
	}
	kh_diag_clear(&diag);
	if (a.n_rules > 0 && kh_scan_rules_load(a.rules, a.n_rules, &rules, &diag) != KH_OK) {
		cli_error_diag(KH_EFORMAT, &diag);
		goto out;
	}
	a.check.rules = rules;
	if (!a.no_baseline && a.check.baseline_dir == NULL && ctx->data_dir != NULL &&
	    (baseline = kh_path_join(ctx->data_dir, "site-baselines")) != NULL)
		a.check.baseline_dir = baseline;
	if (a.no_baseline)
		a.check.baseline_dir = NULL;
	if (a.record_dir != NULL && kh_mkdir_p(a.record_dir, 0755, &diag) != KH_OK) {
		cli_error_diag(KH_EIO, &diag);
		goto out;
	}
	p.results = kh_calloc(a.n_urls, sizeof(*p.results));
	p.status = kh_calloc(a.n_urls, sizeof(*p.status));
	p.done = kh_calloc(a.n_urls, sizeof(*p.done));
	p.diags = kh_calloc(a.n_urls, sizeof(*p.diags));
	if (p.results == NULL || p.status == NULL || p.done == NULL || p.diags == NULL)
		goto out;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.done_cv, NULL);
	code = run_pool(&p);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.done_cv);
 out:
	kh_free(p.results);
	kh_free(p.status);
	kh_free(p.done);
	kh_free(p.diags);
	kh_free(baseline);
	kh_free(a.urls);
	kh_scan_rules_free(rules);
	return code;
}

/* `khien site score RECORD.json...`: one JSON line per record, the same
 * shape as tests/integration/lib/site_obs_oracle.mjs prints. */
static int
site_score(int argc, char **argv)
{
	int code = argc > 2 ? CLI_EXIT_OK : CLI_EXIT_ERROR;

	for (int i = 2; i < argc; i++) {
		struct kh_site_http_record rec;
		struct kh_site_observatory obs;
		struct kh_buf *raw = NULL, out;
		struct kh_diag diag;
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];

		kh_diag_clear(&diag);
		kh_buf_init(&out, 0);
		if (kh_file_read(argv[i], KH_LIMIT(max_json_bytes), "max_json_bytes", 0, &raw, &diag) != KH_OK ||
		    kh_site_record_from_json(kh_buf_cur(raw), &rec, &diag) != KH_OK) {
			cli_error_diag(KH_EFORMAT, &diag);
			code = CLI_EXIT_ERROR;
		} else if (kh_site_observatory_score(&rec, &obs) != KH_OK ||
		           kh_site_observatory_json(&obs, &out) != KH_OK || out.len < 2) {
			code = CLI_EXIT_ERROR;
		} else {
			/* {"file":"NAME", then the object without its opening brace */
			printf("{\"file\":\"%s\",%s\n", base, kh_buf_str(&out) + 1);
		}
		if (raw != NULL)
			kh_site_record_cleanup(&rec);
		kh_buf_free(raw);
		kh_buf_cleanup(&out);
	}
	return code;
}

int
cmd_site(struct cli_ctx *ctx, int argc, char **argv)
{
	int code;

	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		site_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
	}
	/* Servers that close early make OpenSSL's and curl's writes (curl runs
	 * with CURLOPT_NOSIGNAL for threads) raise SIGPIPE, which would end
	 * the whole run; the write's EPIPE is handled where it happens. */
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (strcmp(argv[1], "check") == 0)
		code = site_check(ctx, argc, argv);
	else if (strcmp(argv[1], "score") == 0)
		code = site_score(argc, argv);
	else {
		cli_error("site %s: %s", argv[1], KH_MSG("unknown subcommand", "lệnh con không rõ"));
		code = CLI_EXIT_ERROR;
	}
	curl_global_cleanup();
	return code;
}
