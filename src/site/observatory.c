/* observatory.c — the MDN HTTP Observatory 1.4.8 header tests and score
 * (src/analyzer/tests/, src/scanner/index.js, src/grader/charts.js),
 * re-implemented on recorded responses so both give the same grade. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "khien/site.h"
#include "site_int.h"

/* grader/charts.js SCORE_TABLE: the score modifier of every result. */
static const struct {
	const char *result;
	int modifier;
} score_table[] = {
	{ "csp-implemented-with-no-unsafe-default-src-none", 10 },
	{ "csp-implemented-with-no-unsafe", 5 },
	{ "csp-implemented-with-unsafe-inline-in-style-src-only", 0 },
	{ "csp-implemented-with-insecure-scheme-in-passive-content-only", -10 },
	{ "csp-implemented-with-unsafe-eval", -10 },
	{ "csp-implemented-with-unsafe-inline", -20 },
	{ "csp-implemented-with-insecure-scheme", -20 },
	{ "csp-header-invalid", -25 },
	{ "csp-not-implemented", -25 },
	{ "csp-not-implemented-but-reporting-enabled", -25 },
	{ "csp-implemented-but-duplicate-directives", 0 },
	{ "cookies-secure-with-httponly-sessions-and-samesite", 5 },
	{ "cookies-secure-with-httponly-sessions", 0 },
	{ "cookies-not-found", 0 },
	{ "cookies-without-secure-flag-but-protected-by-hsts", -5 },
	{ "cookies-session-without-secure-flag-but-protected-by-hsts", -10 },
	{ "cookies-without-secure-flag", -20 },
	{ "cookies-samesite-flag-invalid", -20 },
	{ "cookies-anticsrf-without-samesite-flag", -20 },
	{ "cookies-session-without-httponly-flag", -30 },
	{ "cookies-session-without-secure-flag", -40 },
	{ "cross-origin-resource-sharing-not-implemented", 0 },
	{ "cross-origin-resource-sharing-implemented-with-public-access", 0 },
	{ "cross-origin-resource-sharing-implemented-with-restricted-access", 0 },
	{ "cross-origin-resource-sharing-implemented-with-universal-access", -50 },
	{ "redirection-all-redirects-preloaded", 0 },
	{ "redirection-to-https", 0 },
	{ "redirection-not-needed-no-http", 0 },
	{ "redirection-off-host-from-http", -5 },
	{ "redirection-not-to-https-on-initial-redirection", -10 },
	{ "redirection-not-to-https", -20 },
	{ "redirection-missing", -20 },
	{ "redirection-invalid-cert", -20 },
	{ "referrer-policy-private", 5 },
	{ "referrer-policy-not-implemented", 0 },
	{ "referrer-policy-unsafe", -5 },
	{ "referrer-policy-header-invalid", -5 },
	{ "hsts-preloaded", 5 },
	{ "hsts-implemented-max-age-at-least-six-months", 0 },
	{ "hsts-implemented-max-age-less-than-six-months", -10 },
	{ "hsts-not-implemented", -20 },
	{ "hsts-header-invalid", -20 },
	{ "hsts-not-implemented-no-https", -20 },
	{ "hsts-invalid-cert", -20 },
	{ "sri-implemented-and-all-scripts-loaded-securely", 5 },
	{ "sri-implemented-and-external-scripts-loaded-securely", 5 },
	{ "sri-not-implemented-response-not-html", 0 },
	{ "sri-not-implemented-but-no-scripts-loaded", 0 },
	{ "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0 },
	{ "sri-not-implemented-but-external-scripts-loaded-securely", -5 },
	{ "sri-implemented-but-external-scripts-not-loaded-securely", -20 },
	{ "sri-not-implemented-and-external-scripts-not-loaded-securely", -50 },
	{ "x-content-type-options-nosniff", 0 },
	{ "x-content-type-options-not-implemented", -5 },
	{ "x-content-type-options-header-invalid", -5 },
	{ "x-frame-options-implemented-via-csp", 5 },
	{ "x-frame-options-sameorigin-or-deny", 0 },
	{ "x-frame-options-allow-from-origin", 0 },
	{ "x-frame-options-not-implemented", -20 },
	{ "x-frame-options-header-invalid", -20 },
	{ "corp-header-invalid", -5 },
	{ "corp-implemented-with-cross-origin", 0 },
	{ "corp-implemented-with-same-origin", 10 },
	{ "corp-implemented-with-same-site", 10 },
	{ "corp-not-implemented", 0 },
	{ "html-not-parseable", -20 },
};

static int
modifier(const char *result)
{
	for (size_t i = 0; result != NULL && i < sizeof(score_table) / sizeof(score_table[0]); i++)
		if (strcmp(score_table[i].result, result) == 0)
			return score_table[i].modifier;
	return 0;
}

static bool
in_list(const char *s, const char *const *list)
{
	for (; s != NULL && *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* utils.js onlyIfWorse: keep the later one in `order` (best first). */
static const char *
only_if_worse(const char *new_result, const char *old, const char *const *order)
{
	int i_new = -1, i_old = -1;

	if (old == NULL)
		return new_result;
	for (int i = 0; order[i] != NULL; i++) {
		if (strcmp(order[i], new_result) == 0)
			i_new = i;
		if (strcmp(order[i], old) == 0)
			i_old = i;
	}
	return i_new > i_old ? new_result : old;
}

/* A trimmed, lower-cased copy of at most max_chars bytes of s. */
static char *
trim_lower(const char *s, size_t max_chars)
{
	char *t = kh_strndup(s, max_chars);

	if (t == NULL)
		return NULL;
	kh_str_trim(t);
	for (char *p = t; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return t;
}

struct obs {
	const struct kh_site_http_record *rec;
	bool session_https;
	struct kh_buf meta_csp;     /* contents, each NUL-terminated */
	size_t n_meta_csp;
	char *meta_referrer;
	bool csp_frame_ancestors;  /* CSP test's data has frame-ancestors */
	bool hsts_pass;
	struct kh_buf scripts;     /* per script: src NUL integrity-or-\1 NUL */
	size_t n_scripts;
};

/* types.js HTML_TYPES; the retriever compares the part before ';' as is. */
static bool
is_html(const struct kh_site_response *r)
{
	char *ct = kh_site_response_header(r, "content-type");
	char *semi;
	bool html;

	if (ct == NULL)
		return false;
	if ((semi = strchr(ct, ';')) != NULL)
		*semi = '\0';
	html = strcmp(ct, "text/html") == 0 || strcmp(ct, "application/xhtml+xml") == 0;
	kh_free(ct);
	return html;
}

static enum kh_err
on_tag(const struct site_html_tag *t, void *ctx)
{
	struct obs *o = ctx;
	const char *equiv, *content, *name, *src, *integ;
	char *e;
	enum kh_err r;

	if (t->is_end)
		return KH_OK;
	if (strcmp(t->name, "script") == 0) {
		src = site_html_attr(t, "src");
		integ = site_html_attr(t, "integrity");
		o->n_scripts++;
		if ((r = kh_buf_append(&o->scripts, src ? src : "", strlen(src ? src : "") + 1)) != KH_OK)
			return r;
		return kh_buf_append(&o->scripts, integ ? integ : "\1", strlen(integ ? integ : "\1") + 1);
	}
	if (strcmp(t->name, "meta") != 0)
		return KH_OK;
	equiv = site_html_attr(t, "http-equiv");
	content = site_html_attr(t, "content");
	name = site_html_attr(t, "name");
	/* retriever/utils.js parseHttpEquivHeaders */
	if (equiv != NULL && content != NULL) {
		if (*content == '\0' || (e = trim_lower(equiv, 4096)) == NULL)
			return *content == '\0' ? KH_OK : KH_ENOMEM;
		r = KH_OK;
		if (strcmp(e, "content-security-policy") == 0) {
			r = kh_buf_append(&o->meta_csp, content, strlen(content) + 1);
			o->n_meta_csp++;
		}
		kh_free(e);
		return r;
	}
	if (name != NULL && (e = trim_lower(name, 4096)) != NULL) {
		if (strcmp(e, "referrer") == 0 && content != NULL && *content != '\0') {
			kh_free(o->meta_referrer);
			o->meta_referrer = kh_strdup(content);
		}
		kh_free(e);
	}
	return KH_OK;
}

static enum kh_err
read_page(struct obs *o)
{
	const struct kh_site_response *r = &o->rec->auto_resp;
	struct site_html_cb cb = { .tag = on_tag };

	if (!is_html(r) || r->body == NULL || r->body_len == 0)
		return KH_OK;
	return site_html_walk(kh_cur_make(r->body, r->body_len), &cb, o);
}

/* ---- content-security-policy (analyzer/tests/csp.js) ---- */

static const char *const dangerously_broad[] = { "ftp:", "http:", "https:", "*",
	"http://*", "http://*.*", "https://*", "https://*.*", NULL };
static const char *const broad_and_unsafe_inline[] = { "ftp:", "http:", "https:", "*",
	"http://*", "http://*.*", "https://*", "https://*.*", "'unsafe-inline'", "data:", NULL };

static bool
any_in(const struct kh_site_csp_directive *d, const char *const *set)
{
	for (size_t i = 0; d != NULL && i < d->n_sources; i++)
		if (in_list(d->sources[i], set))
			return true;
	return false;
}

static bool
any_prefix(const struct kh_site_csp_directive *d, const char *a, const char *b)
{
	for (size_t i = 0; d != NULL && i < d->n_sources; i++)
		if (kh_str_starts_with(d->sources[i], a) || kh_str_starts_with(d->sources[i], b))
			return true;
	return false;
}

static bool
has_nonce_or_hash(const struct kh_site_csp_directive *d)
{
	static const char *const p[] = { "'sha256-", "'sha384-", "'sha512-", "'nonce-" };
	for (size_t i = 0; d != NULL && i < d->n_sources; i++)
		for (size_t k = 0; k < 4; k++)
			if (kh_str_starts_with(d->sources[i], p[k]))
				return true;
	return false;
}

/* Removes sources for which drop() says so (the JS deletes from the Set). */
static void
remove_sources(struct kh_site_csp_directive *d, bool (*drop)(const char *))
{
	size_t k = 0;

	for (size_t i = 0; i < d->n_sources; i++) {
		if (drop(d->sources[i]))
			kh_free(d->sources[i]);
		else
			d->sources[k++] = d->sources[i];
	}
	d->n_sources = k;
}

static bool
is_unsafe_inline(const char *s)
{
	return strcmp(s, "'unsafe-inline'") == 0;
}

static bool
strict_dynamic_drops(const char *s)
{
	for (size_t i = 0; dangerously_broad[i] != NULL; i++)
		if (kh_str_starts_with(s, dangerously_broad[i]))
			return true;
	return strcmp(s, "'self'") == 0 || is_unsafe_inline(s);
}

/* csp.get(a) || csp.get(b) || fallback */
static struct kh_site_csp_directive *
pick(struct kh_site_csp *csp, const char *a, const char *b,
     struct kh_site_csp_directive *fallback)
{
	const struct kh_site_csp_directive *d = kh_site_csp_get(csp, a);

	if (d == NULL && b != NULL)
		d = kh_site_csp_get(csp, b);
	return d != NULL ? (struct kh_site_csp_directive *)d : fallback;
}

static size_t
csp_size(const struct kh_site_csp *c)
{
	return c == NULL ? 0 : c->n_dirs + (c->duplicate_report_directives ? 1 : 0);
}

static bool
active_insecure(struct kh_site_csp *csp, const struct kh_site_csp_directive *script)
{
	for (size_t i = 0; i < csp->n_dirs; i++) {
		const char *n = csp->dirs[i].name;
		if (strcmp(n, "img-src") == 0 || strcmp(n, "media-src") == 0 ||
		    strcmp(n, "script-src") == 0)
			continue;
		if (any_prefix(&csp->dirs[i], "http:", "ftp:"))
			return true;
	}
	return any_prefix(script, "http:", "ftp:");
}

static const char *
csp_policy_result(struct obs *o, struct kh_site_csp *csp)
{
	char *star_src[] = { (char *)"*" };
	struct kh_site_csp_directive star_o = { NULL, star_src, 1 }, star_s = star_o,
	                             star_st = star_o, empty = { NULL, NULL, 0 };
	struct kh_site_csp_directive *object = pick(csp, "object-src", "default-src", &star_o);
	struct kh_site_csp_directive *script = pick(csp, "script-src", "default-src", &star_s);
	struct kh_site_csp_directive *style = pick(csp, "style-src", "default-src", &star_st);
	const struct kh_site_csp_directive *def = kh_site_csp_get(csp, "default-src");
	const char *res = NULL;

	if (has_nonce_or_hash(script) && kh_site_csp_has(script, "'unsafe-inline'"))
		remove_sources(script, is_unsafe_inline);
	if (has_nonce_or_hash(style) && kh_site_csp_has(style, "'unsafe-inline'"))
		remove_sources(style, is_unsafe_inline);
	if (has_nonce_or_hash(script) && kh_site_csp_has(script, "'strict-dynamic'"))
		remove_sources(script, strict_dynamic_drops);
	else if (kh_site_csp_has(script, "'strict-dynamic'"))
		res = "csp-header-invalid";
	if (!res && (any_in(script, broad_and_unsafe_inline) || any_in(object, dangerously_broad)))
		res = "csp-implemented-with-unsafe-inline";
	if (!res && o->session_https && active_insecure(csp, script))
		res = "csp-implemented-with-insecure-scheme";
	if (!res && (kh_site_csp_has(script, "'unsafe-eval'") || kh_site_csp_has(style, "'unsafe-eval'")))
		res = "csp-implemented-with-unsafe-eval";
	if (!res && o->session_https &&
	    (any_prefix(pick(csp, "img-src", "default-src", &empty), "http:", "ftp:") ||
	     any_prefix(pick(csp, "media-src", "default-src", &empty), "http:", "ftp:")))
		res = "csp-implemented-with-insecure-scheme-in-passive-content-only";
	if (!res && any_in(style, broad_and_unsafe_inline))
		res = "csp-implemented-with-unsafe-inline-in-style-src-only";
	if (!res && def != NULL && def->n_sources == 1 && kh_site_csp_has(def, "'none'"))
		res = "csp-implemented-with-no-unsafe-default-src-none";
	if (!res)
		res = "csp-implemented-with-no-unsafe";
	return res;
}

static enum kh_err
parse_list(struct kh_cur *list, size_t n, bool meta, struct kh_site_csp **out, bool *bad)
{
	enum kh_err r = kh_site_csp_parse(list, n, meta, out, NULL);

	*bad = r == KH_EFORMAT || r == KH_ELIMIT;
	return *bad ? KH_OK : r;
}

static enum kh_err
test_csp(struct obs *o, struct kh_site_obs_test *t)
{
	static const char *const passing[] = { "csp-implemented-with-no-unsafe",
		"csp-implemented-with-no-unsafe-default-src-none",
		"csp-implemented-with-unsafe-inline-in-style-src-only",
		"csp-implemented-with-insecure-scheme-in-passive-content-only", NULL };
	const struct kh_site_response *resp = &o->rec->auto_resp;
	struct kh_site_csp *all = NULL, *http_only = NULL, *meta = NULL;
	struct kh_cur list[1 + 64];
	char *http = NULL, *ro = NULL;
	size_t n = 0, n_meta = 0;
	struct kh_cur m;
	bool bad;
	enum kh_err r;

	t->name = "content-security-policy";
	t->result = "csp-not-implemented";
	if (!resp->present || o->rec->session_url == NULL)
		return KH_OK;
	if ((http = kh_site_response_header(resp, "content-security-policy")) != NULL)
		list[n++] = kh_cur_from_str(http);
	m = kh_buf_cur(&o->meta_csp);
	for (size_t i = 0; i < o->n_meta_csp && n < sizeof(list) / sizeof(list[0]); i++, n_meta++)
		(void)kh_cur_take_until(&m, 0, &list[n++]);
	if ((r = parse_list(list, n, false, &all, &bad)) != KH_OK)
		goto out;
	if (bad) {
		t->result = "csp-header-invalid";
		goto out;
	}
	if ((r = parse_list(list, http ? 1 : 0, false, &http_only, &bad)) != KH_OK ||
	    (r = parse_list(list + (http ? 1 : 0), n_meta, true, &meta, &bad)) != KH_OK)
		goto out;
	if (csp_size(http_only) + csp_size(meta) == 0) {
		ro = kh_site_response_header(resp, "content-security-policy-report-only");
		t->result = ro != NULL && *ro != '\0' ? "csp-not-implemented-but-reporting-enabled"
		                                      : "csp-not-implemented";
		goto out;
	}
	o->csp_frame_ancestors = kh_site_csp_get(all, "frame-ancestors") != NULL;
	t->result = csp_policy_result(o, all);
	if (in_list(t->result, passing)) {
		t->pass = true;
		if (all->duplicate_report_directives)
			t->result = "csp-implemented-but-duplicate-directives";
	}
 out:
	kh_site_csp_free(all);
	kh_site_csp_free(http_only);
	kh_site_csp_free(meta);
	kh_free(http);
	kh_free(ro);
	return r;
}

/* ---- strict-transport-security (analyzer/tests/strict-transport-security.js) ---- */

/* JavaScript parseInt(s, 10): NaN (returned as false) when no digits. */
static bool
js_parse_int(const char *s, long long *out)
{
	bool neg = false, any = false;
	long long v = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, any = true)
		if (v < (1LL << 53))
			v = v * 10 + (*s - '0');
	*out = neg ? -v : v;
	return any;
}

#define SIX_MONTHS 15552000LL

static const char *
hsts_value(const char *header)
{
	struct kh_cur rest, part;
	char *data = kh_strndup(header, 1024), *p;
	const char *res = "hsts-header-invalid";
	bool have_age = false, age_nan = false;
	long long age = 0;

	if (data == NULL || strchr(data, ',') != NULL) {
		kh_free(data);
		return res;
	}
	rest = kh_cur_from_str(data);
	while (kh_cur_take_until(&rest, ';', &part)) {
		if ((p = kh_cur_dup(&part)) == NULL)
			break;
		kh_str_trim(p);
		for (char *q = p; *q != '\0'; q++)
			*q = (char)tolower((unsigned char)*q);
		if (kh_str_starts_with(p, "max-age=")) {
			char *v = kh_strndup(p + 8, 120); /* slice(8, 128) */
			have_age = true;
			age_nan = v == NULL || !js_parse_int(v, &age);
			kh_free(v);
		}
		kh_free(p);
	}
	kh_free(data);
	if (!have_age)
		return res;
	/* NaN < SIX_MONTHS is false in JavaScript: an unreadable max-age passes */
	return !age_nan && age < SIX_MONTHS ? "hsts-implemented-max-age-less-than-six-months"
	                                    : "hsts-implemented-max-age-at-least-six-months";
}

static enum kh_err
test_hsts(struct obs *o, struct kh_site_obs_test *t)
{
	const struct kh_site_response *resp = &o->rec->https;
	char *h;

	t->name = "strict-transport-security";
	t->result = "hsts-not-implemented";
	if (!resp->present)
		t->result = "hsts-not-implemented-no-https";
	else if (!resp->verified)
		t->result = "hsts-invalid-cert";
	else if ((h = kh_site_response_header(resp, "strict-transport-security")) != NULL) {
		t->result = hsts_value(h);
		kh_free(h);
	}
	/* conf/hsts-preload.json is empty here (obs_setup.sh): nothing preloaded */
	t->pass = strcmp(t->result, "hsts-implemented-max-age-at-least-six-months") == 0;
	o->hsts_pass = t->pass;
	return KH_OK;
}

/* ---- cookies (analyzer/tests/cookies.js, tough-cookie 5 jar rules) ---- */

struct cookie {
	char name[256];
	bool secure, http_only, same_site, same_site_none;
};

static bool
bad_same_site(const char *raw)
{
	struct kh_cur rest = kh_cur_from_str(raw), part, key, val;
	char *k, *v;
	bool bad = false;

	while (!bad && kh_cur_take_until(&rest, ';', &part)) {
		kh_cur_trim(&part);
		if (!kh_cur_take_until(&part, '=', &key))
			continue;
		/* split("=")[1]: the text up to the next '=' */
		if (!kh_cur_take_until(&part, '=', &val))
			val.len = 0;
		kh_cur_trim(&key);
		if ((k = kh_cur_dup(&key)) == NULL)
			return false;
		if (kh_str_casecmp(k, "samesite") == 0) {
			if ((v = kh_cur_dup(&val)) == NULL) {
				kh_free(k);
				return false;
			}
			kh_str_trim(v);
			bad = kh_str_casecmp(v, "lax") != 0 && kh_str_casecmp(v, "strict") != 0 &&
			      kh_str_casecmp(v, "none") != 0;
			kh_free(v);
		}
		kh_free(k);
	}
	return bad;
}

/* Host of a URL ("https://user@Host:8443/p" -> "host"), lower case. */
static void
url_host(const char *url, char *out, size_t size)
{
	const char *p = strstr(url != NULL ? url : "", "://"), *end, *at;
	size_t n;

	out[0] = '\0';
	if (p == NULL)
		return;
	p += 3;
	end = p + strcspn(p, "/?#");
	if ((at = memchr(p, '@', (size_t)(end - p))) != NULL)
		p = at + 1;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		end = close != NULL ? close + 1 : end;
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		end = colon != NULL ? colon : end;
	}
	n = (size_t)(end - p) < size - 1 ? (size_t)(end - p) : size - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)p[i]);
	out[n] = '\0';
}

