#!/usr/bin/env bash
# ioc_taxii.sh — `khien ioc pull` and `khien ioc push` against a TAXII 2.1
# server started here on 127.0.0.1 (lib/taxii_server.py): discovery, the
# media types, bearer and basic authentication, pagination with next/more,
# added_after, adding objects and polling the status until complete.
set -u
khien=$1
src=$2
data=${KHIEN_SHARED_DATA:-$src/../shared/data}
command -v python3 >/dev/null || { echo "skipped: python3 not installed"; exit 77; }
[ -f "$data/stix/examples/apt1.json" ] || { echo "skipped: shared data not found at $data"; exit 77; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
lib=$src/tests/integration/lib
fail=0
k() { "$khien" --lang en "$@"; }
canon() { python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))'; }

# start NAME ARGS…: a server; its base URL in $url
start() {
	local name=$1; shift
	python3 "$lib/taxii_server.py" --port-file "$work/$name.port" --log "$work/$name.log" \
		--max-seconds 120 "$@" &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$work/$name.port" ] && break; sleep 0.1; done
	[ -s "$work/$name.port" ] || { echo "FAIL: server $name did not start"; exit 1; }
	url="http://127.0.0.1:$(cat "$work/$name.port")"
}

# 1. pull a preloaded bundle page by page (4 objects a page), bearer token
bundle=$data/stix/examples/apt1.json
start tok --token s3cret --page-size 4 --preload "$bundle"
want=$(python3 "$lib/ioc_oracle.py" "$bundle" | canon)
got=$(KHIEN_TAXII_TOKEN=s3cret k --data-dir "$work/d1" ioc pull --json --server "$url/taxii2/" \
	--collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116 | canon)
[ "$want" = "$got" ] || { echo "FAIL pull counts: oracle $want, khien $got"; fail=1; }
python3 - "$work/tok.log" "$bundle" <<'PY' || fail=1
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
n = len(json.load(open(sys.argv[2]))["objects"])
pages = [r for r in log if "/objects/" in r["path"]]
nexts = [r for r in pages if "next=" in r["path"]]
bad = [r for r in log if r["accept"] != "application/taxii+json;version=2.1" or r["auth"] != "Bearer"]
if len(pages) != (n + 3) // 4 or len(nexts) != len(pages) - 1 or bad or log[0]["path"] != "/taxii2/":
    print(f"FAIL requests: {len(pages)} pages for {n} objects, {len(nexts)} with next, bad {bad[:2]}")
    sys.exit(1)
PY
grep -c . "$work/d1/ioc/hashes.txt" >/dev/null || { echo "FAIL: no hash list after pull"; fail=1; }
# a wrong token: a clear error naming the HTTP status, exit 2
KHIEN_TAXII_TOKEN=wrong k --data-dir "$work/d1" ioc pull --server "$url/taxii2/" \
	--collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116 2>"$work/err" >/dev/null
rc=$?
[ $rc -eq 2 ] && grep -q "HTTP 401" "$work/err" || { echo "FAIL: wrong token gave $rc: $(cat "$work/err")"; fail=1; }

# 2. push our export with basic auth (API root URL given directly), status polled to complete
start basic --user khien --password 'p@ss word' --page-size 1000
k ioc export --format stix "$src/tests/fixtures/ioc/scan.jsonl" > "$work/ours.json"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["objects"]))' "$work/ours.json")
st=$(KHIEN_TAXII_PASSWORD='p@ss word' k ioc push --json --server "$url/api1/" --user khien \
	--collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116 "$work/ours.json")
echo "$st" | python3 -c "
import json, sys
s = json.load(sys.stdin)
sys.exit(0 if s['status'] == 'complete' and s['success_count'] == $n and s['failure_count'] == 0 else 1)
" || { echo "FAIL push status: $st"; fail=1; }
grep -q '"/api1/status/' "$work/basic.log" || { echo "FAIL: status never polled"; fail=1; }
grep '"POST"' "$work/basic.log" | grep -q '"content_type": "application/taxii+json;version=2.1"' ||
	{ echo "FAIL: POST without the TAXII media type"; fail=1; }
# pull it back: the same counts as importing the file
want=$(k --data-dir "$work/d2" ioc import --json "$work/ours.json" | canon)
got=$(KHIEN_TAXII_PASSWORD='p@ss word' k --data-dir "$work/d3" ioc pull --json --server "$url/api1/" \
	--user khien --collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116 | canon)
[ "$want" = "$got" ] || { echo "FAIL pull after push: $want vs $got"; fail=1; }
cmp -s "$work/d2/ioc/hashes.txt" "$work/d3/ioc/hashes.txt" || { echo "FAIL: hash lists differ"; fail=1; }
# added_after the last object: nothing new
last=$(KHIEN_TAXII_PASSWORD='p@ss word' k --data-dir "$work/d3" ioc pull --server "$url/api1/" --user khien \
	--collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116 | sed -n 's/.*--added-after //p')
[ -n "$last" ] || { echo "FAIL: no X-TAXII-Date-Added-Last reported"; fail=1; }
got=$(KHIEN_TAXII_PASSWORD='p@ss word' k --data-dir "$work/d3" ioc pull --json --server "$url/api1/" \
	--user khien --added-after "$last" --collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116)
echo "$got" | grep -q '"objects":0' || { echo "FAIL added_after: $got"; fail=1; }
grep -q "added_after=" "$work/basic.log" || { echo "FAIL: added_after not sent"; fail=1; }
# a read-only collection refuses: exit 2 with the server's title
k ioc push --server "$url/api1/" --user khien --password 'p@ss word' \
	--collection 52892447-4d7e-4f70-b94d-d7f22742ff63 "$work/ours.json" 2>"$work/err" >/dev/null
rc=$?
[ $rc -eq 2 ] && grep -q "HTTP 403: Forbidden" "$work/err" || { echo "FAIL read-only push: $rc $(cat "$work/err")"; fail=1; }
echo "TAXII: pulled, pushed and polled through two servers"
exit $fail
