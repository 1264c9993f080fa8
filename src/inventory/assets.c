/*
 * assets.c — the asset registry: a unit's CSV list of appliances and
 * servers imported into the store (upsert by unit and name, one
 * transaction), each mapped to CPE 2.3; and listing what is stored.
 */
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "khien/inventory.h"
#include "khien/store.h"

enum col { COL_UNIT, COL_NAME, COL_VENDOR, COL_PRODUCT, COL_VERSION, COL_ADDRESS, COL_NOTES,
	   COL_COUNT_ };

static const char *const col_names[COL_COUNT_] = {
	"unit", "name", "vendor", "product", "version", "address", "notes",
};
#define N_REQUIRED 5 /* unit..version */

/* Where each known column is in the file (-1: absent). */
struct header {
	int at[COL_COUNT_];
	size_t n_fields;
};

/* Statements prepared once per import. */
struct import_ctx {
	struct kh_store *st;
	struct kh_asset_import *imp;
	struct kh_store_stmt *unit_ins, *unit_get, *asset_get, *asset_ins, *asset_upd;
	char now[32];
};

/* ---- results ------------------------------------------------------------ */

static void
asset_cleanup(struct kh_asset *a)
{
	kh_free(a->unit);
	kh_free(a->name);
	kh_free(a->vendor);
	kh_free(a->product);
	kh_free(a->version);
	kh_free(a->address);
	kh_free(a->notes);
	kh_free(a->cpe);
	kh_free(a->imported_at);
	memset(a, 0, sizeof(*a));
}

void
kh_asset_import_free(struct kh_asset_import *imp)
{
	if (imp == NULL)
		return;
	for (size_t i = 0; i < imp->n_issues; i++)
		kh_free(imp->issues[i].message);
	for (size_t i = 0; i < imp->n_assets; i++)
		asset_cleanup(&imp->assets[i]);
	kh_free(imp->issues);
	kh_free(imp->assets);
	kh_free(imp->file);
	kh_free(imp);
}

void
kh_asset_list_free(struct kh_asset_list *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->n; i++)
		asset_cleanup(&list->items[i]);
	kh_free(list->items);
	kh_free(list);
}

/* Grows an array of `size`-byte items to hold one more. */
static bool
grow(void **items, size_t n, size_t *cap, size_t size)
{
	void *p;
	size_t want = *cap ? *cap * 2 : 16;

	if (n < *cap)
		return true;
	if ((p = kh_reallocarray(*items, want, size)) == NULL)
		return false;
	*items = p;
	*cap = want;
	return true;
}

static enum kh_err
add_issue(struct kh_asset_import *imp, long line, bool is_error, const char *msg)
{
	struct kh_asset_issue *is;

	if (!grow((void **)&imp->issues, imp->n_issues, &imp->cap_issues, sizeof(*is)))
		return KH_ENOMEM;
	is = &imp->issues[imp->n_issues];
	if ((is->message = kh_strdup(msg)) == NULL)
		return KH_ENOMEM;
	is->line = line;
	is->is_error = is_error;
	imp->n_issues++;
	return KH_OK;
}

/* ---- header ------------------------------------------------------------- */

static enum kh_err
header_fail(struct kh_diag *diag, const char *file, long line, const char *what,
            struct kh_buf *names)
{
	enum kh_err r = kh_diag_set(diag, KH_EFORMAT, file, line, "%s: %s", what, kh_buf_str(names));
	kh_buf_cleanup(names);
	return r;
}

/* Header cells matched case-insensitively, trimmed, in any order. */
static enum kh_err
parse_header(const struct kh_csv_row *row, const char *file, struct header *h,
             struct kh_diag *diag)
{
	struct kh_buf bad;
	char cell[64];

