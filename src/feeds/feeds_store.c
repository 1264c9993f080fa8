/*
 * feeds_store.c — advisories in the store (schema v3, docs/feeds.md):
 * imports write each advisory's normalised record with its CVE and package
 * index rows in one transaction; loading re-parses the records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds_int.h"
#include "khien/limits.h"
#include "khien/store.h"

/* The statements of one import, prepared once. */
struct writer {
	struct kh_store *st;
	struct kh_store_stmt *del_adv, *del_cves, *del_pkgs, *ins_adv, *ins_cve, *ins_pkg,
		*ins_epss;
	char now[32];
	struct kh_diag *diag;
	enum kh_err err;
};

static const char SQL_DEL_ADV[] = "DELETE FROM feeds_advisories WHERE kind = ? AND id = ?";
static const char SQL_DEL_CVES[] = "DELETE FROM feeds_advisory_cves WHERE kind = ? AND id = ?";
static const char SQL_DEL_PKGS[] = "DELETE FROM feeds_advisory_packages WHERE kind = ? AND id = ?";
static const char SQL_INS_ADV[] =
	"INSERT INTO feeds_advisories (kind, id, source, published, modified, record, imported_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_INS_CVE[] =
	"INSERT INTO feeds_advisory_cves (kind, id, cve) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
static const char SQL_INS_PKG[] =
	"INSERT INTO feeds_advisory_packages (kind, id, ecosystem, package) VALUES (?, ?, ?, ?)"
	" ON CONFLICT DO NOTHING";
static const char SQL_INS_EPSS[] =
	"INSERT INTO feeds_epss (cve, epss, percentile, score_date) VALUES (?, ?, ?, ?)"
	" ON CONFLICT (cve) DO UPDATE SET epss = excluded.epss,"
	" percentile = excluded.percentile, score_date = excluded.score_date";

static void
writer_cleanup(struct writer *w)
{
	kh_store_stmt_free(w->del_adv);
	kh_store_stmt_free(w->del_cves);
	kh_store_stmt_free(w->del_pkgs);
	kh_store_stmt_free(w->ins_adv);
	kh_store_stmt_free(w->ins_cve);
	kh_store_stmt_free(w->ins_pkg);
	kh_store_stmt_free(w->ins_epss);
}

static enum kh_err
writer_init(struct writer *w, struct kh_store *st, struct kh_diag *diag)
{
	enum kh_err r;

	memset(w, 0, sizeof(*w));
	w->st = st;
	w->diag = diag;
	kh_time_iso8601(time(NULL), w->now, sizeof(w->now));
	if ((r = kh_store_prepare(st, SQL_DEL_ADV, &w->del_adv, diag)) != KH_OK ||
	    (r = kh_store_prepare(st, SQL_DEL_CVES, &w->del_cves, diag)) != KH_OK ||
	    (r = kh_store_prepare(st, SQL_DEL_PKGS, &w->del_pkgs, diag)) != KH_OK ||
	    (r = kh_store_prepare(st, SQL_INS_ADV, &w->ins_adv, diag)) != KH_OK ||
	    (r = kh_store_prepare(st, SQL_INS_CVE, &w->ins_cve, diag)) != KH_OK ||
	    (r = kh_store_prepare(st, SQL_INS_PKG, &w->ins_pkg, diag)) != KH_OK ||
	    (r = kh_store_prepare(st, SQL_INS_EPSS, &w->ins_epss, diag)) != KH_OK)
		writer_cleanup(w);
	return r;
}

/* Binds texts to 1..n, runs, resets. */
static enum kh_err
run_texts(struct kh_store_stmt *stmt, const char *const *texts, int n, struct kh_diag *diag)
{
	bool has_row;
	enum kh_err r = KH_OK;

	for (int i = 0; i < n && r == KH_OK; i++)
		r = kh_store_bind_text(stmt, i + 1, texts[i]);
	if (r == KH_OK)
		r = kh_store_step(stmt, &has_row, diag);
	kh_store_reset(stmt);
	return r;
}

