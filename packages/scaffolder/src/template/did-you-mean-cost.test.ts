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
