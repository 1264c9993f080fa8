/* placeholder: replaced by the vuln front end */
#include "cli.h"
int cmd_vuln(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc; (void)argv;
	return CLI_EXIT_ERROR;
}
