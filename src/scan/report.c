/*
 * report.c — the lines `khien scan` prints: JSON lines (detection, error,
 * summary) and human text. Paths are bytes, not always UTF-8: an invalid
 * byte B is written as the lone surrogate \udcXX (PEP 383), which JSON
 * parsers accept and Python's surrogateescape turns back into B.
 */
#include <string.h>

#include "scan_int.h"

/* Length of the well-formed UTF-8 sequence at p (RFC 3629), else 0. */
static size_t
utf8_seq(const uint8_t *p, size_t len)
{
	size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3
	         : (p[0] & 0xf8) == 0xf0 ? 4 : 0;

	if (n == 0 || n > len || !kh_utf8_valid(p, n))
		return 0;
	return n;
}

static enum kh_err
json_str(struct kh_buf *out, const char *s)
{
	const uint8_t *p = (const uint8_t *)(s ? s : "");
	size_t len = strlen((const char *)p);
	enum kh_err r;

	if ((r = kh_buf_putc(out, '"')) != KH_OK)
		return r;
	while (len > 0) {
		size_t n = utf8_seq(p, len);
		if (n == 0)
			r = kh_buf_printf(out, "\\udc%02x", p[0]), n = 1;
		else if (p[0] == '"' || p[0] == '\\')
			r = kh_buf_printf(out, "\\%c", p[0]);
		else if (p[0] < 0x20)
			r = kh_buf_printf(out, "\\u%04x", p[0]);
		else
			r = kh_buf_append(out, p, n);
		if (r != KH_OK)
			return r;
		p += n;
		len -= n;
	}
	return kh_buf_putc(out, '"');
}

static enum kh_err
json_key_str(struct kh_buf *out, const char *key, const char *value)
{
	enum kh_err r;

	if ((r = kh_buf_printf(out, ", \"%s\": ", key)) != KH_OK)
		return r;
	return json_str(out, value);
}

enum kh_err
kh_scan_event_json(const struct kh_scan_event *ev, struct kh_buf *out)
{
	char when[32];
	enum kh_err r;

	kh_time_iso8601(ev->time, when, sizeof(when));
	if (ev->type == KH_SCAN_EV_DETECTION) {
		if ((r = kh_buf_append_str(out, "{\"type\": \"detection\"")) != KH_OK ||
		    (r = json_key_str(out, "path", ev->path)) != KH_OK ||
		    (r = json_key_str(out, "match", ev->match)) != KH_OK ||
		    (r = json_key_str(out, "engine", ev->engine)) != KH_OK ||
		    (r = json_key_str(out, "sha256", ev->sha256)) != KH_OK ||
		    (r = kh_buf_printf(out, ", \"size\": %llu", (unsigned long long)ev->size)) != KH_OK ||
		    (r = json_key_str(out, "time", when)) != KH_OK)
			return r;
		return kh_buf_putc(out, '}');
	}
	if ((r = kh_buf_append_str(out, "{\"type\": \"error\"")) != KH_OK ||
	    (r = json_key_str(out, "path", ev->path)) != KH_OK ||
	    (r = json_key_str(out, "message", ev->message)) != KH_OK ||
	    (ev->limit != NULL && (r = json_key_str(out, "limit", ev->limit)) != KH_OK) ||
	    (r = json_key_str(out, "time", when)) != KH_OK)
		return r;
	return kh_buf_putc(out, '}');
}

enum kh_err
kh_scan_summary_json(const struct kh_scan_summary *s, struct kh_buf *out)
{
	return kh_buf_printf(out,
	                     "{\"type\": \"summary\", \"files\": %llu, \"bytes\": %llu, "
	                     "\"seconds\": %.3f, \"detections\": %llu, \"errors\": %llu, "
	                     "\"cached\": %llu}",
	                     (unsigned long long)s->files, (unsigned long long)s->bytes,
	                     s->seconds, (unsigned long long)s->detections,
	                     (unsigned long long)s->errors, (unsigned long long)s->cached);
}

/* Text keeps the bytes of the path as they are (a terminal shows them). */
enum kh_err
kh_scan_event_text(const struct kh_scan_event *ev, struct kh_buf *out)
{
	if (ev->type == KH_SCAN_EV_DETECTION)
		return kh_buf_printf(out, "%s: %s (%s) %s", ev->path, ev->match, ev->engine,
		                     KH_MSG("FOUND", "PHÁT HIỆN"));
	if (ev->limit != NULL)
		return kh_buf_printf(out, "%s: %s: %s [%s %s]", ev->path,
		                     KH_MSG("error", "lỗi"), ev->message,
		                     KH_MSG("limit", "giới hạn"), ev->limit);
	return kh_buf_printf(out, "%s: %s: %s", ev->path, KH_MSG("error", "lỗi"), ev->message);
}
