/*
 * site.h — website assessment (`khien site check`): TLS through OpenSSL and a
 * hand-built ClientHello prober for what OpenSSL 3 cannot speak, a grade
 * after the SSL Labs SSL Server Rating Guide, HTTP security headers scored
 * like the MDN HTTP Observatory 1.4.8, and the JSON line of docs/site.md.
 *
 * Network traffic goes only where the caller points it. Every read from the
 * network is bounded in time (opts.timeout_ms per operation, opts.deadline
 * for the whole site) and in size (limits.h: max_site_*).
 *
 * Thread-safety: different sites may be assessed from different threads at
 * once; one result structure belongs to one thread.
 *
 * Signals: a server that closes early makes OpenSSL's and libcurl's writes
 * (curl runs with CURLOPT_NOSIGNAL) raise SIGPIPE; a program using this
 * module must ignore SIGPIPE, as `khien site` does.
 */
#ifndef KHIEN_SITE_H
#define KHIEN_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "khien/util.h"

/* ---- options ------------------------------------------------------------ */

struct kh_site_opts {
	const char *ca_file;      /* extra trust anchor(s), PEM; NULL: none */
	unsigned timeout_ms;      /* one connect / read (0: 5000) */
	uint64_t deadline_ns;     /* kh_time_mono_ns() bound for the site; 0: none */
	bool skip_legacy_probe;   /* no hand-built ClientHellos (SSLv3, RC4, ...) */
	bool skip_cipher_enum;    /* protocols and certificate only */
};

/* ---- protocols and cipher suites ------------------------------------------ */

enum kh_site_proto {
	KH_SITE_SSL3,
	KH_SITE_TLS10,
	KH_SITE_TLS11,
	KH_SITE_TLS12,
	KH_SITE_TLS13,
	KH_SITE_PROTO_COUNT_
};

/* "SSLv3", "TLSv1.0", ... (the JSON keys of tls.protocols) */
const char *kh_site_proto_name(enum kh_site_proto proto);
/* Wire version: 0x0300 .. 0x0304. */
uint16_t kh_site_proto_wire(enum kh_site_proto proto);

/* Strength classes of a suite (bit set; a suite may have several). */
enum kh_site_cipher_class {
	KH_SITE_C_NULL = 1u << 0,   /* no encryption */
	KH_SITE_C_ANON = 1u << 1,   /* no authentication */
	KH_SITE_C_EXPORT = 1u << 2, /* export-grade (40/56-bit) */
	KH_SITE_C_RC4 = 1u << 3,
	KH_SITE_C_3DES = 1u << 4,   /* 64-bit block (3DES, DES, IDEA) */
	KH_SITE_C_CBC = 1u << 5,    /* CBC mode (MAC-then-encrypt) */
	KH_SITE_C_FS = 1u << 6,     /* forward secrecy (ECDHE, DHE, TLS 1.3) */
	KH_SITE_C_AEAD = 1u << 7,   /* GCM, CCM, ChaCha20-Poly1305 */
};

/* A cipher suite by its IANA number, from the built-in table. */
struct kh_site_suite_info {
	uint16_t id;
	const char *name;   /* OpenSSL's name ("ECDHE-RSA-AES128-GCM-SHA256") */
	unsigned classes;   /* enum kh_site_cipher_class bits */
	int bits;           /* symmetric key strength in bits (0 for NULL) */
};
/* The table entry for an IANA id, or NULL when unknown. */
const struct kh_site_suite_info *kh_site_suite_lookup(uint16_t id);
/* The suites the hand-built prober offers (legacy ones OpenSSL 3 lacks). */
size_t kh_site_legacy_suites(const struct kh_site_suite_info **out);
/* Names of class bits, "null", "anon", "export", "rc4", "3des", "cbc", "fs", "aead". */
const char *kh_site_class_name(unsigned one_bit);

struct kh_site_cipher {
	enum kh_site_proto proto;
	uint16_t id;
	char name[64];
	unsigned classes;
	int bits;
	bool legacy_probe; /* found by the hand-built prober, not OpenSSL */
};

/* ---- certificate ----------------------------------------------------------- */

