#!/usr/bin/env bash
# Fails when library or front-end code calls a function ../shared/STYLE.md
# bans, or declares a variable-length array (-Wvla also catches those).
set -u
root=${1:-.}
cd "$root" || exit 2
pattern='(^|[^_a-zA-Z0-9.>])(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|strtok|alloca)[[:space:]]*\('
# Strip // and /* */ comments and string literals before matching.
hits=$(find src include fuzz bench tests/unit -name '*.[ch]' 2>/dev/null | sort | while read -r f; do
	sed -e 's://.*$::' -e 's:/\*.*\*/::g' -e 's/"[^"]*"/""/g' "$f" |
		grep -nE "$pattern" | sed "s|^|$f:|"
done)
if [ -n "$hits" ]; then
	echo "banned functions (see ../shared/STYLE.md, 'Untrusted bytes'):"
	echo "$hits"
	echo "1 passed, 1 failed"
	exit 1
fi
n=$(find src include fuzz bench tests/unit -name '*.[ch]' 2>/dev/null | wc -l)
echo "lint: $n files, no banned functions"
