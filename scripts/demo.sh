#!/usr/bin/env bash
# `make run`: the main job on the embedded default (SQLite, no network):
# this host's inventory with a vulnerability-ready summary, then a demo
# appliance registry mapped to CPE names; sample advisory feeds imported and
# matched against a Debian 12 inventory and the registry (what to patch first).
set -uo pipefail
khien=${1:-build/khien}
data_dir=${2:-build/demo-data}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$data_dir"

echo "== khien inventory collect =="
"$khien" --data-dir "$data_dir" inventory collect
rc=$?
[ $rc -le 2 ] || exit $rc
"$khien" --data-dir "$data_dir" --json inventory collect >"$data_dir/inventory.json" 2>/dev/null
echo
echo "== khien inventory import-assets examples/assets-demo.csv =="
"$khien" --data-dir "$data_dir" inventory import-assets "$root/examples/assets-demo.csv"
echo
echo "== khien inventory list-assets =="
"$khien" --data-dir "$data_dir" inventory list-assets
echo
fx=$root/tests/fixtures/vuln
echo "== khien feeds import (KEV, NVD, EPSS, CSAF, Debian tracker, OSV: bundled samples) =="
"$khien" --data-dir "$data_dir" feeds import "$fx/kev.json" "$fx/nvd_appliances.json" "$fx/epss.csv" \
	"$fx/csaf_fg-ir-24-029.json" "$fx/debian_tracker.json" "$fx/osv_dsa-5673-1.json" "$fx/osv_dsa-5724-1.json"
echo
echo "== khien vuln scan --inventory (a Debian 12 sample) — plus the registry above =="
"$khien" --data-dir "$data_dir" vuln scan --inventory "$fx/debian12.inventory.json"
[ $? -le 1 ] || exit 2
echo
echo "(JSON: $data_dir/inventory.json; SQLite: $data_dir/khien.db)"
exit 0
