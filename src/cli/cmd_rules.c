/*
 * cmd_rules.c — `khien rules compile -o OUT SOURCE...`: compiles YARA sources
 * (files, or directories of .yar/.yara files, one namespace per file) into
 * one file that `khien scan --rules OUT` loads without compiling again.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "khien/scan.h"

static void
rules_usage(FILE *out)
{
	fprintf(out, "%s: khien rules compile -o OUT SOURCE...\n", KH_MSG("usage", "cách dùng"));
	fprintf(out, "  -o, --output OUT   %s\n",
	        KH_MSG("where to write the compiled rules", "nơi ghi luật đã biên dịch"));
}

static int
compile(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *output = NULL;
	struct kh_scan_rules *rules = NULL;
	struct kh_diag diag;
	enum kh_err r;
	int i;

	kh_diag_clear(&diag);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc)
			output = argv[++i];
		else if (strncmp(argv[i], "--output=", 9) == 0)
			output = argv[i] + 9;
		else {
			rules_usage(stderr);
			return CLI_EXIT_ERROR;
		}
	}
	if (output == NULL || i >= argc) {
		rules_usage(stderr);
		return CLI_EXIT_ERROR;
	}
	if ((r = kh_scan_rules_load((const char *const *)argv + i, (size_t)(argc - i), &rules,
	                            &diag)) != KH_OK ||
	    (r = kh_scan_rules_save(rules, output, &diag)) != KH_OK) {
		cli_error_diag(r, &diag);
		kh_scan_rules_free(rules);
		return CLI_EXIT_ERROR;
	}
	if (ctx->json)
		printf("{\"output\": \"%s\", \"rules\": %zu}\n", output, kh_scan_rules_count(rules));
	else if (!ctx->quiet)
		printf("%s: %zu %s\n", output, kh_scan_rules_count(rules),
		       KH_MSG("rules compiled", "luật đã biên dịch"));
	kh_scan_rules_free(rules);
	return CLI_EXIT_OK;
}

int
cmd_rules(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "compile") == 0)
		return compile(ctx, argc - 1, argv + 1);
	rules_usage(argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
	return argc >= 2 && strcmp(argv[1], "--help") == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}
