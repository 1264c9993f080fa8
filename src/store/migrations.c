/*
 * migrations.c — the versioned schema: an ordered list of (version, name,
 * SQL) applied once each, in its own transaction, recorded in
 * schema_migrations. Policy (docs/store.md): append only; never edit a
 * released step; a database newer than this program is refused.
 */
#include <string.h>
#include <time.h>

#include "store_int.h"

/* v1: the asset registry (docs/assets.md). vendor_known is 0/1 in both
 * databases so the same int64 bind works on either driver. */
static const char v1_sqlite[] =
	"CREATE TABLE units ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE assets ("
	" id INTEGER PRIMARY KEY,"
	" unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,"
	" name TEXT NOT NULL,"
	" vendor TEXT, product TEXT, version TEXT, address TEXT, notes TEXT,"
	" cpe TEXT,"
	" vendor_known INTEGER NOT NULL DEFAULT 0 CHECK (vendor_known IN (0, 1)),"
	" imported_at TEXT NOT NULL,"
	" UNIQUE (unit_id, name));"
	"CREATE INDEX assets_cpe ON assets(cpe);";

/* Written for the PostgreSQL driver to come; not exercised yet. */
static const char v1_postgres[] =
	"CREATE TABLE units ("
	" id BIGSERIAL PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE assets ("
	" id BIGSERIAL PRIMARY KEY,"
	" unit_id BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,"
	" name TEXT NOT NULL,"
	" vendor TEXT, product TEXT, version TEXT, address TEXT, notes TEXT,"
	" cpe TEXT,"
	" vendor_known SMALLINT NOT NULL DEFAULT 0 CHECK (vendor_known IN (0, 1)),"
	" imported_at TEXT NOT NULL,"
	" UNIQUE (unit_id, name));"
	"CREATE INDEX assets_cpe ON assets(cpe);";

/* v2: every malware scan's summary and detections (src/scan/scan_store.c). */
static const char v2_sqlite[] =
	"CREATE TABLE scan_runs ("
	" id INTEGER PRIMARY KEY,"
	" started_at TEXT NOT NULL,"
	" duration_ms INTEGER NOT NULL,"
	" files INTEGER NOT NULL, bytes INTEGER NOT NULL, cached INTEGER NOT NULL,"
	" detections INTEGER NOT NULL, errors INTEGER NOT NULL);"
	"CREATE TABLE scan_detections ("
	" id INTEGER PRIMARY KEY,"
	" run_id INTEGER NOT NULL REFERENCES scan_runs(id) ON DELETE CASCADE,"
	" path TEXT NOT NULL, match TEXT NOT NULL, engine TEXT NOT NULL,"
	" sha256 TEXT, size INTEGER NOT NULL, detected_at TEXT NOT NULL);"
	"CREATE INDEX scan_detections_sha256 ON scan_detections(sha256);";

static const char v2_postgres[] =
	"CREATE TABLE scan_runs ("
	" id BIGSERIAL PRIMARY KEY,"
	" started_at TEXT NOT NULL,"
	" duration_ms BIGINT NOT NULL,"
	" files BIGINT NOT NULL, bytes BIGINT NOT NULL, cached BIGINT NOT NULL,"
	" detections BIGINT NOT NULL, errors BIGINT NOT NULL);"
	"CREATE TABLE scan_detections ("
	" id BIGSERIAL PRIMARY KEY,"
	" run_id BIGINT NOT NULL REFERENCES scan_runs(id) ON DELETE CASCADE,"
	" path TEXT NOT NULL, match TEXT NOT NULL, engine TEXT NOT NULL,"
	" sha256 TEXT, size BIGINT NOT NULL, detected_at TEXT NOT NULL);"
	"CREATE INDEX scan_detections_sha256 ON scan_detections(sha256);";

/* v3: advisory feeds (docs/feeds.md): each advisory keeps its normalised
 * source record; CVE and package tables index it; EPSS scores are text so
 * the same bind works on both drivers. */
