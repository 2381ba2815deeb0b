/*
 * Run by start-from-source.test.ts with the root `start` script's tsx command in place of
 * `main.ts`: loads the whole example portal the way `pnpm start` does, and fails if any
 * workspace package resolves to its built `dist/` instead of its sources. Prints how each of
 * the example's `@portalkit/*` dependencies resolved.
 */
import { readFileSync } from 'node:fs';
import { register } from 'node:module';

// Runs before every resolution, after tsx's own hook (hooks registered later run first).
const refuseDist = `export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (/\\/packages\\/[^/]+\\/dist\\//.test(result.url)) {
    throw new Error('resolved ' + specifier + ' to a build output: ' + result.url);
  }
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(refuseDist)}`);

const portal = await import('../src/portal.js');
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
const resolved = Object.fromEntries(
  Object.keys(manifest.dependencies)
    .filter((name) => name.startsWith('@portalkit/'))
    .map((name) => [name, import.meta.resolve(name)]),
);
console.log(JSON.stringify({ exports: Object.keys(portal), resolved }));
