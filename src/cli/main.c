/* main.c — `khien`: common options, configuration, language, then the subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "khien/limits.h"

struct subcommand {
	const char *name;
	int (*run)(struct cli_ctx *ctx, int argc, char **argv);
	const char *help_en;
	const char *help_vi;
};

static const struct subcommand subcommands[] = {
	{ "inventory", cmd_inventory, "what is installed: collect, import-assets, list-assets",
	  "phần mềm đã cài: collect, import-assets, list-assets" },
	{ "version", cmd_version, "compare versions: version compare --scheme S A B",
	  "so sánh phiên bản: version compare --scheme S A B" },
	{ "feeds", cmd_feeds, "advisory feeds: import, update, add-warning, export-bundle, import-bundle",
	  "nguồn cảnh báo: import, update, add-warning, export-bundle, import-bundle" },
	{ "vuln", cmd_vuln, "match advisories against inventories: vuln scan, vuln explain",
	  "đối chiếu cảnh báo với danh mục phần mềm: vuln scan, vuln explain" },
	{ "scan", cmd_scan, "scan files for malware (YARA rules, hash lists, archives)",
	  "quét mã độc (luật YARA, danh sách băm, tệp nén)" },
	{ "rules", cmd_rules, "compile YARA rules: rules compile", "biên dịch luật YARA: rules compile" },
	{ "quarantine", cmd_quarantine, "quarantined files: list, restore, delete",
	  "tệp bị cách ly: list, restore, delete" },
	{ "site", cmd_site, "assess websites: site check URL...", "đánh giá website: site check URL..." },
	{ "ioc", cmd_ioc, "share indicators: export, import, push, pull (STIX 2.1, MISP, TAXII 2.1)",
	  "chia sẻ dấu hiệu: export, import, push, pull (STIX 2.1, MISP, TAXII 2.1)" },
	{ "config", cmd_config, "check the configuration, list its keys",
	  "kiểm tra cấu hình, liệt kê các khóa" },
};

static bool log_json_lines;

static void
usage(FILE *out)
{
	fprintf(out, "%s: khien [%s] <%s> ...\n\n", KH_MSG("usage", "cách dùng"),
	        KH_MSG("options", "tùy chọn"), KH_MSG("command", "lệnh"));
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-10s %s\n", subcommands[i].name,
		        KH_MSG(subcommands[i].help_en, subcommands[i].help_vi));
	fprintf(out, "\n%s:\n", KH_MSG("Options for every command", "Tùy chọn chung"));
	fprintf(out, "  --config FILE     %s\n", KH_MSG("configuration file", "tệp cấu hình")
	        );
	fprintf(out, "  --data-dir DIR    %s\n", KH_MSG("data directory", "thư mục dữ liệu"));
	fprintf(out, "  --lang vi|en      %s\n", KH_MSG("language", "ngôn ngữ"));
	fprintf(out, "  --json            %s\n", KH_MSG("JSON output", "xuất JSON"));
	fprintf(out, "  --log-level L     error|warning|info|debug\n");
	fprintf(out, "  --log-json        %s\n", KH_MSG("log as JSON lines", "ghi log dạng JSON"));
	fprintf(out, "  --quiet           %s\n", KH_MSG("fewer messages", "ít thông báo hơn"));
	fprintf(out, "  --version         %s\n", KH_MSG("print the version", "in phiên bản"));
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("khien: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_error_diag(enum kh_err err, const struct kh_diag *diag)
{
	char text[1400];

	kh_diag_format(diag, text, sizeof(text));
	if (text[0] == '\0')
		cli_error("%s", kh_strerror(err));
	else
		cli_error("%s", text);
}

struct common_opts {
	const char *config_path;
	const char *data_dir;
	const char *lang;
	const char *log_level;
	bool json, log_json, quiet;
};

/* Takes the value of an option: "--opt VALUE" or "--opt=VALUE". */
static int
option_value(int argc, char **argv, int *i, const char *name, const char **out)
{
	size_t n = strlen(name);

	if (strcmp(argv[*i], name) == 0) {
		if (*i + 1 >= argc) {
			cli_error("%s %s", name, KH_MSG("needs a value", "cần một giá trị"));
			return -1;
		}
		*out = argv[++*i];
		return 1;
	}
	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
		*out = argv[*i] + n + 1;
		return 1;
	}
	return 0;
}

/*
 * Removes the common options from argv wherever they stand (before "--"),
 * so each subcommand parses only its own.
 */
static int
extract_common(int *argcp, char **argv, struct common_opts *o)
{
	static const char *const valued[] = { "--config", "--data-dir", "--lang",
		                              "--log-level" };
	int argc = *argcp, kept = 1;

	for (int i = 1; i < argc; i++) {
		const char **slots[] = { &o->config_path, &o->data_dir, &o->lang,
			                 &o->log_level };
		int matched = 0;
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[kept++] = argv[i++];
			break;
		}
		for (size_t k = 0; k < 4 && matched == 0; k++)
			if ((matched = option_value(argc, argv, &i, valued[k], slots[k])) < 0)
				return -1;
		if (matched)
			continue;
		if (strcmp(argv[i], "--json") == 0)
			o->json = true;
		else if (strcmp(argv[i], "--log-json") == 0)
			o->log_json = true;
		else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)
			o->quiet = true;
		else
			argv[kept++] = argv[i];
	}
	argv[kept] = NULL;
	*argcp = kept;
	return 0;
}

