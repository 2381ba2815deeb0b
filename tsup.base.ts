import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

type Exports = string | null | { [condition: string]: Exports } | Exports[];

const offersRequire = (exports: Exports): boolean =>
  exports !== null &&
  typeof exports === 'object' &&
  (Array.isArray(exports) ? exports.some(offersRequire) : Object.entries(exports).some(([key, value]) => key === 'require' || offersRequire(value)));

/** The package's dependencies that ship ESM only (`"type": "module"` and no `require` export). */
function esmOnlyDependencies(packageDir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {}).filter((name) => {
    const file = join(packageDir, 'node_modules', name, 'package.json');
    if (!existsSync(file)) return false;
    const dep = JSON.parse(readFileSync(file, 'utf8')) as { type?: string; exports?: Exports; main?: string };
    return dep.type === 'module' && !(dep.exports !== undefined && offersRequire(dep.exports));
  });
}

/**
 * The build every package shares: ESM + CJS + type declarations for Node 20, from
 * `src/index.ts`. A package's `tsup.config.ts` passes only what it does differently.
 *
 * A package depending on ESM-only packages (the unified ecosystem) gets its CJS build bundled
 * with them: `require()` of an ESM-only package returns a namespace without `__esModule`, so
 * the CJS interop would take the whole namespace for its default export (unified then throws
 * "empty preset"). Its ESM build keeps them external. The two builds run in parallel, so
 * `dist/` is cleaned once here rather than by each.
 */
export function packageBuild(overrides: Options = {}) {
  const base: Options = {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    ...overrides,
  };
  const esmOnly = esmOnlyDependencies(process.cwd());
  if (esmOnly.length === 0) return defineConfig(base);
  rmSync(join(process.cwd(), 'dist'), { recursive: true, force: true });
  const exact = esmOnly.map((name) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/|$)`));
  return defineConfig([
    { ...base, format: ['esm'], clean: false },
    { ...base, format: ['cjs'], clean: false, noExternal: exact },
  ]);
}

/**
 * Entries of a package that also publishes `./testing` (a contract suite for implementers).
 * That entry imports vitest, which cannot be require()d, so package.json exports it for
 * `import` only; the CJS file tsup also writes for it is not exported.
 */
export const withTestingEntry: Options['entry'] = { index: 'src/index.ts', testing: 'src/testing/index.ts' };
