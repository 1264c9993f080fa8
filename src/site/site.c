/* site.c — one site's whole assessment: TLS, HTTP and the Observatory
 * score, content integrity (gambling spam, defacement, baseline, YARA),
 * software fingerprint, exposures and the trust-label checklist, all within
 * the site's time limit. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "khien/limits.h"
#include "khien/scan.h"
#include "khien/site.h"
#include "site_int.h"

void
site_result_error(struct kh_site_result *res, const char *fmt, ...)
{
	va_list ap;

	if (res->n_errors >= KH_SITE_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	(void)!vsnprintf(res->errors[res->n_errors++], sizeof(res->errors[0]), fmt, ap);
	va_end(ap);
}

void
kh_site_result_cleanup(struct kh_site_result *res)
{
	if (res == NULL)
		return;
	kh_site_tls_cleanup(&res->tls);
	kh_site_record_cleanup(&res->http);
	memset(res, 0, sizeof(*res));
}

/* scheme, host and port of the URL the user gave (a bare host means https). */
static enum kh_err
parse_target(const char *url, const struct kh_site_check_opts *opts,
             struct kh_site_result *res, struct kh_diag *diag)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL;
	enum kh_err r = KH_EINVAL;
	bool https;

	if (u == NULL)
		return KH_ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_GUESS_SCHEME | CURLU_DEFAULT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0)) {
		r = kh_diag_set(diag, KH_EINVAL, url, 0, "%s",
		                KH_MSG("not an http(s) URL", "không phải địa chỉ http(s)"));
		goto out;
	}
	https = strcmp(scheme, "https") == 0;
	(void)curl_url_get(u, CURLUPART_PORT, &port, 0);
	/* the page the user named is the one fetched and graded */
	if (curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && path != NULL && path[0] == '/')
		kh_strlcpy(res->path, path, sizeof(res->path));
	else
		kh_strlcpy(res->path, "/", sizeof(res->path));
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query != NULL &&
	    strlen(res->path) + strlen(query) + 2 < sizeof(res->path)) {
		size_t n = strlen(res->path);
		res->path[n] = '?';
		kh_strlcpy(res->path + n + 1, query, sizeof(res->path) - n - 1);
	}
	kh_strlcpy(res->url, url, sizeof(res->url));
	/* curl keeps IPv6 brackets in the host part; connect() wants them off */
	kh_strlcpy(res->host, host[0] == '[' ? host + 1 : host, sizeof(res->host));
	if (host[0] == '[' && strchr(res->host, ']') != NULL)
		*strchr(res->host, ']') = '\0';
	kh_strlcpy(res->https_port, opts->https_port ? opts->https_port
	                            : (https && port != NULL) ? port : "443", sizeof(res->https_port));
	kh_strlcpy(res->http_port, opts->http_port ? opts->http_port
	                           : (!https && port != NULL) ? port : "80", sizeof(res->http_port));
	r = KH_OK;
 out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	return r;
}

static enum kh_err
origin_url(const struct kh_site_result *res, bool https, char *out, size_t size)
{
	bool v6 = strchr(res->host, ':') != NULL;
	const char *port = https ? res->https_port : res->http_port;
	bool default_port = strcmp(port, https ? "443" : "80") == 0;

	return kh_snprintf(out, size, "%s://%s%s%s%s%s%s", https ? "https" : "http", v6 ? "[" : "",
	                   res->host, v6 ? "]" : "", default_port ? "" : ":", default_port ? "" : port,
	                   res->path[0] ? res->path : "/");
}

static bool
hsts_long(const struct kh_site_observatory *obs)
{
	for (size_t i = 0; obs->scored && i < KH_SITE_OBS_N_TESTS; i++)
		if (obs->tests[i].name != NULL && strcmp(obs->tests[i].name, "strict-transport-security") == 0)
			return strcmp(obs->tests[i].result, "hsts-implemented-max-age-at-least-six-months") == 0;
	return false;
}

static enum kh_err
do_http(struct kh_site_result *res, const struct kh_site_check_opts *opts)
{
	char https_url[1024], http_url[1024];
	struct kh_diag diag;
	const struct kh_site_hop *last;
	enum kh_err r;

	kh_diag_clear(&diag);
	if (origin_url(res, true, https_url, sizeof(https_url)) != KH_OK ||
	    origin_url(res, false, http_url, sizeof(http_url)) != KH_OK)
		return KH_EINVAL;
	if ((r = site_http_fetch(https_url, http_url, res->host, &opts->site, &res->http, &diag)) != KH_OK)
		return r;
	if (diag.msg[0] != '\0')
		site_result_error(res, "http: %s", diag.msg);
	last = res->http.n_redirects > 1 ? &res->http.redirects[res->http.n_redirects - 1] : NULL;
	res->redirects_to_https = last != NULL && kh_str_starts_with(last->url, "https:");
	if ((r = kh_site_observatory_score(&res->http, &res->observatory)) != KH_OK)
		return r;
	kh_site_tls_grade(&res->tls, hsts_long(&res->observatory));
	return KH_OK;
}

