/*
 * vuln.h — inventories × advisories → findings: which installed package or
 * registered asset a CVE affects, the fixed version, and by when to patch it
 * (priority and due date from the unit's policy, docs/vuln.md).
 *
 * Three layers, each testable alone:
 *   policy   facts about a CVE (KEV, ransomware, EPSS, CVSS, national
 *            warning, dates) → priority 1..4 and a due date;
 *   db       an in-memory index of what advisories say, normalised for
 *            matching: package rules by (ecosystem, package), asset rules
 *            by CPE vendor:product, and per-CVE facts. It is filled from the
 *            feeds store (vuln_load.c) or by hand (tests, bench);
 *   match    targets (inventory packages, registry assets) × db → findings,
 *            sorted by priority, due date, CVSS (desc), CVE; written as JSON
 *            (docs/vuln.md) or as a text report grouped by priority.
 *
 * Thread-safety: a db is read-only once built and may then be shared by
 * threads matching at the same time; findings belong to one thread.
 */
#ifndef KHIEN_VULN_H
#define KHIEN_VULN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "khien/util.h"
#include "khien/version.h"

struct kh_config;
struct kh_inventory;
struct kh_asset_list;
struct kh_store;

/* ---- policy (policy.c) ------------------------------------------------- */

#define KH_VULN_PRIORITY_COUNT 4

/* Per-unit deadlines: days from the advisory date for each priority. */
struct kh_vuln_deadlines {
	int days[KH_VULN_PRIORITY_COUNT]; /* index 0 = priority 1 */
};

struct kh_vuln_unit_override {
	char *unit;
	struct kh_vuln_deadlines deadlines;
};

/*
 * The policy: thresholds that raise a CVE to priority 3 and the deadlines.
 * Defaults (docs/vuln.md): epss_threshold 0.1, cvss_critical 9.0,
 * days 7/14/15/90.
 */
struct kh_vuln_policy {
	double epss_threshold; /* EPSS probability at or above which → 3 */
	double cvss_critical;  /* CVSS base score at or above which → 3 */
	struct kh_vuln_deadlines deadlines;
	struct kh_vuln_unit_override *overrides; /* owned */
	size_t n_overrides;
};

/* Everything the policy looks at for one CVE. Unknown numbers are < 0. */
struct kh_vuln_facts {
	bool kev;
	bool ransomware;             /* KEV knownRansomwareCampaignUse "Known" */
	const char *kev_due_date;    /* "YYYY-MM-DD" or NULL */
	bool warned;                 /* a national warning names the CVE */
	const char *warning_deadline; /* "YYYY-MM-DD" or NULL */
	double epss;                 /* probability 0..1, < 0 unknown */
	double cvss_score;           /* 0..10, < 0 unknown */
	const char *published;       /* advisory date "YYYY-MM-DD…" or NULL */
};

/* Why a due date is what it is (for explain and the JSON "due_reason"). */
enum kh_vuln_due_reason {
	KH_VULN_DUE_KEV = 0,     /* CISA KEV dueDate */
	KH_VULN_DUE_WARNING,     /* a national warning's deadline */
	KH_VULN_DUE_PUBLISHED,   /* advisory date + days for the priority */
	KH_VULN_DUE_FIRST_SEEN,  /* scan date + days (no advisory date) */
};

struct kh_vuln_decision {
	int priority;            /* 1..4, 1 most urgent */
	char due_date[11];       /* "YYYY-MM-DD" */
	enum kh_vuln_due_reason due_reason;
};

/* The defaults, no overrides. */
void kh_vuln_policy_init(struct kh_vuln_policy *p);
void kh_vuln_policy_cleanup(struct kh_vuln_policy *p);

/*
 * Reads [vuln] from the configuration (every key optional) and, when
 * unit_overrides names a file, its CSV rows "unit,days_p1,…,days_p4"
 * (an empty cell keeps the section's value). Errors name file and line.
 */
enum kh_err kh_vuln_policy_from_config(struct kh_vuln_policy *p,
                                       const struct kh_config *cfg,
                                       struct kh_diag *diag) KH_WUR;

