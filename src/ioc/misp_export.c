/*
 * misp_export.c — detections and local indicators as one MISP event (MISP
 * core format, draft-dulaunoy-misp-core-format): attributes, `file`
 * objects, TLP and threat-level tags; uuids are deterministic.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ioc_int.h"

/* MISP object template "file" (misp-objects/objects/file/definition.json) */
#define FILE_TEMPLATE_UUID "688c46fb-5edb-40a3-8273-1af7923e2215"
#define FILE_TEMPLATE_VERSION "24"

struct mexp {
	json_t *attrs, *objects;
	json_t *seen;        /* "type|value" → true, so a value appears once */
	const char *stamp;   /* epoch seconds, as MISP writes them */
	uint8_t ns[KH_IOC_UUID_LEN];
};

/* uuid5 under the project namespace over a short text. */
static enum kh_err
uuid_of(struct mexp *m, const char *what, const char *a, const char *b, char *out)
{
	char name[4096];
	uint8_t u[KH_IOC_UUID_LEN];
	enum kh_err r;

	/* a value longer than 4 KiB is named by its first 4 KiB: still stable */
	if (kh_snprintf(name, sizeof(name), "misp|%s|%s|%s", what, a, b) != KH_OK)
		kh_log_debug("misp export: long value, uuid over its start");
	if ((r = kh_ioc_uuid5(m->ns, name, strlen(name), u)) != KH_OK)
		return r;
	kh_ioc_uuid_format(u, out);
	return KH_OK;
}

static const char *
category_of(const char *misp_type)
{
	/* MISP core format: the usual category of each type */
	if (strcmp(misp_type, "domain") == 0 || strcmp(misp_type, "ip-dst") == 0 ||
	    strcmp(misp_type, "url") == 0)
		return "Network activity";
	return "Payload delivery"; /* hashes, file names, phishing senders */
}

static json_t *
attribute_new(struct mexp *m, const char *misp_type, const char *value,
              const char *comment, const char *relation)
{
	char uuid[KH_IOC_UUID_STR];
	json_t *a;

	if (uuid_of(m, misp_type, value, relation != NULL ? relation : "", uuid) != KH_OK)
		return NULL;
	a = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "uuid", uuid, "type", misp_type,
	              "category", relation != NULL && strcmp(relation, "size-in-bytes") == 0
	                              ? "Other" : category_of(misp_type),
	              "value", value, "to_ids", relation == NULL || strcmp(relation, "sha256") == 0,
	              "distribution", "5", "timestamp", m->stamp,
	              "comment", comment != NULL ? comment : "");
	if (a != NULL && relation != NULL &&
	    json_object_set_new(a, "object_relation", json_string(relation)) != 0) {
		json_decref(a);
		a = NULL;
	}
	return a;
}

static enum kh_err
put_attr(struct mexp *m, const char *misp_type, const char *value, const char *comment)
{
	char key[4096];

	if (kh_snprintf(key, sizeof(key), "%s|%s", misp_type, value) == KH_OK &&
	    json_object_get(m->seen, key) != NULL)
		return KH_OK;
	if (json_object_set_new(m->seen, key, json_true()) != 0 ||
	    json_array_append_new(m->attrs, attribute_new(m, misp_type, value, comment, NULL)) != 0)
		return KH_ENOMEM;
	return KH_OK;
}

/* A detected file: a sha256 attribute and a `file` object with name and size. */
static enum kh_err
put_file(struct mexp *m, const struct ioc_group *g)
{
	char uuid[KH_IOC_UUID_STR], size[24];
	json_t *obj, *attrs;
	enum kh_err r;

	if ((r = put_attr(m, "sha256", g->key, g->match)) != KH_OK ||
	    (r = uuid_of(m, "file-object", g->key, "", uuid)) != KH_OK)
		return r;
	(void)snprintf(size, sizeof(size), "%llu", (unsigned long long)g->size);
	attrs = json_pack("[o, o, o]",
	                  attribute_new(m, "filename", ioc_basename(g->path), g->match, "filename"),
	                  attribute_new(m, "sha256", g->key, g->match, "sha256"),
	                  attribute_new(m, "size-in-bytes", size, NULL, "size-in-bytes"));
	obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "uuid", uuid,
	                "name", "file", "meta-category", "file", "description",
	                "File object describing a file with meta-information",
	                "template_uuid", FILE_TEMPLATE_UUID, "template_version",
	                FILE_TEMPLATE_VERSION, "distribution", "5", "timestamp", m->stamp,
	                "Attribute", attrs);
	if (obj == NULL || json_array_append_new(m->objects, obj) != 0)
		return KH_ENOMEM;
	return KH_OK;
}

