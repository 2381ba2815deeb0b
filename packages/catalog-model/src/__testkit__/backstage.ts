import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  entityKindSchemaValidator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import type { Entity as BackstageEntity } from '@backstage/catalog-model';

/*
 * Backstage's own ingestion checks, assembled like catalog-backend does: the default entity
 * policies (CatalogBuilder) followed by the kind validators (BuiltinKindsEntityProcessor, plus
 * the scaffolder module's Template validator). Used as the oracle by compatibility tests and the
 * benchmark baseline. Test/bench support only; not part of the package.
 */

// The Template kind lives in @backstage/plugin-scaffolder-common, which is not installed; this
// transcribes the constraints of its Template.v1beta3.schema.json that decide accept/reject.
const stringOrBoolean = { type: ['string', 'boolean'] };
const permissions = { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } } } };
const parameterForm = { type: 'object', properties: { 'backstage:permissions': permissions } };
export const backstageTemplateSchema = {
  $schema: 'http://json-schema.org/draft-07/schema',
  $id: 'TemplateV1beta3',
  allOf: [
    { $ref: 'Entity' },
    {
      type: 'object',
      required: ['spec'],
      properties: {
        apiVersion: { enum: ['scaffolder.backstage.io/v1beta3'] },
        kind: { enum: ['Template'] },
        spec: {
          type: 'object',
          required: ['type', 'steps'],
          properties: {
            type: { type: 'string', minLength: 1 },
            owner: { type: 'string', minLength: 1 },
            lifecycle: { type: 'string', minLength: 1 },
            parameters: { oneOf: [parameterForm, { type: 'array', items: parameterForm }] },
            secrets: { type: 'object', properties: { schema: { type: 'object' } } },
            presentation: {
              type: 'object',
              properties: {
                buttonLabels: {
                  type: 'object',
                  properties: {
                    backButtonText: { type: 'string' },
                    createButtonText: { type: 'string' },
                    reviewButtonText: { type: 'string' },
                  },
                },
              },
            },
            EXPERIMENTAL_recovery: { type: 'object', properties: { EXPERIMENTAL_strategy: { type: 'string' } } },
            EXPERIMENTAL_formDecorators: {
              type: 'array',
              items: { type: 'object', properties: { id: { type: 'string' }, input: { type: 'object' } } },
            },
            steps: {
              type: 'array',
              items: {
                type: 'object',
                required: ['action'],
                properties: {
                  id: { type: 'string' },
                  name: { type: 'string' },
                  action: { type: 'string' },
                  input: { type: 'object' },
                  if: stringOrBoolean,
                  'backstage:permissions': permissions,
                },
              },
            },
            output: {
              type: 'object',
              properties: {
                links: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      if: stringOrBoolean,
                      url: { type: 'string', minLength: 1 },
                      entityRef: { type: 'string', minLength: 1 },
                      title: { type: 'string', minLength: 1 },
                      icon: { type: 'string', minLength: 1 },
                    },
                  },
                },
                text: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      if: stringOrBoolean,
                      title: { type: 'string', minLength: 1 },
                      icon: { type: 'string', minLength: 1 },
                      content: { type: 'string' },
                    },
                  },
                },
              },
              additionalProperties: { type: 'string' },
            },
          },
        },
      },
    },
  ],
};

const templateValidator = entityKindSchemaValidator(backstageTemplateSchema);

const kindValidators: Array<{ check(entity: BackstageEntity): Promise<boolean> }> = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  { check: async (entity) => templateValidator(entity) === entity },
];

/** Backstage's default policies, in CatalogBuilder's order. */
export function createBackstagePolicies() {
  return EntityPolicies.allOf([
    new SchemaValidEntityPolicy(),
    new DefaultNamespaceEntityPolicy(),
    new NoForeignRootFieldsEntityPolicy(),
    new FieldFormatEntityPolicy(),
  ]);
}

/** Whether Backstage's catalog would accept the entity; `reason` names the first failure. */
export function createBackstageValidator(): (entity: unknown) => Promise<{ ok: boolean; reason?: string }> {
  const policies = createBackstagePolicies();
  return async (input) => {
    try {
      const entity = await policies.enforce(input as BackstageEntity);
      if (!entity) return { ok: false, reason: 'policy returned nothing' };
      for (const validator of kindValidators) {
        if (await validator.check(entity)) return { ok: true };
      }
      return { ok: false, reason: 'no kind validator recognized the entity' };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  };
}