static const char v3_sqlite[] =
	"CREATE TABLE feeds_imports ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL, origin TEXT NOT NULL, sha256 TEXT,"
	" imported_at TEXT NOT NULL,"
	" n_records INTEGER NOT NULL, n_skipped INTEGER NOT NULL);"
	"CREATE TABLE feeds_advisories ("
	" kind TEXT NOT NULL, id TEXT NOT NULL,"
	" source TEXT NOT NULL, published TEXT, modified TEXT,"
	" record TEXT NOT NULL,"
	" imported_at TEXT NOT NULL,"
	" PRIMARY KEY (kind, id));"
	"CREATE TABLE feeds_advisory_cves ("
	" kind TEXT NOT NULL, id TEXT NOT NULL, cve TEXT NOT NULL,"
	" PRIMARY KEY (kind, id, cve),"
	" FOREIGN KEY (kind, id) REFERENCES feeds_advisories(kind, id) ON DELETE CASCADE);"
	"CREATE INDEX feeds_advisory_cves_cve ON feeds_advisory_cves(cve);"
	"CREATE TABLE feeds_advisory_packages ("
	" kind TEXT NOT NULL, id TEXT NOT NULL,"
	" ecosystem TEXT NOT NULL, package TEXT NOT NULL,"
	" PRIMARY KEY (kind, id, ecosystem, package),"
	" FOREIGN KEY (kind, id) REFERENCES feeds_advisories(kind, id) ON DELETE CASCADE);"
	"CREATE INDEX feeds_advisory_packages_eco ON feeds_advisory_packages(ecosystem, package);"
	"CREATE TABLE feeds_epss ("
	" cve TEXT PRIMARY KEY,"
	" epss TEXT NOT NULL, percentile TEXT NOT NULL, score_date TEXT);"
	"CREATE TABLE feeds_http_cache ("
	" url TEXT PRIMARY KEY,"
	" etag TEXT, last_modified TEXT, sha256 TEXT, path TEXT,"
	" fetched_at TEXT NOT NULL);";

static const char v3_postgres[] =
	"CREATE TABLE feeds_imports ("
	" id BIGSERIAL PRIMARY KEY,"
	" kind TEXT NOT NULL, origin TEXT NOT NULL, sha256 TEXT,"
	" imported_at TEXT NOT NULL,"
	" n_records BIGINT NOT NULL, n_skipped BIGINT NOT NULL);"
	"CREATE TABLE feeds_advisories ("
	" kind TEXT NOT NULL, id TEXT NOT NULL,"
	" source TEXT NOT NULL, published TEXT, modified TEXT,"
	" record TEXT NOT NULL,"
	" imported_at TEXT NOT NULL,"
	" PRIMARY KEY (kind, id));"
	"CREATE TABLE feeds_advisory_cves ("
	" kind TEXT NOT NULL, id TEXT NOT NULL, cve TEXT NOT NULL,"
	" PRIMARY KEY (kind, id, cve),"
	" FOREIGN KEY (kind, id) REFERENCES feeds_advisories(kind, id) ON DELETE CASCADE);"
	"CREATE INDEX feeds_advisory_cves_cve ON feeds_advisory_cves(cve);"
	"CREATE TABLE feeds_advisory_packages ("
	" kind TEXT NOT NULL, id TEXT NOT NULL,"
	" ecosystem TEXT NOT NULL, package TEXT NOT NULL,"
	" PRIMARY KEY (kind, id, ecosystem, package),"
	" FOREIGN KEY (kind, id) REFERENCES feeds_advisories(kind, id) ON DELETE CASCADE);"
	"CREATE INDEX feeds_advisory_packages_eco ON feeds_advisory_packages(ecosystem, package);"
	"CREATE TABLE feeds_epss ("
	" cve TEXT PRIMARY KEY,"
	" epss TEXT NOT NULL, percentile TEXT NOT NULL, score_date TEXT);"
	"CREATE TABLE feeds_http_cache ("
	" url TEXT PRIMARY KEY,"
	" etag TEXT, last_modified TEXT, sha256 TEXT, path TEXT,"
	" fetched_at TEXT NOT NULL);";

/* v4 ioc: imports of shared indicators and the values they brought (docs/ioc.md) */
static const char v4_sqlite[] =
	"CREATE TABLE ioc_imports ("
	" id INTEGER PRIMARY KEY,"
	" source TEXT NOT NULL, format TEXT NOT NULL, imported_at TEXT NOT NULL,"
	" files INTEGER NOT NULL, objects INTEGER NOT NULL, indicators INTEGER NOT NULL,"
	" hashes INTEGER NOT NULL, network INTEGER NOT NULL, unsupported INTEGER NOT NULL,"
	" errors INTEGER NOT NULL);"
	"CREATE TABLE ioc_indicators ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL,"
	" name TEXT NOT NULL DEFAULT '', first_seen TEXT, source TEXT,"
	" import_id INTEGER REFERENCES ioc_imports(id) ON DELETE SET NULL,"
	" UNIQUE (type, value, name));";

static const char v4_postgres[] =
	"CREATE TABLE ioc_imports ("
	" id BIGSERIAL PRIMARY KEY,"
	" source TEXT NOT NULL, format TEXT NOT NULL, imported_at TEXT NOT NULL,"
	" files BIGINT NOT NULL, objects BIGINT NOT NULL, indicators BIGINT NOT NULL,"
	" hashes BIGINT NOT NULL, network BIGINT NOT NULL, unsupported BIGINT NOT NULL,"
	" errors BIGINT NOT NULL);"
	"CREATE TABLE ioc_indicators ("
	" id BIGSERIAL PRIMARY KEY,"
	" kind TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL,"
	" name TEXT NOT NULL DEFAULT '', first_seen TEXT, source TEXT,"
	" import_id BIGINT REFERENCES ioc_imports(id) ON DELETE SET NULL,"
	" UNIQUE (type, value, name));";

