import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryStore, pgliteStore, postgresStore } from '@portalkit/catalog';
import type { CatalogStore } from '@portalkit/catalog';
import { InputError } from '@portalkit/core';
import { UsageError } from './usage-error.js';

/** A catalog store opened from a `--store` value, with what to print and how to close it. */
export interface OpenedStore {
  store: CatalogStore;
  /** `PGlite ./data (schema portalkit_catalog)`, for messages. */
  description: string;
  /** Resolves once the store can be used (SQL stores: connected and migrated). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Open the store a `--store` value names: `memory`; `file:<dir>`, `file:///abs/dir` or a
 * directory path (PGlite, created when missing); `postgres://` or `postgresql://` URLs
 * (PostgreSQL). `schema` applies to the SQL stores. Anything else is a usage error.
 */
export function openStore(spec: string, options: { cwd: string; schema?: string }): OpenedStore {
  try {
    return openNamedStore(spec, options);
  } catch (error) {
    // Bad schema names and the like, refused by the store factories, are command-line mistakes.
    if (error instanceof InputError) throw new UsageError(error.message);
    throw error;
  }
}

function openNamedStore(spec: string, options: { cwd: string; schema?: string }): OpenedStore {
  const schema = options.schema ?? 'portalkit_catalog';
  if (spec === 'memory') {
    if (options.schema !== undefined) throw new UsageError('--schema applies to file: and postgres:// stores, not memory');
    return { store: memoryStore(), description: 'memory (discarded on exit)', ready: async () => {}, close: async () => {} };
  }
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const store = postgresStore({ connectionString: spec, schema, poolSize: 4 });
    return { store, description: `PostgreSQL ${redactPassword(spec)} (schema ${schema})`, ready: () => store.ready(), close: () => store.close() };
  }
  let dir: string | undefined;
  if (spec.startsWith('file://')) dir = fileURLToPath(spec);
  else if (spec.startsWith('file:')) dir = spec.slice('file:'.length);
  else if (spec.startsWith('.') || spec.includes('/') || spec.includes(path.sep)) dir = spec;
  if (!dir) {
    throw new UsageError(`--store must be memory, file:<dir>, a directory path or a postgres:// URL (got '${spec}')`);
  }
  const dataDir = path.resolve(options.cwd, dir);
  const store = pgliteStore({ dataDir, schema });
  return { store, description: `PGlite ${dataDir} (schema ${schema})`, ready: () => store.ready(), close: () => store.close() };
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
