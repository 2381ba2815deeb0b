// Extracts named definitions (and every definition they reference) from a Swagger 2.0 document,
// so a contract server validates against the host's own schemas without vendoring the whole
// document. Usage: node extract-definitions.mjs <swagger.json> <out.json> <source note> <Definition>...
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output, source, ...names] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(input, 'utf8').replace(/^\uFEFF/, ''));
const picked = {};
const visit = (name) => {
  if (picked[name]) return;
  const definition = spec.definitions[name];
  if (!definition) throw new Error(`no definition ${name}`);
  picked[name] = definition;
  JSON.stringify(definition, (key, value) => {
    if (key === '$ref' && typeof value === 'string') visit(value.replace('#/definitions/', ''));
    return value;
  });
};
for (const name of names) visit(name);
const sorted = Object.fromEntries(Object.entries(picked).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(output, `${JSON.stringify({ source, info: spec.info, definitions: sorted }, null, 1)}\n`);
console.log(`${output}: ${Object.keys(sorted).length} definitions`);
