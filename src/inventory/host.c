/*
 * host.c — `collect`: reads os-release, hostname, architecture and every
 * package database present under a root into an inventory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "khien/inventory.h"
#include "khien/limits.h"

/* ---- reading files inside a root --------------------------------------- */

/*
 * Opens rel (no leading '/') under root_fd with every symlink resolved
 * inside the root, as if chrooted: an image's absolute link
 * /etc/os-release -> /usr/lib/os-release must not reach the host's file.
 * Kernels before 5.6 lack openat2: then links are not followed at all.
 */
static int
open_in_root(int root_fd, const char *rel, int flags)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(flags | O_CLOEXEC | O_NOCTTY);
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = openat(root_fd, rel, flags | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	return (int)fd;
}

struct root {
	int fd;
	const char *path; /* as given; "/" for the live host */
	bool live;
};

/* The path a user reads in messages: "<root>/<rel>". NULL on ENOMEM. */
static char *
shown_path(const struct root *root, const char *rel)
{
	return kh_path_join(root->path, rel);
}

/*
 * Reads a regular file under the root, bounded by a limit. KH_ENOENT when
 * it does not exist (no diag then); other failures fill diag.
 */
static enum kh_err
read_in_root(const struct root *root, const char *rel, enum kh_limit_id limit,
             const char *shown, struct kh_buf **out, struct kh_diag *diag)
{
	struct stat st;
	enum kh_err r;
	int fd;

	*out = NULL;
	if ((fd = open_in_root(root->fd, rel, O_RDONLY | O_NONBLOCK)) < 0) {
		if (errno == ENOENT)
			return KH_ENOENT;
		return kh_diag_set(diag, KH_EIO, shown, 0, "%s", strerror(errno));
	}
	if (fstat(fd, &st) != 0)
		r = kh_diag_set(diag, KH_EIO, shown, 0, "stat: %s", strerror(errno));
	else if (!S_ISREG(st.st_mode))
		r = kh_diag_set(diag, KH_EINVAL, shown, 0, "%s",
		                KH_MSG("not a regular file", "không phải tệp thông thường"));
	else if ((uint64_t)st.st_size > kh_limit(limit))
		r = kh_diag_limit(diag, shown, kh_limit_name(limit), "file too large");
	else
		r = kh_fd_read_all(fd, kh_limit(limit), kh_limit_name(limit), shown, out, diag);
	close(fd);
	return r;
}

