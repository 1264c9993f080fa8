/* exposures.c — read-only, polite look for what should not be public: a
 * small fixed list of paths (GET only, one at a time, a pause between), each
 * confirmed by its content, not by the status code alone (many sites answer
 * 200 to everything), plus version-leaking headers. */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "khien/site.h"
#include "site_int.h"

typedef bool (*confirm_fn)(const struct kh_site_response *r);

static bool
body_has(const struct kh_site_response *r, const char *needle)
{
	size_t n = strlen(needle);

	if (r->body == NULL || r->body_len < n)
		return false;
	for (size_t i = 0; i + n <= r->body_len; i++)
		if (strncasecmp(r->body + i, needle, n) == 0)
			return true;
	return false;
}

static bool
git_head(const struct kh_site_response *r)
{
	size_t hex = 0;

	if (r->body == NULL)
		return false;
	if (strncmp(r->body, "ref: refs/", 10) == 0)
		return true;
	while (hex < r->body_len && isxdigit((unsigned char)r->body[hex]))
		hex++;
	return hex == 40;
}

static bool
env_file(const struct kh_site_response *r)
{
	static const char *const keys[] = { "APP_KEY=", "DB_PASSWORD=", "DB_HOST=",
		"SECRET", "API_KEY=", "PASSWORD=", "DATABASE_URL=", NULL };
	if (body_has(r, "<html") || body_has(r, "<!doctype"))
		return false;
	for (size_t i = 0; keys[i] != NULL; i++)
		if (body_has(r, keys[i]))
			return true;
	return false;
}

static bool
archive_or_dump(const struct kh_site_response *r)
{
	if (r->body == NULL || r->body_len < 4)
		return false;
	if (memcmp(r->body, "PK\x03\x04", 4) == 0 || memcmp(r->body, "\x1f\x8b", 2) == 0 ||
	    memcmp(r->body, "7z\xbc\xaf", 4) == 0 || memcmp(r->body, "Rar!", 4) == 0)
		return true;
	return !body_has(r, "<html") && (body_has(r, "CREATE TABLE") || body_has(r, "INSERT INTO"));
}

static bool
phpinfo(const struct kh_site_response *r)
{
	return body_has(r, "phpinfo()") || (body_has(r, "PHP Version") && body_has(r, "PHP License"));
}

static bool
dir_listing(const struct kh_site_response *r)
{
	return body_has(r, "<title>Index of /") || body_has(r, "Directory listing for /");
}

static bool
server_status(const struct kh_site_response *r)
{
	return body_has(r, "Apache Server Status");
}

static bool
login_form(const struct kh_site_response *r)
{
	return body_has(r, "type=\"password\"") || body_has(r, "type='password'") ||
	       body_has(r, "type=password");
}

static const struct probe {
	const char *path, *id;
	enum kh_site_severity severity;
	confirm_fn confirm;
	const char *en, *vi;
} probes[] = {
	{ "/.git/HEAD", "git_head", KH_SITE_CRITICAL, git_head,
	  "Git repository exposed (source code and history)", "lộ kho Git (mã nguồn và lịch sử)" },
	{ "/.env", "env_file", KH_SITE_CRITICAL, env_file,
	  ".env file exposed (passwords, keys)", "lộ tệp .env (mật khẩu, khoá)" },
	{ "/backup.zip", "backup_file", KH_SITE_CRITICAL, archive_or_dump, "backup archive downloadable", "tải được tệp sao lưu" },
	{ "/backup.sql", "backup_file", KH_SITE_CRITICAL, archive_or_dump, "database dump downloadable", "tải được tệp kết xuất CSDL" },
	{ "/db.sql", "backup_file", KH_SITE_CRITICAL, archive_or_dump, "database dump downloadable", "tải được tệp kết xuất CSDL" },
	{ "/dump.sql", "backup_file", KH_SITE_CRITICAL, archive_or_dump, "database dump downloadable", "tải được tệp kết xuất CSDL" },
	{ "/www.zip", "backup_file", KH_SITE_CRITICAL, archive_or_dump, "site archive downloadable", "tải được tệp nén của trang" },
	{ "/phpinfo.php", "phpinfo", KH_SITE_WARN, phpinfo, "phpinfo() page public", "trang phpinfo() công khai" },
	{ "/info.php", "phpinfo", KH_SITE_WARN, phpinfo, "phpinfo() page public", "trang phpinfo() công khai" },
	{ "/server-status", "server_status", KH_SITE_WARN, server_status, "Apache server-status public", "trang server-status của Apache công khai" },
	{ "/", "directory_listing", KH_SITE_WARN, dir_listing, "directory listing enabled", "bật liệt kê thư mục" },
	{ "/uploads/", "directory_listing", KH_SITE_WARN, dir_listing, "directory listing enabled", "bật liệt kê thư mục" },
	{ "/images/", "directory_listing", KH_SITE_WARN, dir_listing, "directory listing enabled", "bật liệt kê thư mục" },
	{ "/wp-login.php", "admin_page", KH_SITE_INFO, login_form, "WordPress login page public", "trang đăng nhập WordPress công khai" },
	{ "/administrator/", "admin_page", KH_SITE_INFO, login_form, "Joomla administrator login public", "trang quản trị Joomla công khai" },
	{ "/user/login", "admin_page", KH_SITE_INFO, login_form, "Drupal login page public", "trang đăng nhập Drupal công khai" },
	{ "/admin/", "admin_page", KH_SITE_INFO, login_form, "administration login page public", "trang đăng nhập quản trị công khai" },
};