/* "vendor:product" of a CPE name, or "" when either is not a plain value. */
static void
cpe_key(const char *cpe_text, char *out, size_t out_size)
{
	char vendor[256], product[256];
	struct kh_cpe cpe;

	out[0] = '\0';
	if (cpe_text == NULL || kh_cpe_parse(cpe_text, &cpe, NULL) != KH_OK)
		return;
	if (cpe.attr[KH_CPE_VENDOR].kind == KH_CPE_VALUE && !cpe.attr[KH_CPE_VENDOR].has_wildcard &&
	    cpe.attr[KH_CPE_PRODUCT].kind == KH_CPE_VALUE && !cpe.attr[KH_CPE_PRODUCT].has_wildcard &&
	    kh_cpe_attr_plain(&cpe.attr[KH_CPE_VENDOR], vendor, sizeof(vendor)) == KH_OK &&
	    kh_cpe_attr_plain(&cpe.attr[KH_CPE_PRODUCT], product, sizeof(product)) == KH_OK)
		snprintf(out, out_size, "%s:%s", vendor, product);
	kh_cpe_cleanup(&cpe);
}

/* NVD configurations and CSAF products under ecosystem "cpe" (docs/feeds.md). */
static enum kh_err
write_cpe_keys(struct writer *w, const char *kind, const struct kh_feeds_advisory *adv)
{
	char **keys = NULL, key[520];
	size_t n = 0;
	enum kh_err r = kh_cpe_configs_keys(&adv->configs, &keys, &n);

	for (size_t i = 0; r == KH_OK && i < adv->n_products; i++) {
		cpe_key(adv->products[i].cpe, key, sizeof(key));
		if (key[0] != '\0')
			r = feeds_strv_add(&keys, &n, key);
	}
	for (size_t i = 0; r == KH_OK && i < n; i++) {
		const char *t[4] = { kind, adv->id, "cpe", keys[i] };
		r = run_texts(w->ins_pkg, t, 4, w->diag);
	}
	feeds_strv_free(keys, n);
	return r;
}

static enum kh_err
write_index(struct writer *w, const char *kind, const struct kh_feeds_advisory *adv)
{
	enum kh_err r;

	for (size_t i = 0; i < adv->n_cves; i++) {
		const char *t[3] = { kind, adv->id, adv->cves[i] };
		if ((r = run_texts(w->ins_cve, t, 3, w->diag)) != KH_OK)
			return r;
	}
	for (size_t i = 0; i < adv->n_affected; i++) {
		const struct kh_feeds_affected *a = &adv->affected[i];
		const char *t[4] = { kind, adv->id, a->ecosystem, a->package };
		if (a->ecosystem == NULL || a->package == NULL)
			continue;
		if ((r = run_texts(w->ins_pkg, t, 4, w->diag)) != KH_OK)
			return r;
	}
	return write_cpe_keys(w, kind, adv);
}

static enum kh_err
write_advisory(void *ctx, struct kh_feeds_advisory *adv, const char *record_json)
{
	struct writer *w = ctx;
	const char *kind = kh_feeds_kind_name(adv->kind);
	const char *key[2] = { kind, adv->id };
	const char *row[7] = { kind, adv->id, adv->source != NULL ? adv->source : kind,
	                       adv->published, adv->modified, record_json, w->now };
	enum kh_err r;

	if ((r = run_texts(w->del_cves, key, 2, w->diag)) != KH_OK ||
	    (r = run_texts(w->del_pkgs, key, 2, w->diag)) != KH_OK ||
	    (r = run_texts(w->del_adv, key, 2, w->diag)) != KH_OK ||
	    (r = run_texts(w->ins_adv, row, 7, w->diag)) != KH_OK ||
	    (r = write_index(w, kind, adv)) != KH_OK)
		w->err = r;
	kh_feeds_advisory_free(adv);
	return r;
}

static enum kh_err
write_epss(void *ctx, const struct kh_feeds_epss *row)
{
	struct writer *w = ctx;
	char epss[32], pct[32];
	const char *t[4] = { row->cve, epss, pct, row->score_date[0] ? row->score_date : NULL };

	snprintf(epss, sizeof(epss), "%.6g", row->epss);
	snprintf(pct, sizeof(pct), "%.6g", row->percentile);
	return run_texts(w->ins_epss, t, 4, w->diag);
}

