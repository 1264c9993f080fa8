#!/usr/bin/env bash
# vuln_scan.sh — `khien feeds import` of small KEV/NVD/CSAF/OSV/Debian/EPSS
# fixtures, then `khien vuln scan --json` on a Debian 12 inventory and an
# appliance registry: the hand-checked findings of tests/fixtures/vuln/README.md,
# their order, exit codes, the Vietnamese text report and `vuln explain`.
set -u
khien=$1
src=$2
fx=$src/tests/fixtures/vuln
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
	if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}
command -v python3 >/dev/null || { echo "skip: python3 is needed to read JSON"; exit 77; }
data=$tmp/data
# The feeds front end says something about itself once it exists.
help=$("$khien" --data-dir "$data" feeds import --help 2>&1) || [ -n "$help" ] ||
	{ echo "skip: 'khien feeds import' is not available in this build"; exit 77; }

# Feeds and registry into a fresh store.
"$khien" --data-dir "$data" feeds import "$fx/kev.json" "$fx/nvd_appliances.json" \
	"$fx/csaf_fg-ir-24-029.json" "$fx/debian_tracker.json" "$fx/osv_dsa-5673-1.json" \
	"$fx/osv_dsa-5724-1.json" "$fx/epss.csv" >"$tmp/import.out" 2>"$tmp/import.err"
check "feeds import succeeds" test $? -eq 0
"$khien" --data-dir "$data" inventory import-assets "$fx/assets.csv" >/dev/null 2>"$tmp/assets.err"
check "assets import succeeds" test $? -eq 0

# Debian 12 packages (registry left out).
"$khien" --data-dir "$data" --json vuln scan --inventory "$fx/debian12.inventory.json" \
	--no-assets --today 2026-11-25 >"$tmp/deb.json" 2>"$tmp/deb.err"
check "findings make exit 1" test $? -eq 1
check "Debian 12 findings" python3 - "$tmp/deb.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
got = {(f["cve"], f["target"]["name"]): f for f in d["findings"]}
want = {("CVE-2024-2961", "libc6"): "2.36-9+deb12u7",
        ("CVE-2024-5535", "libssl3"): "3.0.14-1~deb12u1",
        ("CVE-2023-7104", "libsqlite3-0"): "3.40.1-2+deb12u1",
        ("CVE-2023-45853", "zlib1g"): None}
assert set(got) == set(want), sorted(got)
for k, fixed in want.items():
    f = got[k]
    assert f["fixed_version"] == fixed, (k, f["fixed_version"])
    assert f["target"]["kind"] == "package" and f["target"]["ecosystem"] == "Debian:12", f
    assert f["kev"] is False and f["ransomware"] is False
f = got[("CVE-2024-2961", "libc6")]
assert f["target"]["version"] == "2.36-9+deb12u4" and f["target"]["source"] == "glibc", f
assert f["priority"] == 3 and f["epss"] == 0.35, f          # EPSS 0.35 >= 0.1
assert any(s.startswith("debian-tracker") for s in f["sources"]), f["sources"]
assert "osv:DSA-5673-1" in f["sources"], f["sources"]
assert d["findings"][0]["cve"] == "CVE-2024-2961"           # the only priority 3
assert got[("CVE-2023-7104", "libsqlite3-0")]["target"]["version"] == "3.40.1-2+b1"
assert all(f["priority"] == 4 for k, f in got.items() if k[0] != "CVE-2024-2961")
PY

# The appliance registry (this host left out).
"$khien" --data-dir "$data" --json vuln scan --no-host --today 2026-11-25 >"$tmp/reg.json" 2>"$tmp/reg.err"
check "registry findings make exit 1" test $? -eq 1
check "registry findings and order" python3 - "$tmp/reg.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
got = [(f["cve"], f["target"]["name"], f["priority"], f["due_date"]) for f in d["findings"]]
want = [("CVE-2022-40684", "fw-03", 1, "2022-11-01"),
        ("CVE-2023-46747", "bigip-01", 1, "2023-11-21"),
        ("CVE-2024-21762", "fw-01", 1, "2024-02-16"),
        ("CVE-2024-21762", "fw-03", 1, "2024-02-16"),
        ("CVE-2023-34048", "vc-02", 2, "2024-02-12"),
        ("CVE-2024-23113", "fw-01", 2, "2024-10-30"),
        ("CVE-2024-23113", "fw-03", 2, "2024-10-30"),
        ("CVE-2099-0001", "vc-win", 4, "2027-01-30")]
