/*
 * test_inventory.c — host inventory: dpkg/apk/rpm/os-release parsers on real
 * and broken databases, dpkg-query as an oracle, collect under a root, JSON.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khien/inventory.h"
#include "khien/limits.h"

/* ---- helpers --------------------------------------------------------------- */

static char *
fixture(const char *rel)
{
	const char *dir = getenv("KHIEN_FIXTURES");
	char *path;

	assert_non_null(dir);
	path = kh_path_join(dir, rel);
	assert_non_null(path);
	return path;
}

static struct kh_buf *
read_fixture(const char *rel)
{
	char *path = fixture(rel);
	struct kh_buf *buf = NULL;

	assert_int_equal(kh_file_read(path, 1u << 26, NULL, KH_FILE_FOLLOW | KH_FILE_ALLOW_EMPTY,
	                              &buf, NULL),
	                 KH_OK);
	kh_free(path);
	return buf;
}

typedef enum kh_err (*parse_fn)(struct kh_cur, const char *, struct kh_inventory *,
                                struct kh_diag *);

/* Parses a fixture file with one parser into a new, sorted inventory. */
static struct kh_inventory *
parse_fixture(parse_fn parse, const char *rel, enum kh_err want)
{
	struct kh_inventory *inv = kh_inventory_new();
	struct kh_buf *buf = read_fixture(rel);
	struct kh_diag diag;

	assert_non_null(inv);
	assert_int_equal(parse(kh_buf_cur(buf), rel, inv, &diag), want);
	kh_inventory_sort(inv);
	kh_buf_free(buf);
	return inv;
}

static const struct kh_inventory_pkg *
find_pkg(const struct kh_inventory *inv, const char *name, const char *arch)
{
	for (size_t i = 0; i < inv->n_pkgs; i++)
		if (strcmp(inv->pkgs[i].name, name) == 0 &&
		    (arch == NULL || strcmp(inv->pkgs[i].arch, arch) == 0))
			return &inv->pkgs[i];
	return NULL;
}

static bool
has_error(const struct kh_inventory *inv, long line, enum kh_err err, const char *text)
{
	for (size_t i = 0; i < inv->n_errors; i++)
		if ((line < 0 || inv->errors[i].line == line) && inv->errors[i].err == err &&
		    strstr(inv->errors[i].message, text) != NULL)
			return true;
	return false;
}

/* "name\tversion\tarch\tsource\tsource_version\n" per package, in order. */
static char *
pkg_lines(const struct kh_inventory *inv, enum kh_inventory_type type)
{
	struct kh_buf b;

	kh_buf_init(&b, 0);
	for (size_t i = 0; i < inv->n_pkgs; i++) {
		const struct kh_inventory_pkg *p = &inv->pkgs[i];
		if (p->type == type)
			assert_int_equal(kh_buf_printf(&b, "%s\t%s\t%s\t%s\t%s\n", p->name, p->version,
			                               p->arch, p->source, p->source_version),
			                 KH_OK);
	}
	return kh_buf_steal(&b);
}

/* Runs a command, returns its stdout sorted by `sort` (LC_ALL=C). */
static char *
run_sorted(const char *cmd)
{
	char full[2048], chunk[4096];
	struct kh_buf b;
	FILE *f;
	size_t n;

	assert_true(snprintf(full, sizeof(full), "(%s) | LC_ALL=C sort", cmd) < (int)sizeof(full));
	assert_non_null(f = popen(full, "r"));
	kh_buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(kh_buf_append(&b, chunk, n), KH_OK);
	assert_int_equal(pclose(f), 0);
	return kh_buf_steal(&b);
}

/* Our lines re-sorted the same way as the oracle's. */
static char *
sorted_text(const char *text)
{
	char path[] = "/tmp/khien-inv-XXXXXX", cmd[128];
	int fd = mkstemp(path);
	char *out;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	(void)snprintf(cmd, sizeof(cmd), "cat %s", path);
	out = run_sorted(cmd);
	unlink(path);
	return out;
}

/* ---- dpkg ------------------------------------------------------------------ */

