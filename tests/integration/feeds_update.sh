#!/usr/bin/env bash
# feeds_update.sh — `khien feeds update` against a local HTTP server on
# 127.0.0.1 (lib/feeds_http_server.py): first download and import, then
# conditional requests answered 304, a changed file fetched again, a corrupt
# or truncated body refused with the kept copy and the store unchanged, an
# HTTP error for one source not stopping the others.
set -u
khien=$1
src=$2
fx=$src/tests/fixtures/feeds
command -v python3 >/dev/null || { echo "skip: python3 is needed for the test server"; exit 77; }
tmp=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail=0
check() { if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

mkdir -p "$tmp/www"
cp "$fx/kev_small.json" "$tmp/www/kev.json"
cp "$fx/epss.csv" "$tmp/www/epss.csv"
cp "$fx/osv_alpine.json" "$tmp/www/osv1.json"
python3 "$src/tests/integration/lib/feeds_http_server.py" "$tmp/www" --port-file "$tmp/port" \
	--log "$tmp/requests.log" --lifetime 120 &
server_pid=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { echo "FAIL: test server did not start"; exit 1; }
base="http://127.0.0.1:$(cat "$tmp/port")"
cat >"$tmp/khien.conf" <<CONF
[feeds]
kev_url = $base/kev.json
epss_url = $base/epss.csv
osv_urls = $base/osv1.json, $base/missing.json
proxy =
timeout_s = 20
CONF
store=$tmp/data
update() { "$khien" --lang en --config "$tmp/khien.conf" --data-dir "$store" --json feeds update >"$tmp/$1.json" 2>"$tmp/$1.err"; echo $?; }
ctl() { curl -fsS "$base/__control?mode=$1" >/dev/null 2>&1 || python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1]).read()" "$base/__control?mode=$1"; }

rc=$(update first)
check "first update: exit 2 (one source missing)" test "$rc" -eq 2
check "first update: imported KEV, EPSS, OSV; 404 reported" python3 - "$tmp/first.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {f["file"].rsplit("/", 1)[1]: f for f in d["files"]}
assert by["kev.json"]["records"] == 3 and by["kev.json"]["not_modified"] is False, by["kev.json"]
assert by["epss.csv"]["records"] == 3, by["epss.csv"]
assert by["osv1.json"]["records"] == 1, by["osv1.json"]
assert "404" in by["missing.json"]["error"], by["missing.json"]
assert d["errors"] == 1
PY
check "downloaded copies kept under data_dir/feeds" test "$(ls "$store/feeds" | wc -l)" -eq 3

rc=$(update second)
check "second update: 304 for every cached source" python3 - "$tmp/second.json" "$tmp/requests.log" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {f["file"].rsplit("/", 1)[1]: f for f in d["files"]}
for n in ("kev.json", "epss.csv", "osv1.json"):
    assert by[n]["not_modified"] is True, by[n]
log = [json.loads(l) for l in open(sys.argv[2])]
cond = [l for l in log if l["status"] == 304]
assert len(cond) == 3 and all(l["if_none_match"] for l in cond), cond
PY

# A changed file is fetched again (its ETag changed).
python3 - "$tmp/www/kev.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["vulnerabilities"] = [v for v in d["vulnerabilities"] if v.get("cveID") != "CVE-2024-0519"]
d["vulnerabilities"].append(dict(d["vulnerabilities"][0], cveID="CVE-2024-99999"))
json.dump(d, open(sys.argv[1], "w"))
PY
rc=$(update third)
check "changed KEV fetched and imported again" python3 - "$tmp/third.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {f["file"].rsplit("/", 1)[1]: f for f in d["files"]}
assert by["kev.json"]["not_modified"] is False and by["kev.json"]["records"] == 3, by["kev.json"]
assert by["epss.csv"]["not_modified"] is True
PY
cp "$store"/feeds/*-kev.json "$tmp/kept.json"

# A corrupt body is refused: the kept copy and the store stay as they were.
python3 - "$tmp/www/kev.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["vulnerabilities"].append(dict(d["vulnerabilities"][0], cveID="CVE-2024-99998"))
json.dump(d, open(sys.argv[1], "w"))
PY
ctl corrupt
"$khien" --data-dir "$store" --json feeds status >"$tmp/before.json"
rc=$(update corrupt)
check "corrupt body: exit 2, error named" python3 - "$tmp/corrupt.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {f["file"].rsplit("/", 1)[1]: f for f in d["files"]}
assert "error" in by["kev.json"], by["kev.json"]
PY
check "corrupt body: kept copy unchanged" cmp -s "$tmp/kept.json" "$store"/feeds/*-kev.json
"$khien" --data-dir "$store" --json feeds status >"$tmp/after.json"
check "corrupt body: store unchanged" cmp -s "$tmp/before.json" "$tmp/after.json"

ctl short
rc=$(update short)
check "truncated body: refused" python3 - "$tmp/short.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {f["file"].rsplit("/", 1)[1]: f for f in d["files"]}
assert "error" in by["kev.json"], by["kev.json"]
PY
check "truncated body: kept copy unchanged" cmp -s "$tmp/kept.json" "$store"/feeds/*-kev.json

ctl ok
rc=$(update recovered)
check "after recovery the new copy is fetched" python3 - "$tmp/recovered.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {f["file"].rsplit("/", 1)[1]: f for f in d["files"]}
assert by["kev.json"].get("records") == 4 and not by["kev.json"]["not_modified"], by["kev.json"]
PY
check "KEV in the store has the changed entry" python3 - "$store/khien.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ids = {r[0] for r in db.execute("SELECT id FROM feeds_advisories WHERE kind = 'kev'")}
assert "CVE-2024-99999" in ids and "CVE-2024-99998" in ids, ids
n = db.execute("SELECT COUNT(*) FROM feeds_http_cache WHERE etag IS NOT NULL").fetchone()[0]
assert n == 3, n
PY

# The proxy setting is honoured: a proxy that does not exist makes every source fail.
sed -i 's|^proxy =.*|proxy = http://127.0.0.1:9|' "$tmp/khien.conf"
rc=$(update proxy)
check "proxy honoured (unreachable proxy: all fail)" python3 - "$tmp/proxy.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["errors"] == len(d["files"]) == 4, d
PY
exit $fail
