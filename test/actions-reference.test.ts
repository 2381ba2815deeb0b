/**
 * docs/actions.md lists every built-in action with its inputs and outputs, generated from the
 * registry's JSON Schemas (test/support/actions-reference.ts). This test fails when the two
 * differ; `UPDATE_ACTIONS_DOC=1 npx vitest run test/actions-reference.test.ts` rewrites the part.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { actionsReference, everyBuiltinAction, referenceEnd, referenceStart } from './support/actions-reference.js';

const docPath = fileURLToPath(new URL('../docs/actions.md', import.meta.url));

describe('docs/actions.md action reference', () => {
  it('is in sync with the built-in actions and their schemas', () => {
    const doc = readFileSync(docPath, 'utf8');
    const start = doc.indexOf(referenceStart);
    const end = doc.indexOf(referenceEnd);
    expect(start, 'the reference markers are in docs/actions.md').toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const generated = `${referenceStart}\n\n${actionsReference()}\n${referenceEnd}`;
    const current = doc.slice(start, end + referenceEnd.length);
    if (process.env.UPDATE_ACTIONS_DOC === '1' && current !== generated) {
      writeFileSync(docPath, doc.slice(0, start) + generated + doc.slice(end + referenceEnd.length));
      return;
    }
    expect(current).toBe(generated);
  });

  it('names every action id the registry has, with each input property', () => {
    const doc = readFileSync(docPath, 'utf8');
    for (const action of everyBuiltinAction()) {
      expect(doc).toContain(`### \`${action.id}\``);
      for (const name of Object.keys((action.schema.input?.properties ?? {}) as object)) expect(doc).toContain(`| \`${name}\` |`);
    }
    expect(everyBuiltinAction().map((a) => a.id)).toEqual(expect.arrayContaining(['fetch:template:file', 'fs:readdir', 'debug:wait', 'workspace:template', 'publish:github']));
  });
});
