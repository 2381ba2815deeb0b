import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCatalog, createEntityValidator } from '@portalkit/catalog';
import { parseYamlDocuments } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { expectPrototypeClean } from '../support/typed.js';

const component = (extra: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc
${extra}
spec:
  type: service
  owner: team-a
  lifecycle: production
  definition: { $text: ./api.txt }
`;

describe('prototype keys in entities', () => {
  it('rejects a __proto__ key anywhere in an entity, naming its path', () => {
    const [doc] = parseYamlDocuments(component('  annotations:\n    __proto__: { isAdmin: "true" }'), { file: 'catalog-info.yaml' });
    const result = createEntityValidator().validate(doc!.value, { file: 'catalog-info.yaml' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.message).join('\n')).toMatch(/metadata\.annotations\.__proto__.*not allowed/);
    expectPrototypeClean();
  });

  it('keeps constructor/prototype keys as plain data without touching Object.prototype', () => {
    const [doc] = parseYamlDocuments(
      component('').replace('spec:\n', 'spec:\n  constructor: { prototype: { isAdmin: true } }\n  prototype: { polluted: 1 }\n'),
      { file: 'catalog-info.yaml' },
    );
    expect(createEntityValidator().validate(doc!.value).ok).toBe(true);
    expectPrototypeClean();
  });

  it('does not let a placeholder walk swallow a __proto__ key and slip past validation', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'pk-sec-proto-'));
    await writeFile(path.join(root, 'api.txt'), 'openapi: 3.0.0');
    // A label value must be a string: an object under `__proto__` is invalid whatever the key.
    await writeFile(path.join(root, 'catalog-info.yaml'), component('  labels:\n    __proto__: { polluted: "1" }'));
    const catalog = createCatalog({ rootDir: root });
    await catalog.addLocation({ type: 'file', target: './catalog-info.yaml' });
    expect(await catalog.getEntityByRef('component:default/svc')).toBeUndefined();
    const errors = (await catalog.getProcessingErrors()).flatMap((r) => r.errors.map((e) => e.message));
    expect(errors.join('\n')).toMatch(/__proto__/);
    const { items } = await catalog.getEntities({ filter: { 'metadata.labels.polluted': '1' } });
    expect(items).toEqual([]);
    expectPrototypeClean();
  });
});
