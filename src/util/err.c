/* err.c — error descriptions and the diagnostic that says where it happened. */
#include <stdio.h>
#include <string.h>

#include "khien/limits.h"
#include "khien/util.h"

static const char *const err_text[KH_ERR_COUNT_] = {
	[KH_OK] = "success",
	[KH_ENOMEM] = "out of memory",
	[KH_ETRUNCATED] = "input truncated",
	[KH_EFORMAT] = "malformed input",
	[KH_ETOO_LARGE] = "value too large",
	[KH_ELIMIT] = "limit exceeded",
	[KH_EIO] = "input/output error",
	[KH_ENOENT] = "not found",
	[KH_EINVAL] = "invalid argument",
	[KH_EUNSUPPORTED] = "not supported",
	[KH_ETLS] = "TLS error",
	[KH_EHTTP] = "HTTP error",
	[KH_EDB] = "database error",
	[KH_EINTERNAL] = "internal error",
};

const char *
kh_strerror(enum kh_err err)
{
	if ((unsigned)err >= KH_ERR_COUNT_ || err_text[err] == NULL)
		return "unknown error";
	return err_text[err];
}

void
kh_diag_clear(struct kh_diag *diag)
{
	if (diag == NULL)
		return;
	memset(diag, 0, sizeof(*diag));
	diag->offset = -1;
}

enum kh_err
kh_diag_set(struct kh_diag *diag, enum kh_err err, const char *file, long line,
            const char *fmt, ...)
{
	va_list ap;

	if (diag == NULL)
		return err;
	kh_diag_clear(diag);
	if (file != NULL)
		kh_strlcpy(diag->file, file, sizeof(diag->file));
	diag->line = line;
	va_start(ap, fmt);
	(void)vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
	va_end(ap);
	return err;
}

enum kh_err
kh_diag_limit(struct kh_diag *diag, const char *file, const char *limit_name,
              const char *what)
{
	unsigned long long value = 0;

	for (int i = 0; i < KH_LIMIT_COUNT_; i++)
		if (strcmp(kh_limit_name((enum kh_limit_id)i), limit_name) == 0)
			value = kh_limit((enum kh_limit_id)i);
	if (diag == NULL)
		return KH_ELIMIT;
	(void)kh_diag_set(diag, KH_ELIMIT, file, 0,
	                  "%s: limit %s (%llu) exceeded", what, limit_name, value);
	kh_strlcpy(diag->limit, limit_name, sizeof(diag->limit));
	return KH_ELIMIT;
}

void
kh_diag_format(const struct kh_diag *diag, char *out, size_t out_size)
{
	char where[600] = "";

	if (out_size == 0)
		return;
	if (diag == NULL) {
		out[0] = '\0';
		return;
	}
	if (diag->file[0] != '\0' && diag->line > 0)
		(void)snprintf(where, sizeof(where), "%s:%ld: ", diag->file, diag->line);
	else if (diag->file[0] != '\0' && diag->offset >= 0)
		(void)snprintf(where, sizeof(where), "%s: byte %lld: ", diag->file,
		               diag->offset);
	else if (diag->file[0] != '\0')
		(void)snprintf(where, sizeof(where), "%s: ", diag->file);
	(void)snprintf(out, out_size, "%s%s", where, diag->msg);
}
