/*
 * update.c — `feeds update`: download each source of [feeds] with a
 * conditional request, import it, and only then replace the kept copy
 * under <data_dir>/feeds/ and remember its ETag and Last-Modified.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "feeds_int.h"
#include "khien/config.h"
#include "khien/limits.h"
#include "khien/net.h"
#include "khien/store.h"

/* What the cache remembers about a URL. */
struct cached {
	char *etag, *last_modified, *path;
};

static void
cached_cleanup(struct cached *c)
{
	kh_free(c->etag);
	kh_free(c->last_modified);
	kh_free(c->path);
	memset(c, 0, sizeof(*c));
}

static enum kh_err
dup_col(struct kh_store_stmt *stmt, int col, char **out)
{
	const char *s = kh_store_column_text(stmt, col);

	*out = NULL;
	return s == NULL || (*out = kh_strdup(s)) != NULL ? KH_OK : KH_ENOMEM;
}

static enum kh_err
cache_get(struct kh_store *st, const char *url, struct cached *c, struct kh_diag *diag)
{
	struct kh_store_stmt *stmt = NULL;
	bool has_row = false;
	enum kh_err r;

	memset(c, 0, sizeof(*c));
	if ((r = kh_store_prepare(st, "SELECT etag, last_modified, path FROM feeds_http_cache WHERE url = ?",
	                          &stmt, diag)) != KH_OK)
		return r;
	if ((r = kh_store_bind_text(stmt, 1, url)) == KH_OK &&
	    (r = kh_store_step(stmt, &has_row, diag)) == KH_OK && has_row &&
	    ((r = dup_col(stmt, 0, &c->etag)) != KH_OK || (r = dup_col(stmt, 1, &c->last_modified)) != KH_OK ||
	     (r = dup_col(stmt, 2, &c->path)) != KH_OK))
		cached_cleanup(c);
	kh_store_stmt_free(stmt);
	return r;
}

static enum kh_err
cache_put(struct kh_store *st, const char *url, const struct kh_net_response *resp,
          const char *path, struct kh_cur body, struct kh_diag *diag)
{
	struct kh_store_stmt *stmt = NULL;
	char sha[2 * KH_HASH_MAX_BYTES + 1], now[32];
	const char *v[6];
	bool has_row;
	enum kh_err r;

	kh_time_iso8601(time(NULL), now, sizeof(now));
	if ((r = kh_hash_hex(KH_HASH_SHA256, body.p, body.len, sha, sizeof(sha))) != KH_OK)
		return r;
	v[0] = url, v[1] = resp->etag, v[2] = resp->last_modified, v[3] = sha, v[4] = path, v[5] = now;
	if ((r = kh_store_prepare(st, "INSERT INTO feeds_http_cache (url, etag, last_modified, sha256, path,"
	                              " fetched_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
	                              " etag = excluded.etag, last_modified = excluded.last_modified,"
	                              " sha256 = excluded.sha256, path = excluded.path,"
	                              " fetched_at = excluded.fetched_at", &stmt, diag)) != KH_OK)
		return r;
	for (int i = 0; i < 6 && r == KH_OK; i++)
		r = kh_store_bind_text(stmt, i + 1, v[i]);
	if (r == KH_OK)
		r = kh_store_step(stmt, &has_row, diag);
	kh_store_stmt_free(stmt);
	return r;
}

/* <data_dir>/feeds/<first 16 hex of sha256(url)>-<last path segment>. */
static enum kh_err
local_path(const char *data_dir, const char *url, char **out)
{
	char sha[2 * KH_HASH_MAX_BYTES + 1], name[128];
	const char *base = strrchr(url, '/');
	size_t n = 0;
	enum kh_err r;

	if ((r = kh_hash_hex(KH_HASH_SHA256, url, strlen(url), sha, sizeof(sha))) != KH_OK)
		return r;
	snprintf(name, sizeof(name), "%.16s-", sha);
	n = strlen(name);
	/* keep only safe characters of the URL's last segment */
	for (base = base != NULL ? base + 1 : url; *base != '\0' && *base != '?' && n < sizeof(name) - 1; base++)
		name[n++] = (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *base) != NULL)
		            ? *base : '_';
	name[n] = '\0';
	{
		char *dir = kh_path_join(data_dir, "feeds");
		*out = dir != NULL ? kh_path_join(dir, name) : NULL;
		kh_free(dir);
	}
	return *out != NULL ? KH_OK : KH_ENOMEM;
}