	kh_buf_init(&bad, 4096);
	for (int c = 0; c < COL_COUNT_; c++)
		h->at[c] = -1;
	h->n_fields = row->n_fields;
	for (size_t i = 0; i < row->n_fields; i++) {
		int c;
		kh_strlcpy(cell, row->fields[i], sizeof(cell));
		kh_str_trim(cell);
		for (c = 0; c < COL_COUNT_ && kh_str_casecmp(cell, col_names[c]) != 0; c++)
			;
		if (c < COL_COUNT_ && h->at[c] < 0 && strlen(row->fields[i]) < sizeof(cell)) {
			h->at[c] = (int)i;
			continue;
		}
		if (kh_buf_printf(&bad, "%s'%s'", bad.len ? ", " : "", row->fields[i]) != KH_OK)
			break;
	}
	if (bad.len > 0)
		return header_fail(diag, file, row->line,
		                   KH_MSG("header: unknown or repeated columns (expected unit, name, "
		                          "vendor, product, version, address, notes)",
		                          "dòng tiêu đề: cột lạ hoặc lặp lại (cần unit, name, vendor, "
		                          "product, version, address, notes)"), &bad);
	for (int c = 0; c < N_REQUIRED; c++)
		if (h->at[c] < 0 &&
		    kh_buf_printf(&bad, "%s%s", bad.len ? ", " : "", col_names[c]) != KH_OK)
			break;
	if (bad.len > 0)
		return header_fail(diag, file, row->line,
		                   KH_MSG("header: missing required columns",
		                          "dòng tiêu đề: thiếu cột bắt buộc"), &bad);
	kh_buf_cleanup(&bad);
	return KH_OK;
}

/* ---- one row ------------------------------------------------------------ */

/* A trimmed copy of a column; NULL (no error) when absent or empty. */
static enum kh_err
cell_dup(const struct kh_csv_row *row, const struct header *h, enum col c, char **out)
{
	char *s;

	*out = NULL;
	if (h->at[c] < 0)
		return KH_OK;
	if ((s = kh_strdup(row->fields[h->at[c]])) == NULL)
		return KH_ENOMEM;
	if (kh_str_trim(s)[0] == '\0') {
		kh_free(s);
		return KH_OK;
	}
	*out = s;
	return KH_OK;
}

static enum kh_err
row_to_asset(const struct kh_csv_row *row, const struct header *h, struct kh_asset *a)
{
	char **slots[COL_COUNT_] = { &a->unit, &a->name, &a->vendor, &a->product,
		                     &a->version, &a->address, &a->notes };
	enum kh_err r;

	for (int c = 0; c < COL_COUNT_; c++)
		if ((r = cell_dup(row, h, (enum col)c, slots[c])) != KH_OK)
			return r;
	return KH_OK;
}

static enum kh_err
step_done(struct kh_store_stmt *stmt, struct kh_diag *diag)
{
	bool has_row;
	enum kh_err r = kh_store_step(stmt, &has_row, diag);

	kh_store_reset(stmt);
	return r;
}

/* The unit's id, creating the unit the first time it is named. */
static enum kh_err
unit_id(struct import_ctx *ix, const char *unit, int64_t *id, struct kh_diag *diag)
{
	bool has_row;
	enum kh_err r;

	if ((r = kh_store_bind_text(ix->unit_ins, 1, unit)) != KH_OK ||
	    (r = step_done(ix->unit_ins, diag)) != KH_OK)
		return r;
	if ((r = kh_store_bind_text(ix->unit_get, 1, unit)) != KH_OK ||
	    (r = kh_store_step(ix->unit_get, &has_row, diag)) != KH_OK)
		goto out;
	*id = kh_store_column_int64(ix->unit_get, 0);
	if (!has_row)
		r = KH_EINTERNAL;
 out:
	kh_store_reset(ix->unit_get);
	return r;
}

static enum kh_err
asset_existing(struct import_ctx *ix, int64_t unit, const char *name, int64_t *id,
               struct kh_diag *diag)
{
	bool has_row;
	enum kh_err r;

	*id = 0;
	if ((r = kh_store_bind_int64(ix->asset_get, 1, unit)) != KH_OK ||
	    (r = kh_store_bind_text(ix->asset_get, 2, name)) != KH_OK ||
	    (r = kh_store_step(ix->asset_get, &has_row, diag)) != KH_OK)
		goto out;
	if (has_row)
		*id = kh_store_column_int64(ix->asset_get, 0);
 out:
	kh_store_reset(ix->asset_get);
	return r;
}

