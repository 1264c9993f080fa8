/* log.c — leveled logging through a handler the front end installs. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "khien/util.h"

static kh_log_fn log_handler;
static void *log_handler_ctx;
static enum kh_log_level log_max_level = KH_LOG_INFO;

void
kh_log_set_handler(kh_log_fn fn, void *ctx)
{
	log_handler = fn;
	log_handler_ctx = ctx;
}

void
kh_log_set_level(enum kh_log_level max_level)
{
	log_max_level = max_level;
}

void
kh_log(enum kh_log_level level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (log_handler == NULL || level > log_max_level)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap); /* long messages are cut */
	va_end(ap);
	log_handler(level, msg, log_handler_ctx);
}

static const char *const level_names[] = { "error", "warning", "info", "debug" };

enum kh_err
kh_log_level_parse(const char *s, enum kh_log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (kh_str_casecmp(s, level_names[i]) == 0) {
			*out = (enum kh_log_level)i;
			return KH_OK;
		}
	if (kh_str_casecmp(s, "warn") == 0) {
		*out = KH_LOG_WARN;
		return KH_OK;
	}
	return KH_EINVAL;
}

static const char *
level_label(enum kh_log_level level)
{
	static const char *const vi[] = { "lỗi", "cảnh báo", "thông tin", "gỡ lỗi" };

	if ((unsigned)level > KH_LOG_DEBUG)
		level = KH_LOG_DEBUG;
	return kh_lang_get() == KH_LANG_EN ? level_names[level] : vi[level];
}

void
kh_log_stderr(enum kh_log_level level, const char *msg, void *ctx)
{
	const bool *json_lines = ctx;
	char when[32];
	json_t *line;
	char *text;

	if (json_lines == NULL || !*json_lines) {
		fprintf(stderr, "khien: %s: %s\n", level_label(level), msg);
		return;
	}
	kh_time_iso8601(time(NULL), when, sizeof(when));
	line = json_pack("{s:s, s:s, s:s}", "time", when, "level",
	                 level_names[level > KH_LOG_DEBUG ? KH_LOG_DEBUG : level],
	                 "msg", msg);
	text = line == NULL ? NULL : json_dumps(line, JSON_COMPACT);
	if (text != NULL)
		fprintf(stderr, "%s\n", text);
	free(text);
	json_decref(line);
}