/* The deadlines for a unit (its override, else the policy's). unit may be NULL. */
const struct kh_vuln_deadlines *
kh_vuln_policy_deadlines(const struct kh_vuln_policy *p, const char *unit);

/*
 * Priority: 1 KEV with known ransomware use, 2 KEV, 3 EPSS ≥ threshold or
 * CVSS ≥ critical or a national warning, 4 the rest. Due date: the earliest
 * of the KEV due date and the warning deadline when either is given, else
 * published (else `today`) + the unit's days for the priority.
 */
void kh_vuln_policy_decide(const struct kh_vuln_policy *p, const char *unit,
                           const struct kh_vuln_facts *f, time_t today,
                           struct kh_vuln_decision *out);

/* Stable label for JSON: "kev-ransomware", "kev", "high-risk", "routine". */
const char *kh_vuln_priority_label(int priority);
/* A plain-language heading in the current language ("Ưu tiên 1 — vá ngay"). */
const char *kh_vuln_priority_heading(int priority);
const char *kh_vuln_due_reason_name(enum kh_vuln_due_reason r);

/* ---- findings (finding.c) ---------------------------------------------- */

enum kh_vuln_target_kind { KH_VULN_TARGET_PACKAGE = 0, KH_VULN_TARGET_ASSET };

/* "package" / "asset". */
const char *kh_vuln_target_kind_name(enum kh_vuln_target_kind kind);

struct kh_vuln_finding {
	char *cve;            /* CVE id, else the advisory's own id */
	enum kh_vuln_target_kind kind;
	char *target_name;    /* binary package name, or the asset's name */
	char *target_version; /* installed version */
	char *target_source;  /* source package, or the asset's CPE */
	char *ecosystem;      /* "Debian:12", "Alpine:v3.19"; NULL for assets */
	char *unit;           /* asset's unit; NULL for packages */
	char *fixed_version;  /* NULL: no fix known */
	char *cvss_version;   /* "3.1", "4.0", "2.0"; NULL unknown */
	double cvss_score;    /* < 0 unknown */
	char *cvss_vector;
	double epss;          /* < 0 unknown */
	double epss_percentile;
	bool kev, ransomware, warned;
	struct kh_vuln_decision decision;
	char **sources;       /* "debian-tracker", "osv:DSA-5678-1", "nvd", ... */
	size_t n_sources;
	char **warnings;      /* national warning numbers */
	size_t n_warnings;
	char *summary;        /* one line from the advisory, or NULL */
};

struct kh_vuln_findings {
	struct kh_vuln_finding *items;
	size_t n, cap;
};

void kh_vuln_findings_init(struct kh_vuln_findings *fs);
void kh_vuln_findings_cleanup(struct kh_vuln_findings *fs);
void kh_vuln_finding_cleanup(struct kh_vuln_finding *f);

/*
 * Adds a finding, taking ownership of *f's pointers (on success *f is
 * cleared). When a finding for the same CVE and target exists, the two
 * merge: sources are united and the fixed version kept when already known.
 * On failure *f is cleaned up.
 */
enum kh_err kh_vuln_findings_add(struct kh_vuln_findings *fs,
                                 struct kh_vuln_finding *f) KH_WUR;
/* Adds a source name unless present. */
enum kh_err kh_vuln_finding_add_source(struct kh_vuln_finding *f,
                                       const char *source) KH_WUR;

/* Sorts by priority, due date, CVSS (desc), CVE, target name. */
void kh_vuln_findings_sort(struct kh_vuln_findings *fs);

/* ---- output (report.c) ------------------------------------------------- */

/* {"findings":[…],"summary":{…}} as documented in docs/vuln.md. */
enum kh_err kh_vuln_findings_to_json(const struct kh_vuln_findings *fs,
                                     struct kh_buf *out) KH_WUR;
/* A text report in the current language, grouped by priority. */
enum kh_err kh_vuln_findings_to_text(const struct kh_vuln_findings *fs,
                                     struct kh_buf *out) KH_WUR;

/* ---- the advisory index (db.c, index.c) -------------------------------- */

/* OSV event kinds (OSV schema 1.6, "affected[].ranges[].events"). */
enum kh_vuln_event_kind {
	KH_VULN_EV_INTRODUCED = 0,
	KH_VULN_EV_FIXED,
	KH_VULN_EV_LAST_AFFECTED,
	KH_VULN_EV_LIMIT,
};

