#!/usr/bin/env bash
# bench/version.sh — version comparisons per second, khien beside the peers
# that order the same versions, on the same generated pairs in one run:
#   dpkg    libdpkg's dpkg_version_compare (dpkg's own code, in one C process)
#   rpm     rpm.labelCompare (python3-rpm, rpm 4.18's rpmvercmp), one python process
#   semver  node-semver compare(), one node process
# Every side reads the same "SCHEME<TAB>A<TAB>B" lines and prints one answer per
# line, so the figures include parsing and I/O on both sides. Also prints the
# in-process figure of bench_version (no I/O).
# Usage: bench/version.sh [BUILD_DIR] [PAIRS]
set -euo pipefail
build=${1:-build}
pairs=${2:-1000000}
root=$(cd "$(dirname "$0")/.." && pwd)
lib=$root/tests/integration/lib fix=$root/tests/fixtures/version
khien=$build/khien
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

seconds() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }

cc -O2 -o "$tmp/dpkg_oracle" "$lib/dpkg_oracle.c" $(pkg-config --cflags libdpkg) $(pkg-config --libs --static libdpkg) 2>/dev/null ||
	{ echo "need libdpkg-dev (scripts/deps.sh test)"; exit 1; }

printf '%-8s %10s %14s %14s %8s\n' scheme pairs "khien pairs/s" "peer pairs/s" ratio
for scheme in dpkg rpm semver apk generic; do
	/usr/bin/python3 "$lib/gen_versions.py" "$scheme" "$pairs" 20240601 "$fix/$scheme-hard.txt" >"$tmp/pairs" 2>/dev/null ||
		continue
	n=$(wc -l <"$tmp/pairs")
	tk=$(seconds sh -c "\"$khien\" version compare --batch <\"$tmp/pairs\" >/dev/null 2>&1")
	case $scheme in
	dpkg) tp=$(seconds sh -c "\"$tmp/dpkg_oracle\" <\"$tmp/pairs\" >/dev/null 2>&1") ;;
	rpm) tp=$(seconds sh -c "/usr/bin/python3 \"$lib/rpm_oracle.py\" <\"$tmp/pairs\" >/dev/null") ;;
	semver) tp=$(seconds sh -c "NODE_PATH=/usr/share/nodejs node \"$lib/semver_oracle.js\" <\"$tmp/pairs\" >/dev/null") ;;
	*) tp= ;;
	esac
	kr=$(echo "$n / $tk" | bc)
	if [ -n "$tp" ]; then
		pr=$(echo "$n / $tp" | bc)
		printf '%-8s %10d %14d %14d %7.1fx\n' "$scheme" "$n" "$kr" "$pr" "$(echo "$tp / $tk" | bc -l)"
	else
		printf '%-8s %10d %14d %14s %8s\n' "$scheme" "$n" "$kr" "(no peer)" "-"
	fi
done
echo "\$ $0 $build $pairs   (khien: $khien version compare --batch)"
echo
echo "in-process, no I/O:"
"$build/bench_version"
