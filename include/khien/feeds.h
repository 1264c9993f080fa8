/*
 * feeds.h — advisory sources parsed into one model and kept in the store:
 * CISA KEV, NVD CVE API 2.0 (with CPE configurations), OSV, CSAF 2.0, the
 * Debian security tracker, EPSS and national warnings entered by hand
 * (docs/feeds.md). Also CPE 2.3 names (NISTIR 7695 binding, NISTIR 7696
 * name matching) and the evaluation of NVD `configurations` trees.
 *
 * Layers:
 *   cpe      parse/format/match CPE names; evaluate configuration trees
 *            against the CPE names of one system, with a trace;
 *   parsers  one per format (kev.c, nvd.c, osv.c, csaf.c,
 *            debian_tracker.c, epss.c, warning.c) turning a document into
 *            advisories; a malformed record is skipped (counted, with the
 *            file and position in the log), never aborting the rest;
 *   store    advisories persisted with their normalised source record
 *            (schema v3 "feeds", docs/feeds.md); loading re-parses the
 *            record, so what the matcher reads is what the parser made.
 *
 * Ownership: every struct here owns its strings and arrays; free with the
 * matching _free/_cleanup. Thread-safety: parsing and evaluation are
 * reentrant; a store belongs to one thread at a time.
 */
#ifndef KHIEN_FEEDS_H
#define KHIEN_FEEDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "khien/util.h"
#include "khien/version.h"

struct kh_store;
struct kh_config;

/* ==== CPE 2.3 (cpe.c) =================================================== */

/* The eleven attributes of a CPE 2.3 name, in binding order (NISTIR 7695). */
enum kh_cpe_attr_id {
	KH_CPE_PART = 0,
	KH_CPE_VENDOR,
	KH_CPE_PRODUCT,
	KH_CPE_VERSION,
	KH_CPE_UPDATE,
	KH_CPE_EDITION,
	KH_CPE_LANGUAGE,
	KH_CPE_SW_EDITION,
	KH_CPE_TARGET_SW,
	KH_CPE_TARGET_HW,
	KH_CPE_OTHER,
	KH_CPE_ATTR_COUNT
};

enum kh_cpe_value_kind {
	KH_CPE_ANY = 0, /* "*" in a formatted string, empty in a URI */
	KH_CPE_NA,      /* "-": not applicable */
	KH_CPE_VALUE,   /* a value, possibly with wildcards */
};

/*
 * One attribute in WFN form (NISTIR 7695 §5.3.2): lowercase; every
 * literal character other than a letter, digit or '_' is quoted with '\';
 * an unquoted '*' (start or end) or '?' (runs at start or end) is a
 * wildcard. `value` is NULL unless kind is KH_CPE_VALUE.
 */
struct kh_cpe_attr {
	enum kh_cpe_value_kind kind;
	char *value;
	bool has_wildcard;
};

struct kh_cpe {
	struct kh_cpe_attr attr[KH_CPE_ATTR_COUNT];
};

/*
 * Parses a CPE 2.3 formatted string ("cpe:2.3:a:vendor:product:…", missing
 * trailing attributes are refused) or a CPE 2.2 URI ("cpe:/a:vendor:…",
 * trailing components may be absent = ANY, percent-encoding and the packed
 * edition "~ed~sw_ed~t_sw~t_hw~other" understood). KH_EFORMAT with the
 * position in diag for a malformed name. *out is cleaned up first.
 */
enum kh_err kh_cpe_parse(const char *s, struct kh_cpe *out,
                         struct kh_diag *diag) KH_WUR;
void kh_cpe_cleanup(struct kh_cpe *cpe);
/* Deep copy. */
enum kh_err kh_cpe_copy(struct kh_cpe *dst, const struct kh_cpe *src) KH_WUR;
/* The formatted-string binding ("cpe:2.3:…") appended to out. */
enum kh_err kh_cpe_format(const struct kh_cpe *cpe, struct kh_buf *out) KH_WUR;
/*
 * An attribute's value with the WFN quoting removed ("10\.2" → "10.2"),
 * for version comparisons and display; "*" for ANY, "-" for NA. Writes at
 * most out_size bytes, always NUL-terminated; KH_ETOO_LARGE if cut.
 */
