import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConflictError } from '@portalkit/core';

/**
 * The lock file's name inside a data directory.
 * @example
 * ```ts
 * const file = join(dataDir, DATA_DIR_LOCK_FILE); // ./.catalog-db/portalkit.lock
 * ```
 */
export const DATA_DIR_LOCK_FILE = 'portalkit.lock';

/**
 * Who holds a data directory: what the lock file says.
 * @example
 * ```ts
 * const holder: DataDirLockHolder = JSON.parse(readFileSync(join(dataDir, DATA_DIR_LOCK_FILE), 'utf8'));
 * ```
 */
export interface DataDirLockHolder {
  pid: number;
  hostname: string;
  /** When the holding process started (ISO time). */
  processStartedAt: string;
  /** When it took the lock (ISO time). */
  lockedAt: string;
  /** Unique per acquisition: a release or a recovery touches only the lock it read. */
  token: string;
}

/**
 * A held data directory lock; {@link lockDataDir} returns it.
 *
 * @example
 * ```ts
 * const lock = lockDataDir('myStore', './data');
 * // ... use the directory, then:
 * lock.release();
 * ```
 */
export interface DataDirLock {
  /** The directory, as resolved (symlinks followed). */
  readonly dir: string;
  /** What this process wrote into the lock file. */
  readonly holder: DataDirLockHolder;
  /** Remove the lock file if it is still this lock's; later calls do nothing. */
  release(): void;
}

// One registry per process, shared by every copy of this module (ESM and CJS builds alike), so
// a second open in the same process is refused even when it comes through another copy.
const registryKey = Symbol.for('portalkit.dataDirLocks');
const held: Map<string, DataDirLock> = ((globalThis as Record<symbol, unknown>)[registryKey] ??= new Map()) as Map<string, DataDirLock>;
let exitHookInstalled = false;

const processStartedAt = new Date(Date.now() - process.uptime() * 1000).toISOString();
// How long a recoverer waits for a live one working on the same stale lock (the work is a few
// file operations, so this runs out only when that process is stopped in the middle of them).
const recoveryWaitMs = 2000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readHolder(file: string): DataDirLockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<DataDirLockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.hostname === 'string' && typeof parsed.token === 'string') {
      return parsed as DataDirLockHolder;
    }
  } catch {
    // falls through
  }
  return 'unreadable';
}

/**
 * Create `file` holding `content`, only if it does not exist, all at once: written beside it
 * and hard-linked into place (link fails if the name is taken), so no reader ever sees a
 * half-written lock. Returns false when the file exists.
 */
function createExclusive(file: string, content: string, token: string): boolean {
  const temp = `${file}.${token}.tmp`;
  const fd = openSync(temp, 'wx');
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    // A file system without hard links: exclusive create, then write.
    let fd2: number;
    try {
      fd2 = openSync(file, 'wx');
    } catch (inner) {
      if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw inner;
    }
    try {
      writeSync(fd2, content);
    } finally {
      closeSync(fd2);
    }
    return true;
  } finally {
    unlinkSync(temp);
  }
}

/** A lock left by a process that is gone: on this host, and its pid no longer runs (or is us, unregistered). */
function isStale(holder: DataDirLockHolder, dir: string): boolean {
  if (holder.hostname !== hostname()) return false;
  // Our own pid without our own registration: an earlier process that had the same pid
  // (a restarted container's pid 1, say).
  if (holder.pid === process.pid) return !held.has(dir);
  return !isAlive(holder.pid);
}

/**
 * Remove the stale lock `stale` from `file`, as one recoverer at a time: each racer must first
 * create the marker `<file>.recover-<token of the stale lock>` exclusively (it names the
 * recoverer like a lock does), and checks the lock still carries that token before removing
 * it. So a slow racer can never remove the fresh lock a faster one took in the meantime. A
 * marker left by a recoverer that died is itself a stale lock, recovered the same way.
 * Returns false when a live recoverer does not finish in time.
 */
