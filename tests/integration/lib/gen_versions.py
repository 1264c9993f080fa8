#!/usr/bin/env python3
"""gen_versions.py — deterministic hard version pairs for the oracle tests.

Usage: gen_versions.py SCHEME COUNT [SEED] [HARD_FILE...]
Prints COUNT lines "SCHEME<TAB>A<TAB>B" (after the hand-picked pairs of the
HARD_FILEs, one "A<TAB>B" per line). Pairs are built to be hard, not noise:
B is usually a small mutation of A (one digit, a '~' or '^', a letter for a
digit, a leading zero, one segment more or less), so they share prefixes and
meet every rule of the scheme. Same seed, same pairs.
"""
import random
import sys

LONG = ["18446744073709551615", "18446744073709551616", "99999999999999999999999",
        "000000000000000000001", "2147483647", "2147483648", "4294967296"]


def number(r, long_ok=True):
    x = r.random()
    if long_ok and x < 0.04:
        return r.choice(LONG)
    if x < 0.12:
        return "0" * r.randint(1, 3) + str(r.randint(0, 20))
    if x < 0.5:
        return str(r.randint(0, 9))
    return str(r.choice([r.randint(0, 99), r.randint(0, 2030), r.randint(0, 10 ** 6)]))


def word(r):
    return r.choice(["a", "b", "z", "A", "Z", "rc", "alpha", "beta", "pre", "dfsg",
                     "ubuntu", "deb", "bpo", "git", "el", "fc", "svn", "p", "rC", "Beta"])


def dpkg_upstream(r):
    parts = [number(r) if r.random() < 0.93 else r.choice(["a", "~", "+", "."])]
    for _ in range(r.randint(0, 5)):
        x = r.random()
        if x < 0.45:
            parts.append(r.choice(".+-") + number(r))
        elif x < 0.65:
            parts.append(r.choice(["", ".", "+", "~"]) + word(r) + (number(r) if r.random() < .6 else ""))
        elif x < 0.8:
            parts.append("~" + r.choice(["", "~", word(r), number(r)]))
        elif x < 0.86:
            parts.append(r.choice([":", "::"]) + number(r))
        elif x < 0.93:
            parts.append(r.choice(["_", "@", "!", "%", "=", ",", "\xe9", "\x7f", "/"]))
        else:
            parts.append(number(r))
    return "".join(parts)