struct kh_site_cert {
	bool present;
	bool trusted;          /* chain verified to the system store or --ca-file */
	bool expired;
	bool not_yet_valid;
	bool hostname_match;
	bool self_signed;
	bool incomplete_chain; /* issuer not sent and not in the store */
	char key_type[16];     /* "RSA", "EC", "Ed25519", "DSA", ... */
	int key_bits;
	char signature_algorithm[64]; /* OpenSSL short name: "sha256WithRSAEncryption" */
	long days_left;        /* negative once expired */
	char subject[256];
	char issuer[256];
	char verify_error[128]; /* OpenSSL's verify error string, "" if trusted */
	int chain_len;          /* certificates the server sent */
};

/* ---- the TLS result -------------------------------------------------------- */

#define KH_SITE_MAX_GRADE_NOTES 16
struct kh_site_tls {
	bool reachable;                         /* a TCP connection was made */
	bool handshake_ok;                      /* at least one protocol worked */
	bool protocols[KH_SITE_PROTO_COUNT_];
	struct kh_site_cipher *ciphers;         /* owned */
	size_t n_ciphers;
	struct kh_site_cert cert;
	bool ocsp_stapled;
	int score;                              /* 0..100, rating guide numeric score */
	char grade[3];                          /* "A+", "A".."F", "T" (trust), "M" (name) */
	char grade_if_trusted[3];               /* the grade when trust is ignored */
	const char *grade_notes[KH_SITE_MAX_GRADE_NOTES]; /* static English text */
	size_t n_grade_notes;
	char error[256];                        /* why not reachable / no handshake */
};

void kh_site_tls_cleanup(struct kh_site_tls *tls);

/*
 * Assesses TLS on host:port: protocols (OpenSSL for TLS 1.0–1.3 with
 * @SECLEVEL=0; the hand-built prober for SSLv3 and legacy suites), cipher
 * suites per protocol, the certificate, OCSP stapling, then the grade.
 * host is also the SNI name and the name the certificate must match.
 * A site that cannot be reached is not an error: out->reachable is false
 * and out->error says why. Errors: KH_ENOMEM, KH_EINVAL (bad ca_file).
 */
enum kh_err kh_site_tls_assess(const char *host, const char *port,
                               const struct kh_site_opts *opts,
                               struct kh_site_tls *out,
                               struct kh_diag *diag) KH_WUR;

/*
 * Fills score, grade, grade_if_trusted and grade_notes from the other
 * fields (SSL Labs SSL Server Rating Guide + published caps; docs/site.md).
 * hsts_long is true when the site sends HSTS with max-age >= 6 months
 * (needed for A+).
 */
void kh_site_tls_grade(struct kh_site_tls *tls, bool hsts_long);

/* ---- hand-built ClientHello (src/site/tls_hello.c) ------------------------- */

/*
 * Writes one TLS record holding a ClientHello for `version` offering
 * `suites` (no SCSV added), with SNI `sni` (NULL: none) and, for TLS, the
 * extensions a 2015-era client sends (groups, point formats, signature
 * algorithms). SSLv3 hellos carry no extensions.
 */
enum kh_err kh_site_hello_build(uint16_t version, const uint16_t *suites,
                                size_t n_suites, const char *sni,
                                struct kh_buf *out) KH_WUR;

enum kh_site_hello_kind {
	KH_SITE_HELLO_SERVER_HELLO, /* version and suite chosen */
	KH_SITE_HELLO_ALERT,        /* alert level/description */
	KH_SITE_HELLO_INCOMPLETE,   /* need more bytes */
};
struct kh_site_hello_reply {
	enum kh_site_hello_kind kind;
	uint16_t version;      /* ServerHello.server_version (or record version) */
	uint16_t suite;
	uint8_t compression;
	uint8_t alert_level, alert_desc;
	size_t consumed;       /* bytes of the first record(s) read */
};
/*
 * Reads the server's first reply through a bounded cursor: a handshake
 * record whose first message is a ServerHello, or an alert. Anything else
 * (garbage, HTTP, SSLv2, lengths that lie) is KH_EFORMAT with the byte
 * offset in diag; a reply cut short is KH_OK with kind INCOMPLETE.
 */
