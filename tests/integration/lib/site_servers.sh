# site_servers.sh — sourced by tests/integration/site_*.sh: makes a CA and
# good/bad certificates with the openssl CLI, writes an nginx configuration
# with one server per case on free 127.0.0.1 ports, starts and stops it.
# Everything lives in $SITE_TMP (a mktemp dir removed by site_cleanup).

site_need() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || { echo "skipped: $tool not installed"; exit 77; }
	done
}

# A free TCP port on 127.0.0.1 (the kernel picks; a tiny race is acceptable).
site_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

site_init() {
	SITE_TMP=$(mktemp -d /tmp/khien-site.XXXXXX)
	chmod 755 "$SITE_TMP"
	mkdir -p "$SITE_TMP"/{tls,www,logs,tmp}
	trap site_cleanup EXIT
}

site_cleanup() {
	[ -n "${SITE_NGINX_PID:-}" ] && kill -QUIT "$SITE_NGINX_PID" 2>/dev/null
	[ -f "$SITE_TMP/nginx.pid" ] && kill -QUIT "$(cat "$SITE_TMP/nginx.pid" 2>/dev/null)" 2>/dev/null
	for pid in ${SITE_EXTRA_PIDS:-}; do kill "$pid" 2>/dev/null; done
	sleep 0.2
	rm -rf "$SITE_TMP"
}

# leaf NAME KEYSPEC SAN [startdate enddate] [md]: a CA-signed certificate.
site_leaf() {
	local name=$1 keyspec=$2 san=$3 start=${4:-} end=${5:-} md=${6:-sha256}
	local d=$SITE_TMP/tls
	case "$keyspec" in
	rsa:*) openssl genrsa -out "$d/$name.key" "${keyspec#rsa:}" 2>/dev/null ;;
	ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$d/$name.key" 2>/dev/null ;;
	esac
	openssl req -new -key "$d/$name.key" -subj "/CN=${san#*:}" -out "$d/$name.csr" 2>/dev/null
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$san" > "$d/$name.ext"
	if [ -n "$start" ]; then
		openssl ca -batch -config "$d/ca.cnf" -in "$d/$name.csr" -out "$d/$name.crt" \
			-startdate "$start" -enddate "$end" -md "$md" -notext -extfile "$d/$name.ext" 2>/dev/null
	else
		openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
			-CAcreateserial -days 90 -"$md" -extfile "$d/$name.ext" -out "$d/$name.crt" 2>/dev/null
	fi
}

site_make_certs() {
	local d=$SITE_TMP/tls
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.crt" -days 30 \
		-subj "/CN=Khien Test CA" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	mkdir -p "$d/ca/newcerts"; : > "$d/ca/index.txt"; echo 01 > "$d/ca/serial"
	cat > "$d/ca.cnf" <<CNF
[ ca ]
default_ca = t
[ t ]
dir = $d/ca
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
certificate = $d/ca.crt
private_key = $d/ca.key
default_md = sha256
policy = pol
unique_subject = no
copy_extensions = copy
[ pol ]
commonName = supplied
CNF
	site_leaf good ec "DNS:localhost,IP:127.0.0.1"
	site_leaf rsa rsa:2048 "DNS:localhost,IP:127.0.0.1"
	site_leaf wronghost rsa:2048 "DNS:wrong.example"
	site_leaf weak rsa:1024 "DNS:localhost,IP:127.0.0.1"
	site_leaf expired rsa:2048 "DNS:localhost,IP:127.0.0.1" 20200101000000Z 20210101000000Z
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/self.key" -out "$d/self.crt" \
		-days 30 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
}

