/*
 * indicators.c — the list of indicator values an import gathers or an
 * export starts from.
 */
#include <string.h>

#include "khien/ioc.h"

void
kh_ioc_indicators_cleanup(struct kh_ioc_indicators *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->n; i++) {
		kh_free(list->items[i].type);
		kh_free(list->items[i].value);
		kh_free(list->items[i].name);
		kh_free(list->items[i].source);
		kh_free(list->items[i].first_seen);
	}
	kh_free(list->items);
	memset(list, 0, sizeof(*list));
}

enum kh_err
kh_ioc_indicators_add(struct kh_ioc_indicators *list, enum kh_ioc_kind kind,
                      const char *type, const char *value, const char *name,
                      const char *source, const char *first_seen)
{
	struct kh_ioc_indicator it = { .kind = kind };

	if (type == NULL || value == NULL)
		return KH_EINVAL;
	if (list->n == list->cap) {
		size_t cap = list->cap == 0 ? 16 : list->cap * 2;
		void *p = kh_reallocarray(list->items, cap, sizeof(*list->items));
		if (p == NULL)
			return KH_ENOMEM;
		list->items = p;
		list->cap = cap;
	}
	it.type = kh_strdup(type);
	it.value = kh_strdup(value);
	it.name = name != NULL ? kh_strdup(name) : NULL;
	it.source = source != NULL ? kh_strdup(source) : NULL;
	it.first_seen = first_seen != NULL ? kh_strdup(first_seen) : NULL;
	if (it.type == NULL || it.value == NULL || (name != NULL && it.name == NULL) ||
	    (source != NULL && it.source == NULL) ||
	    (first_seen != NULL && it.first_seen == NULL)) {
		kh_free(it.type);
		kh_free(it.value);
		kh_free(it.name);
		kh_free(it.source);
		kh_free(it.first_seen);
		return KH_ENOMEM;
	}
	list->items[list->n++] = it;
	return KH_OK;
}

static const struct {
	const char *type;
	enum kh_ioc_kind kind;
} kinds[] = {
	{ "md5", KH_IOC_KIND_HASH },          { "sha1", KH_IOC_KIND_HASH },
	{ "sha256", KH_IOC_KIND_HASH },       { "sha512", KH_IOC_KIND_HASH },
	{ "domain-name", KH_IOC_KIND_NETWORK }, { "ipv4-addr", KH_IOC_KIND_NETWORK },
	{ "ipv6-addr", KH_IOC_KIND_NETWORK }, { "url", KH_IOC_KIND_NETWORK },
	{ "email-addr", KH_IOC_KIND_NETWORK }, { "file-name", KH_IOC_KIND_FILENAME },
};

bool
kh_ioc_type_kind(const char *type, enum kh_ioc_kind *out)
{
	for (size_t i = 0; type != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(type, kinds[i].type) == 0) {
			*out = kinds[i].kind;
			return true;
		}
	return false;
}
