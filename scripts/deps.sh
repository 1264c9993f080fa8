#!/usr/bin/env bash
# Installs the Debian packages Khiên needs to build, test and fuzz, only when
# some are missing (apt-get update runs only then). Works as root or via sudo.
# Usage: scripts/deps.sh [build|test|fuzz|bench|all]   (default: all; all = build+test+fuzz)
set -euo pipefail

build_pkgs=(
	build-essential cmake pkg-config
	libjansson-dev libssl-dev libsqlite3-dev
	libyara-dev libarchive-dev libcurl4-openssl-dev libpq-dev
)
test_pkgs=(
	libcmocka-dev
	dpkg libdpkg-dev rpm python3-rpm node-semver nodejs
	hyperfine yara python3-jsonschema
	nginx testssl.sh sslscan openssl postgresql
)
fuzz_pkgs=(clang-14 libclang-rt-14-dev libfuzzer-14-dev)
bench_pkgs=(yara clamav time hyperfine bc python3)

want=()
case "${1:-all}" in
build) want=("${build_pkgs[@]}") ;;
test) want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
fuzz) want=("${build_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
bench) want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
all) want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
*) echo "usage: $0 [build|test|fuzz|bench|all]" >&2; exit 2 ;;
esac

missing=()
# npm ships inside some nodejs builds (NodeSource); Debian's own is a separate package
if [ "${1:-all}" != build ] && [ "${1:-all}" != fuzz ] && ! command -v npm >/dev/null; then
	want+=(npm)
fi
for p in "${want[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
	sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