/* Binds the columns both statements share, from index `at` on. Optional
 * columns the file does not have keep their stored value on update. */
static enum kh_err
bind_fields(struct kh_store_stmt *s, int at, const struct kh_asset *a, const struct header *h)
{
	enum kh_err r;

	if ((r = kh_store_bind_text(s, at, a->vendor)) != KH_OK ||
	    (r = kh_store_bind_text(s, at + 1, a->product)) != KH_OK ||
	    (r = kh_store_bind_text(s, at + 2, a->version)) != KH_OK ||
	    (r = kh_store_bind_int64(s, at + 3, h->at[COL_ADDRESS] >= 0)) != KH_OK ||
	    (r = kh_store_bind_text(s, at + 4, a->address)) != KH_OK ||
	    (r = kh_store_bind_int64(s, at + 5, h->at[COL_NOTES] >= 0)) != KH_OK ||
	    (r = kh_store_bind_text(s, at + 6, a->notes)) != KH_OK ||
	    (r = kh_store_bind_text(s, at + 7, a->cpe)) != KH_OK ||
	    (r = kh_store_bind_int64(s, at + 8, a->vendor_known)) != KH_OK)
		return r;
	return kh_store_bind_text(s, at + 9, a->imported_at);
}

static enum kh_err
upsert(struct import_ctx *ix, struct kh_asset *a, const struct header *h, struct kh_diag *diag)
{
	int64_t unit = 0, id = 0;
	struct kh_store_stmt *s;
	enum kh_err r;

	if ((r = unit_id(ix, a->unit, &unit, diag)) != KH_OK ||
	    (r = asset_existing(ix, unit, a->name, &id, diag)) != KH_OK)
		return r;
	if (id != 0) {
		s = ix->asset_upd; /* name, fields (10), id */
		if ((r = kh_store_bind_text(s, 1, a->name)) != KH_OK ||
		    (r = bind_fields(s, 2, a, h)) != KH_OK || (r = kh_store_bind_int64(s, 12, id)) != KH_OK)
			return r;
	} else {
		s = ix->asset_ins; /* unit, name, fields (10) */
		if ((r = kh_store_bind_int64(s, 1, unit)) != KH_OK ||
		    (r = kh_store_bind_text(s, 2, a->name)) != KH_OK || (r = bind_fields(s, 3, a, h)) != KH_OK)
			return r;
	}
	if ((r = step_done(s, diag)) != KH_OK)
		return r;
	if (id == 0 && (r = asset_existing(ix, unit, a->name, &id, diag)) != KH_OK)
		return r;
	a->id = id;
	if (s == ix->asset_upd)
		ix->imp->n_updated++;
	else
		ix->imp->n_imported++;
	return KH_OK;
}

/* The CPE, and a warning when the asset gets none. The values are quoted
 * whole: cutting them could split a UTF-8 sequence. */
static enum kh_err
map_cpe(struct import_ctx *ix, long line, struct kh_asset *a)
{
	struct kh_cpe_mapping m;
	struct kh_buf msg;
	enum kh_err r;

	if ((r = kh_cpe_map(a->vendor, a->product, a->version, &m)) != KH_OK)
		return r;
	a->vendor_known = m.vendor_known;
	a->cpe = m.cpe;
	m.cpe = NULL;
	if (a->cpe == NULL) {
		ix->imp->n_unknown_vendor++;
		kh_buf_init(&msg, 0);
		r = kh_buf_printf(&msg, "%s: '%s' / '%s' / '%s' — %s", m.why,
		                  a->vendor ? a->vendor : "", a->product ? a->product : "",
		                  a->version ? a->version : "",
		                  KH_MSG("stored without CPE", "đã lưu, chưa có CPE"));
		if (r == KH_OK)
			r = add_issue(ix->imp, line, false, kh_buf_str(&msg));
		kh_buf_cleanup(&msg);
	}
	kh_cpe_mapping_cleanup(&m);
	return r;
}

/* Checks, maps and stores one record; a bad row is an issue, not an error. */
static enum kh_err
import_row(struct import_ctx *ix, const struct kh_csv_row *row, const struct header *h,
           struct kh_diag *diag)
{
	struct kh_asset_import *imp = ix->imp;
	struct kh_asset a = { 0 };
	char msg[256];
	enum kh_err r;