enum kh_err kh_cpe_attr_plain(const struct kh_cpe_attr *a, char *out,
                              size_t out_size) KH_WUR;

/* Set relations of NISTIR 7696 §6.1 (table 6-2). */
enum kh_cpe_relation {
	KH_CPE_DISJOINT = 0,
	KH_CPE_SUBSET,
	KH_CPE_SUPERSET,
	KH_CPE_EQUAL,
	KH_CPE_UNDEFINED,
};

const char *kh_cpe_relation_name(enum kh_cpe_relation rel);
/* Relation of one source attribute to one target attribute. */
enum kh_cpe_relation kh_cpe_compare_attr(const struct kh_cpe_attr *source,
                                         const struct kh_cpe_attr *target);
/*
 * CPE_NAME_MATCH (NISTIR 7696 §6.2): true when every attribute of source
 * is a SUPERSET of or EQUAL to target's. Never true on UNDEFINED.
 */
bool kh_cpe_match(const struct kh_cpe *source, const struct kh_cpe *target);
/*
 * Like kh_cpe_match but leaves the version attribute out (for cpeMatch
 * entries with version ranges, whose criteria version is ANY anyway).
 */
bool kh_cpe_match_except_version(const struct kh_cpe *source,
                                 const struct kh_cpe *target);

/* ==== NVD configurations (cpe_config.c) ================================= */

enum kh_cpe_op { KH_CPE_OP_OR = 0, KH_CPE_OP_AND };

/* One NVD cpeMatch entry. Bounds are NULL when absent. */
struct kh_cpe_match {
	bool vulnerable;
	char *criteria;          /* the CPE text as given */
	struct kh_cpe cpe;       /* criteria parsed */
	char *match_id;          /* matchCriteriaId or NULL */
	char *version_start_including;
	char *version_start_excluding;
	char *version_end_including;
	char *version_end_excluding;
};

struct kh_cpe_node {
	enum kh_cpe_op op;
	bool negate;
	struct kh_cpe_match *matches;
	size_t n_matches;
};

/* One element of NVD's "configurations" array: nodes joined by op. */
struct kh_cpe_config {
	enum kh_cpe_op op;       /* absent in NVD means OR (one node) */
	bool negate;
	struct kh_cpe_node *nodes;
	size_t n_nodes;
};

/* All configurations of a CVE: it applies when any one is true. */
struct kh_cpe_configs {
	struct kh_cpe_config *items;
	size_t n;
};

void kh_cpe_configs_cleanup(struct kh_cpe_configs *cfgs);

/*
 * One step of an evaluation, for `vuln explain`: which configuration,
 * node and cpeMatch (indices, 0-based; SIZE_MAX when the step is about a
 * whole node or configuration), against which target (SIZE_MAX: none),
 * the result and a reason in the current language ("7.0.1 < 7.0.13
 * (versionEndExcluding)", "vendor differs").
 */
struct kh_cpe_trace_step {
	size_t config, node, match, target;
	bool result;
	const char *reason;
};
typedef void (*kh_cpe_trace_fn)(void *ctx, const struct kh_cpe_trace_step *step);

struct kh_cpe_eval_result {
	bool vulnerable;          /* some configuration is true */
	size_t config, node, match; /* the vulnerable cpeMatch that decided */
	size_t target;            /* which target it matched */
	const struct kh_cpe_match *decided_by; /* borrowed from cfgs, or NULL */
	/* versionEndExcluding of the deciding match (the fix), borrowed, or NULL */
	const char *fixed_version;
};

/*
 * Evaluates every configuration against the CPE names of one system
 * (targets: an application and the OS it runs on, for AND
 * configurations). A cpeMatch matches a target when the criteria name
 * matches (kh_cpe_match) and the target's version lies within the
 * version bounds, compared with the GENERIC scheme (version.h). A target
 * version that cannot be compared (ANY, NA, refused) does not match; the
 * trace says why. Node: OR = any match true, AND = all true, then negate.
 * Configuration: op over nodes, then negate. trace may be NULL; it is
 * called for every cpeMatch tried, then for every node and configuration.
 * Also writes, when why is not NULL, one line per decision.
 */
