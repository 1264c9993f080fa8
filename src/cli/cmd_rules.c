/* placeholder: replaced by the scanner front end */
#include "cli.h"
int cmd_rules(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc; (void)argv;
	return CLI_EXIT_ERROR;
}
