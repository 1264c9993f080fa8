/*
 * policy_overrides.c — per-unit deadlines: the CSV file named by
 * [vuln] unit_overrides, "unit,days_p1,days_p2,days_p3,days_p4".
 */
#include <string.h>

#include "khien/inventory.h"
#include "khien/limits.h"
#include "vuln_int.h"

static const char *const header[] = { "unit", "days_p1", "days_p2", "days_p3",
	                              "days_p4" };

static enum kh_err
check_header(const struct kh_csv_row *row, const char *path, struct kh_diag *diag)
{
	if (row->n_fields != 5)
		goto bad;
	for (size_t i = 0; i < 5; i++)
		if (kh_str_casecmp(row->fields[i], header[i]) != 0)
			goto bad;
	return KH_OK;
bad:
	return kh_diag_set(diag, KH_EFORMAT, path, row->line, "%s",
	                   KH_MSG("header must be unit,days_p1,days_p2,days_p3,days_p4",
	                          "dòng tiêu đề phải là unit,days_p1,days_p2,days_p3,days_p4"));
}

/* One row into an override, starting from the section's deadlines. */
static enum kh_err
parse_row(const struct kh_csv_row *row, const struct kh_vuln_deadlines *base,
          struct kh_vuln_unit_override *o, const char *path, struct kh_diag *diag)
{
	int64_t n;

	if (row->n_fields != 5 || row->fields[0][0] == '\0')
		return kh_diag_set(diag, KH_EFORMAT, path, row->line, "%s",
		                   KH_MSG("want 5 fields and a unit name",
		                          "cần 5 trường và tên đơn vị"));
	o->deadlines = *base;
	for (size_t i = 1; i < 5; i++) {
		if (row->fields[i][0] == '\0')
			continue;
		if (kh_str_to_i64(row->fields[i], 0, 3650, &n) != KH_OK)
			return kh_diag_set(diag, KH_EINVAL, path, row->line,
			                   KH_MSG("%s: '%s' is not a number of days (0-3650)",
			                          "%s: '%s' không phải số ngày (0-3650)"),
			                   header[i], row->fields[i]);
		o->deadlines.days[i - 1] = (int)n;
	}
	o->unit = kh_strdup(row->fields[0]);
	return o->unit != NULL ? KH_OK : KH_ENOMEM;
}

static enum kh_err
append(struct kh_vuln_policy *p, struct kh_vuln_unit_override *o)
{
	struct kh_vuln_unit_override *grown;

	grown = kh_reallocarray(p->overrides, p->n_overrides + 1, sizeof(*grown));
	if (grown == NULL) {
		kh_free(o->unit);
		return KH_ENOMEM;
	}
	p->overrides = grown;
	p->overrides[p->n_overrides++] = *o;
	return KH_OK;
}

enum kh_err
kh_vuln_policy_load_overrides(struct kh_vuln_policy *p, const char *path,
                              struct kh_diag *diag)
{
	struct kh_buf *raw = NULL;
	struct kh_csv *csv = NULL;
	struct kh_csv_row row;
	struct kh_vuln_unit_override o;
	enum kh_err r;

	if ((r = kh_file_read(path, KH_LIMIT(max_csv_bytes), "max_csv_bytes",
	                      KH_FILE_FOLLOW, &raw, diag)) != KH_OK)
		goto out;
	if ((r = kh_csv_new(kh_buf_cur(raw), path, &csv, diag)) != KH_OK)
		goto out;
	if ((r = kh_csv_next(csv, &row, diag)) != KH_OK) {
		if (r == KH_ENOENT)
			r = kh_diag_set(diag, KH_EFORMAT, path, 0, "%s",
			                KH_MSG("empty file", "tệp rỗng"));
		goto out;
	}
	if ((r = check_header(&row, path, diag)) != KH_OK)
		goto out;
	while ((r = kh_csv_next(csv, &row, diag)) == KH_OK) {
		memset(&o, 0, sizeof(o));
		if ((r = parse_row(&row, &p->deadlines, &o, path, diag)) != KH_OK)
			goto out;
		if ((r = append(p, &o)) != KH_OK)
			goto out;
	}
	if (r == KH_ENOENT)
		r = KH_OK;
out:
	kh_csv_free(csv);
	kh_buf_free(raw);
	return r;
}