static void
test_dpkg_fixture(void **state)
{
	struct kh_inventory *inv;
	const struct kh_inventory_pkg *p;

	(void)state;
	inv = parse_fixture(kh_inventory_parse_dpkg_status,
	                    "inventory/root-debian/var/lib/dpkg/status", KH_OK);
	assert_int_equal(inv->n_errors, 0);
	/* 13 paragraphs: config-files and not-installed ones are not listed. */
	assert_int_equal(inv->n_pkgs, 11);
	assert_null(find_pkg(inv, "nginx-common", NULL));
	assert_null(find_pkg(inv, "apache2-data", NULL));
	/* Multi-Arch: same: once per architecture. */
	assert_non_null(p = find_pkg(inv, "libc6", "amd64"));
	assert_string_equal(p->source, "glibc");
	assert_string_equal(p->source_version, "2.36-9+deb12u4");
	assert_non_null(find_pkg(inv, "libc6", "i386"));
	/* binNMU: the binary version differs from the source's. */
	assert_non_null(p = find_pkg(inv, "libsqlite3-0", NULL));
	assert_string_equal(p->version, "3.40.1-2+b1");
	assert_string_equal(p->source, "sqlite3");
	assert_string_equal(p->source_version, "3.40.1-2");
	/* No Source field: its own source. Epochs are kept. */
	assert_non_null(p = find_pkg(inv, "tzdata", NULL));
	assert_string_equal(p->source, "tzdata");
	assert_string_equal(p->source_version, "2024a-0+deb12u1");
	assert_string_equal(find_pkg(inv, "zlib1g", NULL)->version, "1:1.2.13.dfsg-1");
	/* Files on disk but not configured: listed, with their state. */
	assert_string_equal(find_pkg(inv, "curl", NULL)->status, "unpacked");
	assert_string_equal(find_pkg(inv, "openssh-server", NULL)->status, "half-configured");
	assert_string_equal(find_pkg(inv, "man-db", NULL)->status, "triggers-pending");
	/* Sorted by (type, name, arch). */
	assert_string_equal(inv->pkgs[0].name, "base-files");
	assert_string_equal(inv->pkgs[3].name, "libc6");
	assert_string_equal(inv->pkgs[3].arch, "amd64");
	assert_string_equal(inv->pkgs[4].arch, "i386");
	kh_inventory_free(inv);
}

#define DPKG_QUERY_FMT                                                                     \
	"dpkg-query --admindir=%s -W -f='${db:Status-Status}\\t${Package}\\t${Version}\\t"   \
	"${Architecture}\\t${source:Package}\\t${source:Version}\\n' | "                    \
	"awk -F'\\t' '$1 != \"config-files\" && $1 != \"not-installed\"' | cut -f2-"

/* Oracle: dpkg-query lists exactly our packages, field for field. */
static void
dpkg_oracle(const char *admindir, const char *status_path)
{
	struct kh_inventory *inv = kh_inventory_new();
	struct kh_buf *buf = NULL;
	char cmd[1024], *ours, *ours_sorted, *theirs;

	assert_int_equal(kh_file_read(status_path, 1u << 30, NULL, KH_FILE_ALLOW_EMPTY, &buf, NULL),
	                 KH_OK);
	assert_int_equal(kh_inventory_parse_dpkg_status(kh_buf_cur(buf), status_path, inv, NULL),
	                 KH_OK);
	assert_true(snprintf(cmd, sizeof(cmd), DPKG_QUERY_FMT, admindir) < (int)sizeof(cmd));
	theirs = run_sorted(cmd);
	ours = pkg_lines(inv, KH_INVENTORY_DEB);
	ours_sorted = sorted_text(ours);
	assert_true(strlen(theirs) > 0);
	assert_string_equal(ours_sorted, theirs);
	kh_free(ours);
	kh_free(ours_sorted);
	kh_free(theirs);
	kh_buf_free(buf);
	kh_inventory_free(inv);
}

static void
test_dpkg_oracle_fixture(void **state)
{
	char *admindir = fixture("inventory/root-debian/var/lib/dpkg");
	char *status = fixture("inventory/root-debian/var/lib/dpkg/status");

	(void)state;
	if (system("command -v dpkg-query >/dev/null") != 0)
		skip();
	dpkg_oracle(admindir, status);
	kh_free(admindir);
	kh_free(status);
}

static void
test_dpkg_oracle_this_host(void **state)
{
	(void)state;
	if (access("/var/lib/dpkg/status", R_OK) != 0 ||
	    system("command -v dpkg-query >/dev/null") != 0)
		skip();
	dpkg_oracle("/var/lib/dpkg", "/var/lib/dpkg/status");
}

static void
test_dpkg_truncated(void **state)
{
	struct kh_inventory *inv;

	(void)state;
	inv = parse_fixture(kh_inventory_parse_dpkg_status, "inventory/bad/status-truncated",
	                    KH_ETRUNCATED);
	/* Everything before the cut is kept; the cut paragraph is not: its
	 * last value "3.0" (of "3.0.11") looks valid but is not what is there. */
	assert_int_equal(inv->n_pkgs, 4);
	assert_null(find_pkg(inv, "libssl3", NULL));
	assert_true(has_error(inv, 91, KH_ETRUNCATED, "truncated"));
	assert_string_equal(inv->errors[0].file, "inventory/bad/status-truncated");
	assert_false(kh_inventory_complete(inv));
	kh_inventory_free(inv);
}

