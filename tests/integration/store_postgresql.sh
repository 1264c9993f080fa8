#!/usr/bin/env bash
# store_postgresql.sh — the CLI on the PostgreSQL store: a server this
# script starts (initdb in a temporary directory, Unix socket only), a
# config selecting `backend = postgresql`, then `inventory import-assets` and
# `list-assets` give the same answers as on SQLite.
set -u
khien=$1
src=$2
fx=$src/tests/fixtures/assets
tmp=$(mktemp -d /tmp/khien-pgit-XXXXXX)
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_pg=()
started=0
cleanup() {
	if [ $started -eq 1 ]; then
		"${as_pg[@]}" "$bin/pg_ctl" -D "$tmp/pg/db" -m immediate -w stop >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
	if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
	echo "skip: PostgreSQL server binaries not found (install the postgresql package)"
	exit 77
fi
command -v python3 >/dev/null || { echo "skip: python3 is needed to compare JSON"; exit 77; }

# PostgreSQL refuses to run as root: run it as `postgres` then.
mkdir -p "$tmp/pg"
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 || { echo "skip: running as root and no postgres user"; exit 77; }
	chmod 711 "$tmp" # postgres must reach its directory
	chown postgres "$tmp/pg"
	as_pg=(runuser -u postgres --)
fi
if ! "${as_pg[@]}" "$bin/initdb" -D "$tmp/pg/db" -A trust -U khien -E UTF8 --no-sync \
	--locale=C.UTF-8 >"$tmp/pg/initdb.log" 2>&1; then
	cat "$tmp/pg/initdb.log"
	echo "FAIL: initdb"
	exit 1
fi
if ! "${as_pg[@]}" "$bin/pg_ctl" -D "$tmp/pg/db" -l "$tmp/pg/server.log" -w -t 60 \
	-o "-k $tmp/pg -c listen_addresses='' -c fsync=off" start >/dev/null 2>&1; then
	cat "$tmp/pg/server.log"
	echo "FAIL: pg_ctl start"
	exit 1
fi
started=1
"$bin/createdb" -h "$tmp/pg" -U khien khien || { echo "FAIL: createdb"; exit 1; }

cat >"$tmp/pg.conf" <<CONF
[store]
backend = postgresql
postgresql_dsn = host=$tmp/pg user=khien dbname=khien
busy_timeout_ms = 3000
CONF
: >"$tmp/sqlite.conf"

# The same commands on both stores; the exit codes and JSON must agree.
for db in sqlite pg; do
	k=("$khien" --config "$tmp/$db.conf" --data-dir "$tmp/data-$db" --lang en)
	"${k[@]}" --json inventory import-assets "$fx/units.csv" >"$tmp/$db.import1.json" 2>"$tmp/$db.import1.err"
	echo $? >"$tmp/$db.rc1"
	"${k[@]}" --json inventory import-assets "$fx/reimport_no_address.csv" >"$tmp/$db.import2.json" 2>"$tmp/$db.import2.err"
	echo $? >"$tmp/$db.rc2"
	"${k[@]}" --json inventory list-assets >"$tmp/$db.list.json" 2>"$tmp/$db.list.err"
	echo $? >"$tmp/$db.rc3"
	"${k[@]}" --json inventory list-assets --unit "Công an thành phố" >"$tmp/$db.unit.json" 2>/dev/null
	"${k[@]}" inventory list-assets >"$tmp/$db.list.txt" 2>/dev/null
done
check "import of bad rows exits 2 on both" test "$(cat "$tmp/sqlite.rc1") $(cat "$tmp/pg.rc1")" = "2 2"
check "re-import exits 0 on both" test "$(cat "$tmp/sqlite.rc2") $(cat "$tmp/pg.rc2")" = "0 0"
check "list exits 0 on both" test "$(cat "$tmp/sqlite.rc3") $(cat "$tmp/pg.rc3")" = "0 0"
check "nothing written to data dir as SQLite" test ! -e "$tmp/data-pg/khien.db"
for f in import1.json import2.json list.json unit.json; do
	check "same $f" python3 - "$tmp/sqlite.$f" "$tmp/pg.$f" "$tmp" <<'PY'
import json, sys
def load(p):
    # the file paths and import times differ by design; the rest must not
    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if k not in ("imported_at",)}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    return strip(json.load(open(p)))
a, b = load(sys.argv[1]), load(sys.argv[2])
assert a == b, (a, b)
assert a != {} and a != []
PY
done
check "list JSON has the 7 assets" python3 -c '
import json, sys; d = json.load(open(sys.argv[1])); assert len(d["assets"]) == 7, d' "$tmp/pg.list.json"
check "same text listing" cmp -s "$tmp/sqlite.list.txt" "$tmp/pg.list.txt"

# The rows are really in PostgreSQL, and the schema is at the latest version.
check "rows in PostgreSQL" test "$("$bin/psql" -h "$tmp/pg" -U khien -d khien -Atc \
	'SELECT COUNT(*) FROM assets')" = 7
check "schema recorded" test "$("$bin/psql" -h "$tmp/pg" -U khien -d khien -Atc \
	'SELECT COUNT(*) = MAX(version) FROM schema_migrations')" = t

# A wrong DSN is an error naming the database, exit 2.
printf '[store]\nbackend = postgresql\npostgresql_dsn = host=%s user=khien dbname=nope\n' "$tmp/pg" >"$tmp/bad.conf"
"$khien" --config "$tmp/bad.conf" --data-dir "$tmp/data-bad" --lang en inventory list-assets >/dev/null 2>"$tmp/bad.err"
check "bad DSN exits 2" test $? -eq 2
check "bad DSN explained" grep -q 'nope' "$tmp/bad.err"
printf '[store]\nbackend = postgresql\n' >"$tmp/nodsn.conf"
"$khien" --config "$tmp/nodsn.conf" --data-dir "$tmp/data-bad" --lang en inventory list-assets >/dev/null 2>"$tmp/nodsn.err"
check "missing DSN exits 2" test $? -eq 2
check "missing DSN explained" grep -q 'postgresql_dsn' "$tmp/nodsn.err"

[ $fail -eq 0 ] && echo "store_postgresql: all checks passed"
exit $fail
