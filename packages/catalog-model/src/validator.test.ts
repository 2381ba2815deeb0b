import { InputError, parseYamlDocuments } from '@portalkit/core';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { builtinKinds, createEntityValidator, defineKind } from './index.js';
import type { Entity, EntityValidationError, ValidationResult } from './index.js';

const component = (spec: Record<string, unknown> = { type: 'service', lifecycle: 'production', owner: 'team-a' }) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'petstore' },
  spec,
});

function errorsOf(result: ValidationResult): EntityValidationError[] {
  if (result.ok) throw new Error('expected the entity to be rejected');
  return result.errors;
}

function summary(result: ValidationResult): string[] {
  return errorsOf(result).map((e) => `${e.path} ${e.rule}`);
}

describe('createEntityValidator', () => {
  const validator = createEntityValidator();

  test('accepts a valid entity and defaults its namespace without mutating the input', () => {
    const input = component();
    const result = validator.validate(input);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.entity.metadata.namespace).toBe('default');
    expect(input.metadata).toEqual({ name: 'petstore' });
  });

  test('collects every error of an entity with path, rule and ref', () => {
    const result = validator.validate({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'Pet Store',
        namespace: 'Team_A',
        tags: ['java', 'Bad Tag'],
        labels: { 'a/b/c': 'x', ok: 'not ok' },
        annotations: { 'backstage.io/x': 5 },
        links: [{ url: 'not a url', title: '  ' }],
      },
      spec: { type: 'service', providesApis: ['a', ''] },
      status: {},
    });
    expect(summary(result)).toEqual([
      'status unknown-field',
      'metadata.name name-format',
      'metadata.namespace namespace-format',
      'metadata.labels["a/b/c"] label-key-format',
      'metadata.labels.ok label-value-format',
      'metadata.annotations["backstage.io/x"] type',
      'metadata.tags[1] tag-format',
      'metadata.links[0].url url-format',
      'metadata.links[0].title non-empty',
      'spec.lifecycle required',
      'spec.owner required',
      'spec.providesApis[1] non-empty',
    ]);
    const [first] = errorsOf(result);
    expect(first!.ref).toBe('component:team_a/pet store');
    expect(first!.message).toContain('component:team_a/pet store');
    expect(first!.message).toContain('[unknown-field]');
  });

  test('names the expectation and the bad value in format errors', () => {
    const [error] = errorsOf(validator.validate({ ...component(), metadata: { name: 'a b' } }));
    expect(error).toMatchObject({ path: 'metadata.name', rule: 'name-format', ref: 'component:default/a b' });
    expect(error!.message).toBe(
      'component:default/a b: metadata.name "a b" is not valid, expected a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total [name-format]',
    );
  });

  test('reports missing and mistyped envelope fields', () => {
    expect(summary(validator.validate({ kind: 5, metadata: [] }))).toEqual([
      'apiVersion required',
      'kind type',
      'metadata type',
    ]);
    expect(summary(validator.validate('nope'))).toEqual([' type']);
    expect(errorsOf(validator.validate(null))[0]!.message).toBe('<entity> entity must be an object, got null [type]');
    expect(summary(validator.validate({ ...component(), spec: [] }))).toEqual(['spec type']);
    expect(summary(validator.validate({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' } }))).toEqual([
      'spec required',
    ]);
  });

  test('rejects unknown kinds and unsupported apiVersions unless allowed', () => {
    expect(summary(validator.validate({ ...component(), kind: 'Widget' }))).toEqual(['kind unknown-kind']);
    expect(summary(validator.validate({ ...component(), kind: 'component' }))).toEqual(['kind unknown-kind']);
    const [error] = errorsOf(validator.validate({ ...component(), apiVersion: 'backstage.io/v2' }));
    expect(error).toMatchObject({ path: 'apiVersion', rule: 'unknown-api-version' });
    expect(error!.message).toContain('backstage.io/v1alpha1, backstage.io/v1beta1');
    const lenient = createEntityValidator({ allowUnknownKinds: true });
    expect(lenient.validate({ ...component(), kind: 'Widget', spec: { anything: 1 } }).ok).toBe(true);
    // Envelope rules still apply to unknown kinds.
    expect(summary(lenient.validate({ ...component(), kind: 'Widget', metadata: { name: '' } }))).toEqual([
      'metadata.name name-format',
    ]);
  });

  test('validates templates with the scaffolder v1beta3 rules', () => {
    const template = {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'service' },
      spec: {
        type: 'service',
        parameters: [{ properties: { name: { type: 'string' } } }],
        steps: [{ id: 'fetch', action: 'fetch:template', input: { url: './skeleton' }, if: true, each: ['a'] }],
        output: { links: [{ title: 'Repo', url: '${{ steps.publish.output.remoteUrl }}' }], extra: 'text' },
      },
    };
    expect(validator.validate(template).ok).toBe(true);
    expect(summary(validator.validate({ ...template, spec: { type: 'x', parameters: 'p', steps: [{ input: [] }], output: { n: 1 } } }))).toEqual([
      'spec.parameters type',
      'spec.steps[0].action required',
      'spec.steps[0].input type',
      'spec.output.n type',
    ]);
    expect(summary(validator.validate({ ...template, apiVersion: 'backstage.io/v1alpha1' }))).toEqual(['apiVersion unknown-api-version']);
  });

  test('checks relations and status only when rootFields allows them', () => {
    const stitched = createEntityValidator({ rootFields: ['apiVersion', 'kind', 'metadata', 'spec', 'relations', 'status'] });
    const entity = {
      ...component(),
      relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
      status: { items: [{ type: 'x', level: 'error', message: 'm' }] },
    };
    expect(stitched.validate(entity).ok).toBe(true);
    expect(summary(validator.validate(entity))).toEqual(['relations unknown-field', 'status unknown-field']);
    expect(
      summary(stitched.validate({ ...entity, relations: [{ type: 'owned by', targetRef: '' }], status: { items: [{ type: 'x', level: 'fatal', message: 'm' }] } })),
    ).toEqual(['relations[0].type format', 'relations[0].targetRef non-empty', 'status.items[0].level enum']);
  });

  test('accepts field validator overrides like Backstage makeValidator', () => {
    const relaxed = createEntityValidator({ fieldValidators: { isValidTag: (v) => typeof v === 'string' } });
    const entity = { ...component(), metadata: { name: 'x', tags: ['Any Tag'] } };
    expect(validator.validate(entity).ok).toBe(false);
    expect(relaxed.validate(entity).ok).toBe(true);
  });
});

