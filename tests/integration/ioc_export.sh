#!/usr/bin/env bash
# ioc_export.sh — `khien ioc export` against the official STIX 2.1 JSON
# schemas (ajv + ajv-formats from npm, draft 2020-12), deterministic
# identifiers recomputed in Python (uuid5 over canonical JSON), sightings
# recounted from the scan lines, the round trips export → import → export
# and MISP → STIX → MISP, and the hash list loaded by `khien scan --hashes`.
set -u
khien=$1
src=$2
data=${KHIEN_SHARED_DATA:-$src/../shared/data}
schemas=$data/stix/schemas
[ -d "$schemas/common" ] || { echo "skipped: STIX schemas not found at $schemas"; exit 77; }
for t in node npm python3; do
	command -v $t >/dev/null || { echo "skipped: $t not installed"; exit 77; }
done
cache=${KHIEN_BUILD_DIR:-$src/build}/npm
if [ ! -f "$cache/node_modules/ajv/package.json" ] || [ ! -f "$cache/node_modules/ajv-formats/package.json" ]; then
	mkdir -p "$cache"
	if ! (cd "$cache" && { [ -f package.json ] || npm init -y >/dev/null 2>&1; } &&
	      npm install --no-audit --no-fund ajv@8 ajv-formats@3 >npm.log 2>&1); then
		echo "skipped: npm could not install ajv@8 ajv-formats@3 (see $cache/npm.log)"
		exit 77
	fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fx=$src/tests/fixtures/ioc
lib=$src/tests/integration/lib
fail=0
k() { "$khien" --lang en "$@"; }
validate() { node "$lib/ioc_validate.mjs" "$cache/node_modules" "$schemas" "$@" || fail=1; }

# 1. every TLP level, both fixtures, validate against the schemas
for tlp in clear green amber red; do
	k ioc export --format stix --tlp $tlp --unit "UBND phường Bến Nghé" "$fx/scan.jsonl" \
		> "$work/b-$tlp.json" || { echo "FAIL: export --tlp $tlp"; fail=1; }
done
k ioc export --format stix "$fx/scan_nohash.jsonl" > "$work/b-nohash.json" || fail=1
validate "$work"/b-*.json

# 2. deterministic: the same detections in another order give the same bytes
(head -1 "$fx/scan.jsonl"; tail -n +2 "$fx/scan.jsonl" | tac) > "$work/shuffled.jsonl"
k ioc export --format stix --tlp green --unit "UBND phường Bến Nghé" "$work/shuffled.jsonl" > "$work/b-shuf.json"
cmp -s "$work/b-green.json" "$work/b-shuf.json" || { echo "FAIL: export depends on line order"; fail=1; }

# 3. identifiers and sightings recomputed independently
python3 - "$work/b-green.json" "$fx/scan.jsonl" <<'PY' || fail=1
import json, sys, uuid
b = json.load(open(sys.argv[1]))
dets = [d for d in map(json.loads, open(sys.argv[2])) if d["type"] == "detection"]
SCO = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
PROJ = uuid.UUID("6f0c3a51-8e2d-5b7a-9c4e-4b6869656e21")
canon = lambda o: json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
bad = 0
def want(t, ns, props): return f"{t}--{uuid.uuid5(ns, canon(props))}"
objs = {o["id"]: o for o in b["objects"]}
for o in b["objects"]:
    t = o["type"]
    if t == "file":
        w = want(t, SCO, {"hashes": o["hashes"], "name": o["name"]})
    elif t == "indicator":
        w = want(t, PROJ, {"pattern": o["pattern"], "pattern_type": o["pattern_type"]})
    elif t == "malware":
        w = want(t, PROJ, {"name": o["name"]})
    elif t == "identity":
        w = want(t, PROJ, {"name": o["name"], "identity_class": o["identity_class"]})
    elif t == "relationship":
        w = want(t, PROJ, {k: o[k] for k in ("relationship_type", "source_ref", "target_ref")})
    elif t == "sighting":
        w = want(t, PROJ, {"sighting_of_ref": o["sighting_of_ref"], "where_sighted_refs": o["where_sighted_refs"]})
    else:
        continue
    if w != o["id"]:
        bad += 1; print(f"FAIL id of {t}: {o['id']} want {w}")
