#!/usr/bin/env bash
# vuln_sources.sh — `khien vuln scan` on real feeds and national warnings:
# the shared CISA KEV catalogue (1404 entries) and real NVD records for
# CVE-2024-21762 and CVE-2022-40684 against the appliance registry of
# tests/fixtures/vuln; then `feeds add-warning` for an appliance and for a
# Debian package, which raise priorities and set deadlines.
set -u
khien=$1
src=$2
fx=$src/tests/fixtures/vuln
shared=${KHIEN_SHARED_DATA:-$src/../shared/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
	if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}
command -v python3 >/dev/null || { echo "skip: python3 is needed to read JSON"; exit 77; }
[ -f "$shared/feeds/kev.json" ] && [ -f "$shared/feeds/nvd/CVE-2024-21762.json" ] ||
	{ echo "skip: $shared/feeds (shared data) is absent"; exit 77; }
help=$("$khien" feeds import --help 2>&1) || [ -n "$help" ] ||
	{ echo "skip: 'khien feeds import' is not available in this build"; exit 77; }
data=$tmp/data

"$khien" --data-dir "$data" feeds import "$shared/feeds/kev.json" \
	"$shared/feeds/nvd/CVE-2024-21762.json" "$shared/feeds/nvd/CVE-2022-40684.json" \
	"$fx/debian_tracker.json" >"$tmp/import.out" 2>&1
check "real KEV and NVD import" test $? -eq 0
"$khien" --data-dir "$data" inventory import-assets "$fx/assets.csv" >/dev/null 2>&1
check "registry import" test $? -eq 0

# Real NVD ranges: FortiOS 7.2.0 <= v < 7.2.7 (CVE-2024-21762), 7.2.0 <= v < 7.2.2 (CVE-2022-40684).
"$khien" --data-dir "$data" --json vuln scan --no-host --today 2026-11-25 >"$tmp/real.json" 2>/dev/null
check "real feeds: findings, exit 1" test $? -eq 1
check "real feeds: FortiOS findings" python3 - "$tmp/real.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
got = {(f["cve"], f["target"]["name"]): f for f in d["findings"]}
assert set(got) == {("CVE-2022-40684", "fw-03"), ("CVE-2024-21762", "fw-01"),
                    ("CVE-2024-21762", "fw-03")}, sorted(got)
for f in got.values():
    assert f["priority"] == 1 and f["kev"] and f["ransomware"], f
assert got[("CVE-2024-21762", "fw-01")]["fixed_version"] == "7.2.7"
assert got[("CVE-2024-21762", "fw-01")]["due_date"] == "2024-02-16"
assert got[("CVE-2022-40684", "fw-03")]["fixed_version"] == "7.2.2"
assert got[("CVE-2022-40684", "fw-03")]["due_date"] == "2022-11-01"
assert d["findings"][0]["cve"] == "CVE-2022-40684"       # the earlier KEV deadline first
PY

# National warnings: one about FortiOS (not in KEV), one about Debian's zlib.
"$khien" --data-dir "$data" feeds add-warning --number 1234/CATTT-NCSC --date 2026-11-20 \
	--issuer "Cục An toàn thông tin" --cve CVE-2024-26011 --vendor fortinet --product fortios \
	--affected ">=7.2.0 <7.2.5" --fixed 7.2.5 --deadline 2026-12-05 >/dev/null 2>&1
check "add-warning (appliance)" test $? -eq 0
"$khien" --data-dir "$data" feeds add-warning --number 88/STTTT --date 2026-11-21 \
	--issuer "Sở TT&TT" --cve CVE-2023-45853 --ecosystem Debian:12 --package zlib \
	--deadline 2026-12-01 >/dev/null 2>&1
check "add-warning (package)" test $? -eq 0
"$khien" --data-dir "$data" --json vuln scan --inventory "$fx/debian12.inventory.json" \
	--today 2026-11-25 >"$tmp/warn.json" 2>/dev/null
check "warnings: findings, exit 1" test $? -eq 1
check "warnings raise priority and set the deadline" python3 - "$tmp/warn.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
got = {(f["cve"], f["target"]["name"]): f for f in d["findings"]}
for name in ("fw-01", "fw-03"):                      # 7.2.4 and 7.2.1 < 7.2.5
    f = got[("CVE-2024-26011", name)]
    assert f["priority"] == 3 and f["warned"] and not f["kev"], f
    assert f["due_date"] == "2026-12-05" and f["due_reason"] == "warning", f
    assert f["fixed_version"] == "7.2.5" and f["warnings"] == ["1234/CATTT-NCSC"], f
    assert "warning:1234/CATTT-NCSC" in f["sources"], f["sources"]
assert ("CVE-2024-26011", "fw-02") not in got        # 7.2.7 is past the fix
z = got[("CVE-2023-45853", "zlib1g")]
assert z["priority"] == 3 and z["due_date"] == "2026-12-01" and z["warnings"] == ["88/STTTT"], z
assert z["sources"] == ["debian-tracker", "warning:88/STTTT"], z["sources"]
# No CVSS, no EPSS for the tracker-only CVEs: priority 4, first seen + 90 days.
assert got[("CVE-2024-5535", "libssl3")]["priority"] == 4
assert got[("CVE-2024-5535", "libssl3")]["due_date"] == "2027-02-23"
PY

# A unit's own deadlines ([vuln] unit_overrides) and a stricter policy.
printf 'unit,days_p1,days_p2,days_p3,days_p4\nUBND phường Bến Thành,,,,\nTest,1,2,3,30\n' >"$tmp/units.csv"
printf '[vuln]\ndays_p4 = 45\nunit_overrides = %s\n' "$tmp/units.csv" >"$tmp/khien.conf"
"$khien" --config "$tmp/khien.conf" --data-dir "$data" --json vuln scan --unit Test \
	--no-assets --inventory "$fx/debian12.inventory.json" --today 2026-11-25 >"$tmp/unit.json" 2>/dev/null
check "unit deadlines: priority 4 in 30 days" python3 - "$tmp/unit.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = [f for f in d["findings"] if f["cve"] == "CVE-2024-5535"][0]
assert f["due_date"] == "2026-12-25", f["due_date"]
PY
"$khien" --config "$tmp/khien.conf" --data-dir "$data" --json vuln scan \
	--no-assets --inventory "$fx/debian12.inventory.json" --today 2026-11-25 >"$tmp/conf.json" 2>/dev/null
check "[vuln] days_p4 = 45" python3 - "$tmp/conf.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = [f for f in d["findings"] if f["cve"] == "CVE-2024-5535"][0]
assert f["due_date"] == "2027-01-09", f["due_date"]
PY
printf '[vuln]\nepss_threshold = 2\n' >"$tmp/bad.conf"
"$khien" --config "$tmp/bad.conf" --data-dir "$data" vuln scan --no-host >/dev/null 2>"$tmp/bad.err"
check "a bad [vuln] value is exit 2" test $? -eq 2
check "and names the key" grep -q epss_threshold "$tmp/bad.err"
exit $fail
