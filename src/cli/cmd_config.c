/* cmd_config.c — `khien config check|keys`: validate khien.conf, list what it may hold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "khien/limits.h"

static int
config_keys(const struct cli_ctx *ctx)
{
	json_t *all = json_array();

	for (size_t i = 0; i < kh_config_key_count(); i++) {
		const struct kh_config_key *k = kh_config_key_at(i);
		const char *value = kh_config_get(ctx->config, k->section, k->key);
		if (ctx->json)
			json_array_append_new(all, json_pack("{s:s, s:s, s:s?, s:s}",
			                      "section", k->section, "key", k->key,
			                      "value", value, "meaning", k->meaning));
		else
			printf("[%s] %s = %s\t# %s\n", k->section, k->key,
			       value ? value : "", k->meaning);
	}
	for (int i = 0; i < KH_LIMIT_COUNT_; i++) {
		enum kh_limit_id id = (enum kh_limit_id)i;
		if (ctx->json)
			json_array_append_new(all, json_pack("{s:s, s:s, s:I, s:s}",
			                      "section", "limits", "key", kh_limit_name(id),
			                      "value", (json_int_t)kh_limit(id),
			                      "meaning", kh_limit_meaning(id)));
		else
			printf("[limits] %s = %llu\t# %s\n", kh_limit_name(id),
			       (unsigned long long)kh_limit(id), kh_limit_meaning(id));
	}
	if (ctx->json) {
		char *text = json_dumps(all, JSON_COMPACT);
		if (text != NULL)
			puts(text);
		free(text);
	}
	json_decref(all);
	return CLI_EXIT_OK;
}

int
cmd_config(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "keys") == 0)
		return config_keys(ctx);
	if (argc >= 2 && strcmp(argv[1], "check") == 0) {
		/* main() already loaded and validated it: reaching here means it is fine. */
		printf("%s: %s\n", ctx->config_path ? ctx->config_path : KH_CONFIG_DEFAULT_PATH,
		       KH_MSG("configuration is valid", "cấu hình hợp lệ"));
		return CLI_EXIT_OK;
	}
	fprintf(stderr, "%s: khien config check|keys [--config FILE] [--json]\n",
	        KH_MSG("usage", "cách dùng"));
	return CLI_EXIT_ERROR;
}
