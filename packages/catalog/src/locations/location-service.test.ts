import { createLogger } from '@portalkit/core';
import { ANNOTATION_ORIGIN_LOCATION } from '@portalkit/catalog-model';
import type { Entity } from '@portalkit/catalog-model';
import { describe, expect, it } from 'vitest';
import type { PassInput, PassItem } from '../processing/engine.js';
import { createCommitter } from '../stitching/committer.js';
import { memoryStore } from '../stores/memory.js';
import { createLocationService } from './location-service.js';
import { normalizeLocation } from './normalize-location.js';

const ROOT = '/srv/catalog';

/**
 * A stand-in for the processing engine: a location's generated entity emits one component named
 * after the target's last path segment (`fail` in the target makes the read fail).
 */
async function fakePass(inputs: readonly PassInput[]): Promise<Map<string, PassItem>> {
  const items = new Map<string, PassItem>();
  for (const input of inputs) {
    const target = String((input.entity.spec as { target: string }).target);
    const failed = target.includes('fail');
    items.set(input.ref, {
      ref: input.ref,
      unprocessed: input.entity,
      ...(failed ? {} : { processed: input.entity }),
      errors: failed ? [{ name: 'InputError', message: `cannot read ${target}` }] : [],
      relations: [],
      refreshKeys: [],
      parentRefs: [],
      ...(input.rootKey ? { rootKey: input.rootKey } : {}),
    });
    if (failed) continue;
    const name = target.split('/').pop()!.replace(/\W/g, '-');
    const child: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name, annotations: { [ANNOTATION_ORIGIN_LOCATION]: `${input.entity.spec?.type}:${target}` } },
    };
    const ref = `component:default/${name}`;
    items.set(ref, { ref, unprocessed: child, processed: child, errors: [], relations: [], refreshKeys: [], parentRefs: [input.ref] });
  }
  return items;
}

function setup(pass = fakePass) {
  const store = memoryStore();
  const committer = createCommitter({ store, logger: createLogger({ level: 'error' }), events: () => undefined });
  const service = createLocationService({ store, rootDir: ROOT, exclusive: (fn) => fn(), pass, commit: committer.commit, cascade: committer.cascade });
  const refs = async () => (await store.getEntities({ refs: ['component:default/a-yaml', 'component:default/b-yaml'] })).map((r) => r.entityRef).sort();
  return { store, service, refs };
}

describe('normalizeLocation', () => {
  it('makes file targets absolute inside the root and re-serialises URLs; type defaults to url', () => {
    expect(normalizeLocation({ type: 'file', target: './a/../b.yaml' }, ROOT)).toEqual({ type: 'file', target: `${ROOT}/b.yaml` });
    expect(normalizeLocation({ target: 'HTTPS://Example.com/a b.yaml' }, ROOT)).toEqual({ type: 'url', target: 'https://example.com/a%20b.yaml' });
    expect(normalizeLocation({ type: 'github-discovery', target: 'x' }, ROOT)).toEqual({ type: 'github-discovery', target: 'x' });
  });

  it('refuses file targets outside the root (403) and malformed specs (400)', () => {
    expect(() => normalizeLocation({ type: 'file', target: '../etc/passwd' }, ROOT)).toThrow(expect.objectContaining({ name: 'NotAllowedError' }));
    expect(() => normalizeLocation({ type: 'file', target: '/etc/passwd' }, ROOT)).toThrow(expect.objectContaining({ name: 'NotAllowedError' }));
    expect(() => normalizeLocation({ type: 'url', target: 'not a url' }, ROOT)).toThrow(expect.objectContaining({ name: 'InputError' }));
    expect(() => normalizeLocation({ type: 'file', target: ' ' }, ROOT)).toThrow(expect.objectContaining({ name: 'InputError' }));
    expect(() => normalizeLocation({ type: '', target: 'x' }, ROOT)).toThrow(expect.objectContaining({ name: 'InputError' }));
  });
});

