#!/usr/bin/env bash
# site_observatory.sh — our Observatory score and grade against the MDN HTTP
# Observatory's own code (npm @mdn/mdn-http-observatory, pinned 1.4.8) on the
# SAME responses:
#   1. the recorded responses in tests/fixtures/site/obs (one per test
#      outcome we know of), scored by `khien site score` and by the
#      Observatory's test functions + grader (lib/site_obs_oracle.mjs);
#   2. live nginx servers on 127.0.0.1 with good, missing and broken headers:
#      `khien site check --record-dir` keeps the responses it graded, the
#      oracle scores those, and both must agree test by test;
#   3. where port 443/80 on 127.0.0.1 can be bound (root), the Observatory's
#      own CLI scans the good and the broken site and must give our grade.
set -u
khien=$1
src=$2
. "$src/tests/integration/lib/site_servers.sh"
site_need node npm nginx openssl python3

obs_ver=1.4.8
cache=${KHIEN_BUILD_DIR:-$src/build}/npm-obs
obs=$cache/node_modules/@mdn/mdn-http-observatory
if [ ! -f "$obs/package.json" ]; then
	mkdir -p "$cache"
	# --ignore-scripts: its install steps download data from the internet
	if ! (cd "$cache" && { [ -f package.json ] || npm init -y >/dev/null; } &&
	      npm install --ignore-scripts --no-audit --no-fund "@mdn/mdn-http-observatory@$obs_ver" \
	      >npm.log 2>&1); then
		echo "skipped: npm could not install @mdn/mdn-http-observatory@$obs_ver (see $cache/npm.log)"
		exit 77
	fi
fi
# what its post-install step would download: no site is HSTS-preloaded
echo '{}' > "$obs/conf/hsts-preload.json"
if ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)'; then
	echo "skipped: node $(node --version) is too old for the Observatory (needs 18+)"
	exit 77
fi

