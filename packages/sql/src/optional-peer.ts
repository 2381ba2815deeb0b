import { createRequire } from 'node:module';
import { MissingDependencyError } from '@portalkit/core';

/**
 * The database drivers portalkit's SQL stores load on demand; each is an optional peer dependency.
 * @example
 * ```ts
 * const driver: OptionalDriver = 'pg';
 * ```
 */
export type OptionalDriver = 'pg' | '@electric-sql/pglite';

// Resolved from this package, where the drivers are (optional) peer dependencies, so the
// package manager links the host's copy here. A synchronous require keeps store factories
// synchronous, and the error surfaces where the store is created.
const requireHere = createRequire(import.meta.url);

function isMissing(error: unknown, specifier: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  // Only the driver itself being absent; a broken install of one of its own dependencies
  // keeps its original error.
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${specifier}'`);
}

/**
 * Load an optional database driver for the store `who` (its factory name), or throw a
 * `MissingDependencyError` naming the package to install. The memory stores never call this,
 * so an app using only them installs neither driver.
 *
 * @example
 * ```ts
 * const pg = requireDriver<typeof import('pg')>('pg', 'postgresStore');
 * const pool = new pg.Pool({ connectionString });
 * ```
 */
export function requireDriver<T>(specifier: OptionalDriver, who: string): T {
  try {
    return requireHere(specifier) as T;
  } catch (error) {
    if (!isMissing(error, specifier)) throw error;
    throw new MissingDependencyError(
      `${who} needs the package '${specifier}', which is not installed; add it to your app (npm install ${specifier}, or pnpm add ${specifier})`,
      { cause: error },
    );
  }
}