/* RFC 6265 5.1.3 domain-match */
static bool
domain_match(const char *host, const char *domain)
{
	size_t h = strlen(host), d = strlen(domain);

	if (strcmp(host, domain) == 0)
		return true;
	return h > d && host[h - d - 1] == '.' && strcmp(host + h - d, domain) == 0 &&
	       strspn(host, "0123456789.") != h;
}

/* tough-cookie parse() (strict mode) and the jar's checks on one header.
 * Returns false when the jar would drop the cookie. */
static bool
parse_cookie(const char *raw, const char *host, struct cookie *c, char *domain,
             size_t dsize, char *path, size_t psize)
{
	struct kh_cur rest = kh_cur_from_str(raw), pair, name, attr, key;
	char k[32];
	bool host_only = true;

	memset(c, 0, sizeof(*c));
	kh_strlcpy(domain, host, dsize);
	kh_strlcpy(path, "/", psize);
	kh_cur_trim(&rest);
	(void)kh_cur_take_until(&rest, ';', &pair);
	/* tough-cookie trimTerminator: the pair ends at CR, LF or NUL */
	for (size_t i = 0; i < pair.len; i++)
		if (pair.p[i] == '\n' || pair.p[i] == '\r' || pair.p[i] == '\0') {
			pair.len = i;
			break;
		}
	/* strict mode: a '=' that is not the first character is required */
	if (pair.len == 0 || pair.p[0] == '=' || memchr(pair.p, '=', pair.len) == NULL)
		return false;
	(void)kh_cur_take_until(&pair, '=', &name);
	kh_cur_trim(&name);
	if (name.len == 0 || name.len >= sizeof(c->name) || !kh_cur_no_nul(&name))
		return false;
	for (size_t i = 0; i < name.len; i++)
		if (name.p[i] < 0x20)
			return false;
	memcpy(c->name, name.p, name.len);
	while (kh_cur_take_until(&rest, ';', &attr)) {
		kh_cur_trim(&attr);
		(void)kh_cur_take_until(&attr, '=', &key);
		kh_cur_trim(&key);
		kh_cur_trim(&attr);
		if (key.len == 0 || key.len >= sizeof(k))
			continue;
		for (size_t i = 0; i < key.len; i++)
			k[i] = (char)tolower(key.p[i]);
		k[key.len] = '\0';
		if (strcmp(k, "secure") == 0)
			c->secure = true;
		else if (strcmp(k, "httponly") == 0)
			c->http_only = true;
		else if (strcmp(k, "samesite") == 0) {
			char v[8] = "";
			if (attr.len < sizeof(v))
				for (size_t i = 0; i < attr.len; i++)
					v[i] = (char)tolower(attr.p[i]);
			c->same_site = strcmp(v, "strict") == 0 || strcmp(v, "lax") == 0 ||
			               strcmp(v, "none") == 0;
			c->same_site_none = strcmp(v, "none") == 0;
		} else if (strcmp(k, "domain") == 0 && attr.len > 0) {
			while (attr.len > 0 && attr.p[0] == '.' && kh_cur_skip(&attr, 1))
				;
			if (attr.len == 0 || attr.len >= dsize)
				continue;
			for (size_t i = 0; i < attr.len; i++)
				domain[i] = (char)tolower(attr.p[i]);
			domain[attr.len] = '\0';
			host_only = false;
		} else if (strcmp(k, "path") == 0 && attr.len > 0 && attr.p[0] == '/' &&
		           attr.len < psize) {
			memcpy(path, attr.p, attr.len);
			path[attr.len] = '\0';
		}
	}
	if (!host_only && !domain_match(host, domain))
		return false;
	/* RFC 6265bis 4.1.3: cookie name prefixes (the jar drops silently) */
	if (strncmp(c->name, "__Secure-", 9) == 0 && !c->secure)
		return false;
	if (strncmp(c->name, "__Host-", 7) == 0 &&
	    (!c->secure || !host_only || strcmp(path, "/") != 0))
		return false;
	return true;
}