enum kh_err kh_site_hello_parse(struct kh_cur in,
                                struct kh_site_hello_reply *out,
                                struct kh_diag *diag) KH_WUR;

/*
 * Sends one ClientHello to host:port and reads the reply. *accepted is true
 * when the server answered with a ServerHello of exactly `version` and one
 * of the offered suites (*suite). Connection failures are KH_EIO.
 */
enum kh_err kh_site_hello_probe(const char *host, const char *port,
                                uint16_t version, const uint16_t *suites,
                                size_t n_suites, const struct kh_site_opts *opts,
                                bool *accepted, uint16_t *suite,
                                struct kh_diag *diag) KH_WUR;

/* ---- Content-Security-Policy (src/site/csp.c) ------------------------------ */

/*
 * A parsed policy set, merged the way the MDN HTTP Observatory 1.4.8 merges
 * several policies (src/analyzer/cspParser.js): directive names and sources
 * lower-cased, an empty *-src directive means 'none', a source that extends
 * an earlier one of the same policy is dropped, later policies only keep
 * sources that an earlier policy's source path-matches.
 */
struct kh_site_csp_directive {
	char *name;
	char **sources; /* a set: no duplicates */
	size_t n_sources;
};
struct kh_site_csp {
	struct kh_site_csp_directive *dirs;
	size_t n_dirs;
	bool duplicate_report_directives; /* report-uri/report-to repeated */
};

/*
 * Parses policies[0..n) (each one header value or meta content). A policy
 * shorter than 6 characters, a repeated directive (other than report-uri,
 * report-to) or a malformed %-escape in a path is KH_EFORMAT with the policy
 * index in diag->line. meta: drop frame-ancestors, report-uri and sandbox
 * (CSP 3, 6.1: not allowed in <meta>). n == 0 gives an empty policy.
 */
enum kh_err kh_site_csp_parse(const struct kh_cur *policies, size_t n, bool meta,
                              struct kh_site_csp **out,
                              struct kh_diag *diag) KH_WUR;
void kh_site_csp_free(struct kh_site_csp *csp);
/* Borrowed directive by lower-case name, or NULL. */
const struct kh_site_csp_directive *
kh_site_csp_get(const struct kh_site_csp *csp, const char *name);
bool kh_site_csp_has(const struct kh_site_csp_directive *d, const char *source);

/* ---- recorded HTTP responses (src/site/record.c) --------------------------- */

struct kh_site_header {
	char *name;
	char *value;
};
/* One response as received: headers in order, duplicates kept. */
struct kh_site_response {
	bool present;
	int status;
	bool verified;  /* fetched with certificate verification on */
	char *url;      /* the URL this response came from */
	struct kh_site_header *headers;
	size_t n_headers;
	char *body;     /* NUL-terminated; may hold NULs before body_len */
	size_t body_len;
};
struct kh_site_hop {
	char *url;
	int status;
};
/*
 * What the header checks look at, in the shape of the Observatory's
 * retriever: the final responses of the http:// and https:// sessions, the
 * response graded ("auto", the https one), the http:// redirect route
 * (first request included) and the CORS preflight answer.
 */
struct kh_site_http_record {
	char *hostname;
	char *session_url; /* URL the auto response's session started from */
	struct kh_site_response auto_resp, http, https, cors;
	char *cors_origin; /* Origin sent with the preflight */
	struct kh_site_hop *redirects;
	size_t n_redirects;
};

void kh_site_record_cleanup(struct kh_site_http_record *rec);
/* JSON form (docs/site.md "recorded responses"); read back by the
 * Observatory oracle (tests/integration/lib/site_obs_oracle.mjs). */
enum kh_err kh_site_record_to_json(const struct kh_site_http_record *rec,
                                   struct kh_buf *out) KH_WUR;
enum kh_err kh_site_record_from_json(struct kh_cur json,
                                     struct kh_site_http_record *rec,
                                     struct kh_diag *diag) KH_WUR;
/*
 * The header value as Node's http module hands it to the Observatory:
 * duplicates joined with ", ", except the single-valued headers Node keeps
 * the first of. NULL when absent. Owned by the caller.
 */