enum kh_err kh_cpe_config_eval(const struct kh_cpe_configs *cfgs,
                               const struct kh_cpe *targets, size_t n_targets,
                               kh_cpe_trace_fn trace, void *trace_ctx,
                               struct kh_cpe_eval_result *res,
                               struct kh_diag *diag) KH_WUR;
/* Same, with a ready text trace: one line per step appended to why. */
enum kh_err kh_cpe_config_eval_text(const struct kh_cpe_configs *cfgs,
                                    const struct kh_cpe *targets,
                                    size_t n_targets,
                                    struct kh_cpe_eval_result *res,
                                    struct kh_buf *why,
                                    struct kh_diag *diag) KH_WUR;
/*
 * Every distinct "vendor:product" (plain text) of vulnerable cpeMatch
 * entries, for indexing; appended to *keys (owned strings).
 */
enum kh_err kh_cpe_configs_keys(const struct kh_cpe_configs *cfgs,
                                char ***keys, size_t *n_keys) KH_WUR;

/* ==== the advisory model (model.c) ====================================== */

/* Where an advisory came from; also the format `feeds import` detected. */
enum kh_feeds_kind {
	KH_FEEDS_KEV = 0,
	KH_FEEDS_NVD,
	KH_FEEDS_OSV,
	KH_FEEDS_CSAF,
	KH_FEEDS_DEBIAN,   /* Debian security tracker JSON */
	KH_FEEDS_EPSS,
	KH_FEEDS_WARNING,  /* national warnings entered by hand */
	KH_FEEDS_KIND_COUNT_
};

/* "kev", "nvd", "osv", "csaf", "debian-tracker", "epss", "warning". */
const char *kh_feeds_kind_name(enum kh_feeds_kind kind);
/* The names above (ASCII case-insensitive); KH_EINVAL otherwise. */
enum kh_err kh_feeds_kind_parse(const char *name, enum kh_feeds_kind *out) KH_WUR;

/* A CVSS metric: NVD cvssMetricV2/V30/V31/V40, OSV severity, CSAF scores. */
struct kh_feeds_cvss {
	char *version;     /* "2.0", "3.0", "3.1", "4.0" */
	char *vector;      /* vectorString, may be NULL */
	double score;      /* baseScore, < 0 unknown (OSV gives vectors only) */
	char *severity;    /* baseSeverity or NULL */
	char *source;      /* who scored it (NVD "source"), or NULL */
	bool primary;      /* NVD type "Primary" */
};

/* OSV range events (OSV schema 1.6 affected[].ranges[].events). */
enum kh_feeds_event_kind {
	KH_FEEDS_EV_INTRODUCED = 0,
	KH_FEEDS_EV_FIXED,
	KH_FEEDS_EV_LAST_AFFECTED,
	KH_FEEDS_EV_LIMIT,
};
const char *kh_feeds_event_name(enum kh_feeds_event_kind kind);

struct kh_feeds_event {
	enum kh_feeds_event_kind kind;
	char *version;     /* "0" for introduced means every version */
};

struct kh_feeds_range {
	char *type;        /* "ECOSYSTEM", "SEMVER", "GIT" */
	struct kh_feeds_event *events; /* in the order given */
	size_t n_events;
};

/*
 * What an advisory says about one package of one ecosystem (OSV
 * affected[], a Debian tracker release, a warning's product).
 */
struct kh_feeds_affected {
	char *ecosystem;   /* OSV form: "Debian:12", "AlmaLinux:9", "PyPI" */
	char *package;     /* source package (Debian), rpm/apk name, … */
	char *release;     /* tracker codename "bookworm", or the part of the
	                    * ecosystem after ':' ("12"), or NULL */
	char *purl;        /* or NULL */
	struct kh_feeds_range *ranges;
	size_t n_ranges;
	char **versions;   /* explicit affected versions */
	size_t n_versions;
	/* Debian tracker: "resolved", "open", "undetermined"; else NULL */
	char *status;
	char *fixed_version; /* tracker fixed_version or a warning's fix */
	char *urgency;
};

