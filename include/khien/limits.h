/*
 * limits.h — every bound Khiên puts on outside data, in one place.
 *
 * Each limit has a name, a default and a one-line meaning. The names are the
 * keys of the [limits] section of khien.conf. Hitting a limit is reported as
 * KH_ELIMIT with the limit's name, never silently truncated.
 *
 * Values live in one process-wide table set at start-up (config load) and
 * read afterwards; setting them is not thread-safe, reading them is.
 */
#ifndef KHIEN_LIMITS_H
#define KHIEN_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "khien/util.h"

/* X(name, default, meaning) */
#define KH_LIMITS_TABLE(X)                                                     \
	X(max_config_bytes, 1u << 20, "size of the configuration file")            \
	X(max_line_bytes, 1u << 20, "length of one line of a text input")          \
	X(max_version_bytes, 4096, "length of one version string")                 \
	X(max_os_release_bytes, 64u << 10, "size of an os-release file")           \
	X(max_dpkg_status_bytes, 512u << 20, "size of a dpkg status database")     \
	X(max_apk_db_bytes, 512u << 20, "size of an apk installed database")       \
	X(max_rpm_output_bytes, 512u << 20, "output read from the rpm tool")       \
	X(max_packages, 2000000, "packages in one inventory")                      \
	X(max_inventory_errors, 1000, "errors kept in one inventory")                \
	X(max_csv_bytes, 64u << 20, "size of a CSV file")                          \
	X(max_csv_fields, 256, "fields in one CSV row")                            \
	X(max_csv_rows, 1000000, "rows in one CSV file")                           \
	X(max_json_bytes, 256u << 20, "size of a JSON document")                   \
	X(max_json_depth, 128, "nesting depth of a JSON document")                 \
	X(max_scan_file_bytes, 1ull << 30, "file size above which YARA rules are not run (--max-filesize)") \
	X(max_archive_depth, 8, "nesting depth of archives inside archives") \
	X(max_archive_members, 100000, "members read from one scanned file's archives") \
	X(max_archive_member_bytes, 256u << 20, "size of one archive member") \
	X(max_archive_total_bytes, 1ull << 30, "bytes unpacked from one scanned file's archives") \
	X(max_archive_ratio, 200, "unpacked/packed size ratio of an archive (past 1 MiB)") \
	X(max_hashlist_bytes, 1ull << 30, "size of one hash list file") \
	X(max_hashlist_entries, 20000000, "hashes loaded from all hash lists") \
	X(max_scan_cache_entries, 10000000, "files remembered by the scan cache") \
	X(max_batch_line_bytes, 64u << 10, "one line of --batch input") \
	X(max_site_csp_sources, 65536, "sources in one page's Content-Security-Policy") \
	X(max_site_body_bytes, 4u << 20, "body read from one HTTP response of a site check") \
	X(max_site_header_bytes, 256u << 10, "headers read from one HTTP response of a site check") \
	X(max_site_seconds, 120, "time allowed for all checks of one site (seconds)") \
	X(max_site_links, 10000, "links kept from one page of a site check") \
	X(max_stix_pattern_depth, 32, "nesting depth of brackets and parentheses in a STIX pattern")

enum kh_limit_id {
#define KH_LIMIT_ENUM(name, def, meaning) KH_LIMIT_##name,
	KH_LIMITS_TABLE(KH_LIMIT_ENUM)
#undef KH_LIMIT_ENUM
	KH_LIMIT_COUNT_
};

/* The current value of a limit (default until configured). */
uint64_t kh_limit(enum kh_limit_id id);

/* Name and meaning of a limit, for messages and docs. */
const char *kh_limit_name(enum kh_limit_id id);
const char *kh_limit_meaning(enum kh_limit_id id);
uint64_t kh_limit_default(enum kh_limit_id id);

/*
 * Sets a limit by its config name from its text value (a positive decimal
 * integer, optionally with a K, M or G suffix meaning KiB, MiB, GiB).
 * Returns KH_ENOENT for an unknown name, KH_EINVAL for a bad value.
 */
enum kh_err kh_limit_set(const char *name, const char *value) KH_WUR;

/* Restores every limit to its default (tests). */
void kh_limits_reset(void);

/* Shorthand: KH_LIMIT(max_csv_rows) */
#define KH_LIMIT(name) kh_limit(KH_LIMIT_##name)

#endif
