/*
 * store_open.c — opens the store the way the configuration says ([store]
 * backend, postgresql_dsn, busy_timeout_ms), for every command that needs it.
 */
#include <string.h>

#include "khien/store.h"

#include "cli.h"

/* Fills opts from [store]; the strings are borrowed from ctx->config. */
static enum kh_err
store_options(const struct cli_ctx *ctx, struct kh_store_options *opts,
              struct kh_diag *diag)
{
	const char *backend = kh_config_get(ctx->config, "store", "backend");
	long long timeout_ms = 5000;
	enum kh_err r;

	memset(opts, 0, sizeof(*opts));
	opts->driver = backend != NULL ? backend : "sqlite";
	if ((r = kh_config_get_int(ctx->config, "store", "busy_timeout_ms", 1, 3600000,
	                           &timeout_ms, diag)) != KH_OK)
		return r;
	opts->busy_timeout_ms = (int)timeout_ms;
	if (strcmp(opts->driver, "postgresql") == 0) {
		opts->dsn = kh_config_get(ctx->config, "store", "postgresql_dsn");
		if (opts->dsn == NULL)
			return kh_diag_set(diag, KH_EINVAL,
			                   ctx->config_path != NULL
			                           ? ctx->config_path
			                           : KH_CONFIG_DEFAULT_PATH,
			                   0, "%s",
			                   KH_MSG("[store] backend = postgresql needs "
			                          "postgresql_dsn",
			                          "[store] backend = postgresql cần khóa "
			                          "postgresql_dsn"));
	}
	return KH_OK;
}

enum kh_err
cli_store_open(const struct cli_ctx *ctx, struct kh_store **out, struct kh_diag *diag)
{
	struct kh_store_options opts;
	enum kh_err r;

	*out = NULL;
	if ((r = store_options(ctx, &opts, diag)) != KH_OK)
		return r;
	return kh_store_open(ctx->data_dir, &opts, out, diag);
}
