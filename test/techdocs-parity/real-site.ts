import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { article, paritySite } from './mkdocs-build.js';

/**
 * A real public project's TechDocs site (see its README.md: repository, commit, licence), built
 * as it is, and where mkdocs' pages' articles are kept for machines without mkdocs.
 */
export const realProject = new URL('../fixtures/techdocs-real/tanzu-developer-portal/', import.meta.url).pathname;
export const realSite = join(realProject, 'site');
export const realMkdocsOutputDir = join(realProject, 'mkdocs-output');

/** The site's pages by name (`why-choose-tdp`, `sub/page`), from its docs dir. */
export function realPages(): string[] {
  const docs = join(realSite, 'docs');
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith('.md')) pages.push(relative(docs, join(dir, entry.name)).slice(0, -3));
    }
  };
  walk(docs);
  return pages.sort();
}

/** A page's built file, with directory URLs (`index` and `x/index` are their folder's index). */
export function pageFile(out: string, page: string): string {
  return page === 'index' || page.endsWith('/index') ? join(out, page.replace(/index$/, ''), 'index.html') : join(out, page, 'index.html');
}

/**
 * The site's own `mkdocs.yaml` with `plugins: [techdocs-core]` written out as what the plugin
 * switches on, so Debian's mkdocs (which has no techdocs-core) builds it: the material theme
 * and the parity fixture's `markdown_extensions` (the one place that list is kept).
 */
export function expandedConfig(): string {
  const own = readFileSync(join(realSite, 'mkdocs.yaml'), 'utf8');
  const plugins = own.match(/^plugins:\n((?:[ \t]+.*\n?)*)/m);
  if (!plugins || plugins[1]?.trim() !== '- techdocs-core') throw new Error('real-site: expected plugins: [techdocs-core] only');
  if (/^(theme|markdown_extensions|docs_dir):/m.test(own)) throw new Error('real-site: the site sets what this expands');
  const parity = readFileSync(join(paritySite, 'mkdocs.yml'), 'utf8');
  const extensions = parity.slice(parity.search(/^markdown_extensions:/m));
  return `${own.replace(plugins[0], '')}\ndocs_dir: ${JSON.stringify(join(realSite, 'docs'))}\ntheme:\n  name: material\n${extensions}`;
}

/** Build the real site with the real mkdocs; each page's `<article>` by page name. */
export function buildRealWithMkdocs(): Map<string, string> {
  const work = mkdtempSync(join(tmpdir(), 'pk-mkdocs-real-'));
  try {
    const config = join(work, 'mkdocs.yml');
    writeFileSync(config, expandedConfig());
    // cwd: pymdownx.snippets' base_path (`docs`) is relative to it.
    execFileSync('mkdocs', ['build', '--quiet', '--config-file', config, '--site-dir', join(work, 'site')], { cwd: realSite, stdio: 'pipe' });
    return new Map(realPages().map((page) => [page, article(readFileSync(pageFile(join(work, 'site'), page), 'utf8'))]));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
