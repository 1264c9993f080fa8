/*
 * feeds_int.h — helpers shared by the feed parsers: owned copies of JSON
 * strings, growing arrays, and the per-kind record parsers and splitters.
 */
#ifndef KHIEN_FEEDS_INT_H
#define KHIEN_FEEDS_INT_H

#include <jansson.h>

#include "khien/feeds.h"

/* Copies obj[key] when it is a string into *dst (NULL when absent). */
enum kh_err feeds_dup_str(const json_t *obj, const char *key, char **dst) KH_WUR;
/* Appends an owned copy of s to a string array unless present. */
enum kh_err feeds_strv_add(char ***v, size_t *n, const char *s) KH_WUR;
void feeds_strv_free(char **v, size_t n);
/* Grows *items (of elem_size) by one zeroed element; returns it or NULL. */
void *feeds_grow(void *items_ptr, size_t *n, size_t elem_size);
/* True when s looks like "CVE-YYYY-NNNN…". */
bool feeds_is_cve(const char *s);
/* A JSON number or numeric string as double; false when neither. */
bool feeds_json_number(const json_t *v, double *out);
/* Compact JSON text of j (owned), NULL on ENOMEM. */
char *feeds_json_dump(const json_t *j);
void feeds_affected_cleanup(struct kh_feeds_affected *a);
void feeds_product_status_cleanup(struct kh_feeds_product_status *p);

/*
 * The per-kind record parsers (what the store keeps is one record):
 * KEV: one vulnerabilities[] object; NVD: one "cve" object; OSV: one
 * record; CSAF: a whole document; tracker: {"package","cve","entry"};
 * warning: one warning object (docs/feeds.md).
 */
enum kh_err feeds_kev_record(const json_t *rec, struct kh_feeds_advisory **out,
                             struct kh_diag *diag) KH_WUR;
enum kh_err feeds_nvd_record(const json_t *rec, struct kh_feeds_advisory **out,
                             struct kh_diag *diag) KH_WUR;
enum kh_err feeds_osv_record(const json_t *rec, struct kh_feeds_advisory **out,
                             struct kh_diag *diag) KH_WUR;
enum kh_err feeds_csaf_record(const json_t *rec, struct kh_feeds_advisory **out,
                              struct kh_diag *diag) KH_WUR;
enum kh_err feeds_debian_record(const json_t *rec, struct kh_feeds_advisory **out,
                                struct kh_diag *diag) KH_WUR;
enum kh_err feeds_warning_json_record(const json_t *rec, struct kh_feeds_advisory **out,
                                      struct kh_diag *diag) KH_WUR;

/* Hands one parsed advisory (or a skip) to the sink; shared by splitters. */
struct feeds_run {
	enum kh_feeds_kind kind;
	const char *what;
	const struct kh_feeds_sink *sink;
	struct kh_feeds_stats *stats;
};
/* Parses rec with the kind's record parser and gives it to the sink, or
 * counts a skip naming record number idx (1-based). Only sink errors and
 * ENOMEM are returned. */
enum kh_err feeds_run_record(struct feeds_run *run, const json_t *rec, size_t idx) KH_WUR;

/* Document splitters: call feeds_run_record for each record. */
enum kh_err feeds_kev_split(struct feeds_run *run, const json_t *doc,
                            struct kh_diag *diag) KH_WUR;
enum kh_err feeds_nvd_split(struct feeds_run *run, const json_t *doc,
                            struct kh_diag *diag) KH_WUR;
enum kh_err feeds_osv_split(struct feeds_run *run, const json_t *doc,
                            struct kh_diag *diag) KH_WUR;
enum kh_err feeds_csaf_split(struct feeds_run *run, const json_t *doc,
                             struct kh_diag *diag) KH_WUR;
enum kh_err feeds_debian_split(struct feeds_run *run, const json_t *doc,
                               struct kh_diag *diag) KH_WUR;
enum kh_err feeds_warning_split_json(struct feeds_run *run, const json_t *doc,
                                     struct kh_diag *diag) KH_WUR;
/* CSV formats read their text directly. */
enum kh_err feeds_epss_parse(struct feeds_run *run, struct kh_cur data,
                             struct kh_diag *diag) KH_WUR;
enum kh_err feeds_warning_parse_csv(struct feeds_run *run, struct kh_cur data,
                                    struct kh_diag *diag) KH_WUR;
/* The store's writer of advisories and EPSS rows (feeds_store.c), for
 * imports and bundles; used inside a transaction the caller holds. */
struct kh_store;
struct feeds_writer;
enum kh_err feeds_writer_new(struct kh_store *st, struct feeds_writer **out,
                             struct kh_diag *diag) KH_WUR;
const struct kh_feeds_sink *feeds_writer_sink(struct feeds_writer *fw);
void feeds_writer_free(struct feeds_writer *fw);
/* Records one import in feeds_imports (sha256 of data, counts). */
enum kh_err feeds_record_import(struct kh_store *st, const char *origin, struct kh_cur data,
                                const struct kh_feeds_stats *stats,
                                struct kh_diag *diag) KH_WUR;

/* Format of a parsed JSON document (detect.c); false when none fits. */
bool feeds_detect_doc(const json_t *doc, enum kh_feeds_kind *out);
enum kh_err feeds_unknown_json(const char *what, struct kh_diag *diag) KH_WUR;

/* gzip or zip bytes (unpack.c). */
bool feeds_is_packed(struct kh_cur data);
/* Calls fn for each regular member (a gzip file is one member, "data"). */
enum kh_err feeds_unpack_each(struct kh_cur data, const char *what,
                              enum kh_err (*fn)(void *ctx, const char *member,
                                                struct kh_cur bytes),
                              void *ctx, struct kh_diag *diag) KH_WUR;

#endif
