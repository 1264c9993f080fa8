/*
 * test_scan.c — the scanner through include/khien/scan.h: hash-list formats,
 * YARA rule loading, EICAR in plain files and archives built at run time,
 * archive limits, the scan cache (racily-clean rule), quarantine round trip,
 * JSON output, and a threaded walk over a temporary tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khien/limits.h"
#include "khien/scan.h"

/* The EICAR test string, stored reversed so no scanner flags this source. */
static const char eicar_reversed[] =
	"*H+H$!ELIF-TSET-SURIVITNA-DRADNATS-RACIE$}7)CC7)^P(45XZP\\4[PA@%P!O5X";
static char eicar[69];

static const char *
fixture(const char *rel, char *out, size_t size)
{
	const char *root = getenv("KHIEN_FIXTURES");

	snprintf(out, size, "%s/scan/%s", root ? root : "tests/fixtures", rel);
	return out;
}

/* ---- events collected by tests ---- */

struct seen {
	int detections, errors;
	char matches[1024];
	char paths[4096];
	char limits[256];
	char last_error[512];
};

static void
collect(const struct kh_scan_event *ev, void *ctx)
{
	struct seen *s = ctx;
	char *list = ev->type == KH_SCAN_EV_DETECTION ? s->matches : s->limits;

	if (ev->type == KH_SCAN_EV_DETECTION) {
		s->detections++;
		strncat(s->paths, ev->path, sizeof(s->paths) - strlen(s->paths) - 2);
		strncat(s->paths, "\n", sizeof(s->paths) - strlen(s->paths) - 1);
		strncat(list, ev->match, 1000 - strlen(list));
		strncat(list, ";", 1000 - strlen(list));
		assert_int_equal(strlen(ev->sha256), 64);
	} else {
		s->errors++;
		if (ev->message != NULL)
			snprintf(s->last_error, sizeof(s->last_error), "%s", ev->message);
		if (ev->limit != NULL) {
			strncat(list, ev->limit, 200 - strlen(list));
			strncat(list, ";", 200 - strlen(list));
		}
	}
}

/* ---- archives built in memory ---- */

struct member {
	const char *name;
	const void *data;
	size_t len;
};

static void
make_archive(int format, int filter, const struct member *m, size_t n, struct kh_buf *out)
{
	size_t cap = 64u << 20, used = 0;
	struct archive *a = archive_write_new();
	void *mem = malloc(cap);

	assert_non_null(mem);
	assert_int_equal(archive_write_set_format(a, format), ARCHIVE_OK);
	if (filter >= 0)
		assert_int_equal(archive_write_add_filter(a, filter), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, mem, cap, &used), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_size(e, (la_int64_t)m[i].len);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, m[i].data, m[i].len), (la_ssize_t)m[i].len);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	kh_buf_init(out, 0);
	assert_int_equal(kh_buf_append(out, mem, used), KH_OK);
	free(mem);
}

/* ---- set-up shared by scan tests ---- */

struct fixture_set {
	struct kh_scan_rules *rules;
	struct kh_scan *scan;
	struct seen seen;
};

static void
open_scanner(struct fixture_set *f, const struct kh_scan_options *opts, bool with_rules,
             const struct kh_scan_hashlist *hl)
{
	char path[4096];
	const char *paths[1] = { fixture("rules", path, sizeof(path)) };
	struct kh_scan_options none = { 0 };
	struct kh_diag diag;

	memset(f, 0, sizeof(*f));
	if (with_rules)
		assert_int_equal(kh_scan_rules_load(paths, 1, &f->rules, &diag), KH_OK);
	assert_int_equal(kh_scan_new(opts ? opts : &none, f->rules, hl, collect, &f->seen,
	                             &f->scan, &diag), KH_OK);
}

static void
close_scanner(struct fixture_set *f)
{
	kh_scan_free(f->scan);
	kh_scan_rules_free(f->rules);
	kh_limits_reset();
}

static void
scan_bytes(struct fixture_set *f, const char *name, const void *p, size_t n)
{
	struct kh_scan_summary sum;

	memset(&f->seen, 0, sizeof(f->seen));
	assert_int_equal(kh_scan_mem(f->scan, name, p, n, &sum), KH_OK);
	assert_int_equal(sum.detections, (uint64_t)f->seen.detections);
	assert_int_equal(sum.errors, (uint64_t)f->seen.errors);
}