# The nginx.conf head; servers are appended with site_server.
site_nginx_begin() {
	local user=""
	[ "$(id -u)" = 0 ] && user="user root;"
	cat > "$SITE_TMP/nginx.conf" <<CONF
$user
worker_processes 1;
pid $SITE_TMP/nginx.pid;
error_log $SITE_TMP/logs/error.log warn;
daemon on;
events { worker_connections 256; }
http {
  access_log $SITE_TMP/logs/access.log;
  client_body_temp_path $SITE_TMP/tmp/body; proxy_temp_path $SITE_TMP/tmp/proxy;
  fastcgi_temp_path $SITE_TMP/tmp/fcgi; uwsgi_temp_path $SITE_TMP/tmp/uwsgi; scgi_temp_path $SITE_TMP/tmp/scgi;
  types { text/html html; text/plain txt; }
  default_type application/octet-stream;
CONF
}

# site_server PORT CERTNAME "extra nginx directives" [DOCROOT]
site_server() {
	cat >> "$SITE_TMP/nginx.conf" <<CONF
  server {
    listen 127.0.0.1:$1 ssl;
    server_name _;
    root ${4:-$SITE_TMP/www};
    ssl_certificate $SITE_TMP/tls/$2.crt;
    ssl_certificate_key $SITE_TMP/tls/$2.key;
    $3
    location / { try_files \$uri \$uri/ =404; }
  }
CONF
}

# site_plain PORT "directives" [DOCROOT]: a plain-HTTP server.
site_plain() {
	cat >> "$SITE_TMP/nginx.conf" <<CONF
  server {
    listen 127.0.0.1:$1;
    server_name _;
    root ${3:-$SITE_TMP/www};
    $2
  }
CONF
}

site_nginx_start() {
	echo "}" >> "$SITE_TMP/nginx.conf"
	nginx -p "$SITE_TMP" -e "$SITE_TMP/logs/error.log" -c "$SITE_TMP/nginx.conf" -t -q || return 1
	nginx -p "$SITE_TMP" -e "$SITE_TMP/logs/error.log" -c "$SITE_TMP/nginx.conf" || return 1
	for _ in $(seq 50); do [ -s "$SITE_TMP/nginx.pid" ] && break; sleep 0.1; done
	SITE_NGINX_PID=$(cat "$SITE_TMP/nginx.pid")
}

# site_wait_port PORT: until something accepts on 127.0.0.1:PORT (5 s at most).
site_wait_port() {
	python3 - "$1" <<'PY'
import socket, sys, time
end = time.time() + 5
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# site_s_server PORT CERTNAME ARGS...: `openssl s_server -www` in the
# background (for a protocol or suite nginx will not serve); its pid joins
# SITE_EXTRA_PIDS so site_cleanup stops it.
site_s_server() {
	local port=$1 cert=$2
	shift 2
	openssl s_server -accept "127.0.0.1:$port" -cert "$SITE_TMP/tls/$cert.crt" \
		-key "$SITE_TMP/tls/$cert.key" -www -quiet "$@" \
		</dev/null >"$SITE_TMP/logs/s_server-$port.log" 2>&1 &
	SITE_EXTRA_PIDS="${SITE_EXTRA_PIDS:-} $!"
	site_wait_port "$port"
}

# site_json_lines FILE: fails (1) unless FILE holds only JSON objects, one a line.
site_json_lines() {
	python3 -c 'import json,sys
n = 0
for line in open(sys.argv[1]):
    assert isinstance(json.loads(line), dict); n += 1
assert n > 0' "$1" 2>/dev/null
}

# site_assert JSONL NAME...: runs the python3 checks read from stdin against
# the JSON lines of one `khien site check --json` run, the i-th line named
# NAME[i]. The checks call check(NAME, "a/path", WANT) where WANT is a
# value or a one-argument predicate; paths are split on "/" (keys hold
# dots: "TLSv1.2"), "@ID" picks the list element whose "id" is ID
# ("checklist/@https_valid/pass"). Exit 1 when any fails.
site_assert() {
	local file=$1
	shift
	python3 -c "$(cat <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
names = sys.argv[2:]
if len(lines) != len(names):
    print(f"FAIL: {len(lines)} JSON lines for {len(names)} sites"); sys.exit(1)
by = dict(zip(names, lines))
bad = n_checks = 0
def get(name, path):
    j = by[name]
    for k in path.split("/"):
        if k.startswith("@"):
            j = [e for e in j if e.get("id") == k[1:]][0]
        elif isinstance(j, list):
            j = j[int(k)]
        else:
            j = j[k]
    return j
def check(name, path, want, why=""):
    global bad, n_checks
    n_checks += 1
    try:
        got = get(name, path)
    except (KeyError, IndexError, TypeError) as e:
        got = f"<missing {e!r}>"
        ok = False
    else:
        ok = want(got) if callable(want) else (got == want and type(got) == type(want))
    if not ok:
        bad += 1
        print(f"FAIL {name}: {path} = {got!r}, expected {why or want!r}")
    return ok
PY
)
$(cat)
print(f\"{n_checks} checks, {bad} failed\")
sys.exit(1 if bad else 0)" "$file" "$@"
}

# site_selfsigned_dated NAME KEYSPEC CN START END MD: a self-signed leaf with
# chosen dates and digest and no subjectAltName (`openssl ca -selfsign`).
site_selfsigned_dated() {
	local name=$1 keyspec=$2 cn=$3 start=$4 end=$5 md=$6 d=$SITE_TMP/tls
	openssl genrsa -out "$d/$name.key" "${keyspec#rsa:}" 2>/dev/null
	openssl req -new -key "$d/$name.key" -subj "/CN=$cn" -"$md" -out "$d/$name.csr" 2>/dev/null
	: > "$d/$name.ext"
	openssl ca -batch -config "$d/ca.cnf" -selfsign -keyfile "$d/$name.key" -in "$d/$name.csr" \
		-startdate "$start" -enddate "$end" -md "$md" -notext -extfile "$d/$name.ext" \
		-out "$d/$name.crt" 2>/dev/null
}

# site_seclevel0_conf: an OPENSSL_CONF that puts new SSL contexts at
# @SECLEVEL=0, so nginx can load RSA-1024/SHA-1 certificates (it loads them
# before it applies ssl_ciphers). Prints the file's path.
site_seclevel0_conf() {
	cat > "$SITE_TMP/seclevel0.cnf" <<'CNF'
openssl_conf = init
[init]
ssl_conf = ssl
[ssl]
system_default = sys
[sys]
CipherString = DEFAULT:@SECLEVEL=0
CNF
	echo "$SITE_TMP/seclevel0.cnf"
}
