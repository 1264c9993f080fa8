#!/usr/bin/env bash
# site_tls.sh — `khien site check --json` against real TLS servers on
# 127.0.0.1 made here (nginx, and `openssl s_server` for one chosen suite):
# protocols, suites, certificate fields, the SSL Labs grade and its caps
# (src/site/tls_grade.c), the HTTP redirect, the Observatory grade of missing
# headers, the trust-label checklist and the exit codes 0/1/2.
set -u
khien=$1
src=$2
. "$src/tests/integration/lib/site_servers.sh"
site_need nginx openssl python3
export KHIEN_LANG=en

site_init
site_make_certs
tmp=$SITE_TMP/out
mkdir -p "$tmp" "$SITE_TMP/www-ok"
fail=0

# A page that passes every checklist item (owner information of Decree
# 42/2022 in the footer), and the plain default page.
cat > "$SITE_TMP/www-ok/index.html" <<'HTML'
<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Cổng thông tin điện tử phường</title></head>
<body><h1>Cổng thông tin điện tử</h1><p>Tin tức hoạt động của phường.</p>
<footer>Cơ quan chủ quản: Ủy ban nhân dân phường Bến Nghé. Địa chỉ: 29 Lê Duẩn, Quận 1.
Điện thoại: 028 3822 1234. Email: ubnd@example.gov.vn.
Người chịu trách nhiệm: Nguyễn Văn A, Chủ tịch UBND.</footer></body></html>
HTML
cat > "$SITE_TMP/www/index.html" <<'HTML'
<!DOCTYPE html><html><head><title>test</title></head><body><p>test page</p></body></html>
HTML

hsts='add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;'
headers="$hsts
    add_header Content-Security-Policy \"default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'\" always;
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    add_header Referrer-Policy no-referrer always;"
modern='ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20; server_tokens off;'

# name  https-port  http-port  cert  directives  docroot
declare -A port hport
names=(good selfsigned expired wronghost weakkey tls10 noheaders)
for n in "${names[@]}" cbc; do port[$n]=$(site_free_port); hport[$n]=$(site_free_port); done

site_nginx_begin
site_server "${port[good]}" good "$modern $headers" "$SITE_TMP/www-ok"
site_plain "${hport[good]}" "server_tokens off; return 301 https://localhost:${port[good]}\$request_uri;"
site_server "${port[selfsigned]}" self "$modern $headers"
site_server "${port[expired]}" expired "$modern $headers"
site_server "${port[wronghost]}" wronghost "$modern $headers"
# TLS 1.0 needs @SECLEVEL=0 with Debian's OpenSSL 3 (its default level 2
# refuses SHA-1 signatures, which TLS 1.0/1.1 need)
site_server "${port[tls10]}" rsa "ssl_protocols TLSv1 TLSv1.2; ssl_ciphers 'ECDHE+AESGCM:ECDHE+AES:@SECLEVEL=0'; server_tokens off; $headers"
# no headers at all, and http:// serves the page instead of redirecting
site_server "${port[noheaders]}" good "$modern"
site_plain "${hport[noheaders]}" "server_tokens off; location / { try_files \$uri =404; }"
for n in selfsigned expired wronghost weakkey tls10; do
	[ $n = weakkey ] && continue
	site_plain "${hport[$n]}" "server_tokens off; return 301 https://localhost:${port[$n]}\$request_uri;"
done
site_nginx_start || { echo "FAIL: nginx did not start"; cat "$SITE_TMP/logs/error.log"; exit 1; }
# RSA 1024: OpenSSL 3 refuses to load the key below @SECLEVEL=0, and nginx
# loads certificates before it applies ssl_ciphers; s_server sets it first
if ! site_s_server "${port[weakkey]}" weak -no_tls1 -no_tls1_1 -cipher 'ECDHE+AESGCM:@SECLEVEL=0'; then
	echo "FAIL: openssl s_server (weak key) did not start"; cat "$SITE_TMP"/logs/s_server-*.log; exit 1
fi
# one suite without forward secrecy or AEAD (AES128-SHA, TLS 1.2 only)
if ! site_s_server "${port[cbc]}" rsa -tls1_2 -cipher AES128-SHA; then
	echo "FAIL: openssl s_server did not start"; cat "$SITE_TMP"/logs/s_server-*.log; exit 1
fi

# ---- every site at once (one process each: --http-port differs per site)
urls=()
for n in "${names[@]}"; do urls+=("https://localhost:${port[$n]}/"); done
args=(--ca-file "$SITE_TMP/tls/ca.crt" --no-baseline --timeout 10)
start=$(date +%s)
pids=()
for i in "${!names[@]}"; do
	n=${names[$i]}
	"$khien" site check "${urls[$i]}" --http-port "${hport[$n]}" "${args[@]}" --json \
		> "$tmp/$n.json" 2> "$tmp/$n.err" &
	pids+=($!)
