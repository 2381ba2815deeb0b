/**
 * Keeps the TypeScript samples of the guides honest: every ```ts block of docs/ (subfolders included) and README.md
 * is written to test-output/docs-samples/ (inside the repo, so the `@portalkit/*` paths of
 * tsconfig.json resolve) and type-checked against the sources with the repo's compiler options.
 * Blocks fenced ```ts run are also executed; ```ts ignore blocks are skipped (see docs/README.md).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'test-output', 'docs-samples');

interface Sample {
  /** e.g. `docs/actions.md:42`, the line of the opening fence. */
  where: string;
  markdown: string;
  /** Line of the first code line in the Markdown file (1-based). */
  firstLine: number;
  code: string;
  mode: 'check' | 'run' | 'ignore';
  file: string;
}

function extractSamples(markdownPath: string): Sample[] {
  const markdown = relative(root, markdownPath);
  const lines = readFileSync(markdownPath, 'utf8').split('\n');
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(ts|typescript)\b(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, , rest] = open;
    const flags = rest!.trim().split(/\s+/).filter(Boolean);
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence!)) end++;
    if (end === lines.length) throw new Error(`${markdown}:${i + 1}: unclosed code fence`);
    const code = lines
      .slice(start, end)
      .map((line) => (line.startsWith(indent!) ? line.slice(indent!.length) : line))
      .join('\n');
    const mode = flags.includes('ignore') ? 'ignore' : flags.includes('run') ? 'run' : 'check';
    const name = `${markdown.replace(/[^a-zA-Z0-9]+/g, '-')}-L${i + 1}.ts`;
    samples.push({ where: `${markdown}:${i + 1}`, markdown, firstLine: start + 1, code, mode, file: join(outDir, name) });
    i = end;
  }
  return samples;
}

const markdownFiles = [
  join(root, 'README.md'),
  // Guides in subfolders (docs/integrations/) count too.
  ...readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(root, 'docs', name)),
];
const samples = markdownFiles.flatMap(extractSamples);
const checked = samples.filter((s) => s.mode !== 'ignore');

/**
 * A user installs what the guides import (`zod`, `pg`, ...) next to portalkit; here those are
 * dependencies of the packages, so map each one the root cannot resolve to a package's copy.
 */
function dependencyPaths(): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const dir of readdirSync(join(root, 'packages'))) {
    const manifest = join(root, 'packages', dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(dependencies)) {
      if (name.startsWith('@portalkit/') || paths[name]) continue;
      if (existsSync(join(root, 'node_modules', name)) || existsSync(join(root, 'node_modules', '@types', name))) continue;
      const local = join(root, 'packages', dir, 'node_modules', name);
      if (existsSync(local)) paths[name] = [relative(root, local)];
    }
  }
  return paths;
}

/** Type-check all samples in one program; returns problems as `docs/x.md:LINE:COL message`. */
function typeCheck(list: Sample[]): Map<Sample, string[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const sample of list) {
    // `export {}` makes every sample a module: no clashes between samples, top-level await allowed.
    writeFileSync(sample.file, `${sample.code}\nexport {};\n`);
  }
  const configPath = join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, configPath);
  const program = ts.createProgram({
    rootNames: list.map((s) => s.file),
    options: { ...parsed.options, noEmit: true, paths: { ...parsed.options.paths, ...dependencyPaths() } },
  });
  const problems = new Map<Sample, string[]>();
  for (const sample of list) {
    const source = program.getSourceFile(sample.file);
    if (!source) throw new Error(`${sample.where}: the compiler did not load ${sample.file}`);
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    const messages = diagnostics.map((d) => {
      const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
      return `${sample.markdown}:${sample.firstLine + line}:${character + 1} TS${d.code}: ${text}`;
    });
    if (messages.length) problems.set(sample, messages);
  }
  return problems;
}

describe('docs samples', () => {
  it('finds the samples of the guides', () => {
    expect(markdownFiles.length).toBeGreaterThan(3);
    expect(checked.length).toBeGreaterThan(20);
  });

  it('every ```ts block type-checks against the sources', { timeout: 180_000 }, () => {
    const problems = typeCheck(checked);
    const report = [...problems.values()].flat().join('\n');
    expect(report, `docs samples that do not type-check:\n${report}`).toBe('');
  });

  const runnable = samples.filter((s) => s.mode === 'run');
  it.each(runnable.map((s) => [s.where, s] as const))('%s runs', async (_where, sample) => {
    // Written by the type-check test above; write again so this test also runs on its own.
    mkdirSync(outDir, { recursive: true });
    writeFileSync(sample.file, `${sample.code}\nexport {};\n`);
    await import(`${pathToFileURL(sample.file).href}?t=${Date.now()}`);
  });
});
