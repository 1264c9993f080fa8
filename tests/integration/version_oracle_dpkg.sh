#!/usr/bin/env bash
# version_oracle_dpkg.sh — 30,000 hard dpkg pairs: khien against dpkg's own
# code (libdpkg's parseversion + dpkg_version_compare, driven like
# `dpkg --compare-versions`, one process for the batch), then a sample of
# 400 pairs against the dpkg binary itself to show the two oracles agree.
set -u
khien=$1 src=$2 scheme=dpkg count=30000
command -v dpkg >/dev/null || { echo "skip: dpkg is not installed"; exit 77; }
pkg-config --exists libdpkg 2>/dev/null || {
	echo "skip: libdpkg-dev is not installed (needed to build the batch dpkg oracle)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/integration/lib/oracle_run.sh"

${CC:-cc} -O1 -o "$tmp/dpkg_oracle" "$src/tests/integration/lib/dpkg_oracle.c" \
	$(pkg-config --cflags libdpkg) $(pkg-config --libs --static libdpkg) || {
	echo "FAIL: cannot build the libdpkg oracle"; exit 1; }
oracle_cmd() { "$tmp/dpkg_oracle"; }
run_oracle_check || exit 1

# The libdpkg oracle must itself agree with `dpkg --compare-versions`.
"$py" - "$tmp/pairs" "$tmp/oracle" <<'PY' || exit 1
import subprocess, sys
pairs = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
oracle = open(sys.argv[2]).read().split("\n")[:-1]
def dpkg(a, rel, b):
    p = subprocess.run([b"dpkg", b"--compare-versions", a, rel, b], capture_output=True)
    return p.returncode, p.stderr.count(b"warning:")
bad = checked = 0
for i in range(0, len(pairs), max(1, len(pairs) // 400)):
    _, a, b = pairs[i].split(b"\t")
    if a.startswith(b"-") or b.startswith(b"-"):
        continue  # dpkg would take them for options
    rc, warns = dpkg(a, b"lt", b)
    res = {0: "<", 2: "error"}.get(rc)
    if res is None:
        rc, _ = dpkg(a, b"eq", b)
        res = "=" if rc == 0 else ">"
    checked += 1
    if "%s %d" % (res, warns if res != "error" else 0) != oracle[i].replace("error %s" % oracle[i].split()[-1], "error 0"):
        bad += 1
        print("dpkg binary disagrees with libdpkg oracle: %r: %s %d vs %s" % (pairs[i], res, warns, oracle[i]))
print("dpkg binary vs libdpkg oracle: %d pairs, %d disagreements" % (checked, bad))
sys.exit(1 if bad else 0)
PY
