/*
 * inventory.h — what is installed on a host: OS identity (os-release,
 * uname, hostname) and packages from the dpkg status database, the rpm
 * database (through the rpm tool) and the apk installed database; written
 * and read as JSON schema "khien.inventory/1" (docs/inventory.md).
 *
 * One struct kh_inventory carries the OS, the packages and every problem
 * met while reading them. Problems in the data never abort a collection:
 * what could be read is kept, and each problem is an entry in `errors`
 * (file, line, message). An inventory with errors is partial and must be
 * shown as such (kh_inventory_complete()).
 *
 * Thread-safety: an inventory belongs to one thread at a time; the
 * functions keep no global state besides the limits table.
 */
#ifndef KHIEN_INVENTORY_H
#define KHIEN_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "khien/util.h"

/* ---- host inventory (host.c, os_release.c, dpkg_status.c, rpm_db.c,
 *      apk_db.c, inventory_json.c) ---- */

#define KH_INVENTORY_SCHEMA "khien.inventory/1"

enum kh_inventory_type {
	KH_INVENTORY_DEB = 0,
	KH_INVENTORY_RPM,
	KH_INVENTORY_APK,
	KH_INVENTORY_TYPE_COUNT_
};

/* "deb", "rpm", "apk" (the JSON "type"); "?" when out of range. */
const char *kh_inventory_type_name(enum kh_inventory_type type);
/* Parses a type name; KH_EINVAL when unknown. */
enum kh_err kh_inventory_type_parse(const char *name,
                                    enum kh_inventory_type *out) KH_WUR;

/*
 * One installed package. Strings are owned by the inventory. `source` and
 * `source_version` are always set for collected packages (a deb without a
 * Source field is its own source, as dpkg-query's ${source:Package}
 * reports). `status` is dpkg's db:Status-Status for debs, NULL otherwise.
 */
struct kh_inventory_pkg {
	enum kh_inventory_type type;
	char *name;
	char *version;
	char *arch;
	char *source;
	char *source_version;
	char *status;
};

/* The OS identity; any field may be NULL (unknown). */
struct kh_inventory_os {
	char *id;          /* os-release ID, e.g. "debian" */
	char *version_id;  /* os-release VERSION_ID, e.g. "12" */
	char *codename;    /* VERSION_CODENAME, else from VERSION "12 (bookworm)" */
	char *pretty_name; /* os-release PRETTY_NAME */
	char *kernel;      /* uname release (live host only) */
	char *hostname;
	char *arch;        /* in the distribution's naming: amd64, x86_64, ... */
};

/* A problem met while collecting or reading: where, and what. */
struct kh_inventory_error {
	char *file;     /* path as the user named it (under --root: full path) */
	long line;      /* 1-based; 0 when not about one line */
	enum kh_err err;
	char *message;  /* in the language current when it was recorded */
};

struct kh_inventory {
	char *root;          /* "/" for the live host */
	time_t collected_at; /* 0: unknown */
	struct kh_inventory_os os;
	struct kh_inventory_pkg *pkgs;
	size_t n_pkgs, cap_pkgs;
	struct kh_inventory_error *errors;
	size_t n_errors, cap_errors;
	size_t n_errors_dropped; /* past max_inventory_errors: counted only */
};

/* A new empty inventory (root NULL, no packages); NULL on ENOMEM. */
struct kh_inventory *kh_inventory_new(void);
void kh_inventory_free(struct kh_inventory *inv);

/* True when nothing went wrong: no recorded and no dropped errors. */
bool kh_inventory_complete(const struct kh_inventory *inv);

/*
 * Adds a copy of *pkg (its strings are copied; NULL source/source_version
 * stay NULL). KH_ELIMIT (diag names max_packages) when the inventory is
 * full, KH_ENOMEM; the inventory is unchanged on failure.
 */
enum kh_err kh_inventory_add_pkg(struct kh_inventory *inv,
                                 const struct kh_inventory_pkg *pkg,
                                 struct kh_diag *diag) KH_WUR;

