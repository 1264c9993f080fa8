// semver_oracle.js — the semver oracle for version_oracle_semver.sh: Debian's
// node-semver (/usr/share/nodejs/semver). A version semver.valid() refuses is
// an error; otherwise semver.compare() (strict mode) decides.
// Input: "SCHEME<TAB>A<TAB>B" lines; output: "<|=|>|error 0" per line.
'use strict';
const fs = require('fs');
const valid = require('semver/functions/valid');
const compare = require('semver/functions/compare');

const lines = fs.readFileSync(0, 'utf8').split('\n');
if (lines.length && lines[lines.length - 1] === '') lines.pop();
const out = lines.map((line) => {
  const parts = line.split('\t');
  if (parts.length !== 3) return 'error 0';
  const [, a, b] = parts;
  if (valid(a) === null || valid(b) === null) return 'error 0';
  const rc = compare(a, b);
  return (rc < 0 ? '<' : rc > 0 ? '>' : '=') + ' 0';
});
process.stdout.write(out.join('\n') + '\n');
