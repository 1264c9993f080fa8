#!/usr/bin/env bash
# bench/run.sh — every side-by-side benchmark (`make bench`). Installs the peer
# tools when missing, builds the scan corpus once under /tmp, prints ratios.
set -u
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
bash "$root/scripts/deps.sh" bench
echo "== version ordering =="
bash "$root/bench/version.sh" "$build" 300000
echo
echo "== malware scanner =="
if [ ! -d "${CORPUS:-/tmp/corpus}" ]; then
	if [ -x "$shared/bench/make_corpus.sh" ] || [ -f "$shared/bench/make_corpus.sh" ]; then
		bash "$shared/bench/make_corpus.sh"
	else
		echo "skip: no corpus and no $shared/bench/make_corpus.sh"; exit 0
	fi
fi
bash "$root/bench/bench_scan.sh" "$build"
