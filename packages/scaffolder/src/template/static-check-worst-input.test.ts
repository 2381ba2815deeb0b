import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinActions, checkTemplate, createAction, parseTemplate } from '../index.js';

describe('checkTemplate: "did you mean" for an untrusted author\'s longest ids', () => {
  it('suggests for a typical step id, and spends no quadratic time or memory on a huge one', () => {
    // Two long, nearly equal step ids: an edit-distance table between them would hold
    // length² cells (here 36 million; a 5 MB request body allows billions, past any heap).
    const long = 'a'.repeat(6000);
    const template = parseTemplate({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'huge-ids' },
      spec: {
        steps: [
          { id: 'fetch', action: 'fetch:plain', input: { url: './skeleton' } },
          { id: `${long}x`, action: 'debug:log', input: { message: 'hi' } },
          { id: 'log', action: 'debug:log', input: { message: `\${{ steps.fetc.output.x }} \${{ steps.${long}y.output.x }}` } },
        ],
      },
    });
    const messages = checkTemplate(template, { actions: builtinActions() }).map((p) => p.message);
    expect(messages.find((m) => m.startsWith('`steps.fetc`'))).toContain('(did you mean `fetch`?)');
    const huge = messages.find((m) => m.includes(`${long}y`));
    expect(huge).toContain('is not a step of this template');
    expect(huge).not.toContain('did you mean');
  });
});

describe('checkTemplate: a template with a problem in every one of very many steps', () => {
  it('lists each problem once, in time linear in their number', () => {
    // 100,000 steps fit in the 5 MB a request may carry; comparing each problem with every one
    // found before is 5 billion comparisons, past the test's timeout.
    const count = 100_000;
    const template = parseTemplate({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'many-steps' },
      spec: { steps: Array.from({ length: count }, (_, i) => ({ id: `s${i}`, action: 'nope:nope' })) },
    });
    const problems = checkTemplate(template, { actions: builtinActions() });
    expect(problems).toHaveLength(count);
    expect(new Set(problems.map((p) => p.location)).size).toBe(count);
  });
});

describe('checkTemplate: expressions nested as deep as they are long', () => {
  it.each([
    ['a member chain', `steps.nope${'.a'.repeat(50_000)}`],
    ['a filter chain', `steps.nope.output.x${' | lower'.repeat(50_000)}`],
    ['an index chain', `steps.nope.output.x${'[0]'.repeat(50_000)}`],
  ])('checks %s of 50,000 links and reports its problem, not a stack overflow', (_what, expression) => {
    const template = parseTemplate({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'deep' },
      spec: { steps: [{ id: 'log', action: 'debug:log', input: { message: `\${{ ${expression} }}` } }] },
    });
    const messages = checkTemplate(template, { actions: builtinActions() }).map((p) => p.message);
    expect(messages).toContain('`steps.nope` is not a step of this template');
  });
});

describe('checkTemplate: very many unknown keys below a nested input', () => {
  it('lists every one, not a stack overflow', () => {
    const act = createAction({ id: 'my:act', schema: { input: z.object({ repo: z.object({ name: z.string() }) }) }, async handler() {} });
    const count = 200_000;
    const repo = Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 1]));
    const template = parseTemplate({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'wide' },
      spec: { steps: [{ id: 's', action: 'my:act', input: { repo } }] },
    });
    const problems = checkTemplate(template, { actions: [act] });
    expect(problems).toHaveLength(count);
    expect(problems[0]).toMatchObject({ location: 'steps[0] (id: s).input.repo.k0', message: 'input `repo` of my:act has no key `k0`' });
  });
});
