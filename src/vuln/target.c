/*
 * target.c — which advisories speak about an inventory: its OS as an OSV
 * ecosystem name ("Debian:12") and the version scheme its packages use.
 */
#include <string.h>

#include "khien/inventory.h"
#include "vuln_int.h"

/* Debian's release numbers (https://www.debian.org/releases/). */
static const struct {
	const char *codename, *release;
} debian_releases[] = {
	{ "jessie", "8" },   { "stretch", "9" }, { "buster", "10" },
	{ "bullseye", "11" }, { "bookworm", "12" }, { "trixie", "13" },
	{ "forky", "14" },
};

const char *
kh_vuln_debian_release(const char *codename)
{
	if (codename == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(debian_releases) / sizeof(debian_releases[0]); i++)
		if (strcmp(codename, debian_releases[i].codename) == 0)
			return debian_releases[i].release;
	return NULL;
}

/* "9.3" → "9"; "3.19.1" → "3.19" (parts = 2). */
static void
leading_parts(const char *v, int parts, char *out, size_t out_size)
{
	size_t n = 0;

	for (; v[n] != '\0'; n++)
		if (v[n] == '.' && --parts == 0)
			break;
	if (n >= out_size)
		n = out_size - 1;
	memcpy(out, v, n);
	out[n] = '\0';
}

static enum kh_err
unsupported(const struct kh_inventory_os *os, struct kh_diag *diag)
{
	return kh_diag_set(diag, KH_EUNSUPPORTED, NULL, 0,
	                   KH_MSG("operating system '%s %s' is not one whose advisories "
	                          "we match (Debian, Ubuntu, Alpine, AlmaLinux, Rocky Linux)",
	                          "hệ điều hành '%s %s' không thuộc loại được đối chiếu "
	                          "(Debian, Ubuntu, Alpine, AlmaLinux, Rocky Linux)"),
	                   os->id ? os->id : "?", os->version_id ? os->version_id : "?");
}

enum kh_err
kh_vuln_ecosystem_of(const struct kh_inventory *inv, char *out, size_t out_size,
                     enum kh_version_scheme *scheme, struct kh_diag *diag)
{
	const struct kh_inventory_os *os = &inv->os;
	const char *release;
	char part[64];

	if (os->id == NULL)
		return unsupported(os, diag);
	if (strcmp(os->id, "debian") == 0) {
		release = os->version_id ? os->version_id : kh_vuln_debian_release(os->codename);
		*scheme = KH_VERSION_DPKG;
		if (release == NULL)
			return unsupported(os, diag);
		return kh_snprintf(out, out_size, "Debian:%s", release);
	}
	if (os->version_id == NULL)
		return unsupported(os, diag);
	if (strcmp(os->id, "ubuntu") == 0) {
		*scheme = KH_VERSION_DPKG;
		return kh_snprintf(out, out_size, "Ubuntu:%s", os->version_id);
	}
	if (strcmp(os->id, "alpine") == 0) {
		/* OSV names Alpine branches "Alpine:v3.19" (secdb branch names). */
		leading_parts(os->version_id, 2, part, sizeof(part));
		*scheme = KH_VERSION_APK;
		return kh_snprintf(out, out_size, "Alpine:v%s", part);
	}
	leading_parts(os->version_id, 1, part, sizeof(part));
	*scheme = KH_VERSION_RPM;
	if (strcmp(os->id, "almalinux") == 0)
		return kh_snprintf(out, out_size, "AlmaLinux:%s", part);
	if (strcmp(os->id, "rocky") == 0)
		return kh_snprintf(out, out_size, "Rocky Linux:%s", part);
	return unsupported(os, diag);
}

/*
 * The names advisories may use for one ecosystem (OSV ecosystems list):
 * the exact release ("Ubuntu:22.04"), Ubuntu's LTS form ("Ubuntu:22.04:LTS")
 * and the bare name that covers every release ("AlmaLinux").
 */
size_t
vuln_ecosystem_aliases(const char *ecosystem, char out[][VULN_ECOSYSTEM_MAX], size_t max)
{
	const char *colon = strchr(ecosystem, ':');
	size_t n = 0;

	if (max < 3)
		return 0;
	kh_strlcpy(out[n++], ecosystem, VULN_ECOSYSTEM_MAX);
	if (kh_str_starts_with(ecosystem, "Ubuntu:") &&
	    kh_snprintf(out[n], VULN_ECOSYSTEM_MAX, "%s:LTS", ecosystem) == KH_OK)
		n++;
	if (colon != NULL && (size_t)(colon - ecosystem) < VULN_ECOSYSTEM_MAX) {
		memcpy(out[n], ecosystem, (size_t)(colon - ecosystem));
		out[n++][colon - ecosystem] = '\0';
	}
	return n;
}

bool
vuln_ecosystem_covers(const char *rule_ecosystem, const char *ecosystem)
{
	char aliases[VULN_ECOSYSTEM_ALIASES][VULN_ECOSYSTEM_MAX];
	size_t n = vuln_ecosystem_aliases(ecosystem, aliases, VULN_ECOSYSTEM_ALIASES);

	for (size_t i = 0; i < n; i++)
		if (strcmp(aliases[i], rule_ecosystem) == 0)
			return true;
	return false;
}