describe('YAML locations', () => {
  const file = 'catalog-info.yaml';
  const text = [
    'apiVersion: backstage.io/v1alpha1', // 1
    'kind: Component', //                  2
    'metadata:', //                        3
    '  name: petstore', //                 4
    '---', //                              5
    'apiVersion: backstage.io/v1alpha1', // 6
    'kind: Component', //                  7
    'metadata:', //                        8
    '  name: Bad Name!', //                9
    '  tags:', //                          10
    '    - ok', //                         11
    '    - Not-OK', //                     12
    'spec:', //                            13
    '  type: service', //                  14
    '  providesApis:', //                  15
    '    - ""', //                         16
    '', //                                 17
  ].join('\n');

  test('names file:line for every error, on the field or its parent when missing', () => {
    const validator = createEntityValidator();
    const docs = parseYamlDocuments(text, { file });
    expect(docs.map((d) => d.line)).toEqual([1, 6]);
    const [first, second] = docs.map((doc) => validator.validate(doc.value, { file, yamlText: text, documentLine: doc.line }));
    expect(errorsOf(first!).map((e) => [e.path, e.rule, e.line])).toEqual([['spec', 'required', 1]]);
    const errors = errorsOf(second!);
    expect(errors.map((e) => [e.path, e.rule, e.line])).toEqual([
      ['metadata.name', 'name-format', 9],
      ['metadata.tags[1]', 'tag-format', 12],
      ['spec.lifecycle', 'required', 13],
      ['spec.owner', 'required', 13],
      ['spec.providesApis[0]', 'non-empty', 16],
    ]);
    expect(errors[0]).toMatchObject({ file, ref: 'component:default/bad name!' });
    expect(errors[0]!.message.startsWith('catalog-info.yaml:9: component:default/bad name!: metadata.name ')).toBe(true);
  });

  test('falls back to the document line, or to the file alone', () => {
    const validator = createEntityValidator();
    const [error] = errorsOf(validator.validate({ ...component(), kind: 'Widget' }, { file, documentLine: 6 }));
    expect(error).toMatchObject({ file, line: 6 });
    const [bare] = errorsOf(validator.validate({ ...component(), kind: 'Widget' }, { file }));
    expect(bare!.line).toBeUndefined();
    expect(bare!.message.startsWith('catalog-info.yaml: widget:default/petstore: kind ')).toBe(true);
  });
});

