import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileReader, createLogger } from '@portalkit/core';
import { builtinKinds, createEntityValidator } from '@portalkit/catalog-model';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommitter } from '../stitching/committer.js';
import { memoryStore } from '../stores/memory.js';
import { createCatalogProcessing } from './catalog-processing.js';
import type { EntityProcessor } from './processor.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const component = (name: string, owner = 'team-a') =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;

async function setup(processors: EntityProcessor[] = []) {
  const rootDir = mkdtempSync(join(tmpdir(), 'catalog-processing-'));
  dirs.push(rootDir);
  const store = memoryStore();
  const reader = createFileReader({ root: rootDir });
  const context = {
    rootDir,
    fileReader: reader,
    urlReader: reader,
    processors,
    validator: createEntityValidator({ kinds: builtinKinds }),
  };
  const committer = createCommitter({ store, logger: createLogger({ level: 'error' }), events: () => undefined });
  const processing = createCatalogProcessing({ store, context, commit: committer.commit, leaseMs: 30_000 });
  const register = async (file: string, text: string) => {
    writeFileSync(join(rootDir, file), text);
    await store.transaction(async (tx) =>
      tx.putLocation({ id: file, type: 'file', target: join(rootDir, file), createdAt: new Date().toISOString() }),
    );
  };
  const owner = async (name: string) =>
    ((await store.getEntities({ refs: [`component:default/${name}`] }))[0]?.entity.spec as { owner?: string } | undefined)?.owner;
  return { rootDir, store, processing, register, owner };
}

describe('createCatalogProcessing', () => {
  it('refresh() reads every registered location and commits what it found', async () => {
    const { processing, register, owner } = await setup();
    await register('a.yaml', component('a'));
    await register('b.yaml', component('b'));
    await processing.refresh();
    expect([await owner('a'), await owner('b')]).toEqual(['team-a', 'team-a']);
  });

  it('refresh({ entityRef }) re-reads the entity from the source that read it', async () => {
    const { rootDir, processing, register, owner } = await setup();
    await register('a.yaml', component('a'));
    await processing.refresh();
    writeFileSync(join(rootDir, 'a.yaml'), component('a', 'team-b'));
    await processing.refresh({ entityRef: 'Component:a' });
    expect(await owner('a')).toBe('team-b');
    await expect(processing.refresh({ entityRef: 'component:default/none' })).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(processing.refresh({ entityRef: '::' })).rejects.toMatchObject({ name: 'InputError' });
  });

  it('refresh({ key }) reprocesses only the entities tagged with the key', async () => {
    let seen: string[] = [];
    const tagger: EntityProcessor = {
      name: 'tagger',
      postProcess(entity, _location, emit) {
        seen.push(entity.metadata.name);
        if (entity.metadata.name === 'a') emit.refresh('tag-a');
      },
    };
    const { processing, register } = await setup([tagger]);
    await register('a.yaml', component('a'));
    await register('b.yaml', component('b'));
    await processing.refresh();
    seen = [];
    await processing.refresh({ key: 'tag-a' });
    expect(seen).toEqual(['a']);
  });

  it('keeps processing problems with the refresh states and lists them', async () => {
    const { processing, register } = await setup();
    await register('a.yaml', component('a'));
    await register('bad.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: bad\nspec:\n  type: service\n');
    await processing.refresh();
    const reports = await processing.getProcessingErrors();
    expect(reports.map((r) => [r.entityRef, r.served])).toEqual([['component:default/bad', false]]);
    expect(reports[0]!.errors[0]!.message).toMatch(/lifecycle|owner/);
  });

  it('validateEntity stores nothing and never reads placeholders', async () => {
    const { rootDir, processing, store } = await setup();
    writeFileSync(join(rootDir, 'secret.txt'), 'secret');
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'v', description: { $text: './secret.txt' } },
      spec: { type: 'service', lifecycle: 'production', owner: 'me' },
    };
    const result = await processing.validateEntity(entity, `file:${join(rootDir, 'catalog-info.yaml')}`);
    expect(result.valid).toBe(false);
    expect(JSON.stringify(result)).not.toContain('secret"');
    expect(result).toMatchObject({ errors: [expect.objectContaining({ name: 'NotAllowedError' })] });
    expect(await processing.validateEntity({ ...entity, metadata: { name: 'v' } }, 'url:https://example.com/x.yaml')).toEqual({ valid: true });
    expect(await processing.validateEntity(null)).toMatchObject({ valid: false });
    expect(await store.getRefreshStates({ all: true })).toEqual([]);
  });
});
