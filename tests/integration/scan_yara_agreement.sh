#!/usr/bin/env bash
# scan_yara_agreement.sh — oracle test: with the public signature-base rule
# set (the 728 files that need no external variables), the (file, rule)
# matches `khien scan` reports on plain files equal what `yara -r` reports on
# the same corpus: the rule files themselves (their strings match their own
# rules) and 300 programs from /usr/bin.
set -u
khien=$1
shared=${KHIEN_SHARED_DATA:-$2/../shared/data}
sb=$shared/yara/signature-base
command -v yara >/dev/null || { echo "skip: yara is not installed"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 is needed"; exit 77; }
[ -f "$sb/COMPILES.txt" ] || { echo "skip: $sb (shared data) is absent"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/rules" "$tmp/corpus/bin"
grep -v '^#' "$sb/COMPILES.txt" | while read -r f; do [ -n "$f" ] && cp "$sb/$f" "$tmp/rules/"; done
cp "$sb"/*.yar "$tmp/corpus/"
find /usr/bin -maxdepth 1 -type f | LC_ALL=C sort | head -300 | xargs -I{} cp {} "$tmp/corpus/bin/" 2>/dev/null

"$khien" --json --data-dir "$tmp/data" scan --no-cache --rules "$tmp/rules" "$tmp/corpus" >"$tmp/ours.json"
rc=$?
[ $rc -le 1 ] || { echo "FAIL: khien scan exit $rc"; head "$tmp/ours.json"; exit 1; }
yara -r "$tmp"/rules/* "$tmp/corpus" >"$tmp/yara.out" 2>"$tmp/yara.err" || { echo "FAIL: yara"; cat "$tmp/yara.err"; exit 1; }
python3 - "$tmp/ours.json" "$tmp/yara.out" <<'PY'
import json, sys
ours = set()
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d["type"] == "detection" and "!" not in d["path"]:
        ours.add((d["match"].split(":", 1)[1], d["path"]))
theirs = set(tuple(l.rstrip("\n").split(" ", 1)) for l in open(sys.argv[2]))
print(f"khien: {len(ours)} matches, yara -r: {len(theirs)}")
if ours != theirs:
    print("only khien:", sorted(ours - theirs)[:10])
    print("only yara:", sorted(theirs - ours)[:10])
    sys.exit(1)
if len(theirs) < 100:
    print("FAIL: too few matches for a meaningful comparison")
    sys.exit(1)
print("agreement: identical (file, rule) sets")
PY
