#!/usr/bin/env bash
# assets_import.sh — `khien inventory import-assets` / `list-assets` end to
# end: a Vietnamese CSV with bad rows into a fresh --data-dir, the JSON
# report, the rows as SQLite holds them, re-import as update, exit codes.
set -u
khien=$1
src=$2
fx=$src/tests/fixtures/assets
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
	if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}
command -v python3 >/dev/null || { echo "skip: python3 is needed to read JSON and SQLite"; exit 77; }
python3 -c 'import sqlite3' 2>/dev/null || { echo "skip: python3 lacks the sqlite3 module"; exit 77; }
data=$tmp/data/khien

# First import: good rows kept, bad rows named by line, exit 2.
"$khien" --data-dir "$data" --json inventory import-assets "$fx/units.csv" >"$tmp/1.json" 2>"$tmp/1.err"
check "bad rows make exit 2" test $? -eq 2
check "import JSON" python3 - "$tmp/1.json" "$fx/units.csv" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["file"] == sys.argv[2], d["file"]
assert (d["imported"], d["updated"], d["skipped"], d["unknown_vendor"]) == (7, 0, 4, 1), d
assert [e["line"] for e in d["errors"]] == [9, 10, 12, 13], d["errors"]
cpe = {a["name"]: a["cpe"] for a in d["assets"]}
assert cpe["fw-01"] == "cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*", cpe
assert cpe["bigip-01"] == "cpe:2.3:a:f5:big-ip_local_traffic_manager:17.1.0.3:*:*:*:*:*:*:*"
assert cpe["vc-01"] == "cpe:2.3:a:vmware:vcenter_server:8.0:update2b:*:*:*:*:*:*"
assert cpe["esx-01"] == "cpe:2.3:o:vmware:esxi:8.0:update_1:*:*:*:*:*:*"
assert cpe["mail-01"] == "cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_12:*:*:*:*:*:*"
assert cpe["pbx-01"] is None
PY
check "errors on stderr name file:line" grep -q "units.csv:12: " "$tmp/1.err"

# What the database holds, read with SQLite itself.
check "database rows" python3 - "$data/khien.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT u.name, a.name, a.cpe, a.vendor_known, a.notes FROM assets a"
                  " JOIN units u ON u.id = a.unit_id ORDER BY a.id").fetchall()
assert len(rows) == 7, rows
assert rows[0][0] == "UBND phường Bến Thành" and rows[0][4] == "Tường lửa biên, tầng 3", rows[0]
pbx = [r for r in rows if r[1] == "pbx-01"][0]
assert pbx[2] is None and pbx[3] == 0, pbx
# the military command had only bad rows: no unit for it
assert db.execute("SELECT COUNT(*) FROM units").fetchone()[0] == 4
assert db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] >= 1
assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
PY
check "data dir is private" test "$(stat -c %a "$data")" = 700

# Second import of the same file: updates, no duplicates; Vietnamese summary.
"$khien" --data-dir "$data" --lang vi inventory import-assets "$fx/units.csv" >"$tmp/2.txt" 2>/dev/null
check "re-import exits 2 (same bad rows)" test $? -eq 2
check "Vietnamese summary" grep -q "^Cập nhật: 7$" "$tmp/2.txt"
check "nothing new" grep -q "^Nhập mới: 0$" "$tmp/2.txt"

# A clean file exits 0.
"$khien" --data-dir "$data" --json inventory import-assets "$fx/reimport_no_address.csv" >"$tmp/3.json"
check "clean file exits 0" test $? -eq 0

# list-assets, all and one unit.
"$khien" --data-dir "$data" --json inventory list-assets >"$tmp/list.json"
check "list exits 0" test $? -eq 0
"$khien" --data-dir "$data" --json inventory list-assets --unit "Công an thành phố" >"$tmp/unit.json"
check "list JSON" python3 - "$tmp/list.json" "$tmp/unit.json" <<'PY'
import json, sys
all_ = json.load(open(sys.argv[1]))["assets"]
assert len(all_) == 7, len(all_)
fw = [a for a in all_ if a["name"] == "fw-01"][0]
assert fw["version"] == "7.2.8" and fw["address"] == "10.0.0.1", fw
unit = json.load(open(sys.argv[2]))["assets"]
assert [a["name"] for a in unit] == ["mail-01", "pbx-01"], unit
PY
"$khien" --data-dir "$data" --lang en inventory list-assets >"$tmp/list.txt"
check "list text has CPEs" grep -q "cpe:2.3:o:vmware:esxi:8.0:update_1" "$tmp/list.txt"

# A bad header imports nothing and exits 2.
"$khien" --data-dir "$tmp/d2" --lang en inventory import-assets "$fx/header_unknown.csv" >/dev/null 2>"$tmp/h.err"
check "bad header exits 2" test $? -eq 2
check "bad header names the column" grep -q "'owner'" "$tmp/h.err"

# A database from a newer Khiên is refused, not touched.
python3 - "$data/khien.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2031-01-01T00:00:00Z')")
db.commit()
PY
"$khien" --data-dir "$data" --lang en inventory list-assets >/dev/null 2>"$tmp/n.err"
check "newer schema exits 2" test $? -eq 2
check "newer schema explained" grep -q "newer than this" "$tmp/n.err"

# Usage errors.
"$khien" --data-dir "$data" inventory import-assets >/dev/null 2>&1
check "missing file argument exits 2" test $? -eq 2

[ $fail -eq 0 ] && echo "assets_import: all checks passed"
exit $fail
