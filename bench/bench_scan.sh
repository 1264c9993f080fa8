#!/usr/bin/env bash
# bench_scan.sh — `khien scan` side by side with `yara -r -p 2` and `clamscan`
# on the ~1.75 GiB corpus of /work/shared/bench/make_corpus.sh: wall time and
# peak memory with (a) 200 generated rules and (b) signature-base; a cached
# rescan against a bare metadata walk; 1,000,000 hashes loaded; a hash-only
# scan against sha256sum two-wide. Not part of `make test` (minutes long).
#
#   bash bench/bench_scan.sh [BUILD_DIR]     (default build-scan, else build)
#   SECTIONS="a b cache hashes" (default: all) picks what runs.
# Environment: CORPUS (default /tmp/corpus), SHARED (default ../shared).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-scan}
[ -x "$build/khien" ] || build=$root/build
khien=$build/khien
corpus=${CORPUS:-/tmp/corpus}
shared=${SHARED:-$root/../shared}
work=$(mktemp -d /tmp/khien-bench-scan.XXXXXX)
trap 'rm -rf "$work"' EXIT

[ -x "$khien" ] || { echo "no khien binary in $build"; exit 2; }
[ -d "$corpus" ] || { echo "no corpus: run $shared/bench/make_corpus.sh first"; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 2; }
command -v yara >/dev/null || { echo "needs yara"; exit 2; }
have_clam=0; command -v clamscan >/dev/null && have_clam=1

mib=$(find "$corpus" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.1f", s / 1048576}')
files=$(find "$corpus" -type f | wc -l)
echo "corpus: $corpus, $files files, $mib MiB, $(nproc) cores"

# run NAME CMD... : prints "NAME: S s, M MiB peak", sets $secs and $peak
run() {
	local name=$1; shift
	/usr/bin/time -f "%e %M" -o "$work/t" "$@" >"$work/out" 2>"$work/err"
	read -r secs kb < <(tail -1 "$work/t") # first line may be "Command exited…"
	peak=$(awk -v k="$kb" 'BEGIN{printf "%.0f", k / 1024}')
	printf '%-44s %7.2f s %7.1f MiB/s %5s MiB peak\n' "$name" "$secs" \
		"$(awk -v m="$mib" -v s="$secs" 'BEGIN{print (s > 0 ? m / s : 0)}')" "$peak"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}'; }

python3 "$shared/bench/gen_rules.py" "$work/gen" >/dev/null
cat "$corpus"/files/* >/dev/null 2>&1; find "$corpus" -type f -exec cat {} + >/dev/null # warm cache

want() { case " ${SECTIONS:-a b cache hashes} " in *" $1 "*) return 0 ;; esac; return 1; }

if want a; then
echo "== (a) 200 generated rules"
run "khien scan --no-cache (archives opened)" "$khien" --data-dir "$work/d" scan --no-cache --rules "$work/gen/rules.yar" "$corpus"
k_secs=$secs
run "yara -r -p 2" yara -r -p 2 "$work/gen/rules.yar" "$corpus"
y_secs=$secs
echo "  khien vs yara -p 2: $(ratio "$y_secs" "$k_secs")x (target >= 1)"
if [ $have_clam = 1 ]; then
	run "clamscan -r (same patterns as .ndb + hashes)" clamscan -r --no-summary -d "$work/gen/clamdb" "$corpus"
	echo "  khien vs clamscan: $(ratio "$secs" "$k_secs")x (target >= 3)"
else
	echo "  clamscan not installed: skipped"
fi

fi

if want b; then
echo "== (b) signature-base (728 files that need no externals), compiled first"
mkdir -p "$work/sb"
grep -v '^#' "$shared/data/yara/signature-base/COMPILES.txt" | while read -r f; do
	[ -n "$f" ] && cp "$shared/data/yara/signature-base/$f" "$work/sb/"
done
"$khien" rules compile -o "$work/sb.kyc" "$work/sb" >/dev/null
yarac "$work"/sb/*.yar* "$work/sb.yarc" 2>/dev/null
run "khien scan --no-cache, signature-base" "$khien" --data-dir "$work/d" scan --no-cache --rules "$work/sb.kyc" "$corpus"
k_secs=$secs
run "yara -C -r -p 2, signature-base" yara -C -r -p 2 "$work/sb.yarc" "$corpus"
y_secs=$secs
echo "  khien vs yara -p 2: $(ratio "$y_secs" "$k_secs")x (khien also scans archive members)"
run "khien scan --no-cache --no-archives, signature-base" "$khien" --data-dir "$work/d" scan --no-cache --no-archives --rules "$work/sb.kyc" "$corpus"
echo "  like for like (no archives) khien vs yara -p 2: $(ratio "$y_secs" "$secs")x (target >= 1)"

fi

if want cache; then
echo "== cached rescan vs a bare metadata walk"
"$khien" --data-dir "$work/c" scan --rules "$work/gen/rules.yar" "$corpus" >/dev/null 2>&1
run "find -printf %s (readdir + one lstat per file)" find "$corpus" -printf '%s\n'
w_secs=$secs
"$khien" rules compile -o "$work/gen.kyc" "$work/gen/rules.yar" >/dev/null
"$khien" --data-dir "$work/c2" scan --rules "$work/gen.kyc" "$corpus" >/dev/null 2>&1
run "khien scan, unchanged tree (cache)" "$khien" --data-dir "$work/c2" scan --rules "$work/gen.kyc" "$corpus"
echo "  cached rescan / walk: $(ratio "$secs" "$w_secs") (target <= 2); $(grep -o 'cache: [0-9]*' "$work/out" || true)"

fi

if want hashes; then
echo "== hashes"
python3 -c "
import random
random.seed(7)
with open('$work/1m.sha256', 'w') as f:
    for i in range(1000000): f.write('%064x\n' % random.getrandbits(256))"
run "khien scan --hashes (1,000,000 SHA-256)" "$khien" --data-dir "$work/d" scan --no-cache --hashes "$work/1m.sha256" "$corpus"
k_secs=$secs
echo "  peak memory with 1,000,000 hashes: $peak MiB (target < 150)"
run "sha256sum, xargs -P2" sh -c "find '$corpus' -type f -print0 | xargs -0 -n 64 -P2 sha256sum"
echo "  khien hash-only vs sha256sum -P2: $(ratio "$secs" "$k_secs")x (target >= 2)"
fi