static void
join_terms(const struct kh_buf *found, char *out, size_t size)
{
	struct kh_cur c = kh_buf_cur(found), term;
	size_t used = 0;

	out[0] = '\0';
	while (kh_cur_take_until(&c, 0, &term) && used + term.len + 3 < size) {
		if (used > 0) {
			memcpy(out + used, ", ", 2);
			used += 2;
		}
		memcpy(out + used, term.p, term.len);
		used += term.len;
		out[used] = '\0';
	}
}

/* Gambling terms over the visible text and every link's text and target;
 * hidden links that carry such terms are the classic injection. */
static enum kh_err
gambling(struct kh_site_content *c, const struct kh_site_page *page, const char *folded)
{
	struct kh_buf all, one, found;
	enum kh_err r = KH_OK;

	kh_buf_init(&all, 0);
	kh_buf_init(&found, 0);
	if ((r = kh_buf_append_str(&all, folded)) != KH_OK)
		goto out;
	for (size_t i = 0; i < page->n_links && r == KH_OK; i++) {
		kh_buf_init(&one, 0);
		if ((r = kh_site_fold_text(page->links[i].text, &one)) == KH_OK &&
		    (r = kh_buf_putc(&one, ' ')) == KH_OK)
			r = kh_site_fold_text(page->links[i].href, &one);
		if (r == KH_OK && page->links[i].hidden) {
			c->n_hidden_links++;
			if (kh_site_gambling_terms(kh_buf_str(&one), NULL) > 0)
				c->n_gambling_hidden_links++;
		}
		if (r == KH_OK && (r = kh_buf_putc(&all, ' ')) == KH_OK)
			r = kh_buf_append(&all, one.data, one.len);
		kh_buf_cleanup(&one);
	}
	if (r != KH_OK)
		goto out;
	c->n_gambling_terms = kh_site_gambling_terms(kh_buf_str(&all), &found);
	join_terms(&found, c->gambling_terms, sizeof(c->gambling_terms));
	/* one ordinary-looking word is not spam; two terms or a hidden link is */
	c->gambling_spam = c->n_gambling_hidden_links > 0 || c->n_gambling_terms >= 2;
 out:
	kh_buf_cleanup(&all);
	kh_buf_cleanup(&found);
	return r;
}

static enum kh_err
defacement(struct kh_site_content *c, const char *title, const char *folded)
{
	struct kh_buf t, found;
	enum kh_err r;

	kh_buf_init(&t, 0);
	kh_buf_init(&found, 0);
	if ((r = kh_site_fold_text(title, &t)) == KH_OK) {
		size_t in_title = kh_site_defacement_terms(kh_buf_str(&t), NULL);
		c->n_defacement_terms = kh_site_defacement_terms(folded, &found) + in_title;
		if (in_title > 0 && found.len == 0)
			(void)kh_site_defacement_terms(kh_buf_str(&t), &found);
		join_terms(&found, c->defacement_terms, sizeof(c->defacement_terms));
		c->defaced = in_title > 0 || strstr(folded, "hacked by") != NULL ||
		             strstr(folded, "defaced by") != NULL || strstr(folded, "h4ck3d") != NULL;
	}
	kh_buf_cleanup(&t);
	kh_buf_cleanup(&found);
	return r;
}

struct yara_ctx {
	struct kh_site_content *c;
};

static void
on_yara(const struct kh_scan_event *ev, void *ctx)
{
	struct kh_site_content *c = ((struct yara_ctx *)ctx)->c;
	size_t used = strlen(c->yara_matches);

	if (ev->type != KH_SCAN_EV_DETECTION)
		return;
	c->n_yara_matches++;
	if (used + strlen(ev->match) + 3 < sizeof(c->yara_matches))
		(void)!snprintf(c->yara_matches + used, sizeof(c->yara_matches) - used, "%s%s",
		                used ? ", " : "", ev->match);
}

