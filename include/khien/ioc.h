/*
 * ioc.h — indicators and sightings shared with other centres: STIX 2.1
 * bundles (export, import, patterns), MISP events, a TAXII 2.1 client, and
 * the store tables that keep what was imported (docs/ioc.md).
 *
 * Conventions: functions that can fail return enum kh_err and fill the
 * optional diag; JSON values are jansson's json_t (borrowed unless a
 * function says it hands one over). Nothing here prints.
 */
#ifndef KHIEN_IOC_H
#define KHIEN_IOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "khien/util.h"

struct kh_store;

/* ---- canonical JSON (RFC 8785) and identifiers ------------------------- */

/*
 * Appends the RFC 8785 canonical form of j: keys sorted by UTF-16 code
 * units, no whitespace, numbers as ECMAScript prints them, minimal string
 * escapes. KH_EINVAL for a non-finite number.
 */
enum kh_err kh_ioc_jcs(const json_t *j, struct kh_buf *out) KH_WUR;

/* A UUID as 16 bytes; text form is 36 lowercase characters. */
#define KH_IOC_UUID_LEN 16
#define KH_IOC_UUID_STR 37
enum kh_err kh_ioc_uuid_parse(const char *s, uint8_t out[KH_IOC_UUID_LEN]) KH_WUR;
void kh_ioc_uuid_format(const uint8_t u[KH_IOC_UUID_LEN], char out[KH_IOC_UUID_STR]);
/* RFC 9562 §5.5: UUIDv5 = SHA-1(namespace || name), version and variant set. */
enum kh_err kh_ioc_uuid5(const uint8_t ns[KH_IOC_UUID_LEN], const void *name,
                         size_t name_len, uint8_t out[KH_IOC_UUID_LEN]) KH_WUR;

/* STIX 2.1 §2.9: the namespace for cyber-observable identifiers. */
#define KH_IOC_STIX_SCO_NAMESPACE "00abedb4-aa42-466c-9c01-fed23315a9b7"
/* Khiên's namespace for the other objects it makes (docs/ioc.md). */
#define KH_IOC_PROJECT_NAMESPACE "6f0c3a51-8e2d-5b7a-9c4e-4b6869656e21"

/*
 * "type--uuid5(ns, JCS(props))" into out (at least 100 bytes). ns is a
 * UUID in text form (one of the namespaces above).
 */
enum kh_err kh_ioc_stix_id(const char *type, const char *ns, const json_t *props,
                           char *out, size_t out_size) KH_WUR;

/* ---- TLP 2.0 ---------------------------------------------------------- */

enum kh_ioc_tlp { KH_IOC_TLP_CLEAR, KH_IOC_TLP_GREEN, KH_IOC_TLP_AMBER,
                  KH_IOC_TLP_AMBER_STRICT, KH_IOC_TLP_RED };
/* "clear", "green", "amber", "amber+strict", "red" (case-insensitive). */
enum kh_err kh_ioc_tlp_parse(const char *s, enum kh_ioc_tlp *out) KH_WUR;
/* Lowercase level name: "amber". */
const char *kh_ioc_tlp_name(enum kh_ioc_tlp tlp);
/* The STIX marking-definition id of the TLP 2.0 extension for a level. */
const char *kh_ioc_tlp_stix_id(enum kh_ioc_tlp tlp);
/* Finds the level from a marking-definition id or a MISP tag ("tlp:amber"). */
bool kh_ioc_tlp_from_stix_id(const char *id, enum kh_ioc_tlp *out);
bool kh_ioc_tlp_from_tag(const char *tag, enum kh_ioc_tlp *out);
/* A new marking-definition object for the level (handed over). */
json_t *kh_ioc_tlp_stix_object(enum kh_ioc_tlp tlp);

/* ---- detections (the scanner's JSON lines or the store) ---------------- */

struct kh_ioc_detection {
	char *path;     /* as scanned; archive members "outer.zip!inner/file" */
	char *match;    /* rule identifier or hash-list entry name */
	char *engine;   /* "yara" or "hash" */
	char *sha256;   /* lowercase hex, or NULL when unknown */
	uint64_t size;
	char time[32];  /* "YYYY-MM-DDTHH:MM:SSZ" */
};

struct kh_ioc_detections {
	struct kh_ioc_detection *items;
	size_t n, cap;
};

void kh_ioc_detections_free(struct kh_ioc_detections *d);
/*
 * Reads `khien scan --json` output: detection lines are kept, error and
 * summary lines skipped. A malformed line is KH_EFORMAT naming the line.
 */
enum kh_err kh_ioc_detections_parse(struct kh_cur jsonl, const char *what,
                                    struct kh_ioc_detections **out,
                                    struct kh_diag *diag) KH_WUR;
/* Every detection the scanner recorded in the store (scan_detections). */
enum kh_err kh_ioc_detections_load(struct kh_store *st,
                                   struct kh_ioc_detections **out,
                                   struct kh_diag *diag) KH_WUR;

