"""check_results.py — compares khien's batch answers with an oracle's.

Usage: check_results.py PAIRS ORACLE_OUT KHIEN_STDOUT KHIEN_STDERR
ORACLE_OUT has "<|=|>|error NWARNINGS" per pair; khien prints "<", "=", ">"
or "error: …" per pair and "khien: stdin:N: warning: …" on stderr. Prints a
summary and the first disagreements; exits 1 on any disagreement."""
import collections
import re
import sys

pairs = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
oracle = open(sys.argv[2]).read().split("\n")[:-1]
khien = open(sys.argv[3], encoding="utf-8", errors="replace").read().split("\n")[:-1]
warned = collections.Counter()
for line in open(sys.argv[4], encoding="utf-8", errors="replace"):
    m = re.match(r"khien: stdin:(\d+): (warning|cảnh báo): ", line)
    if m:
        warned[int(m.group(1))] += 1
if not (len(pairs) == len(oracle) == len(khien)):
    print("line counts differ: pairs %d, oracle %d, khien %d" % (len(pairs), len(oracle), len(khien)))
    sys.exit(1)
bad, tally = [], collections.Counter()
for i, (pair, want, got) in enumerate(zip(pairs, oracle, khien), 1):
    want_res, want_warn = want.split(" ")
    got_res = "error" if got.startswith("error:") else got
    tally[want_res] += 1
    tally["warnings"] += int(want_warn)
    if got_res != want_res or warned[i] != int(want_warn):
        bad.append("line %d: %r: oracle %s (%s warnings), khien %r (%d warnings)"
                   % (i, pair.decode("utf-8", "replace"), want_res, want_warn, got, warned[i]))
print("%d pairs: %s" % (len(pairs), ", ".join("%s %d" % kv for kv in sorted(tally.items()))))
if bad:
    print("%d disagreements:" % len(bad))
    print("\n".join(bad[:30]))
    sys.exit(1)
print("0 disagreements")
