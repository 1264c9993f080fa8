#!/usr/bin/env python3
"""feeds_http_server.py — a tiny HTTP server on 127.0.0.1 for feeds tests.

Serves the files of a directory with ETag (sha256 of the body) and
Last-Modified (the file's mtime), answering 304 to a matching If-None-Match
or a not-older If-Modified-Since. GET /__control?mode=M switches how bodies
are served: "ok", "corrupt" (bytes in the middle replaced: not valid JSON/CSV),
"short" (Content-Length larger than the body sent, then the connection closes),
"error" (500). Every request is logged as one JSON line to --log.
The server stops by itself after --lifetime seconds.

usage: feeds_http_server.py DIR --port-file F --log F [--lifetime S]
"""
import argparse, email.utils, hashlib, http.server, json, os, sys, threading, urllib.parse

mode = {"value": "ok"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, status):
        with open(self.server.log_path, "a") as f:
            f.write(json.dumps({"path": self.path, "status": status,
                                "if_none_match": self.headers.get("If-None-Match"),
                                "if_modified_since": self.headers.get("If-Modified-Since"),
                                "mode": mode["value"]}) + "\n")

    def send_plain(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.record(status)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/__control":
            mode["value"] = urllib.parse.parse_qs(url.query).get("mode", ["ok"])[0]
            return self.send_plain(200, b"ok\n")
        name = os.path.basename(url.path)
        path = os.path.join(self.server.root, name)
        if not name or not os.path.isfile(path):
            return self.send_plain(404, b"not found\n")
        if mode["value"] == "error":
            return self.send_plain(500, b"server error\n")
        body = open(path, "rb").read()
        if mode["value"] == "corrupt":
            mid = len(body) // 2
            body = body[:mid] + b"\x00garbage\xff" + body[mid + 10:]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        mtime = int(os.stat(path).st_mtime)
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        not_modified = False
        if inm is not None:
            not_modified = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        elif ims is not None:
            try:
                not_modified = email.utils.parsedate_to_datetime(ims).timestamp() >= mtime
            except (TypeError, ValueError):
                not_modified = False
        if not_modified:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            self.end_headers()
            return self.record(304)
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        if mode["value"] == "short":
            self.send_header("Content-Length", str(len(body) + 1000))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.record(200)
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.record(200)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--lifetime", type=float, default=120)
    a = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.root = a.dir
    srv.log_path = a.log
    threading.Timer(a.lifetime, srv.shutdown).start()
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, a.port_file)
    srv.serve_forever()
    os._exit(0)


if __name__ == "__main__":
    main()