done
wait "${pids[@]}"  # not a bare wait: the s_servers run in the background too
: > "$tmp/all.jsonl"
for n in "${names[@]}"; do cat "$tmp/$n.json" >> "$tmp/all.jsonl"; done
echo "assessed ${#names[@]} sites in $(( $(date +%s) - start )) s"
site_json_lines "$tmp/all.jsonl" || { echo "FAIL: output is not JSON lines"; cat "$tmp"/*.err; exit 1; }

site_assert "$tmp/all.jsonl" "${names[@]}" <<'PY' || fail=1
neg = lambda v: isinstance(v, int) and v < 0
pos = lambda v: isinstance(v, int) and v > 0
protos = lambda *on: {p: p in on for p in ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")}
# good: EC P-256 under our CA, TLS 1.2 + 1.3, long HSTS -> A+
check("good", "tls/protocols", protos("TLSv1.2", "TLSv1.3"))
for k, v in (("trusted", True), ("expired", False), ("hostname_match", True), ("self_signed", False),
             ("key_type", "EC"), ("key_bits", 256), ("signature_algorithm", "sha256WithRSAEncryption")):
    check("good", "tls/certificate/" + k, v)
check("good", "tls/certificate/days_left", lambda v: 80 <= v <= 90, "about 90 days")
check("good", "tls/grade", "A+")
check("good", "tls/ciphers/TLSv1.0", [])
check("good", "tls/ciphers/TLSv1.2", lambda l: l and all("aead" in c["strength"] and "fs" in c["strength"] for c in l),
      "only AEAD+FS suites")
check("good", "tls/ciphers/TLSv1.3", lambda l: {c["id"] for c in l} >= {"0x1301", "0x1302"}, "TLS 1.3 AES-GCM suites")
check("good", "http/redirects_to_https", True)
check("good", "http/observatory/tests/strict-transport-security/pass", True)
for item in ("https_valid", "http_redirect", "no_weak_protocol", "no_critical_exposure",
             "no_malware_injection", "owner_info"):
    check("good", f"checklist/@{item}/pass", True)
check("good", "errors", [])
# self-signed: untrusted -> T (the grade if trusted is kept)
check("selfsigned", "tls/certificate/trusted", False)
check("selfsigned", "tls/certificate/self_signed", True)
check("selfsigned", "tls/grade", "T")
check("selfsigned", "tls/grade_if_trusted", lambda g: g in ("A", "A+"), "A or A+")
check("selfsigned", "checklist/@https_valid/pass", False)
check("selfsigned", "checklist/@https_valid/reason", lambda s: "trusted" in s, "a reason naming trust")
check("selfsigned", "checklist/@https_valid/fix", lambda s: len(s) > 10, "a fix")
# expired: days_left negative, T
check("expired", "tls/certificate/expired", True)
check("expired", "tls/certificate/days_left", neg, "negative")
check("expired", "tls/grade", "T")
check("expired", "checklist/@https_valid/pass", False)
# wrong host: trusted chain, name mismatch -> M
check("wronghost", "tls/certificate/trusted", True)
check("wronghost", "tls/certificate/hostname_match", False)
check("wronghost", "tls/grade", "M")
check("wronghost", "checklist/@https_valid/pass", False)
# RSA 1024: capped at B
check("weakkey", "tls/certificate/key_type", "RSA")
check("weakkey", "tls/certificate/key_bits", 1024)
check("weakkey", "tls/certificate/signature_algorithm", "sha256WithRSAEncryption")
check("weakkey", "tls/grade", "B")
# TLS 1.0 allowed: capped at B, checklist fails
check("tls10", "tls/protocols", protos("TLSv1.0", "TLSv1.2"))
check("tls10", "tls/ciphers/TLSv1.0", lambda l: l and all("cbc" in c["strength"] for c in l), "CBC suites")
check("tls10", "tls/ciphers/TLSv1.1", [])
check("tls10", "tls/certificate/key_bits", 2048)
check("tls10", "tls/grade", "B")
check("tls10", "tls/grade_notes", lambda l: any("TLS 1.0" in s for s in l), "a TLS 1.0 note")
check("tls10", "checklist/@no_weak_protocol/pass", False)
check("tls10", "checklist/@no_weak_protocol/reason", lambda s: "TLSv1.0" in s, "names TLSv1.0")
# no headers, no redirect: Observatory F, checklist http_redirect fails
check("noheaders", "http/redirects_to_https", False)
check("noheaders", "http/observatory/grade", "F")
check("noheaders", "http/observatory/score", lambda v: isinstance(v, int) and v < 25, "score < 25")
for t in ("content-security-policy", "strict-transport-security", "x-frame-options", "redirection"):
    check("noheaders", f"http/observatory/tests/{t}/pass", False)
check("noheaders", "tls/grade", "A")  # no long HSTS: A, not A+
check("noheaders", "checklist/@http_redirect/pass", False)
check("noheaders", "checklist/@https_valid/pass", True)
PY

# ---- openssl s_server with one CBC suite: no FS, no AEAD -> B; exactly that suite
"$khien" site check "https://localhost:${port[cbc]}/" --http-port "${hport[cbc]}" "${args[@]}" \
	--no-exposures --json > "$tmp/cbc.json" 2> "$tmp/cbc.err"
site_assert "$tmp/cbc.json" cbc <<'PY' || fail=1
check("cbc", "tls/protocols/TLSv1.2", True)
check("cbc", "tls/protocols/TLSv1.3", False)
check("cbc", "tls/protocols/TLSv1.1", False)
check("cbc", "tls/ciphers/TLSv1.2", lambda l: [(c["id"], c["name"]) for c in l] == [("0x002f", "AES128-SHA")],
      "only 0x002f AES128-SHA")
check("cbc", "tls/ciphers/TLSv1.2/0/strength", ["cbc"])
check("cbc", "tls/grade", "B")
check("cbc", "tls/grade_notes", lambda l: any("forward secrecy" in s for s in l) and any("AEAD" in s for s in l),
      "notes on forward secrecy and AEAD")
check("cbc", "errors", lambda l: any("http" in e for e in l), "an http error (nothing on the http port)")
PY

# ---- SSLv3 and RC4, which only the hand-built ClientHello prober can see
# (OpenSSL 3 has neither): a fake 2000-era server from lib/site_bad_server.py
python3 "$src/tests/integration/lib/site_bad_server.py" --cert "$SITE_TMP/tls/good.crt" \
	--key "$SITE_TMP/tls/good.key" --lifetime 120 legacy_rc4 > "$tmp/legacy-port.json" &
SITE_EXTRA_PIDS="${SITE_EXTRA_PIDS:-} $!"
for _ in $(seq 100); do [ -s "$tmp/legacy-port.json" ] && break; sleep 0.1; done
lport=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["legacy_rc4"])' "$tmp/legacy-port.json")
"$khien" site check "https://localhost:$lport/" --http-port "$(site_free_port)" "${args[@]}" \
	--no-exposures --json > "$tmp/legacy.json" 2> "$tmp/legacy.err"
site_assert "$tmp/legacy.json" legacy <<'PY' || fail=1
rc4 = [{"id": "0x0005", "name": "RC4-SHA", "bits": 128, "strength": ["rc4"], "legacy_probe": True}]
check("legacy", "tls/protocols", {"SSLv3": True, "TLSv1.0": True, "TLSv1.1": False, "TLSv1.2": False, "TLSv1.3": False})
check("legacy", "tls/ciphers/SSLv3", rc4)
check("legacy", "tls/ciphers/TLSv1.0", rc4)
check("legacy", "tls/grade", "C")  # SSLv3 (POODLE) and no TLS 1.2: capped at C
check("legacy", "tls/grade_notes", lambda l: "SSLv3 accepted" in l and "RC4 accepted" in l, "SSLv3 and RC4 notes")
check("legacy", "checklist/@no_weak_protocol/pass", False)
check("legacy", "checklist/@no_weak_protocol/reason", lambda s: "SSLv3" in s and "RC4" in s, "names SSLv3 and RC4")
PY

# ---- exit codes: 0 when every item passes, 1 on a failure, 2 on errors
"$khien" site check "https://localhost:${port[good]}/" --http-port "${hport[good]}" "${args[@]}" \
	--json > /dev/null 2>&1
rc=$?; [ $rc = 0 ] || { echo "FAIL: exit $rc for the good site, expected 0"; fail=1; }
"$khien" site check "https://localhost:${port[expired]}/" --http-port "${hport[expired]}" "${args[@]}" \
	--no-exposures > "$tmp/expired.txt" 2>&1
rc=$?; [ $rc = 1 ] || { echo "FAIL: exit $rc for the expired site, expected 1"; fail=1; }
grep -q 'FAIL\] https_valid' "$tmp/expired.txt" || { echo "FAIL: text report lacks the failed item"; cat "$tmp/expired.txt"; fail=1; }
"$khien" site check "ftp://localhost/" --json > /dev/null 2>&1
rc=$?; [ $rc = 2 ] || { echo "FAIL: exit $rc for an ftp:// URL, expected 2"; fail=1; }
"$khien" site check "https://localhost:${port[good]}/" --ca-file "$SITE_TMP/nonexistent.pem" --json > /dev/null 2>&1
rc=$?; [ $rc = 2 ] || { echo "FAIL: exit $rc for a missing --ca-file, expected 2"; fail=1; }
"$khien" site check --concurrency 0 "https://localhost/" > /dev/null 2>&1
rc=$?; [ $rc = 2 ] || { echo "FAIL: exit $rc for --concurrency 0, expected 2"; fail=1; }
# a failure and an error in one run: the error wins
"$khien" site check "https://localhost:${port[expired]}/" "gopher://x/" --http-port "${hport[expired]}" \
	"${args[@]}" --no-exposures --json > "$tmp/mixed.json" 2>/dev/null
rc=$?; [ $rc = 2 ] || { echo "FAIL: exit $rc for expired + bad URL, expected 2"; fail=1; }
[ "$(wc -l < "$tmp/mixed.json")" = 1 ] || { echo "FAIL: the good URL of a mixed run was not printed"; fail=1; }

[ $fail = 0 ] && echo "ok: site_tls"
exit $fail
