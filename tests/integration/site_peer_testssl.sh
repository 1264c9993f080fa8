#!/usr/bin/env bash
# site_peer_testssl.sh — our TLS findings against Debian's testssl.sh 3.0.8 on
# the same local nginx servers (a good one and a bad one, made here), item by
# item: protocols offered, cipher suites by IANA id, and the certificate
# findings (expired, trust, self-signed, key type and size, signature
# algorithm, name match). testssl.sh runs only the checks compared
# (-p -e -S) with --jsonfile; a mismatch prints a diff and fails.
#
# What testssl.sh sees here: it uses the system OpenSSL 3 (no SSLv2/SSLv3,
# RC4, export or 3DES in it) and its own sockets for SSLv2/SSLv3 and for the
# suites that OpenSSL lacks (-e: "via OpenSSL plus sockets"), so its list
# covers what our OpenSSL enumeration plus the hand-built prober cover.
set -u
khien=$1
src=$2
. "$src/tests/integration/lib/site_servers.sh"
site_need nginx openssl python3 testssl
# The comparison is with a peer, not a check of our memory safety: under the
# sanitizers our side is exercised by site_tls.sh, and testssl.sh's minutes
# would be spent twice. Reported as skipped there, never as passed.
if [ -n "${KHIEN_SANITIZED:-}" ]; then
	echo "skipped: the testssl.sh comparison runs in the plain build (make test runs it there)"
	exit 77
fi
export KHIEN_LANG=en

site_init
site_make_certs
tmp=$SITE_TMP/out
mkdir -p "$tmp"
fail=0

# bad: self-signed, RSA 1024, SHA-1, expired, CN only (a name nobody asks
# for); TLS 1.0-1.2 with a handful of weak suites: NULL, anonymous, no
# forward secrecy, CBC. (testssl.sh -e needs one more round of handshakes
# per suite a server accepts; nginx with 'ALL' makes that ~10 minutes here.)
site_selfsigned_dated bad rsa:1024 wrong.example 20200101000000Z 20210101000000Z sha1
echo '<!DOCTYPE html><html><head><title>t</title></head><body>t</body></html>' > "$SITE_TMP/www/index.html"
good=$(site_free_port)
bad=$(site_free_port)
site_nginx_begin
site_server "$good" good "ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA:@SECLEVEL=2';"
site_server "$bad" bad "ssl_protocols TLSv1 TLSv1.1 TLSv1.2; ssl_ciphers 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA:AES128-SHA:AES256-SHA256:CAMELLIA128-SHA:ADH-AES128-SHA:AECDH-AES256-SHA:NULL-SHA:NULL-MD5:@SECLEVEL=0';"
OPENSSL_CONF=$(site_seclevel0_conf) site_nginx_start ||
	{ echo "FAIL: nginx did not start"; cat "$SITE_TMP/logs/error.log"; exit 1; }

# both testssl.sh runs at once (they wait on handshakes more than on the
# CPU). --fast: -e through OpenSSL only, without its sockets pass for the
# suites OpenSSL lacks; nginx here runs on the same OpenSSL, so it cannot
# offer any of those (a full sockets run against the RC4/NULL/anon-laden
# /work/shared/bench/sites.sh bad site agreed on all 58 suites), and the
# pass doubles the time. Its OpenSSL pass leaves out NULL and anonymous
# suites, so ours of those are checked against the nginx configuration. On an idle machine each takes 1-2 minutes; when other builds load
# the machine it can take several times that, so each run is cut at
# $budget s and what it wrote by then is compared (see below).
budget=${KHIEN_TESTSSL_SECONDS:-360}
start=$(date +%s)
pids=()
for name in good bad; do
	port=$good; [ $name = bad ] && port=$bad
	{
		timeout "$budget" testssl --jsonfile "$tmp/testssl-$name.json" --nodns none --ip 127.0.0.1 \
			--add-ca "$SITE_TMP/tls/ca.crt" -p -e -S --fast --warnings off --color 0 --quiet \
			"localhost:$port" > "$tmp/testssl-$name.txt" 2>&1
		echo $? > "$tmp/testssl-$name.rc"
	} &
	pids+=($!)
done
"$khien" site check "https://localhost:$good/" "https://localhost:$bad/" --ca-file "$SITE_TMP/tls/ca.crt" \
	--http-port "$(site_free_port)" --no-baseline --no-exposures --json > "$tmp/khien.jsonl" 2> "$tmp/khien.err"
for p in "${pids[@]}"; do wait "$p"; done
echo "testssl.sh (2 sites, -p -e -S) and khien done in $(( $(date +%s) - start )) s"
# a run that was cut short left its JSON array open: close it
for name in good bad; do
	python3 - "$tmp/testssl-$name.json" <<'PY'
import json, sys
p = sys.argv[1]
try:
    text = open(p).read()
except OSError:
    text = ""
try:
    json.loads(text)
except ValueError:
    fixed = text.rstrip().rstrip(",") + "]" if text.strip() else "[]"
    try:
        json.loads(fixed)
    except ValueError:
        fixed = "[]"
    open(p, "w").write(fixed)
PY
done
site_json_lines "$tmp/khien.jsonl" || { echo "FAIL: khien printed no JSON lines"; cat "$tmp/khien.err"; exit 1; }

