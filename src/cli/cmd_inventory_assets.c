/* placeholder: replaced by the asset registry front end */
#include "cli.h"
int cmd_inventory_import_assets(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc; (void)argv;
	return CLI_EXIT_ERROR;
}
int cmd_inventory_list_assets(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc; (void)argv;
	return CLI_EXIT_ERROR;
}