static bool
file_exists(const char *path)
{
	struct stat sb;

	return path != NULL && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static enum kh_err
make_feeds_dir(const char *data_dir, struct kh_diag *diag)
{
	char *dir = kh_path_join(data_dir, "feeds");
	enum kh_err r;

	if (dir == NULL)
		return KH_ENOMEM;
	r = kh_mkdir_p(dir, 0700, diag);
	kh_free(dir);
	return r;
}

static enum kh_err
fetch_one(struct kh_store *st, const struct kh_feeds_source *src, const struct kh_net_options *opts,
          const char *data_dir, struct kh_feeds_update_result *res, struct kh_diag *diag)
{
	struct kh_net_response resp;
	struct kh_net_request req = { src->url, NULL, NULL };
	struct cached c;
	char *path = NULL;
	enum kh_err r;

	kh_net_response_init(&resp);
	if ((r = cache_get(st, src->url, &c, diag)) != KH_OK ||
	    (r = local_path(data_dir, src->url, &path)) != KH_OK)
		goto out;
	/* conditional only while we still hold the copy the validators describe */
	if (file_exists(c.path)) {
		req.if_none_match = c.etag;
		req.if_modified_since = c.last_modified;
	}
	if ((r = kh_net_get(&req, opts, &resp, diag)) != KH_OK)
		goto out;
	if (resp.status == 304) {
		res->not_modified = true;
		goto out;
	}
	if (resp.status != 200) {
		r = kh_diag_set(diag, KH_EHTTP, src->url, 0, "HTTP %ld", resp.status);
		goto out;
	}
	/* the import is the integrity check: a body that does not parse changes nothing */
	if ((r = kh_feeds_import_data(st, kh_buf_cur(&resp.body), src->url, src->kind, &res->stats,
	                              diag)) != KH_OK)
		goto out;
	if ((r = make_feeds_dir(data_dir, diag)) != KH_OK)
		goto out;
	if ((r = kh_file_write_atomic(path, resp.body.data, resp.body.len, 0600, diag)) != KH_OK ||
	    (r = cache_put(st, src->url, &resp, path, kh_buf_cur(&resp.body), diag)) != KH_OK)
		goto out;
 out:
	kh_free(path);
	cached_cleanup(&c);
	kh_net_response_cleanup(&resp);
	return r;
}

/* Sources of [feeds], in a fixed order; list keys split on blanks and commas. */
static enum kh_err
add_source(struct kh_feeds_source **v, size_t *n, enum kh_feeds_kind kind, const char *url, size_t len)
{
	struct kh_feeds_source *s = feeds_grow(v, n, sizeof(*s));

	if (s == NULL)
		return KH_ENOMEM;
	s->kind = kind;
	return (s->url = kh_strndup(url, len)) == NULL ? KH_ENOMEM : KH_OK;
}

static enum kh_err
sources(const struct kh_config *cfg, struct kh_feeds_source **v, size_t *n)
{
	static const struct { const char *key; enum kh_feeds_kind kind; } keys[] = {
		{ "kev_url", KH_FEEDS_KEV },     { "nvd_url", KH_FEEDS_NVD },
		{ "epss_url", KH_FEEDS_EPSS },   { "debian_tracker_url", KH_FEEDS_DEBIAN },
		{ "osv_urls", KH_FEEDS_OSV },    { "csaf_urls", KH_FEEDS_CSAF },
	};
	enum kh_err r;

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *p = cfg != NULL ? kh_config_get(cfg, "feeds", keys[k].key) : NULL;
		while (p != NULL && *p != '\0') {
			size_t len = 0;
			while (*p == ' ' || *p == '\t' || *p == ',')
				p++;
			while (p[len] != '\0' && p[len] != ' ' && p[len] != '\t' && p[len] != ',')
				len++;
			if (len > 0 && (r = add_source(v, n, keys[k].kind, p, len)) != KH_OK)
				return r;
			p += len;
		}
	}
	return KH_OK;
}

void
kh_feeds_update_results_free(struct kh_feeds_update_result *results, size_t n)
{
	for (size_t i = 0; results != NULL && i < n; i++) {
		kh_free(results[i].url);
		kh_free(results[i].error);
		kh_feeds_stats_cleanup(&results[i].stats);
	}
	kh_free(results);
}

static enum kh_err
net_options(const struct kh_config *cfg, struct kh_net_options *o, struct kh_diag *diag)
{
	long long timeout = 300;
	enum kh_err r;

	memset(o, 0, sizeof(*o));
	if (cfg == NULL)
		return KH_OK;
	o->proxy = kh_config_get(cfg, "feeds", "proxy");
	o->ca_file = kh_config_get(cfg, "feeds", "ca_file");
	if ((r = kh_config_get_int(cfg, "feeds", "timeout_s", 1, 86400, &timeout, diag)) != KH_OK)
		return r;
	o->timeout_s = (long)timeout;
	return KH_OK;
}

enum kh_err
kh_feeds_update(struct kh_store *st, const struct kh_config *cfg, const char *data_dir,
                struct kh_feeds_update_result **results, size_t *n_results, struct kh_diag *diag)
{
	struct kh_feeds_source *src = NULL;
	struct kh_feeds_update_result *res = NULL;
	struct kh_net_options opts;
	size_t n_src = 0;
	enum kh_err r;

	*results = NULL;
	*n_results = 0;
	if ((r = net_options(cfg, &opts, diag)) != KH_OK || (r = sources(cfg, &src, &n_src)) != KH_OK)
		goto out;
	if (n_src > 0 && (res = kh_calloc(n_src, sizeof(*res))) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n_src; i++) {
		struct kh_diag d;
		kh_diag_clear(&d);
		kh_feeds_stats_init(&res[i].stats);
		if ((res[i].url = kh_strdup(src[i].url)) == NULL) {
			r = KH_ENOMEM;
			goto out;
		}
		/* one failing source does not stop the others */
		if ((r = fetch_one(st, &src[i], &opts, data_dir, &res[i], &d)) == KH_ENOMEM)
			goto out;
		if (r != KH_OK) {
			char line[1400];
			kh_diag_format(&d, line, sizeof(line));
			res[i].failed = true;
			res[i].error = kh_strdup(line[0] ? line : kh_strerror(r));
			kh_log_warn("feeds update: %s", line);
		}
	}
	*results = res;
	*n_results = n_src;
	res = NULL;
	r = KH_OK;
 out:
	kh_feeds_update_results_free(res, n_src);
	for (size_t i = 0; i < n_src; i++)
		kh_free(src[i].url);
	kh_free(src);
	return r;
}