/* CSAF 2.0 §3.2.3.9 product_status groups. */
enum kh_feeds_status {
	KH_FEEDS_ST_KNOWN_AFFECTED = 0,
	KH_FEEDS_ST_FIRST_AFFECTED,
	KH_FEEDS_ST_LAST_AFFECTED,
	KH_FEEDS_ST_FIXED,
	KH_FEEDS_ST_FIRST_FIXED,
	KH_FEEDS_ST_KNOWN_NOT_AFFECTED,
	KH_FEEDS_ST_RECOMMENDED,
	KH_FEEDS_ST_UNDER_INVESTIGATION,
	KH_FEEDS_ST_COUNT_
};
/* The CSAF key: "known_affected", "fixed", … */
const char *kh_feeds_status_name(enum kh_feeds_status st);
/* True for known_affected, first_affected, last_affected. */
bool kh_feeds_status_is_affected(enum kh_feeds_status st);

/*
 * One (vulnerability, product) status of a CSAF document, with the product
 * resolved through the product tree (branches, full product names,
 * relationships) to its name and identification helpers.
 */
struct kh_feeds_product_status {
	char *cve;          /* the vulnerability's cve, or its first id, or NULL */
	char *product_id;
	enum kh_feeds_status status;
	char *name;         /* full product name, or NULL if the id is unknown */
	char *cpe;          /* product_identification_helper.cpe, or NULL */
	char *purl;         /* product_identification_helper.purl, or NULL */
	char *fixed_version; /* for fixed/first_fixed: the product version
	                       * branch name, when the tree gives one */
	char *fix_url;      /* vendor_fix remediation URL for this product */
	char *fix_details;
};

struct kh_feeds_advisory {
	enum kh_feeds_kind kind;
	char *id;           /* CVE id (KEV, NVD, EPSS), OSV id, CSAF tracking
	                     * id, "<srcpkg>/<CVE>" (tracker), warning number */
	char *source;       /* "kev", "nvd", "osv", "csaf:<publisher>",
	                     * "debian-tracker", "warning:<issuer>" */
	char **cves;        /* CVE ids it concerns (OSV aliases, CSAF cves) */
	size_t n_cves;
	char *title;
	char *summary;      /* description (English NVD text, OSV summary…) */
	char *published;    /* as given, ISO 8601 date or date-time */
	char *modified;
	bool withdrawn;     /* OSV withdrawn / NVD "Rejected" */
	struct kh_feeds_cvss *cvss;
	size_t n_cvss;
	char **cwes;        /* "CWE-79" */
	size_t n_cwes;
	char **references;  /* URLs */
	size_t n_references;

	/* CISA KEV */
	bool kev;
	bool ransomware;    /* knownRansomwareCampaignUse == "Known" */
	char *kev_vendor, *kev_product;
	char *kev_date_added, *kev_due_date; /* "YYYY-MM-DD" */
	char *kev_required_action;

	/* national warning */
	char *issuer;
	char *deadline;     /* "YYYY-MM-DD" */

	/* CSAF tracking */
	char *tracking_version;
	char *tracking_status;

	struct kh_feeds_affected *affected;  /* OSV, tracker, warning */
	size_t n_affected;
	struct kh_cpe_configs configs;       /* NVD */
	struct kh_feeds_product_status *products; /* CSAF */
	size_t n_products;
};

/* A zeroed advisory of a kind; NULL on ENOMEM. */
struct kh_feeds_advisory *kh_feeds_advisory_new(enum kh_feeds_kind kind);
void kh_feeds_advisory_free(struct kh_feeds_advisory *adv);
/* The best CVSS metric: highest version, primary first; NULL if none. */
const struct kh_feeds_cvss *kh_feeds_advisory_best_cvss(
	const struct kh_feeds_advisory *adv);
/* True when the advisory concerns cve (id or cves list). */
bool kh_feeds_advisory_has_cve(const struct kh_feeds_advisory *adv,
                               const char *cve);
/*
 * The status of a CSAF product id for a CVE (cve NULL: any); the first in
 * document order. NULL when the document says nothing about it.
 */
const struct kh_feeds_product_status *
kh_feeds_csaf_status(const struct kh_feeds_advisory *adv,
                     const char *product_id, const char *cve);

/* EPSS: one row of the CSV. */
struct kh_feeds_epss {
	char cve[32];
	double epss;        /* probability 0..1 */
	double percentile;  /* 0..1 */
	char score_date[32]; /* from the CSV's comment line, or "" */
};

