/*
 * rpm_db.c — installed packages from an rpm database, read through the
 * rpm tool (`rpm -qa --queryformat`): run without a shell, bounded in
 * output and time, its output parsed line by line.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "khien/inventory.h"
#include "inventory_int.h"
#include "khien/limits.h"

/* ---- source rpm names ---------------------------------------------------- */

/* Splits at the last '-' of [p, p+len): the part after must be non-empty. */
static bool
split_last_dash(const char *p, size_t len, size_t *dash)
{
	for (size_t i = len; i > 0; i--)
		if (p[i - 1] == '-') {
			*dash = i - 1;
			return *dash > 0 && *dash + 1 < len;
		}
	return false;
}

/*
 * rpm names source packages NAME-VERSION-RELEASE.src.rpm (or .nosrc.rpm
 * when sources are left out); neither VERSION nor RELEASE contains '-'.
 */
enum kh_err
kh_inventory_split_srpm(const char *srpm, char **name, char **version_release)
{
	size_t len = strlen(srpm), rel_dash, ver_dash;

	*name = *version_release = NULL;
	if (kh_str_ends_with(srpm, ".nosrc.rpm"))
		len -= strlen(".nosrc.rpm");
	else if (kh_str_ends_with(srpm, ".src.rpm"))
		len -= strlen(".src.rpm");
	else
		return KH_EFORMAT;
	if (!split_last_dash(srpm, len, &rel_dash) ||
	    !split_last_dash(srpm, rel_dash, &ver_dash))
		return KH_EFORMAT;
	if ((*name = kh_strndup(srpm, ver_dash)) == NULL ||
	    (*version_release = kh_strndup(srpm + ver_dash + 1, len - ver_dash - 1)) == NULL) {
		kh_free(*name);
		*name = NULL;
		return KH_ENOMEM;
	}
	return KH_OK;
}

/* ---- the tool's output --------------------------------------------------- */

enum { R_NAME, R_EPOCH, R_VERSION, R_RELEASE, R_ARCH, R_SRPM, R_COUNT };

/* Printable ASCII without blanks: what rpm allows in these tags. */
static bool
token_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s >= 0x7f)
			return false;
	return true;
}

static bool
none(const char *s)
{
	return strcmp(s, "(none)") == 0;
}

/* Binary version "[E:]V-R"; the source gets the binary's epoch (one spec). */
static void
emit(struct inv_parse *ps, long lineno, char **f)
{
	struct kh_inventory_pkg pkg = { .type = KH_INVENTORY_RPM };
	char *version = NULL, *src = NULL, *src_vr = NULL, *src_version = NULL;
	struct kh_buf b;
	struct kh_diag d;
	bool epoch = !none(f[R_EPOCH]);
	enum kh_err r;

	kh_diag_clear(&d);
	kh_buf_init(&b, 0);
	if ((r = kh_buf_printf(&b, "%s%s%s-%s", epoch ? f[R_EPOCH] : "", epoch ? ":" : "",
	                       f[R_VERSION], f[R_RELEASE])) != KH_OK ||
	    (version = kh_buf_steal(&b)) == NULL)
		goto out;
	if (none(f[R_SRPM])) {
		/* No source rpm recorded: the package is its own source. */
		src = kh_strdup(f[R_NAME]);
		src_version = kh_strdup(version);
		r = src == NULL || src_version == NULL ? KH_ENOMEM : KH_OK;
	} else if ((r = kh_inventory_split_srpm(f[R_SRPM], &src, &src_vr)) == KH_OK) {
		r = kh_buf_printf(&b, "%s%s%s", epoch ? f[R_EPOCH] : "", epoch ? ":" : "", src_vr);
		if (r == KH_OK && (src_version = kh_buf_steal(&b)) == NULL)
			r = KH_ENOMEM;
	} else if (r == KH_EFORMAT) {
		inv_problem(ps, lineno, KH_EFORMAT, "%s: '%s'",
		        KH_MSG("not a source rpm name", "không phải tên gói nguồn rpm"), f[R_SRPM]);
		goto out;
	}
	if (r != KH_OK)
		goto out;
	pkg.name = f[R_NAME];
	pkg.version = version;
	pkg.arch = f[R_ARCH];
	pkg.source = src;
	pkg.source_version = src_version;
	if ((r = kh_inventory_add_pkg(ps->inv, &pkg, &d)) == KH_ELIMIT) {
		inv_problem(ps, lineno, KH_ELIMIT, "%s", d.msg);
		ps->stop = true;
	}
 out:
	if (r == KH_ENOMEM)
		ps->nomem = true;
	kh_buf_cleanup(&b);
	kh_free(version);
	kh_free(src);
	kh_free(src_vr);
	kh_free(src_version);
}

