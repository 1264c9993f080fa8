/*
 * cmd_version.c — `khien version compare|validate`: one comparison from the
 * command line, or millions from stdin in one process (--batch).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "khien/limits.h"
#include "khien/version.h"

static const char *const result_text[3] = { "<", "=", ">" };

static void
usage(FILE *out)
{
	fprintf(out,
	        "%s:\n"
	        "  khien version compare --scheme SCHEME [--] A B\n"
	        "  khien version compare --batch   < SCHEME<TAB>A<TAB>B ...\n"
	        "  khien version validate --scheme SCHEME [--] VERSION...\n\n"
	        "SCHEME: dpkg, rpm, semver, apk, generic\n"
	        "%s\n",
	        KH_MSG("usage", "cách dùng"),
	        KH_MSG("compare prints <, = or >; exit 0, or 2 when a version is refused "
	               "(docs/version.md)",
	               "compare in ra <, = hoặc >; mã thoát 0, hoặc 2 khi phiên bản bị từ chối "
	               "(docs/version.md)"));
}

/* "khien: warning: version 'x' has bad syntax: …" (line > 0 in batch mode). */
static void
print_warning(long line, struct kh_cur v, enum kh_version_issue issue)
{
	char text[400];

	kh_version_describe(v, issue, text, sizeof(text));
	if (line > 0)
		fprintf(stderr, "khien: stdin:%ld: %s: %s\n", line,
		        KH_MSG("warning", "cảnh báo"), text);
	else
		fprintf(stderr, "khien: %s: %s\n", KH_MSG("warning", "cảnh báo"), text);
}

static void
print_warnings(const struct cli_ctx *ctx, long line, struct kh_cur a, struct kh_cur b,
               const struct kh_version_warnings *warn)
{
	if (ctx->quiet)
		return;
	if (warn->a != KH_VERSION_ISSUE_NONE)
		print_warning(line, a, warn->a);
	if (warn->b != KH_VERSION_ISSUE_NONE)
		print_warning(line, b, warn->b);
}

static int
print_json_result(enum kh_version_scheme scheme, const char *a, const char *b,
                  const char *result)
{
	json_t *obj;
	char *text;

	if (!kh_utf8_valid(a, strlen(a)) || !kh_utf8_valid(b, strlen(b))) {
		cli_error("%s", KH_MSG("--json needs versions in UTF-8",
		                       "--json cần phiên bản mã hóa UTF-8"));
		return CLI_EXIT_ERROR;
	}
	obj = json_pack("{s:s, s:s, s:s, s:s}", "scheme", kh_version_scheme_name(scheme),
	                "a", a, "b", b, "result", result);
	text = obj != NULL ? json_dumps(obj, JSON_COMPACT) : NULL;
	json_decref(obj);
	if (text == NULL) {
		cli_error("%s", kh_strerror(KH_ENOMEM));
		return CLI_EXIT_ERROR;
	}
	puts(text);
	free(text);
	return CLI_EXIT_OK;
}

static int
compare_one(struct cli_ctx *ctx, enum kh_version_scheme scheme, const char *a,
            const char *b)
{
	struct kh_version_warnings warn;
	struct kh_diag diag;
	enum kh_err r;
	int cmp;

	kh_diag_clear(&diag);
	r = kh_version_compare_cur(scheme, kh_cur_from_str(a), kh_cur_from_str(b), &cmp,
	                           &warn, &diag);
	print_warnings(ctx, 0, kh_cur_from_str(a), kh_cur_from_str(b), &warn);
	if (r != KH_OK) {
		cli_error_diag(r, &diag);
		return CLI_EXIT_ERROR;
	}
	if (ctx->json)
		return print_json_result(scheme, a, b, result_text[cmp + 1]);
	puts(result_text[cmp + 1]);
	return CLI_EXIT_OK;
}

/* One batch line "SCHEME<TAB>A<TAB>B" → one answer line on stdout. */
static void
batch_line(const struct cli_ctx *ctx, long line_no, struct kh_cur line)
{
	struct kh_cur name, a, b;
	enum kh_version_scheme scheme;
	struct kh_version_warnings warn;
	struct kh_diag diag;
	char name_text[32];
	enum kh_err r;
	int cmp;

	if (!kh_cur_take_until(&line, '\t', &name) || !kh_cur_take_until(&line, '\t', &a) ||
	    memchr(line.p, '\t', line.len) != NULL || a.p + a.len == line.p + line.len) {
		printf("error: %s\n", KH_MSG("expected SCHEME<TAB>A<TAB>B",
		                              "cần SCHEME<TAB>A<TAB>B"));
		return;
	}
	b = line;
	if (name.len >= sizeof(name_text) ||
	    (memcpy(name_text, name.p, name.len), name_text[name.len] = '\0',
	     kh_version_scheme_parse(name_text, &scheme) != KH_OK)) {
		printf("error: %s\n", KH_MSG("unknown scheme", "lược đồ không rõ"));
		return;
	}
	kh_diag_clear(&diag);
	r = kh_version_compare_cur(scheme, a, b, &cmp, &warn, &diag);
	print_warnings(ctx, line_no, a, b, &warn);
	if (r != KH_OK) {
		printf("error: %s\n", diag.msg);
		return;
	}
	fputs(result_text[cmp + 1], stdout);
	putchar('\n');
}

