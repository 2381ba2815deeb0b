import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The image itself is built by scripts/docker-build.sh (it needs a docker daemon); this checks
// what can go stale without one: stages, the paths COPY reads, and what CMD runs.
const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(join(root, 'examples/portal/Dockerfile'), 'utf8');
// Instructions with their continuation lines joined.
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').filter(Boolean);

describe('examples/portal/Dockerfile', () => {
  it('has the install, build, prune and runtime stages, each from an earlier stage or the base image', () => {
    const stages: string[] = [];
    for (const line of instructions.filter((l) => l.startsWith('FROM '))) {
      const [, from, name] = /^FROM (\S+) AS (\S+)$/.exec(line) ?? [];
      expect(from === '${BASE_IMAGE}' || stages.includes(from!), `${line}: unknown base`).toBe(true);
      stages.push(name!);
    }
    expect(stages).toEqual(['install', 'build', 'prune', 'runtime']);
    expect(instructions[0]).toBe('ARG BASE_IMAGE=node:20-bookworm-slim');
    for (const line of instructions.filter((l) => l.startsWith('COPY --from='))) {
      expect(stages.slice(0, -1)).toContain(/--from=(\S+)/.exec(line)![1]);
    }
  });

  it('copies only paths that exist in the repository and are not excluded by .dockerignore', () => {
    const sources = instructions
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(join(root, source)), `${source} is missing`).toBe(true);
      expect(ignored.filter((pattern) => pattern === source || pattern === `${source}/`), `${source} is ignored`).toEqual([]);
    }
  });

  it('runs what the build stage writes, with the pnpm and node the repository uses', () => {
    // tsup, run in examples/portal, writes src/main.ts to dist/main.js.
    expect(instructions.join('\n')).toMatch(/cd examples\/portal\s+&& \.\.\/\.\.\/node_modules\/\.bin\/tsup src\/main\.ts .*--out-dir dist/);
    const outfile = 'examples/portal/dist/main.js';
    expect(existsSync(join(root, 'examples/portal/src/main.ts'))).toBe(true);
    expect(instructions.at(-1)).toBe(`CMD ["node", "${outfile}"]`);
    const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { packageManager: string };
    expect(dockerfile).toContain(`PNPM=${packageManager}`);
    expect(dockerfile).toMatch(/HEALTHCHECK .*\/readyz/);
  });
});
