/*
 * cpe_map.c — vendor/product/version as people write them in an asset list
 * mapped to a CPE 2.3 formatted string with the vendor:product names NVD
 * uses, so advisories' CPE configurations can be matched against assets.
 */
#include <ctype.h>
#include <string.h>

#include "khien/inventory.h"

/* How the version column turns into the CPE version and update fields. */
enum version_style {
	VS_PLAIN,    /* first token: "17.1.0.3", "13.1-49.13" */
	VS_NUMERIC,  /* leading digits and dots: "v7.2.4,build1396" -> 7.2.4 */
	VS_ESXI,     /* "8.0 U1" -> 8.0 update_1 */
	VS_VCENTER,  /* "8.0 U2b" -> 8.0 update2b */
	VS_EXCHANGE, /* "2019 CU12" -> 2019 cumulative_update_12 */
	VS_WINSRV,   /* the year goes into the product: windows_server_2019 */
	VS_P_UPDATE, /* OpenSSH "8.9p1" -> 8.9 p1 */
	VS_R_UPDATE, /* Ivanti "22.7R2.4" -> 22.7 r2.4 */
	VS_H_UPDATE, /* PAN-OS "10.2.9-h1" -> 10.2.9 h1 */
};

struct cpe_rule {
	const char *group;     /* vendor key (see vendors[]) */
	const char *alias;     /* product as written, normalised */
	char part;             /* a, o, h */
	const char *vendor;    /* NVD vendor */
	const char *product;   /* NVD product; NULL: "<model>_firmware" */
	enum version_style vs;
};

struct vendor_alias {
	const char *alias;
	const char *group;
};

static const struct vendor_alias vendors[] = {
	{ "fortinet", "fortinet" },
	{ "f5", "f5" }, { "f5 networks", "f5" }, { "f5 inc", "f5" },
	{ "vmware", "vmware" }, { "vmware by broadcom", "vmware" }, { "broadcom", "vmware" },
	{ "microsoft", "microsoft" }, { "microsoft corporation", "microsoft" },
	{ "citrix", "citrix" }, { "netscaler", "citrix" }, { "cloud software group", "citrix" },
	{ "ivanti", "ivanti" }, { "pulse secure", "ivanti" }, { "pulsesecure", "ivanti" },
	{ "cisco", "cisco" }, { "cisco systems", "cisco" },
	{ "palo alto", "paloalto" }, { "palo alto networks", "paloalto" },
	{ "paloalto", "paloalto" }, { "paloaltonetworks", "paloalto" },
	{ "sonicwall", "sonicwall" }, { "sophos", "sophos" }, { "zyxel", "zyxel" },
	{ "mikrotik", "mikrotik" }, { "draytek", "draytek" }, { "oracle", "oracle" },
	{ "atlassian", "atlassian" },
	{ "apache", "apache" }, { "apache software foundation", "apache" },
	{ "nginx", "nginx" }, { "openbsd", "openssh" }, { "openssh", "openssh" },
	{ "php", "php" }, { "the php group", "php" },
	{ "wordpress", "wordpress" }, { "automattic", "wordpress" },
};

/* NVD names checked against NVD CVE configurations (docs/assets.md lists
 * the CVEs). The longest matching alias wins ("big-ip apm" over "big-ip"). */