static bool
dir_in_root(const struct root *root, const char *rel)
{
	int fd = open_in_root(root->fd, rel, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool
file_in_root(const struct root *root, const char *rel)
{
	struct stat st;
	int fd = open_in_root(root->fd, rel, O_RDONLY | O_NONBLOCK);
	bool ok;

	if (fd < 0)
		return false;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	return ok;
}

/* ---- collecting --------------------------------------------------------- */

typedef enum kh_err (*parse_fn)(struct kh_cur text, const char *file,
                                struct kh_inventory *inv, struct kh_diag *diag);

/*
 * Reads one database file and parses it. A missing file is not a problem
 * (*found false); an unreadable one is an error entry. Only ENOMEM fails.
 */
static enum kh_err
collect_file(const struct root *root, const char *rel, enum kh_limit_id limit,
             parse_fn parse, struct kh_inventory *inv, bool *found)
{
	struct kh_buf *raw = NULL;
	struct kh_diag diag;
	char *shown = NULL;
	enum kh_err r;

	*found = false;
	if ((shown = shown_path(root, rel)) == NULL)
		return KH_ENOMEM;
	kh_diag_clear(&diag);
	r = read_in_root(root, rel, limit, shown, &raw, &diag);
	if (r == KH_ENOENT) {
		r = KH_OK;
		goto out;
	}
	*found = true;
	if (r == KH_ENOMEM)
		goto out;
	if (r != KH_OK) {
		r = kh_inventory_add_diag(inv, r, &diag);
		goto out;
	}
	r = parse(kh_buf_cur(raw), shown, inv, NULL);
	if (r != KH_ENOMEM)
		r = KH_OK; /* problems are already entries */
 out:
	kh_buf_free(raw);
	kh_free(shown);
	return r;
}

/* os-release(5): /etc/os-release takes precedence over /usr/lib/os-release. */
static enum kh_err
collect_os_release(const struct root *root, struct kh_inventory *inv)
{
	static const char *const paths[] = { "etc/os-release", "usr/lib/os-release" };
	enum kh_err r;
	bool found;

	for (size_t i = 0; i < 2; i++) {
		r = collect_file(root, paths[i], KH_LIMIT_max_os_release_bytes,
		                 kh_inventory_parse_os_release, inv, &found);
		if (r != KH_OK || found)
			return r;
	}
	return kh_inventory_add_error(inv, root->path, 0, KH_ENOENT, "%s",
	                              KH_MSG("no os-release file (/etc/os-release, "
	                                     "/usr/lib/os-release): the OS is unknown",
	                                     "không có tệp os-release (/etc/os-release, "
	                                     "/usr/lib/os-release): không rõ hệ điều hành"));
}

/* RFC 1123 host names: letters, digits, '-' and '.', at most 253 bytes. */
static bool
hostname_valid(const struct kh_cur *c)
{
	if (c->len == 0 || c->len > 253)
		return false;
	for (size_t i = 0; i < c->len; i++) {
		uint8_t ch = c->p[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_'))
			return false;
	}
	return true;
}

/* Live host: gethostname(); a root: the first line of <root>/etc/hostname. */
static enum kh_err
collect_hostname(const struct root *root, struct kh_inventory *inv)
{
	struct kh_buf *raw = NULL;
	struct kh_cur text, line;
	char name[HOST_NAME_MAX + 1];
	char *shown = NULL;
	enum kh_err r = KH_OK;

	if (root->live) {
		if (gethostname(name, sizeof(name)) != 0)
			return KH_OK; /* unknown, not wrong */
		name[sizeof(name) - 1] = '\0';
		text = kh_cur_from_str(name);
		return hostname_valid(&text) && (inv->os.hostname = kh_strdup(name)) == NULL
		           ? KH_ENOMEM : KH_OK;
	}
	if ((shown = shown_path(root, "etc/hostname")) == NULL)
		return KH_ENOMEM;
	if (read_in_root(root, "etc/hostname", KH_LIMIT_max_line_bytes, shown, &raw,
	                 NULL) != KH_OK)
		goto out; /* absent or unreadable: the name is unknown */
	text = kh_buf_cur(raw);
	if (!kh_cur_get_line(&text, 253, &line, NULL))
		goto out;
	kh_cur_trim(&line);
	if (!hostname_valid(&line)) {
		r = kh_inventory_add_error(inv, shown, 1, KH_EFORMAT, "%s",
		                           KH_MSG("not a valid host name",
		                                  "tên máy không hợp lệ"));
		goto out;
	}
	if ((inv->os.hostname = kh_cur_dup(&line)) == NULL)
		r = KH_ENOMEM;
 out:
	kh_buf_free(raw);
	kh_free(shown);
	return r;
}

/* The architecture of an installed package of this type, or NULL. */
static const char *
pkg_arch(const struct kh_inventory *inv, enum kh_inventory_type type,
         const char *name)
{
	for (size_t i = 0; i < inv->n_pkgs; i++)
		if (inv->pkgs[i].type == type && strcmp(inv->pkgs[i].name, name) == 0)
			return inv->pkgs[i].arch;
	return NULL;
}

/* First line of <root>/etc/apk/arch (Alpine writes its native arch there). */
static char *
apk_arch(const struct root *root)
{
	struct kh_buf *raw = NULL;
	struct kh_cur text, line;
	char *arch = NULL;

	if (read_in_root(root, "etc/apk/arch", KH_LIMIT_max_line_bytes, "etc/apk/arch",
	                 &raw, NULL) != KH_OK)
		return NULL;
	text = kh_buf_cur(raw);
	if (kh_cur_get_line(&text, 64, &line, NULL)) {
		kh_cur_trim(&line);
		if (hostname_valid(&line)) /* same alphabet: [A-Za-z0-9._-] */
			arch = kh_cur_dup(&line);
	}
	kh_buf_free(raw);
	return arch;
}

/*
 * The architecture in the distribution's own words: the native arch of
 * the package manager itself (dpkg's package is always native, as is
 * rpm's), Alpine's etc/apk/arch, else on the live host uname's machine
 * mapped for the family found. Under a root with none of these: unknown.
 */
static enum kh_err
collect_arch(const struct root *root, struct kh_inventory *inv, bool has_deb,
             bool has_rpm, bool has_apk)
{
	enum kh_inventory_type family = has_deb ? KH_INVENTORY_DEB
	                                : has_apk ? KH_INVENTORY_APK : KH_INVENTORY_RPM;
	const char *arch = NULL;
	struct utsname un;

	if (has_deb)
		arch = pkg_arch(inv, KH_INVENTORY_DEB, "dpkg");
	if (arch == NULL && has_rpm)
		arch = pkg_arch(inv, KH_INVENTORY_RPM, "rpm");
	if (arch == NULL && has_apk) {
		if ((inv->os.arch = apk_arch(root)) != NULL)
			return KH_OK;
	}
	if (arch == NULL && root->live && uname(&un) == 0)
		arch = kh_inventory_arch_from_machine(family, un.machine);
	if (arch == NULL)
		return KH_OK;
	return (inv->os.arch = kh_strdup(arch)) == NULL ? KH_ENOMEM : KH_OK;
}

/* The kernel running is known only for the live host. */
static enum kh_err
collect_kernel(const struct root *root, struct kh_inventory *inv)
{
	struct utsname un;

	if (!root->live || uname(&un) != 0)
		return KH_OK;
	return (inv->os.kernel = kh_strdup(un.release)) == NULL ? KH_ENOMEM : KH_OK;
}

/*
 * rpm keeps its database in /usr/lib/sysimage/rpm (rpm >= 4.16, Fedora 36+,
 * openSUSE) or /var/lib/rpm; a directory counts only with a database file
 * in it (sqlite, Berkeley DB or ndb), so an empty one left by tools is not
 * taken for a system.
 */
static const char *
find_rpm_dbpath(const struct root *root)
{
	static const char *const dirs[] = { "usr/lib/sysimage/rpm", "var/lib/rpm" };
	static const char *const files[] = { "rpmdb.sqlite", "Packages", "Packages.db" };
	char rel[128];

	for (size_t d = 0; d < 2; d++) {
		if (!dir_in_root(root, dirs[d]))
			continue;
		for (size_t f = 0; f < 3; f++)
			if (kh_snprintf(rel, sizeof(rel), "%s/%s", dirs[d], files[f]) == KH_OK &&
			    file_in_root(root, rel))
				return dirs[d];
	}
	return NULL;
}

static enum kh_err
collect_packages(const struct root *root, const struct kh_inventory_options *opts,
                 struct kh_inventory *inv)
{
	const char *rpm_dir;
	char dbpath[64];
	bool has_deb, has_apk, has_apk_usr = false;
	enum kh_err r;

	if ((r = collect_file(root, "var/lib/dpkg/status", KH_LIMIT_max_dpkg_status_bytes,
	                      kh_inventory_parse_dpkg_status, inv, &has_deb)) != KH_OK)
		return r;
	if ((r = collect_file(root, "lib/apk/db/installed", KH_LIMIT_max_apk_db_bytes,
	                      kh_inventory_parse_apk_db, inv, &has_apk)) != KH_OK)
		return r;
	/* apk-tools 3 may keep it under /usr (merged-usr Alpine). */
	if (!has_apk &&
	    (r = collect_file(root, "usr/lib/apk/db/installed", KH_LIMIT_max_apk_db_bytes,
	                      kh_inventory_parse_apk_db, inv, &has_apk_usr)) != KH_OK)
		return r;
	has_apk = has_apk || has_apk_usr;
	if ((rpm_dir = find_rpm_dbpath(root)) != NULL) {
		if ((r = kh_snprintf(dbpath, sizeof(dbpath), "/%s", rpm_dir)) != KH_OK)
			return r;
		r = kh_inventory_collect_rpm(root->path, dbpath, opts->rpm_tool,
		                             opts->rpm_timeout_ms, inv, NULL);
		if (r == KH_ENOMEM)
			return r;
	}
	return collect_arch(root, inv, has_deb, rpm_dir != NULL, has_apk);
}

/* True when path names the root directory of this process's namespace. */
static bool
is_live_root(const char *path)
{
	char *real = realpath(path, NULL);
	bool live = real != NULL && strcmp(real, "/") == 0;

	free(real); /* realpath allocates with malloc */
	return live;
}

enum kh_err
kh_inventory_collect(const struct kh_inventory_options *opts,
                     struct kh_inventory **out, struct kh_diag *diag)
{
	struct kh_inventory *inv = NULL;
	struct root root = { .fd = -1, .path = "/" };
	enum kh_err r;

	*out = NULL;
	if (opts != NULL && opts->root != NULL && opts->root[0] != '\0')
		root.path = opts->root;
	root.live = is_live_root(root.path);
	if ((root.fd = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		r = kh_diag_set(diag, KH_EIO, root.path, 0, "%s", strerror(errno));
		goto out;
	}
	r = KH_ENOMEM;
	if ((inv = kh_inventory_new()) == NULL || (inv->root = kh_strdup(root.path)) == NULL)
		goto out;
	inv->collected_at = time(NULL);
	if ((r = collect_os_release(&root, inv)) != KH_OK ||
	    (r = collect_kernel(&root, inv)) != KH_OK ||
	    (r = collect_hostname(&root, inv)) != KH_OK ||
	    (r = collect_packages(&root, opts != NULL ? opts : &(struct kh_inventory_options){ 0 },
	                          inv)) != KH_OK)
		goto out;
	kh_inventory_sort(inv);
	*out = inv;
	inv = NULL;
	r = KH_OK;
 out:
	if (r == KH_ENOMEM)
		(void)kh_diag_set(diag, r, NULL, 0, "%s", kh_strerror(r));
	if (root.fd >= 0)
		close(root.fd);
	kh_inventory_free(inv);
	return r;
}
