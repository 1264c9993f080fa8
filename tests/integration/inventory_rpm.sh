#!/usr/bin/env bash
# inventory_rpm.sh — an rpm database built in a temporary root with the real
# rpm tools (rpmbuild, rpm --initdb, rpm -i --justdb), then read by
# `khien inventory collect --root` and cross-checked with `rpm -qa`.
set -u
khien=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for tool in rpm rpmbuild python3; do
	command -v $tool >/dev/null || { echo "skip: $tool not installed (scripts/deps.sh test)"; exit 77; }
done
fail=0
check() { if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

# Two tiny noarch packages from one source with an epoch, one without.
cat >"$tmp/khien-demo.spec" <<'SPEC'
Name: khien-demo
Epoch: 2
Version: 1.0
Release: 3.el9
Summary: Khien test package
License: MIT
BuildArch: noarch
%description
Test package for the inventory.
%package -n khien-demo-libs
Summary: Khien test subpackage
%description -n khien-demo-libs
Subpackage built from the same source.
%files
%files -n khien-demo-libs
SPEC
cat >"$tmp/plain.spec" <<'SPEC'
Name: plain
Version: 4.5.6
Release: 1
Summary: No epoch
License: MIT
BuildArch: noarch
%description
No epoch.
%files
SPEC
for spec in khien-demo plain; do
	rpmbuild --define "_topdir $tmp/top" --define "_dbpath $tmp/builddb" -bb "$tmp/$spec.spec" \
		>"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; echo "FAIL: rpmbuild $spec"; exit 1; }
done
root=$tmp/root
mkdir -p "$root/etc"
printf 'NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nPRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\n' >"$root/etc/os-release"
rpm --root "$root" --dbpath /var/lib/rpm --initdb
rpm --root "$root" --dbpath /var/lib/rpm -i --nodeps --justdb --noscripts "$tmp"/top/RPMS/noarch/*.rpm 2>/dev/null
check "rpm installed the test packages" test "$(rpm --root "$root" --dbpath /var/lib/rpm -qa | wc -l)" -eq 3

"$khien" inventory collect --root "$root" --json >"$tmp/out.json"
check "exit 0" test $? -eq 0
python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
assert d["complete"] and d["os"]["id"]=="rocky" and d["os"]["codename"]=="blue", d
for p in d["packages"]:
    assert p["type"]=="rpm"
    print("\t".join([p["name"],p["version"],p["arch"],p["source"],p["source_version"]]))' \
	"$tmp/out.json" | LC_ALL=C sort >"$tmp/ours"
# The oracle: rpm itself, E:V-R with the epoch only when there is one.
rpm --root "$root" --dbpath /var/lib/rpm -qa \
	--qf '%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n' |
	python3 -c 'import sys
for l in sys.stdin:
    n,v,a,s=l.rstrip("\n").split("\t")
    s=s[:-len(".src.rpm")]; sn,sv,sr=s.rsplit("-",2)
    e=v.split(":")[0]+":" if ":" in v else ""
    print("\t".join([n,v,a,sn,e+sv+"-"+sr]))' | LC_ALL=C sort >"$tmp/theirs"
check "packages equal rpm -qa" cmp -s "$tmp/ours" "$tmp/theirs"
check "epoch kept" grep -q $'^khien-demo-libs\t2:1.0-3.el9\tnoarch\tkhien-demo\t2:1.0-3.el9$' "$tmp/ours"
check "no epoch, no colon" grep -q $'^plain\t4.5.6-1\tnoarch\tplain\t4.5.6-1$' "$tmp/ours"

# rpm missing while a database is present: an error entry, exit 2, no crash.
"$khien" inventory collect --root "$root" --rpm-tool /nonexistent/rpm --json >"$tmp/missing.json"
check "missing rpm tool exits 2" test $? -eq 2
check "missing rpm tool is reported" python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
assert not d["complete"] and d["packages"]==[] and d["errors"][0]["code"]=="not_found", d' "$tmp/missing.json"
exit $fail