/* Advisories and EPSS rows held in memory (parsing, loading). */
struct kh_feeds_set {
	struct kh_feeds_advisory **items;
	size_t n, cap;
	struct kh_feeds_epss *epss;
	size_t n_epss, cap_epss;
	char *epss_score_date;   /* from the CSV's comment line, or NULL */
};

void kh_feeds_set_init(struct kh_feeds_set *set);
void kh_feeds_set_cleanup(struct kh_feeds_set *set);
/* Takes ownership of adv (freed on failure too). */
enum kh_err kh_feeds_set_add(struct kh_feeds_set *set,
                             struct kh_feeds_advisory *adv) KH_WUR;
enum kh_err kh_feeds_set_add_epss(struct kh_feeds_set *set,
                                  const struct kh_feeds_epss *row) KH_WUR;
/* First advisory with this kind and id (borrowed), or NULL. */
const struct kh_feeds_advisory *kh_feeds_set_find(const struct kh_feeds_set *set,
                                                  enum kh_feeds_kind kind,
                                                  const char *id);

/* ==== versions of an ecosystem (ecosystem.c) ============================ */

/*
 * The version scheme of an OSV ecosystem ("Debian:12" → dpkg, "Ubuntu" →
 * dpkg, "Alpine:v3.19" → apk, "AlmaLinux:9"/"Rocky Linux:9"/"Red Hat" →
 * rpm, npm/crates.io/Go/… → semver). KH_EUNSUPPORTED for ecosystems whose
 * versions we cannot order (PyPI, Maven, …): such records are stored and
 * counted but not matched.
 */
enum kh_err kh_feeds_ecosystem_scheme(const char *ecosystem,
                                      enum kh_version_scheme *out) KH_WUR;

/*
 * Decides whether `version` of the package is affected: listed in
 * `versions`, or within a range (OSV evaluation: sorted events; introduced
 * opens, fixed/limit close excluding, last_affected closes including;
 * SEMVER ranges use semver, ECOSYSTEM ranges `scheme`; GIT ranges are
 * ignored). A tracker entry with status/fixed_version is read as
 * introduced 0, fixed fixed_version ("open" without a fix: all versions;
 * fixed_version "0": not affected). *fixed gets the first fixed version
 * above `version` (borrowed from aff, NULL if none); why (may be NULL)
 * gets one sentence.
 */
enum kh_err kh_feeds_affected_eval(const struct kh_feeds_affected *aff,
                                   enum kh_version_scheme scheme,
                                   const char *version, bool *affected,
                                   const char **fixed, struct kh_buf *why,
                                   struct kh_diag *diag) KH_WUR;

/* ==== parsing (detect.c, kev.c, nvd.c, osv.c, csaf.c, …) ================ */

/* A record skipped during a parse, with where and why. */
struct kh_feeds_skip {
	char *where;   /* "file: record 317" or "file:12" */
	char *reason;  /* current language */
};

/* What one parse or import read. At most 100 skips are kept (all counted). */
struct kh_feeds_stats {
	enum kh_feeds_kind kind;
	size_t n_records;   /* advisories (or EPSS rows) read */
	size_t n_skipped;
	struct kh_feeds_skip *skips;
	size_t n_skips;
	size_t n_by_ecosystem_os;   /* OSV records of an ecosystem we match */
	size_t n_by_ecosystem_other; /* OSV records of other ecosystems */
	uint64_t elapsed_ns;
};

void kh_feeds_stats_init(struct kh_feeds_stats *st);
void kh_feeds_stats_cleanup(struct kh_feeds_stats *st);
/* Counts a skipped record, keeps its text and logs a warning with it. */
void kh_feeds_stats_skip(struct kh_feeds_stats *st, const char *what,
                         size_t record, const char *fmt, ...) KH_PRINTF(4, 5);

/*
 * Looks at a document and says which format it is: KEV (catalogVersion +
 * vulnerabilities), NVD (a CVE API 2.0 page, "vulnerabilities[].cve", or
 * one "cve" record), OSV (schema_version/id + affected, or an array of
 * them), CSAF (document.csaf_version), Debian tracker (object of packages
 * of CVE-… objects), EPSS (CSV "#model_version" / "cve,epss,percentile"),
 * warning (JSON {"warnings":[…]} or the CSV header of docs/feeds.md).
 * KH_EFORMAT with a message when none fits.
 */