/*
 * Records a problem. Past KH_LIMIT(max_inventory_errors) entries further
 * problems are only counted (n_errors_dropped). Returns KH_ENOMEM only.
 */
enum kh_err kh_inventory_add_error(struct kh_inventory *inv, const char *file,
                                   long line, enum kh_err err,
                                   const char *fmt, ...) KH_PRINTF(5, 6) KH_WUR;
/* Records a diagnostic as an error entry (file, line, formatted message). */
enum kh_err kh_inventory_add_diag(struct kh_inventory *inv, enum kh_err err,
                                  const struct kh_diag *diag) KH_WUR;

/* Sorts packages by (type, name, arch, version, source) — the JSON order. */
void kh_inventory_sort(struct kh_inventory *inv);
/* Packages of one type. */
size_t kh_inventory_count(const struct kh_inventory *inv,
                          enum kh_inventory_type type);

/* ---- parsers of one database each (bytes in, packages and errors out) ---
 *
 * Each reads untrusted bytes through the bounded cursor; `file` names the
 * input in error entries. On return the inventory holds every package that
 * could be read whole; each problem is an entry in inv->errors. Returns
 * KH_OK when the input was clean, else the kind of the first problem
 * (KH_EFORMAT, KH_ETRUNCATED, KH_ELIMIT, ...) also described in diag;
 * KH_ENOMEM means the inventory may lack packages without an entry.
 */

/*
 * dpkg status database (/var/lib/dpkg/status). A package is listed when
 * dpkg has unpacked its files (db:Status-Status installed, triggers-pending,
 * triggers-awaited, half-configured, unpacked, half-installed): what
 * `dpkg-query -W` lists minus config-files and not-installed, whose
 * programs are gone. See docs/inventory.md.
 */
enum kh_err kh_inventory_parse_dpkg_status(struct kh_cur text, const char *file,
                                           struct kh_inventory *inv,
                                           struct kh_diag *diag) KH_WUR;

/* apk installed database (/lib/apk/db/installed). */
enum kh_err kh_inventory_parse_apk_db(struct kh_cur text, const char *file,
                                      struct kh_inventory *inv,
                                      struct kh_diag *diag) KH_WUR;

/*
 * The output of `rpm -qa --queryformat KH_INVENTORY_RPM_QUERYFORMAT`:
 * one line per package, fields separated by tabs.
 */
#define KH_INVENTORY_RPM_QUERYFORMAT                                           \
	"%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n"
enum kh_err kh_inventory_parse_rpm_output(struct kh_cur text, const char *file,
                                          struct kh_inventory *inv,
                                          struct kh_diag *diag) KH_WUR;
/*
 * Splits a source rpm file name "foo-1.2-3.el9.src.rpm" into name "foo"
 * and version-release "1.2-3.el9" (owned copies). KH_EFORMAT when it does
 * not have that shape.
 */
enum kh_err kh_inventory_split_srpm(const char *srpm, char **name,
                                    char **version_release) KH_WUR;

/*
 * os-release (freedesktop.org os-release(5)): sets inv->os id, version_id,
 * codename and pretty_name (replacing earlier values).
 */
enum kh_err kh_inventory_parse_os_release(struct kh_cur text, const char *file,
                                          struct kh_inventory *inv,
                                          struct kh_diag *diag) KH_WUR;
/*
 * One os-release value as written after '=' (quotes and backslash escapes
 * shell-style, per os-release(5)) into an owned string. KH_EFORMAT for an
 * unterminated quote, text after a closing quote, or an unquoted special
 * character.
 */
enum kh_err kh_inventory_os_release_unquote(struct kh_cur raw, char **out) KH_WUR;

/* ---- collecting a host or a mounted root ---- */

struct kh_inventory_options {
	const char *root;      /* NULL or "/": the live host */
	const char *rpm_tool;  /* NULL: "rpm" found through PATH */
	int rpm_timeout_ms;    /* 0: 120000 */
};