RC_GOOD=$(cat "$tmp/testssl-good.rc") RC_BAD=$(cat "$tmp/testssl-bad.rc") \
python3 - "$tmp/khien.jsonl" "$tmp/testssl-good.json" "$tmp/testssl-bad.json" <<'PY'
import json, os, re, sys
ours = [json.loads(l) for l in open(sys.argv[1])]
bad = compared = 0

def finding(ts, ident):
    for f in ts:
        if f.get("id") == ident:
            return f.get("finding", "")
    return None

def compare(site, item, theirs, mine):
    global bad, compared
    compared += 1
    if theirs == mine:
        print(f"  same   {site:<4} {item:<22} {mine}")
    else:
        bad += 1
        print(f"  DIFFER {site:<4} {item:<22} testssl.sh: {theirs}\n{'':35}khien:      {mine}")

PROTOS = {"SSLv3": "SSLv3", "TLS1": "TLSv1.0", "TLS1_1": "TLSv1.1", "TLS1_2": "TLSv1.2", "TLS1_3": "TLSv1.3"}
# testssl.sh's names for signature algorithms (testssl.sh: certificate_info)
SIG = {"sha1WithRSAEncryption": "SHA1 with RSA", "sha256WithRSAEncryption": "SHA256 with RSA",
       "sha384WithRSAEncryption": "SHA384 with RSA", "sha512WithRSAEncryption": "SHA512 with RSA",
       "ecdsa-with-SHA256": "ECDSA with SHA256", "ecdsa-with-SHA384": "ECDSA with SHA384",
       "md5WithRSAEncryption": "MD5 with RSA"}

for site, line, path in (("good", ours[0], sys.argv[2]), ("bad", ours[1], sys.argv[3])):
    ts = json.load(open(path))
    if isinstance(ts, dict):  # --jsonfile-pretty shape
        ts = ts.get("scanResult", [{}])[0].get("findings", [])
    tls, cert = line["tls"], line["tls"]["certificate"]
    print(f"{site}: {line['url']}")
    # protocols
    if finding(ts, "TLS1_2") is None:
        print(f"  note: testssl.sh recorded nothing for {site} in its time budget; not compared")
        continue
    theirs = {PROTOS[k]: finding(ts, k).startswith("offered") for k in PROTOS if finding(ts, k) is not None}
    compare(site, "protocols", theirs, {k: tls["protocols"][k] for k in theirs})
    # suites: testssl -e lists each offered suite once, "cipher-x<hex>" (or "cipher_x<hex>")
    theirs = set()
    for f in ts:
        m = re.fullmatch(r"cipher[-_]x([0-9a-fA-F]+)", f.get("id", ""))
        if m and "not offered" not in f.get("finding", ""):
            theirs.add("0x%04x" % int(m.group(1), 16))
    mine = {c["id"] for p in tls["ciphers"].values() for c in p}
    # --fast's OpenSSL pass never offers NULL or anonymous suites (measured:
    # it missed 0x0001, 0x0002, 0xc019 here; its sockets pass finds them),
    # so those are checked against the nginx configuration instead
    blind = {c["id"] for p in tls["ciphers"].values() for c in p if {"null", "anon"} & set(c["strength"])}
    if site == "bad":
        compare(site, "NULL/anon (config)", sorted(blind), ["0x0001", "0x0002", "0xc019"])
    mine -= blind
    # -e prints its list at the very end: a run cut by `timeout` (124; its
    # exit trap still closes the JSON) may have printed part of it or none
    if os.environ.get("RC_" + site.upper()) == "124":
        print(f"  note: testssl.sh did not finish -e for {site} in its time budget; suites not compared")
    else:
        compare(site, "suites", sorted(theirs), sorted(mine))
        if theirs != mine:
            print(f"{'':9}only testssl.sh: {sorted(theirs - mine)}\n{'':9}only khien:      {sorted(mine - theirs)}")
    # certificate
    if finding(ts, "cert_expirationStatus") is None:
        print(f"  note: testssl.sh did not reach -S for {site} in its time budget; certificate not compared")
        continue
    compare(site, "expired", finding(ts, "cert_expirationStatus") == "expired", cert["expired"])
    chain = finding(ts, "cert_chain_of_trust") or ""
    compare(site, "trusted", chain.startswith("passed"), cert["trusted"])
    # testssl.sh names self-signing only as the reason a chain failed; a
    # self-signed anchor given with --add-ca just "passed"
    compare(site, "self-signed (untrusted)", "self signed" in chain, cert["self_signed"] and not cert["trusted"])
    size = finding(ts, "cert_keySize") or ""
    m = re.match(r"(RSA|EC|DSA)\s+(\d+) bits", size)
    compare(site, "key", (m.group(1), int(m.group(2))) if m else size, (cert["key_type"], cert["key_bits"]))
    compare(site, "signature algorithm", finding(ts, "cert_signatureAlgorithm"),
            SIG.get(cert["signature_algorithm"], cert["signature_algorithm"]))
    name = finding(ts, "cert_trust") or ""
    compare(site, "hostname match", name.startswith("Ok via"), cert["hostname_match"])
print(f"{compared} items compared, {bad} differences")
if compared == 0:
    sys.exit(77)
sys.exit(1 if bad else 0)
PY
rc=$?
if [ $rc = 77 ]; then
	echo "skipped: testssl.sh produced nothing to compare within ${budget} s a site (machine too loaded?)"
	exit 77
fi
[ $rc = 0 ] || fail=1

[ $fail = 0 ] && echo "ok: site_peer_testssl"
exit $fail