enum kh_err kh_feeds_detect(struct kh_cur data, const char *what,
                            enum kh_feeds_kind *out,
                            struct kh_diag *diag) KH_WUR;

/*
 * Receives each advisory as it is parsed, with its normalised record
 * (compact JSON the per-record parser reads back; see docs/feeds.md). The
 * callee takes ownership of adv. Returning an error stops the parse.
 */
struct kh_feeds_sink {
	enum kh_err (*advisory)(void *ctx, struct kh_feeds_advisory *adv,
	                        const char *record_json);
	enum kh_err (*epss)(void *ctx, const struct kh_feeds_epss *row);
	void *ctx;
};

/*
 * Parses a document of a kind into the sink (KH_FEEDS_KIND_COUNT_:
 * detect it first, parsing JSON only once; stats->kind says what was
 * found). Malformed records are skipped (stats, log); a document that is
 * not of the kind at all is KH_EFORMAT. `what` names the input in
 * messages (a path).
 */
enum kh_err kh_feeds_parse(enum kh_feeds_kind kind, struct kh_cur data,
                           const char *what, const struct kh_feeds_sink *sink,
                           struct kh_feeds_stats *stats,
                           struct kh_diag *diag) KH_WUR;
/* Same, collecting into a set (tests, small inputs). */
enum kh_err kh_feeds_parse_to_set(enum kh_feeds_kind kind, struct kh_cur data,
                                  const char *what, struct kh_feeds_set *set,
                                  struct kh_feeds_stats *stats,
                                  struct kh_diag *diag) KH_WUR;
/*
 * Parses one normalised record of a kind (what the store keeps) into an
 * advisory. KH_EFORMAT with a reason when the record is malformed.
 */
enum kh_err kh_feeds_parse_record(enum kh_feeds_kind kind, const json_t *rec,
                                  struct kh_feeds_advisory **out,
                                  struct kh_diag *diag) KH_WUR;

/* ==== the store (feeds_store.c) ========================================= */

/*
 * Imports one file: reads it (max_json_bytes, or max_csv_bytes for CSV),
 * detects the format unless `kind` is given (KH_FEEDS_KIND_COUNT_ =
 * detect), parses and writes every advisory in one transaction,
 * replacing earlier rows with the same kind and id, and records the
 * import (file, sha256, counts) in feeds_imports.
 */
enum kh_err kh_feeds_import_file(struct kh_store *st, const char *path,
                                 enum kh_feeds_kind kind,
                                 struct kh_feeds_stats *stats,
                                 struct kh_diag *diag) KH_WUR;
/* Same on bytes already in memory (origin names them). */
enum kh_err kh_feeds_import_data(struct kh_store *st, struct kh_cur data,
                                 const char *origin, enum kh_feeds_kind kind,
                                 struct kh_feeds_stats *stats,
                                 struct kh_diag *diag) KH_WUR;

/* Which advisories to read back; zeroed = all of them. */
struct kh_feeds_filter {
	unsigned kinds;        /* bit (1u << kind); 0 = every kind */
	const char *cve;       /* only advisories concerning this CVE */
	const char *ecosystem; /* only those with an affected entry whose
	                        * ecosystem is this ("Debian:12"), or starts
	                        * with it followed by ':' ("Debian") */
	bool with_epss;        /* also load EPSS rows (filtered by cve) */
	/* only advisories naming one of these packages (with `ecosystem`, or
	 * any ecosystem). NVD configurations and CSAF products are indexed
	 * under ecosystem "cpe" by "vendor:product" of their CPE names, so
	 * the matcher can load just the advisories about registered assets.
	 * At most 1000 names. */
	const char *const *packages;
	size_t n_packages;
};

/*
 * Calls fn for each stored advisory passing the filter (fn takes
 * ownership of adv); records that no longer parse are skipped with a
 * warning. Stops at fn's first error and returns it.
 */