# every hashed file: one indicator, one sighting with count/first/last from the lines
by_sha = {}
for d in dets:
    by_sha.setdefault(d["sha256"], []).append(d["time"])
sightings = [o for o in b["objects"] if o["type"] == "sighting"]
for sha, times in by_sha.items():
    ind = [o for o in b["objects"] if o["type"] == "indicator" and sha in o["pattern"]]
    s = [x for x in sightings if ind and x["sighting_of_ref"] == ind[0]["id"]]
    if len(ind) != 1 or len(s) != 1 or s[0]["count"] != len(times) or \
       s[0]["first_seen"] != min(times) or s[0]["last_seen"] != max(times):
        bad += 1; print(f"FAIL sighting of {sha}: {s}")
mal = {o["name"] for o in b["objects"] if o["type"] == "malware"}
if mal != {d["match"] for d in dets}:
    bad += 1; print(f"FAIL malware names {mal}")
ident = [o for o in b["objects"] if o["type"] == "identity"]
if len(ident) != 1 or ident[0]["name"] != "UBND phường Bến Nghé":
    bad += 1; print("FAIL identity")
if not any(o["type"] == "marking-definition" and o["name"] == "TLP:GREEN" for o in b["objects"]):
    bad += 1; print("FAIL TLP:GREEN marking missing")
for o in b["objects"]:
    for ref in [o.get("created_by_ref"), o.get("sighting_of_ref"), o.get("source_ref"), o.get("target_ref")] + \
               o.get("where_sighted_refs", []) + o.get("object_marking_refs", []):
        if ref and ref not in objs and not ref.startswith("identity--a0c22599"):
            bad += 1; print(f"FAIL dangling ref {ref} in {o['id']}")
sys.exit(1 if bad else 0)
PY

# 4. export → import → export: the store gives back the same objects
k --data-dir "$work/d1" ioc import "$work/b-green.json" >/dev/null || { echo "FAIL: import own bundle"; fail=1; }
k --data-dir "$work/d1" ioc export --format stix --tlp green --unit "UBND phường Bến Nghé" > "$work/b-rt.json" || fail=1
k --data-dir "$work/d2" ioc import "$work/b-rt.json" >/dev/null || fail=1
k --data-dir "$work/d2" ioc export --format stix --tlp green --unit "UBND phường Bến Nghé" > "$work/b-rt2.json" || fail=1
cmp -s "$work/b-rt.json" "$work/b-rt2.json" || { echo "FAIL: second round trip differs"; fail=1; }
validate "$work/b-rt.json"
python3 - "$work/b-green.json" "$work/b-rt.json" <<'PY' || fail=1
import json, sys
a = {o["id"]: o for o in json.load(open(sys.argv[1]))["objects"]}
b = {o["id"]: o for o in json.load(open(sys.argv[2]))["objects"]}
keep = ("indicator", "malware", "relationship", "identity", "marking-definition")
ka = {i for i, o in a.items() if o["type"] in keep}
kb = {i for i, o in b.items() if o["type"] in keep}
diff = [i for i in ka & kb if a[i] != b[i]]
if ka != kb or diff:
    print("FAIL round trip: only first:", sorted(ka - kb), "only second:", sorted(kb - ka), "changed:", diff)
    sys.exit(1)
PY

