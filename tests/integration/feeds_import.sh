#!/usr/bin/env bash
# feeds_import.sh — `khien feeds import`, `add-warning` and `status` end to
# end on the project's fixtures: detection, text in Vietnamese by default,
# the --json summary, skipped records named by file and position, exit
# codes, files that are not feeds, --format, and the rows SQLite holds.
set -u
khien=$1
src=$2
fx=$src/tests/fixtures/feeds
command -v python3 >/dev/null || { echo "skip: python3 is needed to read JSON and SQLite"; exit 77; }
python3 -c 'import sqlite3' 2>/dev/null || { echo "skip: python3 lacks the sqlite3 module"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
store=$tmp/data

# Clean files: exit 0; text in Vietnamese unless asked otherwise.
env -u KHIEN_LANG "$khien" --data-dir "$store" feeds import "$fx/nvd_fortios.json" "$fx/csaf_fortios.json" >"$tmp/vi.txt" 2>&1
check "clean import exits 0" test $? -eq 0
check "Vietnamese by default" grep -q "bản ghi" "$tmp/vi.txt"
"$khien" --lang en --data-dir "$store" feeds import "$fx/osv_alpine.json" >"$tmp/en.txt" 2>&1
check "English with --lang en" grep -q "1 records, 0 skipped" "$tmp/en.txt"

# Skipped records: exit 1, each named with file and record number.
"$khien" --lang en --data-dir "$store" --json feeds import "$fx/kev_small.json" "$fx/osv_mixed.json" \
	"$fx/debian_tracker.json" "$fx/epss.csv" "$fx/warnings.json" >"$tmp/skips.json" 2>"$tmp/skips.err"
check "skipped records make exit 1" test $? -eq 1
check "JSON summary" python3 - "$tmp/skips.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {f["file"].rsplit("/", 1)[1]: f for f in d["files"]}
assert (by["kev_small.json"]["format"], by["kev_small.json"]["records"], by["kev_small.json"]["skipped"]) == ("kev", 3, 2)
assert [s["where"].rsplit("/", 1)[1] for s in by["kev_small.json"]["skips"]] == ["kev_small.json: record 3", "kev_small.json: record 4"]
assert "dateAdded" in by["kev_small.json"]["skips"][0]["reason"]
assert (by["osv_mixed.json"]["records"], by["osv_mixed.json"]["skipped"]) == (2, 3)
assert by["osv_mixed.json"]["os_ecosystem_records"] == 2
assert by["debian_tracker.json"]["format"] == "debian-tracker"
assert (by["epss.csv"]["format"], by["epss.csv"]["records"]) == ("epss", 3)
assert (by["warnings.json"]["format"], by["warnings.json"]["records"]) == ("warning", 2)
assert (d["records"], d["skipped"], d["errors"]) == (13, 13, 0), (d["records"], d["skipped"], d["errors"])
for f in d["files"]:
    assert f["records_per_second"] >= 0 and f["seconds"] >= 0
PY

# Not a feed, not JSON, missing: exit 2, but the good file still goes in.
printf '{"hello": "world"}' >"$tmp/other.json"
printf '\x00\x01garbage' >"$tmp/garbage.bin"
"$khien" --lang en --data-dir "$store" --json feeds import "$tmp/other.json" "$tmp/garbage.bin" \
	"$tmp/missing.json" "$fx/osv_almalinux.json" >"$tmp/bad.json" 2>"$tmp/bad.err"
check "unreadable files make exit 2" test $? -eq 2
check "errors per file, good file imported" python3 - "$tmp/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {f["file"].rsplit("/", 1)[1]: f for f in d["files"]}
assert "no known feed format" in by["other.json"]["error"], by["other.json"]
assert "error" in by["garbage.bin"] and "error" in by["missing.json"]
assert by["osv_almalinux.json"]["records"] == 1
assert d["errors"] == 3
PY

# --format forces a reader: a KEV file read as OSV is one malformed record.
"$khien" --lang en --data-dir "$store" --json feeds import --format osv "$fx/kev_small.json" >"$tmp/forced.json" 2>/dev/null
check "--format osv on a KEV file skips it" python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); f=d['files'][0]
assert f['format']=='osv' and f['records']==0 and f['skipped']==1, f" "$tmp/forced.json"
"$khien" --data-dir "$store" feeds import --format nope "$fx/kev_small.json" >/dev/null 2>&1
check "unknown --format: exit 2" test $? -eq 2