	if (row->n_fields != h->n_fields) {
		(void)snprintf(msg, sizeof(msg), KH_MSG("expected %zu fields as in the header, found %zu",
		                                        "cần %zu trường như dòng tiêu đề, có %zu"),
		               h->n_fields, row->n_fields);
		imp->n_skipped++;
		return add_issue(imp, row->line, true, msg);
	}
	if ((r = row_to_asset(row, h, &a)) != KH_OK)
		goto out;
	if (a.unit == NULL || a.name == NULL) {
		imp->n_skipped++;
		r = add_issue(imp, row->line, true,
		              a.unit == NULL ? KH_MSG("missing unit", "thiếu đơn vị (unit)")
		                             : KH_MSG("missing name", "thiếu tên thiết bị (name)"));
		goto out;
	}
	if ((a.imported_at = kh_strdup(ix->now)) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((r = map_cpe(ix, row->line, &a)) != KH_OK || (r = upsert(ix, &a, h, diag)) != KH_OK)
		goto out;
	if (!grow((void **)&imp->assets, imp->n_assets, &imp->cap_assets, sizeof(a))) {
		r = KH_ENOMEM;
		goto out;
	}
	imp->assets[imp->n_assets++] = a;
	memset(&a, 0, sizeof(a));
 out:
	asset_cleanup(&a);
	return r;
}

/* ---- the import --------------------------------------------------------- */

static enum kh_err
prepare_all(struct import_ctx *ix, struct kh_diag *diag)
{
	struct kh_store *st = ix->st;
	enum kh_err r;

	/* ON CONFLICT DO NOTHING: SQLite 3.24+, PostgreSQL 9.5+. */
	if ((r = kh_store_prepare(st, "INSERT INTO units (name) VALUES (?) ON CONFLICT (name) DO NOTHING",
	                          &ix->unit_ins, diag)) != KH_OK ||
	    (r = kh_store_prepare(st, "SELECT id FROM units WHERE name = ?", &ix->unit_get,
	                          diag)) != KH_OK ||
	    (r = kh_store_prepare(st, "SELECT id FROM assets WHERE unit_id = ? AND name = ?",
	                          &ix->asset_get, diag)) != KH_OK)
		return r;
	if ((r = kh_store_prepare(st,
	                          "INSERT INTO assets (unit_id, name, vendor, product, version,"
	                          " address, notes, cpe, vendor_known, imported_at)"
	                          " VALUES (?, ?, ?, ?, ?, CASE WHEN ? = 1 THEN ? END,"
	                          " CASE WHEN ? = 1 THEN ? END, ?, ?, ?)",
	                          &ix->asset_ins, diag)) != KH_OK)
		return r;
	return kh_store_prepare(st,
	                        "UPDATE assets SET name = ?, vendor = ?, product = ?, version = ?,"
	                        " address = CASE WHEN ? = 1 THEN ? ELSE address END,"
	                        " notes = CASE WHEN ? = 1 THEN ? ELSE notes END,"
	                        " cpe = ?, vendor_known = ?, imported_at = ?"
	                        " WHERE id = ?", &ix->asset_upd, diag);
}

static void
free_all(struct import_ctx *ix)
{
	struct kh_store_stmt **all[] = { &ix->unit_ins, &ix->unit_get, &ix->asset_get,
		                         &ix->asset_ins, &ix->asset_upd };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		kh_store_stmt_free(*all[i]);
		*all[i] = NULL;
	}
}

