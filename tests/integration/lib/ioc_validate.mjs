// ioc_validate.mjs — validates STIX 2.1 bundles against the official OASIS
// JSON schemas with ajv (draft 2020-12): the whole bundle, and each object
// against the schema of its own type (clearer errors than the bundle's anyOf).
// usage: node ioc_validate.mjs NODE_MODULES SCHEMA_DIR BUNDLE.json...
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const [modules, schemaDir, ...files] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modules), "x.js"));
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
// ajv-formats has no idn-hostname; domain names are checked by our own tests
ajv.addFormat("idn-hostname", true);
const byFile = {};
for (const dir of ["common", "sdos", "sros", "observables"]) {
  for (const f of fs.readdirSync(path.join(schemaDir, dir))) {
    if (!f.endsWith(".json")) continue;
    const s = JSON.parse(fs.readFileSync(path.join(schemaDir, dir, f), "utf8"));
    ajv.addSchema(s);
    byFile[`${dir}/${f}`] = s.$id;
  }
}
const schemaFor = (type) => {
  for (const dir of ["sdos", "sros", "observables", "common"]) {
    const id = byFile[`${dir}/${type}.json`];
    if (id) return id;
  }
  return null;
};

let bad = 0, objects = 0;
for (const file of files) {
  const doc = JSON.parse(fs.readFileSync(file, "utf8"));
  const vb = ajv.getSchema(byFile["common/bundle.json"]);
  if (!vb(doc)) {
    bad++;
    console.log(`FAIL ${file}: bundle: ${ajv.errorsText(vb.errors).slice(0, 2000)}`);
  }
  for (const o of doc.objects || []) {
    objects++;
    const id = schemaFor(o.type);
    if (!id) { bad++; console.log(`FAIL ${file}: ${o.id}: no schema for type ${o.type}`); continue; }
    const v = ajv.getSchema(id);
    if (!v(o)) { bad++; console.log(`FAIL ${file}: ${o.id}: ${ajv.errorsText(v.errors)}`); }
  }
}
console.log(`validated ${files.length} bundles, ${objects} objects, ${bad} failures`);
process.exit(bad ? 1 : 0);