static const struct cpe_rule rules[] = {
	{ "fortinet", "fortios", 'o', "fortinet", "fortios", VS_NUMERIC },
	{ "fortinet", "fortigate", 'o', "fortinet", "fortios", VS_NUMERIC },
	{ "fortinet", "fortiwifi", 'o', "fortinet", "fortios", VS_NUMERIC },
	{ "fortinet", "fortimanager", 'a', "fortinet", "fortimanager", VS_NUMERIC },
	{ "fortinet", "fortianalyzer", 'a', "fortinet", "fortianalyzer", VS_NUMERIC },
	{ "fortinet", "fortiweb", 'a', "fortinet", "fortiweb", VS_NUMERIC },
	{ "fortinet", "fortiproxy", 'a', "fortinet", "fortiproxy", VS_NUMERIC },
	{ "fortinet", "fortimail", 'a', "fortinet", "fortimail", VS_NUMERIC },
	{ "fortinet", "fortisiem", 'a', "fortinet", "fortisiem", VS_NUMERIC },
	{ "fortinet", "forticlient ems", 'a', "fortinet",
	  "forticlient_enterprise_management_server", VS_NUMERIC },
	{ "fortinet", "forticlientems", 'a', "fortinet",
	  "forticlient_enterprise_management_server", VS_NUMERIC },
	{ "fortinet", "forticlient enterprise management server", 'a', "fortinet",
	  "forticlient_enterprise_management_server", VS_NUMERIC },
	{ "f5", "big-ip", 'a', "f5", "big-ip_local_traffic_manager", VS_PLAIN },
	{ "f5", "bigip", 'a', "f5", "big-ip_local_traffic_manager", VS_PLAIN },
	{ "f5", "big ip", 'a', "f5", "big-ip_local_traffic_manager", VS_PLAIN },
	{ "f5", "big-ip ltm", 'a', "f5", "big-ip_local_traffic_manager", VS_PLAIN },
	{ "f5", "big-ip local traffic manager", 'a', "f5", "big-ip_local_traffic_manager", VS_PLAIN },
	{ "f5", "big-ip apm", 'a', "f5", "big-ip_access_policy_manager", VS_PLAIN },
	{ "f5", "big-ip access policy manager", 'a', "f5", "big-ip_access_policy_manager", VS_PLAIN },
	{ "f5", "big-ip asm", 'a', "f5", "big-ip_application_security_manager", VS_PLAIN },
	{ "f5", "big-ip afm", 'a', "f5", "big-ip_advanced_firewall_manager", VS_PLAIN },
	{ "f5", "big-ip dns", 'a', "f5", "big-ip_domain_name_system", VS_PLAIN },
	{ "f5", "big-ip gtm", 'a', "f5", "big-ip_global_traffic_manager", VS_PLAIN },
	{ "f5", "big-ip advanced waf", 'a', "f5", "big-ip_advanced_web_application_firewall",
	  VS_PLAIN },
	{ "f5", "big-iq", 'a', "f5", "big-iq_centralized_management", VS_PLAIN },
	{ "f5", "nginx", 'a', "f5", "nginx", VS_PLAIN },
	{ "f5", "nginx plus", 'a', "f5", "nginx_plus", VS_PLAIN },
	{ "vmware", "esxi", 'o', "vmware", "esxi", VS_ESXI },
	{ "vmware", "vsphere esxi", 'o', "vmware", "esxi", VS_ESXI },
	{ "vmware", "vcenter", 'a', "vmware", "vcenter_server", VS_VCENTER },
	{ "vmware", "vcenter server", 'a', "vmware", "vcenter_server", VS_VCENTER },
	{ "vmware", "vsphere vcenter", 'a', "vmware", "vcenter_server", VS_VCENTER },
	{ "vmware", "vcsa", 'a', "vmware", "vcenter_server", VS_VCENTER },
	{ "microsoft", "exchange", 'a', "microsoft", "exchange_server", VS_EXCHANGE },
	{ "microsoft", "exchange server", 'a', "microsoft", "exchange_server", VS_EXCHANGE },
	{ "microsoft", "windows server", 'o', "microsoft", "windows_server", VS_WINSRV },
	{ "citrix", "netscaler adc", 'a', "citrix", "netscaler_application_delivery_controller",
	  VS_PLAIN },
	{ "citrix", "citrix adc", 'a', "citrix", "netscaler_application_delivery_controller",
	  VS_PLAIN },
	{ "citrix", "adc", 'a', "citrix", "netscaler_application_delivery_controller", VS_PLAIN },
	{ "citrix", "netscaler gateway", 'a', "citrix", "netscaler_gateway", VS_PLAIN },
	{ "citrix", "citrix gateway", 'a', "citrix", "netscaler_gateway", VS_PLAIN },
	{ "citrix", "gateway", 'a', "citrix", "netscaler_gateway", VS_PLAIN },
	{ "ivanti", "connect secure", 'a', "ivanti", "connect_secure", VS_R_UPDATE },
	{ "ivanti", "ivanti connect secure", 'a', "ivanti", "connect_secure", VS_R_UPDATE },
	{ "ivanti", "ics", 'a', "ivanti", "connect_secure", VS_R_UPDATE },
	{ "ivanti", "policy secure", 'a', "ivanti", "policy_secure", VS_R_UPDATE },
	{ "ivanti", "pulse connect secure", 'a', "pulsesecure", "pulse_connect_secure",
	  VS_R_UPDATE },
	{ "ivanti", "pcs", 'a', "pulsesecure", "pulse_connect_secure", VS_R_UPDATE },
	{ "cisco", "asa", 'a', "cisco", "adaptive_security_appliance_software", VS_PLAIN },
	{ "cisco", "adaptive security appliance", 'a', "cisco",
	  "adaptive_security_appliance_software", VS_PLAIN },
	{ "cisco", "firepower threat defense", 'a', "cisco", "firepower_threat_defense", VS_PLAIN },
	{ "cisco", "ftd", 'a', "cisco", "firepower_threat_defense", VS_PLAIN },
	{ "cisco", "ios xe", 'o', "cisco", "ios_xe", VS_PLAIN },
	{ "cisco", "ios-xe", 'o', "cisco", "ios_xe", VS_PLAIN },
	{ "cisco", "iosxe", 'o', "cisco", "ios_xe", VS_PLAIN },
	{ "cisco", "ios", 'o', "cisco", "ios", VS_PLAIN },
	{ "paloalto", "pan-os", 'o', "paloaltonetworks", "pan-os", VS_H_UPDATE },
	{ "paloalto", "panos", 'o', "paloaltonetworks", "pan-os", VS_H_UPDATE },
	{ "paloalto", "pa", 'o', "paloaltonetworks", "pan-os", VS_H_UPDATE },
	{ "sonicwall", "sonicos", 'o', "sonicwall", "sonicos", VS_PLAIN },
	{ "sonicwall", "tz", 'o', "sonicwall", "sonicos", VS_PLAIN },
	{ "sonicwall", "nsa", 'o', "sonicwall", "sonicos", VS_PLAIN },
	{ "sophos", "sfos", 'o', "sophos", "sfos", VS_NUMERIC },
	{ "sophos", "sophos firewall", 'o', "sophos", "sfos", VS_NUMERIC },
	{ "sophos", "firewall", 'o', "sophos", "sfos", VS_NUMERIC },
	{ "sophos", "xg", 'o', "sophos", "sfos", VS_NUMERIC },
	{ "sophos", "xgs", 'o', "sophos", "sfos", VS_NUMERIC },
	/* Zyxel and DrayTek: NVD has one "<model>_firmware" product per model
	 * (zyxel:usg_flex_100w_firmware, draytek:vigor2960_firmware). */
	{ "zyxel", "", 'o', "zyxel", NULL, VS_PLAIN },
	{ "draytek", "", 'o', "draytek", NULL, VS_PLAIN },
	{ "mikrotik", "routeros", 'o', "mikrotik", "routeros", VS_PLAIN },
	{ "oracle", "weblogic", 'a', "oracle", "weblogic_server", VS_PLAIN },
	{ "oracle", "weblogic server", 'a', "oracle", "weblogic_server", VS_PLAIN },
	{ "atlassian", "confluence", 'a', "atlassian", "confluence_server", VS_PLAIN },
	{ "atlassian", "confluence server", 'a', "atlassian", "confluence_server", VS_PLAIN },
	{ "atlassian", "confluence data center", 'a', "atlassian", "confluence_data_center",
	  VS_PLAIN },
	{ "apache", "tomcat", 'a', "apache", "tomcat", VS_PLAIN },
	{ "apache", "http server", 'a', "apache", "http_server", VS_PLAIN },
	{ "apache", "httpd", 'a', "apache", "http_server", VS_PLAIN },
	{ "nginx", "nginx", 'a', "f5", "nginx", VS_PLAIN },
	{ "nginx", "nginx plus", 'a', "f5", "nginx_plus", VS_PLAIN },
	{ "openssh", "openssh", 'a', "openbsd", "openssh", VS_P_UPDATE },
	{ "php", "php", 'a', "php", "php", VS_PLAIN },
	{ "wordpress", "wordpress", 'a', "wordpress", "wordpress", VS_PLAIN },
};