#define MAX_JAR 256
struct jar_entry {
	struct cookie c;
	char domain[256], path[256];
};

static bool
contains_ci(const char *hay, const char *needle)
{
	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, strlen(needle)) == 0)
			return true;
	return false;
}

static size_t
fill_jar(const struct kh_site_response *resp, struct jar_entry *jar)
{
	struct jar_entry e;
	char host[256];
	size_t n = 0, i;

	url_host(resp->url, host, sizeof(host));
	for (size_t h = 0; h < resp->n_headers; h++) {
		if (kh_str_casecmp(resp->headers[h].name, "set-cookie") != 0 ||
		    !parse_cookie(resp->headers[h].value, host, &e.c, e.domain,
		                  sizeof(e.domain), e.path, sizeof(e.path)) ||
		    strcmp(e.c.name, "heroku-session-affinity") == 0) /* COOKIES_TO_DELETE */
			continue;
		/* RFC 6265 5.3 step 11: same name, domain and path replace */
		for (i = 0; i < n; i++)
			if (strcmp(jar[i].c.name, e.c.name) == 0 &&
			    strcmp(jar[i].domain, e.domain) == 0 && strcmp(jar[i].path, e.path) == 0)
				break;
		if (i < n)
			jar[i] = e;
		else if (n < MAX_JAR)
			jar[n++] = e;
	}
	return n;
}