/* Khiên's indicator types as MISP attribute types. */
static const char *
misp_type_of(const char *type)
{
	static const char *const map[][2] = {
		{ "md5", "md5" }, { "sha1", "sha1" }, { "sha256", "sha256" },
		{ "sha512", "sha512" }, { "domain-name", "domain" }, { "ipv4-addr", "ip-dst" },
		{ "ipv6-addr", "ip-dst" }, { "url", "url" }, { "email-addr", "email-dst" },
		{ "file-name", "filename" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(type, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

/* MISP distribution levels for each TLP level (0 org … 3 all communities). */
static const char *
distribution_of(enum kh_ioc_tlp tlp)
{
	switch (tlp) {
	case KH_IOC_TLP_CLEAR: return "3";
	case KH_IOC_TLP_GREEN: return "2";
	case KH_IOC_TLP_AMBER: return "1";
	default: return "0";
	}
}

/* The event's own uuid is over the unit and every attribute it holds. */
static enum kh_err
event_new(struct mexp *m, const char *unit, enum kh_ioc_tlp tlp, const char *date,
          json_t **out)
{
	struct kh_buf canon;
	char uuid[KH_IOC_UUID_STR], info[512], tag[32];
	uint8_t u[KH_IOC_UUID_LEN];
	json_t *keys = json_pack("{s:s, s:O}", "unit", unit, "values", m->seen), *ev;
	enum kh_err r;

	kh_buf_init(&canon, 0);
	if (keys == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((r = kh_ioc_jcs(keys, &canon)) != KH_OK ||
	    (r = kh_ioc_uuid5(m->ns, canon.data, canon.len, u)) != KH_OK)
		goto out;
	kh_ioc_uuid_format(u, uuid);
	(void)snprintf(info, sizeof(info), "Khiên: %s (%s)",
	               KH_MSG("malware detections", "phát hiện mã độc"), unit);
	(void)snprintf(tag, sizeof(tag), "tlp:%s", kh_ioc_tlp_name(tlp));
	/* MISP taxonomies "tlp" and "threat-level" */
	ev = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:{s:s}, s:[{s:s}, {s:s}],"
	               " s:O, s:O}",
	               "uuid", uuid, "info", info, "date", date, "threat_level_id", "2",
	               "analysis", "2", "distribution", distribution_of(tlp), "published", 0,
	               "timestamp", m->stamp, "Orgc", "name", unit,
	               "Tag", "name", tag, "name", "threat-level=\"medium-risk\"",
	               "Attribute", m->attrs, "Object", m->objects);
	*out = ev != NULL ? json_pack("{s:o}", "Event", ev) : NULL;
	r = *out != NULL ? KH_OK : KH_ENOMEM;
 out:
	json_decref(keys);
	kh_buf_cleanup(&canon);
	return r;
}

/* Seconds since the epoch of a "YYYY-MM-DDTHH:MM:SS…" time, as text. */
static void
epoch_text(const char *t, char *out, size_t out_size)
{
	struct tm tm = { 0 };
	const char *end = t != NULL ? strptime(t, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;

	(void)snprintf(out, out_size, "%lld", end != NULL ? (long long)timegm(&tm) : 0LL);
}

enum kh_err
kh_ioc_misp_export(const struct kh_ioc_detections *dets, const struct kh_ioc_indicators *local,
                   const struct kh_ioc_export_opts *opts, json_t **out, struct kh_diag *diag)
{
	struct mexp m = { 0 };
	struct ioc_groups groups = { 0 };
	enum kh_ioc_tlp tlp = opts != NULL ? opts->tlp : KH_IOC_TLP_AMBER;
	const char *unit = opts != NULL && opts->unit != NULL ? opts->unit : "Khiên";
	const char *last = NULL;
	char stamp[24], date[11];
	enum kh_err r;

	(void)diag;
	*out = NULL;
	m.attrs = json_array();
	m.objects = json_array();
	m.seen = json_object();
	if (m.attrs == NULL || m.objects == NULL || m.seen == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((r = kh_ioc_uuid_parse(KH_IOC_PROJECT_NAMESPACE, m.ns)) != KH_OK ||
	    (r = ioc_groups_build(dets, &groups)) != KH_OK)
		goto out;
	for (size_t i = 0; i < groups.n_files; i++)
		if (last == NULL || strcmp(groups.files[i].last, last) > 0)
			last = groups.files[i].last;
	for (size_t i = 0; i < groups.n_rules; i++)
		if (last == NULL || strcmp(groups.rules[i].last, last) > 0)
			last = groups.rules[i].last;
	epoch_text(last != NULL ? last : IOC_EPOCH, stamp, sizeof(stamp));
	m.stamp = stamp;
	kh_strlcpy(date, groups.first != NULL ? groups.first : IOC_EPOCH, sizeof(date));
	for (size_t i = 0; i < groups.n_files; i++)
		if ((r = put_file(&m, &groups.files[i])) != KH_OK)
			goto out;
	for (size_t i = 0; local != NULL && i < local->n; i++) {
		const char *mt = misp_type_of(local->items[i].type);
		if (mt != NULL && (r = put_attr(&m, mt, local->items[i].value,
		                                local->items[i].name)) != KH_OK)
			goto out;
	}
	r = event_new(&m, unit, tlp, date, out);
 out:
	ioc_groups_cleanup(&groups);
	json_decref(m.attrs);
	json_decref(m.objects);
	json_decref(m.seen);
	return r;
}
