/*
 * yara_rules.c — YARA rule sets through libyara: sources (files, or every
 * .yar/.yara under a directory, each in its own namespace) or rules compiled
 * by `khien rules compile`; their identity for the scan cache.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yara.h>

#include "khien/scan.h"
#include "scan_int.h"

struct kh_scan_rules {
	YR_RULES *rules;
	size_t n_rules;
	uint8_t identity[32];
};

/* The first compile error, with file and line, for the diag. */
struct compile_errors {
	int n_errors;
	char file[512];
	int line;
	char msg[512];
};

static void
compile_callback(int level, const char *file_name, int line_number,
                 const YR_RULE *rule, const char *message, void *user_data)
{
	struct compile_errors *ce = user_data;

	(void)rule;
	if (level != YARA_ERROR_LEVEL_ERROR) {
		kh_log_debug("%s:%d: %s", file_name ? file_name : "?", line_number, message);
		return;
	}
	if (ce->n_errors++ > 0)
		return;
	kh_strlcpy(ce->file, file_name ? file_name : "", sizeof(ce->file));
	ce->line = line_number;
	kh_strlcpy(ce->msg, message, sizeof(ce->msg));
}

/* The externals THOR and LOKI define, which signature-base rules test. */
static const char *const externals[] = { "filename", "filepath", "extension",
	                                 "filetype", "owner" };

static enum kh_err
define_externals(YR_COMPILER *c)
{
	for (size_t i = 0; i < sizeof(externals) / sizeof(externals[0]); i++)
		if (yr_compiler_define_string_variable(c, externals[i], "") != ERROR_SUCCESS)
			return KH_ENOMEM;
	return KH_OK;
}

static enum kh_err
add_source(YR_COMPILER *c, struct compile_errors *ce, const char *path,
           const char *ns, struct kh_diag *diag)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return kh_diag_set(diag, KH_EIO, path, 0, "%s", strerror(errno));
	(void)yr_compiler_add_fd(c, fd, ns, path);
	close(fd);
	if (ce->n_errors > 0)
		return kh_diag_set(diag, KH_EFORMAT, ce->file, ce->line, "%s", ce->msg);
	return KH_OK;
}

static bool
is_rule_source(const char *name)
{
	return kh_str_ends_with(name, ".yar") || kh_str_ends_with(name, ".yara");
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every rule source under dir/rel, in name order, each in namespace rel/name. */
static enum kh_err
add_dir(YR_COMPILER *c, struct compile_errors *ce, const char *root,
        const char *rel, int depth, struct kh_diag *diag)
{
	char *dir_path = rel[0] ? kh_path_join(root, rel) : kh_strdup(root);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	enum kh_err r = KH_ENOMEM;
	DIR *d = NULL;

	if (dir_path == NULL)
		goto out;
	if (depth > 32) {
		r = kh_diag_set(diag, KH_ELIMIT, dir_path, 0, "%s",
		                KH_MSG("rule directories nested too deep",
		                       "thư mục luật lồng nhau quá sâu"));
		goto out;
	}
	if ((d = opendir(dir_path)) == NULL) {
		r = kh_diag_set(diag, KH_EIO, dir_path, 0, "%s", strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = kh_reallocarray(names, cap ? cap * 2 : 64, sizeof(*names));
			if (nn == NULL)
				goto out;
			names = nn;
			cap = cap ? cap * 2 : 64;
		}
		if ((names[n] = kh_strdup(de->d_name)) == NULL)
			goto out;
		n++;
	}
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		char *sub = rel[0] ? kh_path_join(rel, names[i]) : kh_strdup(names[i]);
		char *full = sub ? kh_path_join(root, sub) : NULL;
		struct stat st;
		r = KH_ENOMEM;
		if (full != NULL && stat(full, &st) == 0 && S_ISDIR(st.st_mode))
			r = add_dir(c, ce, root, sub, depth + 1, diag);
		else if (full != NULL)
			r = is_rule_source(names[i]) ? add_source(c, ce, full, sub, diag) : KH_OK;
		kh_free(sub);
		kh_free(full);
		if (r != KH_OK)
			goto out;
	}
	r = KH_OK;
out:
	if (d != NULL)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		kh_free(names[i]);
	kh_free(names);
	kh_free(dir_path);
	return r;
}

static bool
is_compiled(const char *path)
{
	char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool yes;

	if (fd < 0)
		return false;
	yes = read(fd, magic, 4) == 4 && memcmp(magic, "YARA", 4) == 0;
	close(fd);
	return yes;
}

static size_t
hash_write(const void *ptr, size_t size, size_t count, void *user_data)
{
	return kh_hash_update(user_data, ptr, size * count) == KH_OK ? count : 0;
}

static enum kh_err
finish_rules(struct kh_scan_rules *kr)
{
	struct kh_hash *h = NULL;
	YR_STREAM stream = { 0 };
	const YR_RULE *rule;
	enum kh_err r;

	yr_rules_foreach(kr->rules, rule) kr->n_rules++;
	if ((r = kh_hash_new(KH_HASH_SHA256, &h)) != KH_OK)
		return r;
	stream.user_data = h;
	stream.write = hash_write;
	if (yr_rules_save_stream(kr->rules, &stream) != ERROR_SUCCESS)
		r = KH_ENOMEM;
	else
		r = kh_hash_final(h, kr->identity);
	kh_hash_free(h);
	return r;
}