static enum kh_err
test_cookies(struct obs *o, struct kh_site_obs_test *t)
{
	static const char *const order[] = {
		"cookies-without-secure-flag-but-protected-by-hsts",
		"cookies-without-secure-flag",
		"cookies-session-without-secure-flag-but-protected-by-hsts",
		"cookies-samesite-flag-invalid",
		"cookies-anticsrf-without-samesite-flag",
		"cookies-session-without-httponly-flag",
		"cookies-session-without-secure-flag", NULL };
	const struct kh_site_response *resp = &o->rec->auto_resp;
	struct jar_entry *jar;
	const char *res = NULL;
	bool missing_same_site = false;
	size_t n;

	t->name = "cookies";
	for (size_t h = 0; h < resp->n_headers; h++)
		if (kh_str_casecmp(resp->headers[h].name, "set-cookie") == 0 &&
		    bad_same_site(resp->headers[h].value))
			res = only_if_worse("cookies-samesite-flag-invalid", res, order);
	if ((jar = kh_calloc(MAX_JAR, sizeof(*jar))) == NULL)
		return KH_ENOMEM;
	n = resp->present ? fill_jar(resp, jar) : 0;
	for (size_t i = 0; i < n; i++) {
		const struct cookie *c = &jar[i].c;
		bool session = contains_ci(c->name, "login") || contains_ci(c->name, "sess");
		if (!c->secure && c->same_site_none)
			res = only_if_worse("cookies-samesite-flag-invalid", res, order);
		if (!c->secure)
			res = only_if_worse(o->hsts_pass ? "cookies-without-secure-flag-but-protected-by-hsts"
			                                 : "cookies-without-secure-flag", res, order);
		if (contains_ci(c->name, "csrf") && !c->same_site)
			res = only_if_worse("cookies-anticsrf-without-samesite-flag", res, order);
		if (session && !c->secure)
			res = only_if_worse(o->hsts_pass
			                    ? "cookies-session-without-secure-flag-but-protected-by-hsts"
			                    : "cookies-session-without-secure-flag", res, order);
		if (session && !c->http_only)
			res = only_if_worse("cookies-session-without-httponly-flag", res, order);
		missing_same_site |= !c->same_site;
	}
	if (n == 0)
		res = "cookies-not-found";
	else if (res == NULL)
		res = missing_same_site ? "cookies-secure-with-httponly-sessions"
		                        : "cookies-secure-with-httponly-sessions-and-samesite";
	kh_free(jar);
	t->result = res;
	t->pass = strcmp(res, "cookies-not-found") == 0 ||
	          strcmp(res, "cookies-secure-with-httponly-sessions-and-samesite") == 0 ||
	          strcmp(res, "cookies-secure-with-httponly-sessions") == 0;
	return KH_OK;
}