static void
parse_line(struct inv_parse *ps, struct kh_cur line, long lineno)
{
	char *f[R_COUNT] = { 0 };
	struct kh_cur part;
	int n = 0;

	while (n < R_COUNT && kh_cur_take_until(&line, '\t', &part))
		if ((f[n++] = kh_cur_dup(&part)) == NULL) {
			ps->nomem = true;
			goto out;
		}
	if (n != R_COUNT || !kh_cur_empty(&line)) {
		inv_problem(ps, lineno, KH_EFORMAT, "%s",
		        KH_MSG("expected 6 tab-separated fields", "cần 6 trường cách nhau bởi tab"));
		goto out;
	}
	for (int i = 0; i < R_COUNT; i++)
		if (!token_ok(f[i])) {
			inv_problem(ps, lineno, KH_EFORMAT, "%s %d",
			        KH_MSG("empty or invalid field", "trường rỗng hoặc không hợp lệ"), i + 1);
			goto out;
		}
	/* Imported signing keys are listed as gpg-pubkey: not software. */
	if (strcmp(f[R_NAME], "gpg-pubkey") == 0 && none(f[R_ARCH]))
		goto out;
	if (none(f[R_ARCH]) || none(f[R_VERSION]) || none(f[R_RELEASE])) {
		inv_problem(ps, lineno, KH_EFORMAT, "%s %s",
		        KH_MSG("missing version or architecture for", "thiếu phiên bản hoặc kiến trúc của"),
		        f[R_NAME]);
		goto out;
	}
	emit(ps, lineno, f);
 out:
	for (int i = 0; i < R_COUNT; i++)
		kh_free(f[i]);
}

enum kh_err
kh_inventory_parse_rpm_output(struct kh_cur text, const char *file,
                              struct kh_inventory *inv, struct kh_diag *diag)
{
	struct inv_parse ps = { .inv = inv, .file = file, .diag = diag };
	struct kh_cur line;
	long lineno = 0;
	bool too_long;

	kh_diag_clear(diag);
	while (!ps.nomem && !ps.stop) {
		bool got = kh_cur_get_line(&text, KH_LIMIT(max_line_bytes), &line, &too_long);
		if (!got && !too_long)
			break;
		lineno++;
		if (too_long)
			inv_problem(&ps, lineno, KH_ELIMIT, "line: limit max_line_bytes (%llu) exceeded",
			        (unsigned long long)KH_LIMIT(max_line_bytes));
		else if (!kh_cur_no_nul(&line))
			inv_problem(&ps, lineno, KH_EFORMAT, "%s",
			        KH_MSG("binary data (NUL byte)", "dữ liệu nhị phân (byte NUL)"));
		else if (line.len > 0)
			parse_line(&ps, line, lineno);
	}
	return ps.nomem ? KH_ENOMEM : ps.first;
}

/* ---- running the tool ---------------------------------------------------- */

struct child {
	pid_t pid;
	int out_fd, err_fd;
};

/*
 * Starts rpm with stdout and stderr on pipes and stdin on /dev/null, in a
 * minimal environment (no user macros change what is read; messages in C).
 */
static int
spawn_rpm(const char *tool, char *const argv[], struct child *ch)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, rc;
	posix_spawn_file_actions_t fa;
	char path_env[4096] = "PATH=/usr/bin:/bin:/usr/sbin:/sbin";
	const char *path = getenv("PATH");
	char *envp[] = { path_env, (char *)"LC_ALL=C", (char *)"HOME=/nonexistent", NULL };

	if (path != NULL)
		(void)snprintf(path_env, sizeof(path_env), "PATH=%s", path);
	if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
		rc = errno;
		goto fail;
	}
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		goto fail;
	(void)posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	(void)posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	(void)posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	rc = posix_spawnp(&ch->pid, tool, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		goto fail;
	close(out[1]);
	close(err[1]);
	ch->out_fd = out[0];
	ch->err_fd = err[0];
	return 0;
 fail:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	return rc;
}

/* Appends what one read gives; false at end of file or on error. */
static bool
drain(int fd, struct kh_buf *b, bool *over_limit)
{
	char chunk[65536];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	if (kh_buf_append(b, chunk, (size_t)n) != KH_OK)
		*over_limit = true;
	return true;
}

enum run_result { RUN_OK, RUN_TIMEOUT, RUN_TOO_LARGE };

/* Reads both pipes until the child closes them, the deadline or the limit. */
static enum run_result
read_child(struct child *ch, int timeout_ms, struct kh_buf *out, struct kh_buf *err)
{
	uint64_t deadline = kh_time_mono_ns() + (uint64_t)timeout_ms * 1000000u;
	struct pollfd pfd[2] = { { ch->out_fd, POLLIN, 0 }, { ch->err_fd, POLLIN, 0 } };
	bool over = false, err_over = false;

	while ((pfd[0].fd >= 0 || pfd[1].fd >= 0) && !over) {
		uint64_t now = kh_time_mono_ns();
		if (now >= deadline)
			return RUN_TIMEOUT;
		if (poll(pfd, 2, (int)((deadline - now) / 1000000u) + 1) < 0 && errno != EINTR)
			return RUN_TIMEOUT;
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			if (!drain(pfd[i].fd, i == 0 ? out : err, i == 0 ? &over : &err_over))
				pfd[i].fd = -1; /* stderr past its cap is just cut */
		}
	}
	return over ? RUN_TOO_LARGE : RUN_OK;
}