/* ---- indicators ------------------------------------------------------- */

enum kh_ioc_kind { KH_IOC_KIND_HASH, KH_IOC_KIND_NETWORK, KH_IOC_KIND_FILENAME };

/*
 * One indicator value. type is a STIX-style name: "md5", "sha1", "sha256",
 * "sha512" (hashes), "domain-name", "ipv4-addr", "ipv6-addr", "url",
 * "email-addr" (network), "file-name".
 */
struct kh_ioc_indicator {
	enum kh_ioc_kind kind;
	char *type;
	char *value;
	char *name;    /* malware or rule name, may be NULL */
	char *source;  /* file or server it came from, may be NULL */
	char *first_seen; /* STIX timestamp it was first seen/valid from, or NULL */
};

struct kh_ioc_indicators {
	struct kh_ioc_indicator *items;
	size_t n, cap;
};

void kh_ioc_indicators_cleanup(struct kh_ioc_indicators *list);
/* Appends a copy of the values (name, source, first_seen may be NULL). */
enum kh_err kh_ioc_indicators_add(struct kh_ioc_indicators *list,
                                  enum kh_ioc_kind kind, const char *type,
                                  const char *value, const char *name,
                                  const char *source, const char *first_seen) KH_WUR;
/* The kind of a type name ("sha256" → hash), false when unknown. */
bool kh_ioc_type_kind(const char *type, enum kh_ioc_kind *out);

/* What an import read: the keys of `khien ioc import --json`. */
struct kh_ioc_counts {
	uint64_t files, objects, indicators, hashes, network, unsupported, errors;
};

/* ---- STIX patterns ---------------------------------------------------- */

/* What one pattern holds, for import (values are copied into `into`). */
struct kh_ioc_pattern_info {
	size_t comparisons;   /* comparison expressions seen */
	size_t hashes;        /* hash values taken */
	size_t network;       /* network values taken */
	size_t others;        /* file names taken */
	size_t unsupported;   /* parts we can parse but not match on */
};

/*
 * Parses a STIX 2.1 pattern (STIX 2.1 §9). Supported for matching: '='
 * comparisons on file:hashes.*, file:name, domain-name:value,
 * ipv4-addr:value, ipv6-addr:value, url:value, email-addr:value joined by
 * AND/OR inside one [...]. Observation operators (AND, OR, FOLLOWEDBY),
 * qualifiers (WITHIN, REPEATS, START/STOP), other operators and paths are
 * parsed and counted as unsupported. Anything else is KH_EFORMAT with the
 * byte offset in diag->offset; nesting past 32 levels is KH_ELIMIT.
 * `into` may be NULL (validate only).
 */
enum kh_err kh_ioc_pattern_parse(const char *pattern, size_t len,
                                 const char *name, const char *source,
                                 struct kh_ioc_indicators *into,
                                 struct kh_ioc_pattern_info *info,
                                 struct kh_diag *diag) KH_WUR;
/* A pattern for one indicator value: [file:hashes.'SHA-256' = '…']. */
enum kh_err kh_ioc_pattern_for(const char *type, const char *value,
                               struct kh_buf *out) KH_WUR;

/* ---- STIX export and import ------------------------------------------- */

struct kh_ioc_export_opts {
	const char *unit;    /* identity name; NULL: "Khiên" */
	enum kh_ioc_tlp tlp; /* marking for every object */
};

/*
 * Builds a STIX 2.1 bundle from detections and local indicators (either may
 * be NULL): identity, TLP marking, file observables, indicators, malware,
 * indicates relationships and sightings; identifiers are deterministic.
 * Hands over a new bundle in *out.
 */
enum kh_err kh_ioc_stix_export(const struct kh_ioc_detections *dets,
                               const struct kh_ioc_indicators *local,
                               const struct kh_ioc_export_opts *opts,
                               json_t **out, struct kh_diag *diag) KH_WUR;

/*
 * Reads a STIX 2.1 bundle: counts objects, takes indicator values from the
 * patterns into `into` and adds to counts. A document that is not a bundle
 * or has spec_version other than 2.1 is KH_EFORMAT; an indicator whose
 * pattern does not parse counts as an error and the rest goes on.
 */
enum kh_err kh_ioc_stix_import(const json_t *bundle, const char *source,
                               struct kh_ioc_indicators *into,
                               struct kh_ioc_counts *counts,
                               struct kh_diag *diag) KH_WUR;

/* ---- MISP ------------------------------------------------------------- */

/*
 * A MISP event {"Event": {...}} from detections and local indicators:
 * attributes md5/sha1/sha256/filename|sha256/domain/ip-dst/url, a `file`
 * object per detected file, tags for TLP; uuids are deterministic.
 */