/* Reads the header, then every record; stops only on fatal errors. */
static enum kh_err
read_all(struct import_ctx *ix, struct kh_csv *csv, const char *file, struct kh_diag *diag)
{
	struct kh_csv_row row;
	struct header h;
	struct kh_diag rd;
	enum kh_err r;

	if ((r = kh_csv_next(csv, &row, diag)) == KH_ENOENT)
		return kh_diag_set(diag, KH_EFORMAT, file, 1, "%s",
		                   KH_MSG("empty file: no header row", "tệp rỗng: không có dòng tiêu đề"));
	if (r != KH_OK || (r = parse_header(&row, file, &h, diag)) != KH_OK)
		return r;
	for (;;) {
		kh_diag_clear(&rd);
		r = kh_csv_next(csv, &row, &rd);
		if (r == KH_ENOENT)
			return KH_OK;
		if (r != KH_OK && !kh_csv_can_continue(csv)) {
			if (diag != NULL)
				*diag = rd;
			return r;
		}
		if (r != KH_OK) {
			ix->imp->n_skipped++;
			r = add_issue(ix->imp, row.line, true, rd.msg);
		} else {
			r = import_row(ix, &row, &h, diag);
		}
		if (r != KH_OK)
			return r;
	}
}

enum kh_err
kh_assets_import_csv(struct kh_store *st, struct kh_cur text, const char *file,
                     struct kh_asset_import **out, struct kh_diag *diag)
{
	struct import_ctx ix = { .st = st };
	struct kh_csv *csv = NULL;
	enum kh_err r = KH_EINTERNAL;

	*out = NULL;
	if ((ix.imp = kh_calloc(1, sizeof(*ix.imp))) == NULL ||
	    (ix.imp->file = kh_strdup(file)) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	kh_time_iso8601(time(NULL), ix.now, sizeof(ix.now));
	if ((r = kh_csv_new(text, file, &csv, diag)) != KH_OK || (r = prepare_all(&ix, diag)) != KH_OK)
		goto out;
	if ((r = kh_store_begin(st, diag)) != KH_OK)
		goto out;
	if ((r = read_all(&ix, csv, file, diag)) != KH_OK)
		goto out;
	free_all(&ix); /* statements must be finished before COMMIT on some drivers */
	if ((r = kh_store_commit(st, diag)) != KH_OK)
		goto out;
	*out = ix.imp;
	ix.imp = NULL;
	r = KH_OK;
 out:
	if (r == KH_ENOMEM)
		kh_diag_set(diag, r, file, 0, "%s", kh_strerror(r));
	free_all(&ix);
	kh_store_rollback(st);
	kh_csv_free(csv);
	kh_asset_import_free(ix.imp);
	return r;
}

/* ---- listing ------------------------------------------------------------ */

static enum kh_err
dup_col(struct kh_store_stmt *s, int col, char **out)
{
	const char *v = kh_store_column_text(s, col);

	*out = NULL;
	if (v != NULL && (*out = kh_strdup(v)) == NULL)
		return KH_ENOMEM;
	return KH_OK;
}

static enum kh_err
row_to_listed(struct kh_store_stmt *s, struct kh_asset *a)
{
	char **slots[] = { &a->unit, &a->name, &a->vendor, &a->product, &a->version,
		           &a->address, &a->notes, &a->cpe };
	enum kh_err r;

	a->id = kh_store_column_int64(s, 0);
	for (int i = 0; i < 8; i++)
		if ((r = dup_col(s, i + 1, slots[i])) != KH_OK)
			return r;
	a->vendor_known = kh_store_column_int64(s, 9) != 0;
	return dup_col(s, 10, &a->imported_at);
}

#define LIST_SQL                                                                          \
	"SELECT a.id, u.name, a.name, a.vendor, a.product, a.version, a.address, a.notes," \
	" a.cpe, a.vendor_known, a.imported_at FROM assets a JOIN units u ON u.id = a.unit_id"

enum kh_err
kh_assets_list(struct kh_store *st, const char *unit, struct kh_asset_list **out,
               struct kh_diag *diag)
{
	struct kh_asset_list *list = NULL;
	struct kh_store_stmt *s = NULL;
	bool has_row;
	enum kh_err r = KH_EINTERNAL;

