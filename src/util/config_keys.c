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
	{ "store", "busy_timeout_ms", "5000", "how long SQLite waits for a lock (PostgreSQL: lock_timeout)" },
	{ "vuln", "epss_threshold", "0.1", "EPSS probability at or above which a finding is priority 3" },
	{ "vuln", "cvss_critical", "9.0", "CVSS base score at or above which a finding is priority 3" },
	{ "vuln", "days_p1", "7", "days to patch priority 1 (KEV, ransomware) when KEV gives no due date" },
	{ "vuln", "days_p2", "14", "days to patch priority 2 (KEV) when KEV gives no due date" },
	{ "vuln", "days_p3", "15", "days to patch priority 3 (high EPSS, critical CVSS, national warning)" },
	{ "vuln", "days_p4", "90", "days to patch priority 4 (the rest)" },
	{ "vuln", "unit_overrides", NULL, "CSV file of per-unit deadlines: unit,days_p1,days_p2,days_p3,days_p4" },
	{ "feeds", "kev_url", NULL, "URL of the CISA KEV catalog JSON for feeds update" },
	{ "feeds", "nvd_url", NULL, "URLs of NVD CVE API 2.0 pages or records, separated by blanks or commas" },
	{ "feeds", "epss_url", NULL, "URL of the EPSS scores CSV (plain or .gz) for feeds update" },
	{ "feeds", "debian_tracker_url", NULL, "URL of the Debian security tracker JSON for feeds update" },
	{ "feeds", "osv_urls", NULL, "URLs of OSV records, lists or ecosystem .zip files, separated by blanks or commas" },
	{ "feeds", "csaf_urls", NULL, "URLs of CSAF 2.0 documents, separated by blanks or commas" },
	{ "feeds", "proxy", NULL, "HTTP(S) proxy for feeds update; unset: the http_proxy/https_proxy environment; empty: none" },
	{ "feeds", "timeout_s", "300", "seconds one download may take" },
	{ "feeds", "ca_file", NULL, "PEM file of CA certificates to trust instead of the system's" },
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
