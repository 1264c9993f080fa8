/*
 * util.h — the core every Khiên module stands on: errors and diagnostics,
 * allocation (with failure injection for tests), the bounded cursor over
 * untrusted bytes, the capped growable buffer, string helpers, logging,
 * messages in two languages, JSON over jansson, hashing over OpenSSL EVP,
 * file and time helpers.
 *
 * Conventions: functions that can fail return enum kh_err and are marked
 * KH_WUR; `_new`/`_free` allocate and release (free accepts NULL);
 * `_init`/`_cleanup` work on caller storage. The library never prints:
 * it logs through the handler the front end installs.
 */
#ifndef KHIEN_UTIL_H
#define KHIEN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define KH_WUR __attribute__((warn_unused_result))
#define KH_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* ---- errors ------------------------------------------------------------ */

enum kh_err {
	KH_OK = 0,
	KH_ENOMEM,       /* allocation failed */
	KH_ETRUNCATED,   /* input ended before a complete item */
	KH_EFORMAT,      /* input is not in the expected format */
	KH_ETOO_LARGE,   /* a value is too large for its type */
	KH_ELIMIT,       /* a configured limit was hit (diag names it) */
	KH_EIO,          /* reading or writing failed */
	KH_ENOENT,       /* no such file, key or item */
	KH_EINVAL,       /* invalid argument or value */
	KH_EUNSUPPORTED, /* valid but not supported */
	KH_ETLS,         /* TLS failure */
	KH_EHTTP,        /* HTTP failure */
	KH_EDB,          /* database failure */
	KH_EINTERNAL,    /* a bug: should not happen */
	KH_ERR_COUNT_
};

/* A short English description; never NULL. */
const char *kh_strerror(enum kh_err err);

/*
 * Where an error happened, for the user: "file:line: message" or
 * "file: byte 1234: message". Any field may be unset (empty file, line 0,
 * offset -1). Functions take `struct kh_diag *diag` which may be NULL.
 */
struct kh_diag {
	char file[512];
	long line;
	long long offset;
	char limit[64]; /* name of the limit hit, if the error is KH_ELIMIT */
	char msg[768];
};

void kh_diag_clear(struct kh_diag *diag);
/* Sets file/line and a printf-style message; returns `err` for chaining. */
enum kh_err kh_diag_set(struct kh_diag *diag, enum kh_err err,
                        const char *file, long line, const char *fmt, ...)
	KH_PRINTF(5, 6);
/* Same, naming a limit: message "<what>: limit <name> (<value>) exceeded". */
enum kh_err kh_diag_limit(struct kh_diag *diag, const char *file,
                          const char *limit_name, const char *what);
/* Formats the diagnostic as one line into out (always NUL-terminated). */
void kh_diag_format(const struct kh_diag *diag, char *out, size_t out_size);

/* ---- allocation -------------------------------------------------------- */

/* malloc/calloc/realloc/strdup that tests can make fail. */
void *kh_malloc(size_t size);
void *kh_calloc(size_t n, size_t size);
void *kh_realloc(void *p, size_t size);
/* realloc of n*size with overflow check. */
void *kh_reallocarray(void *p, size_t n, size_t size);
char *kh_strdup(const char *s);
char *kh_strndup(const char *s, size_t n);
void kh_free(void *p);

/*
 * Failure injection: after `n_ok` more successful allocations every
 * allocation fails until reset with -1. Tests use this to prove that every
 * path cleans up. Counts across threads.
 */
void kh_alloc_fail_after(long n_ok);