/*
 * Streams stdin through a fixed window: complete lines are answered as they
 * arrive, a line longer than max_batch_line_bytes is answered with an error
 * and skipped, so memory stays bounded whatever the input.
 */
static int
compare_batch(const struct cli_ctx *ctx)
{
	size_t max_line = (size_t)KH_LIMIT(max_batch_line_bytes);
	size_t cap = max_line + 2 > (1u << 20) ? max_line + 2 : (1u << 20);
	uint8_t *window = kh_malloc(cap);
	size_t have = 0;
	long line_no = 0;
	bool skipping = false, eof = false;

	if (window == NULL) {
		cli_error("%s", kh_strerror(KH_ENOMEM));
		return CLI_EXIT_ERROR;
	}
	while (!eof || have > 0) {
		size_t got = 0, used = 0;
		if (!eof) {
			ssize_t n = read(STDIN_FILENO, window + have, cap - have);
			if (n < 0) {
				cli_error("stdin: %s", kh_strerror(KH_EIO));
				kh_free(window);
				return CLI_EXIT_ERROR;
			}
			eof = n == 0;
			got = (size_t)n;
		}
		have += got;
		for (;;) {
			struct kh_cur rest = kh_cur_make(window + used, have - used), line;
			const uint8_t *nl = memchr(rest.p, '\n', rest.len);
			if (nl == NULL && !(eof && rest.len > 0))
				break;
			line = kh_cur_make(rest.p, nl ? (size_t)(nl - rest.p) : rest.len);
			used += line.len + (nl ? 1 : 0);
			if (skipping) {
				skipping = false;
				continue;
			}
			line_no++;
			if (line.len > 0 && line.p[line.len - 1] == '\r')
				line.len--;
			if (line.len > max_line)
				printf("error: %s\n", KH_MSG("line too long (max_batch_line_bytes)",
				                              "dòng quá dài (max_batch_line_bytes)"));
			else
				batch_line(ctx, line_no, line);
		}
		memmove(window, window + used, have - used);
		have -= used;
		if (have == cap) {
			/* No newline in a full window: answer now, drop the rest of it. */
			line_no++;
			printf("error: %s\n", KH_MSG("line too long (max_batch_line_bytes)",
			                              "dòng quá dài (max_batch_line_bytes)"));
			have = 0;
			skipping = true;
		}
	}
	kh_free(window);
	return CLI_EXIT_OK;
}

static int
validate_all(const struct cli_ctx *ctx, enum kh_version_scheme scheme, int argc,
             char **argv)
{
	int status = CLI_EXIT_OK;

	for (int i = 0; i < argc; i++) {
		enum kh_version_issue warning;
		struct kh_diag diag;
		enum kh_err r;

		kh_diag_clear(&diag);
		r = kh_version_validate(scheme, kh_cur_from_str(argv[i]), &warning, &diag);
		if (r != KH_OK) {
			cli_error_diag(r, &diag);
			status = CLI_EXIT_ERROR;
			continue;
		}
		if (warning != KH_VERSION_ISSUE_NONE && !ctx->quiet)
			print_warning(0, kh_cur_from_str(argv[i]), warning);
		printf("%s\n", argv[i]);
	}
	return status;
}

int
cmd_version(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{ "scheme", required_argument, NULL, 's' },
		{ "batch", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *scheme_name = NULL, *action;
	enum kh_version_scheme scheme = KH_VERSION_GENERIC;
	bool batch = false;
	int opt, n_args;
	char **args;
	static char stdout_buf[1 << 16];

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
	}
	action = argv[1];
	optind = 0; /* a fresh GNU getopt parse of the sub-argv "compare …" */
	opterr = 1;
	while ((opt = getopt_long(argc - 1, argv + 1, "s:bh", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			scheme_name = optarg;
			break;
		case 'b':
			batch = true;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			usage(stderr);
			return CLI_EXIT_ERROR;
		}
	}
	args = argv + 1 + optind;
	n_args = argc - 1 - optind;
	if (scheme_name != NULL && kh_version_scheme_parse(scheme_name, &scheme) != KH_OK) {
		cli_error("--scheme '%s': %s", scheme_name,
		          KH_MSG("expected dpkg, rpm, semver, apk or generic",
		                 "cần dpkg, rpm, semver, apk hoặc generic"));
		return CLI_EXIT_ERROR;
	}
	/* Fully buffered stdout: batch answers millions of lines. */
	setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
	if (strcmp(action, "compare") == 0 && batch && n_args == 0 && scheme_name == NULL) {
		/* Warnings too: an unbuffered stderr costs a syscall per warned line. */
		static char stderr_buf[1 << 16];
		setvbuf(stderr, stderr_buf, _IOFBF, sizeof(stderr_buf));
		return compare_batch(ctx);
	}
	if (strcmp(action, "compare") == 0 && !batch && scheme_name != NULL && n_args == 2)
		return compare_one(ctx, scheme, args[0], args[1]);
	if (strcmp(action, "validate") == 0 && !batch && scheme_name != NULL && n_args > 0)
		return validate_all(ctx, scheme, n_args, args);
	usage(stderr);
	return CLI_EXIT_ERROR;
}
