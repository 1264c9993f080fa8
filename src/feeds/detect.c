/*
 * detect.c — which feed format a document is, from its first bytes and
 * its top-level JSON keys, so `feeds import` needs no --format.
 */
#include <string.h>
#include <strings.h>

#include "feeds_int.h"

/* First non-blank byte, or -1. */
static int
first_byte(struct kh_cur c)
{
	kh_cur_trim(&c);
	/* a UTF-8 byte-order mark is not part of the document */
	if (c.len >= 3 && c.p[0] == 0xef && c.p[1] == 0xbb && c.p[2] == 0xbf) {
		c.p += 3;
		c.len -= 3;
		kh_cur_trim(&c);
	}
	return kh_cur_peek(&c);
}

static bool
is_tracker(const json_t *doc)
{
	const char *pkg;
	json_t *entries;

	/* {"<srcpkg>": {"CVE-…": {…}}}: look at the first package */
	json_object_foreach((json_t *)doc, pkg, entries) {
		const char *cve;
		json_t *e;
		if (!json_is_object(entries))
			return false;
		json_object_foreach(entries, cve, e)
			return json_is_object(e) && (strncmp(cve, "CVE-", 4) == 0 ||
			                             strncmp(cve, "TEMP-", 5) == 0 ||
			                             json_object_get(e, "releases") != NULL);
		return false;
	}
	return false;
}

static bool
is_osv(const json_t *rec)
{
	return json_is_object(rec) && json_is_string(json_object_get(rec, "id")) &&
	       (json_object_get(rec, "affected") != NULL || json_object_get(rec, "schema_version") != NULL ||
	        json_object_get(rec, "modified") != NULL);
}

bool
feeds_detect_doc(const json_t *doc, enum kh_feeds_kind *out)
{
	const json_t *vulns = json_object_get(doc, "vulnerabilities");
	const json_t *document = json_object_get(doc, "document");

	if (json_is_array(doc) && json_array_size(doc) > 0 && is_osv(json_array_get(doc, 0)))
		return (*out = KH_FEEDS_OSV), true;
	if (!json_is_object(doc))
		return false;
	if (json_object_get(doc, "catalogVersion") != NULL && json_is_array(vulns))
		return (*out = KH_FEEDS_KEV), true;
	if (json_is_object(document) && json_object_get(document, "csaf_version") != NULL)
		return (*out = KH_FEEDS_CSAF), true;
	if ((json_is_array(vulns) && (json_object_get(doc, "resultsPerPage") != NULL ||
	                              json_object_get(json_array_get(vulns, 0), "cve") != NULL)) ||
	    json_is_object(json_object_get(doc, "cve")) ||
	    (feeds_is_cve(kh_json_str(doc, "id")) &&
	     (json_object_get(doc, "sourceIdentifier") != NULL || json_object_get(doc, "vulnStatus") != NULL ||
	      json_object_get(doc, "configurations") != NULL || json_object_get(doc, "descriptions") != NULL)))
		return (*out = KH_FEEDS_NVD), true;
	if (json_is_array(json_object_get(doc, "warnings")))
		return (*out = KH_FEEDS_WARNING), true;
	if (is_osv(doc) || json_is_array(json_object_get(doc, "vulns")))
		return (*out = KH_FEEDS_OSV), true;
	if (is_tracker(doc))
		return (*out = KH_FEEDS_DEBIAN), true;
	return false;
}

enum kh_err
feeds_unknown_json(const char *what, struct kh_diag *diag)
{
	return kh_diag_set(diag, KH_EFORMAT, what, 0, "%s",
	                   KH_MSG("JSON of no known feed format (KEV, NVD, OSV, CSAF, Debian tracker, warnings)",
	                          "JSON không thuộc định dạng nguồn nào đã biết (KEV, NVD, OSV, CSAF, Debian tracker, cảnh báo)"));
}

static bool
starts_with_ci(struct kh_cur c, const char *s)
{
	size_t n = strlen(s);

	return c.len >= n && strncasecmp((const char *)c.p, s, n) == 0;
}

enum kh_err
kh_feeds_detect(struct kh_cur data, const char *what, enum kh_feeds_kind *out,
                struct kh_diag *diag)
{
	struct kh_cur t = data;
	json_t *doc = NULL;
	int c = first_byte(data);
	bool found;
	enum kh_err r;

	kh_cur_trim(&t);
	if (starts_with_ci(t, "#model_version") || starts_with_ci(t, "cve,epss"))
		return (*out = KH_FEEDS_EPSS), KH_OK;
	if (starts_with_ci(t, "number,date,issuer"))
		return (*out = KH_FEEDS_WARNING), KH_OK;
	if (c != '{' && c != '[')
		return kh_diag_set(diag, KH_EFORMAT, what, 0, "%s",
		                   KH_MSG("unknown feed format (not JSON, not EPSS or warning CSV)",
		                          "không nhận ra định dạng nguồn (không phải JSON, CSV EPSS hay CSV cảnh báo)"));
	if ((r = kh_json_parse(data, what, &doc, diag)) != KH_OK)
		return r;
	found = feeds_detect_doc(doc, out);
	json_decref(doc);
	return found ? KH_OK : feeds_unknown_json(what, diag);
}