const char *
kh_site_severity_name(enum kh_site_severity s)
{
	return s == KH_SITE_CRITICAL ? "critical" : s == KH_SITE_WARN ? "warning" : "info";
}

static void
add(struct kh_site_result *res, const char *id, const char *path,
    enum kh_site_severity sev, const char *detail)
{
	struct kh_site_exposure *e;

	if (res->n_exposures >= KH_SITE_MAX_EXPOSURES)
		return;
	e = &res->exposures[res->n_exposures++];
	kh_strlcpy(e->id, id, sizeof(e->id));
	kh_strlcpy(e->path, path, sizeof(e->path));
	kh_strlcpy(e->detail, detail, sizeof(e->detail));
	e->severity = sev;
}

/* Server / X-Powered-By that name a version ("nginx/1.22.1", "PHP/7.4.3"). */
static void
header_leaks(struct kh_site_result *res, const struct kh_site_response *r)
{
	static const char *const names[] = { "server", "x-powered-by", "x-aspnet-version",
		"x-generator", NULL };
	char *v, detail[256];

	for (size_t i = 0; names[i] != NULL; i++) {
		if ((v = kh_site_response_header(r, names[i])) == NULL)
			continue;
		if (strpbrk(v, "0123456789") != NULL &&
		    kh_snprintf(detail, sizeof(detail), "%s: %s", names[i], v) != KH_ETOO_LARGE)
			add(res, i == 0 ? "server_version" : "powered_by", names[i], KH_SITE_WARN, detail);
		kh_free(v);
	}
}

static void
pause_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

enum kh_err
kh_site_exposures(struct kh_site_result *res, const struct kh_site_check_opts *opts)
{
	const struct kh_site_response *base = res->http.auto_resp.present ? &res->http.auto_resp
	                                                                  : &res->http.http;
	struct kh_site_response r;
	char origin[512], url[700];
	enum kh_err e;

	header_leaks(res, base);
	if (base->url == NULL || !base->present)
		return KH_OK;
	/* scheme://host:port of the page that answered */
	kh_strlcpy(origin, base->url, sizeof(origin));
	if (strstr(origin, "://") != NULL) {
		char *slash = strchr(strstr(origin, "://") + 3, '/');
		if (slash != NULL)
			*slash = '\0';
	}
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		if (site_deadline_passed(&opts->site))
			break;
		if (kh_snprintf(url, sizeof(url), "%s%s", origin, probes[i].path) != KH_OK)
			continue;
		e = site_http_get(url, &opts->site, &r, NULL);
		if (e == KH_ENOMEM)
			return e;
		if ((e == KH_OK || e == KH_ELIMIT) && r.status == 200 && probes[i].confirm(&r))
			add(res, probes[i].id, probes[i].path, probes[i].severity,
			    KH_MSG(probes[i].en, probes[i].vi));
		site_response_cleanup(&r);
		pause_ms(opts->polite_delay_ms ? opts->polite_delay_ms : 100);
	}
	return KH_OK;
}
