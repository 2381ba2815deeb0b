/*
 * What the multi-worker tests share with their child-process workers: the catalog
 * configuration every worker runs, an instrumented processor, and a snapshot of a catalog's
 * results for comparing runs.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCatalog } from '../../../create-catalog.js';
import type { Entity } from '@portalkit/catalog-model';
import type { EntityProcessor } from '../../../processing/processor.js';
import { generateCatalogEntities, toYaml } from '../../../testing/generate.js';
import type { Catalog } from '../../../types.js';
import type { CatalogStore } from '../../types.js';

export { catalogSnapshot as snapshot } from '../../catalog-snapshot.js';

const fixtures = fileURLToPath(new URL('../../../../fixtures', import.meta.url));

/** One entity's processing by one worker, in ms since the epoch (comparable across processes). */
export interface Interval {
  ref: string;
  worker: string;
  start: number;
  end: number;
}

/**
 * A catalog tree: the fixtures (good and broken) plus generated entities in several files,
 * one of them read by two registered Locations, so two roots emit the same entities.
 */
export function writeCatalogTree(): { rootDir: string; locations: { type: string; target: string }[] } {
  const rootDir = mkdtempSync(join(tmpdir(), 'pk-workers-'));
  cpSync(fixtures, rootDir, { recursive: true });
  mkdirSync(join(rootDir, 'generated'));
  const entities = generateCatalogEntities(300);
  const files = 6;
  const per = Math.ceil(entities.length / files);
  for (let f = 0; f < files; f++) {
    writeFileSync(join(rootDir, 'generated', `part-${f}.yaml`), entities.slice(f * per, (f + 1) * per).map((e) => toYaml(e)).join('---\n'));
  }
  // Two Locations reading one file: two workers reach the same entities at the same moment.
  for (const name of ['shared-a', 'shared-b']) {
    writeFileSync(
      join(rootDir, `${name}.yaml`),
      `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: ${name}\nspec:\n  target: ./generated/part-0.yaml\n`,
    );
  }
  const locations = [
    './shared-a.yaml',
    './shared-b.yaml',
    './all.yaml',
    './broken/*.yaml',
    ...Array.from({ length: files - 1 }, (_, f) => `./generated/part-${f + 1}.yaml`),
  ].map((target) => ({ type: 'file', target }));
  return { rootDir, locations };
}

const now = () => performance.timeOrigin + performance.now();
const refOf = (e: Entity) => `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`.toLowerCase();

/**
 * A processor that records when each entity's processing starts (`preProcess`) and ends
 * (`postProcess`, or the end of `preProcess` for an entity that then fails validation), and
 * waits a little in between so overlapping processing would show.
 */
export function recordingProcessor(worker: string, intervals: Interval[]): EntityProcessor {
  const open = new Map<string, Interval>();
  return {
    name: 'record-intervals',
    async preProcess(entity) {
      const interval: Interval = { ref: refOf(entity), worker, start: now(), end: 0 };
      await new Promise((r) => setTimeout(r, 5));
      interval.end = now();
      open.set(interval.ref, interval);
      intervals.push(interval);
      return entity;
    },
    async postProcess(entity) {
      const interval = open.get(refOf(entity));
      if (interval) interval.end = now();
      return entity;
    },
  };
}

/** A catalog as every worker configures it. */
export function workerCatalog(tree: ReturnType<typeof writeCatalogTree>, store: CatalogStore, processors: EntityProcessor[] = []): Catalog {
  return createCatalog({ rootDir: tree.rootDir, store, locations: tree.locations, processors });
}

/** Pairs of intervals of one ref from different workers that overlap in time. */
export function overlaps(intervals: readonly Interval[]): [Interval, Interval][] {
  const byRef = new Map<string, Interval[]>();
  for (const i of intervals) {
    const list = byRef.get(i.ref) ?? [];
    list.push(i);
    byRef.set(i.ref, list);
  }
  const out: [Interval, Interval][] = [];
  for (const list of byRef.values()) {
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const x = list[a]!;
        const y = list[b]!;
        if (x.worker !== y.worker && x.start < y.end && y.start < x.end) out.push([x, y]);
      }
    }
  }
  return out;
}
