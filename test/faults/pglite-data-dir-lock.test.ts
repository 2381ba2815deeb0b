import { readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConflictError } from '@portalkit/core';
import { pgliteScorecardStore } from '@portalkit/scorecards';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pgliteStore } from '../../packages/catalog/src/stores/pglite/index.js';
import { startWorker, type Worker } from '../support/child.js';

/**
 * PGlite allows one process per data directory: two processes on one directory lose
 * acknowledged writes and can corrupt it. The store takes a lock file in the directory; these
 * tests hold it from a real child process, kill that process, and race recoverers.
 */
const workerScript = fileURLToPath(new URL('./workers/pglite-worker.ts', import.meta.url));

let base: string;
const workers: Worker[] = [];
beforeAll(async () => void (base = await mkdtemp(path.join(tmpdir(), 'pk-pglite-lock-'))));
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
});
afterAll(async () => rm(base, { recursive: true, force: true }));

let n = 0;
const freshDir = () => path.join(base, `db-${++n}`);
const spawn = (...args: string[]) => {
  const w = startWorker(workerScript, args);
  workers.push(w);
  return w;
};

/** A child that opened `dataDir`, committed five locations and keeps the directory open. */
async function holder(dataDir: string) {
  const child = spawn(dataDir, 'hold');
  await child.waitFor(/COMMITTED/, 60_000);
  return child;
}

describe('the PGlite data directory lock', () => {
  it('refuses a second opener while another process holds the directory, naming it; after that process is killed the directory opens with its committed data', async () => {
    const dataDir = freshDir();
    const child = await holder(dataDir);
    const pid = child.process.pid!;

    const lock = JSON.parse(readFileSync(path.join(dataDir, 'portalkit.lock'), 'utf8'));
    expect(lock).toMatchObject({ pid, hostname: hostname() });
    expect(Date.parse(lock.processStartedAt)).not.toBeNaN();

    const refused = (() => {
      try {
        pgliteStore({ dataDir });
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toContain(`pgliteStore: the data directory ${realpathSync(dataDir)} is in use: process ${pid} on host ${hostname()} has it open`);
    // Every PGlite opener goes through the same lock.
    expect(() => pgliteScorecardStore({ dataDir })).toThrow(/pgliteScorecardStore: the data directory .* is in use: process \d+/);

    await child.kill();
    const store = pgliteStore({ dataDir });
    try {
      expect((await store.listLocations()).map((l) => l.id)).toEqual(['child-0', 'child-1', 'child-2', 'child-3', 'child-4']);
      expect(JSON.parse(readFileSync(path.join(dataDir, 'portalkit.lock'), 'utf8')).pid).toBe(process.pid);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('refuses a second open in the same process until the first store is closed', async () => {
    const dataDir = freshDir();
    const first = pgliteStore({ dataDir });
    await first.ready();
    expect(() => pgliteStore({ dataDir })).toThrow(`the data directory ${realpathSync(dataDir)} is in use: this process (pid ${process.pid}) already has it open`);
    expect(() => pgliteStore({ dataDir: `file://${dataDir}/.` })).toThrow(ConflictError);
    await first.transaction((tx) => tx.putLocation({ id: 'x', type: 'url', target: 'https://example.com/x.yaml', createdAt: '2026-01-01T00:00:00.000Z' }));
    await first.close();
    const again = pgliteStore({ dataDir });
    try {
      expect((await again.listLocations()).map((l) => l.id)).toEqual(['x']);
    } finally {
      await again.close();
    }
  }, 120_000);

  it('lets exactly one of several processes racing to recover a stale lock take it', async () => {
    const dataDir = freshDir();
    const dead = await holder(dataDir);
    const deadPid = dead.process.pid!;
    await dead.kill();
    expect(JSON.parse(readFileSync(path.join(dataDir, 'portalkit.lock'), 'utf8')).pid).toBe(deadPid);

    const go = path.join(base, `go-${n}`);
    const racers = [spawn(dataDir, 'race', go), spawn(dataDir, 'race', go), spawn(dataDir, 'race', go)];
    await Promise.all(racers.map((r) => r.waitFor(/READY/, 60_000)));
    await writeFile(go, '');
    const outcomes = await Promise.all(racers.map(async (r) => (await r.waitFor(/^(WON|LOST .*)$/m, 60_000))[1]!));
    const winners = racers.filter((_, i) => outcomes[i] === 'WON');
    expect(winners).toHaveLength(1);
    const winnerPid = winners[0]!.process.pid!;
    for (const outcome of outcomes.filter((o) => o !== 'WON')) {
      expect(outcome).toMatch(new RegExp(`^LOST ConflictError: pgliteStore: the data directory .* is in use: process ${winnerPid} on host`));
    }
    expect(JSON.parse(readFileSync(path.join(dataDir, 'portalkit.lock'), 'utf8')).pid).toBe(winnerPid);

    // The winner dies too; the data the first child committed is still there.
    await Promise.all(racers.map((r) => r.kill()));
    const store = pgliteStore({ dataDir });
    try {
      expect(await store.listLocations()).toHaveLength(5);
    } finally {
      await store.close();
    }
  }, 120_000);
});