static enum kh_err
yara_page(struct kh_site_result *res, const struct kh_site_check_opts *opts,
          const struct kh_site_response *resp)
{
	struct yara_ctx ctx = { &res->content };
	struct kh_scan_options so = { .n_threads = 1, .no_archives = true };
	struct kh_scan_summary sum;
	struct kh_scan *scan = NULL;
	enum kh_err r;

	if (opts->rules == NULL)
		return KH_OK;
	if ((r = kh_scan_new(&so, opts->rules, NULL, on_yara, &ctx, &scan, NULL)) != KH_OK)
		return r == KH_ENOMEM ? r : KH_OK;
	r = kh_scan_mem(scan, res->url, resp->body, resp->body_len, &sum);
	kh_scan_free(scan);
	return r == KH_ENOMEM ? r : KH_OK;
}

static enum kh_err
content(struct kh_site_result *res, const struct kh_site_check_opts *opts,
        struct kh_site_page *page)
{
	const struct kh_site_response *resp = res->http.auto_resp.present ? &res->http.auto_resp
	                                                                  : &res->http.http;
	struct kh_site_content *c = &res->content;
	struct kh_buf folded;
	struct kh_diag diag;
	enum kh_err r;

	if (!resp->present || resp->body == NULL)
		return KH_OK;
	if ((r = kh_site_page_parse(kh_cur_make(resp->body, resp->body_len), page)) != KH_OK)
		return r;
	c->fetched = true;
	c->n_links = page->n_links;
	c->n_scripts = page->n_scripts;
	kh_strlcpy(c->title, page->title, sizeof(c->title));
	if ((r = kh_hash_hex(KH_HASH_SHA256, page->text, strlen(page->text), c->text_sha256,
	                     sizeof(c->text_sha256))) != KH_OK)
		return r;
	kh_buf_init(&folded, 0);
	if ((r = kh_site_fold_text(page->text, &folded)) == KH_OK &&
	    (r = gambling(c, page, kh_buf_str(&folded))) == KH_OK &&
	    (r = defacement(c, page->title, kh_buf_str(&folded))) == KH_OK)
		site_owner_info(c, kh_buf_str(&folded), page->text);
	kh_buf_cleanup(&folded);
	if (r == KH_OK && opts->baseline_dir != NULL) {
		kh_diag_clear(&diag);
		if ((r = site_baseline(c, opts->baseline_dir, res->url, page, &diag)) != KH_OK &&
		    r != KH_ENOMEM) {
			site_result_error(res, "baseline: %s", diag.msg[0] ? diag.msg : kh_strerror(r));
			r = KH_OK;
		}
	}
	return r == KH_OK ? yara_page(res, opts, resp) : r;
}

enum kh_err
kh_site_check(const char *url, const struct kh_site_check_opts *opts_in,
              struct kh_site_result *out, struct kh_diag *diag)
{
	struct kh_site_check_opts opts = *opts_in;
	struct kh_site_page page = { 0 };
	uint64_t start = kh_time_mono_ns();
	uint64_t seconds = opts.site_seconds ? opts.site_seconds : KH_LIMIT(max_site_seconds);
	struct kh_diag tls_diag;
	enum kh_err r;

	memset(out, 0, sizeof(*out));
	if ((r = parse_target(url, &opts, out, diag)) != KH_OK)
		return r;
	opts.site.deadline_ns = start + seconds * 1000000000ull;
	kh_diag_clear(&tls_diag);
	if ((r = kh_site_tls_assess(out->host, out->https_port, &opts.site, &out->tls, &tls_diag)) != KH_OK)
		goto out;
	out->tls_checked = true;
	if (out->tls.error[0] != '\0')
		site_result_error(out, "tls: %s", out->tls.error);
	if ((r = do_http(out, &opts)) != KH_OK || (r = content(out, &opts, &page)) != KH_OK)
		goto out;
	kh_site_fingerprint(out, page.text != NULL ? &page : NULL);
	if (!opts.skip_exposures && (r = kh_site_exposures(out, &opts)) != KH_OK)
		goto out;
	if (site_deadline_passed(&opts.site))
		site_result_error(out, "%s", KH_MSG("site time limit reached; results partial",
		                                    "hết thời gian cho phép; kết quả chưa đủ"));
	kh_site_checklist(out);
	out->seconds = (double)(kh_time_mono_ns() - start) / 1e9;
	r = KH_OK;
 out:
	kh_site_page_cleanup(&page);
	if (r != KH_OK && r != KH_EINVAL)
		kh_site_result_cleanup(out);
	return r;
}