static void
test_dpkg_missing_version(void **state)
{
	struct kh_inventory *inv;
	const struct kh_inventory_pkg *p;

	(void)state;
	inv = parse_fixture(kh_inventory_parse_dpkg_status, "inventory/bad/status-missing-version",
	                    KH_EFORMAT);
	assert_int_equal(inv->n_pkgs, 1);
	assert_non_null(p = find_pkg(inv, "foo-utils", NULL));
	assert_string_equal(p->source_version, "1.2-3");
	assert_int_equal(inv->n_errors, 1);
	assert_true(has_error(inv, 1, KH_EFORMAT, "libfoo1: missing field Version"));
	kh_inventory_free(inv);
}

static void
test_dpkg_garbage(void **state)
{
	struct kh_inventory *inv;

	(void)state;
	inv = parse_fixture(kh_inventory_parse_dpkg_status, "inventory/bad/status-garbage",
	                    KH_EFORMAT);
	assert_int_equal(inv->n_pkgs, 1);
	assert_non_null(find_pkg(inv, "ok-before", NULL));
	assert_true(inv->n_errors >= 1);
	assert_true(inv->errors[0].line >= 6);
	kh_inventory_free(inv);
}

/* A huge line is a named limit with its line number; neighbours survive. */
static void
test_dpkg_huge_line(void **state)
{
	struct kh_inventory *inv = kh_inventory_new();
	struct kh_buf text;
	struct kh_diag diag;

	(void)state;
	assert_int_equal(kh_limit_set("max_line_bytes", "1K"), KH_OK);
	kh_buf_init(&text, 0);
	assert_int_equal(kh_buf_append_str(&text, "Package: a\nStatus: install ok installed\n"
	                                          "Architecture: all\nVersion: 1\nDescription: "),
	                 KH_OK);
	for (int i = 0; i < 3000; i++)
		assert_int_equal(kh_buf_putc(&text, 'x'), KH_OK);
	assert_int_equal(kh_buf_append_str(&text, "\n\nPackage: b\nStatus: install ok installed\n"
	                                          "Architecture: all\nVersion: 2\n\n"),
	                 KH_OK);
	assert_int_equal(kh_inventory_parse_dpkg_status(kh_buf_cur(&text), "s", inv, &diag),
	                 KH_ELIMIT);
	assert_int_equal(diag.line, 5);
	assert_non_null(strstr(diag.msg, "max_line_bytes"));
	assert_int_equal(inv->n_pkgs, 2);
	kh_limits_reset();
	kh_buf_cleanup(&text);
	kh_inventory_free(inv);
}

