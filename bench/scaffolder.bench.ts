/*
 * @portalkit/scaffolder fetch:template over a generated 500-file skeleton (50 directories,
 * templated file and directory names, ~1.5 KB of nunjucks per file, a few binary files),
 * against a baseline measured in the same run: a plain recursive copy (fs.cp) of the same tree.
 * Also runs the whole thing as a scaffolder task (fetch:template + workspace cleanup).
 * Prints the median time and the ratio to the baseline. Goal: fetch:template < 1 s.
 *
 *   npx tsx bench/scaffolder.bench.ts [--quick]
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLogger } from '../packages/core/src/index.js';
import { builtinActions, createScaffolder, parseTemplate } from '../packages/scaffolder/src/index.js';
import type { ActionContext } from '../packages/scaffolder/src/index.js';

const quick = process.argv.includes('--quick');
const rounds = quick ? 3 : 7;
const FILES = 500;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const body = (i: number) => `// File ${i} of \${{ values.name }}, owned by \${{ values.owner }}
{% if values.metrics %}const metrics = require('./metrics');{% endif %}
export const config = {
  name: '\${{ values.name }}',
  slug: '\${{ values.repoUrl | projectSlug }}',
  port: \${{ values.port + ${i} }},
  tags: [{% for tag in values.tags %}'\${{ tag | upper }}', {% endfor %}],
};
${'// padding line so each file is about the size of a real source file\n'.repeat(18)}
export function handler${i}(request) {
  return { status: 200, body: '\${{ values.description | replace("service", "svc") }}' };
}
`;

async function generateSkeleton(root: string): Promise<void> {
  for (let i = 0; i < FILES; i++) {
    const dir = path.join(root, 'skeleton', `pkg-${i % 50}`, i % 5 === 0 ? '${{ values.name }}-module' : 'lib');
    await mkdir(dir, { recursive: true });
    if (i % 100 === 7) {
      const bin = Buffer.alloc(4096, 0);
      bin.write('${{ values.name }}', 100);
      await writeFile(path.join(dir, `asset-${i}.bin`), bin);
    } else {
      const name = i % 3 === 0 ? `\${{ values.name }}-${i}.ts` : `file-${i}.ts`;
      await writeFile(path.join(dir, name), body(i));
    }
  }
}

const values = {
  name: 'bench-service',
  owner: 'group:default/platform',
  repoUrl: 'github.com?owner=acme&repo=bench-service',
  port: 3000,
  metrics: true,
  tags: ['node', 'http', 'bench'],
  description: 'A benchmark service',
};

async function main() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'pk-scaffolder-bench-'));
  try {
    await generateSkeleton(root);
    const baseUrl = pathToFileURL(root).toString() + '/';
    const fetchTemplate = builtinActions().find((a) => a.id === 'fetch:template')!;
    const logger = createLogger({ sink: () => {} });

    let n = 0;
    const runFetchTemplate = async () => {
      const workspace = path.join(root, `ws-${n++}`);
      await mkdir(workspace);
      const temps: string[] = [];
      const ctx: ActionContext<unknown> = {
        input: fetchTemplate.parseInput({ url: './skeleton', values }),
        workspacePath: workspace,
        logger,
        output: () => {},
        createTemporaryDirectory: async () => {
          const dir = await mkdtemp(path.join(root, 'tmp-'));
          temps.push(dir);
          return dir;
        },
        secrets: {},
        signal: new AbortController().signal,
        isDryRun: false,
        templateInfo: { entityRef: 'template:default/bench', baseUrl },
        step: { id: 'fetch' },
        task: { id: 'bench' },
      };
      const start = performance.now();
      await fetchTemplate.handler(ctx);
      await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
      const ms = performance.now() - start;
      await rm(workspace, { recursive: true, force: true });
      return ms;
    };
    const runCopy = async () => {
      const target = path.join(root, `copy-${n++}`);
      const start = performance.now();
      await cp(path.join(root, 'skeleton'), target, { recursive: true });
      const ms = performance.now() - start;
      await rm(target, { recursive: true, force: true });
      return ms;
    };
    const scaffolder = createScaffolder({ actions: builtinActions(), workingDirectory: path.join(root, 'work') });
    const template = parseTemplate({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'bench' },
      spec: { steps: [{ id: 'fetch', action: 'fetch:template', input: { url: './skeleton', values } }] },
    });
    const runTask = async () => {
      const start = performance.now();
      const task = await scaffolder.run(template, { baseUrl });
      const result = await task.result;
      if (result.status !== 'completed') throw new Error(`bench task ${result.status}: ${result.error?.message}`);
      return performance.now() - start;
    };

    // Warm-up, then interleaved rounds so drift affects every case alike.
    await runCopy();
    await runFetchTemplate();
    await runTask();
    const copy: number[] = [];
    const fetch: number[] = [];
    const task: number[] = [];
    for (let r = 0; r < rounds; r++) {
      copy.push(await runCopy());
      fetch.push(await runFetchTemplate());
      task.push(await runTask());
    }
    const base = median(copy);
    const rows = [
      ['baseline: fs.cp of the skeleton', base],
      ['fetch:template (500 files)', median(fetch)],
      ['scaffolder task with fetch:template', median(task)],
    ] as const;
    console.log(`scaffolder: ${FILES}-file skeleton, median of ${rounds} rounds`);
    for (const [name, ms] of rows) {
      console.log(`  ${name.padEnd(40)} ${ms.toFixed(1).padStart(8)} ms   ${(ms / base).toFixed(2)}x baseline`);
    }
    console.log(`  goal fetch:template < 1000 ms: ${median(fetch) < 1000 ? 'met' : 'MISSED'}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