# 5. the hash list: `khien scan --hashes` finds what was imported
mkdir -p "$work/tree"
printf 'khien ioc test sample\n' > "$work/tree/sample.bin"
sha=$(sha256sum "$work/tree/sample.bin" | cut -d' ' -f1)
printf '{"type":"detection","path":"/x/sample.bin","match":"Test_Sample","engine":"hash","sha256":"%s","size":22,"time":"2026-02-01T00:00:00Z"}\n' "$sha" > "$work/one.jsonl"
k ioc export --format stix "$work/one.jsonl" > "$work/one.json" || fail=1
k --data-dir "$work/d3" ioc import "$work/one.json" >/dev/null || fail=1
grep -q "^$sha;Test_Sample$" "$work/d3/ioc/hashes.txt" || { echo "FAIL: hash list line"; fail=1; }
out=$("$khien" --data-dir "$work/d3" scan --json --no-cache --hashes "$work/d3/ioc/hashes.txt" "$work/tree" 2>&1)
echo "$out" | grep -q '"match": *"Test_Sample"' || { echo "FAIL: scanner did not load the hash list: $out"; fail=1; }

# 6. MISP: export, and MISP → STIX → MISP keeps every supported attribute
k ioc export --format misp --tlp amber "$fx/scan.jsonl" > "$work/m1.json" || fail=1
for ev in "$data/misp/events/eset/sednit_2018-11-20_Zebrocy.json" \
          "$data/misp/events/reportlab/to_delete2.json" "$fx/misp_event.json"; do
	rm -rf "$work/m" && mkdir -p "$work/m"
	k --data-dir "$work/m/a" ioc import "$ev" >/dev/null || { echo "FAIL: import $ev"; fail=1; }
	k --data-dir "$work/m/a" ioc export --format stix > "$work/m/s.json" || fail=1
	validate "$work/m/s.json"
	k --data-dir "$work/m/b" ioc import "$work/m/s.json" >/dev/null || fail=1
	k --data-dir "$work/m/b" ioc export --format misp > "$work/m/e.json" || fail=1
	python3 - "$ev" "$work/m/e.json" <<'PY' || fail=1
import json, re, sys
HEX = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}
SUP = {"md5": "md5", "sha1": "sha1", "sha256": "sha256", "sha512": "sha512", "domain": "domain",
       "hostname": "domain", "ip-dst": "ip-dst", "ip-src": "ip-dst", "url": "url",
       "email-src": "email-dst", "email-dst": "email-dst", "filename": "filename"}
def attrs(doc):
    evs = [r["Event"] for r in doc["response"]] if "response" in doc else [doc.get("Event", doc)]
    out = []
    for ev in evs:
        out += ev.get("Attribute", [])
        for o in ev.get("Object", []):
            out += o.get("Attribute", [])
    return out
want = set()
for a in attrs(json.load(open(sys.argv[1]))):
    t, v = a["type"], a["value"]
    if t.startswith("filename|") and t.split("|")[1] in SUP:
        t, v = t.split("|")[1], v.split("|", 1)[1]
    if t in HEX and not re.fullmatch(r"[0-9a-fA-F]{%d}" % HEX[t], v):
        continue  # refused by the import as an error, not an indicator
    if t in SUP:
        want.add((SUP[t], v.lower() if t in HEX else v))
got = {(a["type"], a["value"]) for a in attrs(json.load(open(sys.argv[2])))}
missing = want - got
if missing or not want:
    print(f"FAIL MISP round trip {sys.argv[1]}: {len(missing)} of {len(want)} missing: {sorted(missing)[:5]}")
    sys.exit(1)
print(f"MISP → STIX → MISP kept {len(want)} attributes of {sys.argv[1]}")
PY
done
python3 - "$work/m1.json" "$fx/scan.jsonl" <<'PY' || fail=1
import json, sys, uuid
ev = json.load(open(sys.argv[1]))["Event"]
dets = [d for d in map(json.loads, open(sys.argv[2])) if d["type"] == "detection"]
uuid.UUID(ev["uuid"])
tags = {t["name"] for t in ev["Tag"]}
sha = {a["value"] for a in ev["Attribute"] if a["type"] == "sha256"}
files = [o for o in ev["Object"] if o["name"] == "file"]
if "tlp:amber" not in tags or ev["distribution"] != "1" or sha != {d["sha256"] for d in dets} \
   or len(files) != len(sha):
    print("FAIL MISP export", tags, ev["distribution"], sha, len(files)); sys.exit(1)
PY
exit $fail
