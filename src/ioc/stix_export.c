/*
 * stix_export.c — detections and local indicators as a STIX 2.1 bundle:
 * identity, TLP marking, file observables, indicators, malware, indicates
 * relationships and sightings, all with deterministic identifiers.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ioc_int.h"

#define ID_SIZE 128

struct exporter {
	json_t *objects;   /* id → object, so one identifier appears once */
	char identity[ID_SIZE];
	const char *tlp_id;
	struct kh_buf pattern;
};

/* id from the given properties (a new object, released here). */
static enum kh_err
make_id(const char *type, const char *ns, json_t *props, char *out)
{
	enum kh_err r = props == NULL ? KH_ENOMEM
	                              : kh_ioc_stix_id(type, ns, props, out, ID_SIZE);
	json_decref(props);
	return r;
}

/* The common properties of the objects Khiên creates (STIX 2.1 §3.2). */
static json_t *
sdo_new(struct exporter *ex, const char *type, const char *id, const char *created,
        const char *modified)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s]}", "type", type,
	                      "spec_version", "2.1", "id", id, "created", created,
	                      "modified", modified, "object_marking_refs", ex->tlp_id);

	if (o != NULL && strcmp(type, "identity") != 0 &&
	    json_object_set_new(o, "created_by_ref", json_string(ex->identity)) != 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

static enum kh_err
put_identity(struct exporter *ex, const char *unit)
{
	json_t *o;
	enum kh_err r;

	/* identity: UUIDv5 over {"identity_class","name"} */
	if ((r = make_id("identity", KH_IOC_PROJECT_NAMESPACE,
	                 json_pack("{s:s, s:s}", "name", unit, "identity_class", "organization"),
	                 ex->identity)) != KH_OK)
		return r;
	o = sdo_new(ex, "identity", ex->identity, IOC_EPOCH, IOC_EPOCH);
	if (o == NULL || json_object_set_new(o, "name", json_string(unit)) != 0 ||
	    json_object_set_new(o, "identity_class", json_string("organization")) != 0) {
		json_decref(o);
		return KH_ENOMEM;
	}
	return ioc_objects_put(ex->objects, o);
}

static enum kh_err
put_malware(struct exporter *ex, const char *name, const char *first, char *id_out)
{
	json_t *o;
	enum kh_err r;

	if ((r = make_id("malware", KH_IOC_PROJECT_NAMESPACE, json_pack("{s:s}", "name", name),
	                 id_out)) != KH_OK)
		return r;
	if (json_object_get(ex->objects, id_out) != NULL)
		return KH_OK;
	o = sdo_new(ex, "malware", id_out, first, first);
	/* a rule or signature names a family, not one sample (STIX 2.1 §4.11) */
	if (o == NULL || json_object_set_new(o, "name", json_string(name)) != 0 ||
	    json_object_set_new(o, "is_family", json_true()) != 0) {
		json_decref(o);
		return KH_ENOMEM;
	}
	return ioc_objects_put(ex->objects, o);
}

static enum kh_err
put_relationship(struct exporter *ex, const char *source, const char *target,
                 const char *created)
{
	char id[ID_SIZE];
	json_t *o;
	enum kh_err r;

	if ((r = make_id("relationship", KH_IOC_PROJECT_NAMESPACE,
	                 json_pack("{s:s, s:s, s:s}", "relationship_type", "indicates",
	                           "source_ref", source, "target_ref", target),
	                 id)) != KH_OK)
		return r;
	o = sdo_new(ex, "relationship", id, created, created);
	if (o == NULL || json_object_set_new(o, "relationship_type", json_string("indicates")) != 0 ||
	    json_object_set_new(o, "source_ref", json_string(source)) != 0 ||
	    json_object_set_new(o, "target_ref", json_string(target)) != 0) {
		json_decref(o);
		return KH_ENOMEM;
	}
	return ioc_objects_put(ex->objects, o);
}

/* An indicator for one value; its id is UUIDv5 over {pattern, pattern_type}. */
static enum kh_err
put_indicator(struct exporter *ex, const char *type, const char *value,
              const char *name, const char *first, char *id_out)
{
	char valid_from[32];
	json_t *o;
	enum kh_err r;

	kh_buf_reset(&ex->pattern);
	if ((r = kh_ioc_pattern_for(type, value, &ex->pattern)) != KH_OK)
		return r;
	if ((r = make_id("indicator", KH_IOC_PROJECT_NAMESPACE,
	                 json_pack("{s:s, s:s}", "pattern", kh_buf_str(&ex->pattern),
	                           "pattern_type", "stix"),
	                 id_out)) != KH_OK)
		return r;
	if (json_object_get(ex->objects, id_out) != NULL)
		return KH_OK;
	kh_strlcpy(valid_from, first, sizeof(valid_from));
	o = sdo_new(ex, "indicator", id_out, first, first);
	if (o == NULL ||
	    json_object_set_new(o, "name", json_string(name != NULL ? name : value)) != 0 ||
	    json_object_set_new(o, "indicator_types", json_pack("[s]", "malicious-activity")) != 0 ||
	    json_object_set_new(o, "pattern", json_string(kh_buf_str(&ex->pattern))) != 0 ||
	    json_object_set_new(o, "pattern_type", json_string("stix")) != 0 ||
	    json_object_set_new(o, "pattern_version", json_string("2.1")) != 0 ||
	    json_object_set_new(o, "valid_from", json_string(valid_from)) != 0) {
		json_decref(o);
		return KH_ENOMEM;
	}
	return ioc_objects_put(ex->objects, o);
}

/* STIX 2.1 §6.7: a file SCO, UUIDv5 in the SCO namespace (§2.9). */
static enum kh_err
put_file(struct exporter *ex, const struct ioc_group *g)
{
	char id[ID_SIZE];
	json_t *o;
	enum kh_err r;

	/* the id covers every ID contributing property present: hashes, name */
	if ((r = make_id("file", KH_IOC_STIX_SCO_NAMESPACE,
	                 json_pack("{s:{s:s}, s:s}", "hashes", "SHA-256", g->key,
	                           "name", ioc_basename(g->path)), id)) != KH_OK)
		return r;
	o = json_pack("{s:s, s:s, s:s, s:{s:s}, s:I, s:s, s:[s]}", "type", "file",
	              "spec_version", "2.1", "id", id, "hashes", "SHA-256", g->key,
	              "size", (json_int_t)g->size, "name", ioc_basename(g->path),
	              "object_marking_refs", ex->tlp_id);
	return ioc_objects_put(ex->objects, o);
}

/* A sighting of `what` at the unit, over the group's detections. */
static enum kh_err
put_sighting(struct exporter *ex, const char *what, const struct ioc_group *g)
{
	char id[ID_SIZE], created[32], modified[32];
	json_t *o;
	enum kh_err r;

	if ((r = make_id("sighting", KH_IOC_PROJECT_NAMESPACE,
	                 json_pack("{s:s, s:[s]}", "sighting_of_ref", what,
	                           "where_sighted_refs", ex->identity),
	                 id)) != KH_OK)
		return r;
	ioc_ts_ms(g->first, created, sizeof(created));
	ioc_ts_ms(g->last, modified, sizeof(modified));
	o = sdo_new(ex, "sighting", id, created, modified);
	/* STIX 2.1 §5.2: count is at most 999999999 */
	if (o == NULL || json_object_set_new(o, "count", json_integer(
	                     (json_int_t)(g->count > 999999999 ? 999999999 : g->count))) != 0 ||
	    json_object_set_new(o, "first_seen", json_string(g->first)) != 0 ||
	    json_object_set_new(o, "last_seen", json_string(g->last)) != 0 ||
	    json_object_set_new(o, "sighting_of_ref", json_string(what)) != 0 ||
	    json_object_set_new(o, "where_sighted_refs", json_pack("[s]", ex->identity)) != 0) {
		json_decref(o);
		return KH_ENOMEM;
	}
	return ioc_objects_put(ex->objects, o);
}

static enum kh_err
export_file(struct exporter *ex, const struct ioc_group *g)
{
	char ind[ID_SIZE], mal[ID_SIZE], first[32];
	enum kh_err r;

	ioc_ts_ms(g->first, first, sizeof(first));
	if ((r = put_file(ex, g)) != KH_OK ||
	    (r = put_indicator(ex, "sha256", g->key, g->match, first, ind)) != KH_OK ||
	    (r = put_sighting(ex, ind, g)) != KH_OK)
		return r;
	/* the malware objects exist already, made from the rule groups */
	for (size_t i = 0; i < g->n_matches; i++)
		if ((r = put_malware(ex, g->matches[i], first, mal)) != KH_OK ||
		    (r = put_relationship(ex, ind, mal, first)) != KH_OK)
			return r;
	return KH_OK;
}

/* Detections without a hash: the sighting is of the malware itself. */
static enum kh_err
export_rule(struct exporter *ex, const struct ioc_group *rule,
            const struct ioc_groups *groups)
{
	char mal[ID_SIZE], first[32];
	enum kh_err r;

	ioc_ts_ms(rule->first, first, sizeof(first));
	if ((r = put_malware(ex, rule->key, first, mal)) != KH_OK)
		return r;
	for (size_t i = 0; i < groups->n_files; i++)
		for (size_t k = 0; k < groups->files[i].n_matches; k++)
			if (strcmp(groups->files[i].matches[k], rule->key) == 0)
				return KH_OK; /* sighted through its file indicators */
	return put_sighting(ex, mal, rule);
}

static enum kh_err
export_local(struct exporter *ex, const struct kh_ioc_indicator *it)
{
	char ind[ID_SIZE], mal[ID_SIZE], first[32];
	enum kh_err r;

	ioc_ts_ms(it->first_seen, first, sizeof(first));
	if ((r = put_indicator(ex, it->type, it->value, it->name, first, ind)) != KH_OK)
		return r;
	if (it->name == NULL || it->name[0] == '\0')
		return KH_OK;
	if ((r = put_malware(ex, it->name, first, mal)) != KH_OK)
		return r;
	return put_relationship(ex, ind, mal, first);
}

/* Earliest first, then in the order given: malware takes its first time. */
static int
cmp_local(const void *a, const void *b)
{
	const struct kh_ioc_indicator *x = *(const struct kh_ioc_indicator *const *)a;
	const struct kh_ioc_indicator *y = *(const struct kh_ioc_indicator *const *)b;
	int c = strcmp(x->first_seen != NULL ? x->first_seen : IOC_EPOCH,
	               y->first_seen != NULL ? y->first_seen : IOC_EPOCH);

	return c != 0 ? c : (x < y ? -1 : x > y);
}

static enum kh_err
export_locals(struct exporter *ex, const struct kh_ioc_indicators *local, struct kh_diag *diag)
{
	const struct kh_ioc_indicator **order;
	size_t n = local != NULL ? local->n : 0;
	enum kh_err r = KH_OK;

	if (n == 0)
		return KH_OK;
	if ((order = kh_calloc(n, sizeof(*order))) == NULL)
		return KH_ENOMEM;
	for (size_t i = 0; i < n; i++)
		order[i] = &local->items[i];
	qsort(order, n, sizeof(*order), cmp_local);
	for (size_t i = 0; i < n && r == KH_OK; i++)
		if ((r = export_local(ex, order[i])) != KH_OK)
			(void)kh_diag_set(diag, r, order[i]->source, 0, "%s: %s", order[i]->value,
			                  KH_MSG("cannot write as a STIX pattern",
			                         "không viết được thành mẫu STIX"));
	kh_free(order);
	return r;
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The bundle: objects in a stable order (by id), its id over their ids. */
static enum kh_err
make_bundle(struct exporter *ex, json_t **out)
{
	size_t n = json_object_size(ex->objects), i = 0;
	const char **keys = kh_calloc(n > 0 ? n : 1, sizeof(*keys)), *key;
	json_t *ids = json_array(), *list = json_array(), *o;
	char id[ID_SIZE];
	enum kh_err r = KH_ENOMEM;

	if (keys == NULL || ids == NULL || list == NULL)
		goto out;
	json_object_foreach(ex->objects, key, o)
		if (i < n)
			keys[i++] = key;
	qsort(keys, i, sizeof(*keys), cmp_key);
	for (size_t k = 0; k < i; k++)
		if (json_array_append_new(ids, json_string(keys[k])) != 0 ||
		    json_array_append(list, json_object_get(ex->objects, keys[k])) != 0)
			goto out;
	if ((r = make_id("bundle", KH_IOC_PROJECT_NAMESPACE, json_incref(ids), id)) != KH_OK)
		goto out;
	*out = json_pack("{s:s, s:s, s:O}", "type", "bundle", "id", id, "objects", list);
	r = *out != NULL ? KH_OK : KH_ENOMEM;
 out:
	kh_free(keys);
	json_decref(ids);
	json_decref(list);
	return r;
}

enum kh_err
kh_ioc_stix_export(const struct kh_ioc_detections *dets,
                   const struct kh_ioc_indicators *local,
                   const struct kh_ioc_export_opts *opts, json_t **out,
                   struct kh_diag *diag)
{
	struct exporter ex = { 0 };
	struct ioc_groups groups = { 0 };
	enum kh_ioc_tlp tlp = opts != NULL ? opts->tlp : KH_IOC_TLP_AMBER;
	const char *unit = opts != NULL && opts->unit != NULL ? opts->unit : "Khiên";
	enum kh_err r;

	*out = NULL;
	kh_buf_init(&ex.pattern, 1u << 20);
	ex.tlp_id = kh_ioc_tlp_stix_id(tlp);
	if ((ex.objects = json_object()) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((r = ioc_groups_build(dets, &groups)) != KH_OK ||
	    (r = put_identity(&ex, unit)) != KH_OK ||
	    (r = ioc_objects_put(ex.objects, kh_ioc_tlp_stix_object(tlp))) != KH_OK)
		goto out;
	/* rules first: a malware object is created when its rule first fired */
	for (size_t i = 0; i < groups.n_rules; i++)
		if ((r = export_rule(&ex, &groups.rules[i], &groups)) != KH_OK)
			goto out;
	for (size_t i = 0; i < groups.n_files; i++)
		if ((r = export_file(&ex, &groups.files[i])) != KH_OK)
			goto out;
	if ((r = export_locals(&ex, local, diag)) != KH_OK)
		goto out;
	r = make_bundle(&ex, out);
 out:
	ioc_groups_cleanup(&groups);
	json_decref(ex.objects);
	kh_buf_cleanup(&ex.pattern);
	return r;
}
