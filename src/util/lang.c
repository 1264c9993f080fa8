/* lang.c — the language people read: Vietnamese by default, English on request. */
#include "khien/util.h"

static enum kh_lang current_lang = KH_LANG_VI;

void
kh_lang_set(enum kh_lang lang)
{
	current_lang = lang;
}

enum kh_lang
kh_lang_get(void)
{
	return current_lang;
}

enum kh_err
kh_lang_parse(const char *s, enum kh_lang *out)
{
	if (kh_str_casecmp(s, "vi") == 0 || kh_str_starts_with(s, "vi_")) {
		*out = KH_LANG_VI;
		return KH_OK;
	}
	if (kh_str_casecmp(s, "en") == 0 || kh_str_starts_with(s, "en_")) {
		*out = KH_LANG_EN;
		return KH_OK;
	}
	return KH_EINVAL;
}
