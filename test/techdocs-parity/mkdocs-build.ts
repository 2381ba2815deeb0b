import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The fixture site built by both generators, and where mkdocs' pages' articles are kept. */
export const paritySite = new URL('../fixtures/techdocs-parity/site/', import.meta.url).pathname;
export const mkdocsOutputDir = new URL('../fixtures/techdocs-parity/mkdocs-output/', import.meta.url).pathname;

/** Is Debian's mkdocs with material and pymdown-extensions here (scripts/ensure-mkdocs.sh)? */
export function mkdocsAvailable(): boolean {
  // PORTALKIT_NO_MKDOCS=1 runs the test as where mkdocs is missing (against the checked-in output).
  if (process.env.PORTALKIT_NO_MKDOCS === '1') return false;
  try {
    execFileSync('mkdocs', ['--version'], { stdio: 'ignore' });
    execFileSync('/usr/bin/python3', ['-c', 'import pymdownx'], { stdio: 'ignore' });
    return existsSync('/usr/share/mkdocs/themes/material');
  } catch {
    return false;
  }
}

/** Build the fixture site with the real mkdocs; each page's `<article>` by page name. */
export function buildWithMkdocs(): Map<string, string> {
  const out = mkdtempSync(join(tmpdir(), 'pk-mkdocs-parity-'));
  try {
    execFileSync('mkdocs', ['build', '--quiet', '--site-dir', out], { cwd: paritySite, stdio: 'pipe' });
    const pages = new Map<string, string>();
    for (const name of readdirSync(join(paritySite, 'docs'))) {
      if (!name.endsWith('.md')) continue;
      const page = name.slice(0, -3);
      const file = page === 'index' ? join(out, 'index.html') : join(out, page, 'index.html');
      pages.set(page, article(readFileSync(file, 'utf8')));
    }
    return pages;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The `<article …>…</article>` of a page. */
export function article(page: string): string {
  const open = page.search(/<article[\s>]/);
  const close = page.lastIndexOf('</article>');
  if (open === -1 || close === -1) throw new Error('page has no <article>');
  return `${page.slice(open, close + '</article>'.length)}\n`;
}
