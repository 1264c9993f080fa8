/*
 * db.c — the advisory index the matcher reads: package rules hashed by
 * (ecosystem, package), asset rules by CPE "vendor:product", facts by CVE.
 * Strings live in one arena so 300,000 rules cost few allocations.
 */
#include <string.h>

#include "vuln_int.h"

/* ---- arena ------------------------------------------------------------------ */

struct vuln_arena_block {
	struct vuln_arena_block *next;
	size_t used, size;
	_Alignas(8) unsigned char data[];
};

#define ARENA_BLOCK_BYTES ((size_t)256 << 10)

static void *
arena_alloc(struct vuln_arena *a, size_t n)
{
	struct vuln_arena_block *b = a->head;
	size_t need = (n + 7) & ~(size_t)7, size, total;

	if (need < n)
		return NULL;
	if (b == NULL || b->size - b->used < need) {
		size = need > ARENA_BLOCK_BYTES ? need : ARENA_BLOCK_BYTES;
		if (!kh_size_add(sizeof(*b), size, &total) || (b = kh_malloc(total)) == NULL)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->size = size;
		a->head = b;
	}
	b->used += need;
	return b->data + b->used - need;
}

static void
arena_free(struct vuln_arena *a)
{
	struct vuln_arena_block *b = a->head, *next;

	for (; b != NULL; b = next) {
		next = b->next;
		kh_free(b);
	}
	a->head = NULL;
}

/* Copies s into the arena; NULL stays NULL. *ok turns false on ENOMEM. */
static const char *
arena_str(struct vuln_arena *a, const char *s, bool *ok)
{
	size_t n;
	char *copy;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if ((copy = arena_alloc(a, n)) == NULL) {
		*ok = false;
		return NULL;
	}
	memcpy(copy, s, n);
	return copy;
}

