/*
 * config_keys.c — every section and key khien.conf may hold. An entry here
 * is a promise to operators: document it in docs/config.md. Keys of
 * [limits] come from limits.h and are not listed here.
 */
#include <stddef.h>

#include "khien/config.h"

static const struct kh_config_key config_keys[] = {
	{ "core", "data_dir", NULL,
	  "data directory (default /var/lib/khien, or ~/.local/share/khien when not root)" },
	{ "core", "lang", "vi", "language of messages and reports: vi or en" },
	{ "core", "log_level", "info", "error, warning, info or debug" },
	{ "core", "log_format", "text", "text, or json for one JSON object per line" },
	{ "core", "unit", NULL, "name of the unit this installation belongs to" },
	{ "store", "backend", "sqlite", "sqlite (one file under data_dir) or postgresql" },
	{ "store", "postgresql_dsn", NULL, "libpq connection string when backend = postgresql" },
	{ "store", "busy_timeout_ms", "5000", "how long SQLite waits for a lock" },
};

size_t
kh_config_key_count(void)
{
	return sizeof(config_keys) / sizeof(config_keys[0]);
}

const struct kh_config_key *
kh_config_key_at(size_t i)
{
	return i < kh_config_key_count() ? &config_keys[i] : NULL;
}
