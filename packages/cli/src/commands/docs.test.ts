import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, techdocsFixtures, tempDir } from '../test-utils.js';

describe('portalkit docs build', () => {
  it('builds the fixture site into --output with progress lines on stderr (exit 0)', async () => {
    const dir = await tempDir();
    const { code, stdout, stderr } = await cli(['docs', 'build', path.join(techdocsFixtures, 'site'), '--output', 'out'], dir);
    expect(code).toBe(0);
    expect(stdout).toBe('Built 6 pages (6 rendered, 0 unchanged) into out\n');
    // One final line per phase (a slow machine may add intermediate ones every 2 s).
    const lines = stderr.trim().split('\n');
    for (const line of lines) expect(line).toMatch(/^(read|render|assets|write) \d+\/\d+( \S+)?$/);
    const finished = lines.filter((l) => /^\w+ (\d+)\/\1$/.test(l)).map((l) => l.split(' ')[0]);
    expect([...new Set(finished)]).toEqual(['read', 'render', 'assets', 'write']);
    expect(lines).toContain('render 6/6');
    const metadata = JSON.parse(await readFile(path.join(dir, 'out', 'techdocs_metadata.json'), 'utf8')) as { files: string[] };
    expect(metadata.files).toContain('index.html');
    expect(existsSync(path.join(dir, 'out', 'search', 'search_index.json'))).toBe(true);

    // Incremental: a second build renders nothing.
    const again = await cli(['docs', 'build', path.join(techdocsFixtures, 'site'), '-o', 'out'], dir);
    expect(again.stdout).toBe('Built 6 pages (0 rendered, 6 unchanged) into out\n');
  });

  it('prints warnings as file:line relative to the working directory; exit 0, or 1 with --strict', async () => {
    const dir = await tempDir();
    const source = path.join(techdocsFixtures, 'broken');
    const loose = await cli(['docs', 'build', '.', '--output', path.join(dir, 'site')], source);
    expect(loose.code).toBe(0);
    const warnings = loose.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toEqual([
      "warning: mkdocs.yml:4: nav target 'missing-page.md' does not exist in the docs directory",
      "warning: mkdocs.yml:5: nav target '../../etc/passwd' escapes the docs directory",
      "warning: docs/index.md:3: broken link 'nope.md': nope.md does not exist",
      "warning: docs/index.md:3: link '../../etc/passwd' escapes the docs directory",
      "warning: docs/index.md:5: broken link 'img/none.png': img/none.png does not exist",
    ]);
    expect(loose.stdout).toContain(', 5 warnings');

    const strict = await cli(['docs', 'build', '.', '--output', path.join(dir, 'strict'), '--strict'], source);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('error: docs/index.md:3: broken link');
    expect(strict.stderr).toContain('error: 5 warning(s) in strict mode');
  });

  it('builds the other pages when one is nested too deeply, names it as an error and exits 1', async () => {
    const dir = await tempDir();
    const source = path.join(dir, 'src');
    await mkdir(path.join(source, 'docs'), { recursive: true });
    await writeFile(path.join(source, 'mkdocs.yml'), 'site_name: Deep\nnav:\n  - index.md\n  - deep.md\n');
    await writeFile(path.join(source, 'docs', 'index.md'), '# Home\n');
    await writeFile(path.join(source, 'docs', 'deep.md'), `${'>'.repeat(5000)} x\n`);
    const { code, stdout, stderr } = await cli(['docs', 'build', '.', '--output', path.join(dir, 'site')], source);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Built 1 page \(1 rendered, 0 unchanged\) into .*, 1 failed/);
    expect(stderr).toMatch(/^error: docs\/deep\.md: .*nest/im);
    expect(existsSync(path.join(dir, 'site', 'index.html'))).toBe(true);
  });

  it('fails (exit 1) naming the directory when there is no mkdocs.yml, writing nothing', async () => {
    const dir = await tempDir();
    const { code, stderr } = await cli(['docs', 'build', techdocsFixtures, '--output', 'site'], dir);
    expect(code).toBe(1);
    expect(stderr).toBe(`error: NotFoundError: no mkdocs.yml or mkdocs.yaml in ${techdocsFixtures}\n`);
    expect(existsSync(path.join(dir, 'site'))).toBe(false);
  });
});