	*out = NULL;
	if ((list = kh_calloc(1, sizeof(*list))) == NULL) {
		r = KH_ENOMEM;
		goto out;
	}
	if ((r = kh_store_prepare(st, unit != NULL ? LIST_SQL " WHERE u.name = ? ORDER BY u.name, a.name"
	                                           : LIST_SQL " ORDER BY u.name, a.name",
	                          &s, diag)) != KH_OK)
		goto out;
	if (unit != NULL && (r = kh_store_bind_text(s, 1, unit)) != KH_OK)
		goto out;
	while ((r = kh_store_step(s, &has_row, diag)) == KH_OK && has_row) {
		if (!grow((void **)&list->items, list->n, &list->cap, sizeof(*list->items))) {
			r = KH_ENOMEM;
			goto out;
		}
		memset(&list->items[list->n], 0, sizeof(*list->items));
		list->n++; /* counted first so a partial item is freed */
		if ((r = row_to_listed(s, &list->items[list->n - 1])) != KH_OK)
			goto out;
	}
	if (r != KH_OK)
		goto out;
	*out = list;
	list = NULL;
 out:
	kh_store_stmt_free(s);
	kh_asset_list_free(list);
	return r;
}

/* ---- JSON --------------------------------------------------------------- */

static json_t *
asset_json(const struct kh_asset *a)
{
	json_t *o = json_object();

	if (o == NULL || kh_json_set_int(o, "id", (long long)a->id) != KH_OK ||
	    kh_json_set_str(o, "unit", a->unit) != KH_OK || kh_json_set_str(o, "name", a->name) != KH_OK ||
	    kh_json_set_str(o, "vendor", a->vendor) != KH_OK ||
	    kh_json_set_str(o, "product", a->product) != KH_OK ||
	    kh_json_set_str(o, "version", a->version) != KH_OK ||
	    kh_json_set_str(o, "address", a->address) != KH_OK ||
	    kh_json_set_str(o, "notes", a->notes) != KH_OK || kh_json_set_str(o, "cpe", a->cpe) != KH_OK ||
	    kh_json_set_bool(o, "vendor_known", a->vendor_known) != KH_OK ||
	    kh_json_set_str(o, "imported_at", a->imported_at) != KH_OK) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
assets_json(const struct kh_asset *items, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++)
		if (json_array_append_new(arr, asset_json(&items[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	return arr;
}

static json_t *
issues_json(const struct kh_asset_import *imp, bool errors)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < imp->n_issues; i++) {
		const struct kh_asset_issue *is = &imp->issues[i];
		json_t *o;
		if (is->is_error != errors)
			continue;
		o = json_object();
		if (o == NULL || kh_json_set_int(o, "line", is->line) != KH_OK ||
		    kh_json_set_str(o, "message", is->message) != KH_OK ||
		    json_array_append_new(arr, o) != 0) {
			json_decref(o);
			json_decref(arr);
			arr = NULL;
		}
	}
	return arr;
}

/* Takes ownership of j. */
static enum kh_err
append_json(struct kh_buf *out, json_t *j)
{
	enum kh_err r = j != NULL ? kh_json_append(out, j, false) : KH_ENOMEM;

	json_decref(j);
	return r;
}

enum kh_err
kh_asset_import_to_json(const struct kh_asset_import *imp, struct kh_buf *out)
{
	json_t *o = json_object();

	if (o == NULL || kh_json_set_str(o, "file", imp->file) != KH_OK ||
	    kh_json_set_int(o, "imported", (long long)imp->n_imported) != KH_OK ||
	    kh_json_set_int(o, "updated", (long long)imp->n_updated) != KH_OK ||
	    kh_json_set_int(o, "skipped", (long long)imp->n_skipped) != KH_OK ||
	    kh_json_set_int(o, "unknown_vendor", (long long)imp->n_unknown_vendor) != KH_OK ||
	    json_object_set_new(o, "errors", issues_json(imp, true)) != 0 ||
	    json_object_set_new(o, "warnings", issues_json(imp, false)) != 0 ||
	    json_object_set_new(o, "assets", assets_json(imp->assets, imp->n_assets)) != 0) {
		json_decref(o);
		return KH_ENOMEM;
	}
	return append_json(out, o);
}

enum kh_err
kh_asset_list_to_json(const struct kh_asset_list *list, struct kh_buf *out)
{
	json_t *o = json_object();

	if (o == NULL || json_object_set_new(o, "assets", assets_json(list->items, list->n)) != 0) {
		json_decref(o);
		return KH_ENOMEM;
	}
	return append_json(out, o);
}
