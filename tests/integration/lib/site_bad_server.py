#!/usr/bin/env python3
"""site_bad_server.py — misbehaving servers on 127.0.0.1 for
tests/integration/site_bad_servers.sh (python3 standard library only).

    site_bad_server.py --cert C --key K [--lifetime SEC] MODE...

Binds one free port per MODE, prints {"MODE": port, ...} on one line, then
serves until --lifetime seconds have passed and exits whatever happens
(os._exit from a timer thread), so a test can never leave it behind.

Modes (raw TCP unless the name starts with tls_):
  stall          accept, read the ClientHello, never answer
  garbage        answer the ClientHello with random bytes, then close
  close          close right after accept
  tls_midheaders TLS handshake, then half a status line and headers, close
  tls_loop       TLS; every request is redirected to another path, forever
  tls_big        TLS; 200 with a 50 MB body sent as fast as possible
  tls_drip       TLS; headers, then one body byte per second
  http_loop      plain HTTP; redirects to itself forever
  legacy_rc4     a 2000-era server: to a ClientHello for SSLv3 or TLS 1.0
                 that offers RC4-SHA (0x0005) it answers a ServerHello
                 choosing it (nothing more: enough for a prober); anything
                 else gets a handshake_failure alert. OpenSSL 3 has neither
                 SSLv3 nor RC4, so only a hand-built ClientHello sees them.
"""
import argparse
import json
import os
import socket
import ssl
import sys
import threading
import time

BIG = 50 * 1024 * 1024


def read_request(conn):
    """Reads up to the end of the request headers (or 64 KiB)."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    line = data.split(b"\r\n", 1)[0].decode("latin-1", "replace").split()
    return line[1] if len(line) > 1 else "/"


def stall(conn, lifetime):
    conn.recv(16384)
    time.sleep(lifetime)


def garbage(conn, _):
    conn.recv(16384)
    # no TLS record starts with 0x00 content type; the rest is noise
    conn.sendall(b"\x00" + os.urandom(4095))


def close(conn, _):
    pass


def tls_midheaders(conn, _):
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/ht")


def redirect(conn, _):
    path = read_request(conn)
    n = int(path.rsplit("/", 1)[-1]) if path.rsplit("/", 1)[-1].isdigit() else 0
    conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /loop/%d\r\nContent-Length: 0\r\n"
                 b"Connection: close\r\n\r\n" % (n + 1))


def tls_big(conn, _):
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
                 b"Connection: close\r\n\r\n" % BIG)
    block = b"<p>" + b"x" * 65530 + b"</p>"
    sent = 0
    while sent < BIG:
        conn.sendall(block[:min(len(block), BIG - sent)])
        sent += len(block)


def tls_drip(conn, lifetime):
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(int(lifetime)):
        conn.sendall(b"x")
        time.sleep(1)


def client_hello(conn):
    """(client_version, [suites]) of a TLS record holding a ClientHello."""
    data = b""
    while len(data) < 5 or len(data) < 5 + int.from_bytes(data[3:5], "big"):
        chunk = conn.recv(16384)
        if not chunk:
            raise ValueError("short hello")
        data += chunk
    body = data[5:]
    if data[0] != 0x16 or body[0] != 1:
        raise ValueError("not a ClientHello")
    version = int.from_bytes(body[4:6], "big")
    pos = 6 + 32
    pos += 1 + body[pos]                       # session id
    n = int.from_bytes(body[pos:pos + 2], "big")
    suites = [int.from_bytes(body[i:i + 2], "big") for i in range(pos + 2, pos + 2 + n, 2)]
    return version, suites


def legacy_rc4(conn, _):
    version, suites = client_hello(conn)
    if version in (0x0300, 0x0301) and 0x0005 in suites:
        # RFC 2246 7.4.1.3: version, random, empty session id, suite, null compression
        hello = version.to_bytes(2, "big") + os.urandom(32) + b"\x00" + b"\x00\x05" + b"\x00"
        msg = b"\x02" + len(hello).to_bytes(3, "big") + hello
        conn.sendall(b"\x16" + version.to_bytes(2, "big") + len(msg).to_bytes(2, "big") + msg)
    else:
        conn.sendall(b"\x15\x03\x01\x00\x02\x02\x28")  # fatal handshake_failure


HANDLERS = {
    "stall": stall, "garbage": garbage, "close": close,
    "tls_midheaders": tls_midheaders, "tls_loop": redirect, "tls_big": tls_big,
    "tls_drip": tls_drip, "http_loop": redirect, "legacy_rc4": legacy_rc4,
}


def serve(listener, mode, ctx, lifetime):
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=handle, args=(conn, mode, ctx, lifetime), daemon=True).start()


def handle(conn, mode, ctx, lifetime):
    try:
        conn.settimeout(lifetime)
        if mode.startswith("tls_"):
            conn = ctx.wrap_socket(conn, server_side=True)
        HANDLERS[mode](conn, lifetime)
    except (OSError, ssl.SSLError, ValueError):
        pass  # the client going away is the point of most modes
    finally:
        try:
            conn.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--lifetime", type=float, default=120.0)
    ap.add_argument("modes", nargs="+", choices=sorted(HANDLERS))
    args = ap.parse_args()
    # the hard bound: whatever the threads are doing, the process ends
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    ports = {}
    for mode in args.modes:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        ports[mode] = s.getsockname()[1]
        threading.Thread(target=serve, args=(s, mode, ctx, args.lifetime), daemon=True).start()
    print(json.dumps(ports), flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
