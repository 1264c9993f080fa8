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

# site_server PORT CERTNAME "extra nginx directives"
site_server() {
	cat >> "$SITE_TMP/nginx.conf" <<CONF
  server {
    listen 127.0.0.1:$1 ssl;
    server_name _;
    root $SITE_TMP/www;
    ssl_certificate $SITE_TMP/tls/$2.crt;
    ssl_certificate_key $SITE_TMP/tls/$2.key;
    $3
    location / { try_files \$uri \$uri/ =404; }
  }
CONF
}

# site_plain PORT "directives": a plain-HTTP server.
site_plain() {
	cat >> "$SITE_TMP/nginx.conf" <<CONF
  server {
    listen 127.0.0.1:$1;
    server_name _;
    root $SITE_TMP/www;
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
