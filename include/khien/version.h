/*
 * version.h — version ordering for five schemes: dpkg, rpm, semver 2.0.0,
 * apk and "generic" vendor versions (Chrome, FortiOS, BIG-IP, vCenter,
 * Windows builds). Each scheme orders exactly as its reference tool does
 * (docs/version.md names the oracle and the few documented differences).
 *
 * Versions are untrusted input: they are read through struct kh_cur, bounded
 * by the limit max_version_bytes, and numbers of any length are compared
 * without converting them to machine integers.
 *
 * Errors versus warnings: some tools refuse a version (dpkg exits with
 * "version 'x' has bad syntax: epoch in version is empty"); others complain
 * but still compare it (dpkg: "version number does not start with digit";
 * apk orders invalid versions all the same). A refused version is an error
 * (KH_EFORMAT with a message in diag); a complained-about version yields
 * KH_OK with a warning (enum kh_version_issue) the caller may show.
 *
 * Thread-safety: every function is reentrant; nothing allocates.
 */
#ifndef KHIEN_VERSION_H
#define KHIEN_VERSION_H

#include <stdbool.h>

#include "khien/util.h"

enum kh_version_scheme {
	KH_VERSION_DPKG,    /* Debian: [epoch:]upstream[-revision] */
	KH_VERSION_RPM,     /* RPM: [epoch:]version[-release] */
	KH_VERSION_SEMVER,  /* Semantic Versioning 2.0.0, optional leading 'v' */
	KH_VERSION_APK,     /* Alpine apk-tools */
	KH_VERSION_GENERIC, /* vendor dotted versions (see docs/version.md) */
	KH_VERSION_SCHEME_COUNT_
};

/*
 * What is wrong with a version. Whether an issue is an error or only a
 * warning depends on the scheme (the oracle decides); the text is in the
 * current language (kh_version_issue_text).
 */
enum kh_version_issue {
	KH_VERSION_ISSUE_NONE = 0,
	KH_VERSION_ISSUE_NUL,                 /* contains a NUL byte */
	KH_VERSION_ISSUE_EMPTY,               /* empty version string */
	/* dpkg, in the order lib/dpkg/parsehelp.c checks them */
	KH_VERSION_ISSUE_EMBEDDED_SPACES,
	KH_VERSION_ISSUE_EPOCH_EMPTY,
	KH_VERSION_ISSUE_EPOCH_NOT_NUMBER,
	KH_VERSION_ISSUE_EPOCH_NEGATIVE,
	KH_VERSION_ISSUE_EPOCH_TOO_BIG,
	KH_VERSION_ISSUE_NOTHING_AFTER_COLON,
	KH_VERSION_ISSUE_REVISION_EMPTY,
	KH_VERSION_ISSUE_UPSTREAM_EMPTY,
	KH_VERSION_ISSUE_NOT_DIGIT_START,     /* dpkg: warning only */
	KH_VERSION_ISSUE_BAD_CHAR_UPSTREAM,   /* dpkg: warning only */
	KH_VERSION_ISSUE_BAD_CHAR_REVISION,   /* dpkg: warning only */
	/* semver (node-semver strict parse) */
	KH_VERSION_ISSUE_SEMVER_SYNTAX,       /* not MAJOR.MINOR.PATCH[-pre][+build] */
	KH_VERSION_ISSUE_SEMVER_LEADING_ZERO, /* numeric identifier with a leading 0 */
	KH_VERSION_ISSUE_SEMVER_TOO_LONG,     /* longer than 256 characters */
	KH_VERSION_ISSUE_SEMVER_TOO_BIG,      /* MAJOR/MINOR/PATCH > 2^53-1 */
	/* apk: warning only, apk orders invalid versions anyway */
	KH_VERSION_ISSUE_APK_INVALID,
	/* generic */
	KH_VERSION_ISSUE_BAD_CHAR,            /* control or non-ASCII byte */
	KH_VERSION_ISSUE_COUNT_
};

/* Parses "dpkg", "rpm", "semver", "apk" or "generic" (ASCII case-insensitive). */
enum kh_err kh_version_scheme_parse(const char *name,
                                    enum kh_version_scheme *out) KH_WUR;
/* The scheme's name as kh_version_scheme_parse accepts it; never NULL. */
const char *kh_version_scheme_name(enum kh_version_scheme scheme);

/* Why a version is refused or warned about, in the current language. */
const char *kh_version_issue_text(enum kh_version_issue issue);

/*
 * One line for a person: "version '<v>' has bad syntax: <issue>" in the
 * current language, with non-printable bytes of v shown as \xNN and a long
 * v cut short. Always NUL-terminates out (out_size > 0).
 */
void kh_version_describe(struct kh_cur v, enum kh_version_issue issue,
                         char *out, size_t out_size);

/*
 * Checks one version. Returns KH_OK when the scheme's oracle accepts it,
 * possibly with a warning in *warning (may be NULL; set to
 * KH_VERSION_ISSUE_NONE when there is none). Returns KH_EFORMAT when the
 * oracle refuses it ("version 'x' has bad syntax: …" in diag, with the issue
 * in *warning), KH_ELIMIT when longer than max_version_bytes.
 */
enum kh_err kh_version_validate(enum kh_version_scheme scheme, struct kh_cur v,
                                enum kh_version_issue *warning,
                                struct kh_diag *diag) KH_WUR;

/* Warnings found while comparing: one per side, NONE when clean. */
struct kh_version_warnings {
	enum kh_version_issue a;
	enum kh_version_issue b;
};

/*
 * Compares a with b under a scheme: *cmp is -1, 0 or 1. Fails (KH_EFORMAT,
 * KH_ELIMIT, KH_EINVAL for an unknown scheme) when either version is refused,
 * a first; *cmp is then 0, and warn->a still holds a's warning when b was
 * the one refused (dpkg prints it before failing). warn may be NULL.
 *
 * dpkg: "" and "<unknown>" mean "no version" and sort before every version,
 * as `dpkg --compare-versions` does.
 */
enum kh_err kh_version_compare_cur(enum kh_version_scheme scheme,
                                   struct kh_cur a, struct kh_cur b, int *cmp,
                                   struct kh_version_warnings *warn,
                                   struct kh_diag *diag) KH_WUR;

/* Same on C strings, warnings dropped. */
enum kh_err kh_version_compare(enum kh_version_scheme scheme, const char *a,
                               const char *b, int *cmp,
                               struct kh_diag *diag) KH_WUR;

/*
 * apk's fuzzy match (dependency "name~1.2"): as kh_version_compare_cur with
 * the apk scheme, except that b also compares equal to a when b's tokens are
 * a prefix of a's ("1.2.3" ~ "1.2").
 */
enum kh_err kh_version_apk_compare_fuzzy(struct kh_cur a, struct kh_cur b,
                                         int *cmp, struct kh_diag *diag) KH_WUR;

#endif