static enum kh_err
load_compiled(const char *path, struct kh_scan_rules *kr, struct kh_diag *diag)
{
	int yr = yr_rules_load(path, &kr->rules);

	if (yr == ERROR_SUCCESS)
		return KH_OK;
	kr->rules = NULL;
	return kh_diag_set(diag, yr == ERROR_INSUFFICIENT_MEMORY ? KH_ENOMEM : KH_EFORMAT,
	                   path, 0, "%s (libyara %d)",
	                   KH_MSG("not rules compiled by this YARA version",
	                          "không phải luật biên dịch bởi phiên bản YARA này"), yr);
}

static enum kh_err
compile_sources(const char *const *paths, size_t n_paths, struct kh_scan_rules *kr,
                struct kh_diag *diag)
{
	struct compile_errors ce = { 0 };
	YR_COMPILER *c = NULL;
	enum kh_err r = KH_ENOMEM;

	if (yr_compiler_create(&c) != ERROR_SUCCESS)
		return KH_ENOMEM;
	yr_compiler_set_callback(c, compile_callback, &ce);
	if ((r = define_externals(c)) != KH_OK)
		goto out;
	for (size_t i = 0; i < n_paths; i++) {
		struct stat st;
		if (stat(paths[i], &st) != 0) {
			r = kh_diag_set(diag, errno == ENOENT ? KH_ENOENT : KH_EIO, paths[i], 0,
			                "%s", strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode))
			r = add_dir(c, &ce, paths[i], "", 0, diag);
		else if (is_compiled(paths[i]))
			r = kh_diag_set(diag, KH_EINVAL, paths[i], 0, "%s",
			                KH_MSG("compiled rules cannot be mixed with other rules",
			                       "không thể trộn luật đã biên dịch với luật khác"));
		else
			r = add_source(c, &ce, paths[i], "default", diag);
		if (r != KH_OK)
			goto out;
	}
	r = yr_compiler_get_rules(c, &kr->rules) == ERROR_SUCCESS ? KH_OK : KH_ENOMEM;
out:
	yr_compiler_destroy(c);
	return r;
}

enum kh_err
kh_scan_rules_load(const char *const *paths, size_t n_paths,
                   struct kh_scan_rules **out, struct kh_diag *diag)
{
	struct kh_scan_rules *kr = NULL;
	enum kh_err r;

	*out = NULL;
	if (n_paths == 0)
		return KH_EINVAL;
	if ((r = kh_scan_yara_init()) != KH_OK)
		return r;
	if ((kr = kh_calloc(1, sizeof(*kr))) == NULL) {
		kh_scan_yara_fini();
		return KH_ENOMEM;
	}
	if (n_paths == 1 && is_compiled(paths[0]))
		r = load_compiled(paths[0], kr, diag);
	else
		r = compile_sources(paths, n_paths, kr, diag);
	if (r != KH_OK || (r = finish_rules(kr)) != KH_OK)
		goto out;
	*out = kr;
	kr = NULL;
out:
	kh_scan_rules_free(kr); /* also balances kh_scan_yara_init */
	return r;
}

static size_t
buf_write(const void *ptr, size_t size, size_t count, void *user_data)
{
	return kh_buf_append(user_data, ptr, size * count) == KH_OK ? count : 0;
}

enum kh_err
kh_scan_rules_save(const struct kh_scan_rules *kr, const char *path,
                   struct kh_diag *diag)
{
	struct kh_buf buf;
	YR_STREAM stream = { 0 };
	enum kh_err r;

	kh_buf_init(&buf, 0);
	stream.user_data = &buf;
	stream.write = buf_write;
	if (yr_rules_save_stream(kr->rules, &stream) != ERROR_SUCCESS)
		r = kh_diag_set(diag, KH_ENOMEM, path, 0, "%s",
		                KH_MSG("cannot serialise the rules", "không thể ghi luật"));
	else
		r = kh_file_write_atomic(path, buf.data, buf.len, 0644, diag);
	kh_buf_cleanup(&buf);
	return r;
}

void
kh_scan_rules_free(struct kh_scan_rules *kr)
{
	if (kr == NULL)
		return;
	if (kr->rules != NULL)
		yr_rules_destroy(kr->rules);
	kh_free(kr);
	kh_scan_yara_fini();
}

size_t
kh_scan_rules_count(const struct kh_scan_rules *kr)
{
	return kr == NULL ? 0 : kr->n_rules;
}

void
kh_scan_rules_identity(const struct kh_scan_rules *kr, uint8_t out[32])
{
	if (kr == NULL)
		memset(out, 0, 32);
	else
		memcpy(out, kr->identity, 32);
}

YR_RULES *
kh_scan_rules_yr(const struct kh_scan_rules *kr)
{
	return kr == NULL ? NULL : kr->rules;
}

static pthread_mutex_t yara_lock = PTHREAD_MUTEX_INITIALIZER;
static int yara_users;

enum kh_err
kh_scan_yara_init(void)
{
	enum kh_err r = KH_OK;

	pthread_mutex_lock(&yara_lock);
	if (yara_users == 0 && yr_initialize() != ERROR_SUCCESS)
		r = KH_ENOMEM;
	else
		yara_users++;
	pthread_mutex_unlock(&yara_lock);
	return r;
}

void
kh_scan_yara_fini(void)
{
	pthread_mutex_lock(&yara_lock);
	if (yara_users > 0 && --yara_users == 0)
		(void)yr_finalize();
	pthread_mutex_unlock(&yara_lock);
}
