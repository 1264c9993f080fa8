/*
 * misp_import.c — reads MISP events (the JSON of MISP's REST API and of
 * MISP feeds): every attribute, top level and inside objects, is counted;
 * hash and network attributes become indicator values.
 */
#include <ctype.h>
#include <jansson.h>
#include <string.h>

#include "khien/ioc.h"

/* MISP attribute types (MISP core format, "type") Khiên reads as indicators. */
static const struct {
	const char *misp, *type;
	size_t hex_len;
} types[] = {
	{ "md5", "md5", 32 },       { "sha1", "sha1", 40 },
	{ "sha256", "sha256", 64 }, { "sha512", "sha512", 128 },
	{ "filename|md5", "md5", 32 },       { "filename|sha1", "sha1", 40 },
	{ "filename|sha256", "sha256", 64 }, { "filename|sha512", "sha512", 128 },
	{ "domain", "domain-name", 0 }, { "hostname", "domain-name", 0 },
	{ "ip-dst", "ip", 0 },      { "ip-src", "ip", 0 },
	{ "ip-dst|port", "ip", 0 }, { "ip-src|port", "ip", 0 },
	{ "domain|ip", "domain-name", 0 },
	{ "url", "url", 0 },        { "email-src", "email-addr", 0 },
	{ "email-dst", "email-addr", 0 }, { "filename", "file-name", 0 },
};

bool
kh_ioc_misp_is_manifest(const json_t *doc)
{
	const char *key;
	json_t *val;
	uint8_t u[KH_IOC_UUID_LEN];

	/* MISP feeds: manifest.json maps event uuid → {info, date, Tag, …} */
	if (!json_is_object(doc) || json_object_size(doc) == 0)
		return false;
	json_object_foreach((json_t *)doc, key, val)
		if (kh_ioc_uuid_parse(key, u) != KH_OK || !json_is_object(val) ||
		    json_object_get(val, "info") == NULL)
			return false;
	return true;
}

/* A bare event: has attributes or objects, or an info with a date or uuid. */
static bool
is_bare_event(const json_t *doc)
{
	return json_is_object(doc) &&
	       (json_is_array(json_object_get(doc, "Attribute")) ||
	        json_is_array(json_object_get(doc, "Object")) ||
	        (json_is_string(json_object_get(doc, "info")) &&
	         (json_object_get(doc, "date") != NULL || json_object_get(doc, "uuid") != NULL)));
}

bool
kh_ioc_misp_is_event(const json_t *doc)
{
	json_t *item;
	size_t i;

	if (json_is_array(doc)) {
		json_array_foreach(doc, i, item)
			if (!json_is_object(json_object_get(item, "Event")) && !is_bare_event(item))
				return false;
		return json_array_size(doc) > 0;
	}
	return json_is_object(json_object_get(doc, "Event")) ||
	       json_is_array(json_object_get(doc, "response")) || is_bare_event(doc);
}

struct reader {
	const char *source, *event_info;
	struct kh_ioc_indicators *into;
	struct kh_ioc_counts *counts;
};

static bool
hex_ok(char *v, size_t want)
{
	if (strlen(v) != want)
		return false;
	for (size_t i = 0; i < want; i++) {
		if (!isxdigit((unsigned char)v[i]))
			return false;
		v[i] = (char)tolower((unsigned char)v[i]);
	}
	return true;
}

static enum kh_err
add(struct reader *rd, const char *type, char *value, const char *name)
{
	enum kh_ioc_kind kind;

	if (value[0] == '\0' || !kh_ioc_type_kind(type, &kind))
		return KH_EFORMAT;
	if (kind == KH_IOC_KIND_HASH)
		rd->counts->hashes++;
	else if (kind == KH_IOC_KIND_NETWORK)
		rd->counts->network++;
	if (rd->into == NULL)
		return KH_OK;
	return kh_ioc_indicators_add(rd->into, kind, type, value, name, rd->source, NULL);
}

