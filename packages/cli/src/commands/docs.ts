import path from 'node:path';
import type { BuildProgress } from '@portalkit/techdocs';
import { defineCommand } from '../command.js';
import type { CommandGroup } from '../command.js';
import { displayPath } from '../display-path.js';
import { createProgress } from '../progress.js';
import type { Progress } from '../progress.js';

const build = defineCommand({
  name: 'build',
  summary: 'Build a TechDocs site (mkdocs.yml + docs/)',
  usage: '<dir> [--output site] [--strict]',
  description:
    'Build the MkDocs site in <dir> into static HTML with techdocs_metadata.json and search/search_index.json,\n' +
    'incrementally (unchanged pages are not rendered again). Warnings (broken links, missing nav targets,\n' +
    'paths escaping the docs directory) print as file:line. Exit code 1 on errors, and with --strict on warnings\n' +
    'too, like `mkdocs build --strict` (the site is still written, so it can be inspected).',
  examples: ['portalkit docs build .', 'portalkit docs build services/payments --output dist/docs --strict'],
  args: { min: 1, max: 1 },
  options: {
    output: { type: 'string', short: 'o', value: 'dir', default: 'site', description: 'Directory the site is written to, relative to the working directory' },
    strict: { type: 'boolean', description: 'Treat warnings as errors (exit code 1)' },
  },
  async run({ values, positionals, io }) {
    const source = path.resolve(io.cwd, positionals[0]!);
    const output = path.resolve(io.cwd, values.output ?? 'site');
    // Loaded on use, like the libraries of the other commands.
    const { buildDocs, loadMkdocsConfig } = await import('@portalkit/techdocs');
    // Read first so a missing or invalid mkdocs.yml fails before anything is written.
    const site = await loadMkdocsConfig(source);
    // Phases (read, render, assets, write) follow each other: one progress line each.
    let current: { phase: BuildProgress['phase']; bar: Progress; done: number; total: number } | undefined;
    const finish = () => current?.bar.done(`${current.done}/${current.total}`);
    const onProgress = (p: BuildProgress) => {
      if (current?.phase !== p.phase) {
        finish();
        current = { phase: p.phase, bar: createProgress({ stream: io.stderr, label: p.phase }), done: 0, total: 0 };
      }
      current.done = p.done;
      current.total = p.total;
      current.bar.update(p.done, p.total, p.file);
    };
    const result = await buildDocs({ source, output, onProgress });
    finish();

    for (const warning of result.warnings) {
      // Page warnings are relative to the docs directory, mkdocs.yml ones to the site root.
      const base = warning.file === site.configFile ? site.root : site.docsDir;
      const file = displayPath(path.resolve(base, warning.file), io.cwd);
      io.stderr.write(`${values.strict ? 'error' : 'warning'}: ${file}${warning.line ? `:${warning.line}` : ''}: ${warning.message}\n`);
    }
    const pages = result.rendered.length + result.skipped.length;
    io.stdout.write(
      `Built ${pages} page${pages === 1 ? '' : 's'} (${result.rendered.length} rendered, ${result.skipped.length} unchanged) into ${displayPath(output, io.cwd)}` +
        `${result.failed.length ? `, ${result.failed.length} failed` : ''}` +
        `${result.warnings.length ? `, ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}` : ''}\n`,
    );
    // A page that could not be built is an error (it has no output), strict or not; the rest of
    // the site is still written.
    for (const failure of result.failed) {
      io.stderr.write(`error: ${displayPath(path.resolve(site.docsDir, failure.file), io.cwd)}: ${failure.error.message}\n`);
    }
    if (result.failed.length) return 1;
    if (values.strict && result.warnings.length) {
      io.stderr.write(`error: ${result.warnings.length} warning(s) in strict mode\n`);
      return 1;
    }
    return 0;
  },
});

/**
 * `portalkit docs ...`.
 *
 * @example
 * ```ts
 * await runCli(['docs', 'build', '.', '--output', 'site', '--strict'], io);
 * ```
 */
export const docsCommands: CommandGroup = { name: 'docs', summary: 'Build TechDocs sites', commands: [build] };