char *kh_site_response_header(const struct kh_site_response *resp,
                              const char *name);

/* ---- MDN HTTP Observatory scoring (src/site/observatory.c) ----------------- */

#define KH_SITE_OBS_N_TESTS 10
struct kh_site_obs_test {
	const char *name;    /* "content-security-policy", ... */
	const char *result;  /* the Observatory's expectation name */
	bool pass;
	int modifier;
};
struct kh_site_observatory {
	bool scored;         /* false: see error (site down, bad status) */
	int score;
	char grade[3];
	size_t tests_passed;
	struct kh_site_obs_test tests[KH_SITE_OBS_N_TESTS];
	char error[160];
};

/*
 * Runs the Observatory 1.4.8 tests on a recorded response set and scores
 * them (scanner/index.js: 100 plus modifiers, bonuses only from 90 up).
 * Fails only with KH_ENOMEM.
 */
enum kh_err kh_site_observatory_score(const struct kh_site_http_record *rec,
                                      struct kh_site_observatory *out) KH_WUR;

/* ---- page content (src/site/page.c, src/site/content.c) -------------------- */

struct kh_site_link {
	char *href;
	char *text;
	bool hidden; /* inside an element hidden by CSS, `hidden` or off-screen */
};
/* What a page says: its title, visible text (blanks collapsed), generator
 * meta tag and links, each link marked when it is hidden from people. */
struct kh_site_page {
	char *title;
	char *text;
	char *generator;
	struct kh_site_link *links;
	size_t n_links;
	size_t n_scripts;
};
/*
 * Reads HTML through a bounded cursor (any bytes: broken markup is read
 * leniently, never rejected). Text and links are capped (max_site_body_bytes
 * of text, max_site_links links; more are counted, not kept).
 * Errors: KH_ENOMEM only.
 */
enum kh_err kh_site_page_parse(struct kh_cur html, struct kh_site_page *out) KH_WUR;
void kh_site_page_cleanup(struct kh_site_page *page);

/*
 * Lower-cases UTF-8 text and strips Vietnamese diacritics ("Nhà Cái" ->
 * "nha cai", "đ" -> "d"), so terms match written with or without them.
 */
enum kh_err kh_site_fold_text(const char *text, struct kh_buf *out) KH_WUR;

/* Gambling and betting terms found in text (folded), as a '\0'-separated
 * list of the terms' canonical spellings; returns how many distinct terms. */
size_t kh_site_gambling_terms(const char *folded, struct kh_buf *found);
/* Defacement phrases ("hacked by", ...) found in folded text. */
size_t kh_site_defacement_terms(const char *folded, struct kh_buf *found);

/* ---- the whole check of one site (src/site/site.c) ------------------------- */

enum kh_site_severity { KH_SITE_INFO, KH_SITE_WARN, KH_SITE_CRITICAL };
const char *kh_site_severity_name(enum kh_site_severity s);

/* One finding of the exposure checks (src/site/exposures.c). */
struct kh_site_exposure {
	char id[32];          /* "git_head", "env_file", "server_version", ... */
	char path[128];       /* what was requested, or the header name */
	char detail[256];
	enum kh_site_severity severity;
};

/* Software seen (src/site/fingerprint.c), for the vulnerability matcher. */
struct kh_site_software {
	char name[64];        /* "WordPress", "nginx", "PHP", ... */
	char version[64];     /* "" when unknown */
	char cpe[192];        /* CPE 2.3, version "*" when unknown */
	char evidence[128];
};

struct kh_site_content {
	bool fetched;
	char title[256];
	size_t n_links, n_hidden_links, n_scripts;
	size_t n_gambling_terms, n_gambling_hidden_links;
	char gambling_terms[512];   /* comma-separated */
	size_t n_defacement_terms;
	char defacement_terms[256];
	bool gambling_spam;         /* the verdict (docs/site.md) */
	bool defaced;
	/* baseline (a stored copy of the page's text and links) */
	bool baseline_stored, baseline_compared, text_changed, title_changed;
	size_t links_added, links_removed;
	char text_sha256[65];
	size_t n_yara_matches;
	char yara_matches[512];     /* comma-separated rule names */
	/* owner information (Decree 42/2022/NĐ-CP) found in the page text */
	bool owner_agency, owner_address, owner_phone, owner_email, owner_responsible;
};