static enum kh_err
record_import(struct kh_store *st, const char *origin, struct kh_cur data,
              const struct kh_feeds_stats *stats, struct kh_diag *diag)
{
	struct kh_store_stmt *stmt = NULL;
	char sha[2 * KH_HASH_MAX_BYTES + 1], now[32];
	bool has_row;
	enum kh_err r;

	kh_time_iso8601(time(NULL), now, sizeof(now));
	/* no bytes (a streamed bundle, checked by its own trailer): no hash */
	if (data.p == NULL)
		sha[0] = '\0';
	else if ((r = kh_hash_hex(KH_HASH_SHA256, data.p, data.len, sha, sizeof(sha))) != KH_OK)
		return r;
	if ((r = kh_store_prepare(st, "INSERT INTO feeds_imports (kind, origin, sha256, imported_at,"
	                              " n_records, n_skipped) VALUES (?, ?, ?, ?, ?, ?)",
	                          &stmt, diag)) != KH_OK)
		return r;
	/* a bundle holds every kind */
	if ((r = kh_store_bind_text(stmt, 1, (size_t)stats->kind < KH_FEEDS_KIND_COUNT_
	                                         ? kh_feeds_kind_name(stats->kind) : "bundle")) == KH_OK &&
	    (r = kh_store_bind_text(stmt, 2, origin)) == KH_OK &&
	    (r = kh_store_bind_text(stmt, 3, sha[0] ? sha : NULL)) == KH_OK &&
	    (r = kh_store_bind_text(stmt, 4, now)) == KH_OK &&
	    (r = kh_store_bind_int64(stmt, 5, (int64_t)stats->n_records)) == KH_OK &&
	    (r = kh_store_bind_int64(stmt, 6, (int64_t)stats->n_skipped)) == KH_OK)
		r = kh_store_step(stmt, &has_row, diag);
	kh_store_stmt_free(stmt);
	return r;
}

struct feeds_writer {
	struct writer w;
	struct kh_feeds_sink sink;
};

enum kh_err
feeds_writer_new(struct kh_store *st, struct feeds_writer **out, struct kh_diag *diag)
{
	struct feeds_writer *fw = kh_calloc(1, sizeof(*fw));
	enum kh_err r;

	*out = NULL;
	if (fw == NULL)
		return KH_ENOMEM;
	if ((r = writer_init(&fw->w, st, diag)) != KH_OK) {
		kh_free(fw);
		return r;
	}
	fw->sink.advisory = write_advisory;
	fw->sink.epss = write_epss;
	fw->sink.ctx = &fw->w;
	*out = fw;
	return KH_OK;
}

const struct kh_feeds_sink *
feeds_writer_sink(struct feeds_writer *fw)
{
	return &fw->sink;
}

void
feeds_writer_free(struct feeds_writer *fw)
{
	if (fw == NULL)
		return;
	writer_cleanup(&fw->w);
	kh_free(fw);
}

enum kh_err
feeds_record_import(struct kh_store *st, const char *origin, struct kh_cur data,
                    const struct kh_feeds_stats *stats, struct kh_diag *diag)
{
	return record_import(st, origin, data, stats, diag);
}

/* One packed member: its own format; a member that fails is one skip. */
struct member_run {
	struct feeds_writer *fw;
	const char *origin;
	enum kh_feeds_kind kind;
	struct kh_feeds_stats *stats;
	size_t idx;
};

static enum kh_err
import_member(void *ctx, const char *member, struct kh_cur bytes)
{
	struct member_run *m = ctx;
	enum kh_feeds_kind kind = m->kind;
	struct kh_diag d;
	char what[1024];
	enum kh_err r;

	m->idx++;
	snprintf(what, sizeof(what), "%s:%s", m->origin, member);
	kh_diag_clear(&d);
	if ((r = kh_feeds_parse(kind, bytes, what, feeds_writer_sink(m->fw), m->stats, &d)) == KH_OK)
		return KH_OK;
	if (r == KH_ENOMEM || r == KH_EDB || r == KH_ELIMIT)
		return r;
	kh_feeds_stats_skip(m->stats, m->origin, m->idx, "%s: %s", member, d.msg);
	return KH_OK;
}