static const char *const *
arena_strv(struct vuln_arena *a, const char *const *v, size_t n, bool *ok)
{
	const char **copy;

	if (n == 0)
		return NULL;
	if (n > SIZE_MAX / sizeof(*copy) || (copy = arena_alloc(a, n * sizeof(*copy))) == NULL) {
		*ok = false;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		copy[i] = arena_str(a, v[i], ok);
	return copy;
}

/* ---- hash table ------------------------------------------------------------ */

/* FNV-1a, 64 bits, continued from h. */
static uint64_t
fnv(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}
#define FNV_SEED 0xcbf29ce484222325ull

typedef bool (*eq_fn)(const struct kh_vuln_db *db, uint32_t value, const void *key);

static size_t
htab_slot(const struct vuln_htab *t, const struct kh_vuln_db *db, uint64_t h,
          eq_fn eq, const void *key)
{
	size_t mask = t->cap - 1, i = (size_t)h & mask;

	for (; t->values[i] != VULN_NONE; i = (i + 1) & mask)
		if (t->hashes[i] == h && eq(db, t->values[i], key))
			return i;
	return i; /* the empty slot where it would go */
}

static uint32_t
htab_get(const struct vuln_htab *t, const struct kh_vuln_db *db, uint64_t h,
         eq_fn eq, const void *key)
{
	if (t->cap == 0)
		return VULN_NONE;
	return t->values[htab_slot(t, db, h, eq, key)];
}

static enum kh_err
htab_grow(struct vuln_htab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024, mask = cap - 1, j;
	uint64_t *hashes = kh_calloc(cap, sizeof(*hashes));
	uint32_t *values = kh_calloc(cap, sizeof(*values));

	if (hashes == NULL || values == NULL) {
		kh_free(hashes);
		kh_free(values);
		return KH_ENOMEM;
	}
	memset(values, 0xff, cap * sizeof(*values));
	for (size_t i = 0; i < t->cap; i++) {
		if (t->values[i] == VULN_NONE)
			continue;
		for (j = (size_t)t->hashes[i] & mask; values[j] != VULN_NONE; j = (j + 1) & mask)
			;
		hashes[j] = t->hashes[i];
		values[j] = t->values[i];
	}
	kh_free(t->hashes);
	kh_free(t->values);
	t->hashes = hashes;
	t->values = values;
	t->cap = cap;
	return KH_OK;
}

/*
 * Points key at value; *old gets the value it had (VULN_NONE if new), so
 * callers can chain rules that share a key.
 */
static enum kh_err
htab_put(struct vuln_htab *t, struct kh_vuln_db *db, uint64_t h, eq_fn eq,
         const void *key, uint32_t value, uint32_t *old)
{
	size_t i;
	enum kh_err r;

	if ((t->n + 1) * 10 > t->cap * 7 && (r = htab_grow(t)) != KH_OK)
		return r;
	i = htab_slot(t, db, h, eq, key);
	*old = t->values[i];
	if (*old == VULN_NONE)
		t->n++;
	t->hashes[i] = h;
	t->values[i] = value;
	return KH_OK;
}

static void
htab_free(struct vuln_htab *t)
{
	kh_free(t->hashes);
	kh_free(t->values);
	memset(t, 0, sizeof(*t));
}

/* ---- db ---------------------------------------------------------------------- */

struct kh_vuln_db *
kh_vuln_db_new(void)
{
	return kh_calloc(1, sizeof(struct kh_vuln_db));
}

void
kh_vuln_db_free(struct kh_vuln_db *db)
{
	if (db == NULL)
		return;
	for (size_t i = 0; i < db->n_owned; i++)
		db->owned[i].free_fn(db->owned[i].obj);
	kh_free(db->owned);
	arena_free(&db->arena);
	kh_free(db->pkg);
	kh_free(db->cpe);
	kh_free(db->links);
	kh_free(db->cves);
	htab_free(&db->pkg_index);
	htab_free(&db->cpe_index);
	htab_free(&db->cve_index);
	kh_free(db);
}

size_t
kh_vuln_db_pkg_rule_count(const struct kh_vuln_db *db)
{
	return db->n_pkg;
}

const struct kh_vuln_pkg_rule *
kh_vuln_db_pkg_rule_at(const struct kh_vuln_db *db, size_t i)
{
	return i < db->n_pkg ? &db->pkg[i].rule : NULL;
}

size_t
kh_vuln_db_cpe_rule_count(const struct kh_vuln_db *db)
{
	return db->n_cpe;
}

/* Grows an array of `size`-byte items to hold one more. */
static enum kh_err
reserve(void **items, size_t n, size_t *cap, size_t size)
{
	void *grown;
	size_t want;

	if (n < *cap)
		return KH_OK;
	if (n >= VULN_NONE - 1)
		return KH_ELIMIT;
	want = *cap ? *cap * 2 : 256;
	if ((grown = kh_reallocarray(*items, want, size)) == NULL)
		return KH_ENOMEM;
	*items = grown;
	*cap = want;
	return KH_OK;
}

enum kh_err
kh_vuln_db_adopt(struct kh_vuln_db *db, void *obj, void (*free_fn)(void *))
{
	enum kh_err r;

	if (obj == NULL)
		return KH_OK;
	if ((r = reserve((void **)&db->owned, db->n_owned, &db->cap_owned,
	                 sizeof(*db->owned))) != KH_OK) {
		free_fn(obj);
		return r;
	}
	db->owned[db->n_owned].obj = obj;
	db->owned[db->n_owned++].free_fn = free_fn;
	return KH_OK;
}

/* ---- package rules ---- */

struct pkg_key {
	const char *ecosystem, *package;
};

static bool
pkg_eq(const struct kh_vuln_db *db, uint32_t value, const void *key)
{
	const struct pkg_key *k = key;
	const struct kh_vuln_pkg_rule *r = &db->pkg[value].rule;

	return strcmp(r->package, k->package) == 0 && strcmp(r->ecosystem, k->ecosystem) == 0;
}

static uint64_t
pkg_hash(const char *ecosystem, const char *package)
{
	return fnv(fnv(FNV_SEED, ecosystem) * 31 + 1, package);
}

uint32_t
vuln_db_pkg_first(const struct kh_vuln_db *db, const char *ecosystem,
                  const char *package)
{
	struct pkg_key k = { ecosystem, package };

	return htab_get(&db->pkg_index, db, pkg_hash(ecosystem, package), pkg_eq, &k);
}

/* Order of events for the OSV walk: introduced "0" first, then by version. */
static int
event_cmp(enum kh_version_scheme scheme, const struct kh_vuln_event *a,
          const struct kh_vuln_event *b)
{
	bool a_zero = a->kind == KH_VULN_EV_INTRODUCED && strcmp(a->version, "0") == 0;
	bool b_zero = b->kind == KH_VULN_EV_INTRODUCED && strcmp(b->version, "0") == 0;
	int c = 0;

	if (a_zero || b_zero)
		return a_zero == b_zero ? 0 : (a_zero ? -1 : 1);
	if (kh_version_compare(scheme, a->version, b->version, &c, NULL) != KH_OK)
		return 0; /* a version the scheme refuses stays where it was */
	return c;
}

/* OSV schema: "events must be sorted by version before evaluation". */
static void
sort_events(enum kh_version_scheme scheme, struct kh_vuln_event *ev, size_t n)
{
	struct kh_vuln_event t;

	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && event_cmp(scheme, &ev[j - 1], &ev[j]) > 0; j--) {
			t = ev[j];
			ev[j] = ev[j - 1];
			ev[j - 1] = t;
		}
}

