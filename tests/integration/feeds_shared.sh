#!/usr/bin/env bash
# feeds_shared.sh — `khien feeds import` on the project's shared data: every
# advisory file under feeds/, the AlmaLinux OSV database and the OSV schema
# test data, every CSAF document (OASIS examples, CISA advisories, the
# validator test cases, including those meant to fail validation).
# Expected counts come from python3 reading the same files.
set -u
khien=$1
src=$2
data=${KHIEN_SHARED_DATA:-$src/../shared/data}
[ -d "$data/feeds" ] || { echo "skip: shared data not found at $data (set KHIEN_SHARED_DATA)"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 is needed to read JSON"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
store=$tmp/data

# run NAME FILE... : import, keep JSON; exit status must be an exit code, not a signal
run() {
	local name=$1; shift
	"$khien" --lang en --data-dir "$store" --json feeds import "$@" >"$tmp/$name.json" 2>"$tmp/$name.err"
	local rc=$?
	check "$name: exits normally (rc=$rc)" test "$rc" -le 2
}

run feeds "$data"/feeds/kev.json "$data"/feeds/nvd/*.json "$data"/feeds/nvd/api-response/*.json
check "feeds/: KEV 1404 records, every NVD record" python3 - "$tmp/feeds.json" "$data" <<'PY'
import json, sys, glob, os
d = json.load(open(sys.argv[1]))
by = {os.path.relpath(f["file"], sys.argv[2]): f for f in d["files"]}
kev = json.load(open(os.path.join(sys.argv[2], "feeds/kev.json")))
assert by["feeds/kev.json"]["records"] == len(kev["vulnerabilities"]) == 1404, by["feeds/kev.json"]
assert by["feeds/kev.json"]["skipped"] == 0
for name, f in by.items():
    if "/nvd/" not in name:
        continue
    doc = json.load(open(os.path.join(sys.argv[2], name)))
    want = len(doc["vulnerabilities"]) if "vulnerabilities" in doc else 1
    assert f.get("format") == "nvd" and f["records"] == want and f["skipped"] == 0, (name, f)
assert d["errors"] == 0, [f for f in d["files"] if "error" in f]
PY

run alma "$data"/osv/almalinux9/*.json
check "AlmaLinux: every record, all of an OS ecosystem" python3 - "$tmp/alma.json" "$data" <<'PY'
import json, sys, glob
d = json.load(open(sys.argv[1]))
n = len(glob.glob(sys.argv[2] + "/osv/almalinux9/*.json"))
assert n >= 1783, n
assert d["records"] == n and d["skipped"] == 0 and d["errors"] == 0, (d["records"], d["skipped"], d["errors"], n)
assert sum(f["os_ecosystem_records"] for f in d["files"]) == n
PY

run osvtest "$data"/osv/osv-schema-testdata/*.json "$data"/osv/other/*.json
check "OSV schema test data: OSV and CSAF files parse, GHSA inputs are refused" python3 - "$tmp/osvtest.json" <<'PY'
import json, sys, os
d = json.load(open(sys.argv[1]))
for f in d["files"]:
    name = os.path.basename(f["file"])
    raw = json.load(open(f["file"]))
    if "document" in raw:
        want = "csaf"
    elif "id" in raw and ("affected" in raw or "modified" in raw):
        want = "osv"
    else:
        want = None   # GitHub advisory (GraphQL) inputs: not a feed format
    if want is None:
        assert "error" in f and "no known feed format" in f["error"], f
    else:
        assert f.get("format") == want and f["records"] == 1 and f["skipped"] == 0, f
PY

find "$data/csaf" -name '*.json' ! -path '*/schema/*' | sort >"$tmp/csaf.list"
mapfile -t csaf <"$tmp/csaf.list"
run csaf "${csaf[@]}"
check "CSAF: every advisory imports; test cases meant to fail do not crash" python3 - "$tmp/csaf.json" <<'PY'
import json, sys, re
d = json.load(open(sys.argv[1]))
n_adv = n_bad_ok = n_bad = 0
for f in d["files"]:
    raw = json.load(open(f["file"]))
    is_csaf = isinstance(raw, dict) and isinstance(raw.get("document"), dict) and "csaf_version" in raw["document"]
    m = re.search(r"-(\d\d)\.json$", f["file"])
    meant_to_fail = "/testcases/" in f["file"] and m and m.group(1).startswith("0")
    if not is_csaf:
        assert "error" in f, f          # ROLIE feeds, provider metadata, indexes
        continue
    if meant_to_fail:
        n_bad += 1
        n_bad_ok += f.get("records", 0)  # imported, or skipped with a reason
        assert "error" in f or f["records"] + f["skipped"] == 1, f
        continue
    n_adv += 1
    assert f.get("format") == "csaf" and f["records"] == 1 and f["skipped"] == 0, f
assert n_adv >= 300, n_adv
print("csaf advisories:", n_adv, "failing test cases:", n_bad, "of which imported:", n_bad_ok)
PY
check "status counts what was imported" python3 - "$khien" "$store" <<'PY'
import json, subprocess, sys
out = subprocess.run([sys.argv[1], "--data-dir", sys.argv[2], "--json", "feeds", "status"],
                     capture_output=True, text=True, check=True).stdout
c = json.loads(out)
assert c["kev"] == 1404 and c["nvd"] == 18 and c["osv"] >= 1783 + 20 and c["csaf"] >= 300, c
PY
exit $fail
