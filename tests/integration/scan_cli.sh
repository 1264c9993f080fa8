#!/usr/bin/env bash
# scan_cli.sh — `khien scan`, `rules compile`, `quarantine` end to end: EICAR
# in a plain file, zip, tar.gz and zip-in-zip; JSON lines and exit codes;
# the scan cache (unchanged files not read again, same-size rewrites caught);
# bad input (corrupt archive, 10 GiB sparse file, invalid UTF-8 name); the
# quarantine round trip.
set -u
khien=$1
src=$2
fx=$src/tests/fixtures/scan
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
	if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}
command -v python3 >/dev/null || { echo "skip: python3 is needed to build archives and read JSON"; exit 77; }
k() { "$khien" --lang en --data-dir "$tmp/data" "$@"; }

# The EICAR string, kept reversed in the repository (see tests/unit/test_scan.c).
mkdir -p "$tmp/t/deep"
python3 - "$tmp/t" <<'PY'
import io, sys, tarfile, zipfile
d = sys.argv[1]
e = "*H+H$!ELIF-TSET-SURIVITNA-DRADNATS-RACIE$}7)CC7)^P(45XZP\\4[PA@%P!O5X"[::-1].encode()
open(d + "/eicar.com", "wb").write(e)
def zipped(name, data):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return b.getvalue()
inner = zipped("dir/eicar.com", e)
open(d + "/eicar.zip", "wb").write(inner)
open(d + "/deep/nested.zip", "wb").write(zipped("inner.zip", inner))
with tarfile.open(d + "/eicar.tar.gz", "w:gz") as t:
    ti = tarfile.TarInfo("x/eicar.com"); ti.size = len(e)
    t.addfile(ti, io.BytesIO(e))
