/*
 * ioc_int.h — helpers shared by the ioc exporters and importers; not a
 * public interface.
 */
#ifndef KHIEN_IOC_INT_H
#define KHIEN_IOC_INT_H

#include <jansson.h>

#include "khien/ioc.h"

/* Detections of one file (by SHA-256) or of one rule/signature name. */
struct ioc_group {
	const char *key;      /* sha256 or match; borrowed from the detections */
	const char *first;    /* earliest detection time */
	const char *last;     /* latest detection time */
	const char *path;     /* path of the first detection */
	const char *match;    /* first match (by name) for a file group */
	uint64_t size;
	size_t count;
	size_t n_matches;     /* distinct matches (file groups) */
	const char **matches; /* sorted, borrowed */
};

struct ioc_groups {
	struct ioc_group *files;   /* sorted by sha256 */
	size_t n_files;
	struct ioc_group *rules;   /* sorted by match name */
	size_t n_rules;
	const char *first;         /* earliest time of all, or NULL */
};

/* Groups detections (may be NULL) by file and by match. */
enum kh_err ioc_groups_build(const struct kh_ioc_detections *dets,
                             struct ioc_groups *out) KH_WUR;
void ioc_groups_cleanup(struct ioc_groups *g);

/* "YYYY-MM-DDTHH:MM:SSZ" → "YYYY-MM-DDTHH:MM:SS.000Z" (STIX created). */
void ioc_ts_ms(const char *t, char *out, size_t out_size);
/* The last path component of a scanned path ("a.zip!x/y.exe" → "y.exe"). */
const char *ioc_basename(const char *path);

/* Adds obj under its "id" unless an object with that id is there. Steals obj. */
enum kh_err ioc_objects_put(json_t *by_id, json_t *obj) KH_WUR;

/* Fixed time for objects that have no time of their own (docs/ioc.md). */
#define IOC_EPOCH "2018-05-18T00:00:00.000Z"

#endif