describe('custom kinds', () => {
  const widgetKind = defineKind({
    kind: 'Widget',
    apiVersions: ['example.com/v1'],
    schema: z.looseObject({ owner: z.string().min(1), size: z.number().int().positive() }),
  });
  const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { owner: 'me', size: 3 } };

  test('are accepted when registered, alongside the built-ins', () => {
    const validator = createEntityValidator({ kinds: [...builtinKinds, widgetKind] });
    expect(validator.validate(widget).ok).toBe(true);
    expect(validator.validate(component()).ok).toBe(true);
    expect(summary(validator.validate({ ...widget, spec: { owner: 'me', size: -1 } }))).toEqual(['spec.size min']);
    expect(summary(createEntityValidator().validate(widget))).toEqual(['kind unknown-kind']);
  });

  test('can validate the whole entity and report custom rules', () => {
    const gadgetKind = defineKind({
      kind: 'Gadget',
      apiVersions: ['example.com/v1'],
      schemaTarget: 'entity',
      schema: z
        .looseObject({ metadata: z.looseObject({ title: z.string() }) })
        .refine((e) => e.metadata.title.startsWith('G'), { message: 'title must start with G', params: { rule: 'gadget-title' }, path: ['metadata', 'title'] }),
    });
    const validator = createEntityValidator({ kinds: [gadgetKind] });
    const gadget = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', title: 'Gizmo' } };
    expect(validator.validate(gadget).ok).toBe(true);
    expect(summary(validator.validate({ ...gadget, metadata: { name: 'g' } }))).toEqual(['metadata.title required']);
    const [error] = errorsOf(validator.validate({ ...gadget, metadata: { name: 'g', title: 'Thing' } }));
    expect(error).toMatchObject({ path: 'metadata.title', rule: 'gadget-title' });
    expect(error!.message).toContain('title must start with G');
  });

  test('misuse is rejected at creation with the kind named', () => {
    const schema = z.looseObject({});
    expect(() => defineKind({ kind: 'bad kind', apiVersions: ['a/v1'], schema })).toThrow(InputError);
    expect(() => defineKind({ kind: 'Ok', apiVersions: [], schema })).toThrow(/kind definition "Ok": apiVersions/);
    expect(() => defineKind({ kind: 'Ok', apiVersions: ['a/b/c'], schema })).toThrow(/apiVersion "a\/b\/c"/);
    expect(() => createEntityValidator({ kinds: [widgetKind, widgetKind] })).toThrow(/defined twice/);
    expect(() => createEntityValidator({ defaultNamespace: 'Not Valid' })).toThrow(InputError);
  });
});

describe('policies', () => {
  const requireDescription = {
    name: 'require-description',
    path: 'metadata.description',
    enforce(entity: Entity) {
      if (!entity.metadata.description) throw new InputError('metadata.description is required by policy');
      return entity;
    },
  };

  test('run after the built-in checks and report their rule and path', () => {
    const validator = createEntityValidator({ policies: [requireDescription] });
    const [error] = errorsOf(validator.validate(component()));
    expect(error).toMatchObject({ path: 'metadata.description', rule: 'policy:require-description' });
    expect(error!.message).toContain('metadata.description is required by policy');
    // A policy never sees an entity that failed the built-in checks.
    expect(summary(validator.validate({ ...component(), metadata: { name: '' } }))).toEqual(['metadata.name name-format']);
  });

  test('may transform the entity', () => {
    const validator = createEntityValidator({
      policies: [{ enforce: (e: Entity) => ({ ...e, metadata: { ...e.metadata, title: 'Set' } }) }],
    });
    const result = validator.validate(component());
    expect(result.ok && result.entity.metadata.title).toBe('Set');
  });

  test('asynchronous policies need validateAsync', async () => {
    const asyncPolicy = { name: 'remote', enforce: async (e: Entity) => (e.metadata.name === 'petstore' ? e : undefined) };
    const rejecting = { name: 'remote-no', enforce: async () => Promise.reject(new InputError('denied')) };
    const validator = createEntityValidator({ policies: [asyncPolicy] });
    expect(summary(validator.validate(component()))).toEqual([' policy:remote']);
    expect((await validator.validateAsync(component())).ok).toBe(true);
    const denied = await createEntityValidator({ policies: [rejecting] }).validateAsync(component());
    expect(errorsOf(denied)[0]!.message).toContain('denied');
  });
});
