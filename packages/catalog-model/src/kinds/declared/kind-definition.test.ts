import { parseYamlDocuments } from '@portalkit/core';
import { describe, expect, test } from 'vitest';
import { builtinKinds, createEntityValidator, createKindDefinitionKind, declaredKindOf, kindDefinitionKind } from '../../index.js';
import type { Entity, EntityValidationError, ValidationResult } from '../../index.js';

const definition = (spec: Record<string, unknown>): Entity => ({
  apiVersion: 'portalkit.dev/v1alpha1',
  kind: 'KindDefinition',
  metadata: { name: 'widget' },
  spec,
});

const widgetSpec = {
  kind: 'Widget',
  apiVersions: ['example.com/v1'],
  schema: {
    type: 'object',
    required: ['owner', 'tier'],
    additionalProperties: false,
    properties: { owner: { type: 'string', minLength: 1 }, tier: { enum: ['gold', 'silver'] }, parts: { type: 'array', items: { type: 'string' } } },
  },
  relations: [{ field: 'owner', defaultKind: 'Group', outgoing: 'ownedBy', incoming: 'ownerOf' }],
  facets: ['spec.tier'],
  columns: [{ title: 'Tier', field: 'spec.tier' }],
};

function errorsOf(result: ValidationResult): EntityValidationError[] {
  if (result.ok) throw new Error('expected the entity to be rejected');
  return result.errors;
}

const definitionValidator = createEntityValidator({ kinds: [...builtinKinds, kindDefinitionKind] });
const problems = (spec: Record<string, unknown>) => errorsOf(definitionValidator.validate(definition(spec))).map((e) => `${e.path} ${e.rule}: ${e.message}`);

