#!/usr/bin/env bash
# version_oracle_rpm.sh — 30,000 hard rpm pairs: khien against rpm 4.18's own
# rpm.labelCompare() (python3-rpm under Debian's /usr/bin/python3), one
# process for the whole batch.
set -u
khien=$1 src=$2 scheme=rpm count=30000
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import rpm' 2>/dev/null || {
	echo "skip: /usr/bin/python3 with python3-rpm is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/integration/lib/oracle_run.sh"
oracle_cmd() { /usr/bin/python3 "$src/tests/integration/lib/rpm_oracle.py"; }
echo "oracle: rpm $(/usr/bin/python3 -c 'import rpm; print(rpm.__version__)')"
run_oracle_check || exit 1