static enum kh_err
copy_pkg_rule(struct kh_vuln_db *db, const struct kh_vuln_pkg_rule *in,
              struct kh_vuln_pkg_rule *out)
{
	struct vuln_arena *a = &db->arena;
	struct kh_vuln_event *ev = NULL;
	bool ok = true;

	*out = *in;
	out->ecosystem = arena_str(a, in->ecosystem, &ok);
	out->package = arena_str(a, in->package, &ok);
	out->advisory = arena_str(a, in->advisory, &ok);
	out->source = arena_str(a, in->source, &ok);
	out->status = arena_str(a, in->status, &ok);
	out->cves = arena_strv(a, in->cves, in->n_cves, &ok);
	out->versions = arena_strv(a, in->versions, in->n_versions, &ok);
	if (in->n_events > 0) {
		if (in->n_events > SIZE_MAX / sizeof(*ev) ||
		    (ev = arena_alloc(a, in->n_events * sizeof(*ev))) == NULL)
			return KH_ENOMEM;
		for (size_t i = 0; i < in->n_events; i++) {
			ev[i].kind = in->events[i].kind;
			ev[i].version = arena_str(a, in->events[i].version, &ok);
		}
		sort_events(in->scheme, ev, in->n_events);
	}
	out->events = ev;
	return ok ? KH_OK : KH_ENOMEM;
}

enum kh_err
kh_vuln_db_add_pkg_rule(struct kh_vuln_db *db, const struct kh_vuln_pkg_rule *rule)
{
	struct vuln_pkg_stored *s;
	struct pkg_key k;
	uint32_t idx, old;
	enum kh_err r;

	if (rule->ecosystem == NULL || rule->package == NULL || rule->advisory == NULL)
		return KH_EINVAL;
	for (size_t i = 0; i < rule->n_events; i++)
		if (rule->events[i].version == NULL)
			return KH_EINVAL;
	if ((r = reserve((void **)&db->pkg, db->n_pkg, &db->cap_pkg, sizeof(*db->pkg))) != KH_OK)
		return r;
	idx = (uint32_t)db->n_pkg;
	s = &db->pkg[idx];
	if ((r = copy_pkg_rule(db, rule, &s->rule)) != KH_OK)
		return r;
	k.ecosystem = s->rule.ecosystem;
	k.package = s->rule.package;
	if ((r = htab_put(&db->pkg_index, db, pkg_hash(k.ecosystem, k.package), pkg_eq,
	                  &k, idx, &old)) != KH_OK)
		return r;
	s->next = old;
	db->n_pkg++;
	return KH_OK;
}

/* ---- asset rules ---- */

static bool
cpe_eq(const struct kh_vuln_db *db, uint32_t value, const void *key)
{
	return strcmp(db->links[value].key, key) == 0;
}

uint32_t
vuln_db_cpe_first(const struct kh_vuln_db *db, const char *key)
{
	return htab_get(&db->cpe_index, db, fnv(FNV_SEED, key), cpe_eq, key);
}

static enum kh_err
add_link(struct kh_vuln_db *db, uint32_t rule, const char *key)
{
	struct vuln_cpe_link *l;
	uint32_t idx, old;
	bool ok = true;
	enum kh_err r;

	if ((r = reserve((void **)&db->links, db->n_links, &db->cap_links,
	                 sizeof(*db->links))) != KH_OK)
		return r;
	idx = (uint32_t)db->n_links;
	l = &db->links[idx];
	l->rule = rule;
	if ((l->key = arena_str(&db->arena, key, &ok)) == NULL)
		return KH_ENOMEM;
	if ((r = htab_put(&db->cpe_index, db, fnv(FNV_SEED, key), cpe_eq, key, idx,
	                  &old)) != KH_OK)
		return r;
	l->next = old;
	db->n_links++;
	return KH_OK;
}

