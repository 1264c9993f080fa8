#!/usr/bin/env bash
# bench_site.sh — sites assessed per minute: `khien site check` (default,
# full assessment: protocols, every suite, legacy probe, certificate, HTTP,
# Observatory, content, exposures) beside testssl.sh (Debian 3.0.8, default
# checks, one site at a time) on the same local nginx sites, ratio printed.
# Not part of `make test`: testssl.sh needs 50-120 s a site here.
#
#   bash bench/bench_site.sh [BUILD_DIR]      (default build-site2, else build)
#   SITES="good legacy ..." picks the sites (default: all six below);
#   PEER=0 skips testssl.sh (khien figures only).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-site2}
[ -x "$build/khien" ] || build=$root/build
khien=$build/khien
[ -x "$khien" ] || { echo "no khien binary in $build"; exit 2; }
. "$root/tests/integration/lib/site_servers.sh"
site_need nginx openssl python3
peer=${PEER:-1}
[ "$peer" = 1 ] && ! command -v testssl >/dev/null && { echo "needs testssl (apt-get install testssl.sh), or PEER=0"; exit 2; }
export KHIEN_LANG=en

site_init
site_make_certs
echo '<!DOCTYPE html><html><head><title>bench</title></head><body><p>bench page</p></body></html>' \
	> "$SITE_TMP/www/index.html"
modern='ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;'
hsts='add_header Strict-Transport-Security "max-age=63072000" always;'
legacy="ssl_protocols TLSv1 TLSv1.1 TLSv1.2; ssl_ciphers 'ALL:@SECLEVEL=0';"
declare -A conf cert
conf[good]="$modern $hsts";    cert[good]=good
conf[legacy]="$legacy";        cert[legacy]=rsa
conf[selfsigned]="$modern";    cert[selfsigned]=self
conf[expired]="$modern";       cert[expired]=expired
conf[wronghost]="$modern";     cert[wronghost]=wronghost
conf[rsa]="ssl_protocols TLSv1.2 TLSv1.3; $hsts"; cert[rsa]=rsa
sites=(${SITES:-good legacy selfsigned expired wronghost rsa})
declare -A port
http=$(site_free_port)
site_nginx_begin
for s in "${sites[@]}"; do
	port[$s]=$(site_free_port)
	site_server "${port[$s]}" "${cert[$s]}" "${conf[$s]}"
done
# one http:// side for all (--http-port is one per run): a real redirect
site_plain "$http" "return 301 https://localhost:${port[${sites[0]}]}\$request_uri;"
site_nginx_start || { echo "nginx did not start"; cat "$SITE_TMP/logs/error.log"; exit 2; }
n=${#sites[@]}
echo "sites: ${sites[*]} ($n, nginx on 127.0.0.1), $(nproc) cores"

now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN{printf "%.1f", (s > 0 ? 60 * n / s : 0)}'; }
urls=()
for s in "${sites[@]}"; do urls+=("https://localhost:${port[$s]}/"); done
common=(--ca-file "$SITE_TMP/tls/ca.crt" --http-port "$http" --no-baseline --json)

# khien, one site at a time (like the peer), then all at once (default --concurrency 4)
t0=$(now)
for u in "${urls[@]}"; do "$khien" site check "$u" "${common[@]}" >> "$SITE_TMP/k1.jsonl" 2>/dev/null; done
k_seq=$(awk -v a="$t0" -v b="$(now)" 'BEGIN{print b - a}')
t0=$(now)
"$khien" site check "${urls[@]}" "${common[@]}" > "$SITE_TMP/k4.jsonl" 2>/dev/null
k_par=$(awk -v a="$t0" -v b="$(now)" 'BEGIN{print b - a}')
lines=$(wc -l < "$SITE_TMP/k4.jsonl")
[ "$lines" = "$n" ] || echo "warning: khien printed $lines lines for $n sites"
printf '%-46s %8.1f s  %8s sites/min\n' "khien site check, one at a time" "$k_seq" "$(rate "$n" "$k_seq")"
printf '%-46s %8.1f s  %8s sites/min\n' "khien site check, --concurrency 4" "$k_par" "$(rate "$n" "$k_par")"
python3 - "$SITE_TMP/k4.jsonl" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    j = json.loads(l); t = j["tls"]
    n = sum(len(v) for v in t["ciphers"].values())
    print(f"  {j['url']:<28} grade {t['grade']}  {n:3d} suites  {j['seconds']:.1f} s")
PY

[ "$peer" = 1 ] || exit 0
t0=$(now)
for s in "${sites[@]}"; do
	t1=$(now)
	testssl --nodns none --ip 127.0.0.1 --warnings off --color 0 --quiet \
		--jsonfile "$SITE_TMP/ts-$s.json" "localhost:${port[$s]}" > "$SITE_TMP/ts-$s.txt" 2>&1
	printf '  testssl.sh %-12s %6.1f s\n' "$s" "$(awk -v a="$t1" -v b="$(now)" 'BEGIN{print b - a}')"
done
t_seq=$(awk -v a="$t0" -v b="$(now)" 'BEGIN{print b - a}')
printf '%-46s %8.1f s  %8s sites/min\n' "testssl.sh $(testssl --version 2>/dev/null | grep -o '3\.[0-9.]*' | head -1) (default checks), one at a time" \
	"$t_seq" "$(rate "$n" "$t_seq")"
printf 'ratio (khien / testssl.sh sites per minute): one at a time %sx, khien with --concurrency 4 %sx\n' \
	"$(awk -v a="$t_seq" -v b="$k_seq" 'BEGIN{printf "%.1f", a / b}')" \
	"$(awk -v a="$t_seq" -v b="$k_par" 'BEGIN{printf "%.1f", a / b}')"
