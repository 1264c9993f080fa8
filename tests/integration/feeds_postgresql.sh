#!/usr/bin/env bash
# feeds_postgresql.sh — the feeds on the PostgreSQL store (schema v3's
# PostgreSQL variant): a server this script starts (initdb in a temporary
# directory, Unix socket only); imports, add-warning, status and an export
# bundle must agree with the same commands on SQLite.
set -u
khien=$1
src=$2
fx=$src/tests/fixtures/feeds
tmp=$(mktemp -d /tmp/khien-pgfeeds-XXXXXX)
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_pg=()
started=0
cleanup() {
	[ $started -eq 1 ] && "${as_pg[@]}" "$bin/pg_ctl" -D "$tmp/pg/db" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
check() { if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
	echo "skip: PostgreSQL server binaries not found (install the postgresql package)"
	exit 77
fi
command -v python3 >/dev/null || { echo "skip: python3 is needed to compare JSON"; exit 77; }
mkdir -p "$tmp/pg"
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 || { echo "skip: running as root and no postgres user"; exit 77; }
	chmod 711 "$tmp"
	chown postgres "$tmp/pg"
	as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$bin/initdb" -D "$tmp/pg/db" -A trust -U khien -E UTF8 --no-sync --locale=C.UTF-8 \
	>"$tmp/pg/initdb.log" 2>&1 || { cat "$tmp/pg/initdb.log"; echo "FAIL: initdb"; exit 1; }
"${as_pg[@]}" "$bin/pg_ctl" -D "$tmp/pg/db" -l "$tmp/pg/server.log" -w -t 60 \
	-o "-k $tmp/pg -c listen_addresses='' -c fsync=off" start >/dev/null 2>&1 ||
	{ cat "$tmp/pg/server.log"; echo "FAIL: pg_ctl start"; exit 1; }
started=1
"$bin/createdb" -h "$tmp/pg" -U khien khien || { echo "FAIL: createdb"; exit 1; }
cat >"$tmp/pg.conf" <<CONF
[store]
backend = postgresql
postgresql_dsn = host=$tmp/pg user=khien dbname=khien
CONF
: >"$tmp/sqlite.conf"

for db in sqlite pg; do
	k=("$khien" --config "$tmp/$db.conf" --data-dir "$tmp/data-$db" --lang en)
	"${k[@]}" --json feeds import "$fx"/*.json "$fx"/*.csv >"$tmp/$db.import.json" 2>/dev/null
	echo $? >"$tmp/$db.rc1"
	"${k[@]}" --json feeds import "$fx/kev_small.json" >"$tmp/$db.again.json" 2>/dev/null
	"${k[@]}" feeds add-warning --number 9/X --date 2024-03-01 --issuer "Sở TT&TT" \
		--cve CVE-2024-21762 --ecosystem Debian:12 --package openssh --fixed 1:9.2p1-2+deb12u3 >/dev/null
	echo $? >"$tmp/$db.rc2"
	"${k[@]}" --json feeds status >"$tmp/$db.status.json"
	"${k[@]}" feeds export-bundle "$tmp/$db.bundle" >/dev/null
	echo $? >"$tmp/$db.rc3"
done
check "same exit codes" test "$(cat "$tmp"/sqlite.rc*)" = "$(cat "$tmp"/pg.rc*)"
check "import exits 1 (skipped records) on both" test "$(cat "$tmp/pg.rc1")" = 1
check "same status" cmp -s "$tmp/sqlite.status.json" "$tmp/pg.status.json"
check "same import summaries" python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
def norm(p):
    d = json.load(open(p))
    for f in d["files"]:
        f.pop("seconds", None); f.pop("records_per_second", None)
    return d
assert norm(t + "/sqlite.import.json") == norm(t + "/pg.import.json")
assert norm(t + "/sqlite.again.json") == norm(t + "/pg.again.json")
PY
check "same bundle contents" python3 - "$tmp/sqlite.bundle" "$tmp/pg.bundle" <<'PY'
import sys
a = open(sys.argv[1]).read().splitlines()[1:-1]
b = open(sys.argv[2]).read().splitlines()[1:-1]
assert len(a) > 10 and a == b, (len(a), len(b))
PY
# a PostgreSQL bundle imports into SQLite and back
"$khien" --data-dir "$tmp/data-x" feeds import-bundle "$tmp/pg.bundle" >/dev/null
check "PostgreSQL bundle imports into SQLite" test $? -eq 0
exit $fail
