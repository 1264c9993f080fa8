#!/usr/bin/env bash
# site_bad_servers.sh — `khien site check` against servers that misbehave
# (lib/site_bad_server.py): stall mid-handshake, garbage instead of a
# ServerHello, close at once, close inside the headers, redirect forever,
# a 50 MB body, a body dripped a byte a second. Each must be bounded in time
# and size, reported in "errors", and the run must go on to a good site
# listed after them (--concurrency 2).
set -u
khien=$1
src=$2
. "$src/tests/integration/lib/site_servers.sh"
site_need nginx openssl python3
export KHIEN_LANG=en

site_init
site_make_certs
tmp=$SITE_TMP/out
mkdir -p "$tmp"
fail=0
limit=15 # --site-time-limit (room for the good site on a loaded machine)

modes=(stall garbage close tls_midheaders tls_loop tls_big tls_drip)
python3 "$src/tests/integration/lib/site_bad_server.py" --cert "$SITE_TMP/tls/good.crt" \
	--key "$SITE_TMP/tls/good.key" --lifetime 150 "${modes[@]}" http_loop > "$tmp/ports.json" &
SITE_EXTRA_PIDS="$!"
for _ in $(seq 100); do [ -s "$tmp/ports.json" ] && break; sleep 0.1; done
[ -s "$tmp/ports.json" ] || { echo "FAIL: the bad servers did not start"; exit 1; }
port() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$tmp/ports.json" "$1"; }

echo '<!DOCTYPE html><html><head><title>ok</title></head><body><p>ok</p></body></html>' > "$SITE_TMP/www/index.html"
good=$(site_free_port)
closed=$(site_free_port) # nothing listens there: every http:// session fails fast
site_nginx_begin
site_server "$good" good "ssl_protocols TLSv1.2 TLSv1.3; server_tokens off;"
site_nginx_start || { echo "FAIL: nginx did not start"; cat "$SITE_TMP/logs/error.log"; exit 1; }

urls=()
for m in "${modes[@]}"; do urls+=("https://localhost:$(port "$m")/"); done
urls+=("https://localhost:$good/")
start=$(date +%s)
timeout 180 "$khien" site check "${urls[@]}" --ca-file "$SITE_TMP/tls/ca.crt" --timeout 2 \
	--site-time-limit $limit --concurrency 2 --http-port "$closed" --no-baseline --json \
	> "$tmp/bad.jsonl" 2> "$tmp/bad.err"
rc=$?
wall=$(( $(date +%s) - start ))
echo "${#urls[@]} sites (7 misbehaving) in $wall s, exit $rc"
[ $rc = 124 ] && { echo "FAIL: the run hung (killed after 180 s)"; exit 1; }
[ $rc = 1 ] || { echo "FAIL: exit $rc, expected 1 (site problems are findings, not errors)"; cat "$tmp/bad.err"; fail=1; }
[ "$wall" -lt 120 ] || { echo "FAIL: $wall s for the whole run (hang guard: 120 s)"; fail=1; }
site_json_lines "$tmp/bad.jsonl" || { echo "FAIL: output is not JSON lines"; cat "$tmp/bad.err"; exit 1; }

LIMIT=$limit site_assert "$tmp/bad.jsonl" "${modes[@]}" good <<'PY' || fail=1
import os
limit = int(os.environ["LIMIT"])
err = lambda *words: (lambda l: any(all(w in e for w in words) for e in l))
for name in by:
    check(name, "url", lambda u: u.startswith("https://localhost:"))
    check(name, "seconds", lambda s: s <= limit + 4, f"<= {limit + 4} s (site time limit {limit})")
    if name != "good":
        check(name, "errors", lambda l: len(l) > 0, "some errors")
    if name in ("stall", "garbage", "close"):
        check(name, "checklist/@https_valid/pass", False)
check("stall", "tls/grade", None)
check("stall", "tls/error", lambda s: s is not None, "an error")
check("stall", "errors", lambda l: err("time limit")(l) or err("Timeout")(l), "a time limit or timeout")
for n in ("garbage", "close"):
    check(n, "tls/grade", None)
    check(n, "tls/protocols", lambda p: not any(p.values()), "no protocol")
    check(n, "errors", err("tls:", "handshake"), "a handshake error")
    check(n, "http/observatory/score", None)
check("tls_midheaders", "tls/protocols/TLSv1.3", True)
check("tls_midheaders", "errors", err("inside the response headers"), "closed inside the headers")
check("tls_midheaders", "http/observatory/error", lambda s: s is not None, "not scored")
check("tls_loop", "errors", err("redirect loop"), "a redirect loop")
check("tls_big", "errors", err("max_site_body_bytes"), "the body size limit")
check("tls_drip", "errors", err("Timeout"), "a timeout")
# the good site after them was assessed in full
check("good", "tls/grade", "A")
check("good", "tls/certificate/trusted", True)
check("good", "content/fetched", True)
check("good", "content/title", "ok")
check("good", "http/observatory/score", lambda s: isinstance(s, int), "a score")
check("good", "errors", lambda l: len(l) == 1 and "http://" in l[0], "only the closed http:// port")
PY

# an http:// side that redirects to itself forever, in front of a good https site
timeout 60 "$khien" site check "https://localhost:$good/" --ca-file "$SITE_TMP/tls/ca.crt" --timeout 2 \
	--site-time-limit 40 --http-port "$(port http_loop)" --no-baseline --no-exposures \
	--no-cipher-enum --no-legacy-probe --json \
	> "$tmp/loop.json" 2>/dev/null
site_assert "$tmp/loop.json" good <<'PY' || fail=1
check("good", "errors", lambda l: any("http://" in e and "redirect loop" in e for e in l), "an http:// redirect loop")
check("good", "http/redirects_to_https", False)
check("good", "checklist/@http_redirect/pass", False)
check("good", "tls/protocols/TLSv1.3", True)
check("good", "tls/certificate/trusted", True)
PY

[ $fail = 0 ] && echo "ok: site_bad_servers"
exit $fail