#define NORM_MAX 256

/* Lower case, blanks and '_' folded to one space, trimmed; false if long. */
static bool
normalise(const char *in, char *out)
{
	size_t n = 0;
	bool space = false;

	for (const char *p = in != NULL ? in : ""; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (isspace(c) || c == '_') {
			space = n > 0;
			continue;
		}
		if (n + 2 >= NORM_MAX)
			return false;
		if (space)
			out[n++] = ' ';
		space = false;
		out[n++] = (char)tolower(c);
	}
	out[n] = '\0';
	return true;
}

static const char *
find_group(const char *vendor)
{
	for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++) {
		size_t al = strlen(vendors[i].alias);
		const char *tail = vendor + al;
		if (strncmp(vendor, vendors[i].alias, al) != 0)
			continue;
		/* "Fortinet, Inc." and "Fortinet Inc" are Fortinet too. */
		if (*tail == '\0' || strcmp(tail, " inc") == 0 || strcmp(tail, " inc.") == 0 ||
		    strcmp(tail, ", inc.") == 0 || strcmp(tail, ", inc") == 0)
			return vendors[i].group;
	}
	return NULL;
}

/* The alias matches the start of the product up to a word boundary. */
static bool
alias_matches(const char *alias, const char *product)
{
	size_t n = strlen(alias);
	char next;

	if (strncmp(product, alias, n) != 0)
		return false;
	next = product[n];
	return next == '\0' || next == ' ' || next == '-' || isdigit((unsigned char)next) ||
	       n == 0;
}

