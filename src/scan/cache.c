/*
 * cache.c — the scan cache: files verified clean under one rule-set identity,
 * keyed by (dev, ino) in an open-addressing table, stored as one binary file
 * (a header and fixed 48-byte records) read with one read and written
 * atomically. See kh_scan_cache_lookup for the racily-clean rule.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "khien/limits.h"
#include "scan_int.h"

#define MAGIC "KHSCACH1"
#define HEADER_BYTES 64
#define RECORD_BYTES 48

struct entry {
	struct kh_scan_file_id id;
	int64_t verified_ns; /* 0: empty slot */
};

_Static_assert(sizeof(struct entry) == RECORD_BYTES, "cache record layout");

struct kh_scan_cache {
	char *path;
	uint8_t identity[32];
	struct entry *slots;
	size_t cap, count;      /* cap is a power of two, count <= cap / 2 */
	struct entry *notes;    /* clean files seen this run, merged on save */
	size_t n_notes, notes_cap;
	pthread_mutex_t lock;
};

static size_t
slot_of(const struct kh_scan_cache *c, uint64_t dev, uint64_t ino)
{
	uint64_t h = ino * 0x9E3779B97F4A7C15ULL ^ (dev + 0x632BE59BD9B4E019ULL);

	h ^= h >> 29;
	return (size_t)(h & (c->cap - 1));
}

static enum kh_err
resize(struct kh_scan_cache *c, size_t want)
{
	struct entry *old = c->slots;
	size_t old_cap = c->cap, cap = 1024;

	while (cap / 2 < want)
		cap *= 2;
	if (cap <= c->cap)
		return KH_OK;
	if ((c->slots = kh_calloc(cap, sizeof(struct entry))) == NULL) {
		c->slots = old;
		return KH_ENOMEM;
	}
	c->cap = cap;
	c->count = 0;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].verified_ns != 0) {
			size_t s = slot_of(c, old[i].id.dev, old[i].id.ino);
			while (c->slots[s].verified_ns != 0)
				s = (s + 1) & (c->cap - 1);
			c->slots[s] = old[i];
			c->count++;
		}
	}
	kh_free(old);
	return KH_OK;
}

static enum kh_err
put(struct kh_scan_cache *c, const struct entry *e)
{
	size_t s;
	enum kh_err r;

	if ((r = resize(c, c->count + 1)) != KH_OK)
		return r;
	s = slot_of(c, e->id.dev, e->id.ino);
	while (c->slots[s].verified_ns != 0 &&
	       (c->slots[s].id.dev != e->id.dev || c->slots[s].id.ino != e->id.ino))
		s = (s + 1) & (c->cap - 1);
	if (c->slots[s].verified_ns == 0)
		c->count++;
	c->slots[s] = *e;
	return KH_OK;
}

static enum kh_err
parse_file(struct kh_scan_cache *c, struct kh_cur in)
{
	struct kh_cur rec;
	uint64_t n;
	enum kh_err r;

	if (in.len < HEADER_BYTES || memcmp(in.p, MAGIC, 8) != 0)
		return KH_EFORMAT;
	if (memcmp(in.p + 8, c->identity, 32) != 0)
		return KH_ENOENT; /* another rule set: nothing is known */
	memcpy(&n, in.p + 40, 8);
	if (!kh_cur_skip(&in, HEADER_BYTES) || in.len / RECORD_BYTES != n ||
	    in.len % RECORD_BYTES != 0)
		return KH_EFORMAT;
	if ((r = resize(c, (size_t)n)) != KH_OK)
		return r;
	while (kh_cur_take(&in, RECORD_BYTES, &rec)) {
		struct entry e;
		memcpy(&e, rec.p, sizeof(e));
		if (e.verified_ns == 0)
			return KH_EFORMAT;
		if ((r = put(c, &e)) != KH_OK)
			return r;
	}
	return KH_OK;
}

enum kh_err
kh_scan_cache_open(const char *path, const uint8_t identity[32],
                   struct kh_scan_cache **out, struct kh_diag *diag)
{
	uint64_t max_bytes = HEADER_BYTES + KH_LIMIT(max_scan_cache_entries) * RECORD_BYTES;
	struct kh_scan_cache *c;
	struct kh_buf *raw = NULL;
	enum kh_err r;