static void
test_dpkg_field_rules(void **state)
{
	struct {
		const char *text;
		long line;
		const char *msg;
		size_t n_pkgs;
	} cases[] = {
		{ "Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n"
		  "version: 2\n\n", 5, "duplicate field Version", 0 },
		{ "Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n"
		  " 2\n\n", 5, "Version must be on one line", 0 },
		{ "Package: a\nStatus: install ok sideways\nArchitecture: all\nVersion: 1\n\n", 2,
		  "Status", 0 },
		{ "Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1 2\n\n", 4,
		  "Version", 0 },
		{ "Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n"
		  "Source: b (\n\n", 5, "Source", 0 },
		{ "Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n"
		  "Source:\n\n", 5, "Source", 0 }, /* found by fuzzing: empty value */
		{ " orphan\n\n", 1, "continuation line outside a field", 0 },
		{ "Status: install ok installed\n\n", 1, "without a Package field", 0 },
		{ "no colon here\nPackage: a\nStatus: install ok installed\nArchitecture: all\n"
		  "Version: 1\n\n", 1, "expected 'Field: value'", 1 },
		{ "Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n", 4,
		  "not ended by a blank line", 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kh_inventory *inv = kh_inventory_new();
		struct kh_diag diag;
		enum kh_err r = kh_inventory_parse_dpkg_status(kh_cur_from_str(cases[i].text), "s",
		                                               inv, &diag);
		assert_int_not_equal(r, KH_OK);
		if (strstr(diag.msg, cases[i].msg) == NULL || diag.line != cases[i].line)
			fail_msg("case %zu: got line %ld '%s'", i, diag.line, diag.msg);
		assert_int_equal(inv->n_pkgs, cases[i].n_pkgs);
		kh_inventory_free(inv);
	}
}

/* dpkg itself rejects CR; we read CRLF files (documented): no data is lost. */
static void
test_dpkg_crlf(void **state)
{
	struct kh_inventory *inv = kh_inventory_new();

	(void)state;
	assert_int_equal(kh_inventory_parse_dpkg_status(
	                     kh_cur_from_str("Package: a\r\nStatus: install ok installed\r\n"
	                                     "Architecture: all\r\nVersion: 1.0-1\r\n\r\n"),
	                     "s", inv, NULL),
	                 KH_OK);
	assert_int_equal(inv->n_pkgs, 1);
	assert_string_equal(inv->pkgs[0].version, "1.0-1");
	kh_inventory_free(inv);
}

/* ---- apk --------------------------------------------------------------------- */

static void
test_apk_fixture(void **state)
{
	struct kh_inventory *inv;
	const struct kh_inventory_pkg *p;

	(void)state;
	inv = parse_fixture(kh_inventory_parse_apk_db, "inventory/root-alpine/lib/apk/db/installed",
	                    KH_OK);
	assert_int_equal(inv->n_pkgs, 6);
	assert_non_null(p = find_pkg(inv, "libssl3", NULL));
	assert_int_equal(p->type, KH_INVENTORY_APK);
	assert_string_equal(p->version, "3.1.4-r5");
	assert_string_equal(p->source, "openssl");
	assert_string_equal(p->source_version, "3.1.4-r5");
	assert_null(p->status);
	assert_string_equal(find_pkg(inv, "ca-certificates-bundle", NULL)->arch, "noarch");
	assert_string_equal(find_pkg(inv, "musl", NULL)->version, "1.2.4_git20230717-r4");
	kh_inventory_free(inv);
}

static void
test_apk_broken(void **state)
{
	struct kh_inventory *inv;

	(void)state;
	inv = parse_fixture(kh_inventory_parse_apk_db, "inventory/bad/apk-missing-version-truncated",
	                    KH_EFORMAT);
	assert_int_equal(inv->n_pkgs, 2);
	assert_true(has_error(inv, 6, KH_EFORMAT, "V (version)"));
	assert_true(has_error(inv, 13, KH_ETRUNCATED, "truncated"));
	kh_inventory_free(inv);
}

/* ---- rpm ----------------------------------------------------------------------- */

static void
test_rpm_srpm_names(void **state)
{
	struct {
		const char *srpm, *name, *vr;
	} good[] = {
		{ "openssl-3.0.7-25.el9_3.src.rpm", "openssl", "3.0.7-25.el9_3" },
		{ "perl-Foo-Bar-0.1-1.fc39.src.rpm", "perl-Foo-Bar", "0.1-1.fc39" },
		{ "kernel-5.14.0-362.8.1.el9_3.nosrc.rpm", "kernel", "5.14.0-362.8.1.el9_3" },
	};
	const char *bad[] = { "foo.rpm", "foo-1.src.rpm", "-1-2.src.rpm", "foo-1-.src.rpm",
		              "foo--1.src.rpm" };
	char *name, *vr;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(kh_inventory_split_srpm(good[i].srpm, &name, &vr), KH_OK);
		assert_string_equal(name, good[i].name);
		assert_string_equal(vr, good[i].vr);
		kh_free(name);
		kh_free(vr);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (kh_inventory_split_srpm(bad[i], &name, &vr) != KH_EFORMAT)
			fail_msg("'%s' accepted", bad[i]);
		assert_null(name);
	}
}

static void
test_rpm_output(void **state)
{
	const char *out =
		"bash\t(none)\t5.1.8\t6.el9_1\tx86_64\tbash-5.1.8-6.el9_1.src.rpm\n"
		"openssl-libs\t1\t3.0.7\t25.el9_3\tx86_64\topenssl-3.0.7-25.el9_3.src.rpm\n"
		"gpg-pubkey\t(none)\tfd431d51\t4ae0493b\t(none)\t(none)\n"
		"broken\t(none)\t1\n"
		"odd\t(none)\t1.0\t1\tnoarch\tnot-a-source\n";
	struct kh_inventory *inv = kh_inventory_new();
	const struct kh_inventory_pkg *p;
	struct kh_diag diag;

	(void)state;
	assert_int_equal(kh_inventory_parse_rpm_output(kh_cur_from_str(out), "rpm", inv, &diag),
	                 KH_EFORMAT);
	assert_int_equal(diag.line, 4);
	assert_int_equal(inv->n_pkgs, 2); /* gpg-pubkey is a key, not software */
	assert_non_null(p = find_pkg(inv, "bash", NULL));
	assert_string_equal(p->version, "5.1.8-6.el9_1");
	assert_non_null(p = find_pkg(inv, "openssl-libs", NULL));
	assert_string_equal(p->version, "1:3.0.7-25.el9_3");
	assert_string_equal(p->source, "openssl");
	assert_string_equal(p->source_version, "1:3.0.7-25.el9_3");
	assert_true(has_error(inv, 5, KH_EFORMAT, "not-a-source"));
	kh_inventory_free(inv);
}