describe('createLocationService', () => {
  it('adds a location, commits what it produced, and refuses the same location in another spelling', async () => {
    const { service, refs } = setup();
    const { location, entities } = await service.addLocation({ type: 'file', target: 'a.yaml' });
    expect(location).toMatchObject({ type: 'file', target: `${ROOT}/a.yaml`, entityRef: expect.stringMatching(/^location:default\/generated-/) });
    expect(entities.map((e) => e.kind).sort()).toEqual(['Component', 'Location']);
    expect(await refs()).toEqual(['component:default/a-yaml']);
    await expect(service.addLocation({ type: 'file', target: './x/../a.yaml' })).rejects.toMatchObject({ name: 'ConflictError' });
    expect(await service.getLocation(location.id)).toEqual(location);
    expect(await service.getLocations()).toEqual([location]);
  });

  it('a dry run reads and reports without storing, and says whether the location exists', async () => {
    const { service, store, refs } = setup();
    const dry = await service.addLocation({ type: 'file', target: 'a.yaml' }, { dryRun: true });
    expect([dry.exists, dry.entities.length]).toEqual([false, 2]);
    expect([await store.listLocations(), await refs()]).toEqual([[], []]);
    await service.addLocation({ type: 'file', target: 'a.yaml' });
    expect((await service.addLocation({ type: 'file', target: 'a.yaml' }, { dryRun: true })).exists).toBe(true);
    await expect(service.addLocation({ type: 'file', target: 'fail.yaml' }, { dryRun: true })).rejects.toThrow(/1 problem\(s\): cannot read/);
  });

  it('removes a location with the entities only it produced; an unknown id is a 404', async () => {
    const { service, store, refs } = setup();
    const a = await service.addLocation({ type: 'file', target: 'a.yaml' });
    await service.addLocation({ type: 'file', target: 'b.yaml' });
    await service.removeLocation(a.location.id);
    expect(await refs()).toEqual(['component:default/b-yaml']);
    expect((await store.listLocations()).map((l) => l.target)).toEqual([`${ROOT}/b.yaml`]);
    await expect(service.removeLocation(a.location.id)).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('updates a location in place: same id, new entities, the old ones gone; a taken target is a conflict', async () => {
    const { service, refs } = setup();
    const a = await service.addLocation({ type: 'file', target: 'a.yaml' });
    const b = await service.addLocation({ type: 'file', target: 'b.yaml' });
    await expect(service.updateLocation(a.location.id, { type: 'file', target: 'b.yaml' })).rejects.toMatchObject({ name: 'ConflictError' });
    await service.removeLocation(b.location.id);
    const updated = await service.updateLocation(a.location.id, { type: 'file', target: 'b.yaml' });
    expect([updated.id, updated.target]).toEqual([a.location.id, `${ROOT}/b.yaml`]);
    expect(await refs()).toEqual(['component:default/b-yaml']);
  });

  it('an update whose new target cannot be read changes nothing', async () => {
    let failNext = false;
    const { service, refs } = setup(async (inputs) => {
      if (failNext) throw new Error('host unreachable');
      return fakePass(inputs);
    });
    const a = await service.addLocation({ type: 'file', target: 'a.yaml' });
    failNext = true;
    await expect(service.updateLocation(a.location.id, { type: 'file', target: 'b.yaml' })).rejects.toThrow('host unreachable');
    expect(await service.getLocation(a.location.id)).toEqual(a.location);
    expect(await refs()).toEqual(['component:default/a-yaml']);
  });

  it('registers configured locations once, reading nothing', async () => {
    const { service, store } = setup(async () => {
      throw new Error('registering must not read');
    });
    await service.registerConfigured([{ type: 'file', target: 'a.yaml' }, { type: 'file', target: './a.yaml' }]);
    await service.registerConfigured([{ type: 'file', target: 'a.yaml' }]);
    expect((await store.listLocations()).map((l) => l.target)).toEqual([`${ROOT}/a.yaml`]);
  });

  it('finds the location an entity came from, and queries locations', async () => {
    const { service } = setup();
    const a = await service.addLocation({ type: 'file', target: 'a.yaml' });
    await service.addLocation({ type: 'url', target: 'https://example.com/b.yaml' });
    expect(await service.getLocationByEntity('component:default/a-yaml')).toEqual(a.location);
    await expect(service.getLocationByEntity('component:default/none')).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(service.getLocationByEntity('::')).rejects.toMatchObject({ name: 'InputError' });
    const { items } = await service.queryLocations({ query: { type: 'url' } });
    expect(items.map((l) => l.target)).toEqual(['https://example.com/b.yaml']);
  });
});