enum kh_err kh_feeds_foreach(struct kh_store *st,
                             const struct kh_feeds_filter *filter,
                             enum kh_err (*fn)(void *ctx,
                                               struct kh_feeds_advisory *adv),
                             void *ctx, struct kh_diag *diag) KH_WUR;
/* Loads into a set (filter may be NULL). */
enum kh_err kh_feeds_load(struct kh_store *st, const struct kh_feeds_filter *filter,
                          struct kh_feeds_set *set, struct kh_diag *diag) KH_WUR;
/* EPSS row of one CVE; KH_ENOENT when unknown. */
enum kh_err kh_feeds_epss_get(struct kh_store *st, const char *cve,
                              struct kh_feeds_epss *out,
                              struct kh_diag *diag) KH_WUR;
/* Advisories stored per kind (counts[kind]); EPSS rows under KH_FEEDS_EPSS. */
enum kh_err kh_feeds_counts(struct kh_store *st,
                            size_t counts[KH_FEEDS_KIND_COUNT_],
                            struct kh_diag *diag) KH_WUR;

/* ==== national warnings (warning.c) ===================================== */

/* A warning as `feeds add-warning` takes it (docs/feeds.md). */
struct kh_feeds_warning_input {
	const char *number;     /* "1234/CATTT-NCSC" */
	const char *date;       /* "YYYY-MM-DD" */
	const char *issuer;     /* "AIS", "Sở TT&TT", … */
	const char *const *cves;
	size_t n_cves;
	const char *vendor, *product; /* CPE-style names, may be NULL */
	const char *ecosystem, *package; /* for OS packages, may be NULL */
	const char *affected;   /* versions affected, "< 7.0.13" or a list */
	const char *fixed;      /* first fixed version, may be NULL */
	const char *deadline;   /* "YYYY-MM-DD", may be NULL */
	const char *title;
};

/* Builds the normalised warning record (JSON text, owned) after checks. */
enum kh_err kh_feeds_warning_record(const struct kh_feeds_warning_input *in,
                                    char **json_out,
                                    struct kh_diag *diag) KH_WUR;
/* Validates and stores one warning (replacing one with the same number). */
enum kh_err kh_feeds_add_warning(struct kh_store *st,
                                 const struct kh_feeds_warning_input *in,
                                 struct kh_diag *diag) KH_WUR;

/* ==== offline bundles (bundle.c) ======================================== */

/*
 * Writes every stored advisory record and EPSS row into one file (JSON
 * lines, a header line with counts and a trailer with the SHA-256 of all
 * lines before it), atomically. Returns counts in *n_records.
 */
enum kh_err kh_feeds_export_bundle(struct kh_store *st, const char *path,
                                   size_t *n_records,
                                   struct kh_diag *diag) KH_WUR;
/*
 * Checks the bundle's SHA-256 and counts first; only then imports it
 * in one transaction (KH_EFORMAT and nothing changed when it fails).
 */
enum kh_err kh_feeds_import_bundle(struct kh_store *st, const char *path,
                                   struct kh_feeds_stats *stats,
                                   struct kh_diag *diag) KH_WUR;

/* ==== downloads (update.c) ============================================== */

/* One configured source. */
struct kh_feeds_source {
	enum kh_feeds_kind kind;  /* KH_FEEDS_KIND_COUNT_ = detect */
	char *url;
};

struct kh_feeds_update_result {
	char *url;
	bool not_modified;   /* 304: nothing to import */
	bool failed;
	char *error;         /* when failed */
	struct kh_feeds_stats stats;
};

/*
 * Downloads each source of [feeds] (kev_url, nvd_url, epss_url,
 * debian_tracker_url, osv_urls, csaf_urls) into <data_dir>/feeds/ with
 * conditional requests (ETag, Last-Modified kept in feeds_http_cache),
 * replacing the file atomically only when the body is whole and parses,
 * then imports it. One failing source does not stop the others.
 */
enum kh_err kh_feeds_update(struct kh_store *st, const struct kh_config *cfg,
                            const char *data_dir,
                            struct kh_feeds_update_result **results,
                            size_t *n_results,
                            struct kh_diag *diag) KH_WUR;
void kh_feeds_update_results_free(struct kh_feeds_update_result *results,
                                  size_t n);

#endif