fail=0
# compare ORACLE.jsonl OURS.jsonl: same files, scores, grades and test results
compare() {
	python3 - "$1" "$2" <<'PY'
import json, sys
def load(p):
    return {j["file"]: j for j in map(json.loads, open(p))}
oracle, ours = load(sys.argv[1]), load(sys.argv[2])
bad = 0
if set(oracle) != set(ours) or not oracle:
    print("FAIL: file sets differ:", sorted(set(oracle) ^ set(ours)) or "none scored"); sys.exit(1)
for f, o in sorted(oracle.items()):
    u = ours[f]
    if o.get("error") or u.get("error"):
        if bool(o.get("error")) != bool(u.get("error")):
            bad += 1; print(f"FAIL {f}: error oracle={o.get('error')} ours={u.get('error')}")
        continue
    ut = {k: (v["result"] if isinstance(v, dict) else v) for k, v in u["tests"].items()}
    diff = {k: (v, ut.get(k)) for k, v in o["tests"].items() if ut.get(k) != v}
    if (o["score"], o["grade"]) != (u["score"], u["grade"]) or diff:
        bad += 1
        print(f"FAIL {f}: oracle {o['score']} {o['grade']} ours {u['score']} {u['grade']} {diff}")
print(f"{len(oracle)} responses, {bad} disagreements")
sys.exit(1 if bad else 0)
PY
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; site_cleanup' EXIT

# 1. recorded fixtures
fixtures=("$src"/tests/fixtures/site/obs/*.json)
node "$src/tests/integration/lib/site_obs_oracle.mjs" "$obs" "${fixtures[@]}" > "$tmp/oracle.jsonl" || {
	echo "FAIL: the oracle did not run"; exit 1; }
"$khien" site score "${fixtures[@]}" > "$tmp/ours.jsonl" || { echo "FAIL: khien site score"; fail=1; }
if compare "$tmp/oracle.jsonl" "$tmp/ours.jsonl"; then echo "ok: recorded fixtures agree"; else fail=1; fi

# 2. live servers: one HTTPS+HTTP pair per header profile
site_init
site_make_certs
cat > "$SITE_TMP/www/index.html" <<'HTML'
<!DOCTYPE html><html><head><title>UBND phường</title>
<script src="/app.js"></script></head><body><p>Cổng thông tin</p></body></html>
HTML
cat > "$SITE_TMP/www/ext.html" <<'HTML'
<!DOCTYPE html><html><head><title>ext</title>
<script src="http://cdn.example.invalid/x.js"></script>
<script src="https://cdn.example.invalid/y.js"></script></head><body>x</body></html>
HTML
echo 'void 0;' > "$SITE_TMP/www/app.js"
good_h='add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
    add_header Content-Security-Policy "default-src '"'"'none'"'"'; script-src '"'"'self'"'"'; img-src '"'"'self'"'"'; style-src '"'"'self'"'"'; base-uri '"'"'none'"'"'; form-action '"'"'self'"'"'; frame-ancestors '"'"'none'"'"'" always;
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    add_header Referrer-Policy no-referrer always;
    add_header Cross-Origin-Resource-Policy same-origin always;
    add_header Set-Cookie "__Host-sid=1; Path=/; Secure; HttpOnly; SameSite=Lax" always;'
broken_h='add_header Strict-Transport-Security "max-age=abc" always;
    add_header Content-Security-Policy "default-src * '"'"'unsafe-inline'"'"' '"'"'unsafe-eval'"'"'; script-src http:" always;
    add_header X-Content-Type-Options "yes" always;
    add_header X-Frame-Options "ALLOW-FROM https://x.example" always;
    add_header Referrer-Policy "unsafe-url" always;
    add_header Access-Control-Allow-Origin "*" always;
    add_header Set-Cookie "sessionid=1; Path=/" always;'
site_nginx_begin
declare -A https_port http_port
for prof in good missing broken ext; do
	https_port[$prof]=$(site_free_port)
	http_port[$prof]=$(site_free_port)
	case $prof in
	good) h=$good_h ;;
	broken) h=$broken_h ;;
	*) h="" ;;
	esac
	site_server "${https_port[$prof]}" good "$h"
	if [ "$prof" = missing ]; then
		site_plain "${http_port[$prof]}" 'location / { try_files $uri =404; }'
	else
		site_plain "${http_port[$prof]}" "return 301 https://localhost:${https_port[$prof]}\$request_uri;"
	fi
done
site_nginx_start || { echo "FAIL: nginx did not start"; cat "$SITE_TMP/logs/error.log"; exit 1; }

live=()
for prof in good missing broken ext; do
	path=/
	[ "$prof" = ext ] && path=/ext.html
	rec=$tmp/rec-$prof
	"$khien" --data-dir "$tmp/data" site check "https://localhost:${https_port[$prof]}$path" \
		--http-port "${http_port[$prof]}" --ca-file "$SITE_TMP/tls/ca.crt" --no-exposures \
		--no-cipher-enum --no-legacy-probe --no-baseline --record-dir "$rec" --json \
		> "$tmp/check-$prof.json"
	if [ ! -s "$rec/site-0.json" ]; then
		echo "FAIL: $prof: no recorded response"; fail=1; continue
	fi
	cp "$rec/site-0.json" "$tmp/live-$prof.json"
	live+=("$tmp/live-$prof.json")
done
node "$src/tests/integration/lib/site_obs_oracle.mjs" "$obs" "${live[@]}" > "$tmp/live-oracle.jsonl"
"$khien" site score "${live[@]}" > "$tmp/live-ours.jsonl"
if compare "$tmp/live-oracle.jsonl" "$tmp/live-ours.jsonl"; then echo "ok: live responses agree"; else fail=1; fi
# the check's own JSON line carries the same score as `site score`
python3 - "$tmp" <<'PY' || fail=1
import json, sys
t = sys.argv[1]
scores = {j["file"]: j for j in map(json.loads, open(t + "/live-ours.jsonl"))}
expect = {"good": "A+", "missing": "F", "broken": "D+"}  # broken: 40, confirmed by the Observatory CLI below
bad = 0
for prof in ("good", "missing", "broken", "ext"):
    line = json.loads(open(f"{t}/check-{prof}.json").read())
    obs = line["http"]["observatory"]
    s = scores[f"live-{prof}.json"]
    if (obs["score"], obs["grade"]) != (s["score"], s["grade"]):
        bad += 1; print(f"FAIL {prof}: check says {obs['score']} {obs['grade']}, score says {s['score']} {s['grade']}")
    if prof in expect and obs["grade"] != expect[prof]:
        bad += 1; print(f"FAIL {prof}: grade {obs['grade']}, expected {expect[prof]}")
    if line["http"]["redirects_to_https"] != (prof != "missing"):
        bad += 1; print(f"FAIL {prof}: redirects_to_https = {line['http']['redirects_to_https']}")
print("ok: check lines carry the scored grades" if not bad else "")
sys.exit(1 if bad else 0)
PY

# 3. the Observatory's own CLI, only where 443/80 can be had
if [ "$(id -u)" = 0 ] && python3 -c 'import socket
for p in (443, 80):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", p)); s.close()' 2>/dev/null; then
	kill -QUIT "$SITE_NGINX_PID"; sleep 0.3
	for prof in good broken; do
		site_nginx_begin
		[ "$prof" = good ] && h=$good_h || h=$broken_h
		site_server 443 good "$h"
		site_plain 80 'return 301 https://localhost$request_uri;'
		site_nginx_start || { echo "FAIL: nginx on 443"; fail=1; break; }
		# src/scan.js directly: bin/wrapper.js overwrites NODE_EXTRA_CA_CERTS
		(cd "$obs" && NODE_EXTRA_CA_CERTS=$SITE_TMP/tls/ca.crt timeout 60 node src/scan.js localhost) \
			> "$tmp/cli-$prof.json" 2>"$tmp/cli-$prof.err"
		"$khien" --data-dir "$tmp/data" site check https://localhost/ --ca-file "$SITE_TMP/tls/ca.crt" \
			--no-exposures --no-cipher-enum --no-legacy-probe --no-baseline --json > "$tmp/ours-$prof.json"
		kill -QUIT "$SITE_NGINX_PID"; sleep 0.3
		python3 - "$tmp/cli-$prof.json" "$tmp/ours-$prof.json" "$prof" <<'PY' || fail=1
import json, sys
try:
    cli = json.load(open(sys.argv[1]))
except ValueError:
    print(f"FAIL {sys.argv[3]}: the Observatory CLI printed no JSON"); sys.exit(1)
ours = json.load(open(sys.argv[2]))["http"]["observatory"]
sc = cli.get("scan", cli)
theirs = (sc.get("score"), sc.get("grade"))
mine = (ours["score"], ours["grade"])
print(("ok" if theirs == mine else "FAIL") + f": Observatory CLI {sys.argv[3]}: theirs {theirs} ours {mine}")
sys.exit(0 if theirs == mine else 1)
PY
	done
else
	echo "note: the Observatory CLI part needs root and free ports 443/80 on 127.0.0.1; not run"
fi
exit $fail