static enum kh_err
import_into(struct feeds_writer *fw, struct kh_cur data, const char *origin,
            enum kh_feeds_kind kind, struct kh_feeds_stats *stats, struct kh_diag *diag)
{
	struct member_run m = { fw, origin, kind, stats, 0 };

	if (feeds_is_packed(data))
		return feeds_unpack_each(data, origin, import_member, &m, diag);
	return kh_feeds_parse(kind, data, origin, feeds_writer_sink(fw), stats, diag);
}

enum kh_err
kh_feeds_import_data(struct kh_store *st, struct kh_cur data, const char *origin,
                     enum kh_feeds_kind kind, struct kh_feeds_stats *stats,
                     struct kh_diag *diag)
{
	struct feeds_writer *fw = NULL;
	enum kh_err r;

	if ((r = kh_store_begin(st, diag)) != KH_OK)
		return r;
	if ((r = feeds_writer_new(st, &fw, diag)) != KH_OK)
		goto out;
	r = import_into(fw, data, origin, kind, stats, diag);
	feeds_writer_free(fw);
	if (r != KH_OK || (r = record_import(st, origin, data, stats, diag)) != KH_OK)
		goto out;
	r = kh_store_commit(st, diag);
 out:
	kh_store_rollback(st); /* no-op after a commit */
	return r;
}

enum kh_err
kh_feeds_import_file(struct kh_store *st, const char *path, enum kh_feeds_kind kind,
                     struct kh_feeds_stats *stats, struct kh_diag *diag)
{
	struct kh_buf *raw = NULL;
	enum kh_err r;

	/* JSON documents are the largest sources; CSV ones (EPSS) are smaller */
	if ((r = kh_file_read(path, KH_LIMIT(max_json_bytes), "max_json_bytes", KH_FILE_FOLLOW,
	                      &raw, diag)) != KH_OK)
		return r;
	r = kh_feeds_import_data(st, kh_buf_cur(raw), path, kind, stats, diag);
	kh_buf_free(raw);
	return r;
}

/* ---- reading back ----------------------------------------------------- */

static enum kh_err
build_query(const struct kh_feeds_filter *f, struct kh_buf *sql)
{
	enum kh_err r = kh_buf_append_str(sql, "SELECT a.kind, a.id, a.record FROM feeds_advisories a"
	                                       " WHERE 1 = 1");
	bool first = true;

	if (r == KH_OK && f->kinds != 0) {
		r = kh_buf_append_str(sql, " AND a.kind IN (");
		for (size_t k = 0; k < KH_FEEDS_KIND_COUNT_ && r == KH_OK; k++)
			if (f->kinds & (1u << k)) {
				r = kh_buf_append_str(sql, first ? "?" : ", ?");
				first = false;
			}
		if (r == KH_OK)
			r = kh_buf_putc(sql, ')');
	}
	if (r == KH_OK && f->cve != NULL)
		r = kh_buf_append_str(sql, " AND EXISTS (SELECT 1 FROM feeds_advisory_cves c"
		                           " WHERE c.kind = a.kind AND c.id = a.id AND c.cve = ?)");
	if (r == KH_OK && (f->ecosystem != NULL || f->n_packages > 0))
		r = kh_buf_append_str(sql, " AND EXISTS (SELECT 1 FROM feeds_advisory_packages p"
		                           " WHERE p.kind = a.kind AND p.id = a.id");
	if (r == KH_OK && f->ecosystem != NULL)
		r = kh_buf_append_str(sql, " AND (p.ecosystem = ? OR substr(p.ecosystem, 1, ?) = ?)");
	if (r == KH_OK && f->n_packages > 0) {
		r = kh_buf_append_str(sql, " AND p.package IN (?");
		for (size_t i = 1; i < f->n_packages && r == KH_OK; i++)
			r = kh_buf_append_str(sql, ", ?");
		if (r == KH_OK)
			r = kh_buf_putc(sql, ')');
	}
	if (r == KH_OK && (f->ecosystem != NULL || f->n_packages > 0))
		r = kh_buf_putc(sql, ')');
	if (r == KH_OK)
		r = kh_buf_append_str(sql, " ORDER BY a.kind, a.id");
	return r;
}

