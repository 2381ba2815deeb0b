import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { InputError } from '@portalkit/core';
import { createTemplater, renderValue } from '@portalkit/scaffolder';
import { buildDocs } from '@portalkit/techdocs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { all, parseHtml } from '../../packages/techdocs/src/test-utils.js';
import { expectPrototypeClean, fuzzRuns, pollutionKeys, resultOrTypedError } from '../support/typed.js';

/** Template-ish text built from nunjucks syntax fragments and hostile names. */
const templateText = fc
  .array(
    fc.oneof(
      fc.constantFrom('${{', '}}', '{{', '{%', '%}', '{#', '#}', ' if ', ' for x in ', ' endfor ', ' endif ', ' set ', ' macro ', ' endmacro ', ' include ', ' import ', ' extends ', ' block ', ' raw ', ' endraw ', ' call ', ' filter ', '|', ' dump ', ' safe ', ' replace ', '(', ')', '[', ']', '.', "'", '"', ',', ' range(1e9) ', ' cycler ', ' joiner ', ' caller ', ' parameters ', ' values ', ' secrets ', ...pollutionKeys),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(''));

const contextValue = fc.dictionary(fc.oneof(fc.constantFrom(...pollutionKeys, 'name', 'n'), fc.string({ maxLength: 6 })), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });

describe('scaffolder template rendering under arbitrary input', () => {
  const render = createTemplater();
  const cookie = createTemplater({ cookiecutterCompat: true });

  it('renders to a string or fails with an InputError', async () => {
    await fc.assert(
      fc.asyncProperty(templateText, contextValue, async (template, parameters) => {
        for (const r of [render, cookie]) {
          const outcome = await resultOrTypedError(() => r(template, { parameters, values: parameters, cookiecutter: parameters }));
          if (outcome.ok) expect(typeof outcome.value).toBe('string');
          else expect(outcome.error).toBeInstanceOf(InputError);
        }
      }),
      { ...fuzzRuns, numRuns: 300 },
    );
    expectPrototypeClean();
  });

  it('renderValue keeps JSON in, JSON out, or fails with an InputError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(templateText, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 4 }), contextValue, async (input, parameters) => {
        const outcome = await resultOrTypedError(() => renderValue(input, { parameters }, render));
        if (outcome.ok) expect(() => JSON.stringify(outcome.value)).not.toThrow();
        else expect(outcome.error).toBeInstanceOf(InputError);
      }),
      fuzzRuns,
    );
    expectPrototypeClean();
  });

  it('never writes to Object.prototype through template values or set tags', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"isAdmin": true}}}');
    for (const template of [
      '{% set parameters.__proto__.polluted = 1 %}',
      '${{ parameters.__proto__.polluted }}${{ parameters.constructor.prototype.isAdmin }}',
      "{% set x = parameters | dump %}${{ x }}",
    ]) {
      const outcome = (() => {
        try {
          return render(template, { parameters: hostile });
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          return '';
        }
      })();
      expect(outcome).not.toContain('true');
    }
    expectPrototypeClean();
  });
});

describe('TechDocs Markdown pipeline under arbitrary input', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pk-fuzz-docs-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const markdown = fc
    .array(
      fc.oneof(
        fc.constantFrom('# ', '## ', '!!! note "x"\n    ', '??? warning\n    ', '```js\n', '```\n', '| a | b |\n|---|---|\n', '[x](', '../../../etc/passwd', ')', '![i](', 'javascript:alert(1)', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>', '<iframe src="//evil">', '<div markdown="1">', '</div>', '[^1]', '[^1]: n\n', '- [ ] ', '> ', '    ', '\n', '\n\n', '*', '_', '`', '<!--', '-->', '&#x6A;avascript:', '\u0000', '\uD800'),
        fc.string({ maxLength: 10 }),
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(''));

  let n = 0;
  it('builds a page or fails with a typed error, and scripts never survive', async () => {
    await fc.assert(
      fc.asyncProperty(markdown, async (body) => {
        const source = path.join(dir, `s${n++}`);
        await mkdir(path.join(source, 'docs'), { recursive: true });
        await writeFile(path.join(source, 'mkdocs.yml'), 'site_name: fuzz\nmarkdown_extensions: [admonition, pymdownx.details]\n');
        await writeFile(path.join(source, 'docs', 'index.md'), body);
        const output = path.join(source, 'site');
        const outcome = await resultOrTypedError(() => buildDocs({ source, output }));
        if (!outcome.ok) return;
        const tree = parseHtml(await readFile(path.join(output, 'index.html'), 'utf8'));
        expect(all(tree, 'script, iframe, object, embed')).toEqual([]);
        for (const element of all(tree, '*')) {
          for (const [name, value] of Object.entries(element.properties)) {
            expect(name).not.toMatch(/^on/i);
            if (name === 'href' || name === 'src') expect(String(value)).not.toMatch(/^\s*(javascript|vbscript|data):/i);
          }
        }
      }),
      { ...fuzzRuns, numRuns: 40, timeout: 10_000 },
    );
  });

  it('reads any mkdocs.yml or fails with an InputError naming it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.constantFrom('nav: [{a: ../../etc/passwd}]', 'nav: [{a: /etc/passwd}]', 'docs_dir: ../../', 'docs_dir: /etc', 'a: &a [*a]', 'nav: "x"', 'site_name: [1]', '__proto__: {polluted: 1}\nsite_name: x'),
        ),
        async (config) => {
          const source = path.join(dir, `c${n++}`);
          await mkdir(path.join(source, 'docs'), { recursive: true });
          await writeFile(path.join(source, 'mkdocs.yml'), config);
          await writeFile(path.join(source, 'docs', 'index.md'), '# hi');
          const outcome = await resultOrTypedError(() => buildDocs({ source, output: path.join(source, 'site') }));
          if (!outcome.ok) expect(outcome.error.message).toMatch(/mkdocs|docs_dir|nav|site_name|escapes|outside/i);
        },
      ),
      { ...fuzzRuns, numRuns: 40, timeout: 10_000 },
    );
    expectPrototypeClean();
  });
});