/* ---- cross-origin-resource-sharing (analyzer/tests/cors.js) ---- */

static enum kh_err
test_cors(struct obs *o, struct kh_site_obs_test *t)
{
	const struct kh_site_response *resp = &o->rec->cors;
	char *acao = NULL, *cred = NULL, *data = NULL;

	t->name = "cross-origin-resource-sharing";
	t->result = "cross-origin-resource-sharing-not-implemented";
	t->pass = true;
	if (!resp->present || (acao = kh_site_response_header(resp, "access-control-allow-origin")) == NULL ||
	    *acao == '\0')
		goto out;
	if ((data = trim_lower(acao, 256)) == NULL) {
		kh_free(acao);
		return KH_ENOMEM;
	}
	cred = kh_site_response_header(resp, "access-control-allow-credentials");
	if (strcmp(data, "*") == 0) {
		t->result = "cross-origin-resource-sharing-implemented-with-public-access";
	} else if (o->rec->cors_origin != NULL && strcmp(o->rec->cors_origin, acao) == 0 &&
	           cred != NULL && (kh_str_trim(cred), kh_str_casecmp(cred, "true") == 0)) {
		t->result = "cross-origin-resource-sharing-implemented-with-universal-access";
		t->pass = false;
	} else {
		t->result = "cross-origin-resource-sharing-implemented-with-restricted-access";
	}
 out:
	kh_free(acao);
	kh_free(cred);
	kh_free(data);
	return KH_OK;
}

