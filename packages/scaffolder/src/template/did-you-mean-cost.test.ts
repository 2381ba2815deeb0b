import { describe, expect, it } from 'vitest';
import { builtinActions, checkTemplate, parseTemplate } from '../index.js';

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
