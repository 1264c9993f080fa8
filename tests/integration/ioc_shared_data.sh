#!/usr/bin/env bash
# ioc_shared_data.sh — every STIX 2.1 example bundle and every MISP event in
# ../shared/data imports with the counts an independent reading of the same
# file gives (lib/ioc_oracle.py); files that are neither are refused (exit 2
# with a message). The hash list written for the scanner is checked too.
set -u
khien=$1
src=$2
data=${KHIEN_SHARED_DATA:-$src/../shared/data}
if [ ! -d "$data/stix/examples" ] || [ ! -d "$data/misp/events" ]; then
	echo "skipped: shared data not found at $data"
	exit 77
fi
command -v python3 >/dev/null || { echo "skipped: python3 not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mapfile -d '' files < <(find "$data/stix/examples" "$data/misp/events" -name '*.json' -print0 | sort -z)
python3 "$src/tests/integration/lib/ioc_oracle.py" "${files[@]}" > "$work/oracle.tsv"
for f in "${files[@]}"; do
	out=$("$khien" --data-dir "$work/dd" --lang en ioc import --json "$f" 2>"$work/err")
	rc=$?
	printf '%s\t%s\t%s\t%s\n' "$f" "$rc" "$(grep -c . "$work/err")" "$out" >> "$work/khien.tsv"
done
python3 - "$work/oracle.tsv" "$work/khien.tsv" "$work/dd/ioc/hashes.txt" <<'PY'
import json, re, sys
oracle = dict(l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1]))
fail = n = refused = 0
for line in open(sys.argv[2]):
    f, rc, n_err, out = line.rstrip("\n").split("\t", 3)
    want = oracle[f]
    if want.startswith("skip"):
        refused += 1
        # not a bundle or an event: a clear error, exit 2, no crash
        if rc != "2" or n_err == "0":
            fail = 1; print(f"FAIL {f}: expected a refusal (exit 2 with a message), got exit {rc}")
        continue
    n += 1
    if rc != "0" or not out or json.loads(out) != json.loads(want):
        fail = 1; print(f"FAIL {f} (exit {rc})\n  oracle: {want}\n  khien:  {out}")
if n < 20:
    fail = 1; print(f"FAIL: only {n} files compared")
# the scanner's hash list: one line per distinct MD5/SHA-1/SHA-256
lines = [l for l in open(sys.argv[3]) if not l.startswith("#")]
bad = [l for l in lines if not re.fullmatch(r"([0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64});[^;\n]*\n", l)]
hashes = [l.split(";")[0] for l in lines]
if bad or len(hashes) != len(set(hashes)) or len(hashes) < 100:
    fail = 1; print(f"FAIL hash list: {len(hashes)} lines, {len(set(hashes))} distinct, bad: {bad[:3]}")
print(f"compared {n} files with the oracle, {refused} refused as neither STIX nor MISP, "
      f"{len(hashes)} hashes in the list")
sys.exit(fail)
PY