/* ---- redirection (analyzer/tests/redirection.js) ---- */

static bool
url_is(const char *url, const char *scheme)
{
	return url != NULL && kh_str_starts_with(url, scheme);
}

static const char *const redirect_passing[] = { "redirection-not-needed-no-http",
	"redirection-all-redirects-preloaded", "redirection-to-https", NULL };

static enum kh_err
test_redirection(struct obs *o, struct kh_site_obs_test *t)
{
	const struct kh_site_http_record *rec = o->rec;
	const struct kh_site_hop *route = rec->redirects;
	size_t n = rec->n_redirects;
	char h0[256], h1[256];

	t->name = "redirection";
	if (!rec->http.present)
		t->result = "redirection-not-needed-no-http";
	else if (!rec->http.verified)
		t->result = "redirection-invalid-cert";
	else if (n == 0) /* [].every() is true: "all preloaded" */
		t->result = "redirection-all-redirects-preloaded";
	else if (n == 1)
		t->result = "redirection-missing";
	else if (!url_is(route[n - 1].url, "https:"))
		t->result = "redirection-not-to-https";
	else if (url_is(route[1].url, "http:"))
		t->result = "redirection-not-to-https-on-initial-redirection";
	else {
		url_host(route[0].url, h0, sizeof(h0));
		url_host(route[1].url, h1, sizeof(h1));
		t->result = url_is(route[0].url, "http:") && url_is(route[1].url, "https:") &&
		                    strcmp(h0, h1) != 0
		            ? "redirection-off-host-from-http" : "redirection-to-https";
	}
	t->pass = in_list(t->result, redirect_passing);
	return KH_OK;
}

/* ---- referrer-policy (analyzer/tests/referrer-policy.js) ---- */

