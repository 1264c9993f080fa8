/*
 * config.h — khien.conf: one INI file (UTF-8; `[section]`, `key = value`,
 * `#` or `;` comments). Every section and key is declared in one registry
 * (src/util/config_keys.c, documented in docs/config.md); an unknown
 * section or key is an error naming file and line. Keys of [limits] are the
 * names in limits.h and are applied to the process-wide limits on load.
 */
#ifndef KHIEN_CONFIG_H
#define KHIEN_CONFIG_H

#include <stdbool.h>

#include "khien/util.h"

#define KH_CONFIG_DEFAULT_PATH "/etc/khien/khien.conf"

struct kh_config;

/*
 * Loads and validates path. With must_exist false, a missing file yields an
 * empty configuration (all defaults). Applies [limits]. On error the diag
 * names file and line.
 */
enum kh_err kh_config_load(const char *path, bool must_exist,
                           struct kh_config **out, struct kh_diag *diag) KH_WUR;
/* Parses configuration text (name is used in messages). */
enum kh_err kh_config_parse(struct kh_cur text, const char *name,
                            struct kh_config **out, struct kh_diag *diag) KH_WUR;
/* An empty configuration: every key at its default. */
struct kh_config *kh_config_new(void);
void kh_config_free(struct kh_config *cfg);

/* The value of section.key as written, else its registry default (may be NULL). */
const char *kh_config_get(const struct kh_config *cfg, const char *section,
                          const char *key);
/* Typed getters; KH_EINVAL with a diag naming file and line on a bad value. */
enum kh_err kh_config_get_bool(const struct kh_config *cfg, const char *section,
                               const char *key, bool *out,
                               struct kh_diag *diag) KH_WUR;
enum kh_err kh_config_get_int(const struct kh_config *cfg, const char *section,
                              const char *key, long long min, long long max,
                              long long *out, struct kh_diag *diag) KH_WUR;

/* Registry iteration, for `khien config keys` and the docs. */
struct kh_config_key {
	const char *section;
	const char *key;
	const char *default_value; /* NULL: none */
	const char *meaning;
};
size_t kh_config_key_count(void);
const struct kh_config_key *kh_config_key_at(size_t i);

#endif