/* --lang, else KHIEN_LANG, else [core] lang, else Vietnamese. */
static int
setup_language(const struct common_opts *o, const struct kh_config *cfg)
{
	const char *lang = o->lang;
	const char *from = "--lang";
	enum kh_lang parsed;

	if (lang == NULL && (lang = getenv("KHIEN_LANG")) != NULL && *lang != '\0')
		from = "KHIEN_LANG";
	else if (lang == NULL || *lang == '\0') {
		lang = kh_config_get(cfg, "core", "lang");
		from = "[core] lang";
	}
	if (lang == NULL)
		return 0;
	if (kh_lang_parse(lang, &parsed) != KH_OK) {
		cli_error("%s: '%s': %s", from, lang,
		          KH_MSG("expected vi or en", "cần vi hoặc en"));
		return -1;
	}
	kh_lang_set(parsed);
	return 0;
}

static int
setup_logging(const struct common_opts *o, const struct kh_config *cfg)
{
	const char *level = o->log_level ? o->log_level : kh_config_get(cfg, "core", "log_level");
	const char *format = kh_config_get(cfg, "core", "log_format");
	enum kh_log_level parsed = KH_LOG_INFO;

	if (level != NULL && kh_log_level_parse(level, &parsed) != KH_OK) {
		cli_error("log level '%s': %s", level,
		          KH_MSG("expected error, warning, info or debug",
		                 "cần error, warning, info hoặc debug"));
		return -1;
	}
	if (o->quiet && parsed > KH_LOG_WARN)
		parsed = KH_LOG_WARN;
	log_json_lines = o->log_json || (format != NULL && strcmp(format, "json") == 0);
	kh_log_set_level(parsed);
	kh_log_set_handler(kh_log_stderr, &log_json_lines);
	return 0;
}

/* --data-dir, else [core] data_dir, else /var/lib/khien (root) or ~/.local/share/khien. */
static const char *
resolve_data_dir(const struct common_opts *o, const struct kh_config *cfg,
                 char *storage, size_t size)
{
	const char *home = getenv("HOME");

	if (o->data_dir != NULL)
		return o->data_dir;
	if (kh_config_get(cfg, "core", "data_dir") != NULL)
		return kh_config_get(cfg, "core", "data_dir");
	if (geteuid() == 0 || home == NULL || *home == '\0')
		return "/var/lib/khien";
	if (kh_snprintf(storage, size, "%s/.local/share/khien", home) != KH_OK)
		return "/var/lib/khien";
	return storage;
}

int
main(int argc, char **argv)
{
	struct common_opts opts = { 0 };
	struct cli_ctx ctx = { 0 };
	struct kh_diag diag;
	char data_dir[4096];
	enum kh_err r;
	int status;

	/* The language may be needed to report bad options. */
	if (getenv("KHIEN_LANG") != NULL) {
		enum kh_lang early;
		if (kh_lang_parse(getenv("KHIEN_LANG"), &early) == KH_OK)
			kh_lang_set(early);
	}
	if (extract_common(&argc, argv, &opts) != 0)
		return CLI_EXIT_ERROR;
	if (opts.lang != NULL) {
		enum kh_lang early;
		if (kh_lang_parse(opts.lang, &early) == KH_OK)
			kh_lang_set(early);
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("khien %s\n", KHIEN_VERSION);
		return CLI_EXIT_OK;
	}
	kh_diag_clear(&diag);
	r = kh_config_load(opts.config_path ? opts.config_path : KH_CONFIG_DEFAULT_PATH,
	                   opts.config_path != NULL, &ctx.config, &diag);
	if (r != KH_OK) {
		cli_error_diag(r, &diag);
		return CLI_EXIT_ERROR;
	}
	if (setup_language(&opts, ctx.config) != 0 || setup_logging(&opts, ctx.config) != 0) {
		kh_config_free(ctx.config);
		return CLI_EXIT_ERROR;
	}
	ctx.config_path = opts.config_path;
	ctx.data_dir = resolve_data_dir(&opts, ctx.config, data_dir, sizeof(data_dir));
	ctx.json = opts.json;
	ctx.quiet = opts.quiet;
	status = -1;
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			status = subcommands[i].run(&ctx, argc - 1, argv + 1);
	if (status < 0) {
		cli_error("%s '%s' (khien --help)", KH_MSG("unknown command", "lệnh không rõ"),
		          argv[1]);
		status = CLI_EXIT_ERROR;
	}
	if (fflush(stdout) != 0 && status == CLI_EXIT_OK)
		status = CLI_EXIT_ERROR;
	kh_config_free(ctx.config);
	return status;
}
