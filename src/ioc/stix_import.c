/*
 * stix_import.c — reads a STIX 2.1 bundle: counts its objects and takes
 * indicator values from the patterns it can match on.
 */
#include <jansson.h>
#include <string.h>

#include "khien/ioc.h"

/* STIX 2.1 §3.1 / §8: a bundle of 2.1 objects; 2.0 bundles carry spec_version. */
static enum kh_err
check_bundle(const json_t *bundle, const char *source, struct kh_diag *diag)
{
	const char *type = kh_json_str(bundle, "type"), *spec;
	json_t *objects;

	if (!json_is_object(bundle) || type == NULL || strcmp(type, "bundle") != 0)
		return kh_diag_set(diag, KH_EFORMAT, source, 0, "%s",
		                   KH_MSG("not a STIX bundle (\"type\": \"bundle\")",
		                          "không phải gói STIX (\"type\": \"bundle\")"));
	spec = kh_json_str(bundle, "spec_version");
	if (json_object_get(bundle, "spec_version") != NULL && (spec == NULL || strcmp(spec, "2.1") != 0))
		return kh_diag_set(diag, KH_EFORMAT, source, 0, "spec_version %s: %s",
		                   spec != NULL ? spec : "?",
		                   KH_MSG("only STIX 2.1 is read", "chỉ đọc STIX 2.1"));
	objects = json_object_get(bundle, "objects");
	if (objects != NULL && !json_is_array(objects))
		return kh_diag_set(diag, KH_EFORMAT, source, 0, "%s",
		                   KH_MSG("\"objects\" is not a list", "\"objects\" không phải danh sách"));
	return KH_OK;
}

static enum kh_err
check_object(const json_t *o, size_t i, const char *source, struct kh_diag *diag)
{
	const char *spec = kh_json_str(o, "spec_version");

	if (!json_is_object(o) || kh_json_str(o, "type") == NULL)
		return kh_diag_set(diag, KH_EFORMAT, source, 0, "%s %zu: %s",
		                   KH_MSG("object", "đối tượng"), i,
		                   KH_MSG("not an object with a type", "không phải đối tượng có type"));
	if (json_object_get(o, "spec_version") != NULL && (spec == NULL || strcmp(spec, "2.1") != 0))
		return kh_diag_set(diag, KH_EFORMAT, source, 0, "%s %zu: spec_version %s: %s",
		                   KH_MSG("object", "đối tượng"), i, spec != NULL ? spec : "?",
		                   KH_MSG("only STIX 2.1 is read", "chỉ đọc STIX 2.1"));
	return KH_OK;
}

/* Sets first_seen (the indicator's valid_from) on the values just taken. */
static enum kh_err
stamp(struct kh_ioc_indicators *into, size_t from, const char *valid_from)
{
	for (size_t i = from; valid_from != NULL && i < into->n; i++) {
		kh_free(into->items[i].first_seen);
		if ((into->items[i].first_seen = kh_strdup(valid_from)) == NULL)
			return KH_ENOMEM;
	}
	return KH_OK;
}

/*
 * The names of the malware each indicator indicates (relationship
 * "indicates", STIX 2.1 §4.6): indicator id → [name, …].
 */
static json_t *
indicated_names(const json_t *objects)
{
	json_t *names = json_object(), *out = json_object(), *o, *list;
	const char *src, *dst, *type, *name;
	size_t i;

	if (names == NULL || out == NULL)
		goto fail;
	json_array_foreach(objects, i, o)
		if ((type = kh_json_str(o, "type")) != NULL && strcmp(type, "malware") == 0 &&
		    (name = kh_json_str(o, "name")) != NULL && kh_json_str(o, "id") != NULL &&
		    json_object_set_new(names, kh_json_str(o, "id"), json_string(name)) != 0)
			goto fail;
	json_array_foreach(objects, i, o) {
		const char *rt = kh_json_str(o, "relationship_type");
		if (rt == NULL || strcmp(rt, "indicates") != 0 ||
		    (src = kh_json_str(o, "source_ref")) == NULL ||
		    (dst = kh_json_str(o, "target_ref")) == NULL ||
		    json_object_get(names, dst) == NULL)
			continue;
		if ((list = json_object_get(out, src)) == NULL) {
			if (json_object_set_new(out, src, json_array()) != 0)
				goto fail;
			list = json_object_get(out, src);
		}
		if (json_array_append(list, json_object_get(names, dst)) != 0)
			goto fail;
	}
	json_decref(names);
	return out;
 fail:
	json_decref(names);
	json_decref(out);
	return NULL;
}

