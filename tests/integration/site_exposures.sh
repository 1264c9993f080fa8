#!/usr/bin/env bash
# site_exposures.sh — the read-only exposure checks of `khien site check` on
# nginx servers on 127.0.0.1: an exposed .git, .env, a database dump,
# phpinfo, directory listing (autoindex), version-leaking Server header; a
# clean site, and a site that answers 200 with its home page for every path
# (no false positives from "soft 404" pages).
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

home='<!DOCTYPE html><html><head><title>Trang chủ</title></head><body><p>Trang chủ</p></body></html>'
for d in leaky clean spa; do mkdir -p "$SITE_TMP/www-$d"; echo "$home" > "$SITE_TMP/www-$d/index.html"; done
w=$SITE_TMP/www-leaky
mkdir -p "$w/.git" "$w/uploads"
echo 'ref: refs/heads/main' > "$w/.git/HEAD"
printf 'APP_ENV=production\nDB_HOST=10.0.0.5\nDB_PASSWORD=s3cret\n' > "$w/.env"
printf -- '-- MySQL dump\nCREATE TABLE users (id int);\nINSERT INTO users VALUES (1);\n' > "$w/backup.sql"
echo '<html><body><h1>PHP Version 7.4.3</h1><p>PHP License</p></body></html>' > "$w/phpinfo.php"
echo 'x' > "$w/uploads/cv.pdf"
# the clean site has the same files, but denies dot-files and lists nothing
cp -r "$w/.git" "$w/.env" "$SITE_TMP/www-clean/"
mkdir -p "$SITE_TMP/www-clean/uploads"

declare -A port
names=(leaky clean spa)
for n in "${names[@]}"; do port[$n]=$(site_free_port); done
site_nginx_begin
site_server "${port[leaky]}" good "ssl_protocols TLSv1.2 TLSv1.3; server_tokens on;
    location /uploads/ { autoindex on; }" "$SITE_TMP/www-leaky"
site_server "${port[clean]}" good "ssl_protocols TLSv1.2 TLSv1.3; server_tokens off;
    location ~ /\\. { return 404; }" "$SITE_TMP/www-clean"
# every unknown path gets the home page with status 200
site_server "${port[spa]}" good "ssl_protocols TLSv1.2 TLSv1.3; server_tokens off;
    error_page 404 =200 /index.html;" "$SITE_TMP/www-spa"
site_nginx_start || { echo "FAIL: nginx did not start"; cat "$SITE_TMP/logs/error.log"; exit 1; }

urls=()
for n in "${names[@]}"; do urls+=("https://localhost:${port[$n]}/"); done
start=$(date +%s%N)
"$khien" site check "${urls[@]}" --ca-file "$SITE_TMP/tls/ca.crt" --no-cipher-enum --no-legacy-probe \
	--no-baseline --concurrency 3 --json > "$tmp/exp.jsonl" 2> "$tmp/exp.err"
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "3 sites with exposure checks in $ms ms (exit $rc)"
[ $rc = 1 ] || { echo "FAIL: exit $rc, expected 1 (the leaky site fails its checklist)"; fail=1; }
site_json_lines "$tmp/exp.jsonl" || { echo "FAIL: output is not JSON lines"; cat "$tmp/exp.err"; exit 1; }
site_assert "$tmp/exp.jsonl" "${names[@]}" <<'PY' || fail=1
def found(name):
    return {(e["id"], e["path"], e["severity"]) for e in by[name]["exposures"]}
want = {("git_head", "/.git/HEAD", "critical"), ("env_file", "/.env", "critical"),
        ("backup_file", "/backup.sql", "critical"), ("phpinfo", "/phpinfo.php", "warning"),
        ("directory_listing", "/uploads/", "warning"), ("server_version", "server", "warning")}
check("leaky", "exposures", lambda l: want <= found("leaky"), sorted(want))
check("leaky", "exposures", lambda l: all(e["id"] in {w[0] for w in want} for e in l), "nothing else")
check("leaky", "exposures", lambda l: any("nginx/" in e["detail"] for e in l), "the Server version in a detail")
check("leaky", "software", lambda l: any(s["name"] == "nginx" and s["version"] and s["cpe"].startswith("cpe:2.3:a:f5:nginx:")
                                         for s in l), "nginx with its version and CPE")
check("leaky", "checklist/@no_critical_exposure/pass", False)
check("leaky", "checklist/@no_critical_exposure/reason", lambda s: ".git" in s or "Git" in s, "names the .git exposure")
check("clean", "exposures", [])
check("clean", "checklist/@no_critical_exposure/pass", True)
check("spa", "exposures", [])
check("spa", "checklist/@no_critical_exposure/pass", True)
PY
# only GET/HEAD, each path at most twice, nothing outside the fixed list
python3 - "$SITE_TMP/logs/access.log" <<'PY' || fail=1
import collections, re, sys
reqs = collections.Counter()
bad = 0
for line in open(sys.argv[1]):
    m = re.search(r'"(\S+) (\S+) HTTP/[\d.]+"', line)
    if not m:
        continue
    if m.group(1) not in ("GET", "HEAD", "OPTIONS"):
        bad += 1; print("FAIL: method", m.group(1), m.group(2))
    reqs[m.group(2)] += 1
print(f"{sum(reqs.values())} requests to {len(reqs)} paths")
if sum(reqs.values()) > 3 * 40:
    bad += 1; print("FAIL: more than 40 requests per site")
sys.exit(1 if bad else 0)
PY

# --no-exposures: no probe requests at all
: > "$SITE_TMP/logs/access.log"
kill -USR1 "$SITE_NGINX_PID"; sleep 0.3
"$khien" site check "https://localhost:${port[leaky]}/" --ca-file "$SITE_TMP/tls/ca.crt" --no-cipher-enum \
	--no-legacy-probe --no-baseline --no-exposures --json > "$tmp/noexp.json" 2>/dev/null
sleep 0.3
if grep -q -e '\.git/HEAD' -e '/\.env' "$SITE_TMP/logs/access.log"; then
	echo "FAIL: --no-exposures still probed"; fail=1
fi
site_assert "$tmp/noexp.json" leaky <<'PY' || fail=1
check("leaky", "exposures", lambda l: all(e["id"] == "server_version" for e in l), "at most the Server header")
PY

[ $fail = 0 ] && echo "ok: site_exposures"
exit $fail