static enum kh_err
test_referrer(struct obs *o, struct kh_site_obs_test *t)
{
	static const char *const good[] = { "no-referrer", "same-origin", "strict-origin",
		"strict-origin-when-cross-origin", NULL };
	static const char *const bad[] = { "origin", "origin-when-cross-origin", "unsafe-url",
		"no-referrer-when-downgrade", NULL };
	char *http = kh_site_response_header(&o->rec->auto_resp, "referrer-policy");
	char *policy = NULL, *item;
	struct kh_buf data;
	struct kh_cur rest, part;
	enum kh_err r = KH_OK;

	t->name = "referrer-policy";
	t->result = "referrer-policy-not-implemented";
	t->pass = true;
	if (!o->rec->auto_resp.present || (http == NULL && o->meta_referrer == NULL))
		goto out;
	kh_buf_init(&data, 0);
	if ((http != NULL && (r = kh_buf_append_str(&data, http)) != KH_OK) ||
	    (http != NULL && o->meta_referrer != NULL && (r = kh_buf_append_str(&data, ", ")) != KH_OK) ||
	    (o->meta_referrer != NULL && (r = kh_buf_append_str(&data, o->meta_referrer)) != KH_OK))
		goto done;
	/* the last valid token wins */
	rest = kh_buf_cur(&data);
	while (kh_cur_take_until(&rest, ',', &part)) {
		if ((item = kh_cur_dup(&part)) == NULL) {
			r = KH_ENOMEM;
			goto done;
		}
		kh_str_trim(item);
		for (char *p = item; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		if (in_list(item, good) || in_list(item, bad)) {
			kh_free(policy);
			policy = item;
		} else {
			kh_free(item);
		}
	}
	if (in_list(policy, good))
		t->result = "referrer-policy-private";
	else if (in_list(policy, bad))
		t->result = "referrer-policy-unsafe";
	else
		t->result = "referrer-policy-header-invalid";
	t->pass = strcmp(t->result, "referrer-policy-private") == 0;
 done:
	kh_buf_cleanup(&data);
 out:
	kh_free(policy);
	kh_free(http);
	return r;
}

/* ---- subresource-integrity (analyzer/tests/subresource-integrity.js) ---- */

/* tldts' registrable domain, simplified: NULL for IP addresses and single
 * labels, the last three labels under a known two-level public suffix, else
 * the last two. (The full Public Suffix List is not shipped.) */
static void
reg_domain(const char *host, char *out, size_t size)
{
	static const char *const two_level[] = { "gov.vn", "com.vn", "net.vn", "org.vn",
		"edu.vn", "ac.vn", "info.vn", "int.vn", "biz.vn", "name.vn", "pro.vn",
		"health.vn", "co.uk", "org.uk", "gov.uk", "ac.uk", "com.au", "net.au",
		"org.au", "co.jp", "com.cn", "com.sg", "co.kr", "com.br", NULL };
	const char *dots[3] = { NULL, NULL, NULL };
	size_t n_dots = 0, len = strlen(host);

	out[0] = '\0';
	if (len == 0 || strchr(host, ':') != NULL || strspn(host, "0123456789.") == len)
		return;
	for (const char *p = host + len; p > host; p--)
		if (p[-1] == '.' && n_dots < 3)
			dots[n_dots++] = p;
	if (n_dots == 0)
		return;
	if (in_list(n_dots >= 2 ? dots[1] : host, two_level)) {
		if (n_dots >= 2)
			kh_strlcpy(out, n_dots >= 3 ? dots[2] : host, size);
		return;
	}
	kh_strlcpy(out, n_dots >= 2 ? dots[1] : host, size);
}

static bool
full_url(const char *s)
{
	return kh_str_starts_with(s, "http://") || kh_str_starts_with(s, "https://");
}

static const char *
sri_script(struct obs *o, const char *src, const char *integrity, const char *res,
           bool *foreign)
{
	static const char *const order[] = {
		"sri-implemented-and-all-scripts-loaded-securely",
		"sri-implemented-and-external-scripts-loaded-securely",
		"sri-implemented-but-external-scripts-not-loaded-securely",
		"sri-not-implemented-but-external-scripts-loaded-securely",
		"sri-not-implemented-and-external-scripts-not-loaded-securely",
		"sri-not-implemented-response-not-html", NULL };
	bool rel_proto = false, rel_origin = false, same_domain = false;
	bool secure_origin, secure_scheme, has_integ = integrity != NULL && *integrity != '\0';
	char d_src[256], d_host[256], h[256];

	if (src[0] == '/' && src[1] == '/' && src[2] != '\0' && src[2] != '/') {
		rel_proto = same_domain = true;
	} else if (full_url(src)) {
		url_host(src, h, sizeof(h));
		reg_domain(h, d_src, sizeof(d_src));
		reg_domain(o->rec->hostname != NULL ? o->rec->hostname : "", d_host, sizeof(d_host));
		same_domain = strcmp(d_src, d_host) == 0;
	} else {
		rel_origin = same_domain = true;
	}
	secure_origin = rel_origin || (same_domain && !rel_proto);
	*foreign |= !secure_origin;
	secure_scheme = (!rel_proto && !rel_origin && kh_str_starts_with(src, "https:")) ||
	                (rel_origin && o->session_https);
	if (secure_origin)
		return has_integ && secure_scheme && res == NULL
		       ? "sri-implemented-and-all-scripts-loaded-securely" : res;
	if (has_integ && !secure_scheme)
		return only_if_worse("sri-implemented-but-external-scripts-not-loaded-securely", res, order);
	if (!has_integ && secure_scheme)
		return only_if_worse("sri-not-implemented-but-external-scripts-loaded-securely", res, order);
	if (!has_integ)
		return only_if_worse("sri-not-implemented-and-external-scripts-not-loaded-securely", res, order);
	return res;
}

/* JSDOM's script.src with an about:blank base: absolute URLs come back
 * with the scheme lower-cased, anything else as written (trimmed). */
static char *
script_src(const char *raw)
{
	char *s = kh_strdup(raw);
	size_t colon;

	if (s == NULL)
		return NULL;
	kh_str_trim(s);
	colon = strcspn(s, ":/?#");
	if (s[colon] == ':' && colon > 0)
		for (size_t i = 0; i < colon; i++)
			s[i] = (char)tolower((unsigned char)s[i]);
	return s;
}

static enum kh_err
test_sri(struct obs *o, struct kh_site_obs_test *t)
{
	struct kh_cur list = kh_buf_cur(&o->scripts), src, integ;
	const char *res = NULL;
	bool foreign = false;
	char *s;

	t->name = "subresource-integrity";
	if (!o->rec->auto_resp.present) {
		t->result = "sri-not-implemented-but-no-scripts-loaded";
		return KH_OK;
	}
	if (!is_html(&o->rec->auto_resp)) {
		res = "sri-not-implemented-response-not-html";
	} else if (o->n_scripts == 0) {
		res = "sri-not-implemented-but-no-scripts-loaded";
	} else {
		for (size_t i = 0; i < o->n_scripts; i++) {
			(void)kh_cur_take_until(&list, 0, &src);
			(void)kh_cur_take_until(&list, 0, &integ);
			if (src.len == 0)
				continue;
			if ((s = script_src((const char *)src.p)) == NULL)
				return KH_ENOMEM;
			if (*s != '\0')
				res = sri_script(o, s, kh_cur_eq(&integ, "\1") ? NULL : (const char *)integ.p,
				                 res, &foreign);
			kh_free(s);
		}
		if (res == NULL)
			res = foreign ? "sri-implemented-and-external-scripts-loaded-securely"
			              : "sri-not-implemented-but-all-scripts-loaded-from-secure-origin";
	}
	t->result = res;
	t->pass = strcmp(res, "sri-implemented-and-all-scripts-loaded-securely") == 0 ||
	          strcmp(res, "sri-implemented-and-external-scripts-loaded-securely") == 0 ||
	          strcmp(res, "sri-not-implemented-response-not-html") == 0 ||
	          strcmp(res, "sri-not-implemented-but-all-scripts-loaded-from-secure-origin") == 0 ||
	          strcmp(res, "sri-not-implemented-but-no-scripts-loaded") == 0;
	return KH_OK;
}

/* ---- x-content-type-options, x-frame-options, cross-origin-resource-policy ---- */

static enum kh_err
test_simple_header(struct obs *o, struct kh_site_obs_test *t, const char *header,
                   size_t max_chars, const char *(*judge)(const char *value))
{
	char *h = kh_site_response_header(&o->rec->auto_resp, header), *v;

	t->result = judge(NULL);
	if (h != NULL && *h != '\0') {
		if ((v = trim_lower(h, max_chars)) == NULL) {
			kh_free(h);
			return KH_ENOMEM;
		}
		t->result = judge(v);
		kh_free(v);
	}
	kh_free(h);
	return KH_OK;
}

static const char *
judge_xcto(const char *v)
{
	if (v == NULL)
		return "x-content-type-options-not-implemented";
	return strcmp(v, "nosniff") == 0 ? "x-content-type-options-nosniff"
	                                 : "x-content-type-options-header-invalid";
}

static const char *
judge_xfo(const char *v)
{
	if (v == NULL)
		return "x-frame-options-not-implemented";
	if (strcmp(v, "deny") == 0 || strcmp(v, "sameorigin") == 0)
		return "x-frame-options-sameorigin-or-deny";
	return kh_str_starts_with(v, "allow-from") ? "x-frame-options-allow-from-origin"
	                                           : "x-frame-options-header-invalid";
}

static const char *
judge_corp(const char *v)
{
	if (v == NULL)
		return "corp-not-implemented";
	if (strcmp(v, "same-site") == 0)
		return "corp-implemented-with-same-site";
	if (strcmp(v, "same-origin") == 0)
		return "corp-implemented-with-same-origin";
	if (strcmp(v, "cross-origin") == 0)
		return "corp-implemented-with-cross-origin";
	return "corp-header-invalid";
}

static enum kh_err
run_tests(struct obs *o, struct kh_site_obs_test *t)
{
	enum kh_err r;

	/* constants.js ALL_TESTS order; HSTS first here because cookies use it */
	if ((r = test_hsts(o, &t[5])) != KH_OK || (r = test_csp(o, &t[0])) != KH_OK ||
	    (r = test_cookies(o, &t[1])) != KH_OK || (r = test_cors(o, &t[2])) != KH_OK ||
	    (r = test_redirection(o, &t[3])) != KH_OK || (r = test_referrer(o, &t[4])) != KH_OK ||
	    (r = test_sri(o, &t[6])) != KH_OK)
		return r;
	t[7].name = "x-content-type-options";
	if ((r = test_simple_header(o, &t[7], "x-content-type-options", 256, judge_xcto)) != KH_OK)
		return r;
	t[7].pass = strcmp(t[7].result, "x-content-type-options-nosniff") == 0;
	t[8].name = "x-frame-options";
	if ((r = test_simple_header(o, &t[8], "x-frame-options", 1024, judge_xfo)) != KH_OK)
		return r;
	if (o->csp_frame_ancestors)
		t[8].result = "x-frame-options-implemented-via-csp";
	t[8].pass = strcmp(t[8].result, "x-frame-options-not-implemented") != 0 &&
	            strcmp(t[8].result, "x-frame-options-header-invalid") != 0;
	t[9].name = "cross-origin-resource-policy";
	if ((r = test_simple_header(o, &t[9], "cross-origin-resource-policy", 256, judge_corp)) != KH_OK)
		return r;
	t[9].pass = strcmp(t[9].result, "corp-header-invalid") != 0;
	return KH_OK;
}

/* grader/charts.js GRADE_CHART, by 5-point steps */
static const char *
obs_grade(int score)
{
	static const char *const chart[] = { "F", "F", "F", "F", "F", "D-", "D", "D", "D+",
		"C-", "C", "C", "C+", "B-", "B", "B", "B+", "A-", "A", "A", "A+" };
	int key = score < 0 ? 0 : score;

	key = key - key % 5;
	if (key > 100)
		key = 100;
	return chart[key / 5];
}

enum kh_err
kh_site_observatory_score(const struct kh_site_http_record *rec,
                          struct kh_site_observatory *out)
{
	struct obs o = { .rec = rec };
	int with_extra = 100, uncurved = 100, status = rec->auto_resp.status;
	enum kh_err r;

	memset(out, 0, sizeof(*out));
	/* scanner/index.js: the site must answer, with 2xx, 3xx, 401 or 403 */
	if (!rec->auto_resp.present) {
		kh_strlcpy(out->error, KH_MSG("the site seems to be down", "trang có vẻ không hoạt động"),
		           sizeof(out->error));
		return KH_OK;
	}
	if (status < 200 || (status >= 400 && status != 401 && status != 403)) {
		if (kh_snprintf(out->error, sizeof(out->error), "%s %d",
		                KH_MSG("unexpected HTTP status", "mã trạng thái HTTP bất thường"),
		                status) != KH_OK)
			out->error[0] = '\0';
		return KH_OK;
	}
	o.session_https = url_is(rec->session_url, "https:");
	kh_buf_init(&o.meta_csp, 0);
	kh_buf_init(&o.scripts, 0);
	if ((r = read_page(&o)) != KH_OK || (r = run_tests(&o, out->tests)) != KH_OK)
		goto out;
	for (size_t i = 0; i < KH_SITE_OBS_N_TESTS; i++) {
		out->tests[i].modifier = modifier(out->tests[i].result);
		out->tests_passed += out->tests[i].pass;
		with_extra += out->tests[i].modifier;
		if (out->tests[i].modifier < 0)
			uncurved += out->tests[i].modifier;
	}
	/* extra credit only when the uncurved score is already an A */
	out->score = uncurved >= 90 ? with_extra : uncurved;
	if (out->score < 0)
		out->score = 0;
	kh_strlcpy(out->grade, obs_grade(out->score), sizeof(out->grade));
	out->scored = true;
 out:
	kh_buf_cleanup(&o.meta_csp);
	kh_buf_cleanup(&o.scripts);
	kh_free(o.meta_referrer);
	return r;
}
