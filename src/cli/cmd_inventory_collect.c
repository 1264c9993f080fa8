/* placeholder: replaced by the inventory front end */
#include "cli.h"
int cmd_inventory_collect(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc; (void)argv;
	return CLI_EXIT_ERROR;
}
