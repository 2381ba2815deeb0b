import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCatalog } from '@portalkit/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Found while auditing issue 16 hole #2 ("a client chooses no base location") on the catalog:
// POST /validate-entity takes both the entity and its location from the client, and resolved
// the entity's placeholders against that location, echoing any file below the catalog root
// (`.env`, keys) in the validation errors. Validation never reads placeholder targets now.

const SECRET = 'DB_PASSWORD=hunter2-7f3a9c';
let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pk-sec-validate-'));
  await writeFile(path.join(root, '.env'), `${SECRET}\n`);
  await writeFile(path.join(root, 'secret.json'), JSON.stringify({ token: SECRET }));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const entity = (field: string, placeholder: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'probe', [field]: placeholder },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

describe('POST /validate-entity reads nothing a client names', () => {
  const cases: Array<[string, string, Record<string, string>]> = [
    ['$text into metadata.name', 'name', { $text: './.env' }],
    ['$yaml into metadata.name', 'name', { $yaml: './.env' }],
    ['$json into metadata.name', 'name', { $json: './.env' }],
    ['$json of a JSON file into metadata.name', 'name', { $json: './secret.json' }],
    ['$text into metadata.title', 'title', { $text: './.env' }],
  ];
  it.each(cases)('%s', async (_name, field, placeholder) => {
    const catalog = createCatalog({ rootDir: root });
    const handler = catalog.handler({});
    for (const location of [`file:${path.join(root, 'x.yaml')}`, `file:${path.join(root, 'sub', 'x.yaml')}`]) {
      const res = await handler(
        new Request('http://portal/api/catalog/validate-entity', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ entity: entity(field, placeholder), location }),
        }),
      );
      const text = await res.text();
      expect(text).not.toContain('hunter2');
      expect(text.toLowerCase()).not.toContain('db_passw');
      // Nor where the catalog root is on the host.
      expect(text).not.toContain(root);
      // A placeholder is reported, typed, and the entity is not called valid.
      expect(res.status).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ errors: [expect.objectContaining({ name: expect.stringMatching(/Error$/) })] });
    }
  });
});
