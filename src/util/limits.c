/* limits.c — the process-wide table of limits, set from [limits] in khien.conf. */
#include <string.h>

#include "khien/limits.h"

struct limit_def {
	const char *name;
	uint64_t default_value;
	const char *meaning;
};

static const struct limit_def limit_defs[KH_LIMIT_COUNT_] = {
#define KH_LIMIT_DEF(name, def, meaning) { #name, (uint64_t)(def), meaning },
	KH_LIMITS_TABLE(KH_LIMIT_DEF)
#undef KH_LIMIT_DEF
};

static uint64_t limit_values[KH_LIMIT_COUNT_] = {
#define KH_LIMIT_VAL(name, def, meaning) (uint64_t)(def),
	KH_LIMITS_TABLE(KH_LIMIT_VAL)
#undef KH_LIMIT_VAL
};

uint64_t
kh_limit(enum kh_limit_id id)
{
	return (unsigned)id < KH_LIMIT_COUNT_ ? limit_values[id] : 0;
}

const char *
kh_limit_name(enum kh_limit_id id)
{
	return (unsigned)id < KH_LIMIT_COUNT_ ? limit_defs[id].name : "?";
}

const char *
kh_limit_meaning(enum kh_limit_id id)
{
	return (unsigned)id < KH_LIMIT_COUNT_ ? limit_defs[id].meaning : "?";
}

uint64_t
kh_limit_default(enum kh_limit_id id)
{
	return (unsigned)id < KH_LIMIT_COUNT_ ? limit_defs[id].default_value : 0;
}

/* "512", "64K", "16M", "1G" (binary units). */
static enum kh_err
parse_size(const char *text, uint64_t *out)
{
	char digits[32];
	size_t len = strlen(text);
	unsigned shift = 0;
	uint64_t v;
	enum kh_err r;

	if (len == 0 || len >= sizeof(digits))
		return KH_EINVAL;
	memcpy(digits, text, len + 1);
	switch (digits[len - 1]) {
	case 'K': case 'k': shift = 10; break;
	case 'M': case 'm': shift = 20; break;
	case 'G': case 'g': shift = 30; break;
	default: break;
	}
	if (shift != 0)
		digits[len - 1] = '\0';
	if ((r = kh_str_to_u64(digits, UINT64_MAX >> shift, &v)) != KH_OK)
		return KH_EINVAL;
	if (v == 0)
		return KH_EINVAL;
	*out = v << shift;
	return KH_OK;
}

enum kh_err
kh_limit_set(const char *name, const char *value)
{
	for (int i = 0; i < KH_LIMIT_COUNT_; i++) {
		if (strcmp(limit_defs[i].name, name) != 0)
			continue;
		return parse_size(value, &limit_values[i]);
	}
	return KH_ENOENT;
}

void
kh_limits_reset(void)
{
	for (int i = 0; i < KH_LIMIT_COUNT_; i++)
		limit_values[i] = limit_defs[i].default_value;
}
