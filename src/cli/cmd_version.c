/* placeholder: replaced by the version module's front end */
#include "cli.h"
int cmd_version(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc; (void)argv;
	return CLI_EXIT_ERROR;
}
