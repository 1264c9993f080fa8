#!/usr/bin/env python3
"""taxii_server.py — a minimal TAXII 2.1 server for tests (OASIS TAXII 2.1
§4-§5): discovery, one API root, collections, objects with added_after,
limit and next/more pagination, adding objects with a status resource that
is "pending" on the first poll. Binds 127.0.0.1 on a free port, writes the
port to --port-file, logs every request as a JSON line to --log, and stops
itself after --max-seconds.

usage: taxii_server.py --port-file F --log F [--token T] [--user U --password P]
                       [--page-size N] [--preload BUNDLE.json] [--max-seconds S]"""
import argparse, base64, json, threading, time, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

TAXII = "application/taxii+json;version=2.1"
COLLECTION = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
READ_ONLY = "52892447-4d7e-4f70-b94d-d7f22742ff63"

class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.objects = {COLLECTION: [], READ_ONLY: []}  # (date_added, object)
        self.status = {}
        self.polls = {}
        self.clock = 0.0

    def stamp(self):
        # strictly increasing, microsecond precision, like real servers
        now = max(time.time(), self.clock + 0.000001)
        self.clock = now
        t = time.gmtime(now)
        return time.strftime("%Y-%m-%dT%H:%M:%S", t) + ".%06dZ" % int((now % 1) * 1e6)

    def add(self, coll, objs):
        with self.lock:
            for o in objs:
                self.objects[coll].append((self.stamp(), o))

state = State()
args = None

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def record(self, status):
        with open(args.log, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "status": status,
                                "accept": self.headers.get("Accept"),
                                "content_type": self.headers.get("Content-Type"),
                                "auth": (self.headers.get("Authorization") or "").split(" ")[0]}) + "\n")

    def send(self, code, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", TAXII)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.record(code)

    def error(self, code, title):
        self.send(code, {"title": title, "http_status": str(code)})

    def authorised(self):
        h = self.headers.get("Authorization") or ""
        if args.token and h == "Bearer " + args.token:
            return True
        if args.user and h.startswith("Basic "):
            try:
                u, _, p = base64.b64decode(h[6:]).decode().partition(":")
            except Exception:
                return False
            return u == args.user and p == args.password
        return not args.token and not args.user

    def check(self):
        if not self.authorised():
            self.error(401, "Unauthorized")
            return False
        # §1.6.8.1: the client must accept the TAXII media type
        if "application/taxii+json" not in (self.headers.get("Accept") or ""):
            self.error(406, "Not Acceptable")
            return False
        return True

    def base(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def do_GET(self):
        if not self.check():
            return
        url = urlsplit(self.path)
        q = parse_qs(url.query)
        p = url.path
        if p == "/taxii2/":
            return self.send(200, {"title": "Khien test TAXII", "default": self.base() + "/api1/",
                                   "api_roots": [self.base() + "/api1/", "/api2/"]})
        if p == "/api1/":
            return self.send(200, {"title": "API root 1", "versions": [TAXII],
                                   "max_content_length": 104857600})
        if p == "/api1/collections/":
            return self.send(200, {"collections": [
                {"id": COLLECTION, "title": "Khien shared", "can_read": True, "can_write": True,
                 "media_types": ["application/stix+json;version=2.1"]},
                {"id": READ_ONLY, "title": "Read only", "can_read": True, "can_write": False}]})
        parts = p.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["api1", "collections"] and parts[3] == "objects":
            return self.get_objects(parts[2], q)
        if len(parts) == 3 and parts[:2] == ["api1", "status"]:
            return self.get_status(parts[2])
        self.error(404, "Not Found")

    def get_objects(self, coll, q):
        if coll not in state.objects:
            return self.error(404, "No such collection")
        after = q.get("added_after", [None])[0]
        start = int(q.get("next", ["0"])[0] or 0)
        limit = min(int(q.get("limit", [str(args.page_size)])[0]), args.page_size)
        with state.lock:
            items = [x for x in state.objects[coll] if after is None or x[0] > after]
        page = items[start:start + limit]
        body = {"more": start + limit < len(items)}
        if page:
            body["objects"] = [o for _, o in page]
        if body["more"]:
            body["next"] = str(start + limit)
        hdr = {}
        if page:
            hdr = {"X-TAXII-Date-Added-First": page[0][0], "X-TAXII-Date-Added-Last": page[-1][0]}
        self.send(200, body, hdr)

    def get_status(self, sid):
        st = state.status.get(sid)
        if st is None:
            return self.error(404, "No such status")
        n = state.polls[sid] = state.polls.get(sid, 0) + 1
        if n >= 2 and st["status"] == "pending":  # complete on the second poll
            st["status"] = "complete"
            st["success_count"], st["pending_count"] = st["total_count"], 0
            st["successes"] = st.pop("pendings")
        self.send(200, st)

    def do_POST(self):
        if not self.check():
            return
        parts = urlsplit(self.path).path.strip("/").split("/")
        if not (len(parts) == 4 and parts[:2] == ["api1", "collections"] and parts[3] == "objects"):
            return self.error(404, "Not Found")
        if parts[2] == READ_ONLY:
            return self.error(403, "Forbidden")
        if parts[2] not in state.objects:
            return self.error(404, "No such collection")
        if not (self.headers.get("Content-Type") or "").startswith("application/taxii+json"):
            return self.error(415, "Unsupported Media Type")
        n = int(self.headers.get("Content-Length") or 0)
        try:
            env = json.loads(self.rfile.read(n))
            objs = env["objects"]
            assert isinstance(objs, list)
        except Exception:
            return self.error(400, "Bad envelope")
        state.add(parts[2], objs)
        sid = str(uuid.uuid4())
        st = {"id": sid, "status": "pending", "request_timestamp": state.stamp(),
              "total_count": len(objs), "success_count": 0, "failure_count": 0,
              "pending_count": len(objs),
              "pendings": [{"id": o.get("id"), "version": o.get("modified", o.get("created", ""))}
                           for o in objs]}
        state.status[sid] = st
        self.send(202, st)

def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--token")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--preload")
    ap.add_argument("--max-seconds", type=float, default=300)
    args = ap.parse_args()
    if args.preload:
        state.add(COLLECTION, json.load(open(args.preload))["objects"])
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Timer(args.max_seconds, srv.shutdown).start()
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()
    os._exit(0)

main()
