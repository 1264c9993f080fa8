/*
 * hashlist.c — known-bad file hashes (MD5, SHA-1, SHA-256) from plain lists,
 * ClamAV .hdb/.hsb/.hdu/.hsu, signature-base "hash;comment" and CSV exports,
 * kept as packed sorted records for binary search (no per-hash allocation).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "khien/limits.h"
#include "khien/scan.h"

#define N_ALGS 3
#define SIZE_ANY UINT64_MAX
#define READ_CHUNK ((size_t)1 << 20)

/* Records are digest, then size (u64), then name offset (u32), packed. */
struct table {
	uint8_t *recs;
	size_t n, cap, stride, dlen;
};

struct kh_scan_hashlist {
	struct table t[N_ALGS];
	char *names;          /* NUL-separated pool */
	size_t names_len, names_cap;
	uint32_t last_name;   /* consecutive equal names share one copy */
	bool have_last;
	uint8_t identity[32];
};

/* Per-source parsing state, so a list can be fed in chunks of whole lines. */
struct parse_state {
	const char *source;
	long line_no;
	int csv_name_col;     /* -1: none */
	bool csv_header_seen;
};

enum kh_err
kh_scan_hashlist_new(struct kh_scan_hashlist **out)
{
	struct kh_scan_hashlist *hl;

	*out = NULL;
	if ((hl = kh_calloc(1, sizeof(*hl))) == NULL)
		return KH_ENOMEM;
	for (int a = 0; a < N_ALGS; a++) {
		hl->t[a].dlen = kh_hash_len((enum kh_hash_alg)a);
		hl->t[a].stride = hl->t[a].dlen + 12;
	}
	*out = hl;
	return KH_OK;
}

void
kh_scan_hashlist_free(struct kh_scan_hashlist *hl)
{
	if (hl == NULL)
		return;
	for (int a = 0; a < N_ALGS; a++)
		kh_free(hl->t[a].recs);
	kh_free(hl->names);
	kh_free(hl);
}

size_t
kh_scan_hashlist_count(const struct kh_scan_hashlist *hl)
{
	return hl == NULL ? 0 : hl->t[0].n + hl->t[1].n + hl->t[2].n;
}

unsigned
kh_scan_hashlist_algs(const struct kh_scan_hashlist *hl)
{
	unsigned mask = 0;

	for (int a = 0; hl != NULL && a < N_ALGS; a++)
		if (hl->t[a].n > 0)
			mask |= 1u << a;
	return mask;
}

static enum kh_err
intern_name(struct kh_scan_hashlist *hl, const char *p, size_t len, uint32_t *off)
{
	size_t need;

	if (hl->have_last && strlen(hl->names + hl->last_name) == len &&
	    memcmp(hl->names + hl->last_name, p, len) == 0) {
		*off = hl->last_name;
		return KH_OK;
	}
	if (!kh_size_add(hl->names_len, len + 1, &need) || need > UINT32_MAX)
		return KH_ETOO_LARGE;
	if (need > hl->names_cap) {
		size_t cap = hl->names_cap ? hl->names_cap * 2 : 4096;
		char *n;
		while (cap < need)
			cap *= 2;
		if ((n = kh_realloc(hl->names, cap)) == NULL)
			return KH_ENOMEM;
		hl->names = n;
		hl->names_cap = cap;
	}
	memcpy(hl->names + hl->names_len, p, len);
	hl->names[hl->names_len + len] = '\0';
	*off = (uint32_t)hl->names_len;
	hl->last_name = *off;
	hl->have_last = true;
	hl->names_len = need;
	return KH_OK;
}

