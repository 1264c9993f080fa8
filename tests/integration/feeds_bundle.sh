#!/usr/bin/env bash
# feeds_bundle.sh — `khien feeds export-bundle` / `import-bundle`: a unit
# without internet gets exactly the advisories and EPSS rows of the one
# that exported; a damaged or altered bundle is refused and changes nothing.
set -u
khien=$1
src=$2
fx=$src/tests/fixtures/feeds
command -v python3 >/dev/null || { echo "skip: python3 is needed to read JSON and SQLite"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

"$khien" --data-dir "$tmp/online" feeds import "$fx"/*.json "$fx"/*.csv >/dev/null 2>&1
"$khien" --data-dir "$tmp/online" --json feeds export-bundle "$tmp/feeds.bundle" >"$tmp/export.json"
check "export exits 0" test $? -eq 0
"$khien" --data-dir "$tmp/offline" --json feeds import-bundle "$tmp/feeds.bundle" >"$tmp/import.json"
check "import exits 0" test $? -eq 0
"$khien" --data-dir "$tmp/online" --json feeds status >"$tmp/a.json"
"$khien" --data-dir "$tmp/offline" --json feeds status >"$tmp/b.json"
check "same counts on both sides" cmp -s "$tmp/a.json" "$tmp/b.json"
check "same records on both sides" python3 - "$tmp/online/khien.db" "$tmp/offline/khien.db" <<'PY'
import sqlite3, sys
q = "SELECT kind, id, source, published, modified, record FROM feeds_advisories ORDER BY kind, id"
a = sqlite3.connect(sys.argv[1]).execute(q).fetchall()
b = sqlite3.connect(sys.argv[2]).execute(q).fetchall()
assert a == b and len(a) > 10, (len(a), len(b))
q = "SELECT cve, epss, percentile, score_date FROM feeds_epss ORDER BY cve"
assert sqlite3.connect(sys.argv[1]).execute(q).fetchall() == sqlite3.connect(sys.argv[2]).execute(q).fetchall()
PY

# One changed byte: refused, and nothing is imported.
python3 - "$tmp/feeds.bundle" "$tmp/altered.bundle" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b"CVE-2024-21762")
b[i + 13] = ord("3")
open(sys.argv[2], "wb").write(bytes(b))
PY
"$khien" --lang en --data-dir "$tmp/fresh" feeds import-bundle "$tmp/altered.bundle" >/dev/null 2>"$tmp/alt.err"
check "altered bundle: exit 2" test $? -eq 2
check "altered bundle: SHA-256 named" grep -q "SHA-256" "$tmp/alt.err"
"$khien" --data-dir "$tmp/fresh" --json feeds status >"$tmp/fresh.json"
check "altered bundle: nothing imported" python3 -c "
import json,sys; c=json.load(open(sys.argv[1])); assert sum(c.values())==0, c" "$tmp/fresh.json"
# A line added after the trailer, or a record line taken out: refused.
{ cat "$tmp/feeds.bundle"; echo '{"kind":"kev","record":{}}'; } >"$tmp/longer.bundle"
"$khien" --data-dir "$tmp/fresh" feeds import-bundle "$tmp/longer.bundle" >/dev/null 2>&1
check "extended bundle: exit 2" test $? -eq 2
sed '3d' "$tmp/feeds.bundle" >"$tmp/fewer.bundle"
"$khien" --data-dir "$tmp/fresh" feeds import-bundle "$tmp/fewer.bundle" >/dev/null 2>&1
check "bundle with a line taken out: exit 2" test $? -eq 2
"$khien" --data-dir "$tmp/fresh" --json feeds status >"$tmp/fresh2.json"
check "refused bundles imported nothing" cmp -s "$tmp/fresh.json" "$tmp/fresh2.json"
head -c 1000 "$tmp/feeds.bundle" >"$tmp/short.bundle"
"$khien" --data-dir "$tmp/fresh" feeds import-bundle "$tmp/short.bundle" >/dev/null 2>&1
check "truncated bundle: exit 2" test $? -eq 2
"$khien" --data-dir "$tmp/fresh" feeds import-bundle "$fx/kev_small.json" >/dev/null 2>&1
check "not a bundle: exit 2" test $? -eq 2
exit $fail
