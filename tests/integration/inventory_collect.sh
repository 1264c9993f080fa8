#!/usr/bin/env bash
# inventory_collect.sh — `khien inventory collect` end to end on fixture roots:
# JSON shape and schema, text summary in both languages, exit codes, broken
# databases reported with file and line, the live host against dpkg-query.
set -u
khien=$1
src=$2
fx=$src/tests/fixtures/inventory
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
	if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}
command -v python3 >/dev/null || { echo "skip: python3 is needed to read JSON"; exit 77; }

# A clean Debian root: exit 0, complete, the packages dpkg-query lists.
"$khien" inventory collect --root "$fx/root-debian" --json >"$tmp/deb.json"
check "debian root exits 0" test $? -eq 0
check "debian root JSON" python3 - "$tmp/deb.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "khien.inventory/1" and d["complete"] is True, d
assert d["os"] == {"id": "debian", "version_id": "12", "codename": "bookworm",
                   "pretty_name": "Debian GNU/Linux 12 (bookworm)", "kernel": None,
                   "hostname": "phuong-1-ubnd", "arch": "amd64"}, d["os"]
keys = [(p["type"], p["name"], p["arch"]) for p in d["packages"]]
assert keys == sorted(keys) and len(keys) == 11, keys
assert d["counts"]["deb"] == 11 and d["errors"] == []
PY
if command -v dpkg-query >/dev/null; then
	python3 -c 'import json,sys
for p in json.load(open(sys.argv[1]))["packages"]:
    print("\t".join([p["name"],p["version"],p["arch"],p["source"],p["source_version"]]))' \
		"$tmp/deb.json" | LC_ALL=C sort >"$tmp/ours"
	dpkg-query --admindir="$fx/root-debian/var/lib/dpkg" -W \
		-f='${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n' |
		awk -F'\t' '$1 != "config-files" && $1 != "not-installed"' | cut -f2- | LC_ALL=C sort >"$tmp/theirs"
	check "debian root equals dpkg-query" cmp -s "$tmp/ours" "$tmp/theirs"
fi

# JSON Schema (docs/schemas/inventory-1.json) as an independent check.
if python3 -c 'import jsonschema' 2>/dev/null; then
	check "JSON Schema validates" python3 - "$src/docs/schemas/inventory-1.json" "$tmp/deb.json" "$src/fuzz/corpus/inventory_json/rpm-with-error.json" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for doc in sys.argv[2:]:
    jsonschema.validate(json.load(open(doc)), schema)
PY
else
	echo "note: python3 jsonschema missing, schema check not run"
fi

# Alpine root.
"$khien" inventory collect --root "$fx/root-alpine" --json >"$tmp/apk.json"
check "alpine root exits 0" test $? -eq 0
check "alpine root JSON" python3 - "$tmp/apk.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["os"]["id"] == "alpine" and d["os"]["arch"] == "x86_64", d["os"]
p = {x["name"]: x for x in d["packages"]}
assert p["libcrypto3"]["source"] == "openssl" and p["libcrypto3"]["type"] == "apk"
assert len(p) == 6
PY

# Text summary: Vietnamese by default, English on request.
"$khien" inventory collect --root "$fx/root-debian" >"$tmp/vi.txt"
check "text is Vietnamese by default" grep -q "^Gói phần mềm: 11 (deb 11, rpm 0, apk 0)" "$tmp/vi.txt"
check "vulnerability-ready line" grep -q "^Sẵn sàng đối chiếu lỗ hổng: 11/11" "$tmp/vi.txt"
KHIEN_LANG=en "$khien" inventory collect --root "$fx/root-debian" >"$tmp/en.txt"
check "KHIEN_LANG=en" grep -q "^Packages: 11 (deb 11, rpm 0, apk 0)" "$tmp/en.txt"
"$khien" --lang en inventory collect --root "$fx/root-debian" >"$tmp/en2.txt"
check "--lang en" cmp -s "$tmp/en.txt" "$tmp/en2.txt"

# A broken database: partial results, errors with file and line, exit 2.
mkdir -p "$tmp/broken/etc" "$tmp/broken/var/lib/dpkg"
cp "$fx/root-debian/usr/lib/os-release" "$tmp/broken/etc/os-release"
cp "$fx/bad/status-truncated" "$tmp/broken/var/lib/dpkg/status"
"$khien" --lang en inventory collect --root "$tmp/broken" >"$tmp/b.txt" 2>"$tmp/b.err"
check "broken root exits 2 (text)" test $? -eq 2
check "error on stderr names file and line" \
	grep -q "khien: $tmp/broken/var/lib/dpkg/status:91: file ends in the middle of a line" "$tmp/b.err"
check "summary says incomplete" grep -q "INCOMPLETE" "$tmp/b.txt"
"$khien" inventory collect --root "$tmp/broken" --json >"$tmp/b.json" 2>/dev/null
check "broken root exits 2 (json)" test $? -eq 2
check "broken JSON flags partial result" python3 - "$tmp/b.json" "$tmp/broken/var/lib/dpkg/status" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["complete"] is False and len(d["packages"]) == 4, d
e = d["errors"][0]
assert e["file"] == sys.argv[2] and e["line"] == 91 and e["code"] == "truncated", e
PY

# Usage errors.
"$khien" inventory collect --bogus >/dev/null 2>&1
check "unknown option exits 2" test $? -eq 2
"$khien" inventory collect --root /nonexistent/root >/dev/null 2>&1
check "missing root exits 2" test $? -eq 2

# The live host, when it is a dpkg system: identical to dpkg-query.
if [ -r /var/lib/dpkg/status ] && command -v dpkg-query >/dev/null; then
	"$khien" inventory collect --json >"$tmp/live.json"
	check "live host exits 0" test $? -eq 0
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
assert d["os"]["kernel"] and d["os"]["hostname"], d["os"]
for p in d["packages"]:
    if p["type"]=="deb": print("\t".join([p["name"],p["version"],p["arch"],p["source"],p["source_version"]]))' \
		"$tmp/live.json" | LC_ALL=C sort >"$tmp/ours"
	dpkg-query -W \
		-f='${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n' |
		awk -F'\t' '$1 != "config-files" && $1 != "not-installed"' | cut -f2- | LC_ALL=C sort >"$tmp/theirs"
	check "live host equals dpkg-query ($(wc -l <"$tmp/theirs") packages)" cmp -s "$tmp/ours" "$tmp/theirs"
fi
exit $fail