#define KH_SITE_CHECKLIST_N 6
struct kh_site_checklist_item {
	const char *id;             /* "https_valid", "http_redirect", ... */
	bool pass;
	char reason[384];
	const char *fix;            /* static, in the current language */
};

#define KH_SITE_MAX_EXPOSURES 32
#define KH_SITE_MAX_SOFTWARE 8
#define KH_SITE_MAX_ERRORS 8
struct kh_site_result {
	char url[1024];
	char host[256];
	char https_port[8], http_port[8];
	char path[512];      /* the URL's path and query ("/" when none): the page fetched */
	bool tls_checked;
	struct kh_site_tls tls;
	struct kh_site_http_record http;
	struct kh_site_observatory observatory;
	bool redirects_to_https;
	struct kh_site_exposure exposures[KH_SITE_MAX_EXPOSURES];
	size_t n_exposures;
	struct kh_site_software software[KH_SITE_MAX_SOFTWARE];
	size_t n_software;
	struct kh_site_content content;
	struct kh_site_checklist_item checklist[KH_SITE_CHECKLIST_N];
	size_t n_checklist;
	char errors[KH_SITE_MAX_ERRORS][256];
	size_t n_errors;
	double seconds;
};

struct kh_scan_rules;
struct kh_site_check_opts {
	struct kh_site_opts site;         /* deadline_ns is set per site */
	unsigned site_seconds;            /* 0: limit max_site_seconds */
	const char *http_port;            /* NULL: derived from the URL */
	const char *https_port;
	const char *baseline_dir;         /* NULL: no baseline kept */
	const struct kh_scan_rules *rules; /* YARA rules for page HTML; may be NULL */
	bool skip_exposures;
	unsigned polite_delay_ms;         /* between exposure requests (0: 100) */
};

/*
 * Checks one site: URL is "https://host[:port][/]", "http://..." or a bare
 * host. Everything is bounded by opts->site_seconds; problems with the site
 * (down, garbage, limits) are recorded in out->errors, not returned.
 * Errors: KH_EINVAL (URL), KH_ENOMEM. Call kh_site_result_cleanup after.
 */
enum kh_err kh_site_check(const char *url, const struct kh_site_check_opts *opts,
                          struct kh_site_result *out, struct kh_diag *diag) KH_WUR;
void kh_site_result_cleanup(struct kh_site_result *res);
/* The JSON line of docs/site.md (no newline) appended to out. */
enum kh_err kh_site_result_json(const struct kh_site_result *res,
                                struct kh_buf *out) KH_WUR;
/* Human-readable report in the current language, appended to out. */
enum kh_err kh_site_result_text(const struct kh_site_result *res,
                                struct kh_buf *out) KH_WUR;
/* Fills the checklist from the other results (src/site/checklist.c). */
void kh_site_checklist(struct kh_site_result *res);
/* Exposure checks (src/site/exposures.c) and software fingerprint
 * (src/site/fingerprint.c) on an already fetched result. */
enum kh_err kh_site_exposures(struct kh_site_result *res,
                              const struct kh_site_check_opts *opts) KH_WUR;
void kh_site_fingerprint(struct kh_site_result *res, const struct kh_site_page *page);
/* The Observatory result as the JSON of `khien site score`. */
enum kh_err kh_site_observatory_json(const struct kh_site_observatory *obs,
                                     struct kh_buf *out) KH_WUR;

/* ---- connections (src/site/conn.c) ----------------------------------------- */

/*
 * A TCP connection to host:port within timeout_ms (and the deadline), with
 * the same timeout on every later read and write. Returns the descriptor or
 * KH_EIO with the reason in diag.
 */
enum kh_err kh_site_connect(const char *host, const char *port,
                            const struct kh_site_opts *opts, int *fd,
                            struct kh_diag *diag) KH_WUR;

#endif
