import { z } from 'zod';
import type { Entity } from '../types.js';
import { jsonObject, nonEmpty } from './common.js';
import { defineKind } from './defineKind.js';

/*
 * Transcribed from @backstage/plugin-scaffolder-common's `Template.v1beta3.schema.json`: only
 * `type` and `steps` are required; every step needs an `action`.
 */

const permissionsSchema = z.looseObject({ tags: z.array(z.string()).optional() });
const conditionSchema = z.union([z.string(), z.boolean()]);

const parameterFormSchema = z.looseObject({ 'backstage:permissions': permissionsSchema.optional() });

/**
 * One step of a template: the action to run and its templated input.
 * @example
 * ```ts
 * templateStepSchema.parse({ id: 'fetch', action: 'fetch:template', input: { url: './skeleton' } });
 * ```
 */
export const templateStepSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  action: z.string(),
  input: jsonObject.optional(),
  if: conditionSchema.optional(),
  // Not in Backstage's JSON schema (unknown keys pass), listed for the inferred type.
  each: z.unknown().optional(),
  'backstage:permissions': permissionsSchema.optional(),
});

const outputSchema = z
  .object({
    links: z
      .array(
        z.looseObject({
          if: conditionSchema.optional(),
          url: nonEmpty.optional(),
          entityRef: nonEmpty.optional(),
          title: nonEmpty.optional(),
          icon: nonEmpty.optional(),
        }),
      )
      .optional(),
    text: z
      .array(
        z.looseObject({
          if: conditionSchema.optional(),
          title: nonEmpty.optional(),
          icon: nonEmpty.optional(),
          content: z.string().optional(),
        }),
      )
      .optional(),
  })
  // Backstage: any other output key must be a (templated) string.
  .catchall(z.string());

/**
 * `spec` of a Template (`scaffolder.backstage.io/v1beta3`).
 * @example
 * ```ts
 * templateSpecSchema.parse({ type: 'service', steps: [{ action: 'debug:log', input: { message: 'hi' } }] });
 * ```
 */
export const templateSpecSchema = z.looseObject({
  type: nonEmpty,
  owner: nonEmpty.optional(),
  lifecycle: nonEmpty.optional(),
  parameters: z.union([parameterFormSchema, z.array(parameterFormSchema)]).optional(),
  secrets: z.looseObject({ schema: jsonObject.optional() }).optional(),
  presentation: z
    .looseObject({
      buttonLabels: z
        .looseObject({
          backButtonText: z.string().optional(),
          createButtonText: z.string().optional(),
          reviewButtonText: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  EXPERIMENTAL_recovery: z.looseObject({ EXPERIMENTAL_strategy: z.string().optional() }).optional(),
  EXPERIMENTAL_formDecorators: z
    .array(z.looseObject({ id: z.string().optional(), input: jsonObject.optional() }))
    .optional(),
  steps: z.array(templateStepSchema),
  output: outputSchema.optional(),
});

/**
 * A Template entity (scaffolder v1beta3).
 * @example
 * ```ts
 * const t: TemplateEntity = { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'svc' }, spec: { type: 'service', steps: [] } };
 * ```
 */
export type TemplateEntity = Entity & { kind: 'Template'; spec: z.infer<typeof templateSpecSchema> };

/**
 * The built-in Template kind (`scaffolder.backstage.io/v1beta3`).
 * @example
 * ```ts
 * createEntityValidator({ kinds: [templateKind] });
 * ```
 */
export const templateKind = defineKind({
  kind: 'Template',
  apiVersions: ['scaffolder.backstage.io/v1beta3'],
  schema: templateSpecSchema,
  description: 'A software template: parameters to collect and steps to run with the scaffolder.',
});
