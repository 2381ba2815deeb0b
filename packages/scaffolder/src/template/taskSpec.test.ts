import { describe, expect, it } from 'vitest';
import { InputError } from '@portalkit/core';
import { prepareTaskSpec } from './taskSpec.js';

const template = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 't', namespace: 'ops', annotations: { 'backstage.io/managed-by-location': 'file:/srv/templates/t/template.yaml' } },
  spec: {
    parameters: [{ properties: { name: { type: 'string' } }, required: ['name'] }],
    steps: [{ id: 's', action: 'debug:log' }],
  },
};

describe('prepareTaskSpec', () => {
  it('builds the stored spec: ref, validated values, base URL from the location annotation', () => {
    const spec = prepareTaskSpec(template, { values: { name: 'svc' }, user: { ref: 'user:default/jane' } });
    expect(spec).toMatchObject({
      parameters: { name: 'svc' },
      steps: [{ id: 's', action: 'debug:log' }],
      output: {},
      user: { ref: 'user:default/jane' },
      templateInfo: { entityRef: 'template:ops/t', baseUrl: 'file:///srv/templates/t/' },
    });
    expect(spec.hasSecrets).toBeUndefined();
  });

  it('ignores the annotations of a client’s template, and marks secrets only when there are some', () => {
    expect(prepareTaskSpec(template, { values: { name: 'svc' } }, true).templateInfo.baseUrl).toBeUndefined();
    expect(prepareTaskSpec(template, { values: { name: 'svc' }, baseUrl: 'file:///host/' }, true).templateInfo.baseUrl).toBe('file:///host/');
    expect(prepareTaskSpec(template, { values: { name: 'svc' }, secrets: {} }).hasSecrets).toBeUndefined();
    expect(prepareTaskSpec(template, { values: { name: 'svc' }, secrets: { t: 'x' } }).hasSecrets).toBe(true);
  });

  it('rejects missing values with an InputError', () => {
    expect(() => prepareTaskSpec(template, {})).toThrow(InputError);
  });
});