static const struct kh_store_migration migrations[] = {
	{ 1, "asset registry: units, assets", v1_sqlite, v1_postgres },
	{ 2, "malware scans: runs, detections", v2_sqlite, v2_postgres },
	{ 3, "feeds", v3_sqlite, v3_postgres },
	{ 4, "ioc", v4_sqlite, v4_postgres },
};

const struct kh_store_migration *
kh_store_migrations(size_t *n)
{
	*n = sizeof(migrations) / sizeof(migrations[0]);
	return migrations;
}

int
kh_store_schema_latest(void)
{
	size_t n;
	const struct kh_store_migration *m = kh_store_migrations(&n);

	return n == 0 ? 0 : m[n - 1].version;
}

static enum kh_err
current_version(struct kh_store *st, int *version, struct kh_diag *diag)
{
	struct kh_store_stmt *stmt = NULL;
	bool has_row = false;
	enum kh_err r;

	*version = 0;
	if ((r = kh_store_prepare(st, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
	                          &stmt, diag)) != KH_OK)
		goto out;
	if ((r = kh_store_step(stmt, &has_row, diag)) != KH_OK)
		goto out;
	if (has_row)
		*version = (int)kh_store_column_int64(stmt, 0);
 out:
	kh_store_stmt_free(stmt);
	return r;
}

static enum kh_err
record(struct kh_store *st, const struct kh_store_migration *m, struct kh_diag *diag)
{
	struct kh_store_stmt *stmt = NULL;
	char now[32];
	bool has_row;
	enum kh_err r;

	kh_time_iso8601(time(NULL), now, sizeof(now));
	if ((r = kh_store_prepare(st, "INSERT INTO schema_migrations (version, name, applied_at)"
	                              " VALUES (?, ?, ?)", &stmt, diag)) != KH_OK)
		goto out;
	if ((r = kh_store_bind_int64(stmt, 1, m->version)) != KH_OK ||
	    (r = kh_store_bind_text(stmt, 2, m->name)) != KH_OK ||
	    (r = kh_store_bind_text(stmt, 3, now)) != KH_OK)
		goto out;
	r = kh_store_step(stmt, &has_row, diag);
 out:
	kh_store_stmt_free(stmt);
	return r;
}

/* One step in one transaction; another process may have applied it while
 * we waited for the write lock, so the version is read again inside. */
static enum kh_err
apply(struct kh_store *st, const struct kh_store_migration *m, struct kh_diag *diag)
{
	const char *sql = strcmp(st->drv->name, "sqlite") == 0 ? m->sqlite_sql : m->postgres_sql;
	int now_at;
	enum kh_err r;

	if (sql == NULL)
		return kh_diag_set(diag, KH_EUNSUPPORTED, NULL, 0, "%s %d (%s): %s", "migration",
		                   m->version, m->name, st->drv->name);
	if ((r = kh_store_begin(st, diag)) != KH_OK)
		return r;
	if ((r = current_version(st, &now_at, diag)) != KH_OK)
		goto out;
	if (now_at >= m->version)
		goto out;
	if ((r = kh_store_exec(st, sql, diag)) != KH_OK || (r = record(st, m, diag)) != KH_OK)
		goto out;
	r = kh_store_commit(st, diag);
 out:
	kh_store_rollback(st); /* no-op after a commit */
	if (r == KH_OK)
		kh_log_debug("store: schema %d (%s)", m->version, m->name);
	return r;
}

enum kh_err
kh_store_migrate(struct kh_store *st, struct kh_diag *diag)
{
	size_t n;
	const struct kh_store_migration *list = kh_store_migrations(&n);
	int latest = kh_store_schema_latest(), at;
	enum kh_err r;

	if ((r = kh_store_exec(st, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                           " version INTEGER PRIMARY KEY,"
	                           " name TEXT NOT NULL,"
	                           " applied_at TEXT NOT NULL)", diag)) != KH_OK)
		return r;
	if ((r = current_version(st, &at, diag)) != KH_OK)
		return r;
	if (at > latest)
		return kh_diag_set(diag, KH_EUNSUPPORTED, st->data_dir, 0,
		                   KH_MSG("database schema version %d is newer than this Khiên "
		                          "knows (%d): upgrade Khiên, do not downgrade the data",
		                          "lược đồ cơ sở dữ liệu phiên bản %d mới hơn phiên bản "
		                          "Khiên này biết (%d): hãy nâng cấp Khiên, đừng hạ cấp dữ liệu"),
		                   at, latest);
	for (size_t i = 0; i < n; i++) {
		if (list[i].version <= at)
			continue;
		if ((r = apply(st, &list[i], diag)) != KH_OK)
			return r;
	}
	return current_version(st, &st->schema_version, diag);
}
