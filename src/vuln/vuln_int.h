/*
 * vuln_int.h — what the files of src/vuln share and nobody else sees: the
 * layout of the advisory index (db.c) that the matcher walks.
 */
#ifndef KHIEN_VULN_INT_H
#define KHIEN_VULN_INT_H

#include <stdint.h>

#include "khien/vuln.h"

/* policy_overrides.c: reads the unit_overrides CSV into p->overrides. */
enum kh_err kh_vuln_policy_load_overrides(struct kh_vuln_policy *p,
                                          const char *path,
                                          struct kh_diag *diag) KH_WUR;

/* ---- db.c ---- */

#define VULN_NONE UINT32_MAX

/* Open addressing: a slot holds a hash and a value index (VULN_NONE: empty). */
struct vuln_htab {
	uint64_t *hashes;
	uint32_t *values;
	size_t cap, n;
};

/* A bump allocator for the db's strings and arrays: freed all at once. */
struct vuln_arena {
	struct vuln_arena_block *head;
};

struct vuln_pkg_stored {
	struct kh_vuln_pkg_rule rule; /* pointers into the arena; events sorted */
	uint32_t next;                /* next rule with the same key */
};

struct vuln_cpe_link {
	uint32_t rule;
	uint32_t next;
	const char *key;
};

struct vuln_owned {
	void *obj;
	void (*free_fn)(void *);
};

struct kh_vuln_db {
	struct vuln_arena arena;
	struct vuln_pkg_stored *pkg;
	size_t n_pkg, cap_pkg;
	struct vuln_htab pkg_index;   /* (ecosystem, package) → first rule */
	struct kh_vuln_cpe_rule *cpe;
	size_t n_cpe, cap_cpe;
	struct vuln_cpe_link *links;
	size_t n_links, cap_links;
	struct vuln_htab cpe_index;   /* "vendor:product" → first link */
	struct kh_vuln_cve_info *cves;
	size_t n_cves, cap_cves;
	struct vuln_htab cve_index;   /* CVE id → info */
	struct vuln_owned *owned;     /* objects adopted (rule contexts) */
	size_t n_owned, cap_owned;
};

/* First rule about (ecosystem, package), then ->next; VULN_NONE when none. */
uint32_t vuln_db_pkg_first(const struct kh_vuln_db *db, const char *ecosystem,
                           const char *package);
/* First link for "vendor:product" key; VULN_NONE when none. */
uint32_t vuln_db_cpe_first(const struct kh_vuln_db *db, const char *key);

/* "vendor:product" of a CPE 2.3 formatted string into out; false if not one. */
bool vuln_cpe_key(const char *cpe, char *out, size_t out_size);

/* ---- target.c ---- */

#define VULN_ECOSYSTEM_MAX 128
#define VULN_ECOSYSTEM_ALIASES 3
/* The names advisories use for an ecosystem: exact, Ubuntu ":LTS", bare. */
size_t vuln_ecosystem_aliases(const char *ecosystem, char out[][VULN_ECOSYSTEM_MAX],
                              size_t max);
/* True when a rule's ecosystem covers the inventory's. */
bool vuln_ecosystem_covers(const char *rule_ecosystem, const char *ecosystem);

/* ---- match.c ---- */

/* CPE names of one system handed to an asset rule, at most. */
#define VULN_MAX_SYSTEM_CPES 16

struct kh_asset_list;
/* The asset's CPE, then its unit's other assets' at the same address. */
size_t vuln_asset_cpes(const struct kh_asset_list *assets, size_t self,
                       const char **cpes, size_t max);

/* Fills the finding's CVE facts and decision from the db and the policy. */
enum kh_err vuln_finding_decide(const struct kh_vuln_db *db,
                                const struct kh_vuln_match_options *opts,
                                const char *unit, struct kh_vuln_finding *f) KH_WUR;

#endif
