import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { locateYamlPath, parseYamlDocuments } from './yaml.js';

describe('parseYamlDocuments', () => {
  it('parses multiple documents with their start lines and skips empty ones', () => {
    const text = ['# header', 'kind: A', '---', '', '# only a comment', '---', '# c', 'kind: B', '...', '---', 'kind: C', ''].join('\n');
    const docs = parseYamlDocuments(text, { file: 'catalog-info.yaml' });
    expect(docs).toEqual([
      { value: { kind: 'A' }, line: 2 },
      { value: { kind: 'B' }, line: 8 },
      { value: { kind: 'C' }, line: 11 },
    ]);
  });

  it('keeps dates as strings and refuses custom tags', () => {
    const [doc] = parseYamlDocuments('date: 2024-01-02\nn: 3\nb: true\n', { file: 'a.yaml' });
    expect(doc?.value).toEqual({ date: '2024-01-02', n: 3, b: true });
    expect(() => parseYamlDocuments('fn: !!js/function "() => 1"\n', { file: 'a.yaml' })).toThrow(InputError);
  });

  it('names file:line:column on syntax errors, counting lines across documents', () => {
    const text = 'kind: A\n---\nkind: B\nspec:\n  owner: [unclosed\n';
    let error: unknown;
    try {
      parseYamlDocuments(text, { file: 'catalog-info.yaml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^catalog-info\.yaml:6:\d+: /);
  });

  it('reports the line of a bad indentation', () => {
    expect(() => parseYamlDocuments('a: 1\nb:\n  c: 1\n d: 2\n', { file: 'x.yaml' })).toThrow(/^x\.yaml:4:\d+:/);
  });

  it('rejects duplicate keys', () => {
    expect(() => parseYamlDocuments('a: 1\na: 2\n', { file: 'x.yaml' })).toThrow(/x\.yaml:2:\d+: duplicated mapping key/);
  });

  it('rejects alias bombs', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1];
      lines.push(`${names[i]}: &${names[i]} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const started = Date.now();
    expect(() => parseYamlDocuments(lines.join('\n'), { file: 'bomb.yaml' })).toThrow(/bomb\.yaml:1:1: .*aliases/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('allows modest alias reuse and returns independent copies', () => {
    const [doc] = parseYamlDocuments('base: &b { x: 1 }\none: *b\ntwo: *b\n', { file: 'a.yaml' });
    const value = doc?.value as Record<string, { x: number }>;
    expect(value.one).toEqual({ x: 1 });
    value.one!.x = 2;
    expect(value.two!.x).toBe(1);
  });

  it('keeps a __proto__ key as a plain key', () => {
    const [doc] = parseYamlDocuments('__proto__: { polluted: true }\n', { file: 'a.yaml' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(doc?.value as object)).toEqual(['__proto__']);
  });
});

describe('locateYamlPath', () => {
  const text = [
    'apiVersion: backstage.io/v1alpha1', // 1
    'kind: Component', // 2
    'metadata:', // 3
    '  name: a', // 4
    '  "quoted key": 1', // 5
    'spec:', // 6
    '  owner: team', // 7
    '  steps:', // 8
    '    - id: one', // 9
    '      input:', // 10
    '        x: 1', // 11
    '    - id: two', // 12
    '      input:', // 13
    '        # comment', // 14
    '        y: 2', // 15
    '  tags:', // 16
    '  - a', // 17
    '  - b', // 18
    '  after: 1', // 19
    '---', // 20
    'kind: Other', // 21
    'spec:', // 22
    '  owner: other', // 23
  ].join('\n');

  it('finds nested keys, sequence items and quoted keys', () => {
    expect(locateYamlPath(text, 1, ['kind'])).toBe(2);
    expect(locateYamlPath(text, 1, ['metadata', 'name'])).toBe(4);
    expect(locateYamlPath(text, 1, ['metadata', 'quoted key'])).toBe(5);
    expect(locateYamlPath(text, 1, ['spec', 'owner'])).toBe(7);
    expect(locateYamlPath(text, 1, ['spec', 'steps', 0])).toBe(9);
    expect(locateYamlPath(text, 1, ['spec', 'steps', 1, 'id'])).toBe(12);
    expect(locateYamlPath(text, 1, ['spec', 'steps', 1, 'input', 'y'])).toBe(15);
    expect(locateYamlPath(text, 1, ['spec', 'tags', 1])).toBe(18);
    expect(locateYamlPath(text, 1, ['spec', 'after'])).toBe(19);
  });

  it('does not cross into siblings or other documents', () => {
    expect(locateYamlPath(text, 1, ['spec', 'steps', 0, 'input', 'y'])).toBeUndefined();
    expect(locateYamlPath(text, 1, ['spec', 'steps', 2])).toBeUndefined();
    expect(locateYamlPath(text, 1, ['metadata', 'owner'])).toBeUndefined();
    expect(locateYamlPath(text, 21, ['spec', 'owner'])).toBe(23);
    expect(locateYamlPath(text, 21, ['metadata'])).toBeUndefined();
  });

  it('agrees with the lines parseYamlDocuments reports', () => {
    const docs = parseYamlDocuments(text, { file: 'a.yaml' });
    expect(docs.map((d) => d.line)).toEqual([1, 21]);
    expect(locateYamlPath(text, docs[1]!.line, ['kind'])).toBe(21);
  });
});

describe('parseYamlDocuments input edge cases', () => {
  it('handles a byte-order mark, CRLF line endings and non-text input', () => {
    const docs = parseYamlDocuments('\uFEFF---\r\nkind: A\r\n---\r\nkind: B\r\n', { file: 'a.yaml' });
    expect(docs).toEqual([
      { value: { kind: 'A' }, line: 2 },
      { value: { kind: 'B' }, line: 4 },
    ]);
    expect(() => parseYamlDocuments(undefined as unknown as string, { file: 'a.yaml' })).toThrow(InputError);
  });
});
