// site_obs_oracle.mjs — the MDN HTTP Observatory's own test functions and
// scoring (scanner/index.js), run on recorded responses (docs/site.md,
// "recorded responses"), so `khien site score` can be compared with them.
// Usage: node site_obs_oracle.mjs OBS_PACKAGE_DIR RECORD.json...
// Prints one JSON line per record: {"file","score","grade","tests":{name:result}}.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const pkg = path.resolve(process.argv[2]);
const imp = (p) => import(pathToFileURL(path.join(pkg, p)).href);
const require = createRequire(path.join(pkg, "package.json"));
const { AxiosHeaders } = require("axios");
const { CookieJar } = require("tough-cookie");
const { Requests, HTML_TYPES } = await imp("src/types.js");
const { ALL_TESTS } = await imp("src/constants.js");
const { getScoreModifier, getGradeForScore } = await imp("src/grader/grader.js");
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await imp("src/grader/charts.js");
const { parseHttpEquivHeaders } = await imp("src/retriever/utils.js");

// Node's http.IncomingMessage.headers: set-cookie is an array, these keep
// their first value, the others are joined with ", ".
const SINGLE = new Set(["age", "authorization", "content-length", "content-type",
  "etag", "expires", "from", "host", "if-modified-since", "if-unmodified-since",
  "last-modified", "location", "max-forwards", "proxy-authorization", "referer",
  "retry-after", "server", "user-agent"]);
function nodeHeaders(list) {
  const h = {};
  for (const [n, v] of list) {
    const k = n.toLowerCase();
    if (k === "set-cookie") (h[k] ??= []).push(v);
    else if (!(k in h)) h[k] = v;
    else if (!SINGLE.has(k)) h[k] += ", " + v;
  }
  return new AxiosHeaders(h);
}
function response(r) {
  if (!r) return null;
  return { status: r.status, headers: nodeHeaders(r.headers ?? []), data: r.body ?? "",
           verified: !!r.verified, config: { url: r.url } };
}

for (const file of process.argv.slice(3)) {
  const rec = JSON.parse(fs.readFileSync(file, "utf8"));
  const req = new Requests(rec.hostname);
  req.responses.auto = response(rec.auto);
  req.responses.http = response(rec.http);
  req.responses.https = response(rec.https);
  req.responses.httpRedirects = (rec.http_redirects ?? []).map((h) => ({ url: new URL(h.url), status: h.status }));
  req.responses.httpsRedirects = req.responses.httpRedirects;
  req.responses.cors = rec.cors ? { ...response(rec.cors),
    request: rec.cors_origin ? { headers: { origin: rec.cors_origin } } : undefined } : null;
  const jar = new CookieJar();
  if (rec.auto) {
    for (const [n, v] of rec.auto.headers ?? [])
      if (n.toLowerCase() === "set-cookie") jar.setCookieSync(v, rec.auto.url, { ignoreError: true });
  }
  req.session = rec.session_url ? { url: new URL(rec.session_url), jar } : null;
  req.resources.path = rec.auto ? rec.auto.body ?? "" : null;
  if (req.responses.auto) {
    const ct = req.responses.auto.headers["content-type"]?.split(";")[0];
    req.responses.auto.httpEquiv = HTML_TYPES.has(ct) && req.resources.path
      ? parseHttpEquivHeaders(req.resources.path, req.session.url.href) : new Map();
  }
  const out = { file: path.basename(file) };
  const status = req.responses.auto?.status;
  if (!req.responses.auto || status < 200 || (status >= 400 && ![401, 403].includes(status))) {
    out.error = true;
  } else {
    let withExtra = 100, uncurved = 100;
    out.tests = {};
    for (const test of ALL_TESTS) {
      const r = test(req);
      const m = getScoreModifier(r.result);
      withExtra += m;
      if (m < 0) uncurved += m;
      out.tests[r.constructor.name] = r.result;
    }
    const g = getGradeForScore(uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtra : uncurved);
    out.score = g.score;
    out.grade = g.grade;
  }
  console.log(JSON.stringify(out));
}
