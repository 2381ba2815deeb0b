import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { JsonValue, TaskCheckpoint, TaskState } from '../types.js';
import type { TaskStore } from '../tasks/taskStore.js';
import { readDirectoryContents, writeDirectoryContents } from './directoryContents.js';
import type { DirectoryContent } from './directoryContents.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Above this many bytes of files a workspace is not kept: a retry or recovery starts over. */
export const MAX_WORKSPACE_SNAPSHOT_BYTES = 8 * 1024 * 1024;

/**
 * How far one run of a task got, written to the task store as it goes (only while this worker
 * holds the lease), so a retry or a recovery on any worker can resume: each step as it begins
 * and finishes (with its output and the workspace the next step finds), and checkpoint results.
 */
export interface TaskProgress {
  readonly checkpoints: Readonly<Record<string, TaskCheckpoint>>;
  /** A step is about to run its action. */
  begin(stepId: string): Promise<void>;
  /** A step finished; `output` undefined when it may not be stored (it held a secret). */
  finish(stepId: string, status: 'completed' | 'skipped', output: Record<string, JsonValue> | undefined): Promise<void>;
  checkpoint(key: string, result: TaskCheckpoint): Promise<void>;
}

/** Options of {@link createTaskProgress}. */
export interface TaskProgressOptions {
  store: TaskStore;
  taskId: string;
  workerId: string;
  workspacePath: string;
  /** The state this run starts from (steps kept from an earlier run, checkpoints). */
  state: TaskState;
  /** Called when the store says this worker no longer holds the task. */
  onLost(): void;
  /** Whether text holds a secret of the task (or a value derived from one): such a workspace is not stored. */
  holdsSecret(text: string): boolean;
}

/** Create the progress recorder of one run. */
export function createTaskProgress(options: TaskProgressOptions): TaskProgress {
  const { store, taskId, workerId } = options;
  const state: TaskState = structuredClone(options.state);
  const save = async (workspace?: Uint8Array | null) => {
    const owned = await store.saveState({ taskId, workerId, state, ...(workspace !== undefined ? { workspace } : {}) });
    if (!owned) options.onLost();
  };
  return {
    get checkpoints() {
      return state.checkpoints;
    },
    async begin(stepId) {
      state.steps.push({ id: stepId, status: 'begun' });
      await save();
    },
    async finish(stepId, status, output) {
      const last = state.steps.at(-1);
      const entry = { id: stepId, status, ...(output !== undefined ? { output } : {}) };
      if (last?.id === stepId && last.status === 'begun') state.steps[state.steps.length - 1] = entry;
      else state.steps.push(entry);
      await save(await snapshotWorkspace(options.workspacePath, options.holdsSecret));
    },
    async checkpoint(key, result) {
      state.checkpoints[key] = result;
      await save();
    },
  };
}

/**
 * The workspace's files, gzipped; `null` when they are too large to keep, or when a file (or its
 * path) holds a secret: the store keeps snapshots unencrypted, so such a task starts over instead.
 */
export async function snapshotWorkspace(root: string, holdsSecret: (text: string) => boolean): Promise<Uint8Array | null> {
  // Sizes first, so a large workspace is never read whole after every step.
  if (!(await fitsIn(root, MAX_WORKSPACE_SNAPSHOT_BYTES))) return null;
  const files = await readDirectoryContents(root, MAX_WORKSPACE_SNAPSHOT_BYTES);
  let total = 0;
  for (const file of files) {
    total += file.size;
    if (file.base64Content === undefined || total > MAX_WORKSPACE_SNAPSHOT_BYTES) return null;
    if (holdsSecret(file.path) || holdsSecret(Buffer.from(file.base64Content, 'base64').toString('utf8'))) return null;
  }
  return new Uint8Array(await gzipAsync(Buffer.from(JSON.stringify(files), 'utf8')));
}

/** Whether the files below `root` (as `readDirectoryContents` lists them) total at most `limit` bytes. */
async function fitsIn(root: string, limit: number): Promise<boolean> {
  let total = 0;
  const visit = async (dir: string): Promise<boolean> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && !(await visit(full))) return false;
      } else if (entry.isFile()) {
        total += (await stat(full)).size;
        if (total > limit) return false;
      }
    }
    return true;
  };
  return visit(root);
}

/** Replace the workspace at `root` with a snapshot's files (paths that escape `root` are refused). */
export async function restoreWorkspace(root: string, snapshot: Uint8Array): Promise<void> {
  const files = JSON.parse((await gunzipAsync(snapshot)).toString('utf8')) as DirectoryContent[];
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await writeDirectoryContents(root, files);
}
