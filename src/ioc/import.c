/*
 * import.c — one entry for every kind of file `khien ioc import` reads:
 * STIX 2.1 bundles, MISP events and MISP feed manifests.
 */
#include <jansson.h>
#include <string.h>

#include "khien/ioc.h"
#include "khien/limits.h"

enum kh_err
kh_ioc_import_json(const json_t *doc, const char *source, struct kh_ioc_indicators *into,
                   struct kh_ioc_counts *counts, struct kh_diag *diag)
{
	const char *type = kh_json_str(doc, "type");

	if (type != NULL && strcmp(type, "bundle") == 0)
		return kh_ioc_stix_import(doc, source, into, counts, diag);
	if (kh_ioc_misp_is_event(doc))
		return kh_ioc_misp_import(doc, source, into, counts, diag);
	if (type != NULL && (json_object_get(doc, "spec_version") != NULL ||
	                     json_object_get(doc, "objects") != NULL))
		return kh_ioc_stix_import(doc, source, into, counts, diag); /* names the problem */
	return kh_diag_set(diag, KH_EFORMAT, source, 0, "%s",
	                   KH_MSG("neither a STIX 2.1 bundle nor a MISP event",
	                          "không phải gói STIX 2.1 cũng không phải sự kiện MISP"));
}

static enum kh_err
read_json(const char *path, json_t **out, struct kh_diag *diag)
{
	struct kh_buf *raw = NULL;
	enum kh_err r;

	*out = NULL;
	if ((r = kh_file_read(path, KH_LIMIT(max_json_bytes), "max_json_bytes", KH_FILE_FOLLOW,
	                      &raw, diag)) != KH_OK)
		return r;
	r = kh_json_parse(kh_buf_cur(raw), path, out, diag);
	kh_buf_free(raw);
	return r;
}

/* The events of a MISP feed: <uuid>.json beside manifest.json. */
static enum kh_err
import_manifest(const char *path, const json_t *doc, struct kh_ioc_indicators *into,
                struct kh_ioc_counts *counts, struct kh_diag *diag)
{
	const char *slash = strrchr(path, '/'), *key;
	char *dir = slash != NULL ? kh_strndup(path, (size_t)(slash - path)) : kh_strdup(".");
	json_t *val, *event;
	enum kh_err r = dir != NULL ? KH_OK : KH_ENOMEM;

	json_object_foreach((json_t *)doc, key, val) {
		char name[64], *event_path;
		uint8_t u[KH_IOC_UUID_LEN];
		if (r != KH_OK)
			break;
		/* only uuids name files: no path can be smuggled in */
		if (kh_ioc_uuid_parse(key, u) != KH_OK || kh_snprintf(name, sizeof(name), "%s.json", key) != KH_OK)
			continue;
		if ((event_path = kh_path_join(dir, name)) == NULL) {
			r = KH_ENOMEM;
			break;
		}
		if ((r = read_json(event_path, &event, diag)) == KH_OK) {
			counts->files++;
			r = kh_ioc_misp_import(event, event_path, into, counts, diag);
			json_decref(event);
		}
		if (r != KH_OK && r != KH_ENOMEM) {
			char line[1024];
			kh_diag_format(diag, line, sizeof(line));
			kh_log_warn("%s", line);
			counts->errors++;
			r = KH_OK;
		}
		kh_free(event_path);
	}
	kh_free(dir);
	return r;
}

enum kh_err
kh_ioc_import_file(const char *path, struct kh_ioc_indicators *into,
                   struct kh_ioc_counts *counts, struct kh_diag *diag)
{
	json_t *doc = NULL;
	enum kh_err r;

	if ((r = read_json(path, &doc, diag)) != KH_OK)
		goto out;
	counts->files++;
	if (kh_ioc_misp_is_manifest(doc))
		r = import_manifest(path, doc, into, counts, diag);
	else
		r = kh_ioc_import_json(doc, path, into, counts, diag);
 out:
	json_decref(doc);
	return r;
}