function removeStale(file: string, stale: DataDirLockHolder, dir: string, depth = 0): boolean {
  if (depth > 4) return false;
  const marker = `${file}.recover-${stale.token.replace(/[^A-Za-z0-9-]/g, '')}`;
  const me = newHolder();
  for (let waited = 0; !createExclusive(marker, `${JSON.stringify(me)}\n`, me.token); ) {
    const current = readHolder(file);
    // The lock changed hands meanwhile: the caller looks again.
    if (current === 'missing' || current === 'unreadable' || current.token !== stale.token) return true;
    const recoverer = readHolder(marker);
    if (recoverer === 'missing') continue;
    if (recoverer !== 'unreadable' && isStale(recoverer, dir)) {
      if (!removeStale(marker, recoverer, dir, depth + 1)) return false;
      continue;
    }
    if (waited >= recoveryWaitMs) return false;
    sleepSync(10);
    waited += 10;
  }
  try {
    const current = readHolder(file);
    if (typeof current === 'object' && current.token === stale.token) unlinkSync(file);
  } finally {
    const mine = readHolder(marker);
    if (typeof mine === 'object' && mine.token === me.token) unlinkSync(marker);
  }
  return true;
}

function newHolder(): DataDirLockHolder {
  return { pid: process.pid, hostname: hostname(), processStartedAt, lockedAt: new Date().toISOString(), token: randomUUID() };
}

function describeHolder(holder: DataDirLockHolder): string {
  const self = holder.pid === process.pid && holder.hostname === hostname();
  return self
    ? `this process (pid ${holder.pid}) already has it open`
    : `process ${holder.pid} on host ${holder.hostname} has it open (since ${holder.lockedAt})`;
}

/**
 * Take the single-process lock of a data directory (created when missing): the file
 * `portalkit.lock` in it, made exclusively, holding this process's pid, host name and start
 * time. A second opener, in another process or in this one, gets a `ConflictError` that names
 * the holder and the directory. A lock left by a process that died on this host is recovered
 * (atomically: of two racing openers exactly one takes it); one from another host cannot be
 * checked, so it stays until someone who knows that process is gone deletes the file.
 *
 * @example
 * ```ts
 * const lock = lockDataDir('myStore', './.catalog-db');
 * const db = new PGlite(join(lock.dir, 'pgdata'));
 * // on close
 * await db.close();
 * lock.release();
 * ```
 */
export function lockDataDir(name: string, dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const dir = realpathSync(dataDir);
  const file = join(dir, DATA_DIR_LOCK_FILE);
  const mine = held.get(dir);
  if (mine) throw new ConflictError(`${name}: the data directory ${dir} is in use: ${describeHolder(mine.holder)}; one store may open a directory at a time`);
  const holder = newHolder();
  const content = `${JSON.stringify(holder, null, 2)}\n`;
  for (let attempt = 0; attempt < 8; attempt++) {
    if (createExclusive(file, content, holder.token)) return register(dir, file, holder);
    const current = readHolder(file);
    if (current === 'missing') continue;
    if (current === 'unreadable') {
      throw new ConflictError(`${name}: the data directory ${dir} has a lock file ${file} that cannot be read; if no process uses the directory, delete it`);
    }
    if (!isStale(current, dir)) {
      throw new ConflictError(
        `${name}: the data directory ${dir} is in use: ${describeHolder(current)}. PGlite allows one process per directory; ` +
          `stop that process, or if it is gone (a process on another host cannot be checked from here), delete ${file}`,
      );
    }
    if (!removeStale(file, current, dir)) {
      throw new ConflictError(
        `${name}: the stale lock ${file} of the dead process ${current.pid} is being recovered by another process that did not finish in time; ` +
          `try again, or if no process is starting, delete ${file}.recover-*`,
      );
    }
  }
  throw new ConflictError(`${name}: could not take the lock ${file}: it kept changing hands`);
}

function register(dir: string, file: string, holder: DataDirLockHolder): DataDirLock {
  let released = false;
  const lock: DataDirLock = {
    dir,
    holder,
    release() {
      if (released) return;
      released = true;
      held.delete(dir);
      const current = readHolder(file);
      if (typeof current === 'object' && current.token === holder.token) unlinkSync(file);
    },
  };
  held.set(dir, lock);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A process that exits without closing its stores leaves no lock behind (a killed one
    // does; the next opener on this host recovers it).
    process.once('exit', () => {
      for (const l of [...held.values()]) {
        try {
          l.release();
        } catch {
          // best effort while exiting
        }
      }
    });
  }
  return lock;
}
