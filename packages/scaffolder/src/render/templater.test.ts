import * as backstage from '@backstage/catalog-model';
import { describe, expect, it } from 'vitest';
import { createTemplater } from './templater.js';
import { defaultFilters, parseEntityRef, parseRepoUrl } from './filters.js';
import { isTruthy, renderValue, renderValueTracked } from './renderValue.js';
import { markHolders, markSecret } from './taint.js';
import { createRedactor } from '../runner/redaction.js';

const render = createTemplater({ filters: defaultFilters() });
const ctx = { parameters: { name: 'svc', n: 3, flag: false, obj: { a: [1, 2] } }, each: { key: 'k', value: 'v' } };

describe('createTemplater', () => {
  it('renders ${{ }} and leaves {{ }} alone', () => {
    expect(render('hello ${{ parameters.name }} {{ keep }}', ctx)).toBe('hello svc {{ keep }}');
    expect(render('${{ each.key }}=${{ each.value }}', ctx)).toBe('k=v');
    expect(render('${{ missing.deep.value }}', ctx)).toBe('');
  });

  it('has the Backstage filters', () => {
    expect(render('${{ "github.com?owner=o&repo=r" | projectSlug }}', {})).toBe('o/r');
    expect(render('${{ ("github.com?owner=o&repo=r" | parseRepoUrl).host }}', {})).toBe('github.com');
    expect(render('${{ ("group:team" | parseEntityRef).namespace }}', {})).toBe('default');
    expect(render('${{ ("team" | parseEntityRef({ defaultKind: "group" })).kind }}', {})).toBe('group');
    expect(render('${{ parameters | pick("obj.a") | dump }}', ctx)).toBe('[1,2]');
    expect(parseRepoUrl('bitbucket.org?workspace=w&project=p&repo=r')).toEqual({ host: 'bitbucket.org', workspace: 'w', project: 'p', repo: 'r' });
    expect(() => parseRepoUrl('github.com?owner=o')).toThrow(/missing repo/);
    expect(parseEntityRef('component:ns/a:b')).toEqual({ kind: 'component', namespace: 'ns', name: 'a:b' });
  });

  it('parses refs with the catalog grammar, as Backstage does, defaults and failures included', () => {
    const outcome = (f: () => unknown) => {
      try {
        return { ok: f() };
      } catch (error) {
        return { error: (error as Error).message };
      }
    };
    const cases: Array<[string, { defaultKind?: string; defaultNamespace?: string }?]> = [
      ['group:team'], ['team', { defaultKind: 'group' }], ['ns/team', { defaultKind: 'group' }], ['Component:NS/Name'],
      [':b', { defaultKind: 'group' }], ['a:', { defaultKind: 'group' }], ['a:/c'], ['k:n/a/b'], ['team'],
    ];
    for (const [ref, context] of cases) {
      expect(outcome(() => parseEntityRef(ref, context)), ref).toEqual(outcome(() => backstage.parseEntityRef(ref, context)));
    }
  });

  it('supports custom filters and globals with JSON in and out', () => {
    const r = createTemplater({ filters: { twice: (x) => Number(x) * 2 }, globals: { org: 'acme', greet: (n) => `hi ${String(n)}` } });
    expect(r('${{ 2 | twice }} ${{ org }} ${{ greet("x") }}', {})).toBe('4 acme hi x');
  });

  it('renders in cookiecutter mode', () => {
    const r = createTemplater({ cookiecutterCompat: true });
    expect(r('{{ cookiecutter.name }} {{ cookiecutter.o | jsonify }}', { cookiecutter: { name: 'a', o: { x: 1 } } })).toBe('a {"x":1}');
  });

  it.each([
    '${{ range.constructor("return process")() }}',
    '${{ "".constructor.constructor("return this")() }}',
    '${{ cycler.constructor("return process")() }}',
    '${{ joiner.constructor("return process")() }}',
    '${{ parameters.__proto__.constructor.constructor("return process")() }}',
    '${{ parameters["constructor"]["constructor"]("return process")() }}',
    '${{ constructor.constructor("return process")() }}',
    '${{ (range | first).constructor("return process")() }}',
    '${{ parameters.name.sub.constructor("return process")() }}',
    '${{ ([].map).constructor("return process")() }}',
    '${{ [].concat.call.constructor("return process")() }}',
  ])('blocks the escape %s', (payload) => {
    let out: string | undefined;
    try {
      out = render(payload, ctx);
    } catch (error) {
      expect((error as Error).name).toBe('InputError');
      return;
    }
    expect(out).not.toMatch(/process|object|function|\[native/i);
    expect(out).toBe('');
  });

  it('gives no access to process, require or globals', () => {
    expect(render('${{ process }}${{ require }}${{ global }}${{ globalThis }}', ctx)).toBe('');
    expect(render('${{ parameters.__proto__ }}${{ parameters.prototype }}', ctx)).toBe('');
    expect(() => render('{% include "/etc/passwd" %}', ctx)).toThrow();
  });

  it('never prints the source of functions it hands to templates', () => {
    const r = createTemplater({ globals: { signed: (x) => `${String(x)}-secret-key-123` } });
    for (const payload of ['${{ range }}', '${{ range | string }}', '${{ "x" | replace("x", range) }}', '${{ [range] | join }}', '${{ signed }}', '${{ signed | string }}']) {
      const out = r(payload, ctx);
      expect(out).not.toMatch(/=>|secret-key|const |return|native code|function Function/);
    }
    expect(r('${{ range(3) | join(",") }} ${{ signed("a") }}', ctx)).toBe('0,1,2 a-secret-key-123');
  });

  it('reports syntax errors as InputError', () => {
    expect(() => render('${{ parameters.name ', ctx)).toThrow(/syntax|expected/i);
  });
});

describe('renderValue', () => {
  it('keeps JSON types for single expressions', () => {
    const out = renderValue(
      { n: '${{ parameters.n }}', f: '${{ parameters.flag }}', o: '${{ parameters.obj }}', s: 'n=${{ parameters.n }}', gone: '${{ parameters.nope }}', arr: ['${{ parameters.name }}', 1] },
      ctx,
      render,
    );
    expect(out).toEqual({ n: 3, f: false, o: { a: [1, 2] }, s: 'n=3', arr: ['svc', 1] });
  });

  it('isTruthy matches Backstage', () => {
    expect([false, 0, '', null, undefined, []].map(isTruthy)).toEqual([false, false, false, false, false, false]);
    expect(['false', 1, [0], {}].map(isTruthy)).toEqual([true, true, true, true]);
  });
});

describe('secret taint', () => {
  const secrets = () => markSecret({ token: 'abcdef' });

  it('marks a render that read a secret, however it used it', () => {
    for (const t of ['${{ secrets.token[0] }}', '${{ secrets.token | first }}', '{% for c in secrets.token %}${{ c }}{% endfor %}', '${{ secrets | dump }}', '{% set s = secrets %}${{ s.token | length }}']) {
      expect(render.tracked(t, { secrets: secrets() }).secret, t).toBe(true);
    }
    expect(render.tracked('${{ parameters.name }}', { secrets: secrets(), parameters: { name: 'x' } })).toEqual({ text: 'x', secret: false });
  });

  it('follows marked members and objects handed to filters or loops', () => {
    const values = { token: 'abc', name: 'svc' };
    markHolders(values, new Set(['abc']));
    const ctx = { values, steps: { a: markSecret({ output: { v: 'abc' } }), b: { output: { v: 'ok' } } } };
    expect(render.tracked('${{ values.name }} ${{ steps.b.output.v }}', ctx).secret).toBe(false);
    for (const t of ['${{ values.token[1] }}', '${{ values | dump }}', '{% for k, v in values %}${{ v }}{% endfor %}', '${{ steps.a.output.v }}', '${{ steps | dump }}']) {
      expect(render.tracked(t, ctx).secret, t).toBe(true);
    }
  });

  it('hides the message of a failing render that read a secret', () => {
    expect(() => render('${{ secrets.token | parseRepoUrl }}', { secrets: secrets() })).toThrow(/reading secrets failed \(its message is hidden\)/);
    expect(() => render('${{ "abcdef" | parseRepoUrl }}', {})).toThrow(/got abcdef/);
  });

  it('renderValueTracked returns what came from a secret, and the redactor hides it at any length', () => {
    const { value, secretValues } = renderValueTracked({ a: '${{ secrets.token[0] }}', b: 'plain', c: '${{ secrets.token | list }}' }, { secrets: secrets() }, render);
    expect(value).toEqual({ a: 'a', b: 'plain', c: ['a', 'b', 'c', 'd', 'e', 'f'] });
    expect(secretValues).toEqual(['a', 'a', 'b', 'c', 'd', 'e', 'f']);
    const redactor = createRedactor(['xy']);
    redactor.add(['q']);
    // The 2-character seed stays (the core's rule); the derived 'q' goes, also as base64 'cQ=='.
    expect(redactor.text('xy q "q" cQ==')).toBe('xy *** "***" ***');
  });
});
