#!/usr/bin/env bash
# Runs every libFuzzer harness built in BUILD for SECONDS each, starting from
# its seed corpus; findings land in fuzz/artifacts/<target>/. Prints one line
# per target with the executions it ran.
set -uo pipefail
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for bin in "$build"/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	target=${name#fuzz_}
	work=$(mktemp -d)
	mkdir -p "$root/fuzz/artifacts/$target"
	cp -r "$root/fuzz/corpus/$target/." "$work/" 2>/dev/null
	"$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$root/fuzz/artifacts/$target/" "$work" >"$work.log" 2>&1
	rc=$?
	execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work.log" | grep -oE '[0-9]+$')
	[ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$work.log" | tail -1 | tr -d '#')
	if [ $rc -eq 0 ]; then
		printf '%-28s %10s execs in %ss: no finding\n' "$target" "${execs:-?}" "$seconds"
	else
		printf '%-28s FINDING (exit %d), see %s and fuzz/artifacts/%s\n' "$target" $rc "$work.log" "$target"
		status=1
	fi
	rm -rf "$work"
done
exit $status