/* ---- hash lists ---- */

static struct kh_scan_hashlist *
load_lists(const char *const *names, size_t n)
{
	struct kh_scan_hashlist *hl;
	struct kh_diag diag;
	char path[4096];

	assert_int_equal(kh_scan_hashlist_new(&hl), KH_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(kh_scan_hashlist_load(hl, fixture(names[i], path, sizeof(path)), &diag),
		                 KH_OK);
	assert_int_equal(kh_scan_hashlist_finish(hl), KH_OK);
	return hl;
}

static void
digest_of(enum kh_hash_alg alg, const void *p, size_t n, uint8_t *out)
{
	struct kh_hash *h;

	assert_int_equal(kh_hash_new(alg, &h), KH_OK);
	assert_int_equal(kh_hash_update(h, p, n), KH_OK);
	assert_int_equal(kh_hash_final(h, out), KH_OK);
	kh_hash_free(h);
}

static void
test_hashlist_formats(void **state)
{
	const char *lists[] = { "hashes/mixed.txt", "hashes/test.hdb", "hashes/test.hsb",
		                "hashes/feed.csv" };
	struct kh_scan_hashlist *hl = load_lists(lists, 4);
	uint8_t md5[16], sha1[20], sha256[32];
	const char *name;

	(void)state;
	digest_of(KH_HASH_MD5, eicar, 68, md5);
	digest_of(KH_HASH_SHA1, eicar, 68, sha1);
	digest_of(KH_HASH_SHA256, eicar, 68, sha256);
	assert_int_equal(kh_scan_hashlist_count(hl), 8);
	assert_int_equal(kh_scan_hashlist_algs(hl), 7u);
	/* plain MD5 line: named after the list */
	assert_non_null(name = kh_scan_hashlist_lookup(hl, KH_HASH_MD5, md5, 68));
	assert_non_null(kh_scan_hashlist_lookup(hl, KH_HASH_MD5, md5, 12345)); /* any size */
	assert_string_equal(kh_scan_hashlist_lookup(hl, KH_HASH_SHA1, sha1, 68), "eicar.com");
	assert_non_null(kh_scan_hashlist_lookup(hl, KH_HASH_SHA256, sha256, 68));
	md5[0] ^= 1;
	assert_null(kh_scan_hashlist_lookup(hl, KH_HASH_MD5, md5, 68));
	kh_scan_hashlist_free(hl);

	/* ClamAV sizes are part of the signature */
	lists[0] = "hashes/test.hdb";
	hl = load_lists(lists, 1);
	md5[0] ^= 1;
	assert_string_equal(kh_scan_hashlist_lookup(hl, KH_HASH_MD5, md5, 68), "Eicar-Test-Signature");
	assert_string_equal(kh_scan_hashlist_lookup(hl, KH_HASH_MD5, md5, 69), "Wrong-Size");
	assert_null(kh_scan_hashlist_lookup(hl, KH_HASH_MD5, md5, 70));
	kh_scan_hashlist_free(hl);

	lists[0] = "hashes/feed.csv";
	hl = load_lists(lists, 1);
	assert_string_equal(kh_scan_hashlist_lookup(hl, KH_HASH_SHA256, sha256, 1), "EICAR-CSV");
	assert_string_equal(kh_scan_hashlist_lookup(hl, KH_HASH_MD5, md5, 1), "EICAR-CSV");
	kh_scan_hashlist_free(hl);
}

static void
test_hashlist_errors(void **state)
{
	struct kh_scan_hashlist *hl;
	struct kh_diag diag;
	uint8_t id1[32], id2[32];

	(void)state;
	assert_int_equal(kh_scan_hashlist_new(&hl), KH_OK);
	kh_diag_clear(&diag);
	assert_int_equal(kh_scan_hashlist_add_text(hl, kh_cur_from_str(
		"# x\n44d88612fea8a8f36de82e1278abb02f\nnot-a-hash\n"), "bad.txt", &diag), KH_EFORMAT);
	assert_string_equal(diag.file, "bad.txt");
	assert_int_equal(diag.line, 3);
	assert_int_equal(kh_scan_hashlist_add_text(hl, kh_cur_from_str(
		"44d88612fea8a8f36de82e1278abb02f:12x:Name\n"), "c.hdb", &diag), KH_EFORMAT);
	assert_int_equal(diag.line, 1);
	assert_int_equal(kh_scan_hashlist_finish(hl), KH_OK);
	kh_scan_hashlist_identity(hl, id1);
	assert_int_equal(kh_scan_hashlist_add_text(hl, kh_cur_from_str(
		"3395856ce81f2b7382dee72602f798b642f14140\n"), "more", &diag), KH_OK);
	assert_int_equal(kh_scan_hashlist_finish(hl), KH_OK);
	kh_scan_hashlist_identity(hl, id2);
	assert_memory_not_equal(id1, id2, 32);
	kh_scan_hashlist_free(hl);

	/* the entry limit is reported by name */
	assert_int_equal(kh_limit_set("max_hashlist_entries", "1"), KH_OK);
	assert_int_equal(kh_scan_hashlist_new(&hl), KH_OK);
	assert_int_equal(kh_scan_hashlist_add_text(hl, kh_cur_from_str(
		"44d88612fea8a8f36de82e1278abb02f\n3395856ce81f2b7382dee72602f798b642f14140\n"),
		"two", &diag), KH_ELIMIT);
	assert_string_equal(diag.limit, "max_hashlist_entries");
	kh_scan_hashlist_free(hl);
	kh_limits_reset();
}

static void
test_hashlist_alloc_failures(void **state)
{
	const char *text = "44d88612fea8a8f36de82e1278abb02f;a\n"
	                   "3395856ce81f2b7382dee72602f798b642f14140;b\n";
	int failed = 0;

	(void)state;
	for (long n = 0; n < 40; n++) {
		struct kh_scan_hashlist *hl = NULL;
		enum kh_err r;
		kh_alloc_fail_after(n);
		r = kh_scan_hashlist_new(&hl);
		if (r == KH_OK) {
			r = kh_scan_hashlist_add_text(hl, kh_cur_from_str(text), "t", NULL);
			if (r == KH_OK)
				r = kh_scan_hashlist_finish(hl);
		}
		kh_alloc_fail_after(-1);
		if (r != KH_OK) {
			assert_int_equal(r, KH_ENOMEM);
			failed++;
		}
		kh_scan_hashlist_free(hl);
	}
	assert_true(failed > 0);
}

/* ---- rules ---- */

static void
test_rules_load_and_save(void **state)
{
	char path[4096], out[] = "/tmp/khien-test-rules-XXXXXX";
	const char *paths[1] = { fixture("rules", path, sizeof(path)) };
	struct kh_scan_rules *r1, *r2;
	struct kh_diag diag;
	uint8_t id1[32], id2[32];
	int fd = mkstemp(out);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(kh_scan_rules_load(paths, 1, &r1, &diag), KH_OK);
	assert_int_equal(kh_scan_rules_count(r1), 4); /* Same_Name twice, two namespaces */
	assert_int_equal(kh_scan_rules_save(r1, out, &diag), KH_OK);
	paths[0] = out;
	assert_int_equal(kh_scan_rules_load(paths, 1, &r2, &diag), KH_OK);
	kh_scan_rules_identity(r1, id1);
	kh_scan_rules_identity(r2, id2);
	assert_memory_equal(id1, id2, 32);
	assert_int_equal(kh_scan_rules_count(r2), 4);
	kh_scan_rules_free(r1);
	kh_scan_rules_free(r2);
	unlink(out);
}

static void
test_rules_compile_error(void **state)
{
	char path[4096];
	const char *paths[1] = { fixture("bad_rules", path, sizeof(path)) };
	struct kh_scan_rules *r = NULL;
	struct kh_diag diag;

	(void)state;
	kh_diag_clear(&diag);
	assert_int_equal(kh_scan_rules_load(paths, 1, &r, &diag), KH_EFORMAT);
	assert_null(r);
	assert_non_null(strstr(diag.file, "bad_rules/broken.yar"));
	assert_int_equal(diag.line, 5);
	assert_non_null(strstr(diag.msg, "nosuchthing"));
}

/* ---- scanning bytes ---- */

static void
test_eicar_everywhere(void **state)
{
	struct member inner = { "dir/eicar.com", eicar, 68 };
	struct kh_buf zip, tgz, outer;
	struct fixture_set f;
	struct member nested;

	(void)state;
	open_scanner(&f, NULL, true, NULL);
	scan_bytes(&f, "eicar.com", eicar, 68);
	assert_int_equal(f.seen.detections, 1);
	assert_string_equal(f.seen.matches, "eicar.yar:EICAR_Test_File;");

	make_archive(ARCHIVE_FORMAT_ZIP, -1, &inner, 1, &zip);
	scan_bytes(&f, "a.zip", zip.data, zip.len);
	assert_non_null(strstr(f.seen.paths, "a.zip!dir/eicar.com\n"));

	make_archive(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, &inner, 1, &tgz);
	scan_bytes(&f, "a.tar.gz", tgz.data, tgz.len);
	assert_int_equal(f.seen.detections, 1);
	assert_string_equal(f.seen.paths, "a.tar.gz!dir/eicar.com\n");

	nested = (struct member){ "inner.zip", zip.data, zip.len };
	make_archive(ARCHIVE_FORMAT_ZIP, -1, &nested, 1, &outer);
	scan_bytes(&f, "outer.zip", outer.data, outer.len);
	assert_non_null(strstr(f.seen.paths, "outer.zip!inner.zip!dir/eicar.com\n"));
	assert_int_equal(f.seen.errors, 0);

	/* nesting deeper than the limit is reported by name */
	assert_int_equal(kh_limit_set("max_archive_depth", "1"), KH_OK);
	scan_bytes(&f, "outer.zip", outer.data, outer.len);
	assert_null(strstr(f.seen.paths, "inner.zip!dir"));
	assert_string_equal(f.seen.limits, "max_archive_depth;");
	kh_buf_cleanup(&zip);
	kh_buf_cleanup(&tgz);
	kh_buf_cleanup(&outer);
	close_scanner(&f);
}

static void
test_archive_limits(void **state)
{
	size_t big = 8u << 20;
	char *zeros = calloc(1, big);
	struct member m[3] = { { "zeros.bin", zeros, big }, { "b", "x", 1 }, { "c", "y", 1 } };
	struct kh_buf bomb, many, cut;
	struct fixture_set f;

	(void)state;
	assert_non_null(zeros);
	open_scanner(&f, NULL, true, NULL);
	make_archive(ARCHIVE_FORMAT_ZIP, -1, m, 1, &bomb); /* 8 MiB of zeros: ratio ~1000 */
	scan_bytes(&f, "bomb.zip", bomb.data, bomb.len);
	assert_string_equal(f.seen.limits, "max_archive_ratio;");

	make_archive(ARCHIVE_FORMAT_ZIP, -1, m + 1, 2, &many);
	assert_int_equal(kh_limit_set("max_archive_members", "1"), KH_OK);
	scan_bytes(&f, "many.zip", many.data, many.len);
	assert_string_equal(f.seen.limits, "max_archive_members;");
	kh_limits_reset();

	assert_int_equal(kh_limit_set("max_archive_member_bytes", "1K"), KH_OK);
	scan_bytes(&f, "bomb.zip", bomb.data, bomb.len);
	assert_string_equal(f.seen.limits, "max_archive_member_bytes;");
	kh_limits_reset();

	/* a truncated archive is an error, not a crash or a silent pass */
	for (size_t i = 0; i < big; i++)
		zeros[i] = (char)(i * 2654435761u >> 13);
	kh_buf_cleanup(&many);
	make_archive(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, m, 3, &many);
	kh_buf_init(&cut, 0);
	assert_int_equal(kh_buf_append(&cut, many.data, many.len / 2), KH_OK);
	scan_bytes(&f, "cut.tar.gz", cut.data, cut.len);
	assert_int_equal(f.seen.errors, 1);
	kh_buf_cleanup(&cut);
	kh_buf_cleanup(&bomb);
	kh_buf_cleanup(&many);
	free(zeros);
	close_scanner(&f);
}

static void
test_hash_engine(void **state)
{
	const char *lists[] = { "hashes/test.hdb" };
	struct kh_scan_hashlist *hl = load_lists(lists, 1);
	struct fixture_set f;
	char other[68];

	(void)state;
	open_scanner(&f, NULL, false, hl);
	scan_bytes(&f, "x", eicar, 68);
	assert_string_equal(f.seen.matches, "Eicar-Test-Signature;");
	memcpy(other, eicar, 68);
	other[0] = 'Y';
	scan_bytes(&f, "y", other, 68);
	assert_int_equal(f.seen.detections, 0);
	close_scanner(&f);
	kh_scan_hashlist_free(hl);
}

/* ---- cache ---- */

static void
test_cache_rules(void **state)
{
	char path[] = "/tmp/khien-test-cache-XXXXXX";
	uint8_t id_a[32] = { 1 }, id_b[32] = { 2 };
	int64_t now = 1700000000LL * 1000000000LL;
	struct kh_scan_file_id old = { 1, 42, 100, now - 10000000000LL, now - 10000000000LL };
	struct kh_scan_file_id fresh = { 1, 43, 100, now - 1000000LL, now - 1000000LL };
	struct kh_scan_file_id changed;
	struct kh_scan_cache *c;
	struct kh_diag diag;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(kh_scan_cache_open(path, id_a, &c, &diag), KH_OK);
	assert_false(kh_scan_cache_lookup(c, &old));
	assert_int_equal(kh_scan_cache_note(c, &old, now), KH_OK);
	assert_int_equal(kh_scan_cache_note(c, &fresh, now), KH_OK); /* racily clean */
	assert_int_equal(kh_scan_cache_save(c, &diag), KH_OK);
	kh_scan_cache_free(c);

	assert_int_equal(kh_scan_cache_open(path, id_a, &c, &diag), KH_OK);
	assert_int_equal(kh_scan_cache_count(c), 1);
	assert_true(kh_scan_cache_lookup(c, &old));
	assert_false(kh_scan_cache_lookup(c, &fresh));
	/* any change of size, mtime or ctime is a miss, even same size */
	changed = old, changed.mtime_ns++;
	assert_false(kh_scan_cache_lookup(c, &changed));
	changed = old, changed.ctime_ns += 1000;
	assert_false(kh_scan_cache_lookup(c, &changed));
	changed = old, changed.size++;
	assert_false(kh_scan_cache_lookup(c, &changed));
	changed = old, changed.dev++;
	assert_false(kh_scan_cache_lookup(c, &changed));
	kh_scan_cache_free(c);

	/* other rules: nothing is known */
	assert_int_equal(kh_scan_cache_open(path, id_b, &c, &diag), KH_OK);
	assert_false(kh_scan_cache_lookup(c, &old));
	kh_scan_cache_free(c);

	/* a damaged file starts an empty cache */
	assert_int_equal(truncate(path, 70), 0);
	assert_int_equal(kh_scan_cache_open(path, id_a, &c, &diag), KH_OK);
	assert_int_equal(kh_scan_cache_count(c), 0);
	kh_scan_cache_free(c);
	unlink(path);
}

/* ---- files on disk: walker, cache, quarantine ---- */

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void
test_walk_tree(void **state)
{
	char dir[] = "/tmp/khien-test-walk-XXXXXX", p[4200];
	struct kh_scan_options opts = { 0 };
	const char *excl[] = { "*.skip" };
	const char *paths[1];
	struct kh_scan_summary sum;
	struct fixture_set f;
	struct kh_diag diag;

	(void)state;
	assert_non_null(mkdtemp(dir));
	paths[0] = dir;
	snprintf(p, sizeof(p), "%s/sub", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/sub/eicar.com", dir);
	write_file(p, eicar, 68);
	snprintf(p, sizeof(p), "%s/eicar.skip", dir);
	write_file(p, eicar, 68);
	snprintf(p, sizeof(p), "%s/clean.txt", dir);
	write_file(p, "hello", 5);
	snprintf(p, sizeof(p), "%s/link", dir);
	assert_int_equal(symlink("sub/eicar.com", p), 0);
	snprintf(p, sizeof(p), "%s/fifo", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	snprintf(p, sizeof(p), "%s/bad\xff\xfename.com", dir);
	write_file(p, eicar, 68);

	opts.n_threads = 3;
	opts.excludes = excl;
	opts.n_excludes = 1;
	open_scanner(&f, &opts, true, NULL);
	assert_int_equal(kh_scan_paths(f.scan, paths, 1, &sum, &diag), KH_OK);
	/* eicar.com and the invalid-UTF-8 name; not the symlink, FIFO or *.skip */
	assert_int_equal(sum.files, 3);
	assert_int_equal(sum.detections, 2);
	assert_int_equal(sum.errors, 0);
	close_scanner(&f);

	opts.follow_symlinks = true;
	open_scanner(&f, &opts, true, NULL);
	assert_int_equal(kh_scan_paths(f.scan, paths, 1, &sum, &diag), KH_OK);
	assert_int_equal(sum.detections, 3);
	close_scanner(&f);

	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

/* ---- files that change under the scanner (test-control hooks) ---- */

struct race {
	const char *victim; /* basename the hook acts on */
	enum { RACE_UNLINK, RACE_TRUNCATE, RACE_REWRITE } what;
	int fired;
};

static bool
is_victim(const struct race *r, const char *path)
{
	const char *base = strrchr(path, '/');

	return strcmp(base != NULL ? base + 1 : path, r->victim) == 0;
}

static void
race_before_open(const char *path, void *ctx)
{
	struct race *r = ctx;

	if (r->what == RACE_UNLINK && is_victim(r, path) && unlink(path) == 0)
		r->fired++;
}

static void
race_after_read_start(const char *path, void *ctx)
{
	struct race *r = ctx;
	FILE *f;

	if (!is_victim(r, path))
		return;
	if (r->what == RACE_TRUNCATE && truncate(path, 0) == 0)
		r->fired++;
	if (r->what == RACE_REWRITE && (f = fopen(path, "r+b")) != NULL) {
		/* same size, new bytes: only mtime/ctime tell */
		if (fputs("rewritten", f) >= 0)
			r->fired++;
		fclose(f);
	}
}

/* One big (mapped) victim and one small clean file; the scan must go on. */
static void
run_race(int what, const char *expect_message)
{
	char dir[] = "/tmp/khien-test-race-XXXXXX", p[4200];
	struct race r = { .victim = "victim.bin", .what = what };
	struct kh_scan_test_hooks hooks = { race_before_open, race_after_read_start, &r };
	struct kh_scan_options opts = { 0 };
	const char *paths[1] = { dir };
	struct kh_scan_summary sum;
	struct fixture_set f;
	struct kh_diag diag;
	size_t big = 4u << 20;
	char *bytes = malloc(big);

	assert_non_null(bytes);
	memset(bytes, 'A', big);
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/victim.bin", dir);
	write_file(p, bytes, big);
	snprintf(p, sizeof(p), "%s/other.com", dir);
	write_file(p, eicar, 68);
	free(bytes);

	opts.n_threads = 2;
	open_scanner(&f, &opts, true, NULL);
	kh_scan_set_test_hooks(&hooks);
	assert_int_equal(kh_scan_paths(f.scan, paths, 1, &sum, &diag), KH_OK);
	kh_scan_set_test_hooks(NULL);
	assert_int_equal(r.fired, 1);
	assert_int_equal(sum.files, 2);
	assert_int_equal(sum.detections, 1); /* the other file is still scanned */
	assert_int_equal(sum.errors, 1);
	assert_non_null(strstr(f.seen.paths, "other.com"));
	if (strstr(f.seen.last_error, expect_message) == NULL)
		fail_msg("error '%s' lacks '%s'", f.seen.last_error, expect_message);
	close_scanner(&f);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

static void
test_file_disappears(void **state)
{
	(void)state;
	run_race(RACE_UNLINK, "disappeared");
}

static void
test_file_shrinks_while_mapped(void **state)
{
	(void)state;
	run_race(RACE_TRUNCATE, "shrank");
}

static void
test_file_rewritten_during_scan(void **state)
{
	(void)state;
	run_race(RACE_REWRITE, "changed");
}

static void
test_quarantine_round_trip(void **state)
{
	char dir[] = "/tmp/khien-test-q-XXXXXX", file[4200], qdir[4200], bin[4400];
	struct kh_scan_qentry *list;
	char id[KH_SCAN_QID_LEN + 1];
	struct kh_buf *back = NULL;
	struct kh_diag diag;
	struct stat st;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/eicar.com", dir);
	snprintf(qdir, sizeof(qdir), "%s/q", dir);
	write_file(file, eicar, 68);
	assert_int_equal(chmod(file, 0751), 0);
	assert_int_equal(kh_scan_quarantine_file(qdir, file, "EICAR", id, &diag), KH_OK);
	assert_int_equal(lstat(file, &st), -1);
	snprintf(bin, sizeof(bin), "%s/%s.bin", qdir, id);
	assert_int_equal(kh_file_read(bin, 1024, NULL, 0, &back, &diag), KH_OK);
	assert_int_equal(back->len, 68);
	assert_null(memmem(back->data, back->len, "EICAR", 5)); /* neutralised */
	kh_buf_free(back);

	assert_int_equal(kh_scan_quarantine_list(qdir, &list, &n, &diag), KH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].id, id);
	assert_string_equal(list[0].path, file);
	assert_string_equal(list[0].match, "EICAR");
	assert_int_equal(list[0].mode, 0751);
	kh_scan_qentries_free(list, n);

	/* restore refuses to overwrite, then puts back bytes and mode */
	write_file(file, "other", 5);
	assert_int_not_equal(kh_scan_quarantine_restore(qdir, id, &diag), KH_OK);
	assert_int_equal(unlink(file), 0);
	assert_int_equal(kh_scan_quarantine_restore(qdir, id, &diag), KH_OK);
	assert_int_equal(kh_file_read(file, 1024, NULL, 0, &back, &diag), KH_OK);
	assert_memory_equal(back->data, eicar, 68);
	kh_buf_free(back);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0751);
	assert_int_equal(kh_scan_quarantine_list(qdir, &list, &n, &diag), KH_OK);
	assert_int_equal(n, 0);
	assert_int_equal(kh_scan_quarantine_delete(qdir, "../../etc/passwd", &diag), KH_EINVAL);
	snprintf(bin, sizeof(bin), "rm -rf '%s'", dir);
	assert_int_equal(system(bin), 0);
}

/* ---- output ---- */

static void
test_json_lines(void **state)
{
	struct kh_scan_event ev = { 0 };
	struct kh_scan_summary sum = { 3, 1000, 0, 1, 2, 0.5 };
	struct kh_buf b;

	(void)state;
	kh_buf_init(&b, 0);
	ev.type = KH_SCAN_EV_DETECTION;
	ev.path = "a\xff\"b.zip!in/x";
	ev.match = "ns:Rule";
	ev.engine = "yara";
	ev.sha256 = "00";
	ev.size = 68;
	ev.time = 0;
	assert_int_equal(kh_scan_event_json(&ev, &b), KH_OK);
	assert_string_equal(kh_buf_str(&b),
	                    "{\"type\": \"detection\", \"path\": \"a\\udcff\\\"b.zip!in/x\", "
	                    "\"match\": \"ns:Rule\", \"engine\": \"yara\", \"sha256\": \"00\", "
	                    "\"size\": 68, \"time\": \"1970-01-01T00:00:00Z\"}");
	kh_buf_reset(&b);
	ev.type = KH_SCAN_EV_ERROR;
	ev.path = "big";
	ev.message = "too large";
	ev.limit = "max_scan_file_bytes";
	assert_int_equal(kh_scan_event_json(&ev, &b), KH_OK);
	assert_non_null(strstr(kh_buf_str(&b), "\"limit\": \"max_scan_file_bytes\""));
	kh_buf_reset(&b);
	assert_int_equal(kh_scan_summary_json(&sum, &b), KH_OK);
	assert_non_null(strstr(kh_buf_str(&b), "\"files\": 3, \"bytes\": 1000, \"seconds\": 0.500, "
	                                       "\"detections\": 1, \"errors\": 2"));
	kh_buf_cleanup(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashlist_formats),
		cmocka_unit_test(test_hashlist_errors),
		cmocka_unit_test(test_hashlist_alloc_failures),
		cmocka_unit_test(test_rules_load_and_save),
		cmocka_unit_test(test_rules_compile_error),
		cmocka_unit_test(test_eicar_everywhere),
		cmocka_unit_test(test_archive_limits),
		cmocka_unit_test(test_hash_engine),
		cmocka_unit_test(test_cache_rules),
		cmocka_unit_test(test_walk_tree),
		cmocka_unit_test(test_file_disappears),
		cmocka_unit_test(test_file_shrinks_while_mapped),
		cmocka_unit_test(test_file_rewritten_during_scan),
		cmocka_unit_test(test_quarantine_round_trip),
		cmocka_unit_test(test_json_lines),
	};

	for (size_t i = 0; i < 68; i++)
		eicar[i] = eicar_reversed[67 - i];
	kh_lang_set(KH_LANG_EN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