def dpkg_version(r):
    x = r.random()
    epoch = ""
    if x < 0.25:
        epoch = r.choice(["0", "1", "2", "10", "00", "01", "2147483647"]) + ":"
    elif x < 0.29:
        epoch = r.choice([":", "a:", "-1:", "+1:", "-0:", "1a:", "2147483648:",
                          "99999999999999999999:", "\x0b3:", " 1:", "1 :"])
    v = epoch + dpkg_upstream(r)
    y = r.random()
    if y < 0.45:
        v += "-" + r.choice(["1", "0", "2", "10", "1ubuntu1", "1~bpo11+1", "1+deb12u1",
                             "0.1", "1.el9", "a", "1~", "01", number(r)])
    elif y < 0.48:
        v += r.choice(["-", "-1_2", "-1:2", "-1-2", "- 1"])
    z = r.random()
    if z < 0.03:
        v = r.choice([" ", "  ", "\t"]).replace("\t", " ") + v
    elif z < 0.06:
        v = v + " "
    elif z < 0.075:
        v = v[: len(v) // 2] + " " + v[len(v) // 2:]
    elif z < 0.085:
        v = r.choice(["", "<unknown>", " ", "~", "a", "-", ":", "0", "00"])
    return v


def rpm_version(r):
    parts = [number(r) if r.random() < 0.9 else r.choice(["a", "~", "^", "."])]
    for _ in range(r.randint(0, 5)):
        x = r.random()
        if x < 0.45:
            parts.append(r.choice(["."] * 4 + ["_", "+", "-", "..", "%"]) + number(r))
        elif x < 0.65:
            parts.append(r.choice(["", ".", "_"]) + word(r) + (number(r) if r.random() < .5 else ""))
        elif x < 0.78:
            parts.append("~" + r.choice(["", "~", word(r), number(r), "^"]))
        elif x < 0.9:
            parts.append("^" + r.choice(["", "^", word(r), number(r), "~", "git" + number(r)]))
        else:
            parts.append(r.choice([":", "-", "\xe9", "!", "="]))
    v = "".join(parts)
    x = r.random()
    if x < 0.2:
        v = r.choice(["0", "1", "2", "01", "", "10", "a", "99999999999999999999"]) + ":" + v
    if r.random() < 0.4:
        v += "-" + r.choice(["1", "2", "1.el9", "0.1.rc1", "3.fc40", "", "1~", "1^", number(r)])
    if r.random() < 0.01:
        v = r.choice(["", "-", ":", "1:", "-1", "^", "~"])
    return v


PRE_WORDS = ["alpha", "beta", "rc", "a", "b", "x", "A", "Z", "-", "--", "a-b", "x1", "1a",
             "0a", "00a", "pre", "dev"]


def semver_ident(r, pre=True):
    x = r.random()
    if x < 0.45:
        n = r.choice([r.randint(0, 12), r.randint(0, 100000), 9007199254740990,
                      r.randint(0, 10 ** 15)])
        s = str(n)
        if pre and r.random() < 0.03:
            s = "0" + s  # invalid in a pre-release
        return s
    return r.choice(PRE_WORDS)


def semver_version(r):
    def core():
        nums = []
        for _ in range(3):
            x = r.random()
            if x < 0.03:
                nums.append(r.choice(["01", "00", "9007199254740991", "9007199254740992",
                                      "18446744073709551616"]))
            else:
                nums.append(str(r.choice([r.randint(0, 3), r.randint(0, 20), r.randint(0, 999)])))
        return ".".join(nums)

    v = core()
    if r.random() < 0.55:
        v += "-" + ".".join(semver_ident(r) for _ in range(r.randint(1, 4)))
    if r.random() < 0.2:
        v += "+" + ".".join(r.choice(["001", "build", "exp", "sha", "5114f85", "x-y", "20130313144700"])
                            for _ in range(r.randint(1, 3)))
    x = r.random()
    if x < 0.08:
        v = "v" + v
    elif x < 0.13:
        v = r.choice(["V", "=", " ", "vv", "1.", ""]) + v
    elif x < 0.18:
        v = r.choice([v + " ", v + ".", v[:-1], v + "-", v + "+", v.replace(".", "..", 1),
                      v + "-a..b", v + "_1", "1.2", "1", "", v + "-\xe9",
                      "1.0.0-" + "a" * 251, "1.0.0-" + "a" * 250])
    return v


def mutate(r, scheme, v):
    """A small edit of v, so the pair shares a prefix and hits one rule."""
    if not v:
        return v
    ops = ["digit", "append", "drop", "zero", "same", "tilde", "letter", "sep", "case"]
    if scheme == "rpm":
        ops += ["caret", "caret"]
    if scheme == "semver":  # mostly edits that keep it valid, so order is tested
        ops = ["digit", "digit", "append", "append", "same", "case", "drop", "pre", "pre"]
    op = r.choice(ops)
    i = r.randrange(len(v))
    if op == "digit":
        digits = [k for k, c in enumerate(v) if c.isdigit()]
        if digits:
            k = r.choice(digits)
            return v[:k] + str((int(v[k]) + r.choice([1, 9])) % 10) + v[k + 1:]
        return v + "1"
    if op == "append":
        tail = {"dpkg": [".0", "~", "a", "+1", "-1", ".1", "~rc1", "-0"],
                "rpm": [".0", "~", "^", "a", ".1", "-1", "^git1", "~rc1", "-"],
                "semver": ["-0", "-alpha", ".1", "+b", "-1.2", "-a.1"]}[scheme]
        return v + r.choice(tail)
    if op == "drop":
        return v[:i] + v[i + 1:]
    if op == "zero":
        digits = [k for k, c in enumerate(v) if c.isdigit() and (k == 0 or not v[k - 1].isdigit())]
        if digits:
            k = r.choice(digits)
            return v[:k] + "0" + v[k:]
        return v
    if op == "same":
        return v
    if op == "tilde":
        return v[:i] + "~" + v[i:]
    if op == "pre":
        core, sep, pre = v.partition("-")
        return core + "-" + ".".join([semver_ident(r) for _ in range(r.randint(1, 2))] +
                                     ([pre] if pre and r.random() < 0.5 else []))
    if op == "caret":
        return v[:i] + "^" + v[i:]
    if op == "letter":
        return v[:i] + r.choice("azAZ") + v[i + 1:]
    if op == "sep":
        return v.replace(".", r.choice(["+", "~", "-", "_", ".."]), 1)
    return v.swapcase()


GENERATORS = {"dpkg": dpkg_version, "rpm": rpm_version, "semver": semver_version}


def main():
    scheme, count = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20240601
    r = random.Random(seed)
    out = []
    for path in sys.argv[4:]:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if line.startswith("#") or "\t" not in line:
                    continue
                a, b = line.split("\t", 1)
                out.append((a, b))
                out.append((b, a))
    gen = GENERATORS[scheme]
    pool = [gen(r) for _ in range(400)]
    while len(out) < count:
        x = r.random()
        if x < 0.55:
            a = gen(r)
            b = mutate(r, scheme, a)
            if r.random() < 0.3:
                b = mutate(r, scheme, b)
        elif x < 0.8:
            a, b = r.choice(pool), r.choice(pool)
        else:
            a = r.choice(pool)
            b = mutate(r, scheme, a)
        if "\t" in a + b or "\n" in a + b or "\r" in a + b or "\0" in a + b:
            continue
        if r.random() < 0.5:
            a, b = b, a
        out.append((a, b))
    w = sys.stdout.buffer
    for a, b in out:
        w.write(("%s\t%s\t%s\n" % (scheme, a, b)).encode("utf-8", "surrogateescape"))


if __name__ == "__main__":
    main()