/* Hex digit values, -1 for any other byte (a table: millions of digests). */
static const int8_t hex_value[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
	['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13,
	['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13,
	['D'] = 14, ['E'] = 15, ['F'] = 16,
}; /* value + 1, so that 0 means "not hex" */

/* A field that is a whole MD5/SHA-1/SHA-256 in hex: its algorithm, else -1. */
static int
parse_digest(struct kh_cur f, uint8_t *digest)
{
	int alg = f.len == 32 ? KH_HASH_MD5 : f.len == 40 ? KH_HASH_SHA1
	        : f.len == 64 ? KH_HASH_SHA256 : -1;

	if (alg < 0)
		return -1;
	for (size_t i = 0; i < f.len; i += 2) {
		int hi = hex_value[f.p[i]], lo = hex_value[f.p[i + 1]];
		if (hi == 0 || lo == 0)
			return -1;
		digest[i / 2] = (uint8_t)((hi - 1) << 4 | (lo - 1));
	}
	return alg;
}

static enum kh_err
add_record(struct kh_scan_hashlist *hl, int alg, const uint8_t *digest,
           uint64_t size, struct kh_cur name, const struct parse_state *ps,
           struct kh_diag *diag)
{
	struct table *t = &hl->t[alg];
	uint32_t name_off;
	uint8_t *rec;
	enum kh_err r;

	if (kh_scan_hashlist_count(hl) >= KH_LIMIT(max_hashlist_entries))
		return kh_diag_limit(diag, ps->source, "max_hashlist_entries",
		                     KH_MSG("too many hashes", "quá nhiều mã băm"));
	if (name.len == 0)
		name = kh_cur_from_str(ps->source);
	if ((r = intern_name(hl, (const char *)name.p, name.len, &name_off)) != KH_OK)
		return r;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		uint8_t *n = kh_reallocarray(t->recs, cap, t->stride);
		if (n == NULL)
			return KH_ENOMEM;
		t->recs = n;
		t->cap = cap;
	}
	rec = t->recs + t->n * t->stride;
	memcpy(rec, digest, t->dlen);
	memcpy(rec + t->dlen, &size, 8);
	memcpy(rec + t->dlen + 8, &name_off, 4);
	t->n++;
	return KH_OK;
}

static bool
split_at(struct kh_cur *c, uint8_t delim, struct kh_cur *field)
{
	const uint8_t *hit = c->len ? memchr(c->p, delim, c->len) : NULL;

	if (hit == NULL)
		return false;
	*field = kh_cur_make(c->p, (size_t)(hit - c->p));
	c->p = hit + 1;
	c->len -= field->len + 1;
	return true;
}

/* ClamAV hash signatures: HASH:SIZE:NAME[:FLEVEL] (size "*" = any, .hsb). */
static enum kh_err
parse_clamav(struct kh_scan_hashlist *hl, int alg, const uint8_t *digest,
             struct kh_cur rest, const struct parse_state *ps, struct kh_diag *diag)
{
	struct kh_cur size_f, name;
	uint64_t size = SIZE_ANY;
	char num[24];

	if (!split_at(&rest, ':', &size_f))
		goto bad;
	if (!split_at(&rest, ':', &name))
		name = rest; /* no flevel */
	if (!kh_cur_eq(&size_f, "*")) {
		if (size_f.len == 0 || size_f.len >= sizeof(num))
			goto bad;
		memcpy(num, size_f.p, size_f.len);
		num[size_f.len] = '\0';
		if (kh_str_to_u64(num, UINT64_MAX - 1, &size) != KH_OK)
			goto bad;
	}
	return add_record(hl, alg, digest, size, name, ps, diag);
bad:
	return kh_diag_set(diag, KH_EFORMAT, ps->source, ps->line_no, "%s",
	                   KH_MSG("ClamAV hash line: want HASH:SIZE:NAME",
	                          "dòng băm ClamAV: cần HASH:SIZE:NAME"));
}

/* One CSV field: quoted ("" is a quote) or bare; the cursor moves past it. */
static struct kh_cur
csv_field(struct kh_cur *line, char *scratch, size_t scratch_size)
{
	size_t n = 0;

	if (kh_cur_peek(line) != '"') {
		struct kh_cur f;
		if (!split_at(line, ',', &f)) {
			f = *line;
			line->p += line->len;
			line->len = 0;
		}
		return f;
	}
	line->p++, line->len--;
	while (line->len > 0) {
		uint8_t ch = *line->p;
		line->p++, line->len--;
		if (ch == '"') {
			if (kh_cur_peek(line) != '"')
				break;
			line->p++, line->len--;
		}
		if (n + 1 < scratch_size)
			scratch[n++] = (char)ch;
	}
	if (kh_cur_peek(line) == ',')
		line->p++, line->len--;
	return kh_cur_make(scratch, n);
}

static bool
is_name_column(struct kh_cur f)
{
	static const char *const names[] = { "signature", "name", "malware",
		                             "comment", "threat", "family" };
	char low[16];

	if (f.len == 0 || f.len >= sizeof(low))
		return false;
	for (size_t i = 0; i < f.len; i++)
		low[i] = (char)(f.p[i] >= 'A' && f.p[i] <= 'Z' ? f.p[i] + 32 : f.p[i]);
	low[f.len] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(low, names[i]) == 0)
			return true;
	return false;
}