	*out = NULL;
	if ((c = kh_calloc(1, sizeof(*c))) == NULL)
		return KH_ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	memcpy(c->identity, identity, 32);
	if ((c->path = kh_strdup(path)) == NULL || (r = resize(c, 1)) != KH_OK) {
		kh_scan_cache_free(c);
		return KH_ENOMEM;
	}
	r = kh_file_read(path, max_bytes, "max_scan_cache_entries", KH_FILE_ALLOW_EMPTY,
	                 &raw, diag);
	if (r == KH_OK)
		r = parse_file(c, kh_buf_cur(raw));
	kh_buf_free(raw);
	if (r == KH_ENOMEM) {
		kh_scan_cache_free(c);
		return r;
	}
	if (r != KH_OK) { /* start empty: the cache only ever saves work */
		if (r != KH_ENOENT)
			kh_log_warn("%s: %s", path, KH_MSG("scan cache unreadable, starting afresh",
			                                   "bộ nhớ đệm quét không đọc được, tạo mới"));
		memset(c->slots, 0, c->cap * sizeof(struct entry));
		c->count = 0;
		kh_diag_clear(diag);
	}
	*out = c;
	return KH_OK;
}

bool
kh_scan_cache_lookup(const struct kh_scan_cache *c, const struct kh_scan_file_id *id)
{
	size_t s = slot_of(c, id->dev, id->ino);
	const struct entry *e;

	for (; c->slots[s].verified_ns != 0; s = (s + 1) & (c->cap - 1)) {
		e = &c->slots[s];
		if (e->id.dev != id->dev || e->id.ino != id->ino)
			continue;
		/* git's racily-clean rule: a timestamp this close to the read
		 * could hide a rewrite within the same timestamp tick */
		return e->id.size == id->size && e->id.mtime_ns == id->mtime_ns &&
		       e->id.ctime_ns == id->ctime_ns &&
		       id->mtime_ns < e->verified_ns - KH_SCAN_CACHE_RACY_NS &&
		       id->ctime_ns < e->verified_ns - KH_SCAN_CACHE_RACY_NS;
	}
	return false;
}

enum kh_err
kh_scan_cache_note(struct kh_scan_cache *c, const struct kh_scan_file_id *id,
                   int64_t verified_ns)
{
	enum kh_err r = KH_OK;

	/* A file this fresh would never be trusted: not worth remembering. */
	if (id->mtime_ns >= verified_ns - KH_SCAN_CACHE_RACY_NS ||
	    id->ctime_ns >= verified_ns - KH_SCAN_CACHE_RACY_NS)
		return KH_OK;
	pthread_mutex_lock(&c->lock);
	if (c->n_notes == c->notes_cap) {
		size_t cap = c->notes_cap ? c->notes_cap * 2 : 1024;
		struct entry *n = kh_reallocarray(c->notes, cap, sizeof(*n));
		if (n == NULL)
			r = KH_ENOMEM;
		else
			c->notes = n, c->notes_cap = cap;
	}
	if (r == KH_OK) {
		c->notes[c->n_notes].id = *id;
		c->notes[c->n_notes].verified_ns = verified_ns;
		c->n_notes++;
	}
	pthread_mutex_unlock(&c->lock);
	return r;
}

size_t
kh_scan_cache_count(const struct kh_scan_cache *c)
{
	return c == NULL ? 0 : c->count;
}

static enum kh_err
merge_notes(struct kh_scan_cache *c)
{
	enum kh_err r;

	if (c->count + c->n_notes > KH_LIMIT(max_scan_cache_entries)) {
		/* full: keep what this run saw, forget older trees */
		memset(c->slots, 0, c->cap * sizeof(struct entry));
		c->count = 0;
		if (c->n_notes > KH_LIMIT(max_scan_cache_entries))
			c->n_notes = (size_t)KH_LIMIT(max_scan_cache_entries);
	}
	for (size_t i = 0; i < c->n_notes; i++)
		if ((r = put(c, &c->notes[i])) != KH_OK)
			return r;
	c->n_notes = 0;
	return KH_OK;
}

enum kh_err
kh_scan_cache_save(struct kh_scan_cache *c, struct kh_diag *diag)
{
	uint64_t n;
	struct kh_buf out;
	uint8_t header[HEADER_BYTES];
	enum kh_err r;

	if ((r = merge_notes(c)) != KH_OK)
		return r;
	kh_buf_init(&out, HEADER_BYTES + (c->count + 1) * RECORD_BYTES);
	memset(header, 0, sizeof(header));
	memcpy(header, MAGIC, 8);
	memcpy(header + 8, c->identity, 32);
	n = c->count;
	memcpy(header + 40, &n, 8);
	if ((r = kh_buf_append(&out, header, sizeof(header))) != KH_OK)
		goto out;
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].verified_ns != 0 &&
		    (r = kh_buf_append(&out, &c->slots[i], RECORD_BYTES)) != KH_OK)
			goto out;
	r = kh_file_write_atomic(c->path, out.data, out.len, 0600, diag);
out:
	kh_buf_cleanup(&out);
	return r;
}

void
kh_scan_cache_free(struct kh_scan_cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(&c->lock);
	kh_free(c->slots);
	kh_free(c->notes);
	kh_free(c->path);
	kh_free(c);
}
