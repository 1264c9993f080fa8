#!/usr/bin/env bash
# version_oracle_semver.sh — 30,000 hard semver pairs plus every pair of the
# semver.org 2.0.0 examples: khien against Debian's node-semver (strict
# semver.valid, then semver.compare), one node process for the whole batch.
set -u
khien=$1 src=$2 scheme=semver count=30000
command -v node >/dev/null || { echo "skip: node is not installed"; exit 77; }
[ -f /usr/share/nodejs/semver/functions/compare.js ] || {
	echo "skip: node-semver is not installed (/usr/share/nodejs/semver)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/integration/lib/oracle_run.sh"
oracle_cmd() { NODE_PATH=/usr/share/nodejs node "$src/tests/integration/lib/semver_oracle.js"; }
echo "oracle: node-semver $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' /usr/share/nodejs/semver/package.json)"
run_oracle_check || exit 1