#define CSV_MAX_HASHES 8

/* CSV: every digest field of the row is added under the name column's value. */
static enum kh_err
parse_csv(struct kh_scan_hashlist *hl, struct kh_cur line, struct parse_state *ps,
          struct kh_diag *diag)
{
	uint8_t digests[CSV_MAX_HASHES][KH_HASH_MAX_BYTES];
	int algs[CSV_MAX_HASHES];
	char scratch[512], name_copy[512];
	struct kh_cur name = { NULL, 0 };
	int n_hashes = 0, header_col = -1;
	enum kh_err r;

	for (int col = 0; line.len > 0 || col == 0; col++) {
		struct kh_cur f = csv_field(&line, scratch, sizeof(scratch));
		uint8_t d[KH_HASH_MAX_BYTES];
		int alg;
		kh_cur_trim(&f);
		if ((alg = parse_digest(f, d)) >= 0 && n_hashes < CSV_MAX_HASHES) {
			memcpy(digests[n_hashes], d, sizeof(d));
			algs[n_hashes++] = alg;
		} else if (col == ps->csv_name_col && f.len < sizeof(name_copy)) {
			memcpy(name_copy, f.p, f.len);
			name = kh_cur_make(name_copy, f.len);
		} else if (header_col < 0 && is_name_column(f)) {
			header_col = col;
		}
	}
	if (n_hashes == 0 && !ps->csv_header_seen) {
		ps->csv_header_seen = true; /* the header row names the columns */
		ps->csv_name_col = header_col;
		return KH_OK;
	}
	if (n_hashes == 0)
		return kh_diag_set(diag, KH_EFORMAT, ps->source, ps->line_no, "%s",
		                   KH_MSG("CSV row without a hash", "dòng CSV không có mã băm"));
	for (int i = 0; i < n_hashes; i++)
		if ((r = add_record(hl, algs[i], digests[i], SIZE_ANY, name, ps, diag)) != KH_OK)
			return r;
	return KH_OK;
}

static enum kh_err
parse_line(struct kh_scan_hashlist *hl, struct kh_cur line, struct parse_state *ps,
           struct kh_diag *diag)
{
	uint8_t digest[KH_HASH_MAX_BYTES];
	struct kh_cur head, rest = line;
	int alg;

	kh_cur_trim(&line);
	if (line.len == 0 || line.p[0] == '#')
		return KH_OK;
	rest = line;
	if (split_at(&rest, ';', &head) && (alg = parse_digest(head, digest)) >= 0)
		return add_record(hl, alg, digest, SIZE_ANY, rest, ps, diag); /* LOKI */
	rest = line;
	if (split_at(&rest, ':', &head) && (alg = parse_digest(head, digest)) >= 0)
		return parse_clamav(hl, alg, digest, rest, ps, diag);
	if (memchr(line.p, ',', line.len) != NULL)
		return parse_csv(hl, line, ps, diag);
	rest = line;
	if (!split_at(&rest, ' ', &head) && !split_at(&rest, '\t', &head)) {
		head = line;
		rest = kh_cur_make(line.p + line.len, 0);
	}
	if ((alg = parse_digest(head, digest)) < 0)
		return kh_diag_set(diag, KH_EFORMAT, ps->source, ps->line_no, "%s",
		                   KH_MSG("not a hash (MD5, SHA-1 or SHA-256 in hex)",
		                          "không phải mã băm (MD5, SHA-1 hoặc SHA-256 dạng hex)"));
	kh_cur_trim(&rest);
	if (kh_cur_peek(&rest) == '*') /* sha256sum binary mode marker */
		rest.p++, rest.len--;
	return add_record(hl, alg, digest, SIZE_ANY, rest, ps, diag);
}