/*
 * Reads os-release, hostname, the architecture and every package database
 * present under the root. Files under a root are opened with symbolic links
 * resolved inside that root (openat2 RESOLVE_IN_ROOT), so a mounted image
 * cannot point the reader at the host's files. Returns KH_OK with an
 * inventory (check kh_inventory_complete()), or a fatal error (root not a
 * directory, ENOMEM) with *out NULL and diag set.
 */
enum kh_err kh_inventory_collect(const struct kh_inventory_options *opts,
                                 struct kh_inventory **out,
                                 struct kh_diag *diag) KH_WUR;

/*
 * Runs `rpm --root ROOT --dbpath DBPATH -qa --queryformat ...` (fork/exec,
 * no shell), output bounded by max_rpm_output_bytes, killed after
 * timeout_ms; parses its output into inv. A missing tool, a failure or a
 * timeout is an error entry. dbpath is relative to root.
 */
enum kh_err kh_inventory_collect_rpm(const char *root, const char *dbpath,
                                     const char *rpm_tool, int timeout_ms,
                                     struct kh_inventory *inv,
                                     struct kh_diag *diag) KH_WUR;

/*
 * The distribution's name for a kernel machine name: for debs, dpkg's
 * (x86_64 -> amd64, aarch64 -> arm64, ...); rpm and apk use the kernel's
 * name with few exceptions. Returns `machine` when no mapping is known.
 */
const char *kh_inventory_arch_from_machine(enum kh_inventory_type family,
                                           const char *machine);

/* ---- JSON (schema khien.inventory/1, docs/inventory.md) ---- */

/* Appends the inventory as one JSON object (packages sorted first). */
enum kh_err kh_inventory_to_json(struct kh_inventory *inv, struct kh_buf *out,
                                 struct kh_diag *diag) KH_WUR;
/*
 * Reads a JSON inventory strictly: the schema string, every documented key
 * with its type, no unknown keys (except ones starting with "x-"), counts
 * that agree with the packages. Errors name `what` and the JSON path.
 */
enum kh_err kh_inventory_from_json(struct kh_cur in, const char *what,
                                   struct kh_inventory **out,
                                   struct kh_diag *diag) KH_WUR;

/* ---- asset registry (assets.c) ---- */

/*
 * The registry of appliances and servers each unit declares in a CSV file
 * (docs/assets.md), stored through struct kh_store and mapped to CPE 2.3 so
 * advisories (NVD configurations) can be matched against them.
 */
struct kh_store;

/* ---- RFC 4180 CSV reader (csv.c) ---- */

/*
 * Reads records from untrusted bytes: quoted fields, doubled quotes,
 * commas and newlines inside quotes, CRLF or LF line ends, an optional
 * UTF-8 BOM (Excel) skipped, blank lines skipped. Every field must be
 * valid UTF-8 without NUL. Bounded by max_csv_bytes (whole input),
 * max_csv_rows, max_csv_fields and max_line_bytes (one physical line).
 */
struct kh_csv;

struct kh_csv_row {
	long line;                 /* physical line where the record starts */
	size_t n_fields;
	const char *const *fields; /* NUL-terminated; borrowed until next call */
};

/* KH_ELIMIT (max_csv_bytes) when the input is too large. */
enum kh_err kh_csv_new(struct kh_cur text, const char *file, struct kh_csv **out,
                       struct kh_diag *diag) KH_WUR;
void kh_csv_free(struct kh_csv *csv);
/*
 * The next record. KH_ENOENT at the end of input. A bad record
 * (KH_EFORMAT; KH_ELIMIT for max_csv_fields or max_line_bytes) has been
 * skipped whole, row->line names it and diag says file, line and field;
 * reading may go on while kh_csv_can_continue() is true. Other errors
 * (KH_ENOMEM, KH_ELIMIT max_csv_rows) end the reading.
 */
enum kh_err kh_csv_next(struct kh_csv *csv, struct kh_csv_row *row,
                        struct kh_diag *diag) KH_WUR;
bool kh_csv_can_continue(const struct kh_csv *csv);

