#!/usr/bin/env bash
# ioc_bad_input.sh — hostile and broken input to `khien ioc`: malformed
# JSON, the wrong spec_version, oversize and deeply nested documents,
# hostile patterns, bad scan lines and bad usage all end in a clear message
# and exit 2 (or a counted error), never a crash; and a MISP feed manifest
# imports the events beside it.
set -u
khien=$1
src=$2
command -v python3 >/dev/null || { echo "skipped: python3 not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
k() { "$khien" --lang en --data-dir "$work/dd" "$@"; }

# expect_error "what" "message part" ARGS…: exit 2, the message on stderr, no signal
expect_error() {
	local what=$1 msg=$2; shift 2
	"$khien" --lang en --data-dir "$work/dd" "$@" >"$work/out" 2>"$work/err"
	local rc=$?
	if [ $rc -ne 2 ] || ! grep -qF -- "$msg" "$work/err"; then
		echo "FAIL $what: exit $rc, stderr: $(head -c 400 "$work/err")"
		fail=1
	fi
}

printf '{"type": "bundle", "objects": [' > "$work/truncated.json"
expect_error "truncated JSON" "truncated.json:1" ioc import "$work/truncated.json"
printf '{"type": "bundle", "spec_version": "2.0", "id": "bundle--1", "objects": []}' > "$work/v20.json"
expect_error "STIX 2.0 bundle" "spec_version 2.0: only STIX 2.1 is read" ioc import "$work/v20.json"
printf '{"type": "bundle", "id": "bundle--1", "objects": [{"type": "malware", "spec_version": "2.2"}]}' > "$work/v22.json"
expect_error "object of 2.2" "object 0: spec_version 2.2" ioc import "$work/v22.json"
python3 -c 'print("[" * 100000 + "]" * 100000)' > "$work/deep.json"
expect_error "deep JSON" "max_json_depth" ioc import "$work/deep.json"
expect_error "missing file" "nope.json" ioc import "$work/nope.json"
printf '\0\1\2' > "$work/binary.json"
expect_error "binary" "binary.json" ioc import "$work/binary.json"
# oversize: a bundle past [limits] max_json_bytes
printf '[limits]\nmax_json_bytes = 4K\n' > "$work/small.conf"
python3 -c '
import json
objs = [{"type": "indicator", "spec_version": "2.1", "id": "indicator--%08d-0000-4000-8000-000000000000" % i,
         "pattern": "[domain-name:value = '"'"'d%d.example'"'"']" % i, "pattern_type": "stix"} for i in range(200)]
print(json.dumps({"type": "bundle", "id": "bundle--1", "objects": objs}))' > "$work/big.json"
expect_error "oversize bundle" "max_json_bytes" --config "$work/small.conf" ioc import "$work/big.json"
# … which imports without the small limit: 200 network values
got=$(k ioc import --json "$work/big.json")
echo "$got" | grep -q '"network":200' || { echo "FAIL big bundle: $got"; fail=1; }

# hostile patterns inside a bundle: counted as errors, the rest still read
python3 - "$work/hostile.json" <<'PY'
import json, sys
pats = ["[" * 50000, "(" * 5000 + "[a:b = 'c']" + ")" * 5000, "[url:value = '" + "x" * 3000000 + "']",
        "[file:name = 'a\\q']", "[domain-name:value = 'ok.example']", "[file:hashes.MD5 = 'zz']",
        "[a:b = 'x'] FOLLOWEDBY [c:d = 'y']"]
objs = [{"type": "indicator", "spec_version": "2.1", "id": "indicator--%08d-0000-4000-8000-000000000000" % i,
         "pattern": p, "pattern_type": "stix", "name": "h"} for i, p in enumerate(pats)]
json.dump({"type": "bundle", "id": "bundle--2", "objects": objs}, open(sys.argv[1], "w"))
PY
got=$(k ioc import --json "$work/hostile.json" 2>"$work/err")
rc=$?
want='{"files":1,"objects":7,"indicators":7,"hashes":0,"network":2,"unsupported":2,"errors":3}'
[ $rc -eq 0 ] && [ "$got" = "$want" ] || { echo "FAIL hostile patterns: exit $rc, $got (want $want)"; fail=1; }
grep -q "max_stix_pattern_depth" "$work/err" && grep -q "byte 17: bad escape" "$work/err" ||
	{ echo "FAIL hostile pattern messages: $(head -c 600 "$work/err")"; fail=1; }

# scan lines
printf '{"type": "detection", "path": "/x"}\n' > "$work/bad.jsonl"
expect_error "detection without fields" "bad.jsonl:1" ioc export --format stix "$work/bad.jsonl"
printf '{"type":"summary"}\n{"type": "detection", "path": "/x", "match": "m", "engine": "hash", "sha256": "XYZ", "time": "2026-01-01T00:00:00Z"}\n' > "$work/bad2.jsonl"
expect_error "bad sha256" "bad2.jsonl:2" ioc export --format misp "$work/bad2.jsonl"
# usage
expect_error "no format" "--format stix|misp" ioc export "$work/bad.jsonl"
expect_error "bad tlp" "--tlp purple" ioc export --format stix --tlp purple "$src/tests/fixtures/ioc/scan.jsonl"
expect_error "no files" "no file given" ioc import
expect_error "unknown sub" "unknown command" ioc frobnicate
expect_error "push without server" "--server URL and --collection ID are required" ioc push "$work/v20.json"
expect_error "ftp server" "starts with https:// or http://" ioc pull --server ftp://x/ --collection c

# an empty scan exports an identity and a marking only, still valid to read back
: > "$work/empty.jsonl"
k ioc export --format stix "$work/empty.jsonl" > "$work/empty.json" || { echo "FAIL empty export"; fail=1; }
python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); sys.exit(0 if sorted(o["type"] for o in b["objects"]) == ["identity","marking-definition"] else 1)' "$work/empty.json" ||
	{ echo "FAIL empty export content"; fail=1; }

# a MISP feed: manifest.json names two events, one is there
got=$(k ioc import --json "$src/tests/fixtures/ioc/feed/manifest.json" 2>"$work/err")
want=$(python3 "$src/tests/integration/lib/ioc_oracle.py" "$src/tests/fixtures/ioc/misp_event.json" |
	python3 -c 'import json,sys; d=json.load(sys.stdin); d["files"]=2; d["errors"]+=1; print(json.dumps(d,separators=(",",":")))')
[ "$got" = "$want" ] || { echo "FAIL manifest: $got, want $want"; fail=1; }
grep -q "0b5e5f0a-1111-4222-8333-944455556666.json" "$work/err" || { echo "FAIL: missing event not named"; fail=1; }
exit $fail
