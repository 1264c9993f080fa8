/* fingerprint.c — software named by a site (generator tag, asset paths,
 * Server / X-Powered-By headers) as CPE 2.3 names for the vulnerability
 * matcher. Only what the site states is reported; nothing is guessed. */
#include <ctype.h>
#include <string.h>

#include "khien/site.h"
#include "site_int.h"

/* CPE vendor:product for names as sites spell them (NVD CPE dictionary). */
static const struct {
	const char *token;   /* lower-case prefix in the header / generator */
	const char *name, *vendor_product;
} known[] = {
	{ "wordpress", "WordPress", "wordpress:wordpress" },
	{ "joomla", "Joomla!", "joomla:joomla\\!" },
	{ "drupal", "Drupal", "drupal:drupal" },
	{ "liferay", "Liferay Portal", "liferay:liferay_portal" },
	{ "dotnetnuke", "DNN", "dnnsoftware:dotnetnuke" },
	{ "dnn", "DNN", "dnnsoftware:dotnetnuke" },
	{ "nginx", "nginx", "f5:nginx" },
	{ "apache", "Apache HTTP Server", "apache:http_server" },
	{ "microsoft-iis", "IIS", "microsoft:internet_information_services" },
	{ "php", "PHP", "php:php" },
	{ "asp.net", "ASP.NET", "microsoft:asp.net" },
	{ "openresty", "OpenResty", "openresty:openresty" },
	{ "litespeed", "LiteSpeed", "litespeedtech:litespeed_web_server" },
	{ "tomcat", "Apache Tomcat", "apache:tomcat" },
};

/* The first version-looking run after the product name ("6.4.2"). */
static void
version_after(const char *s, char *out, size_t size)
{
	size_t n = 0;

	while (*s != '\0' && !isdigit((unsigned char)*s))
		s++;
	while (n + 1 < size && (isalnum((unsigned char)s[n]) || s[n] == '.' || s[n] == '-' ||
	                        s[n] == '_'))
		n++;
	memcpy(out, s, n);
	out[n] = '\0';
}

static void
add_software(struct kh_site_result *res, const char *text, const char *evidence)
{
	struct kh_site_software *sw;
	char lower[256];
	size_t i, n = strlen(text) < sizeof(lower) - 1 ? strlen(text) : sizeof(lower) - 1;

	for (i = 0; i < n; i++)
		lower[i] = (char)tolower((unsigned char)text[i]);
	lower[n] = '\0';
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strncmp(lower, known[i].token, strlen(known[i].token)) == 0)
			break;
	if (i == sizeof(known) / sizeof(known[0]) || res->n_software >= KH_SITE_MAX_SOFTWARE)
		return;
	for (size_t k = 0; k < res->n_software; k++)
		if (strcmp(res->software[k].name, known[i].name) == 0)
			return;
	sw = &res->software[res->n_software++];
	kh_strlcpy(sw->name, known[i].name, sizeof(sw->name));
	version_after(text + strlen(known[i].token), sw->version, sizeof(sw->version));
	kh_strlcpy(sw->evidence, evidence, sizeof(sw->evidence));
	if (kh_snprintf(sw->cpe, sizeof(sw->cpe), "cpe:2.3:a:%s:%s:*:*:*:*:*:*:*",
	                known[i].vendor_product, sw->version[0] ? sw->version : "*") != KH_OK)
		sw->cpe[0] = '\0';
}

/* "Apache/2.4.57 (Debian) PHP/8.2.7" names two products. */
static void
from_header(struct kh_site_result *res, const char *name)
{
	char *v = kh_site_response_header(&res->http.auto_resp, name), *tok;
	struct kh_cur rest, word;

	if (v == NULL)
		return;
	rest = kh_cur_from_str(v);
	while (kh_cur_take_until(&rest, ' ', &word)) {
		if (word.len == 0 || word.p[0] == '(' || (tok = kh_cur_dup(&word)) == NULL)
			continue;
		add_software(res, tok, name);
		kh_free(tok);
	}
	kh_free(v);
}

static bool
link_has(const struct kh_site_page *page, const char *part)
{
	for (size_t i = 0; i < page->n_links; i++)
		if (strstr(page->links[i].href, part) != NULL)
			return true;
	return false;
}

void
kh_site_fingerprint(struct kh_site_result *res, const struct kh_site_page *page)
{
	const char *body = res->http.auto_resp.body;

	if (page != NULL && page->generator != NULL)
		add_software(res, page->generator, "meta generator");
	from_header(res, "server");
	from_header(res, "x-powered-by");
	if (body == NULL)
		return;
	/* asset paths each CMS serves from */
	if (strstr(body, "/wp-content/") != NULL || strstr(body, "/wp-includes/") != NULL ||
	    (page != NULL && link_has(page, "/wp-content/")))
		add_software(res, "wordpress", "asset path /wp-content/");
	if (strstr(body, "/media/jui/") != NULL || strstr(body, "/components/com_") != NULL)
		add_software(res, "joomla", "asset path /components/com_");
	if (strstr(body, "/sites/default/files/") != NULL || strstr(body, "Drupal.settings") != NULL)
		add_software(res, "drupal", "asset path /sites/default/files/");
	if (strstr(body, "Liferay.") != NULL || strstr(body, "/o/frontend-js-web/") != NULL)
		add_software(res, "liferay", "Liferay JavaScript");
}