# Packed feeds: EPSS as .csv.gz, OSV as an ecosystem's all.zip (one record per member).
python3 - "$fx" "$tmp" <<'PY'
import gzip, shutil, sys, zipfile
fx, tmp = sys.argv[1], sys.argv[2]
with open(fx + "/epss.csv", "rb") as f, gzip.open(tmp + "/epss.csv.gz", "wb") as g:
    shutil.copyfileobj(f, g)
with zipfile.ZipFile(tmp + "/all.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.write(fx + "/osv_alpine.json", "ALPINE-CVE-2023-5678.json")
    z.write(fx + "/osv_npm.json", "GHSA-xxxx-yyyy-zzzz.json")
    z.writestr("README.txt", "not a record")
PY
"$khien" --lang en --data-dir "$tmp/packed" --json feeds import "$tmp/epss.csv.gz" "$tmp/all.zip" >"$tmp/packed.json" 2>/dev/null
check "gzip and zip feeds" python3 - "$tmp/packed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {f["file"].rsplit("/", 1)[1]: f for f in d["files"]}
assert (by["epss.csv.gz"]["format"], by["epss.csv.gz"]["records"]) == ("epss", 3), by["epss.csv.gz"]
z = by["all.zip"]
assert (z["records"], z["skipped"]) == (2, 1), z
assert "README.txt" in z["skips"][0]["reason"], z["skips"]
PY

# add-warning: a letter entered by hand.
"$khien" --lang en --data-dir "$store" feeds add-warning --number "2024/CATTT-NCSC" --date 2024-03-01 \
	--issuer "Cục An toàn thông tin" --cve CVE-2024-21762 --cve CVE-2022-42475 --vendor fortinet \
	--product fortios --affected ">=7.0.0 <7.0.14" --deadline 2024-03-08 --title "Cảnh báo FortiOS" >"$tmp/w.txt"
check "add-warning exits 0" test $? -eq 0
"$khien" --lang en --data-dir "$store" feeds add-warning --number "x" --date 2024-02-30 --issuer I \
	--cve CVE-2024-21762 >/dev/null 2>"$tmp/w.err"
check "add-warning with a bad date: exit 2" test $? -eq 2
check "add-warning names the field" grep -q "date" "$tmp/w.err"

"$khien" --data-dir "$store" --json feeds status >"$tmp/status.json"
check "status" python3 -c "
import json,sys; c=json.load(open(sys.argv[1]))
assert c=={'kev':3,'nvd':1,'osv':4,'csaf':1,'debian-tracker':3,'epss':3,'warning':3}, c" "$tmp/status.json"

check "rows in SQLite" python3 - "$store/khien.db" <<'PY'
import sqlite3, sys, json
db = sqlite3.connect(sys.argv[1])
rec = db.execute("SELECT record FROM feeds_advisories WHERE kind='warning' AND id='2024/CATTT-NCSC'").fetchone()[0]
w = json.loads(rec)
assert w["cves"] == ["CVE-2024-21762", "CVE-2022-42475"] and w["deadline"] == "2024-03-08", w
cves = {r[0] for r in db.execute("SELECT id FROM feeds_advisory_cves WHERE cve='CVE-2024-21762'")}
assert cves == {"CVE-2024-21762", "1234/CATTT-NCSC", "2024/CATTT-NCSC"}, cves
pk = {r for r in db.execute("SELECT ecosystem, package FROM feeds_advisory_packages WHERE kind='debian-tracker'")}
assert ("Debian:12", "glibc") in pk and ("Debian:13", "openssh") in pk, pk
assert db.execute("SELECT epss FROM feeds_epss WHERE cve='CVE-2024-21762'").fetchone()[0] == "0.95122"
n = db.execute("SELECT COUNT(*) FROM feeds_imports").fetchone()[0]
assert n >= 9, n
v = db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
assert v >= 3, v
PY
exit $fail