static enum kh_err
bind_filter(struct kh_store_stmt *stmt, const struct kh_feeds_filter *f, char *prefix,
            size_t prefix_size)
{
	int idx = 1;
	enum kh_err r = KH_OK;

	for (size_t k = 0; k < KH_FEEDS_KIND_COUNT_ && r == KH_OK; k++)
		if (f->kinds & (1u << k))
			r = kh_store_bind_text(stmt, idx++, kh_feeds_kind_name((enum kh_feeds_kind)k));
	if (r == KH_OK && f->cve != NULL)
		r = kh_store_bind_text(stmt, idx++, f->cve);
	if (r == KH_OK && f->ecosystem != NULL) {
		if ((r = kh_snprintf(prefix, prefix_size, "%s:", f->ecosystem)) != KH_OK)
			return r;
		if ((r = kh_store_bind_text(stmt, idx++, f->ecosystem)) == KH_OK &&
		    (r = kh_store_bind_int64(stmt, idx++, (int64_t)strlen(prefix))) == KH_OK)
			r = kh_store_bind_text(stmt, idx++, prefix);
	}
	for (size_t i = 0; i < f->n_packages && r == KH_OK; i++)
		r = kh_store_bind_text(stmt, idx++, f->packages[i]);
	return r;
}

/* Parses one stored row; a row that no longer parses is skipped with a warning. */
static enum kh_err
row_advisory(struct kh_store_stmt *stmt, struct kh_feeds_advisory **out)
{
	const char *kind_name = kh_store_column_text(stmt, 0);
	const char *id = kh_store_column_text(stmt, 1);
	const char *text = kh_store_column_text(stmt, 2);
	enum kh_feeds_kind kind;
	struct kh_diag d;
	json_t *rec = NULL;
	enum kh_err r;

	*out = NULL;
	kh_diag_clear(&d);
	if (kind_name == NULL || text == NULL || kh_feeds_kind_parse(kind_name, &kind) != KH_OK)
		return KH_OK;
	r = kh_json_parse(kh_cur_from_str(text), "feeds_advisories.record", &rec, &d);
	if (r == KH_OK)
		r = kh_feeds_parse_record(kind, rec, out, &d);
	json_decref(rec);
	if (r == KH_ENOMEM)
		return r;
	if (r != KH_OK)
		kh_log_warn("feeds: %s %s: %s", kind_name, id != NULL ? id : "?", d.msg);
	return KH_OK;
}

enum kh_err
kh_feeds_foreach(struct kh_store *st, const struct kh_feeds_filter *filter,
                 enum kh_err (*fn)(void *ctx, struct kh_feeds_advisory *adv), void *ctx,
                 struct kh_diag *diag)
{
	static const struct kh_feeds_filter all = { 0 };
	struct kh_store_stmt *stmt = NULL;
	struct kh_buf sql;
	char prefix[512];
	bool has_row = true;
	enum kh_err r;

	if (filter == NULL)
		filter = &all;
	if (filter->n_packages > 1000)
		return kh_diag_set(diag, KH_EINVAL, NULL, 0, "%s", "kh_feeds_filter: more than 1000 packages");
	kh_buf_init(&sql, 4096 + 8 * filter->n_packages);
	if ((r = build_query(filter, &sql)) != KH_OK ||
	    (r = kh_store_prepare(st, kh_buf_str(&sql), &stmt, diag)) != KH_OK ||
	    (r = bind_filter(stmt, filter, prefix, sizeof(prefix))) != KH_OK)
		goto out;
	while (r == KH_OK) {
		struct kh_feeds_advisory *adv;
		if ((r = kh_store_step(stmt, &has_row, diag)) != KH_OK || !has_row)
			break;
		if ((r = row_advisory(stmt, &adv)) != KH_OK || adv == NULL)
			continue;
		r = fn(ctx, adv);
	}
 out:
	kh_store_stmt_free(stmt);
	kh_buf_cleanup(&sql);
	return r;
}

static enum kh_err
load_add(void *ctx, struct kh_feeds_advisory *adv)
{
	return kh_feeds_set_add(ctx, adv);
}

