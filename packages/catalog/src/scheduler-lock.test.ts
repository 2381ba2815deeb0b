import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SchedulerLock } from '@portalkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createCatalog } from './create-catalog.js';
import type { EntityProcessor } from './processing/processor.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function eventually(check: () => boolean, what: string) {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('the catalog refresh loop with a scheduler lock', () => {
  it('refreshes on schedule only while this process holds the lease', async () => {
    const rootDir = mkdtempSync(join(tmpdir(), 'catalog-lock-'));
    dirs.push(rootDir);
    writeFileSync(
      join(rootDir, 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n',
    );
    let processed = 0;
    const counter: EntityProcessor = {
      name: 'counter',
      async preProcess(entity) {
        if (entity.kind === 'Component') processed++;
        return entity;
      },
    };
    const acquired: Array<[string, number]> = [];
    let granted = false;
    const lock: SchedulerLock = {
      tryAcquire: async (taskId, ttlMs) => {
        acquired.push([taskId, ttlMs]);
        return granted;
      },
      release: async () => {},
    };
    const catalog = createCatalog({
      rootDir,
      refreshIntervalMs: 30,
      processors: [counter],
      schedulerLock: lock,
      locations: [{ type: 'file', target: './catalog-info.yaml' }],
    });
    try {
      await catalog.start();
      const afterStart = processed;
      expect(afterStart).toBeGreaterThan(0); // the first refresh runs in every process
      // Another process holds the lease: the loop asks, and does not refresh.
      await eventually(() => acquired.length >= 3, 'three lease requests');
      expect(processed).toBe(afterStart);
      expect(acquired[0]).toEqual(['catalog-refresh', 30]);
      granted = true;
      await eventually(() => processed > afterStart, 'a leased refresh');
    } finally {
      await catalog.stop();
    }
  });

  it('rejects a lock that is not one, naming the factory', () => {
    expect(() => createCatalog({ schedulerLock: { tryAcquire: 1 } as never })).toThrow(/createCatalog: schedulerLock/);
  });
});