open(d + "/clean.txt", "w").write("nothing to see\n")
open(d + "/corrupt.zip", "wb").write(inner[:len(inner) // 2])
open(d.encode() + b"/bad\xff\xfe.com", "wb").write(e)
PY

k --json scan --no-cache --rules "$fx/rules" "$tmp/t" >"$tmp/out.json" 2>"$tmp/err"
rc=$?
check "detections exit 1 even with errors" test $rc -eq 1
check "EICAR found in file, zip, tar.gz, zip-in-zip; JSON lines" python3 - "$tmp/out.json" "$tmp/t" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8", errors="surrogateescape")]
t = sys.argv[2]
det = {(l["path"], l["match"], l["engine"]) for l in lines if l["type"] == "detection"}
m = "eicar.yar:EICAR_Test_File"
want = {(t + "/eicar.com", m, "yara"), (t + "/eicar.zip!dir/eicar.com", m, "yara"),
        (t + "/eicar.tar.gz!x/eicar.com", m, "yara"),
        (t + "/deep/nested.zip!inner.zip!dir/eicar.com", m, "yara"),
        (t + "/bad\udcff\udcfe.com", m, "yara")}
assert want <= det, (want - det, det)
for l in lines:
    if l["type"] == "detection":
        assert set(l) == {"type", "path", "match", "engine", "sha256", "size", "time"}, l
        assert l["time"].endswith("Z") and len(l["sha256"]) == 64
errs = [l for l in lines if l["type"] == "error"]
assert any(e["path"].startswith(t + "/corrupt.zip") for e in errs), errs
s = lines[-1]
assert s["type"] == "summary" and s["files"] == 7 and s["detections"] == len(det), s
assert s["errors"] == len(errs) and s["seconds"] >= 0 and s["bytes"] > 0
PY

check "the run and its detections are recorded in the store" python3 - "$tmp/data/khien.db" "$tmp/out.json" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
lines = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8", errors="surrogateescape")]
s = lines[-1]
run = db.execute("SELECT id, files, detections, errors FROM scan_runs ORDER BY id DESC").fetchone()
assert run[1:] == (s["files"], s["detections"], s["errors"]), (run, s)
n = db.execute("SELECT count(*) FROM scan_detections WHERE run_id = ?", (run[0],)).fetchone()[0]
assert n == s["detections"], n
PY

# Exit codes: 0 clean, 2 errors without detections.
k scan --rules "$fx/rules" "$tmp/t/clean.txt" >/dev/null; check "clean file exits 0" test $? -eq 0
k scan --rules "$fx/rules" "$tmp/t/corrupt.zip" "$tmp/nonexistent" >/dev/null 2>&1
check "errors only exit 2" test $? -eq 2
out=$(k scan --rules "$fx/bad_rules" "$tmp/t" 2>&1); rc=$?
check "rule compile error names file and line" test $rc -eq 2 -a -n "$(echo "$out" | grep 'broken.yar:5:')"

# Hash lists and compiled rules.
k --json scan --hashes "$fx/hashes/test.hdb" "$tmp/t/eicar.com" >"$tmp/h.json"
check "hash list detection" grep -q '"match": "Eicar-Test-Signature", "engine": "hash"' "$tmp/h.json"
k rules compile -o "$tmp/compiled.yarc" "$fx/rules" >/dev/null
k --json scan --no-cache --rules "$tmp/compiled.yarc" "$tmp/t/eicar.com" >"$tmp/c.json"
check "compiled rules load and match" grep -q '"match": "eicar.yar:EICAR_Test_File"' "$tmp/c.json"

# A 10 GiB sparse file: over --max-filesize, reported as a limit, the scan goes on.
truncate -s 10G "$tmp/t/sparse.img"
k --json scan --no-cache --rules "$fx/rules" "$tmp/t" >"$tmp/s.json"
check "sparse 10 GiB file reported as a limit" grep -q '"path": "'"$tmp/t/sparse.img"'".*"limit": "max_scan_file_bytes"' "$tmp/s.json"
check "scan went on past it" grep -q 'deep/nested.zip!inner.zip' "$tmp/s.json"
rm -f "$tmp/t/sparse.img" "$tmp/t/corrupt.zip"

# Cache: files older than the racy window are remembered; a same-size
# rewrite is never served from the cache.
mkdir -p "$tmp/c"
printf 'khien-marker-alpha' >"$tmp/c/a.txt"; printf 'harmless text here' >"$tmp/c/b.txt"
sleep 2.3
k --json scan --rules "$fx/rules" "$tmp/c" >"$tmp/c1.json"
k --json scan --rules "$fx/rules" "$tmp/c" >"$tmp/c2.json"
check "second scan serves the clean file from the cache" grep -q '"files": 2, .*"cached": 1}' "$tmp/c2.json"
check "detected files are never cached" grep -q 'Same_Name' "$tmp/c2.json"
printf 'khien-marker-beta!' >"$tmp/c/b.txt" # same size (18 bytes), same second
k --json scan --rules "$fx/rules" "$tmp/c" >"$tmp/c3.json"
check "same-size rewrite is rescanned and detected" grep -q '"path": "'"$tmp/c/b.txt"'", "match": "other.yar:Same_Name"' "$tmp/c3.json"
k --json scan --rules "$fx/rules" --hashes "$fx/hashes/test.hdb" "$tmp/c" >"$tmp/c4.json"
check "other rules invalidate the cache" grep -q '"cached": 0}' "$tmp/c4.json"

# Quarantine: moved, listed, restored with bytes and mode.
cp "$tmp/t/eicar.com" "$tmp/q.com"; chmod 640 "$tmp/q.com"
sum_before=$(sha256sum <"$tmp/q.com")
k scan --quarantine --rules "$fx/rules" "$tmp/q.com" >/dev/null 2>&1
check "quarantined file is gone" test ! -e "$tmp/q.com"
id=$(k quarantine list | awk '{print $1}' | head -1)
check "quarantine list shows it" test -n "$id"
check "quarantined bytes are neutralised" test -z "$(grep -l EICAR "$tmp/data/quarantine/"*.bin)"
k quarantine restore "$id"
check "restore puts back bytes and mode" test "$(sha256sum <"$tmp/q.com")" = "$sum_before" -a "$(stat -c %a "$tmp/q.com")" = 640
check "restored entry leaves the list" test -z "$(k quarantine list)"

# Options may follow the paths; --no-archives leaves members alone.
k --json scan "$tmp/t" --no-cache --no-archives --rules "$fx/rules" >"$tmp/noarc.json" 2>/dev/null
check "--no-archives: plain files only, options after PATH" python3 - "$tmp/noarc.json" "$tmp/t" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8", errors="surrogateescape")]
det = {l["path"] for l in lines if l["type"] == "detection"}
assert sys.argv[2] + "/eicar.com" in det, det
assert not any("!" in p for p in det), det
PY
[ $fail -eq 0 ] && echo "scan: all checks passed"
exit $fail