enum kh_err
kh_vuln_db_add_cpe_rule(struct kh_vuln_db *db, const struct kh_vuln_cpe_rule *rule)
{
	struct kh_vuln_cpe_rule *s;
	struct vuln_arena *a = &db->arena;
	bool ok = true;
	uint32_t idx;
	enum kh_err r;

	if (rule->advisory == NULL || rule->eval == NULL || rule->n_keys == 0)
		return KH_EINVAL;
	if ((r = reserve((void **)&db->cpe, db->n_cpe, &db->cap_cpe, sizeof(*db->cpe))) != KH_OK)
		return r;
	idx = (uint32_t)db->n_cpe;
	s = &db->cpe[idx];
	*s = *rule;
	s->advisory = arena_str(a, rule->advisory, &ok);
	s->source = arena_str(a, rule->source, &ok);
	s->fixed_version = arena_str(a, rule->fixed_version, &ok);
	s->cves = arena_strv(a, rule->cves, rule->n_cves, &ok);
	s->keys = arena_strv(a, rule->keys, rule->n_keys, &ok);
	if (!ok)
		return KH_ENOMEM;
	db->n_cpe++;
	for (size_t i = 0; i < rule->n_keys; i++) {
		/* A rule listing the same key twice must be tried once. */
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen = seen || strcmp(rule->keys[i], rule->keys[j]) == 0;
		if (!seen && (r = add_link(db, idx, rule->keys[i])) != KH_OK)
			return r;
	}
	return KH_OK;
}

/* ---- CVE facts ---- */

static bool
cve_eq(const struct kh_vuln_db *db, uint32_t value, const void *key)
{
	return strcmp(db->cves[value].cve, key) == 0;
}

const struct kh_vuln_cve_info *
kh_vuln_db_cve(const struct kh_vuln_db *db, const char *cve)
{
	uint32_t i = htab_get(&db->cve_index, db, fnv(FNV_SEED, cve), cve_eq, cve);

	return i == VULN_NONE ? NULL : &db->cves[i];
}

static const char *
earliest(const char *a, const char *b)
{
	if (a == NULL)
		return b;
	if (b == NULL)
		return a;
	return strcmp(a, b) <= 0 ? a : b;
}

/* Folds `in` into `to`; strings of `in` must already be arena copies. */
static void
merge_info(struct kh_vuln_cve_info *to, const struct kh_vuln_cve_info *in)
{
	/* NVD's newest metric (4.0 over 3.1 over 2.0) wins; the loader orders. */
	if (in->cvss_score >= 0) {
		to->cvss_score = in->cvss_score;
		to->cvss_version = in->cvss_version;
		to->cvss_vector = in->cvss_vector;
	}
	if (in->epss >= 0) {
		to->epss = in->epss;
		to->epss_percentile = in->epss_percentile;
	}
	to->kev = to->kev || in->kev;
	to->ransomware = to->ransomware || in->ransomware;
	to->kev_due_date = earliest(to->kev_due_date, in->kev_due_date);
	if (in->warning_id != NULL && to->warning_id == NULL)
		to->warning_id = in->warning_id;
	to->warning_deadline = earliest(to->warning_deadline, in->warning_deadline);
	to->published = earliest(to->published, in->published);
	if (to->summary == NULL)
		to->summary = in->summary;
}

enum kh_err
kh_vuln_db_add_cve_info(struct kh_vuln_db *db, const struct kh_vuln_cve_info *info)
{
	struct kh_vuln_cve_info copy = *info, fresh;
	struct vuln_arena *a = &db->arena;
	uint32_t idx, old;
	bool ok = true;
	enum kh_err r;

	if (info->cve == NULL)
		return KH_EINVAL;
	copy.cvss_version = arena_str(a, info->cvss_version, &ok);
	copy.cvss_vector = arena_str(a, info->cvss_vector, &ok);
	copy.kev_due_date = arena_str(a, info->kev_due_date, &ok);
	copy.warning_id = arena_str(a, info->warning_id, &ok);
	copy.warning_deadline = arena_str(a, info->warning_deadline, &ok);
	copy.published = arena_str(a, info->published, &ok);
	copy.summary = arena_str(a, info->summary, &ok);
	idx = htab_get(&db->cve_index, db, fnv(FNV_SEED, info->cve), cve_eq, info->cve);
	if (ok && idx != VULN_NONE) {
		merge_info(&db->cves[idx], &copy);
		return KH_OK;
	}
	copy.cve = arena_str(a, info->cve, &ok);
	if (!ok)
		return KH_ENOMEM;
	if ((r = reserve((void **)&db->cves, db->n_cves, &db->cap_cves, sizeof(*db->cves))) != KH_OK)
		return r;
	memset(&fresh, 0, sizeof(fresh));
	fresh.cve = copy.cve;
	fresh.cvss_score = fresh.epss = fresh.epss_percentile = -1;
	merge_info(&fresh, &copy);
	idx = (uint32_t)db->n_cves;
	db->cves[idx] = fresh;
	if ((r = htab_put(&db->cve_index, db, fnv(FNV_SEED, copy.cve), cve_eq, copy.cve,
	                  idx, &old)) != KH_OK)
		return r;
	db->n_cves++;
	return KH_OK;
}