enum kh_err kh_ioc_misp_export(const struct kh_ioc_detections *dets,
                               const struct kh_ioc_indicators *local,
                               const struct kh_ioc_export_opts *opts,
                               json_t **out, struct kh_diag *diag) KH_WUR;

/*
 * Reads a MISP event ({"Event":…}, a bare event, or {"response":[…]}):
 * every attribute (top level and inside objects) counts as an object and
 * an indicator; supported types give hash or network values, the rest
 * count as unsupported.
 */
enum kh_err kh_ioc_misp_import(const json_t *doc, const char *source,
                               struct kh_ioc_indicators *into,
                               struct kh_ioc_counts *counts,
                               struct kh_diag *diag) KH_WUR;
/* True when doc is a MISP event in one of the shapes misp_import reads. */
bool kh_ioc_misp_is_event(const json_t *doc);
/* True when doc looks like a MISP feed manifest.json (uuid → event info). */
bool kh_ioc_misp_is_manifest(const json_t *doc);

/*
 * Imports one file of any supported kind (STIX bundle, MISP event, MISP
 * feed manifest: the events it names are read from the same directory).
 */
enum kh_err kh_ioc_import_file(const char *path, struct kh_ioc_indicators *into,
                               struct kh_ioc_counts *counts,
                               struct kh_diag *diag) KH_WUR;
/* The same for a document already parsed (e.g. fetched over TAXII). */
enum kh_err kh_ioc_import_json(const json_t *doc, const char *source,
                               struct kh_ioc_indicators *into,
                               struct kh_ioc_counts *counts,
                               struct kh_diag *diag) KH_WUR;

/* ---- store ------------------------------------------------------------ */

/* Where imported hash indicators go, inside the data directory. */
#define KH_IOC_HASHLIST_FILE "ioc/hashes.txt"

/*
 * Records an import (counts) and its indicators (new values only) in one
 * transaction.
 */
enum kh_err kh_ioc_store_save(struct kh_store *st, const char *source,
                              const char *format,
                              const struct kh_ioc_counts *counts,
                              const struct kh_ioc_indicators *list,
                              struct kh_diag *diag) KH_WUR;
/* Every indicator kept in the store, in insertion order. */
enum kh_err kh_ioc_store_load(struct kh_store *st, struct kh_ioc_indicators *out,
                              struct kh_diag *diag) KH_WUR;
/*
 * Writes every stored hash indicator as "hexhash;name" lines to
 * data_dir/ioc/hashes.txt (atomically), for `khien scan --hashes`.
 * *n_written gets the line count.
 */
enum kh_err kh_ioc_store_write_hashlist(struct kh_store *st, const char *data_dir,
                                        size_t *n_written,
                                        struct kh_diag *diag) KH_WUR;

/* ---- TAXII 2.1 client ------------------------------------------------- */

struct kh_taxii_opts {
	const char *user, *password; /* HTTP basic when user is set */
	const char *token;           /* bearer token (wins over basic) */
	long timeout_ms;             /* 0: 30000 */
	const char *ca_file;         /* extra CA bundle, may be NULL */
};

struct kh_taxii;

/* A client for a server: url is the discovery URL or an API root URL. */
enum kh_err kh_taxii_new(const char *url, const struct kh_taxii_opts *opts,
                         struct kh_taxii **out, struct kh_diag *diag) KH_WUR;
void kh_taxii_free(struct kh_taxii *tx);

/* GET url (relative to the server, or absolute): the JSON body handed over. */
enum kh_err kh_taxii_discovery(struct kh_taxii *tx, json_t **out,
                               struct kh_diag *diag) KH_WUR;
/*
 * The API root to use: the URL given when it is one, else the discovery's
 * `default`, else its first api_roots entry. Borrowed.
 */
enum kh_err kh_taxii_api_root(struct kh_taxii *tx, const char **root,
                              struct kh_diag *diag) KH_WUR;
enum kh_err kh_taxii_collections(struct kh_taxii *tx, json_t **out,
                                 struct kh_diag *diag) KH_WUR;
/*
 * Gets every object of a collection added after `added_after` (NULL: all),
 * following `next` while `more` is true, into a new array in *objects.
 * *last_added gets the X-TAXII-Date-Added-Last of the last page ("" if
 * none), for the next poll.
 */
enum kh_err kh_taxii_get_objects(struct kh_taxii *tx, const char *collection,
                                 const char *added_after, json_t **objects,
                                 char *last_added, size_t last_added_size,
                                 struct kh_diag *diag) KH_WUR;
/*
 * Adds objects (a JSON array) to a collection and polls the status
 * resource until it is complete (or max_polls runs out: KH_EHTTP). The
 * final status is handed over in *status (may be NULL).
 */
enum kh_err kh_taxii_add_objects(struct kh_taxii *tx, const char *collection,
                                 const json_t *objects, int max_polls,
                                 json_t **status, struct kh_diag *diag) KH_WUR;

#endif
