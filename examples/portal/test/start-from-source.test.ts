/**
 * The README's first command (`pnpm start`) runs the example portal from the workspace's
 * TypeScript sources, so it needs no build and answers in seconds. This checks the root `start`
 * script: no build step, and its tsx command loads the whole portal with every `@portalkit/*`
 * package resolved to `packages/<name>/src/index.ts` — even when `dist/` exists (the root
 * `pnpm test` builds first), a package resolving to `dist/` fails the probe.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const entry = 'examples/portal/src/main.ts';
const startScript = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;

describe('pnpm start', () => {
  it('runs the example portal with tsx and no build step', () => {
    expect(startScript).not.toMatch(/&&|;|\|\||\bbuild\b/);
    const [bin, ...args] = startScript.trim().split(/\s+/);
    expect(bin).toBe('tsx');
    expect(args.at(-1)).toBe(entry);
  });

  it('loads every @portalkit package from its sources, never from dist/', () => {
    const [, ...args] = startScript.trim().split(/\s+/);
    // The same tsx binary and flags pnpm runs, from the repository root, on the probe instead of main.ts.
    const output = execFileSync(join(root, 'node_modules/.bin/tsx'), [...args.slice(0, -1), 'examples/portal/test/start-probe.ts'], {
      cwd: root,
      encoding: 'utf8',
    });
    const { exports, resolved } = JSON.parse(output.trim().split('\n').at(-1)!) as { exports: string[]; resolved: Record<string, string> };
    expect(exports).toContain('createExamplePortal');
    const names = Object.keys(resolved);
    expect(names).toEqual(expect.arrayContaining(['@portalkit/core', '@portalkit/catalog', '@portalkit/techdocs']));
    for (const name of names) {
      expect(resolved[name]).toBe(pathToFileURL(join(root, 'packages', name.slice('@portalkit/'.length), 'src/index.ts')).href);
    }
  });
});
