/*
 * report.c — findings as JSON (docs/vuln.md, "JSON") and as a text report
 * grouped by priority, worded for a ward's IT officer.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "khien/vuln.h"

/* ---- JSON ------------------------------------------------------------------ */

static json_t *
str_or_null(const char *s)
{
	if (s == NULL || !kh_utf8_valid(s, strlen(s)))
		return json_null();
	return json_string(s);
}

static json_t *
num_or_null(double v)
{
	return v < 0 ? json_null() : json_real(v);
}

static json_t *
strv_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		if (json_array_append_new(a, str_or_null(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *
target_json(const struct kh_vuln_finding *f)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "kind",
	                 kh_vuln_target_kind_name(f->kind), "name",
	                 str_or_null(f->target_name), "version",
	                 str_or_null(f->target_version), "source",
	                 str_or_null(f->target_source), "ecosystem",
	                 str_or_null(f->ecosystem), "unit", str_or_null(f->unit));
}

static json_t *
finding_json(const struct kh_vuln_finding *f)
{
	json_t *cvss = json_pack("{s:o, s:o, s:o}", "version",
	                         str_or_null(f->cvss_version), "score",
	                         num_or_null(f->cvss_score), "vector",
	                         str_or_null(f->cvss_vector));

	if (cvss == NULL)
		return NULL;
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:i, s:s,"
	                 " s:s, s:s, s:o, s:o, s:o}",
	                 "cve", str_or_null(f->cve), "target", target_json(f),
	                 "fixed_version", str_or_null(f->fixed_version), "cvss", cvss,
	                 "epss", num_or_null(f->epss), "epss_percentile",
	                 num_or_null(f->epss_percentile), "kev", (int)f->kev,
	                 "ransomware", (int)f->ransomware, "warned", (int)f->warned,
	                 "priority", f->decision.priority, "priority_label",
	                 kh_vuln_priority_label(f->decision.priority), "due_date",
	                 f->decision.due_date, "due_reason",
	                 kh_vuln_due_reason_name(f->decision.due_reason), "sources",
	                 strv_json(f->sources, f->n_sources), "warnings",
	                 strv_json(f->warnings, f->n_warnings), "summary",
	                 str_or_null(f->summary));
}

static json_t *
summary_json(const struct kh_vuln_findings *fs)
{
	json_int_t by[KH_VULN_PRIORITY_COUNT] = { 0 };

	for (size_t i = 0; i < fs->n; i++) {
		int p = fs->items[i].decision.priority;
		if (p >= 1 && p <= KH_VULN_PRIORITY_COUNT)
			by[p - 1]++;
	}
	return json_pack("{s:I, s:{s:I, s:I, s:I, s:I}}", "total", (json_int_t)fs->n,
	                 "by_priority", "1", by[0], "2", by[1], "3", by[2], "4", by[3]);
}

enum kh_err
kh_vuln_findings_to_json(const struct kh_vuln_findings *fs, struct kh_buf *out)
{
	json_t *root = NULL, *arr = json_array(), *item;
	char *text = NULL;
	enum kh_err r = KH_ENOMEM;

	if (arr == NULL)
		goto out;
	for (size_t i = 0; i < fs->n; i++) {
		if ((item = finding_json(&fs->items[i])) == NULL)
			goto out;
		if (json_array_append_new(arr, item) != 0)
			goto out;
	}
	root = json_pack("{s:O, s:o}", "findings", arr, "summary", summary_json(fs));
	if (root == NULL)
		goto out;
	/* Ten significant digits print 9.8 as 9.8, not 9.8000000000000007. */
	if ((text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(10))) == NULL)
		goto out;
	if ((r = kh_buf_append_str(out, text)) == KH_OK)
		r = kh_buf_putc(out, '\n');
out:
	free(text);
	json_decref(root);
	json_decref(arr);
	return r;
}

/* ---- text ------------------------------------------------------------------ */

static enum kh_err
text_target(const struct kh_vuln_finding *f, struct kh_buf *out)
{
	if (f->kind == KH_VULN_TARGET_ASSET)
		return kh_buf_printf(out, KH_MSG("device %s%s%s, version %s",
		                                 "thiết bị %s%s%s, phiên bản %s"),
		                     f->target_name, f->unit ? " / " : "",
		                     f->unit ? f->unit : "",
		                     f->target_version ? f->target_version : "?");
	return kh_buf_printf(out, KH_MSG("package %s %s", "gói %s %s"),
	                     f->target_name,
	                     f->target_version ? f->target_version : "?");
}

static enum kh_err
text_fix(const struct kh_vuln_finding *f, struct kh_buf *out)
{
	if (f->fixed_version != NULL)
		return kh_buf_printf(out, KH_MSG(" — update to %s or later",
		                                 " — cập nhật lên %s trở lên"),
		                     f->fixed_version);
	return kh_buf_append_str(out, KH_MSG(" — the advisories name no fixed version: "
	                                     "follow the vendor's guidance",
	                                     " — cảnh báo chưa nêu phiên bản đã vá: làm "
	                                     "theo hướng dẫn của hãng"));
}

static enum kh_err
text_scores(const struct kh_vuln_finding *f, struct kh_buf *out)
{
	enum kh_err r = KH_OK;

	if (f->cvss_score >= 0)
		r = kh_buf_printf(out, "; CVSS %.1f", f->cvss_score);
	if (r == KH_OK && f->epss >= 0)
		r = kh_buf_printf(out, KH_MSG("; %.0f%% chance of exploitation (EPSS)",
		                              "; khả năng bị khai thác %.0f%% (EPSS)"),
		                  f->epss * 100.0);
	if (r == KH_OK && f->n_warnings > 0)
		r = kh_buf_printf(out, KH_MSG("; warning %s", "; cảnh báo %s"),
		                  f->warnings[0]);
	return r;
}

static enum kh_err
text_finding(const struct kh_vuln_finding *f, struct kh_buf *out)
{
	enum kh_err r;

	if ((r = kh_buf_printf(out, "  - %s: ", f->cve)) != KH_OK)
		return r;
	if ((r = text_target(f, out)) != KH_OK || (r = text_fix(f, out)) != KH_OK)
		return r;
	if ((r = kh_buf_printf(out, KH_MSG(", by %s", ", trước ngày %s"),
	                       f->decision.due_date)) != KH_OK)
		return r;
	if ((r = text_scores(f, out)) != KH_OK)
		return r;
	return kh_buf_putc(out, '\n');
}

enum kh_err
kh_vuln_findings_to_text(const struct kh_vuln_findings *fs, struct kh_buf *out)
{
	int shown = 0;
	enum kh_err r = KH_OK;

	if (fs->n == 0)
		return kh_buf_append_str(out, KH_MSG("No known vulnerability found.\n",
		                                     "Không phát hiện lỗ hổng đã biết nào.\n"));
	for (size_t i = 0; i < fs->n && r == KH_OK; i++) {
		const struct kh_vuln_finding *f = &fs->items[i];
		if (f->decision.priority != shown) {
			shown = f->decision.priority;
			r = kh_buf_printf(out, "%s%s\n", i ? "\n" : "",
			                  kh_vuln_priority_heading(shown));
		}
		if (r == KH_OK)
			r = text_finding(f, out);
	}
	if (r == KH_OK)
		r = kh_buf_printf(out, KH_MSG("\n%zu finding(s). Patch in the order shown; "
		                              "the date is the deadline.\n",
		                              "\nTổng cộng %zu lỗ hổng. Hãy vá theo thứ tự "
		                              "trên; ngày ghi kèm là hạn chót.\n"),
		                  fs->n);
	return r;
}