describe('KindDefinition', () => {
  test('a declared kind validates its entities with the JSON Schema, errors at their YAML line', () => {
    expect(definitionValidator.validate(definition(widgetSpec)).ok).toBe(true);
    const declared = declaredKindOf(definition(widgetSpec));
    expect(declared).toMatchObject({ definedBy: 'kinddefinition:default/widget', facets: ['spec.tier'], columns: [{ title: 'Tier', field: 'spec.tier' }] });
    const validator = createEntityValidator({ kinds: [...builtinKinds, declared.definition] });
    const text = [
      'apiVersion: example.com/v1',
      'kind: Widget',
      'metadata:',
      '  name: w1',
      'spec:',
      '  tier: bronze',
      '  parts: [a, 3]',
      '  colour: red',
      '',
    ].join('\n');
    const [doc] = parseYamlDocuments(text, { file: 'widgets.yaml' });
    const errors = errorsOf(validator.validate(doc!.value, { file: 'widgets.yaml', yamlText: text, documentLine: doc!.line }));
    const byPath = Object.fromEntries(errors.map((e) => [e.path, [e.rule, e.line]]));
    expect(byPath).toEqual({
      'spec.colour': ['unknown-field', 8],
      'spec.owner': ['required', 5],
      'spec.tier': ['enum', 6],
      'spec.parts[1]': ['type', 7],
    });
    expect(errors.find((e) => e.path === 'spec.tier')!.message).toContain('widgets.yaml:6');
    expect(validator.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2' }, spec: { owner: 'team-a', tier: 'gold' } }).ok).toBe(true);
    expect(errorsOf(validator.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w3' } })).map((e) => `${e.path} ${e.rule}`)).toEqual(['spec required']);
  });

  test('malformed definitions are refused with the path of each problem', () => {
    expect(problems({ kind: 'Not A Kind', apiVersions: [], schema: 'x', surprise: 1 }).map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['spec.kind custom', 'spec.apiVersions min', 'spec.schema type', 'spec.surprise unknown-field']),
    );
    expect(problems({ ...widgetSpec, relations: [{ field: 'owner', outgoing: 'owned by', incoming: 'ownerOf' }] })[0]).toMatch(/^spec\.relations\[0\]\.outgoing/);
    expect(problems({ ...widgetSpec, schema: { type: 'object', properties: { a: { type: 'strin' } } } })[0]).toMatch(/^spec\.schema kind-schema: .*is not a valid JSON Schema/);
    expect(problems({ ...widgetSpec, schema: { type: 'object', frobnicate: true } })[0]).toMatch(/unknown keyword/);
    expect(problems({ ...widgetSpec, schema: { type: 'string', format: 'email' } })[0]).toMatch(/unknown format/);
  });

  test('a built-in kind, or a kind the host reserves, cannot be redefined', () => {
    expect(problems({ ...widgetSpec, kind: 'Component' })).toEqual(['spec.kind reserved-kind: kinddefinition:default/widget: spec.kind Component is a built-in kind and cannot be redefined [reserved-kind]']);
    expect(problems({ ...widgetSpec, kind: 'component' })[0]).toMatch(/reserved-kind/);
    expect(problems({ ...widgetSpec, kind: 'KindDefinition' })[0]).toMatch(/reserved-kind/);
    const hostValidator = createEntityValidator({ kinds: [...builtinKinds, createKindDefinitionKind({ reservedKinds: ['Component', 'Widget'] })] });
    expect(errorsOf(hostValidator.validate(definition(widgetSpec)))[0]!.rule).toBe('reserved-kind');
  });

  test('remote references, ids and other drafts are refused', () => {
    expect(problems({ ...widgetSpec, schema: { $ref: 'https://example.com/s.json' } })[0]).toMatch(/^spec\.schema\.\$ref kind-schema: .*remote references are not loaded/);
    expect(problems({ ...widgetSpec, schema: { $id: 'https://example.com/s.json', type: 'object' } })[0]).toMatch(/\$id is not allowed/);
    expect(problems({ ...widgetSpec, schema: { $schema: 'https://json-schema.org/draft/2020-12/schema' } })[0]).toMatch(/draft-07/);
  });

  test('catastrophic patterns and back-references are refused; linear ones pass', () => {
    for (const pattern of ['^(a+)+$', '^(a|aa)+$', '^(\\w*)*x', '(a|b+){2,}', '(x)\\1', '^(a|a)*$', '^(aa|a)*$', '^(\\w|\\d)+$', '^((a|a))*$']) {
      expect(problems({ ...widgetSpec, schema: { type: 'string', pattern } })[0], pattern).toMatch(/^spec\.schema\.pattern kind-schema: .*pattern .*exponential/);
    }
    expect(problems({ ...widgetSpec, schema: { type: 'object', patternProperties: { '^(a+)+$': {} } } })[0]).toMatch(/exponential/);
    expect(problems({ ...widgetSpec, schema: { type: 'string', pattern: '(' } })[0]).toMatch(/not a valid regular expression/);
    for (const pattern of ['^[a-z]+(-[a-z]+)*$', '^v\\d+(\\.\\d+){0,2}$', '^(ab)?c+$']) {
      expect(definitionValidator.validate(definition({ ...widgetSpec, schema: { type: 'object', properties: { v: { type: 'string', pattern } } } })).ok, pattern).toBe(true);
    }
  });

  test('a recursive schema works when it recurses with the data; a $ref cycle without data is refused', () => {
    const tree = {
      type: 'object',
      definitions: { node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/definitions/node' } } } } },
      properties: { root: { $ref: '#/definitions/node' } },
    };
    const declared = declaredKindOf(definition({ ...widgetSpec, schema: tree, relations: [] }));
    const validator = createEntityValidator({ kinds: [declared.definition] });
    const entity = (root: unknown) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { root } });
    expect(validator.validate(entity({ children: [{ children: [{}] }] })).ok).toBe(true);
    expect(errorsOf(validator.validate(entity({ children: [{ children: [7] }] })))[0]!.path).toBe('spec.root.children[0].children[0]');
    expect(problems({ ...widgetSpec, schema: { $ref: '#' } })[0]).toMatch(/\$ref cycle|can't resolve reference/);
    expect(problems({ ...widgetSpec, schema: { definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } }, $ref: '#/definitions/a' } })[0]).toMatch(/\$ref cycle/);
  });

  test('huge and deep schemas are refused with one message, not one per node', () => {
    const properties = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`p${i}`, { type: 'string', description: 'x'.repeat(20) }]));
    const huge = problems({ ...widgetSpec, schema: { type: 'object', properties } });
    expect(huge).toHaveLength(1);
    expect(huge[0]).toMatch(/bytes as JSON, more than the 65536 allowed/);
    const many = problems({ ...widgetSpec, schema: { type: 'object', properties: Object.fromEntries(Array.from({ length: 5100 }, (_, i) => [`p${i}`, {}])) } });
    expect(many).toEqual([expect.stringMatching(/more than 5000 nodes/)]);
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { a: deep } };
    expect(problems({ ...widgetSpec, schema: deep })).toEqual([expect.stringMatching(/nests deeper than 32 levels/)]);
  });
});