struct kh_vuln_event {
	enum kh_vuln_event_kind kind;
	const char *version; /* "0" for introduced means: every version */
};

/*
 * What one advisory says about one package of one ecosystem: affected
 * when the version is listed in `versions` or falls in the event ranges.
 * A rule with neither affects nothing (status "not-affected").
 */
struct kh_vuln_pkg_rule {
	const char *ecosystem;  /* "Debian:12", "Alpine:v3.19", "AlmaLinux:9" */
	const char *package;    /* source package (Debian, Alpine), rpm name */
	const char *advisory;   /* OSV id (DSA-…), warning number; the CVE for
	                         * a tracker entry */
	const char *source;     /* "debian-tracker", "osv", "nvd", "warning" */
	const char *const *cves; /* ids it concerns (else the advisory id) */
	size_t n_cves;
	enum kh_version_scheme scheme;
	const struct kh_vuln_event *events; /* any order; stored sorted */
	size_t n_events;
	const char *const *versions;
	size_t n_versions;
	const char *status;     /* tracker status or NULL */
};

/* What is known about one CVE, joined from KEV, NVD, EPSS and warnings. */
struct kh_vuln_cve_info {
	const char *cve;
	const char *cvss_version, *cvss_vector;
	double cvss_score;      /* < 0 unknown */
	double epss, epss_percentile; /* < 0 unknown */
	bool kev, ransomware;
	const char *kev_due_date;
	const char *warning_id;       /* national warning number or NULL */
	const char *warning_deadline;
	const char *published;
	const char *summary;
};

/*
 * A rule about registered assets (CPE names), decided by its callback. The
 * callback sees the CPE 2.3 names of one system: cpes[0] is the asset's,
 * the others belong to assets of the same unit at the same address (the
 * OS an application runs on, for NVD AND configurations). It may name the
 * fixed version (owned copy in *fixed, else NULL; `fixed_version` is used
 * when it does not) and explain itself in `why` (may be NULL). `keys` are
 * the "vendor:product" pairs whose assets can match (the index); `ctx` is
 * borrowed and must outlive the db (see kh_vuln_db_adopt).
 */
struct kh_vuln_cpe_rule {
	const char *advisory;
	const char *source;     /* "nvd", "csaf:<tracking id>", "warning" */
	const char *const *cves;
	size_t n_cves;
	const char *const *keys;
	size_t n_keys;
	const char *fixed_version; /* when the advisory names one, else NULL */
	enum kh_err (*eval)(const void *ctx, const char *const *cpes, size_t n_cpes,
	                    bool *affected, char **fixed, struct kh_buf *why);
	const void *ctx;
};

struct kh_vuln_db;

/* An empty db; NULL on ENOMEM. */
struct kh_vuln_db *kh_vuln_db_new(void);
void kh_vuln_db_free(struct kh_vuln_db *db);

/* Adds copies of a rule's strings and arrays. */
enum kh_err kh_vuln_db_add_pkg_rule(struct kh_vuln_db *db,
                                    const struct kh_vuln_pkg_rule *rule) KH_WUR;
enum kh_err kh_vuln_db_add_cpe_rule(struct kh_vuln_db *db,
                                    const struct kh_vuln_cpe_rule *rule) KH_WUR;
/*
 * Merges facts about a CVE: known numbers and strings replace unknown
 * ones; kev and ransomware are or-ed; the earliest deadline is kept.
 */
enum kh_err kh_vuln_db_add_cve_info(struct kh_vuln_db *db,
                                    const struct kh_vuln_cve_info *info) KH_WUR;
/*
 * Hands an object to the db, released with free_fn when the db is freed:
 * how asset rules' contexts (parsed configurations) live as long as the
 * rules. On KH_ENOMEM the object has been released already.
 */
enum kh_err kh_vuln_db_adopt(struct kh_vuln_db *db, void *obj,
                             void (*free_fn)(void *)) KH_WUR;
/* Facts about a CVE (borrowed), or NULL. */
const struct kh_vuln_cve_info *kh_vuln_db_cve(const struct kh_vuln_db *db,
                                              const char *cve);
