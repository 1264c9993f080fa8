/*
 * epss.c — FIRST EPSS scores (https://www.first.org/epss/data_stats): a
 * comment line "#model_version:…,score_date:…", the header
 * "cve,epss,percentile", then one row per CVE.
 */
#include <stdlib.h>
#include <string.h>

#include "feeds_int.h"
#include "khien/limits.h"

/* "score_date:2024-02-20T00:00:00+0000" from the comment line. */
static void
comment_date(struct kh_cur line, char *out, size_t out_size)
{
	struct kh_cur field;

	while (kh_cur_take_until(&line, ',', &field)) {
		if (kh_cur_accept(&field, "score_date:")) {
			size_t n = field.len < out_size - 1 ? field.len : out_size - 1;
			memcpy(out, field.p, n);
			out[n] = '\0';
			return;
		}
		if (line.len == 0)
			break;
	}
}

/* A probability in [0, 1] written as a decimal. */
static bool
prob(struct kh_cur c, double *out)
{
	char text[64], *end = NULL;

	kh_cur_trim(&c);
	if (c.len == 0 || c.len >= sizeof(text))
		return false;
	memcpy(text, c.p, c.len);
	text[c.len] = '\0';
	if (text[0] != '0' && text[0] != '1' && text[0] != '.')
		return false; /* no signs, blanks, inf or nan */
	*out = strtod(text, &end);
	return end != NULL && *end == '\0' && *out >= 0.0 && *out <= 1.0;
}

static bool
row(struct kh_cur line, struct kh_feeds_epss *out)
{
	struct kh_cur cve, e, p;

	if (!kh_cur_take_until(&line, ',', &cve) || !kh_cur_take_until(&line, ',', &e) ||
	    line.len == 0)
		return false;
	p = line;
	kh_cur_trim(&cve);
	if (cve.len == 0 || cve.len >= sizeof(out->cve))
		return false;
	memcpy(out->cve, cve.p, cve.len);
	out->cve[cve.len] = '\0';
	return feeds_is_cve(out->cve) && prob(e, &out->epss) && prob(p, &out->percentile);
}

enum kh_err
feeds_epss_parse(struct feeds_run *run, struct kh_cur data, struct kh_diag *diag)
{
	struct kh_feeds_epss r0;
	struct kh_cur line;
	bool too_long, header = false;
	size_t lineno = 0;
	enum kh_err r;

	memset(&r0, 0, sizeof(r0));
	while (kh_cur_get_line(&data, KH_LIMIT(max_line_bytes), &line, &too_long) || too_long) {
		struct kh_feeds_epss e = r0;
		lineno++;
		if (too_long) {
			kh_feeds_stats_skip(run->stats, run->what, lineno, "%s",
			                    KH_MSG("line too long (max_line_bytes)", "dòng quá dài (max_line_bytes)"));
			continue;
		}
		if (kh_cur_accept(&line, "#")) {
			comment_date(line, r0.score_date, sizeof(r0.score_date));
			continue;
		}
		if (!header) {
			kh_cur_trim(&line);
			if (!kh_cur_eq(&line, "cve,epss,percentile"))
				return kh_diag_set(diag, KH_EFORMAT, run->what, (long)lineno, "%s",
				                   KH_MSG("EPSS header \"cve,epss,percentile\" expected",
				                          "cần dòng tiêu đề EPSS \"cve,epss,percentile\""));
			header = true;
			continue;
		}
		if (line.len == 0)
			continue;
		if (run->stats->n_records >= KH_LIMIT(max_csv_rows))
			return kh_diag_limit(diag, run->what, "max_csv_rows", "EPSS rows");
		if (!row(line, &e)) {
			kh_feeds_stats_skip(run->stats, run->what, lineno, "%s",
			                    KH_MSG("not \"CVE-id,probability,percentile\" with values in [0, 1]",
			                           "không đúng dạng \"mã CVE,xác suất,phân vị\" với giá trị trong [0, 1]"));
			continue;
		}
		run->stats->n_records++;
		if (run->sink != NULL && run->sink->epss != NULL &&
		    (r = run->sink->epss(run->sink->ctx, &e)) != KH_OK)
			return r;
	}
	if (!header)
		return kh_diag_set(diag, KH_EFORMAT, run->what, 0, "%s",
		                   KH_MSG("no EPSS header", "thiếu dòng tiêu đề EPSS"));
	return KH_OK;
}
