import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYamlDocuments } from '@portalkit/core';
import { builtinActions, createScaffolder, loadTemplate, templateBaseUrl, type JsonObject } from '@portalkit/scaffolder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Hole #14 of issue 16: the shipped example templates wrote user values into YAML unquoted, so a
// multi-line value added documents (another entity, a Scorecard) to the registered
// catalog-info.yaml. Every value now goes through the `yamlScalar` filter.

const templates = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/portal/data/templates');
const INJECTION = 'A service.\n---\napiVersion: portalkit.dev/v1alpha1\nkind: Scorecard\nmetadata:\n  name: pwned\nspec: {}';
const END_MARKER = 'x\n...\n# comment\n--- !!str';
const SMUGGLED_KEY = 'x\nspec:\n  owner: team-attacker';

let workingDirectory: string;
beforeAll(async () => {
  workingDirectory = await mkdtemp(path.join(tmpdir(), 'pk-sec-yaml-'));
});
afterAll(() => rm(workingDirectory, { recursive: true, force: true }));

async function dryRun(name: string, values: JsonObject) {
  const scaffolder = createScaffolder({ actions: builtinActions(), workingDirectory });
  const template = await loadTemplate(path.join(templates, name, 'template.yaml'));
  const result = await scaffolder.dryRun(template, { values, baseUrl: templateBaseUrl(template)! });
  expect(result.status, JSON.stringify(result.error)).toBe('completed');
  const files = Object.fromEntries(result.directoryContents.map((f) => [f.path, Buffer.from(f.base64Content ?? '', 'base64').toString('utf8')]));
  return files;
}

// The parser the catalog reads catalog-info.yaml with.
const documents = (text: string) => parseYamlDocuments(text, { file: 'catalog-info.yaml' }).map((d) => d.value as Record<string, unknown>);

describe('shipped templates quote user values in YAML', () => {
  it('create-nodejs-service: catalog-info.yaml is exactly one entity, the values kept as strings', async () => {
    for (const description of [INJECTION, SMUGGLED_KEY, END_MARKER, '"quoted" \'single\' : [flow] {map} &anchor *alias !tag %', '  leading and trailing spaces  ', 'null', 'true', '0x1F']) {
      const files = await dryRun('create-nodejs-service', { name: 'svc', owner: 'team-platform', description, port: 8080 });
      const docs = documents(files['catalog-info.yaml']!);
      expect(docs).toHaveLength(1);
      expect(docs[0]).toMatchObject({ kind: 'Component', metadata: { name: 'svc', description }, spec: { owner: 'team-platform', type: 'service' } });
      // package.json (JSON) keeps the value too, and stays valid.
      expect(JSON.parse(files['package.json']!).description).toBe(description);
    }
  });

  it('create-docs-site: catalog-info.yaml and mkdocs.yml are exactly one document each', async () => {
    const files = await dryRun('create-docs-site', { name: 'docs', owner: 'team-platform', title: INJECTION, summary: SMUGGLED_KEY, sections: ['faq', 'glossary'] });
    const docs = documents(files['catalog-info.yaml']!);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ kind: 'Component', metadata: { name: 'docs', title: INJECTION, description: SMUGGLED_KEY }, spec: { owner: 'team-platform' } });
    const mkdocs = documents(files['mkdocs.yml']!);
    expect(mkdocs).toHaveLength(1);
    expect(mkdocs[0]).toMatchObject({ site_name: INJECTION, nav: [{ Home: 'index.md' }, { Faq: 'faq.md' }, { Glossary: 'glossary.md' }] });
  });
});
