/* file.c — reading and writing files safely: bounded, no symlinks unless asked, atomic. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khien/util.h"

enum kh_err
kh_fd_read_all(int fd, uint64_t max_bytes, const char *limit_name,
               const char *what, struct kh_buf **out, struct kh_diag *diag)
{
	struct kh_buf *buf = NULL;
	uint8_t chunk[65536];
	enum kh_err r;

	*out = NULL;
	if ((buf = kh_buf_new(max_bytes > SIZE_MAX - 1 ? SIZE_MAX - 1 : max_bytes)) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = kh_diag_set(diag, KH_EIO, what, 0, "read: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if ((r = kh_buf_append(buf, chunk, (size_t)n)) == KH_ELIMIT) {
			r = kh_diag_limit(diag, what, limit_name ? limit_name : "size",
			                  "file too large");
			goto out;
		} else if (r != KH_OK)
			goto out;
	}
	*out = buf;
	buf = NULL;
	r = KH_OK;
 out:
	kh_buf_free(buf);
	return r;
}

enum kh_err
kh_file_read(const char *path, uint64_t max_bytes, const char *limit_name,
             unsigned flags, struct kh_buf **out, struct kh_diag *diag)
{
	int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	struct stat st;
	enum kh_err r;
	int fd = -1;

	*out = NULL;
	if (!(flags & KH_FILE_FOLLOW))
		oflags |= O_NOFOLLOW;
	if ((fd = open(path, oflags)) < 0) {
		int e = errno;
		r = e == ENOENT ? KH_ENOENT : KH_EIO;
		if (e == ELOOP)
			r = kh_diag_set(diag, KH_EIO, path, 0,
			                "is a symbolic link (not followed)");
		else
			r = kh_diag_set(diag, r, path, 0, "%s", strerror(e));
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		r = kh_diag_set(diag, KH_EIO, path, 0, "stat: %s", strerror(errno));
		goto out;
	}
	/* FIFOs and devices could block or never end. */
	if (!S_ISREG(st.st_mode)) {
		r = kh_diag_set(diag, KH_EINVAL, path, 0, "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > max_bytes) {
		r = kh_diag_limit(diag, path, limit_name ? limit_name : "size",
		                  "file too large");
		goto out;
	}
	if ((r = kh_fd_read_all(fd, max_bytes, limit_name, path, out, diag)) != KH_OK)
		goto out;
	if ((*out)->len == 0 && !(flags & KH_FILE_ALLOW_EMPTY)) {
		kh_buf_free(*out);
		*out = NULL;
		r = kh_diag_set(diag, KH_ETRUNCATED, path, 0, "file is empty");
		goto out;
	}
	r = KH_OK;
 out:
	if (fd >= 0)
		close(fd);
	return r;
}

static enum kh_err
write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return KH_EIO;
		p += n;
		len -= (size_t)n;
	}
	return KH_OK;
}

enum kh_err
kh_file_write_atomic(const char *path, const void *data, size_t len,
                     unsigned mode, struct kh_diag *diag)
{
	char tmp[4096];
	enum kh_err r;
	int fd = -1;

	if (kh_snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) != KH_OK)
		return kh_diag_set(diag, KH_ETOO_LARGE, path, 0, "path too long");
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return kh_diag_set(diag, KH_EIO, path, 0, "create: %s", strerror(errno));
	if (fchmod(fd, (mode_t)mode) != 0 || write_all(fd, data, len) != KH_OK ||
	    fsync(fd) != 0) {
		r = kh_diag_set(diag, KH_EIO, path, 0, "write: %s", strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		r = kh_diag_set(diag, KH_EIO, path, 0, "close: %s", strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		r = kh_diag_set(diag, KH_EIO, path, 0, "rename: %s", strerror(errno));
		goto fail;
	}
	return KH_OK;
 fail:
	if (fd >= 0)
		close(fd);
	(void)unlink(tmp);
	return r;
}

enum kh_err
kh_mkdir_p(const char *path, unsigned mode, struct kh_diag *diag)
{
	char *copy;
	enum kh_err r = KH_OK;

	if ((copy = kh_strdup(path)) == NULL)
		return KH_ENOMEM;
	for (char *p = copy + 1; ; p++) {
		bool last = *p == '\0';
		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(copy, (mode_t)mode) != 0 && errno != EEXIST) {
			r = kh_diag_set(diag, KH_EIO, copy, 0, "mkdir: %s", strerror(errno));
			break;
		}
		if (last)
			break;
		*p = '/';
	}
	if (r == KH_OK) {
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			r = kh_diag_set(diag, KH_EIO, path, 0, "not a directory");
	}
	kh_free(copy);
	return r;
}

char *
kh_path_join(const char *a, const char *b)
{
	struct kh_buf buf;
	size_t alen = strlen(a);

	kh_buf_init(&buf, 0);
	while (alen > 1 && a[alen - 1] == '/')
		alen--;
	while (*b == '/')
		b++;
	if (kh_buf_append(&buf, a, alen) != KH_OK ||
	    (alen > 0 && a[alen - 1] != '/' && kh_buf_putc(&buf, '/') != KH_OK) ||
	    kh_buf_append_str(&buf, b) != KH_OK) {
		kh_buf_cleanup(&buf);
		return NULL;
	}
	return kh_buf_steal(&buf);
}