/* Writes an executable script standing in for the rpm tool. */
static char *
fake_tool(const char *body)
{
	char path[] = "/tmp/khien-fake-rpm-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, 0700), 0);
	return kh_strdup(path);
}

static void
test_rpm_tool_failures(void **state)
{
	struct kh_inventory *inv = kh_inventory_new();
	char *slow = fake_tool("exec sleep 5");
	char *chatty = fake_tool("yes 'x\t(none)\t1\t1\tnoarch\tx-1-1.src.rpm' | head -c 100000");
	char *failing = fake_tool("echo 'error: cannot open Packages database' >&2; exit 1");
	uint64_t t0;

	(void)state;
	assert_int_equal(kh_inventory_collect_rpm("/", "/var/lib/rpm", "/nonexistent/rpm", 0, inv,
	                                          NULL),
	                 KH_ENOENT);
	assert_true(has_error(inv, 0, KH_ENOENT, "rpm"));
	t0 = kh_time_mono_ns();
	assert_int_equal(kh_inventory_collect_rpm("/", "/var/lib/rpm", slow, 300, inv, NULL), KH_EIO);
	assert_true(kh_time_mono_ns() - t0 < 3000000000u);
	assert_true(has_error(inv, 0, KH_EIO, "in time"));
	assert_int_equal(kh_limit_set("max_rpm_output_bytes", "1K"), KH_OK);
	assert_int_equal(kh_inventory_collect_rpm("/", "/var/lib/rpm", chatty, 0, inv, NULL),
	                 KH_ELIMIT);
	assert_true(has_error(inv, 0, KH_ELIMIT, "max_rpm_output_bytes"));
	kh_limits_reset();
	assert_int_equal(kh_inventory_collect_rpm("/", "/var/lib/rpm", failing, 0, inv, NULL), KH_EIO);
	assert_true(has_error(inv, 0, KH_EIO, "cannot open Packages database"));
	unlink(slow);
	unlink(chatty);
	unlink(failing);
	kh_free(slow);
	kh_free(chatty);
	kh_free(failing);
	kh_inventory_free(inv);
}

/* ---- os-release ------------------------------------------------------------------ */

static void
test_os_release_quoting(void **state)
{
	struct {
		const char *raw, *want; /* want NULL: rejected */
	} cases[] = {
		{ "debian", "debian" },
		{ "\"Debian GNU/Linux 12 (bookworm)\"", "Debian GNU/Linux 12 (bookworm)" },
		{ "'single $quoted \\n'", "single $quoted \\n" },
		{ "\"a \\\"quoted\\\" \\$var \\\\ \\`x\\`\"", "a \"quoted\" $var \\ `x`" },
		{ "\"keeps \\n literally\"", "keeps \\n literally" },
		{ "bare\\ escaped", "bare escaped" },
		{ "\"Tiếng Việt\"", "Tiếng Việt" },
		{ "\"\"", "" },
		{ "\"unterminated", NULL },
		{ "'unterminated", NULL },
		{ "\"a\"'b'", NULL },
		{ "two words", NULL },
		{ "\"$HOME\"", NULL },
		{ "semi;colon", NULL },
		{ "trailing\\", NULL },
		{ "\"\xff\xfe\"", NULL },
		{ "\"tab\there\"", NULL },
	};
	char *out;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum kh_err r = kh_inventory_os_release_unquote(kh_cur_from_str(cases[i].raw), &out);
		if (cases[i].want == NULL) {
			if (r != KH_EFORMAT)
				fail_msg("case %zu accepted: %s", i, cases[i].raw);
			continue;
		}
		if (r != KH_OK)
			fail_msg("case %zu rejected: %s", i, cases[i].raw);
		assert_string_equal(out, cases[i].want);
		kh_free(out);
	}
}

static void
test_os_release_fields(void **state)
{
	const char *text = "# comment\n\nNAME=\"Ubuntu\"\nVERSION=\"16.04.7 LTS (Xenial Xerus)\"\n"
	                   "ID=ubuntu\nVERSION_ID=\"16.04\"\nBROKEN LINE\nHOME_URL=\"x\n"
	                   "ID_LIKE=debian\n";
	struct kh_inventory *inv = kh_inventory_new();
	struct kh_diag diag;

	(void)state;
	assert_int_equal(kh_inventory_parse_os_release(kh_cur_from_str(text), "os-release", inv,
	                                               &diag),
	                 KH_EFORMAT);
	assert_int_equal(diag.line, 7);
	assert_string_equal(inv->os.id, "ubuntu");
	assert_string_equal(inv->os.version_id, "16.04");
	assert_string_equal(inv->os.codename, "xenial"); /* from VERSION */
	/* An unknown key with bad quoting is not reported: it is not read. */
	assert_int_equal(inv->n_errors, 1);
	kh_inventory_free(inv);

	inv = kh_inventory_new();
	assert_int_equal(kh_inventory_parse_os_release(
	                     kh_cur_from_str("ID=debian\nVERSION=\"12 (bookworm)\"\n"
	                                     "VERSION_CODENAME=\"bookworm\"\nID=\"deb ian\n"),
	                     "os-release", inv, &diag),
	                 KH_EFORMAT);
	assert_string_equal(inv->os.id, "debian"); /* the bad re-assignment is not taken */
	assert_string_equal(inv->os.codename, "bookworm");
	assert_int_equal(diag.line, 4);
	kh_inventory_free(inv);
}

