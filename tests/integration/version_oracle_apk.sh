#!/usr/bin/env bash
# version_oracle_apk.sh — every line of apk-tools' own test vectors
# (tests/fixtures/version/apk-version.data) through `khien version compare
# --batch`: "A OP B" relations must hold, "V" must compare without a warning,
# "!V" with one (apk still orders invalid versions). Fuzzy "~" lines need
# the library call and are checked by tests/unit/test_version.c.
set -u
khien=$1 src=$2
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" - "$khien" "$src/tests/fixtures/version/apk-version.data" <<'PY'
import re, subprocess, sys
khien, data = sys.argv[1], sys.argv[2]
checks, batch = [], []
for raw in open(data, encoding="utf-8"):
    line = raw.split("#", 1)[0].strip()
    if not line:
        continue
    parts = line.split(" ")
    if len(parts) >= 3:
        a, op, b = parts[0], parts[1], " ".join(parts[2:])
        if "~" in op:
            continue
        checks.append(("rel", a, op, b))
        batch.append("apk\t%s\t%s" % (a, b))
    else:
        invalid = line.startswith("!")
        v = line[1:] if invalid else line
        checks.append(("valid", v, invalid, None))
        batch.append("apk\t%s\t%s" % (v, v))
p = subprocess.run([khien, "version", "compare", "--batch"], input="\n".join(batch) + "\n",
                   capture_output=True, text=True, env={"KHIEN_LANG": "en"})
out = p.stdout.split("\n")[:-1]
warned = {int(m.group(1)) for m in re.finditer(r"stdin:(\d+): warning:", p.stderr)}
bad = 0
for i, (kind, a, op, b) in enumerate(checks):
    got = out[i] if i < len(out) else "missing"
    if kind == "rel":
        invert = op.startswith("!")
        ok = got in op.lstrip("!") and got in "<=>"
        ok = ok != invert
    else:
        ok = got == "=" and ((i + 1) in warned) == op
    if not ok:
        bad += 1
        print("FAIL:", kind, repr(a), op, repr(b), "->", got)
n_rel = sum(1 for c in checks if c[0] == "rel")
print("apk-tools vectors: %d relations, %d validity lines, %d failures"
      % (n_rel, len(checks) - n_rel, bad))
sys.exit(1 if bad or p.returncode != 0 else 0)
PY
