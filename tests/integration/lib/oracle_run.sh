# oracle_run.sh — sourced by version_oracle_*.sh: generate pairs once, run
# the oracle once and `khien version compare --batch` once over all of them,
# then compare answer by answer (tests/integration/lib/check_results.py).
# Needs: khien, src, tmp, scheme, count set; oracle_cmd defined by the caller.

py=/usr/bin/python3
[ -x "$py" ] || py=python3

run_oracle_check() {
	local lib="$src/tests/integration/lib" fix="$src/tests/fixtures/version"
	"$py" "$lib/gen_versions.py" "$scheme" "$count" 20240601 "$fix/$scheme-hard.txt" \
		>"$tmp/pairs" || return 1
	local t0=$SECONDS
	oracle_cmd <"$tmp/pairs" >"$tmp/oracle" || { echo "oracle failed"; return 1; }
	local t1=$SECONDS
	KHIEN_LANG=en "$khien" version compare --batch <"$tmp/pairs" >"$tmp/khien.out" \
		2>"$tmp/khien.err" || { echo "khien --batch failed"; return 1; }
	echo "$scheme: oracle $((t1 - t0))s, khien $((SECONDS - t1))s"
	"$py" "$lib/check_results.py" "$tmp/pairs" "$tmp/oracle" "$tmp/khien.out" "$tmp/khien.err"
}