/* The longest alias of the group that matches; product without the vendor
 * name in front ("VMware vCenter Server" is "vcenter server"). */
static const struct cpe_rule *
find_rule(const char *group, const char *vendor, const char *product, const char **rest)
{
	const struct cpe_rule *best = NULL;
	size_t vl = strlen(vendor);

	if (vl > 0 && strncmp(product, vendor, vl) == 0 && product[vl] == ' ')
		product += vl + 1;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct cpe_rule *r = &rules[i];
		if (strcmp(r->group, group) != 0 || !alias_matches(r->alias, product))
			continue;
		if (best == NULL || strlen(r->alias) > strlen(best->alias)) {
			best = r;
			*rest = product + strlen(r->alias);
		}
	}
	return best;
}

/* ---- NISTIR 7695 binding ------------------------------------------------ */

enum kh_err
kh_cpe_append_component(struct kh_buf *out, const char *value)
{
	enum kh_err r;

	if (value == NULL || value[0] == '\0')
		return KH_EFORMAT;
	/* The logical values ANY and NA bind as '*' and '-' (NISTIR 7695 6.2.2.1). */
	if (strcmp(value, "*") == 0 || strcmp(value, "-") == 0)
		return kh_buf_append_str(out, value);
	for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++) {
		unsigned char c = *p;
		if (c > 0x7e || c < 0x20)
			return KH_EFORMAT;
		/* 6.2.2.2: '.', '-' and '_' stay unquoted; other punctuation is
		 * quoted; WFN values hold no blanks (5.3.2), written '_' here. */
		if (c == ' ')
			c = '_';
		if (!isalnum(c) && c != '.' && c != '-' && c != '_' &&
		    (r = kh_buf_putc(out, '\\')) != KH_OK)
			return r;
		if ((r = kh_buf_putc(out, (char)tolower(c))) != KH_OK)
			return r;
	}
	return KH_OK;
}

/* ---- versions ----------------------------------------------------------- */

struct vparts {
	char version[NORM_MAX];
	char update[NORM_MAX]; /* "*" when not given */
	char product_suffix[NORM_MAX];
	const char *why;
};

