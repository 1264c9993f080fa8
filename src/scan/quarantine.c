/*
 * quarantine.c — detected files moved into <data-dir>/quarantine: bytes
 * XORed with a keystream (they neither run nor match a scanner's patterns,
 * including YARA's single-byte `xor` modifier) as <id>.bin, metadata as
 * <id>.json. The copy is complete and synced before the original goes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khien/limits.h"
#include "scan_int.h"

#define CHUNK ((size_t)1 << 20)

/* xorshift64 keystream from a fixed seed: neutralises, does not encrypt. */
static void
xor_stream(uint8_t *p, size_t n, uint64_t offset)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t x = (offset + i) / 8 * 0x9E3779B97F4A7C15ULL + 0x4B68692EULL;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] ^= (uint8_t)(x >> (((offset + i) % 8) * 8));
	}
}

static bool
valid_id(const char *id)
{
	if (id == NULL || strlen(id) != KH_SCAN_QID_LEN)
		return false;
	for (size_t i = 0; i < KH_SCAN_QID_LEN; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return true;
}

static enum kh_err
entry_path(const char *dir, const char *id, const char *ext, char *out, size_t size)
{
	return kh_snprintf(out, size, "%s/%s%s", dir, id, ext);
}

static void
sync_dir_of(const char *path)
{
	char dir[4096];
	char *slash;
	int fd;

	kh_strlcpy(dir, path, sizeof(dir));
	if ((slash = strrchr(dir, '/')) == NULL)
		kh_strlcpy(dir, ".", sizeof(dir));
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

static bool
write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Copies src into dst XORed, hashing the original bytes. */
static enum kh_err
copy_neutralised(int src, int dst, uint8_t *buf, char sha_hex[65], uint64_t *size)
{
	struct kh_hash *h = NULL;
	uint8_t digest[32];
	enum kh_err r;

	*size = 0;
	if ((r = kh_hash_new(KH_HASH_SHA256, &h)) != KH_OK)
		return r;
	while (true) {
		ssize_t n = read(src, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = KH_EIO;
			goto out;
		}
		if (n == 0)
			break;
		if ((r = kh_hash_update(h, buf, (size_t)n)) != KH_OK)
			goto out;
		xor_stream(buf, (size_t)n, *size);
		*size += (uint64_t)n;
		if (!write_all(dst, buf, (size_t)n)) {
			r = KH_EIO;
			goto out;
		}
	}
	if ((r = kh_hash_final(h, digest)) == KH_OK)
		kh_hex_encode(digest, 32, sha_hex);
	if (r == KH_OK && fsync(dst) != 0)
		r = KH_EIO;
out:
	kh_hash_free(h);
	return r;
}

static enum kh_err
new_id(char id[KH_SCAN_QID_LEN + 1])
{
	uint8_t rnd[8];
	char hex[17];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return KH_EIO;
	kh_hex_encode(rnd, sizeof(rnd), hex);
	/* time first, so IDs sort in quarantine order */
	return kh_snprintf(id, KH_SCAN_QID_LEN + 1, "%08llx%s",
	                   (unsigned long long)time(NULL) & 0xffffffffULL, hex);
}

static enum kh_err
write_meta(const char *meta_path, const char *path, const char *match,
           const struct stat *st, const char *sha_hex, uint64_t size,
           struct kh_diag *diag)
{
	char *path_hex = kh_malloc(strlen(path) * 2 + 1);
	json_t *j = NULL;
	char *text = NULL;
	enum kh_err r = KH_ENOMEM;

	if (path_hex == NULL)
		goto out;
	kh_hex_encode((const uint8_t *)path, strlen(path), path_hex);
	j = json_pack("{s:s, s:s?, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	              "path_hex", path_hex,
	              "path", kh_utf8_valid(path, strlen(path)) ? path : NULL,
	              "match", kh_utf8_valid(match, strlen(match)) ? match : "?",
	              "sha256", sha_hex, "size", (json_int_t)size,
	              "uid", (json_int_t)st->st_uid, "gid", (json_int_t)st->st_gid,
	              "mode", (json_int_t)(st->st_mode & 07777),
	              "atime_ns", (json_int_t)(st->st_atim.tv_sec * 1000000000LL + st->st_atim.tv_nsec),
	              "mtime_ns", (json_int_t)(st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec),
	              "quarantined", (json_int_t)time(NULL));
	if (j == NULL || (text = json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(1))) == NULL)
		goto out;
	r = kh_file_write_atomic(meta_path, text, strlen(text), 0600, diag);
out:
	free(text); /* jansson's allocator */
	json_decref(j);
	kh_free(path_hex);
	return r;
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

enum kh_err
kh_scan_quarantine_file(const char *dir, const char *path, const char *match,
                        char id_out[KH_SCAN_QID_LEN + 1], struct kh_diag *diag)
{
	char bin[4096], tmp[4200], meta[4096], sha_hex[65];
	struct stat st, st2, now;
	uint8_t *buf = NULL;
	uint64_t size = 0;
	int src = -1, dst = -1;
	enum kh_err r;

	id_out[0] = '\0';
	if ((r = kh_mkdir_p(dir, 0700, diag)) != KH_OK || (r = new_id(id_out)) != KH_OK ||
	    (r = entry_path(dir, id_out, ".bin", bin, sizeof(bin))) != KH_OK ||
	    (r = entry_path(dir, id_out, ".json", meta, sizeof(meta))) != KH_OK ||
	    (r = kh_snprintf(tmp, sizeof(tmp), "%s.tmp", bin)) != KH_OK)
		goto out;
	if ((src = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0 ||
	    fstat(src, &st) != 0) {
		r = kh_diag_set(diag, KH_EIO, path, 0, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = kh_diag_set(diag, KH_EINVAL, path, 0, "%s", KH_MSG("not a regular file", "không phải tệp thường"));
		goto out;
	}
	if ((buf = kh_malloc(CHUNK)) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((dst = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		r = kh_diag_set(diag, KH_EIO, tmp, 0, "%s", strerror(errno));
		goto out;
	}
	if ((r = copy_neutralised(src, dst, buf, sha_hex, &size)) != KH_OK) {
		kh_diag_set(diag, r, path, 0, "%s", KH_MSG("copy failed", "sao chép thất bại"));
		goto out;
	}
	if (fstat(src, &st2) != 0 || !same_file(&st, &st2) || (uint64_t)st.st_size != size) {
		r = kh_diag_set(diag, KH_EIO, path, 0, "%s",
		                KH_MSG("file changed while being quarantined",
		                       "tệp thay đổi trong khi cách ly"));
		goto out;
	}
	if ((r = write_meta(meta, path, match, &st, sha_hex, size, diag)) != KH_OK)
		goto out;
	if (rename(tmp, bin) != 0) {
		r = kh_diag_set(diag, KH_EIO, bin, 0, "%s", strerror(errno));
		(void)unlink(meta);
		goto out;
	}
	sync_dir_of(bin);
	/* Only now, with the copy durable, the original goes — if it is still it. */
	if (lstat(path, &now) != 0 || !same_file(&st, &now) || unlink(path) != 0) {
		r = kh_diag_set(diag, KH_EIO, path, 0, "%s",
		                KH_MSG("copied to quarantine but the original could not be removed",
		                       "đã sao chép vào khu cách ly nhưng không xóa được tệp gốc"));
		goto out;
	}
	sync_dir_of(path);
	r = KH_OK;
out:
	if (dst >= 0) {
		close(dst);
		(void)unlink(tmp); /* gone already after the rename */
	}
	if (src >= 0)
		close(src);
	kh_free(buf);
	return r;
}

/* ---- reading entries ---------------------------------------------------------- */

static int64_t
int_member(json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

static enum kh_err
hex_decode_path(const char *hex, char **out)
{
	size_t n = strlen(hex);
	char *p;

	*out = NULL;
	if (n % 2 != 0 || (p = kh_malloc(n / 2 + 1)) == NULL)
		return n % 2 ? KH_EFORMAT : KH_ENOMEM;
	for (size_t i = 0; i < n; i += 2) {
		unsigned v;
		char pair[3] = { hex[i], hex[i + 1], 0 };
		char *end;
		v = (unsigned)strtoul(pair, &end, 16);
		if (*end != '\0' || v == 0) {
			kh_free(p);
			return KH_EFORMAT;
		}
		p[i / 2] = (char)v;
	}
	p[n / 2] = '\0';
	*out = p;
	return KH_OK;
}

static enum kh_err
read_meta(const char *dir, const char *id, struct kh_scan_qentry *e, struct kh_diag *diag)
{
	char meta[4096];
	struct kh_buf *raw = NULL;
	json_t *j = NULL;
	const char *s;
	enum kh_err r;

	memset(e, 0, sizeof(*e));
	kh_strlcpy(e->id, id, sizeof(e->id));
	if ((r = entry_path(dir, id, ".json", meta, sizeof(meta))) != KH_OK ||
	    (r = kh_file_read(meta, 1u << 20, NULL, 0, &raw, diag)) != KH_OK ||
	    (r = kh_json_parse(kh_buf_cur(raw), meta, &j, diag)) != KH_OK)
		goto out;
	r = kh_diag_set(diag, KH_EFORMAT, meta, 0, "%s", KH_MSG("bad quarantine record", "bản ghi cách ly hỏng"));
	if ((s = kh_json_str(j, "path_hex")) == NULL || hex_decode_path(s, &e->path) != KH_OK)
		goto out;
	if ((s = kh_json_str(j, "sha256")) == NULL || strlen(s) != 64)
		goto out;
	kh_strlcpy(e->sha256, s, sizeof(e->sha256));
	if ((e->match = kh_strdup(kh_json_str(j, "match") ? kh_json_str(j, "match") : "")) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if (int_member(j, "size") < 0 || int_member(j, "mode") < 0 || int_member(j, "uid") < 0)
		goto out;
	e->size = (uint64_t)int_member(j, "size");
	e->uid = (uid_t)int_member(j, "uid");
	e->gid = (gid_t)int_member(j, "gid");
	e->mode = (unsigned)int_member(j, "mode");
	e->atime_ns = int_member(j, "atime_ns");
	e->mtime_ns = int_member(j, "mtime_ns");
	e->quarantined = (time_t)int_member(j, "quarantined");
	kh_diag_clear(diag);
	r = KH_OK;
out:
	if (r != KH_OK) {
		kh_free(e->path);
		kh_free(e->match);
		e->path = e->match = NULL;
	}
	json_decref(j);
	kh_buf_free(raw);
	return r;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kh_scan_qentry *)a)->id, ((const struct kh_scan_qentry *)b)->id);
}

enum kh_err
kh_scan_quarantine_list(const char *dir, struct kh_scan_qentry **out, size_t *n_out,
                        struct kh_diag *diag)
{
	struct kh_scan_qentry *list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	enum kh_err r = KH_OK;
	DIR *d;

	*out = NULL;
	*n_out = 0;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? KH_OK : kh_diag_set(diag, KH_EIO, dir, 0, "%s", strerror(errno));
	while ((de = readdir(d)) != NULL) {
		char id[KH_SCAN_QID_LEN + 1];
		if (strlen(de->d_name) != KH_SCAN_QID_LEN + 5 || !kh_str_ends_with(de->d_name, ".json"))
			continue;
		memcpy(id, de->d_name, KH_SCAN_QID_LEN);
		id[KH_SCAN_QID_LEN] = '\0';
		if (!valid_id(id))
			continue;
		if (n == cap) {
			struct kh_scan_qentry *nl = kh_reallocarray(list, cap ? cap * 2 : 16, sizeof(*nl));
			if (nl == NULL) {
				r = KH_ENOMEM;
				break;
			}
			list = nl;
			cap = cap ? cap * 2 : 16;
		}
		if ((r = read_meta(dir, id, &list[n], diag)) != KH_OK) {
			break;
		}
		n++;
	}
	closedir(d);
	if (r != KH_OK) {
		kh_scan_qentries_free(list, n);
		return r;
	}
	if (n > 1)
		qsort(list, n, sizeof(*list), entry_cmp);
	*out = list;
	*n_out = n;
	return KH_OK;
}

void
kh_scan_qentries_free(struct kh_scan_qentry *entries, size_t n)
{
	for (size_t i = 0; entries != NULL && i < n; i++) {
		kh_free(entries[i].path);
		kh_free(entries[i].match);
	}
	if (n > 0)
		kh_free(entries);
}

/* ---- restore and delete ------------------------------------------------------- */

static enum kh_err
load_original(const char *dir, const struct kh_scan_qentry *e, struct kh_buf **out,
              struct kh_diag *diag)
{
	char bin[4096], hex[65];
	enum kh_err r;

	*out = NULL;
	if ((r = entry_path(dir, e->id, ".bin", bin, sizeof(bin))) != KH_OK ||
	    (r = kh_file_read(bin, e->size, NULL, KH_FILE_ALLOW_EMPTY, out, diag)) != KH_OK)
		return r;
	xor_stream((*out)->data, (*out)->len, 0);
	if ((r = kh_hash_hex(KH_HASH_SHA256, (*out)->data, (*out)->len, hex, sizeof(hex))) != KH_OK ||
	    strcmp(hex, e->sha256) != 0) {
		kh_buf_free(*out);
		*out = NULL;
		return kh_diag_set(diag, KH_EFORMAT, bin, 0, "%s",
		                   KH_MSG("quarantined bytes do not match their SHA-256",
		                          "dữ liệu cách ly không khớp SHA-256"));
	}
	return KH_OK;
}

/* Writes a temporary file beside the target with owner, mode and times, then
 * links it into place: link() never replaces an existing file. */
static enum kh_err
put_back(const struct kh_scan_qentry *e, const struct kh_buf *data, struct kh_diag *diag)
{
	struct timespec times[2] = {
		{ e->atime_ns / 1000000000LL, e->atime_ns % 1000000000LL },
		{ e->mtime_ns / 1000000000LL, e->mtime_ns % 1000000000LL },
	};
	char tmp[4200];
	enum kh_err r = KH_EIO;
	int fd;

	if (kh_snprintf(tmp, sizeof(tmp), "%s.khien-restore.XXXXXX", e->path) != KH_OK)
		return kh_diag_set(diag, KH_ETOO_LARGE, e->path, 0, "%s", kh_strerror(KH_ETOO_LARGE));
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return kh_diag_set(diag, KH_EIO, e->path, 0, "%s", strerror(errno));
	if (!write_all(fd, data->data, data->len)) {
		kh_diag_set(diag, KH_EIO, tmp, 0, "%s", strerror(errno));
		goto out;
	}
	if (fchown(fd, e->uid, e->gid) != 0 && (e->uid != geteuid() || errno != EPERM))
		kh_log_warn("%s: %s: %s", e->path, KH_MSG("owner not restored", "không khôi phục được chủ sở hữu"),
		            strerror(errno));
	if (fchmod(fd, e->mode & 07777) != 0 || futimens(fd, times) != 0 || fsync(fd) != 0) {
		kh_diag_set(diag, KH_EIO, tmp, 0, "%s", strerror(errno));
		goto out;
	}
	if (link(tmp, e->path) != 0) {
		kh_diag_set(diag, KH_EIO, e->path, 0, "%s", errno == EEXIST
		            ? KH_MSG("a file exists there already; not overwritten",
		                     "đã có tệp ở đó; không ghi đè") : strerror(errno));
		goto out;
	}
	r = KH_OK;
out:
	close(fd);
	(void)unlink(tmp);
	if (r == KH_OK)
		sync_dir_of(e->path);
	return r;
}

enum kh_err
kh_scan_quarantine_restore(const char *dir, const char *id, struct kh_diag *diag)
{
	struct kh_scan_qentry e;
	struct kh_buf *data = NULL;
	enum kh_err r;

	if (!valid_id(id))
		return kh_diag_set(diag, KH_EINVAL, id, 0, "%s", KH_MSG("not a quarantine ID", "không phải mã cách ly"));
	if ((r = read_meta(dir, id, &e, diag)) != KH_OK)
		return r;
	if ((r = load_original(dir, &e, &data, diag)) == KH_OK &&
	    (r = put_back(&e, data, diag)) == KH_OK)
		r = kh_scan_quarantine_delete(dir, id, diag);
	kh_buf_free(data);
	kh_free(e.path);
	kh_free(e.match);
	return r;
}

enum kh_err
kh_scan_quarantine_delete(const char *dir, const char *id, struct kh_diag *diag)
{
	char bin[4096], meta[4096];
	enum kh_err r;

	if (!valid_id(id))
		return kh_diag_set(diag, KH_EINVAL, id, 0, "%s", KH_MSG("not a quarantine ID", "không phải mã cách ly"));
	if ((r = entry_path(dir, id, ".bin", bin, sizeof(bin))) != KH_OK ||
	    (r = entry_path(dir, id, ".json", meta, sizeof(meta))) != KH_OK)
		return r;
	if (unlink(meta) != 0)
		return kh_diag_set(diag, errno == ENOENT ? KH_ENOENT : KH_EIO, meta, 0, "%s", strerror(errno));
	(void)unlink(bin);
	sync_dir_of(bin);
	return KH_OK;
}
