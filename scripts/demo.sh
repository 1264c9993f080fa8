#!/usr/bin/env bash
# `make run`: the main job on the embedded default (SQLite, no network):
# this host's inventory with a vulnerability-ready summary, then a demo
# appliance registry mapped to CPE names.
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
echo "(JSON: $data_dir/inventory.json; SQLite: $data_dir/khien.db)"
exit 0
