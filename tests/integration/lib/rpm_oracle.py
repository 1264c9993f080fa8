"""rpm_oracle.py — the rpm oracle for version_oracle_rpm.sh, run by Debian's
/usr/bin/python3 with python3-rpm: rpm.labelCompare() on EVR strings, which
rpm 4.18 splits with rpmverParse() and orders with rpmverCmp()/rpmvercmp().
Input: "SCHEME<TAB>A<TAB>B" lines; output: "<|=|>|error 0" per line."""
import sys

import rpm

out = []
for raw in sys.stdin.buffer:
    parts = raw.rstrip(b"\n").split(b"\t")
    if len(parts) != 3:
        out.append("error 0")
        continue
    a, b = (p.decode("utf-8", "surrogateescape") for p in parts[1:])
    try:
        rc = rpm.labelCompare(a, b)
    except ValueError:  # rpm: "invalid version" (the empty string)
        out.append("error 0")
        continue
    out.append(("<" if rc < 0 else ">" if rc > 0 else "=") + " 0")
sys.stdout.write("\n".join(out) + "\n")
