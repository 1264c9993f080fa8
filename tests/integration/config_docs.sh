#!/usr/bin/env bash
# Every key the binary accepts is documented in docs/config.md, and config
# errors name the file and line.
set -u
khien=$1 root=$2
fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty.conf"
keys=$("$khien" config keys --json --config "$tmp/empty.conf" 2>&1) || { echo "config keys failed: $keys"; exit 1; }
for k in $(printf '%s' "$keys" | /usr/bin/python3 -c 'import json,sys; [print(e["key"]) for e in json.load(sys.stdin)]'); do
	grep -q "\`$k\`" "$root/docs/config.md" || { echo "undocumented key: $k"; fail=1; }
done
printf '[core]\nlang = vi\n\n[core]\nlnag = en\n' >"$tmp/k.conf"
out=$("$khien" --config "$tmp/k.conf" config check 2>&1); rc=$?
[ $rc -eq 2 ] || { echo "bad config: exit $rc, want 2"; fail=1; }
case "$out" in *"$tmp/k.conf:5: unknown key 'lnag' in [core]"*) ;; *) echo "message lacks file:line: $out"; fail=1 ;; esac
printf '[limits]\nmax_csv_rows = 10\n' >"$tmp/ok.conf"
out=$("$khien" --config "$tmp/ok.conf" --json config keys 2>&1)
printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d={e["key"]:e["value"] for e in json.load(sys.stdin)}; sys.exit(0 if d["max_csv_rows"]==10 else 1)' ||
	{ echo "[limits] value not applied: $out"; fail=1; }
out=$("$khien" --config "$tmp/missing.conf" config check 2>&1); rc=$?
[ $rc -eq 2 ] || { echo "missing --config file: exit $rc, want 2 ($out)"; fail=1; }
out=$(KHIEN_LANG=xx "$khien" config check --config "$tmp/ok.conf" 2>&1); rc=$?
[ $rc -eq 2 ] || { echo "bad KHIEN_LANG accepted: $out"; fail=1; }
out=$("$khien" --lang en nosuchcommand 2>&1); rc=$?
[ $rc -eq 2 ] && [[ "$out" == *"unknown command"* ]] || { echo "unknown command: $rc $out"; fail=1; }
[ $fail -eq 0 ] && echo "config: keys documented, errors name file:line"
exit $fail
