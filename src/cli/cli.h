/*
 * cli.h — the `khien` front end: shared context and the subcommands.
 * Front ends are thin: they parse options, load config, call the library,
 * print and choose exit codes. Nothing here that a test would want.
 */
#ifndef KHIEN_CLI_H
#define KHIEN_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "khien/config.h"
#include "khien/util.h"

/* Exit codes shared by commands (see docs/cli.md). */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FOUND = 1, /* something found (findings, detections) */
	CLI_EXIT_ERROR = 2, /* errors, bad usage, bad input */
};

/*
 * Options every command accepts, removed from argv by main() before the
 * command sees it: --config FILE, --data-dir DIR, --lang vi|en, --json,
 * --log-level LEVEL, --log-json, --quiet.
 */
struct cli_ctx {
	const char *config_path;  /* NULL: default path, absent file is fine */
	const char *data_dir;     /* resolved: --data-dir, config, default */
	bool json;                /* --json: machine output on stdout */
	bool quiet;
	struct kh_config *config; /* loaded configuration (never NULL) */
};

/* Prints "khien: <msg>" to stderr (human text; the command name first). */
void cli_error(const char *fmt, ...) KH_PRINTF(1, 2);
/* Prints a diagnostic "khien: file:line: message" to stderr. */
void cli_error_diag(enum kh_err err, const struct kh_diag *diag);

/* Opens the store in ctx->data_dir as [store] says (backend, postgresql_dsn,
 * busy_timeout_ms); every command opens its store with this, never with
 * kh_store_open(…, NULL, …) (src/cli/store_open.c). Close with kh_store_close. */
struct kh_store;
enum kh_err cli_store_open(const struct cli_ctx *ctx, struct kh_store **out,
                           struct kh_diag *diag) KH_WUR;

/* An aligned text table (src/cli/table.c); cells are copied. */
#define CLI_TABLE_MAX_COLS 16
struct cli_table {
	size_t n_cols, n_rows;
	char ***rows;
};
struct cli_table *cli_table_new(size_t n_cols);
enum kh_err cli_table_add(struct cli_table *t, const char *const *cells) KH_WUR;
void cli_table_print(const struct cli_table *t, FILE *out);
void cli_table_free(struct cli_table *t);

/* Subcommands: argv[0] is the subcommand name; return the exit code. */
int cmd_version(struct cli_ctx *ctx, int argc, char **argv);
int cmd_inventory(struct cli_ctx *ctx, int argc, char **argv);
int cmd_config(struct cli_ctx *ctx, int argc, char **argv);
/* `khien feeds …` (cmd_feeds.c) */
int cmd_feeds(struct cli_ctx *ctx, int argc, char **argv);
/* `khien vuln scan|explain` (cmd_vuln.c) */
int cmd_vuln(struct cli_ctx *ctx, int argc, char **argv);
/* `khien site check …` (cmd_site.c) */
int cmd_site(struct cli_ctx *ctx, int argc, char **argv);
/* `khien ioc …` (cmd_ioc.c) */
int cmd_ioc(struct cli_ctx *ctx, int argc, char **argv);
/* `khien scan`, `khien rules compile`, `khien quarantine` (cmd_scan.c, …) */
int cmd_scan(struct cli_ctx *ctx, int argc, char **argv);
int cmd_rules(struct cli_ctx *ctx, int argc, char **argv);
int cmd_quarantine(struct cli_ctx *ctx, int argc, char **argv);

/* `khien inventory collect` (src/cli/cmd_inventory_collect.c) */
int cmd_inventory_collect(struct cli_ctx *ctx, int argc, char **argv);
/* `khien inventory import-assets` / `list-assets` (cmd_inventory_assets.c) */
int cmd_inventory_import_assets(struct cli_ctx *ctx, int argc, char **argv);
int cmd_inventory_list_assets(struct cli_ctx *ctx, int argc, char **argv);

#endif
