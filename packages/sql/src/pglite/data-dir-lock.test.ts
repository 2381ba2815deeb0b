import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError } from '@portalkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA_DIR_LOCK_FILE, lockDataDir } from './data-dir-lock.js';

const base = mkdtempSync(join(tmpdir(), 'pk-lock-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(base, `d${++n}`);
const lockFile = (dir: string) => join(dir, DATA_DIR_LOCK_FILE);
const readLock = (dir: string) => JSON.parse(readFileSync(lockFile(dir), 'utf8'));
/** A pid that ran and exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;
const writeLock = (dir: string, lock: Record<string, unknown>) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(lockFile(dir), JSON.stringify({ processStartedAt: '2026-01-01T00:00:00.000Z', lockedAt: '2026-01-01T00:00:00.000Z', ...lock }));
};

describe('lockDataDir', () => {
  it('creates the directory and a lock file naming this process, removed on release', () => {
    const dir = fresh();
    const lock = lockDataDir('test', dir);
    expect(readLock(dir)).toMatchObject({ pid: process.pid, hostname: hostname(), token: lock.holder.token });
    expect(() => lockDataDir('again', dir)).toThrow(/^again: the data directory .* is in use: this process/);
    lock.release();
    lock.release();
    expect(existsSync(lockFile(dir))).toBe(false);
    lockDataDir('test', dir).release();
  });

  it('recovers the lock of a dead process on this host', () => {
    const dir = fresh();
    writeLock(dir, { pid: deadPid(), hostname: hostname(), token: 'dead' });
    const lock = lockDataDir('test', dir);
    expect(readLock(dir).token).toBe(lock.holder.token);
    lock.release();
  });

  it('recovers a lock with this pid that this process does not hold (an earlier process with the same pid)', () => {
    const dir = fresh();
    writeLock(dir, { pid: process.pid, hostname: hostname(), token: 'earlier' });
    const lock = lockDataDir('test', dir);
    expect(readLock(dir).token).toBe(lock.holder.token);
    lock.release();
  });

  it('never takes over a live process or a lock from another host, and names the holder', () => {
    const live = fresh();
    writeLock(live, { pid: process.ppid, hostname: hostname(), token: 'live' });
    expect(() => lockDataDir('test', live)).toThrow(new RegExp(`in use: process ${process.ppid} on host ${hostname()} has it open`));
    const remote = fresh();
    writeLock(remote, { pid: deadPid(), hostname: 'other-host.example', token: 'remote' });
    expect(() => lockDataDir('test', remote)).toThrow(/in use: process \d+ on host other-host\.example .*delete .*portalkit\.lock/);
    expect(readLock(remote).token).toBe('remote');
  });

  it('refuses an unreadable lock file instead of guessing', () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(lockFile(dir), 'not json');
    expect(() => lockDataDir('test', dir)).toThrow(ConflictError);
    expect(() => lockDataDir('test', dir)).toThrow(/cannot be read/);
  });

  it('leaves alone a lock that another process took after this one was released', () => {
    const dir = fresh();
    const lock = lockDataDir('test', dir);
    writeLock(dir, { pid: process.ppid, hostname: hostname(), token: 'someone-else' });
    lock.release();
    expect(readLock(dir).token).toBe('someone-else');
  });

  it('waits for a live recoverer of the same stale lock, and refuses if it never finishes', () => {
    const dir = fresh();
    writeLock(dir, { pid: deadPid(), hostname: hostname(), token: 'stale' });
    writeFileSync(`${lockFile(dir)}.recover-stale`, JSON.stringify({ pid: process.ppid, hostname: hostname(), token: 'r1' }));
    expect(() => lockDataDir('test', dir)).toThrow(/being recovered by another process that did not finish in time/);
    expect(readLock(dir).token).toBe('stale');
  });

  it('recovers past a recoverer that died mid-recovery (its marker is a stale lock too)', () => {
    const dir = fresh();
    writeLock(dir, { pid: deadPid(), hostname: hostname(), token: 'stale' });
    writeFileSync(`${lockFile(dir)}.recover-stale`, JSON.stringify({ pid: deadPid(), hostname: hostname(), token: 'r1' }));
    const lock = lockDataDir('test', dir);
    expect(readLock(dir).token).toBe(lock.holder.token);
    expect(readdirSync(dir).sort()).toEqual([DATA_DIR_LOCK_FILE]);
    lock.release();
  });
});
