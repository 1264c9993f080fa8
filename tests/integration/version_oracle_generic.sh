#!/usr/bin/env bash
# version_oracle_generic.sh — the generic scheme has no outside oracle: its
# hand-checked table (tests/fixtures/version/generic.data) is the oracle. Every
# row runs both ways round through `khien version compare --batch`, and the
# table in docs/version.md must be the same table.
set -u
khien=$1 src=$2
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" - "$khien" "$src" <<'PY'
import subprocess, sys
khien, src = sys.argv[1], sys.argv[2]
rows = []
for line in open(src + "/tests/fixtures/version/generic.data", encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    a, op, b = line.rstrip("\n").split("\t")[:3]
    rows.append((a, op, b))
doc_rows = []
in_table = False
for line in open(src + "/docs/version.md", encoding="utf-8"):
    if line.startswith("<!-- generic-table-begin"):
        in_table = True
        continue
    if line.startswith("<!-- generic-table-end"):
        in_table = False
    if in_table and line.startswith("| `"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        doc_rows.append((cells[0].strip("`"), cells[1].strip("`").replace("\\<", "<"),
                         cells[2].strip("`")))
flip = {"<": ">", ">": "<", "=": "="}
batch = ["generic\t%s\t%s" % (a, b) for a, _, b in rows] + \
        ["generic\t%s\t%s" % (b, a) for a, _, b in rows]
want = [op for _, op, _ in rows] + [flip[op] for _, op, _ in rows]
p = subprocess.run([khien, "version", "compare", "--batch"], input="\n".join(batch) + "\n",
                   capture_output=True, text=True)
got = p.stdout.split("\n")[:-1]
bad = [(l, w, g) for l, w, g in zip(batch, want, got) if w != g]
for l, w, g in bad:
    print("FAIL: %r: want %s, got %s" % (l, w, g))
if doc_rows != rows:
    print("FAIL: docs/version.md generic table differs from generic.data")
    for d, r in zip(doc_rows, rows):
        if d != r:
            print("  docs %r vs data %r" % (d, r))
    print("  docs %d rows, data %d rows" % (len(doc_rows), len(rows)))
print("generic table: %d rows, both ways: %d checks, %d failures" % (len(rows), len(batch), len(bad)))
sys.exit(1 if bad or doc_rows != rows or len(got) != len(batch) else 0)
PY