/*
 * Fills db from the advisories the feeds module keeps in the store
 * (vuln_load.c): Debian tracker and OSV package ranges, NVD
 * configurations and CSAF product status as asset rules, KEV, EPSS, NVD
 * metrics and national warnings as CVE facts. The db owns what it loaded
 * (kh_vuln_db_adopt); the store may be closed afterwards.
 */
enum kh_err kh_vuln_db_load(struct kh_vuln_db *db, struct kh_store *st,
                            struct kh_diag *diag) KH_WUR;
/*
 * Same, reading package advisories (OSV, tracker) only for one
 * distribution: `ecosystem` "Debian:12" loads those of "Debian" and its
 * releases; NULL loads every ecosystem; "" none (no inventory to match).
 * KEV, NVD, CSAF, warnings and EPSS are always read.
 */
enum kh_err kh_vuln_db_load_for(struct kh_vuln_db *db, struct kh_store *st,
                                const char *ecosystem, struct kh_diag *diag) KH_WUR;
size_t kh_vuln_db_pkg_rule_count(const struct kh_vuln_db *db);
/* The i-th package rule as stored (events sorted by version), or NULL. */
const struct kh_vuln_pkg_rule *kh_vuln_db_pkg_rule_at(const struct kh_vuln_db *db,
                                                      size_t i);
size_t kh_vuln_db_cpe_rule_count(const struct kh_vuln_db *db);

/* ---- targets (target.c) ------------------------------------------------ */

/*
 * The OSV ecosystem of an inventory's OS ("Debian:12", "Ubuntu:22.04",
 * "Alpine:v3.19", "AlmaLinux:9", "Rocky Linux:9") and its version scheme.
 * KH_EUNSUPPORTED when the OS is not one we match (message in diag).
 */
enum kh_err kh_vuln_ecosystem_of(const struct kh_inventory *inv, char *out,
                                 size_t out_size,
                                 enum kh_version_scheme *scheme,
                                 struct kh_diag *diag) KH_WUR;
/* Debian release number of a codename ("bookworm" → "12"), or NULL. */
const char *kh_vuln_debian_release(const char *codename);

/* ---- matching (match_pkg.c, match_cpe.c, match.c) ---------------------- */

struct kh_vuln_match_options {
	const struct kh_vuln_policy *policy; /* NULL: defaults */
	const char *unit;     /* the unit of package findings ([core] unit) */
	time_t today;         /* 0: now */
};

/*
 * Matches every package of inv (may be NULL) and every asset with a CPE of
 * assets (may be NULL) against db and appends findings to fs, sorted.
 * Packages whose version the scheme refuses are skipped with a warning in
 * the log. KH_EUNSUPPORTED when inv's OS is not one we match.
 */
enum kh_err kh_vuln_match(const struct kh_vuln_db *db,
                          const struct kh_inventory *inv,
                          const struct kh_asset_list *assets,
                          const struct kh_vuln_match_options *opts,
                          struct kh_vuln_findings *fs,
                          struct kh_diag *diag) KH_WUR;

/*
 * Decides one package rule for one version — its events sorted by version
 * as OSV evaluation requires (the db sorts them on insertion; see
 * kh_vuln_db_pkg_rule_at) — : *affected, and a sentence in
 * `why` (may be NULL) naming the range or list entry that decided, and
 * the fixed version (owned copy in *fixed, may be NULL; NULL when none).
 */
enum kh_err kh_vuln_pkg_rule_eval(const struct kh_vuln_pkg_rule *rule,
                                  const char *version, bool *affected,
                                  char **fixed, struct kh_buf *why,
                                  struct kh_diag *diag) KH_WUR;

/*
 * For `khien vuln explain`: every rule of db about `cve`, against every
 * target of inv and assets, with the decision and its reason, as text
 * (current language) or JSON {"cve","facts","decision","rules":[…]}.
 */
enum kh_err kh_vuln_explain(const struct kh_vuln_db *db, const char *cve,
                            const struct kh_inventory *inv,
                            const struct kh_asset_list *assets,
                            const struct kh_vuln_match_options *opts,
                            bool json, struct kh_buf *out,
                            struct kh_diag *diag) KH_WUR;

#endif