/* One value of a supported type: "a|b" types are split, ip types sorted out. */
static enum kh_err
attribute_value(struct reader *rd, const char *misp, const char *type, size_t hex_len,
                char *value, const char *name)
{
	char *bar = strchr(value, '|');
	enum kh_err r;

	if (strchr(misp, '|') != NULL) {
		if (bar == NULL)
			return KH_EFORMAT;
		*bar = '\0';
		if (strncmp(misp, "filename|", 9) == 0) {
			value = bar + 1; /* the hash; the file name is context only */
		} else if (strcmp(misp, "domain|ip") == 0) {
			if ((r = add(rd, "domain-name", value, name)) != KH_OK)
				return r;
			value = bar + 1;
			type = "ip";
		} /* ip|port: the address is before the bar */
	}
	if (hex_len != 0 && !hex_ok(value, hex_len))
		return KH_EFORMAT;
	/* CIDR ranges are kept as written, as STIX ipv4-addr/ipv6-addr allow */
	if (strcmp(type, "ip") == 0)
		type = strchr(value, ':') != NULL ? "ipv6-addr" : "ipv4-addr";
	return add(rd, type, value, name);
}

static enum kh_err
attribute(struct reader *rd, const json_t *a)
{
	const char *misp = kh_json_str(a, "type"), *value = kh_json_str(a, "value");
	const char *comment = kh_json_str(a, "comment"), *name;
	char *copy;
	enum kh_err r;

	rd->counts->objects++;
	rd->counts->indicators++;
	if (misp == NULL || value == NULL) {
		rd->counts->errors++;
		return KH_OK;
	}
	/* the comment names the malware when there is one; else the event */
	name = comment != NULL && comment[0] != '\0' ? comment : rd->event_info;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(misp, types[i].misp) != 0)
			continue;
		if ((copy = kh_strdup(value)) == NULL)
			return KH_ENOMEM;
		r = attribute_value(rd, misp, types[i].type, types[i].hex_len, copy, name);
		kh_free(copy);
		if (r == KH_EFORMAT) {
			kh_log_warn("%s: %s '%s': %s", rd->source, misp, value,
			            KH_MSG("value does not fit its type", "giá trị không hợp với kiểu"));
			rd->counts->errors++;
			r = KH_OK;
		}
		return r;
	}
	rd->counts->unsupported++;
	return KH_OK;
}

static enum kh_err
attributes(struct reader *rd, const json_t *list)
{
	json_t *a;
	size_t i;
	enum kh_err r;

	json_array_foreach(list, i, a)
		if (json_is_object(a) && (r = attribute(rd, a)) != KH_OK)
			return r;
	return KH_OK;
}

static enum kh_err
event(struct reader *rd, const json_t *ev)
{
	json_t *obj;
	size_t i;
	enum kh_err r;

	rd->event_info = kh_json_str(ev, "info");
	if ((r = attributes(rd, json_object_get(ev, "Attribute"))) != KH_OK)
		return r;
	json_array_foreach(json_object_get(ev, "Object"), i, obj)
		if (json_is_object(obj) &&
		    (r = attributes(rd, json_object_get(obj, "Attribute"))) != KH_OK)
			return r;
	return KH_OK;
}

enum kh_err
kh_ioc_misp_import(const json_t *doc, const char *source, struct kh_ioc_indicators *into,
                   struct kh_ioc_counts *counts, struct kh_diag *diag)
{
	struct reader rd = { .source = source, .into = into, .counts = counts };
	json_t *list = json_object_get(doc, "response"), *item, *ev;
	size_t i;
	enum kh_err r;

	if (json_is_array(doc))
		list = (json_t *)doc; /* a list of events or of index entries */
	if (json_is_array(list)) { /* a search result: [{"Event": …}, …] */
		json_array_foreach(list, i, item) {
			ev = json_object_get(item, "Event");
			if (ev == NULL && is_bare_event(item))
				ev = item;
			if (json_is_object(ev) && (r = event(&rd, ev)) != KH_OK)
				return r;
		}
		return KH_OK;
	}
	ev = json_object_get(doc, "Event");
	if (ev == NULL && is_bare_event(doc))
		ev = (json_t *)doc;
	if (!json_is_object(ev))
		return kh_diag_set(diag, KH_EFORMAT, source, 0, "%s",
		                   KH_MSG("not a MISP event (\"Event\")",
		                          "không phải sự kiện MISP (\"Event\")"));
	return event(&rd, ev);
}