/* ---- CPE 2.3 mapping (cpe_map.c) ---- */

/*
 * Appends one WFN attribute value bound for the CPE 2.3 formatted string
 * (NISTIR 7695 section 6.2): lower case, '.', '-' and '_' as they are,
 * every other printable ASCII punctuation escaped with '\', blanks become
 * '_'. KH_EFORMAT for bytes outside printable ASCII (not representable)
 * or an empty value.
 */
enum kh_err kh_cpe_append_component(struct kh_buf *out, const char *value) KH_WUR;

struct kh_cpe_mapping {
	bool vendor_known;  /* the vendor is in the table */
	bool product_known; /* and so is the product: cpe is set */
	char *cpe;          /* owned; NULL when not mapped */
	char *why;          /* owned; why not mapped (for the warning), or NULL */
};

/*
 * Maps a vendor/product/version as people write them ("Fortinet",
 * "FortiGate 100F", "v7.2.4"; "VMware", "vCenter Server", "8.0 U2b") to a
 * CPE 2.3 formatted string using NVD's vendor:product names (table and
 * version rules in docs/assets.md). Case-insensitive, with aliases. An
 * unknown vendor or product, or a version that cannot be bound, is not an
 * error: cpe stays NULL and `why` says what is missing. KH_ENOMEM only.
 */
enum kh_err kh_cpe_map(const char *vendor, const char *product, const char *version,
                       struct kh_cpe_mapping *out) KH_WUR;
void kh_cpe_mapping_cleanup(struct kh_cpe_mapping *m);

/* ---- assets (assets.c) ---- */

struct kh_asset {
	int64_t id;
	char *unit, *name, *vendor, *product, *version, *address, *notes;
	char *cpe;         /* NULL: not mapped */
	bool vendor_known;
	char *imported_at; /* "YYYY-MM-DDTHH:MM:SSZ" */
};

/* A problem with one row: errors skip the row, warnings keep it. */
struct kh_asset_issue {
	long line;
	bool is_error;
	char *message;
};

struct kh_asset_import {
	char *file;
	size_t n_imported;       /* new assets */
	size_t n_updated;        /* assets that existed (same unit and name) */
	size_t n_skipped;        /* bad rows */
	size_t n_unknown_vendor; /* stored without a CPE */
	struct kh_asset_issue *issues;
	size_t n_issues, cap_issues;
	struct kh_asset *assets; /* stored rows, in file order */
	size_t n_assets, cap_assets;
};

/*
 * Imports a CSV whose header names the columns unit, name, vendor,
 * product, version (required) and address, notes (optional), in any order,
 * case-insensitive. Every good row is upserted by (unit, name) in one
 * transaction; bad rows are recorded as issues and skipped. Fatal errors
 * (bad header, a limit on the whole file, database errors) roll everything
 * back and return an error with diag set; *out is then NULL.
 */
enum kh_err kh_assets_import_csv(struct kh_store *st, struct kh_cur text,
                                 const char *file, struct kh_asset_import **out,
                                 struct kh_diag *diag) KH_WUR;
void kh_asset_import_free(struct kh_asset_import *imp);
/* {"file","imported","updated","skipped","unknown_vendor","errors":[...],
 *  "warnings":[...],"assets":[...]} (docs/assets.md). */
enum kh_err kh_asset_import_to_json(const struct kh_asset_import *imp,
                                    struct kh_buf *out) KH_WUR;

struct kh_asset_list {
	struct kh_asset *items;
	size_t n, cap;
};

/* Stored assets ordered by unit then name; unit NULL lists all units. */
enum kh_err kh_assets_list(struct kh_store *st, const char *unit,
                           struct kh_asset_list **out, struct kh_diag *diag) KH_WUR;
void kh_asset_list_free(struct kh_asset_list *list);
/* {"assets":[{...}]} */
enum kh_err kh_asset_list_to_json(const struct kh_asset_list *list,
                                  struct kh_buf *out) KH_WUR;

#endif