/* Overflow-checked size arithmetic: return false on overflow. */
static inline bool kh_size_add(size_t a, size_t b, size_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}
static inline bool kh_size_mul(size_t a, size_t b, size_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

/* ---- bounded cursor over untrusted bytes ------------------------------- */

/*
 * A read-only view that only shrinks from the front. Every read checks the
 * remaining length and returns false (leaving the cursor unchanged) when the
 * bytes are not there: no read past the end is possible through it.
 */
struct kh_cur {
	const uint8_t *p;
	size_t len;
};

static inline struct kh_cur kh_cur_make(const void *p, size_t len)
{
	struct kh_cur c = { (const uint8_t *)p, len };
	return c;
}
struct kh_cur kh_cur_from_str(const char *s);
static inline bool kh_cur_empty(const struct kh_cur *c) { return c->len == 0; }
/* Next byte without consuming it, or -1 at the end. */
int kh_cur_peek(const struct kh_cur *c);
bool kh_cur_get_u8(struct kh_cur *c, uint8_t *out) KH_WUR;
bool kh_cur_get_be16(struct kh_cur *c, uint16_t *out) KH_WUR;
bool kh_cur_get_be24(struct kh_cur *c, uint32_t *out) KH_WUR;
bool kh_cur_get_be32(struct kh_cur *c, uint32_t *out) KH_WUR;
bool kh_cur_get_le16(struct kh_cur *c, uint16_t *out) KH_WUR;
bool kh_cur_get_le32(struct kh_cur *c, uint32_t *out) KH_WUR;
bool kh_cur_skip(struct kh_cur *c, size_t n) KH_WUR;
/* Splits off the next n bytes as a sub-cursor. */
bool kh_cur_take(struct kh_cur *c, size_t n, struct kh_cur *out) KH_WUR;
/* Consumes `s` if the cursor starts with it. */
bool kh_cur_accept(struct kh_cur *c, const char *s);
/*
 * Takes bytes up to (not including) the first `delim`, consuming the
 * delimiter. Without a delimiter, takes the rest and returns false only if
 * the cursor was already empty (then *out is empty too, never left unset).
 */
bool kh_cur_take_until(struct kh_cur *c, uint8_t delim, struct kh_cur *out);
/*
 * Takes one line (ending in \n, \r\n, or the end of input); the terminator
 * is consumed, not returned. Returns false at the end of input. A line
 * longer than max_bytes yields false with *too_long set (and the cursor
 * moved past that line) so callers can report the limit.
 */
bool kh_cur_get_line(struct kh_cur *c, size_t max_bytes, struct kh_cur *line,
                     bool *too_long);
/* Drops leading / trailing ASCII blanks (space, tab, CR, LF). */
void kh_cur_trim(struct kh_cur *c);
bool kh_cur_eq(const struct kh_cur *c, const char *s);
/* True when the bytes contain no NUL. */
bool kh_cur_no_nul(const struct kh_cur *c);
/* Owned NUL-terminated copy; NULL on allocation failure. */
char *kh_cur_dup(const struct kh_cur *c);

/* ---- capped growable buffer -------------------------------------------- */

/*
 * Bytes that grow up to `max` (0 = KH_BUF_DEFAULT_MAX); appending past the
 * maximum fails with KH_ELIMIT and leaves the buffer as it was. The data is
 * always NUL-terminated after len, so kh_buf_str() is a valid C string.
 */
#define KH_BUF_DEFAULT_MAX ((size_t)1 << 30)
struct kh_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max;
};

void kh_buf_init(struct kh_buf *b, size_t max);
void kh_buf_cleanup(struct kh_buf *b);
struct kh_buf *kh_buf_new(size_t max);
void kh_buf_free(struct kh_buf *b);
void kh_buf_reset(struct kh_buf *b);
enum kh_err kh_buf_append(struct kh_buf *b, const void *p, size_t n) KH_WUR;
enum kh_err kh_buf_append_str(struct kh_buf *b, const char *s) KH_WUR;
enum kh_err kh_buf_putc(struct kh_buf *b, char ch) KH_WUR;
enum kh_err kh_buf_printf(struct kh_buf *b, const char *fmt, ...)
	KH_PRINTF(2, 3) KH_WUR;
enum kh_err kh_buf_vprintf(struct kh_buf *b, const char *fmt, va_list ap) KH_WUR;
/* The contents as a C string ("" when empty); borrowed. */
const char *kh_buf_str(const struct kh_buf *b);
static inline struct kh_cur kh_buf_cur(const struct kh_buf *b)
{
	return kh_cur_make(b->data, b->len);
}
/* Hands the bytes to the caller (NUL-terminated; "" allocated if empty). */
char *kh_buf_steal(struct kh_buf *b);

