/*
 * cmd_quarantine.c — `khien quarantine list | restore ID | delete ID`: the
 * files `khien scan --quarantine` moved into <data-dir>/quarantine.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "khien/scan.h"

static void
quarantine_usage(FILE *out)
{
	fprintf(out, "%s: khien quarantine list | restore ID | delete ID\n",
	        KH_MSG("usage", "cách dùng"));
}

static void
print_entry(const struct cli_ctx *ctx, const struct kh_scan_qentry *e)
{
	char when[32];

	kh_time_iso8601(e->quarantined, when, sizeof(when));
	if (!ctx->json) {
		printf("%s  %s  %s  %s\n", e->id, when, e->match, e->path);
		return;
	}
	/* quarantine IDs, hex digests and times need no escaping; path and match
	 * go through the scan module's JSON writer via an event. */
	{
		struct kh_scan_event ev = { 0 };
		struct kh_buf b;
		ev.type = KH_SCAN_EV_DETECTION;
		ev.path = e->path;
		ev.match = e->match;
		ev.engine = "quarantine";
		ev.sha256 = e->sha256;
		ev.size = e->size;
		ev.time = e->quarantined;
		kh_buf_init(&b, 1u << 20);
		if (kh_scan_event_json(&ev, &b) == KH_OK && b.len > 25)
			printf("{\"id\": \"%s\", \"mode\": %u, \"uid\": %u, %s\n", e->id, e->mode,
			       (unsigned)e->uid, kh_buf_str(&b) + 1);
		kh_buf_cleanup(&b);
	}
}

int
cmd_quarantine(struct cli_ctx *ctx, int argc, char **argv)
{
	struct kh_scan_qentry *entries = NULL;
	struct kh_diag diag;
	char *dir;
	size_t n = 0;
	enum kh_err r = KH_OK;
	int rc = CLI_EXIT_OK;

	kh_diag_clear(&diag);
	if (argc < 2 || (strcmp(argv[1], "list") != 0 && argc != 3) ||
	    (strcmp(argv[1], "list") == 0 && argc != 2)) {
		quarantine_usage(stderr);
		return CLI_EXIT_ERROR;
	}
	if (ctx->data_dir == NULL || (dir = kh_path_join(ctx->data_dir, "quarantine")) == NULL)
		return CLI_EXIT_ERROR;
	if (strcmp(argv[1], "list") == 0) {
		if ((r = kh_scan_quarantine_list(dir, &entries, &n, &diag)) == KH_OK)
			for (size_t i = 0; i < n; i++)
				print_entry(ctx, &entries[i]);
		kh_scan_qentries_free(entries, n);
	} else if (strcmp(argv[1], "restore") == 0) {
		r = kh_scan_quarantine_restore(dir, argv[2], &diag);
	} else if (strcmp(argv[1], "delete") == 0) {
		r = kh_scan_quarantine_delete(dir, argv[2], &diag);
	} else {
		quarantine_usage(stderr);
		rc = CLI_EXIT_ERROR;
	}
	if (r != KH_OK) {
		cli_error_diag(r, &diag);
		rc = CLI_EXIT_ERROR;
	}
	kh_free(dir);
	return rc;
}
