#!/usr/bin/env python3
"""ioc_oracle.py — what `khien ioc import --json` must report for a file,
computed independently from the STIX 2.1 and MISP specifications:
  STIX: objects = bundle objects; indicators = indicator objects; a pattern
        made only of '=' comparisons on the supported object paths, joined
        by AND/OR inside one [...], gives its hash and network values;
        any other stix pattern, or another pattern_type, is unsupported.
  MISP: every attribute (top level and inside objects) is an object and an
        indicator; hash and network types give values, filename is kept,
        other types are unsupported.
usage: ioc_oracle.py FILE  -> prints the expected JSON, or "skip: why";
       ioc_oracle.py FILE FILE… -> one "FILE<TAB>result" line per file."""
import json, re, sys

HASH_PATHS = {"md5": 32, "sha-1": 40, "sha1": 40, "sha-256": 64, "sha256": 64,
              "sha-512": 128, "sha512": 128}
NET_PATHS = {"domain-name:value", "ipv4-addr:value", "ipv6-addr:value", "url:value",
             "email-addr:value"}
STR = r"'(?:[^'\\]|\\['\\])*'"
CMP = re.compile(r"\s*([a-z0-9-]+:(?:[A-Za-z0-9_-]+|" + STR + r")(?:\.(?:[A-Za-z0-9_-]+|" + STR +
                 r"))*)\s*=\s*(" + STR + r")\s*")

def unq(s):
    return re.sub(r"\\(['\\])", r"\1", s[1:-1]) if s.startswith("'") else s

def classify(pattern):
    """(hashes, network) for a supported pattern, or None."""
    m = re.fullmatch(r"\s*\[(.*)\]\s*", pattern, re.S)
    if not m:
        return None
    parts = re.split(r"\s+(?:AND|OR)\s+(?=(?:[^']*'[^']*')*[^']*$)", m.group(1))
    h = n = 0
    for p in parts:
        c = CMP.fullmatch(p)
        if not c:
            return None
        path, value = c.group(1), unq(c.group(2))
        typ, _, prop = path.partition(":")
        comps = [unq(x) for x in re.findall(r"'(?:[^'\\]|\\.)*'|[^.]+", prop)]
        if typ == "file" and len(comps) == 2 and comps[0] == "hashes":
            want = HASH_PATHS.get(comps[1].lower())
            if want is None or not re.fullmatch(r"[0-9a-fA-F]{%d}" % want, value):
                return None
            h += 1
        elif path in NET_PATHS and value:
            n += 1
        elif path == "file:name" and value:
            pass
        else:
            return None
    return h, n

def stix(doc):
    out = dict(files=1, objects=0, indicators=0, hashes=0, network=0, unsupported=0, errors=0)
    for o in doc.get("objects", []):
        out["objects"] += 1
        if o.get("type") != "indicator":
            continue
        out["indicators"] += 1
        if o.get("pattern_type", "stix") != "stix":
            out["unsupported"] += 1
            continue
        c = classify(o.get("pattern", ""))
        if c is None:
            out["unsupported"] += 1
        else:
            out["hashes"] += c[0]
            out["network"] += c[1]
    return out

MISP_HASH = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}
MISP_NET = {"domain": 1, "hostname": 1, "ip-dst": 1, "ip-src": 1, "ip-dst|port": 1,
            "ip-src|port": 1, "domain|ip": 2, "url": 1, "email-src": 1, "email-dst": 1}

def bare(d):
    return isinstance(d, dict) and (isinstance(d.get("Attribute"), list) or
        isinstance(d.get("Object"), list) or
        (isinstance(d.get("info"), str) and ("date" in d or "uuid" in d)))

def misp_events(doc):
    if isinstance(doc, list):
        items = doc
    elif isinstance(doc.get("response"), list):
        items = doc["response"]
    else:
        items = [doc]
    for it in items:
        ev = it.get("Event", it if bare(it) else None)
        if isinstance(ev, dict):
            yield ev

def misp(doc):
    out = dict(files=1, objects=0, indicators=0, hashes=0, network=0, unsupported=0, errors=0)
    for ev in misp_events(doc):
        attrs = list(ev.get("Attribute", []))
        for ob in ev.get("Object", []):
            attrs += ob.get("Attribute", [])
        for a in attrs:
            out["objects"] += 1
            out["indicators"] += 1
            t, v = a.get("type"), a.get("value")
            if t is None or v is None:
                out["errors"] += 1
                continue
            base = t.split("|")[-1] if t.startswith("filename|") else t
            if base in MISP_HASH and (t == base or "|" in v):
                hv = v.split("|", 1)[1] if "|" in t else v
                if re.fullmatch(r"[0-9a-fA-F]{%d}" % MISP_HASH[base], hv):
                    out["hashes"] += 1
                else:
                    out["errors"] += 1
            elif t in MISP_NET:
                if "|" in t and "|" not in v:
                    out["errors"] += 1
                else:
                    out["network"] += MISP_NET[t]
            elif t == "filename":
                pass
            else:
                out["unsupported"] += 1
    return out

def expect(path):
    try:
        doc = json.load(open(path, encoding="utf-8"))
    except Exception as e:
        return f"skip: not JSON ({e})"
    if isinstance(doc, dict) and doc.get("type") == "bundle":
        return json.dumps(stix(doc))
    elif isinstance(doc, dict) and (isinstance(doc.get("Event"), dict) or
                                    isinstance(doc.get("response"), list) or bare(doc)):
        return json.dumps(misp(doc))
    elif isinstance(doc, list) and doc and all(isinstance(i, dict) and
                                               (isinstance(i.get("Event"), dict) or bare(i)) for i in doc):
        return json.dumps(misp(doc))
    return "skip: neither a STIX bundle nor a MISP event"

if len(sys.argv) == 2:
    print(expect(sys.argv[1]))
else:
    for f in sys.argv[1:]:
        print(f + "\t" + expect(f).replace("\n", " "))
