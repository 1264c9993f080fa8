/* cmd_inventory.c — `khien inventory <collect|import-assets|list-assets>`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int
cmd_inventory(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "collect") == 0)
		return cmd_inventory_collect(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "import-assets") == 0)
		return cmd_inventory_import_assets(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list-assets") == 0)
		return cmd_inventory_list_assets(ctx, argc - 1, argv + 1);
	fprintf(stderr, "%s: khien inventory collect [--root DIR] [--json]\n"
	                "       khien inventory import-assets FILE.csv [--json]\n"
	                "       khien inventory list-assets [--unit NAME] [--json]\n",
	        KH_MSG("usage", "cách dùng"));
	return argc >= 2 && strcmp(argv[1], "--help") == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}