/* The first line of rpm's stderr, for the error message. */
static void
first_line(const struct kh_buf *err, char *out, size_t size)
{
	struct kh_cur c = kh_buf_cur(err), line;

	out[0] = '\0';
	if (kh_cur_get_line(&c, size - 1, &line, NULL))
		(void)snprintf(out, size, "%.*s", (int)line.len, (const char *)line.p);
}

static void
report_exit(struct inv_parse *ps, enum run_result rr, int status, int timeout_ms,
            const struct kh_buf *err)
{
	char why[512];

	first_line(err, why, sizeof(why));
	if (rr == RUN_TIMEOUT)
		inv_problem(ps, 0, KH_EIO, "%s (%d ms)",
		        KH_MSG("rpm did not finish in time", "rpm không chạy xong kịp thời gian"),
		        timeout_ms);
	else if (rr == RUN_TOO_LARGE)
		inv_problem(ps, 0, KH_ELIMIT, "rpm output: limit max_rpm_output_bytes (%llu) exceeded",
		        (unsigned long long)KH_LIMIT(max_rpm_output_bytes));
	else if (WIFSIGNALED(status))
		inv_problem(ps, 0, KH_EIO, "%s %d", KH_MSG("rpm killed by signal", "rpm bị dừng bởi tín hiệu"),
		        WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		inv_problem(ps, 0, KH_EIO, "%s %d: %s",
		        KH_MSG("rpm exited with status", "rpm kết thúc với mã"),
		        WEXITSTATUS(status), why);
}

/* Runs the tool and waits; a kill on timeout or overflow. */
static enum kh_err
run_rpm(struct inv_parse *ps, const char *tool, char *const argv[], int timeout_ms,
        struct kh_buf *out)
{
	struct child ch = { .pid = -1, .out_fd = -1, .err_fd = -1 };
	struct kh_buf err;
	enum run_result rr;
	int rc, status = 0;

	if ((rc = spawn_rpm(tool, argv, &ch)) != 0) {
		inv_problem(ps, 0, rc == ENOENT ? KH_ENOENT : KH_EIO, "%s '%s': %s",
		        KH_MSG("an rpm database is present but the rpm tool could not be run",
		               "có cơ sở dữ liệu rpm nhưng không chạy được công cụ rpm"),
		        tool, strerror(rc));
		return KH_OK;
	}
	kh_buf_init(&err, 4096);
	rr = read_child(&ch, timeout_ms, out, &err);
	if (rr != RUN_OK)
		(void)kill(ch.pid, SIGKILL);
	close(ch.out_fd);
	close(ch.err_fd);
	while (waitpid(ch.pid, &status, 0) < 0 && errno == EINTR)
		;
	report_exit(ps, rr, status, timeout_ms, &err);
	kh_buf_cleanup(&err);
	return KH_OK;
}

enum kh_err
kh_inventory_collect_rpm(const char *root, const char *dbpath, const char *rpm_tool,
                         int timeout_ms, struct kh_inventory *inv, struct kh_diag *diag)
{
	char *file = kh_path_join(root, dbpath);
	struct inv_parse ps = { .inv = inv, .file = file, .diag = diag };
	const char *tool = rpm_tool != NULL ? rpm_tool : "rpm";
	char *argv[] = { (char *)tool, (char *)"--root", (char *)root, (char *)"--dbpath",
		         (char *)dbpath, (char *)"-qa", (char *)"--queryformat",
		         (char *)KH_INVENTORY_RPM_QUERYFORMAT, NULL };
	struct kh_buf out;
	enum kh_err r;

	kh_diag_clear(diag);
	if (file == NULL)
		return KH_ENOMEM;
	kh_buf_init(&out, KH_LIMIT(max_rpm_output_bytes));
	(void)run_rpm(&ps, tool, argv, timeout_ms > 0 ? timeout_ms : 120000, &out);
	/* Whatever rpm printed is kept; a failure above already marks it partial. */
	r = kh_inventory_parse_rpm_output(kh_buf_cur(&out), file, inv,
	                                  ps.first == KH_OK ? diag : NULL);
	kh_buf_cleanup(&out);
	kh_free(file);
	if (ps.nomem || r == KH_ENOMEM)
		return KH_ENOMEM;
	return ps.first != KH_OK ? ps.first : r;
}
