/* placeholder: replaced by the ioc front end */
#include "cli.h"
int cmd_ioc(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc; (void)argv;
	return CLI_EXIT_ERROR;
}
