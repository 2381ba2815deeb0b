import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { InputError, loadConfig, parseYamlDocuments } from '@portalkit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expectPrototypeClean, fuzzRuns, pollutionKeys, resultOrTypedError } from '../support/typed.js';

const parse = (text: string) => resultOrTypedError(() => parseYamlDocuments(text, { file: 'fuzz.yaml' }));

/** YAML-ish text: fragments that exercise anchors, aliases, flow style, tags and markers. */
const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom('a: ', '- ', '&x ', '*x', '<<: *x', '{', '}', '[', ']', ', ', '---\n', '...\n', '!!str ', '!!binary ', '!custom ', '|\n', '>-\n', '? ', '"', "'", '#', '%YAML 1.2\n', '\t', '\n', '  ', '__proto__: ', 'constructor: ', '\uFEFF', '\u0000', '\uD800'),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

function billionLaughs(levels: number, width: number): string {
  const lines = ['l0: &l0 "lol"'];
  for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: width }, () => `*l${i - 1}`).join(', ')}]`);
  return lines.join('\n');
}

describe('parseYamlDocuments under arbitrary input', () => {
  it('returns documents or an InputError for any text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(yamlish, fc.string({ unit: 'binary', maxLength: 200 })), async (text) => {
        const outcome = await parse(text);
        if (!outcome.ok) expect(outcome.error).toBeInstanceOf(InputError);
      }),
      fuzzRuns,
    );
    expectPrototypeClean();
  });

  it('decodes invalid UTF-8 bytes to text that parses or fails as an InputError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const text = Buffer.from([...Buffer.from('kind: A\nname: '), ...bytes]).toString('utf8');
        const outcome = await parse(text);
        if (!outcome.ok) expect(outcome.error).toBeInstanceOf(InputError);
      }),
      fuzzRuns,
    );
  });

  it.each([
    [9, 9],
    [6, 20],
    [30, 2],
  ])('rejects a billion-laughs alias bomb (%i levels of %i aliases) with an InputError naming the file', async (levels, width) => {
    const outcome = await parse(billionLaughs(levels, width));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toMatch(/^fuzz\.yaml:1:1: .*expands to more than/);
  });

  it('rejects or parses deeply nested documents without a stack overflow', async () => {
    for (const depth of [1_000, 20_000]) {
      for (const text of ['['.repeat(depth) + ']'.repeat(depth), '{a: '.repeat(depth) + '1' + '}'.repeat(depth), Array.from({ length: Math.min(depth, 3000) }, (_, i) => `${' '.repeat(i)}a:`).join('\n')]) {
        const outcome = await parse(text);
        if (!outcome.ok) expect(outcome.error).toBeInstanceOf(InputError);
      }
    }
    // Nesting reached through aliases is measured too.
    const outcome = await parse(`a: &a [${'['.repeat(1200)}${']'.repeat(1200)}]\nb: *a`);
    if (!outcome.ok) expect(outcome.error).toBeInstanceOf(InputError);
  });

  it('parses a huge string value', async () => {
    const outcome = await parse(`description: "${'x'.repeat(5_000_000)}"`);
    expect(outcome.ok && (outcome.value[0]!.value as { description: string }).description.length).toBe(5_000_000);
  });

  it('keeps __proto__ keys as plain own data and never touches Object.prototype', async () => {
    const docs = parseYamlDocuments('base: &b { isAdmin: true }\n__proto__: *b\nx:\n  __proto__: { polluted: 1 }\n  <<: { __proto__: { polluted: 2 } }\n', { file: 'p.yaml' });
    const value = docs[0]!.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toContain('__proto__');
    expect((value as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expectPrototypeClean();
  });
});

describe('loadConfig under arbitrary input', () => {
  const schema = z.record(z.string(), z.unknown());

  it('loads or fails with an InputError naming the file, for any YAML-ish file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pk-fuzz-config-'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(yamlish, fc.json().map((j) => `app: ${j}`)), fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }), async (text, env) => {
        await writeFile(path.join(dir, 'app-config.yaml'), text);
        const outcome = await resultOrTypedError(() => loadConfig({ schema, dir, env }));
        if (!outcome.ok) {
          expect(outcome.error).toBeInstanceOf(InputError);
          expect(outcome.error.message).toMatch(/app-config\.yaml|environment variable|Invalid config/);
        }
      }),
      fuzzRuns,
    );
    expectPrototypeClean();
  });

  it.each(pollutionKeys)('refuses the key %s in files and in PORTALKIT_CONFIG_ variables', async (key) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pk-fuzz-config-'));
    await writeFile(path.join(dir, 'app-config.yaml'), `app:\n  ${key}:\n    polluted: true\n`);
    await expect(loadConfig({ schema, dir, env: {} })).rejects.toThrow(new RegExp(`app-config\\.yaml: app\\.${key}: key "${key}" is not allowed`));
    await writeFile(path.join(dir, 'app-config.yaml'), 'app: {}\n');
    await expect(loadConfig({ schema, dir, env: { [`PORTALKIT_CONFIG_app__${key}__polluted`]: 'true' } })).rejects.toThrow(InputError);
    await expect(loadConfig({ schema, dir, env: { PORTALKIT_CONFIG_app: JSON.stringify({ [key]: { polluted: true } }).replace('"constructor"', `"${key}"`) } })).rejects.toThrow(
      /not allowed/,
    );
    expectPrototypeClean();
  });

  it('substitutes ${VAR} with values that look like pollution payloads as plain strings', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pk-fuzz-config-'));
    await writeFile(path.join(dir, 'app-config.yaml'), 'app:\n  title: ${TITLE}\n');
    const config = await loadConfig({ schema, dir, env: { TITLE: '{"__proto__": {"polluted": true}}' } });
    expect((config.app as { title: string }).title).toBe('{"__proto__": {"polluted": true}}');
    expectPrototypeClean();
  });
});