/* The values just taken again under each further malware name. */
static enum kh_err
add_names(struct kh_ioc_indicators *into, size_t from, size_t to, const char *own,
          const json_t *names)
{
	json_t *n;
	size_t k;
	enum kh_err r;

	json_array_foreach(names, k, n) {
		const char *name = json_string_value(n);
		if (name == NULL || (own != NULL && strcmp(name, own) == 0))
			continue;
		for (size_t i = from; i < to; i++) {
			const struct kh_ioc_indicator *it = &into->items[i];
			if ((r = kh_ioc_indicators_add(into, it->kind, it->type, it->value, name,
			                               it->source, it->first_seen)) != KH_OK)
				return r;
		}
	}
	return KH_OK;
}

static enum kh_err
import_indicator(const json_t *o, size_t i, const char *source, const json_t *names,
                 struct kh_ioc_indicators *into, struct kh_ioc_counts *counts)
{
	const char *pattern = kh_json_str(o, "pattern");
	const char *ptype = kh_json_str(o, "pattern_type");
	struct kh_ioc_pattern_info info;
	struct kh_diag pdiag;
	size_t before = into != NULL ? into->n : 0;
	enum kh_err r;

	counts->indicators++;
	if (ptype != NULL && strcmp(ptype, "stix") != 0) {
		counts->unsupported++; /* snort, yara, sigma… patterns */
		return KH_OK;
	}
	if (pattern == NULL) {
		counts->errors++;
		kh_log_warn("%s: %s %zu: %s", source, KH_MSG("object", "đối tượng"), i,
		            KH_MSG("indicator without a pattern", "chỉ báo không có mẫu"));
		return KH_OK;
	}
	kh_diag_clear(&pdiag);
	r = kh_ioc_pattern_parse(pattern, strlen(pattern), kh_json_str(o, "name"), source,
	                         into, &info, &pdiag);
	if (r == KH_ENOMEM)
		return r;
	if (r != KH_OK) {
		char line[1024];
		kh_diag_format(&pdiag, line, sizeof(line));
		kh_log_warn("%s: %s %zu: %s", source, KH_MSG("object", "đối tượng"), i, line);
		counts->errors++;
		return KH_OK;
	}
	if (info.unsupported > 0) {
		counts->unsupported++;
		return KH_OK;
	}
	counts->hashes += info.hashes;
	counts->network += info.network;
	if (into == NULL)
		return KH_OK;
	if ((r = stamp(into, before, kh_json_str(o, "valid_from"))) != KH_OK)
		return r;
	return add_names(into, before, into->n, kh_json_str(o, "name"),
	                 json_object_get(names, kh_json_str(o, "id") ? kh_json_str(o, "id") : ""));
}

enum kh_err
kh_ioc_stix_import(const json_t *bundle, const char *source,
                   struct kh_ioc_indicators *into, struct kh_ioc_counts *counts,
                   struct kh_diag *diag)
{
	json_t *objects, *o, *names;
	size_t i;
	enum kh_err r;

	if ((r = check_bundle(bundle, source, diag)) != KH_OK)
		return r;
	objects = json_object_get(bundle, "objects");
	/* check everything first: a wrong version rejects the whole bundle */
	json_array_foreach(objects, i, o)
		if ((r = check_object(o, i, source, diag)) != KH_OK)
			return r;
	if ((names = indicated_names(objects)) == NULL)
		return KH_ENOMEM;
	json_array_foreach(objects, i, o) {
		counts->objects++;
		if (strcmp(kh_json_str(o, "type"), "indicator") == 0 &&
		    (r = import_indicator(o, i, source, names, into, counts)) != KH_OK)
			break;
	}
	json_decref(names);
	return r;
}
