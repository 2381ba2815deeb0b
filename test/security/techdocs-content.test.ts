// Docs authors are untrusted: a page can neither dress up as the portal (classes, issue 16
// hole 16) nor take the build down with it (nesting depth, hole 9).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { select, selectAll } from 'hast-util-select';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '@portalkit/core';
import { buildDocs, createTechDocs, memoryPublisher, type TechDocsEntity } from '@portalkit/techdocs';
import { parseHtml } from '../../packages/techdocs/src/test-utils.js';

// hast's element type, as the selector gives it (the repository root has no hast dependency).
type Element = ReturnType<typeof selectAll>[number];

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'techdocs-content-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function site(name: string, mkdocs: string, pages: Record<string, string>): Promise<string> {
  const dir = path.join(tmp, name);
  for (const [file, body] of Object.entries(pages)) {
    await mkdir(path.dirname(path.join(dir, 'docs', file)), { recursive: true });
    await writeFile(path.join(dir, 'docs', file), body);
  }
  await writeFile(path.join(dir, 'mkdocs.yml'), mkdocs);
  return dir;
}

/** The classes inside a built page's content (the layout's own chrome is not the author's). */
async function contentClasses(file: string): Promise<string[]> {
  const tree = parseHtml(await readFile(file, 'utf8'));
  if (!select('article', tree)) throw new Error(`no content in ${file}`);
  return (selectAll('article [class]', tree) as Element[]).flatMap((node) => (node.properties.className as string[]).map(String));
}

// What the pipeline itself emits: admonitions, code languages and highlighting, task lists,
// footnotes, permalinks.
const pipelineClass =
  /^(admonition|admonition-title|note|abstract|summary|tldr|info|todo|tip|hint|important|success|check|done|question|help|faq|warning|caution|attention|failure|fail|missing|danger|error|bug|example|snippet|quote|cite|seealso|inline|end|language-.+|hljs|hljs-.+|task-list-item|contains-task-list|footnotes|sr-only|data-footnote-backref|headerlink)$/;

describe('techdocs: docs content keeps only the pipeline classes', () => {
  it('drops portal-looking classes from raw HTML and admonition types, keeps the pipeline ones', async () => {
    const source = await site(
      'classes',
      'site_name: Classes\nmarkdown_extensions:\n  - admonition\n  - pymdownx.details\n  - toc:\n      permalink: true\n  - codehilite\n',
      {
        'index.md': [
          '# Classes',
          '<div class="session-expired-banner portal-header toast error">Your session expired. <a href="https://evil.example">Sign in</a></div>',
          '<p class="admonition-title banner">x</p> <span class="app-bar">y</span> <code class="language-js evil">z</code>',
          '<details class="tip modal-backdrop" open><summary>s</summary>d</details>',
          '<ul class="contains-task-list nav"><li class="task-list-item sidebar">t</li></ul>',
          '!!! session-expired "Session expired"\n    Sign in again.',
          '!!! warning inline end "Careful"\n    Body.',
          '??? tip fullscreen-overlay "More"\n    Hidden.',
          '```python\nprint(1)\n```',
          '- [x] done',
          'Text[^1].\n\n[^1]: A note.',
        ].join('\n\n'),
      },
    );
    const output = path.join(tmp, 'classes-site');
    await buildDocs({ source, output });
    const classes = await contentClasses(path.join(output, 'index.html'));
    expect(classes.filter((c) => !pipelineClass.test(c))).toEqual([]);
    // The pipeline's own classes are still there.
    for (const expected of ['admonition', 'admonition-title', 'warning', 'inline', 'end', 'tip', 'language-python', 'hljs', 'headerlink', 'task-list-item', 'footnotes']) {
      expect(classes).toContain(expected);
    }
  });
});

describe('techdocs: a page nested too deeply fails alone', () => {
  const deepPages = {
    'deep-html.md': `# Deep HTML\n\n${'<div>'.repeat(100_000)}x${'</div>'.repeat(100_000)}\n`,
    'guide/deep-quote.md': `# Deep quote\n\n${'>'.repeat(100_000)} x\n`,
    'deep-emphasis.md': `${'*'.repeat(50_000)}x${'*'.repeat(50_000)}\n`,
    'deep-list.md': Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i * 2)}- x`).join('\n'),
  };
  const goodPages = {
    'index.md': '# Home\n\nSee [the guide](guide/ok.md) and [the deep page](deep-html.md).\n',
    'guide/ok.md': '# Guide\n\n> quoted\n>\n> > twice\n\n<div><div>fine</div></div>\n',
  };

  for (const markdownParser of ['auto', 'remark'] as const) {
    it(`builds and publishes the other pages, and names the failed ones (${markdownParser})`, async () => {
      const source = await site(`deep-${markdownParser}`, 'site_name: Deep\n', { ...goodPages, ...deepPages });
      const entity: TechDocsEntity = {
        kind: 'Component',
        metadata: {
          name: `deep-${markdownParser}`,
          annotations: {
            'backstage.io/techdocs-ref': 'dir:.',
            'backstage.io/managed-by-location': `file:${path.join(source, 'catalog-info.yaml')}`,
          },
        },
      };
      const logs: string[] = [];
      const techdocs = createTechDocs({ publisher: memoryPublisher(), root: tmp, builder: { markdownParser } });
      const result = await techdocs.build(entity, { onLog: (line) => logs.push(line) });

      expect(result.rendered.sort()).toEqual(['guide/ok.md', 'index.md']);
      expect(result.failed.map((f) => f.file).sort()).toEqual(Object.keys(deepPages).sort());
      for (const failure of result.failed) {
        expect(failure.error).toBeInstanceOf(InputError);
        expect(failure.error.message).toContain(failure.file);
        expect(failure.error.message).toContain('256');
      }
      expect(result.warnings.map((w) => w.file)).toEqual(expect.arrayContaining(Object.keys(deepPages)));
      expect(logs.join('\n')).toContain('deep-html.md');

      const base = `/static/docs/default/component/deep-${markdownParser}`;
      expect((await techdocs.request(`${base}/index.html`)).status).toBe(200);
      expect(await (await techdocs.request(`${base}/guide/ok/index.html`)).text()).toContain('fine');
      expect((await techdocs.request(`${base}/deep-html/index.html`)).status).toBe(404);
      expect(result.metadata.files).not.toContain('deep-html/index.html');
      expect(result.metadata.files).toContain('guide/ok/index.html');
    });
  }

  it('fails a strict build with the file named, and tries the page again on the next build', async () => {
    const source = await site('deep-strict', 'site_name: Deep\n', { ...goodPages, 'deep-html.md': deepPages['deep-html.md'] });
    const output = path.join(tmp, 'deep-strict-site');
    await expect(buildDocs({ source, output, strict: true })).rejects.toThrow(/deep-html\.md: nested more than 256 levels/);
    const first = await buildDocs({ source, output });
    expect(first.failed.map((f) => f.file)).toEqual(['deep-html.md']);
    const second = await buildDocs({ source, output });
    expect(second.failed.map((f) => f.file)).toEqual(['deep-html.md']);
    expect(second.skipped.sort()).toEqual(['guide/ok.md', 'index.md']);
    // Fixed: the page renders and is published with the rest.
    await writeFile(path.join(source, 'docs', 'deep-html.md'), '# Fixed\n');
    const third = await buildDocs({ source, output });
    expect(third.failed).toEqual([]);
    expect(third.rendered).toContain('deep-html.md');
    expect(await readFile(path.join(output, 'deep-html', 'index.html'), 'utf8')).toContain('Fixed');
  });
});