static enum kh_err
parse_lines(struct kh_scan_hashlist *hl, struct kh_cur text, struct parse_state *ps,
            struct kh_diag *diag)
{
	struct kh_cur line;
	bool too_long = false;
	enum kh_err r;

	while (true) {
		if (!kh_cur_get_line(&text, KH_LIMIT(max_line_bytes), &line, &too_long)) {
			if (!too_long)
				return KH_OK;
			ps->line_no++;
			(void)kh_diag_limit(diag, ps->source, "max_line_bytes",
			                    KH_MSG("line too long", "dòng quá dài"));
			if (diag != NULL)
				diag->line = ps->line_no;
			return KH_ELIMIT;
		}
		ps->line_no++;
		if ((r = parse_line(hl, line, ps, diag)) != KH_OK)
			return r;
	}
}

enum kh_err
kh_scan_hashlist_add_text(struct kh_scan_hashlist *hl, struct kh_cur text,
                          const char *source, struct kh_diag *diag)
{
	struct parse_state ps = { source, 0, -1, false };

	hl->have_last = false;
	return parse_lines(hl, text, &ps, diag);
}

/* "dir/file" from a path: enough to tell feeds apart (eset/x/samples.sha256). */
static const char *
short_source(const char *path)
{
	const char *last = strrchr(path, '/'), *p;

	if (last == NULL || last == path)
		return path;
	for (p = last - 1; p > path && *p != '/'; p--)
		;
	return *p == '/' ? p + 1 : p;
}

/* Reads in chunks of whole lines, so a large list never sits in memory twice. */
enum kh_err
kh_scan_hashlist_load(struct kh_scan_hashlist *hl, const char *path,
                      struct kh_diag *diag)
{
	struct parse_state ps = { short_source(path), 0, -1, false };
	uint8_t *chunk = NULL;
	size_t have = 0, cap = READ_CHUNK + KH_LIMIT(max_line_bytes);
	uint64_t total = 0;
	enum kh_err r = KH_EINTERNAL;
	int fd;

	hl->have_last = false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return kh_diag_set(diag, errno == ENOENT ? KH_ENOENT : KH_EIO, path, 0,
		                   "%s", strerror(errno));
	if ((chunk = kh_malloc(cap)) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	while (true) {
		ssize_t n = read(fd, chunk + have, cap - have);
		size_t complete;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = kh_diag_set(diag, KH_EIO, path, 0, "%s", strerror(errno));
			goto out;
		}
		have += (size_t)n;
		if ((total += (uint64_t)n) > KH_LIMIT(max_hashlist_bytes)) {
			r = kh_diag_limit(diag, path, "max_hashlist_bytes",
			                  KH_MSG("hash list too large", "danh sách băm quá lớn"));
			goto out;
		}
		complete = have;
		if (n > 0) { /* keep a partial last line for the next read */
			while (complete > 0 && chunk[complete - 1] != '\n')
				complete--;
			if (complete == 0 && have < cap)
				continue;
			if (complete == 0)
				complete = have; /* over-long line: let the parser report it */
		}
		if ((r = parse_lines(hl, kh_cur_make(chunk, complete), &ps, diag)) != KH_OK)
			goto out;
		memmove(chunk, chunk + complete, have - complete);
		have -= complete;
		if (n == 0)
			break;
	}
	r = KH_OK;
out:
	kh_free(chunk);
	close(fd);
	return r;
}