static enum kh_err
epss_row(struct kh_store_stmt *stmt, struct kh_feeds_epss *out)
{
	const char *cve = kh_store_column_text(stmt, 0), *e = kh_store_column_text(stmt, 1),
		   *p = kh_store_column_text(stmt, 2), *date = kh_store_column_text(stmt, 3);

	memset(out, 0, sizeof(*out));
	if (cve == NULL || e == NULL || p == NULL)
		return KH_EFORMAT;
	kh_strlcpy(out->cve, cve, sizeof(out->cve));
	kh_strlcpy(out->score_date, date != NULL ? date : "", sizeof(out->score_date));
	out->epss = strtod(e, NULL);
	out->percentile = strtod(p, NULL);
	return KH_OK;
}

static enum kh_err
load_epss(struct kh_store *st, const char *cve, struct kh_feeds_set *set, struct kh_diag *diag)
{
	struct kh_store_stmt *stmt = NULL;
	bool has_row = true;
	enum kh_err r;

	if ((r = kh_store_prepare(st, cve != NULL
	                                  ? "SELECT cve, epss, percentile, score_date FROM feeds_epss WHERE cve = ?"
	                                  : "SELECT cve, epss, percentile, score_date FROM feeds_epss ORDER BY cve",
	                          &stmt, diag)) != KH_OK)
		return r;
	if (cve != NULL && (r = kh_store_bind_text(stmt, 1, cve)) != KH_OK)
		goto out;
	while ((r = kh_store_step(stmt, &has_row, diag)) == KH_OK && has_row) {
		struct kh_feeds_epss row;
		if (epss_row(stmt, &row) == KH_OK && (r = kh_feeds_set_add_epss(set, &row)) != KH_OK)
			break;
	}
 out:
	kh_store_stmt_free(stmt);
	return r;
}

enum kh_err
kh_feeds_load(struct kh_store *st, const struct kh_feeds_filter *filter,
              struct kh_feeds_set *set, struct kh_diag *diag)
{
	enum kh_err r;

	if ((r = kh_feeds_foreach(st, filter, load_add, set, diag)) != KH_OK)
		return r;
	if (filter != NULL && filter->with_epss)
		return load_epss(st, filter->cve, set, diag);
	return KH_OK;
}

enum kh_err
kh_feeds_epss_get(struct kh_store *st, const char *cve, struct kh_feeds_epss *out,
                  struct kh_diag *diag)
{
	struct kh_feeds_set set;
	enum kh_err r;

	kh_feeds_set_init(&set);
	memset(out, 0, sizeof(*out));
	if ((r = load_epss(st, cve, &set, diag)) == KH_OK)
		r = set.n_epss > 0 ? KH_OK : KH_ENOENT;
	if (r == KH_OK)
		*out = set.epss[0];
	kh_feeds_set_cleanup(&set);
	return r;
}

static enum kh_err
count_query(struct kh_store *st, const char *sql, size_t counts[KH_FEEDS_KIND_COUNT_],
            struct kh_diag *diag)
{
	struct kh_store_stmt *stmt = NULL;
	bool has_row;
	enum kh_err r;

	if ((r = kh_store_prepare(st, sql, &stmt, diag)) != KH_OK)
		return r;
	while ((r = kh_store_step(stmt, &has_row, diag)) == KH_OK && has_row) {
		const char *name = kh_store_column_text(stmt, 0);
		enum kh_feeds_kind kind;
		if (name != NULL && kh_feeds_kind_parse(name, &kind) == KH_OK)
			counts[kind] += (size_t)kh_store_column_int64(stmt, 1);
	}
	kh_store_stmt_free(stmt);
	return r;
}

enum kh_err
kh_feeds_counts(struct kh_store *st, size_t counts[KH_FEEDS_KIND_COUNT_], struct kh_diag *diag)
{
	enum kh_err r;

	memset(counts, 0, sizeof(size_t) * KH_FEEDS_KIND_COUNT_);
	if ((r = count_query(st, "SELECT kind, COUNT(*) FROM feeds_advisories GROUP BY kind", counts,
	                     diag)) != KH_OK)
		return r;
	return count_query(st, "SELECT 'epss', COUNT(*) FROM feeds_epss", counts, diag);
}