/* Copies up to the first byte in `stops` (or the end). */
static void
copy_until(const char *s, const char *stops, char *out)
{
	size_t n = strcspn(s, stops);

	if (n >= NORM_MAX)
		n = NORM_MAX - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

static const char *
skip_v(const char *s)
{
	return (s[0] == 'v' && isdigit((unsigned char)s[1])) ? s + 1 : s;
}

/* "8.0 U2b", "8.0u2b", "8.0 update 2b", "8.0.2" -> "8.0" and "2b". */
static bool
split_vmware(const char *v, struct vparts *vp, const char *prefix)
{
	const char *p = skip_v(v), *u;
	size_t n = strspn(p, "0123456789");
	char upd[NORM_MAX];

	if (n == 0 || p[n] != '.' || !isdigit((unsigned char)p[n + 1]))
		return false;
	n += 1 + strspn(p + n + 1, "0123456789");
	memcpy(vp->version, p, n);
	vp->version[n] = '\0';
	u = p + n;
	if (*u == '.' && isdigit((unsigned char)u[1]) && u[1] != '0')
		u++; /* VMware: 8.0.2 is 8.0 Update 2 */
	else {
		while (*u == ' ')
			u++;
		if (kh_str_starts_with(u, "update"))
			u += 6;
		else if (*u == 'u')
			u++;
		else if (*u == '\0' || *u == ' ' || kh_str_starts_with(u, "build") ||
		         (*u == '.' && u[1] == '0'))
			return kh_strlcpy(vp->update, "*", NORM_MAX), true;
		else if (kh_str_starts_with(u, "ga"))
			return kh_strlcpy(vp->update, "-", NORM_MAX), true;
		while (*u == ' ')
			u++;
	}
	copy_until(u, " ,", upd);
	if (upd[0] == '\0' || !isdigit((unsigned char)upd[0]))
		return false;
	return kh_snprintf(vp->update, NORM_MAX, "%s%s", prefix, upd) == KH_OK;
}

/* A 4-digit year 2000-2099 in s, as the first such word. */
static const char *
find_year(const char *s)
{
	for (const char *p = s; *p != '\0'; p++)
		if ((p == s || !isdigit((unsigned char)p[-1])) && p[0] == '2' && p[1] == '0' &&
		    isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
		    !isdigit((unsigned char)p[4]))
			return p;
	return NULL;
}

/* Exchange: the year from product or version, the CU from the version. */
static bool
split_exchange(const char *rest, const char *v, struct vparts *vp)
{
	const char *year = find_year(rest) != NULL ? find_year(rest) : find_year(v);
	const char *cu = strstr(v, "cumulative update");
	size_t n;

	if (year == NULL)
		return false;
	memcpy(vp->version, year, 4);
	vp->version[4] = '\0';
	if (cu != NULL)
		cu += strlen("cumulative update") - 2;
	else
		cu = strstr(v, "cu");
	if (cu == NULL)
		return kh_strlcpy(vp->update, "*", NORM_MAX), true;
	cu += 2;
	while (*cu == ' ')
		cu++;
	if ((n = strspn(cu, "0123456789")) == 0 || n > 3)
		return false;
	return kh_snprintf(vp->update, NORM_MAX, "cumulative_update_%.*s", (int)n, cu) == KH_OK;
}

/* Windows Server: NVD has one product per release (windows_server_2019,
 * windows_server_2012 with version "r2"); builds like 10.0.17763.5329 are
 * the version of newer entries. */
static bool
split_winsrv(const char *rest, const char *v, struct vparts *vp)
{
	const char *year = find_year(rest) != NULL ? find_year(rest) : find_year(v);
	bool r2 = strstr(rest, "r2") != NULL || strstr(v, "r2") != NULL;

	if (year == NULL)
		return false;
	memcpy(vp->product_suffix, year, 4);
	vp->product_suffix[4] = '\0';
	kh_strlcpy(vp->update, "*", NORM_MAX);
	if (isdigit((unsigned char)v[0]) && strchr(v, '.') != NULL && find_year(v) != v)
		copy_until(v, " ,", vp->version);
	else
		kh_strlcpy(vp->version, r2 ? "r2" : "-", NORM_MAX);
	return true;
}

/* "8.9p1" / "22.7R2.4" / "10.2.9-h1": the letter starts the update. */
static bool
split_letter(const char *v, struct vparts *vp, char letter, bool dash)
{
	const char *p = skip_v(v);
	size_t n = strspn(p, "0123456789.");

	if (kh_str_starts_with(p, "openssh "))
		p += 8, n = strspn(p, "0123456789.");
	if (n == 0)
		return false;
	memcpy(vp->version, p, n);
	vp->version[n] = '\0';
	p += n;
	if (dash && *p == '-')
		p++;
	while (*p == ' ')
		p++;
	if (*p != letter)
		return kh_strlcpy(vp->update, "*", NORM_MAX), *p == '\0' || *p == ' ';
	copy_until(p, " ,", vp->update);
	return true;
}

static bool
split_version(const struct cpe_rule *rule, const char *rest, const char *v, struct vparts *vp)
{
	kh_strlcpy(vp->update, "*", NORM_MAX);
	switch (rule->vs) {
	case VS_ESXI: return split_vmware(v, vp, "update_");
	case VS_VCENTER: return split_vmware(v, vp, "update");
	case VS_EXCHANGE: return split_exchange(rest, v, vp);
	case VS_WINSRV: return split_winsrv(rest, v, vp);
	case VS_P_UPDATE: return split_letter(v, vp, 'p', false);
	case VS_R_UPDATE: return split_letter(v, vp, 'r', false);
	case VS_H_UPDATE: return split_letter(v, vp, 'h', true);
	case VS_NUMERIC: {
		const char *p = skip_v(v);
		size_t n = strspn(p, "0123456789.");
		if (n == 0 || n >= NORM_MAX)
			return false;
		memcpy(vp->version, p, n);
		vp->version[n] = '\0';
		return true;
	}
	case VS_PLAIN:
		copy_until(skip_v(v), " ,", vp->version);
		return vp->version[0] != '\0';
	}
	return false;
}

/* ---- assembling --------------------------------------------------------- */

static enum kh_err
build(const struct cpe_rule *rule, const struct vparts *vp, const char *model, char **out)
{
	struct kh_buf b;
	enum kh_err r;
	char product[NORM_MAX * 2];

	*out = NULL;
	if (rule->product == NULL)
		r = kh_snprintf(product, sizeof(product), "%s_firmware", model);
	else if (vp->product_suffix[0] != '\0')
		r = kh_snprintf(product, sizeof(product), "%s_%s", rule->product, vp->product_suffix);
	else
		r = kh_snprintf(product, sizeof(product), "%s", rule->product);
	if (r != KH_OK)
		return KH_EFORMAT;
	kh_buf_init(&b, 4096);
	if ((r = kh_buf_printf(&b, "cpe:2.3:%c:", rule->part)) != KH_OK ||
	    (r = kh_cpe_append_component(&b, rule->vendor)) != KH_OK ||
	    (r = kh_buf_putc(&b, ':')) != KH_OK || (r = kh_cpe_append_component(&b, product)) != KH_OK ||
	    (r = kh_buf_putc(&b, ':')) != KH_OK ||
	    (r = kh_cpe_append_component(&b, vp->version)) != KH_OK ||
	    (r = kh_buf_putc(&b, ':')) != KH_OK ||
	    (r = kh_cpe_append_component(&b, vp->update)) != KH_OK ||
	    /* edition, language, sw_edition, target_sw, target_hw, other */
	    (r = kh_buf_append_str(&b, ":*:*:*:*:*:*")) != KH_OK) {
		kh_buf_cleanup(&b);
		return r == KH_ENOMEM ? KH_ENOMEM : KH_EFORMAT;
	}
	if ((*out = kh_buf_steal(&b)) == NULL)
		return KH_ENOMEM;
	return KH_OK;
}

/* A model name for "<model>_firmware": "usg flex 100w" (blanks bind as '_'). */
static char *
model_of(const char *rest, char *out)
{
	kh_strlcpy(out, rest, NORM_MAX);
	return out;
}

static enum kh_err
set_why(struct kh_cpe_mapping *out, const char *why)
{
	return (out->why = kh_strdup(why)) == NULL ? KH_ENOMEM : KH_OK;
}

enum kh_err
kh_cpe_map(const char *vendor, const char *product, const char *version,
           struct kh_cpe_mapping *out)
{
	char v[NORM_MAX], p[NORM_MAX], ver[NORM_MAX], model[NORM_MAX];
	const struct cpe_rule *rule;
	const char *group, *rest = "";
	struct vparts vp = { 0 };
	enum kh_err r;

	memset(out, 0, sizeof(*out));
	if (!normalise(vendor, v) || !normalise(product, p) || !normalise(version, ver))
		return set_why(out, KH_MSG("value too long to map", "giá trị quá dài để ánh xạ"));
	if ((group = find_group(v)) == NULL)
		return set_why(out, KH_MSG("unknown vendor", "nhà sản xuất chưa có trong bảng"));
	out->vendor_known = true;
	if ((rule = find_rule(group, v, p, &rest)) == NULL ||
	    (rule->product == NULL && kh_str_trim(model_of(rest, model))[0] == '\0'))
		return set_why(out, KH_MSG("unknown product", "sản phẩm chưa có trong bảng"));
	out->product_known = true;
	if (ver[0] == '\0')
		return set_why(out, KH_MSG("no version: CPE not assigned",
		                           "thiếu phiên bản: chưa gán CPE"));
	if (!split_version(rule, rest, ver, &vp))
		return set_why(out, KH_MSG("version not understood for this product",
		                           "không hiểu phiên bản của sản phẩm này"));
	r = build(rule, &vp, model, &out->cpe);
	if (r == KH_EFORMAT)
		return set_why(out, KH_MSG("version has characters a CPE cannot hold",
		                           "phiên bản có ký tự CPE không biểu diễn được"));
	return r;
}

void
kh_cpe_mapping_cleanup(struct kh_cpe_mapping *m)
{
	kh_free(m->cpe);
	kh_free(m->why);
	m->cpe = NULL;
	m->why = NULL;
}