assert got == want, "\n".join(map(str, got))
by = {(f["cve"], f["target"]["name"]): f for f in d["findings"]}
f = by[("CVE-2024-21762", "fw-01")]
assert f["kev"] and f["ransomware"] and f["target"]["kind"] == "asset", f
assert f["target"]["unit"] == "UBND phường Bến Thành", f["target"]
assert f["fixed_version"] == "7.2.7", f["fixed_version"]     # versionEndExcluding
assert f["cvss"]["score"] == 9.8 and f["cvss"]["version"] == "3.1", f["cvss"]
assert f["epss"] == 0.94, f["epss"]
assert by[("CVE-2022-40684", "fw-03")]["fixed_version"] == "7.2.2"
assert by[("CVE-2023-46747", "bigip-01")]["fixed_version"] is None  # end included: no fix named
assert any(s.startswith("csaf") for s in by[("CVE-2024-23113", "fw-01")]["sources"])
assert d["summary"]["by_priority"] == {"1": 4, "2": 3, "3": 0, "4": 1}, d["summary"]
PY

# Text report in Vietnamese, grouped by priority.
"$khien" --data-dir "$data" --lang vi vuln scan --no-host --today 2026-11-25 >"$tmp/reg.txt" 2>&1
check "Vietnamese report, priority 1 first" python3 - "$tmp/reg.txt" <<'PY'
import sys
t = open(sys.argv[1], encoding="utf-8").read()
p1, p2, p4 = (t.find(s) for s in ("Ưu tiên 1 — vá ngay", "Ưu tiên 2 — vá khẩn", "Ưu tiên 4"))
assert 0 <= p1 < p2 < p4, t
assert "thiết bị fw-01 / UBND phường Bến Thành, phiên bản v7.2.4 — cập nhật lên 7.2.7 trở lên" in t, t
PY

# explain: a package after its fix, and the AND configuration.
"$khien" --data-dir "$data" --lang en vuln explain CVE-2024-6387 \
	--inventory "$fx/debian12.inventory.json" >"$tmp/ex1.txt" 2>&1
check "explain exits 0" test $? -eq 0
check "explain: openssh at the fixed version" grep -q "≥ fixed 1:9.2p1-2+deb12u3 → not affected" "$tmp/ex1.txt"
"$khien" --data-dir "$data" --json vuln explain CVE-2099-0001 \
	--inventory "$fx/debian12.inventory.json" >"$tmp/ex2.json" 2>&1
check "explain JSON: vc-win affected, vc-appl not" python3 - "$tmp/ex2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = {r["target"]: r["affected"] for r in d["rules"]}
assert v.get("vc-win") is True and v.get("vc-appl") is False, d["rules"]
assert d["affected"] is True
PY

# Exit codes: nothing found → 0; a broken inventory → 2.
python3 - "$fx/debian12.inventory.json" "$tmp/clean.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["packages"] = [p for p in d["packages"] if p["name"] == "tzdata"]
d["counts"].update(deb=1, packages=1)
json.dump(d, open(sys.argv[2], "w"))
PY
"$khien" --data-dir "$data" vuln scan --inventory "$tmp/clean.json" --no-assets >/dev/null 2>&1
check "no findings make exit 0" test $? -eq 0
printf '{"schema": "khien.inventory/1", ' >"$tmp/bad.json"
"$khien" --data-dir "$data" vuln scan --inventory "$tmp/bad.json" >/dev/null 2>"$tmp/bad.err"
check "bad inventory makes exit 2" test $? -eq 2
check "bad inventory is named" grep -q "bad.json" "$tmp/bad.err"
exit $fail
