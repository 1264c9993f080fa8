/*
 * tlp.c — Traffic Light Protocol 2.0 levels as STIX 2.1 marking
 * definitions (the OASIS TLP 2.0 extension) and as MISP tags.
 */
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "khien/ioc.h"

/*
 * OASIS "STIX 2.1 Extension for TLP 2.0" (extension-definition--60a3c5c5-…):
 * fixed objects, created 2022-10-01 by FIRST's identity, so every producer
 * emits byte-identical markings.
 */
#define TLP_EXT "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
#define TLP_CREATOR "identity--a0c22599-9e58-4da4-96ac-7051603fa951"
#define TLP_CREATED "2022-10-01T00:00:00.000Z"

static const struct {
	const char *name, *label, *stix_id;
} levels[] = {
	[KH_IOC_TLP_CLEAR] = { "clear", "TLP:CLEAR",
	                       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487" },
	[KH_IOC_TLP_GREEN] = { "green", "TLP:GREEN",
	                       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb" },
	[KH_IOC_TLP_AMBER] = { "amber", "TLP:AMBER",
	                       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421" },
	[KH_IOC_TLP_AMBER_STRICT] = { "amber+strict", "TLP:AMBER+STRICT",
	                              "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003" },
	[KH_IOC_TLP_RED] = { "red", "TLP:RED",
	                     "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1" },
};
#define N_LEVELS (sizeof(levels) / sizeof(levels[0]))

/* STIX 2.1 §7.2.1.4: the TLP 1.0 markings; "white" is TLP 2.0's "clear". */
static const struct {
	const char *stix_id;
	enum kh_ioc_tlp tlp;
} tlp1_ids[] = {
	{ "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", KH_IOC_TLP_CLEAR },
	{ "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", KH_IOC_TLP_GREEN },
	{ "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", KH_IOC_TLP_AMBER },
	{ "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", KH_IOC_TLP_RED },
};

enum kh_err
kh_ioc_tlp_parse(const char *s, enum kh_ioc_tlp *out)
{
	if (s == NULL)
		return KH_EINVAL;
	if (kh_str_casecmp(s, "white") == 0) {
		*out = KH_IOC_TLP_CLEAR;
		return KH_OK;
	}
	for (size_t i = 0; i < N_LEVELS; i++)
		if (kh_str_casecmp(s, levels[i].name) == 0) {
			*out = (enum kh_ioc_tlp)i;
			return KH_OK;
		}
	return KH_EINVAL;
}

const char *
kh_ioc_tlp_name(enum kh_ioc_tlp tlp)
{
	return (size_t)tlp < N_LEVELS ? levels[tlp].name : "amber";
}

const char *
kh_ioc_tlp_stix_id(enum kh_ioc_tlp tlp)
{
	return levels[(size_t)tlp < N_LEVELS ? tlp : KH_IOC_TLP_AMBER].stix_id;
}

bool
kh_ioc_tlp_from_stix_id(const char *id, enum kh_ioc_tlp *out)
{
	if (id == NULL)
		return false;
	for (size_t i = 0; i < N_LEVELS; i++)
		if (strcmp(id, levels[i].stix_id) == 0) {
			*out = (enum kh_ioc_tlp)i;
			return true;
		}
	for (size_t i = 0; i < sizeof(tlp1_ids) / sizeof(tlp1_ids[0]); i++)
		if (strcmp(id, tlp1_ids[i].stix_id) == 0) {
			*out = tlp1_ids[i].tlp;
			return true;
		}
	return false;
}

bool
kh_ioc_tlp_from_tag(const char *tag, enum kh_ioc_tlp *out)
{
	/* MISP taxonomy "tlp": tags are "tlp:<level>" */
	if (tag == NULL || strncasecmp(tag, "tlp:", 4) != 0)
		return false;
	return kh_ioc_tlp_parse(tag + 4, out) == KH_OK;
}

json_t *
kh_ioc_tlp_stix_object(enum kh_ioc_tlp tlp)
{
	size_t i = (size_t)tlp < N_LEVELS ? (size_t)tlp : KH_IOC_TLP_AMBER;

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:{s:s, s:s}}}",
	                 "type", "marking-definition", "spec_version", "2.1",
	                 "id", levels[i].stix_id, "created", TLP_CREATED,
	                 "created_by_ref", TLP_CREATOR, "name", levels[i].label,
	                 "extensions", TLP_EXT, "extension_type", "property-extension",
	                 "tlp_2_0", levels[i].name);
}