/* ---- strings ----------------------------------------------------------- */

/* Copies with truncation; always NUL-terminates; returns strlen(src). */
size_t kh_strlcpy(char *dst, const char *src, size_t size);
/* snprintf that reports truncation as KH_ETOO_LARGE. */
enum kh_err kh_snprintf(char *dst, size_t size, const char *fmt, ...)
	KH_PRINTF(3, 4) KH_WUR;
bool kh_str_starts_with(const char *s, const char *prefix);
bool kh_str_ends_with(const char *s, const char *suffix);
/* ASCII-only case folding comparisons. */
int kh_str_casecmp(const char *a, const char *b);
/* Trims ASCII blanks in place; returns s. */
char *kh_str_trim(char *s);
/*
 * Parses a whole decimal integer within [min, max]. Leading/trailing blanks
 * are not accepted. Returns KH_EFORMAT or KH_ETOO_LARGE.
 */
enum kh_err kh_str_to_i64(const char *s, int64_t min, int64_t max,
                          int64_t *out) KH_WUR;
enum kh_err kh_str_to_u64(const char *s, uint64_t max, uint64_t *out) KH_WUR;
/* True when bytes are well-formed UTF-8 (no overlongs, no surrogates). */
bool kh_utf8_valid(const void *p, size_t len);
/* Lowercase hex of bytes into out (2*len+1 bytes). */
void kh_hex_encode(const uint8_t *p, size_t len, char *out);

/* ---- logging ----------------------------------------------------------- */

enum kh_log_level { KH_LOG_ERROR, KH_LOG_WARN, KH_LOG_INFO, KH_LOG_DEBUG };

typedef void (*kh_log_fn)(enum kh_log_level level, const char *msg, void *ctx);

/* Installs the handler (NULL drops messages, the library default). */
void kh_log_set_handler(kh_log_fn fn, void *ctx);
void kh_log_set_level(enum kh_log_level max_level);
void kh_log(enum kh_log_level level, const char *fmt, ...) KH_PRINTF(2, 3);
#define kh_log_error(...) kh_log(KH_LOG_ERROR, __VA_ARGS__)
#define kh_log_warn(...) kh_log(KH_LOG_WARN, __VA_ARGS__)
#define kh_log_info(...) kh_log(KH_LOG_INFO, __VA_ARGS__)
#define kh_log_debug(...) kh_log(KH_LOG_DEBUG, __VA_ARGS__)
/*
 * A ready handler for front ends: writes to stderr, as text
 * ("khien: warning: …") or, with json_lines, one JSON object per line
 * {"time","level","msg"}. ctx must point to a bool (json_lines).
 */
void kh_log_stderr(enum kh_log_level level, const char *msg, void *ctx);
enum kh_err kh_log_level_parse(const char *s, enum kh_log_level *out) KH_WUR;

/* ---- two languages ----------------------------------------------------- */

/*
 * Every message a person reads exists in Vietnamese and English side by
 * side at the place it is used: KH_MSG("Packages", "Gói phần mềm"). The
 * pair cannot drift apart or go missing, which a gettext catalog allows.
 */
enum kh_lang { KH_LANG_VI = 0, KH_LANG_EN = 1 };
void kh_lang_set(enum kh_lang lang);
enum kh_lang kh_lang_get(void);
enum kh_err kh_lang_parse(const char *s, enum kh_lang *out) KH_WUR;
#define KH_MSG(en, vi) (kh_lang_get() == KH_LANG_EN ? (en) : (vi))

/* ---- time -------------------------------------------------------------- */

/* "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void kh_time_iso8601(time_t t, char *out, size_t out_size);
/* Parses "YYYY-MM-DD" (checked calendar date) into a UTC time_t. */
enum kh_err kh_time_parse_date(const char *s, time_t *out) KH_WUR;
/* Monotonic clock in nanoseconds. */
uint64_t kh_time_mono_ns(void);