static int
rec_cmp(const void *a, const void *b, void *arg)
{
	const struct table *t = arg;
	int c = memcmp(a, b, t->dlen);
	uint64_t sa, sb;

	if (c != 0)
		return c;
	memcpy(&sa, (const uint8_t *)a + t->dlen, 8);
	memcpy(&sb, (const uint8_t *)b + t->dlen, 8);
	return sa < sb ? -1 : sa > sb;
}

/*
 * Digests are uniformly spread, so a counting pass on the first two bytes
 * leaves buckets of a few records for qsort: several times faster than one
 * qsort over millions (which would allocate a same-sized copy anyway).
 */
static enum kh_err
sort_table(struct table *t)
{
	size_t *start = NULL;
	uint8_t *sorted = NULL;

	if (t->n < 2)
		return KH_OK;
	if ((start = kh_calloc(65537, sizeof(size_t))) == NULL ||
	    (sorted = kh_reallocarray(NULL, t->n, t->stride)) == NULL) {
		kh_free(start);
		return KH_ENOMEM;
	}
	for (size_t i = 0; i < t->n; i++) {
		const uint8_t *rec = t->recs + i * t->stride;
		start[(rec[0] << 8 | rec[1]) + 1]++;
	}
	for (size_t b = 1; b <= 65536; b++)
		start[b] += start[b - 1];
	for (size_t i = 0; i < t->n; i++) {
		const uint8_t *rec = t->recs + i * t->stride;
		memcpy(sorted + start[rec[0] << 8 | rec[1]]++ * t->stride, rec, t->stride);
	}
	/* start[b] now ends bucket b */
	for (size_t b = 0, from = 0; b < 65536; from = start[b++])
		if (start[b] - from > 1)
			qsort_r(sorted + from * t->stride, start[b] - from, t->stride, rec_cmp, t);
	kh_free(t->recs);
	t->recs = sorted;
	t->cap = t->n;
	kh_free(start);
	return KH_OK;
}

enum kh_err
kh_scan_hashlist_finish(struct kh_scan_hashlist *hl)
{
	struct kh_hash *h = NULL;
	enum kh_err r;

	memset(hl->identity, 0, sizeof(hl->identity));
	for (int a = 0; a < N_ALGS; a++)
		if ((r = sort_table(&hl->t[a])) != KH_OK)
			return r;
	/* identity: the sorted records and the names they point into */
	if ((r = kh_hash_new(KH_HASH_SHA256, &h)) != KH_OK)
		return r;
	for (int a = 0; a < N_ALGS && r == KH_OK; a++)
		r = kh_hash_update(h, hl->t[a].recs ? hl->t[a].recs : (uint8_t *)"",
		                   hl->t[a].n * hl->t[a].stride);
	if (r == KH_OK)
		r = kh_hash_update(h, hl->names ? hl->names : "", hl->names_len);
	if (r == KH_OK)
		r = kh_hash_final(h, hl->identity);
	kh_hash_free(h);
	return r;
}

void
kh_scan_hashlist_identity(const struct kh_scan_hashlist *hl, uint8_t out[32])
{
	if (hl == NULL)
		memset(out, 0, 32);
	else
		memcpy(out, hl->identity, 32);
}

const char *
kh_scan_hashlist_lookup(const struct kh_scan_hashlist *hl, enum kh_hash_alg alg,
                        const uint8_t *digest, uint64_t size)
{
	const struct table *t;
	size_t lo = 0, hi;

	if (hl == NULL || (unsigned)alg >= N_ALGS)
		return NULL;
	t = &hl->t[alg];
	hi = t->n;
	while (lo < hi) { /* first record >= digest */
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(t->recs + mid * t->stride, digest, t->dlen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < t->n; lo++) {
		const uint8_t *rec = t->recs + lo * t->stride;
		uint64_t want;
		uint32_t off;
		if (memcmp(rec, digest, t->dlen) != 0)
			break;
		memcpy(&want, rec + t->dlen, 8);
		memcpy(&off, rec + t->dlen + 8, 4);
		if (want == SIZE_ANY || want == size)
			return hl->names + off;
	}
	return NULL;
}