/* ---- collect under a root ---------------------------------------------------- */

static void
test_collect_fixture_root(void **state)
{
	struct kh_inventory_options opts = { 0 };
	struct kh_inventory *inv = NULL;
	char *root = fixture("inventory/root-debian");

	(void)state;
	opts.root = root;
	assert_int_equal(kh_inventory_collect(&opts, &inv, NULL), KH_OK);
	assert_true(kh_inventory_complete(inv));
	assert_string_equal(inv->os.id, "debian"); /* through the relative symlink */
	assert_string_equal(inv->os.codename, "bookworm");
	assert_string_equal(inv->os.hostname, "phuong-1-ubnd");
	assert_string_equal(inv->os.arch, "amd64"); /* dpkg's own architecture */
	assert_null(inv->os.kernel);                 /* not knowable under a root */
	assert_int_equal(inv->n_pkgs, 11);
	kh_inventory_free(inv);
	kh_free(root);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* An image's absolute symlink must resolve inside the image, not on the host. */
static void
test_collect_absolute_symlink_stays_in_root(void **state)
{
	char root[] = "/tmp/khien-root-XXXXXX", path[256];
	struct kh_inventory_options opts = { 0 };
	struct kh_inventory *inv = NULL;

	(void)state;
	assert_non_null(mkdtemp(root));
	(void)snprintf(path, sizeof(path), "%s/etc", root);
	assert_int_equal(mkdir(path, 0755), 0);
	(void)snprintf(path, sizeof(path), "%s/usr", root);
	assert_int_equal(mkdir(path, 0755), 0);
	(void)snprintf(path, sizeof(path), "%s/usr/lib", root);
	assert_int_equal(mkdir(path, 0755), 0);
	(void)snprintf(path, sizeof(path), "%s/usr/lib/os-release", root);
	write_file(path, "ID=inside\nVERSION_ID=1\n");
	(void)snprintf(path, sizeof(path), "%s/etc/os-release", root);
	assert_int_equal(symlink("/usr/lib/os-release", path), 0);
	opts.root = root;
	assert_int_equal(kh_inventory_collect(&opts, &inv, NULL), KH_OK);
	assert_non_null(inv->os.id);
	assert_string_equal(inv->os.id, "inside");
	assert_int_equal(inv->n_pkgs, 0);
	assert_true(kh_inventory_complete(inv));
	kh_inventory_free(inv);
	assert_int_equal(unlink(path), 0);
	/* No os-release at all: the OS is unknown, and that is an error. */
	(void)snprintf(path, sizeof(path), "%s/usr/lib/os-release", root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(kh_inventory_collect(&opts, &inv, NULL), KH_OK);
	assert_false(kh_inventory_complete(inv));
	assert_true(has_error(inv, 0, KH_ENOENT, "os-release"));
	kh_inventory_free(inv);
	(void)snprintf(path, sizeof(path), "rm -rf %s", root);
	assert_int_equal(system(path), 0);
}

static void
test_collect_bad_root(void **state)
{
	struct kh_inventory_options opts = { .root = "/nonexistent/root" };
	struct kh_inventory *inv = NULL;
	struct kh_diag diag;

	(void)state;
	assert_int_equal(kh_inventory_collect(&opts, &inv, &diag), KH_EIO);
	assert_null(inv);
	assert_string_equal(diag.file, "/nonexistent/root");
}

static void
test_arch_names(void **state)
{
	(void)state;
	assert_string_equal(kh_inventory_arch_from_machine(KH_INVENTORY_DEB, "x86_64"), "amd64");
	assert_string_equal(kh_inventory_arch_from_machine(KH_INVENTORY_DEB, "aarch64"), "arm64");
	assert_string_equal(kh_inventory_arch_from_machine(KH_INVENTORY_RPM, "x86_64"), "x86_64");
	assert_string_equal(kh_inventory_arch_from_machine(KH_INVENTORY_APK, "i686"), "x86");
	assert_string_equal(kh_inventory_arch_from_machine(KH_INVENTORY_DEB, "sparc64"), "sparc64");
}

/* ---- JSON ------------------------------------------------------------------------ */

static void
test_json_round_trip(void **state)
{
	struct kh_inventory *inv, *back = NULL;
	struct kh_buf a, b;

	(void)state;
	inv = parse_fixture(kh_inventory_parse_dpkg_status, "inventory/bad/status-missing-version",
	                    KH_EFORMAT);
	inv->os.id = kh_strdup("debian");
	inv->collected_at = 1700000000;
	kh_buf_init(&a, 0);
	kh_buf_init(&b, 0);
	assert_int_equal(kh_inventory_to_json(inv, &a, NULL), KH_OK);
	assert_non_null(strstr(kh_buf_str(&a), "\"schema\":\"khien.inventory/1\""));
	assert_non_null(strstr(kh_buf_str(&a), "\"collected_at\":\"2023-11-14T22:13:20Z\""));
	assert_non_null(strstr(kh_buf_str(&a), "\"complete\":false"));
	assert_int_equal(kh_inventory_from_json(kh_buf_cur(&a), "a.json", &back, NULL), KH_OK);
	assert_int_equal(back->n_pkgs, 1);
	assert_int_equal(back->n_errors, 1);
	assert_int_equal(back->errors[0].err, KH_EFORMAT);
	assert_int_equal(back->errors[0].line, 1);
	assert_int_equal(back->collected_at, 1700000000);
	assert_int_equal(kh_inventory_to_json(back, &b, NULL), KH_OK);
	assert_string_equal(kh_buf_str(&a), kh_buf_str(&b)); /* a fixed point */
	kh_buf_cleanup(&a);
	kh_buf_cleanup(&b);
	kh_inventory_free(back);
	kh_inventory_free(inv);
}

static void
test_json_reader_is_strict(void **state)
{
#define OS "\"os\":{\"id\":null,\"version_id\":null,\"codename\":null,\"kernel\":null," \
	   "\"hostname\":null,\"arch\":null}"
#define PKG "{\"type\":\"deb\",\"name\":\"a\",\"version\":\"1\",\"arch\":\"all\"," \
	    "\"source\":\"a\",\"source_version\":\"1\""
	struct {
		const char *doc, *msg; /* msg NULL: accepted */
	} cases[] = {
		{ "{\"schema\":\"khien.inventory/1\"," OS ",\"packages\":[" PKG "}],\"errors\":[]}", NULL },
		{ "{\"schema\":\"khien.inventory/1\"," OS ",\"packages\":[" PKG ",\"x-note\":1}],"
		  "\"errors\":[],\"x-vendor\":{}}", NULL },
		{ "{\"schema\":\"khien.inventory/2\"," OS ",\"packages\":[],\"errors\":[]}", "schema" },
		{ "{\"schema\":\"khien.inventory/1\"," OS ",\"packages\":[],\"errors\":[],\"extra\":1}",
		  "unknown key 'extra'" },
		{ "{\"schema\":\"khien.inventory/1\"," OS ",\"packages\":[" PKG ",\"nme\":1}],"
		  "\"errors\":[]}", "packages[0]: unknown key 'nme'" },
		{ "{\"schema\":\"khien.inventory/1\"," OS ",\"packages\":[{\"type\":\"msi\",\"name\":\"a\","
		  "\"version\":\"1\",\"arch\":\"all\",\"source\":\"a\",\"source_version\":\"1\"}],"
		  "\"errors\":[]}", "unknown type 'msi'" },
		{ "{\"schema\":\"khien.inventory/1\"," OS ",\"packages\":[{\"type\":\"deb\",\"name\":\"a\\u0000b\","
		  "\"version\":\"1\",\"arch\":\"all\",\"source\":\"a\",\"source_version\":\"1\"}],"
		  "\"errors\":[]}", "not allowed" },
		{ "{\"schema\":\"khien.inventory/1\"," OS ",\"packages\":[{\"type\":\"deb\",\"name\":\"a\"}],"
		  "\"errors\":[]}", "packages[0].version: missing" },
		{ "{\"schema\":\"khien.inventory/1\"," OS ",\"packages\":[" PKG "}],\"errors\":[],"
		  "\"counts\":{\"deb\":2,\"rpm\":0,\"apk\":0,\"packages\":1,\"errors\":0,"
		  "\"errors_omitted\":0}}", "counts.deb" },
		{ "{\"schema\":\"khien.inventory/1\"," OS ",\"packages\":[],\"errors\":[],"
		  "\"complete\":false}", "complete" },
		{ "{\"schema\":\"khien.inventory/1\"," OS ",\"packages\":[],\"errors\":[{\"file\":null,"
		  "\"line\":-3,\"code\":\"format\",\"message\":\"m\"}]}", "errors[0].line" },
		{ "{\"schema\":\"khien.inventory/1\",\"os\":[],\"packages\":[],\"errors\":[]}", "os" },
		{ "{\"schema\":\"khien.inventory/1\",\"os\":{},\"packages\":[],\"errors\":[]}",
		  "os.id: missing" },
		{ "{\"schema\":\"khien.inventory/1\"," OS ",\"packages\":{},\"errors\":[]}", "packages" },
		{ "{\"schema\":\"khien.inventory/1\"," OS ",\"collected_at\":\"yesterday\","
		  "\"packages\":[],\"errors\":[]}", "collected_at" },
		{ "[1,2]", "expected" },
		{ "{\"schema\":", "column" },
		{ "", "column" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kh_inventory *inv = NULL;
		struct kh_diag diag;
		enum kh_err r = kh_inventory_from_json(kh_cur_from_str(cases[i].doc), "in.json", &inv,
		                                       &diag);
		if (cases[i].msg == NULL) {
			if (r != KH_OK)
				fail_msg("case %zu rejected: %s", i, diag.msg);
			assert_int_equal(inv->n_pkgs, 1);
		} else {
			if (r == KH_OK || strstr(diag.msg, cases[i].msg) == NULL)
				fail_msg("case %zu: r=%d msg='%s'", i, r, diag.msg);
			assert_null(inv);
			assert_string_equal(diag.file, "in.json");
		}
		kh_inventory_free(inv);
	}
}

/* Every allocation failure is reported as ENOMEM and leaks nothing (ASan). */
static void
test_alloc_failures(void **state)
{
	struct kh_buf *buf = read_fixture("inventory/root-debian/var/lib/dpkg/status");
	bool succeeded = false;

	(void)state;
	for (long n = 0; n < 5000 && !succeeded; n++) {
		struct kh_inventory *inv = kh_inventory_new(), *back = NULL;
		struct kh_buf json;
		enum kh_err r = KH_ENOMEM;

		kh_buf_init(&json, 0);
		kh_alloc_fail_after(n);
		if (inv != NULL &&
		    (r = kh_inventory_parse_dpkg_status(kh_buf_cur(buf), "s", inv, NULL)) == KH_OK &&
		    (r = kh_inventory_to_json(inv, &json, NULL)) == KH_OK)
			r = kh_inventory_from_json(kh_buf_cur(&json), "j", &back, NULL);
		kh_alloc_fail_after(-1);
		if (r != KH_OK && r != KH_ENOMEM)
			fail_msg("n=%ld: %d", n, r);
		succeeded = r == KH_OK;
		if (succeeded)
			assert_int_equal(back->n_pkgs, 11);
		kh_inventory_free(back);
		kh_inventory_free(inv);
		kh_buf_cleanup(&json);
	}
	assert_true(succeeded);
	kh_buf_free(buf);
}

static void
test_error_cap(void **state)
{
	struct kh_inventory *inv = kh_inventory_new();

	(void)state;
	assert_int_equal(kh_limit_set("max_inventory_errors", "3"), KH_OK);
	for (int i = 0; i < 10; i++)
		assert_int_equal(kh_inventory_add_error(inv, "f", i + 1, KH_EFORMAT, "bad \x01 %d", i),
		                 KH_OK);
	assert_int_equal(inv->n_errors, 3);
	assert_int_equal(inv->n_errors_dropped, 7);
	assert_string_equal(inv->errors[0].message, "bad ? 0"); /* control bytes made printable */
	assert_false(kh_inventory_complete(inv));
	kh_limits_reset();
	kh_inventory_free(inv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_fixture),
		cmocka_unit_test(test_dpkg_oracle_fixture),
		cmocka_unit_test(test_dpkg_oracle_this_host),
		cmocka_unit_test(test_dpkg_truncated),
		cmocka_unit_test(test_dpkg_missing_version),
		cmocka_unit_test(test_dpkg_garbage),
		cmocka_unit_test(test_dpkg_huge_line),
		cmocka_unit_test(test_dpkg_field_rules),
		cmocka_unit_test(test_dpkg_crlf),
		cmocka_unit_test(test_apk_fixture),
		cmocka_unit_test(test_apk_broken),
		cmocka_unit_test(test_rpm_srpm_names),
		cmocka_unit_test(test_rpm_output),
		cmocka_unit_test(test_rpm_tool_failures),
		cmocka_unit_test(test_os_release_quoting),
		cmocka_unit_test(test_os_release_fields),
		cmocka_unit_test(test_collect_fixture_root),
		cmocka_unit_test(test_collect_absolute_symlink_stays_in_root),
		cmocka_unit_test(test_collect_bad_root),
		cmocka_unit_test(test_arch_names),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_reader_is_strict),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_error_cap),
	};

	kh_lang_set(KH_LANG_EN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