/* ---- files ------------------------------------------------------------- */

/* Flags for file helpers. Symlinks are never followed unless asked. */
enum kh_file_flags {
	KH_FILE_FOLLOW = 1 << 0,   /* follow a symlink in the last component */
	KH_FILE_ALLOW_EMPTY = 1 << 1,
};

/*
 * Reads a whole regular file into a new buffer of at most max_bytes
 * (KH_ELIMIT naming limit_name when larger; limit_name may be NULL).
 * Refuses symlinks (without KH_FILE_FOLLOW), directories, devices and FIFOs.
 */
enum kh_err kh_file_read(const char *path, uint64_t max_bytes,
                         const char *limit_name, unsigned flags,
                         struct kh_buf **out, struct kh_diag *diag) KH_WUR;
/* Reads all of an open descriptor (pipe or file) with the same bound. */
enum kh_err kh_fd_read_all(int fd, uint64_t max_bytes, const char *limit_name,
                           const char *what, struct kh_buf **out,
                           struct kh_diag *diag) KH_WUR;
/*
 * Writes data to path atomically: a temporary file in the same directory,
 * fsync, rename. The file is either the old one or the new one, whole.
 */
enum kh_err kh_file_write_atomic(const char *path, const void *data,
                                 size_t len, unsigned mode,
                                 struct kh_diag *diag) KH_WUR;
/* Creates a directory and its parents (mode for new ones). */
enum kh_err kh_mkdir_p(const char *path, unsigned mode,
                       struct kh_diag *diag) KH_WUR;
/* Joins two path parts with one '/', into a new string (NULL on ENOMEM). */
char *kh_path_join(const char *a, const char *b);

/* ---- hashing (OpenSSL EVP) --------------------------------------------- */

enum kh_hash_alg { KH_HASH_MD5, KH_HASH_SHA1, KH_HASH_SHA256 };
#define KH_HASH_MAX_BYTES 32
/* Digest length in bytes for an algorithm. */
size_t kh_hash_len(enum kh_hash_alg alg);
const char *kh_hash_name(enum kh_hash_alg alg);

struct kh_hash; /* opaque streaming context */
enum kh_err kh_hash_new(enum kh_hash_alg alg, struct kh_hash **out) KH_WUR;
enum kh_err kh_hash_update(struct kh_hash *h, const void *p, size_t n) KH_WUR;
/* Writes kh_hash_len() bytes; the context may then be freed or reused. */
enum kh_err kh_hash_final(struct kh_hash *h, uint8_t *digest) KH_WUR;
void kh_hash_free(struct kh_hash *h);
/* One-shot digest as lowercase hex into hex (2*len+1 bytes). */
enum kh_err kh_hash_hex(enum kh_hash_alg alg, const void *p, size_t n,
                        char *hex, size_t hex_size) KH_WUR;

/* ---- JSON (jansson) ---------------------------------------------------- */

typedef struct json_t json_t;

/*
 * Parses untrusted JSON: size bounded by max_json_bytes, nesting bounded by
 * max_json_depth (checked before jansson sees the text), duplicate keys
 * rejected. Errors name `what` with line and column.
 */
enum kh_err kh_json_parse(struct kh_cur in, const char *what, json_t **out,
                          struct kh_diag *diag) KH_WUR;
/* Borrowed string member, or NULL if absent or not a string. */
const char *kh_json_str(const json_t *obj, const char *key);
/* Serialises compactly (sorted keys when `sorted`) and appends to buf. */
enum kh_err kh_json_append(struct kh_buf *buf, const json_t *j,
                           bool sorted) KH_WUR;
/* Sets obj[key] to a new string / integer / bool / null-if-NULL string. */
enum kh_err kh_json_set_str(json_t *obj, const char *key, const char *s) KH_WUR;
enum kh_err kh_json_set_int(json_t *obj, const char *key, long long v) KH_WUR;
enum kh_err kh_json_set_bool(json_t *obj, const char *key, bool v) KH_WUR;

#endif
