import type { ActionSchemas, JsonObject } from '../types.js';
import { didYouMean } from './did-you-mean.js';
import type { TemplateProblemRule } from './template-problem.js';

/** What a template's steps offer to `${{ steps.<id>.output.<key> }}`. */
export interface StepTable {
  ids: readonly string[];
  indexOf: ReadonlyMap<string, number>;
  /** Action id per step id. */
  actionOf: ReadonlyMap<string, string>;
  /** Output keys per step id, when its action declares a closed set of them. */
  outputsOf: ReadonlyMap<string, readonly string[]>;
}

/**
 * An action as a template check needs it: its id and JSON Schemas. A `ScaffolderAction` is one,
 * and so is each entry of `scaffolder.listActions()` (`GET /v2/actions`).
 *
 * @example
 * ```ts
 * const remote: ActionSchemaSource[] = await (await fetch(`${portal}/api/scaffolder/v2/actions`)).json();
 * checkTemplate(template, { actions: remote });
 * ```
 */
export interface ActionSchemaSource {
  id: string;
  schema?: ActionSchemas;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The property names a JSON Schema object declares, or `undefined` when it accepts others too
 * (no `properties`, `additionalProperties` true or a schema, `patternProperties`). Branches of
 * `allOf`/`anyOf`/`oneOf` add theirs.
 */
export function declaredProperties(schema: unknown): string[] | undefined {
  if (!isObject(schema)) return undefined;
  const names = new Set<string>();
  let declares = false;
  const visit = (node: JsonObject): boolean => {
    const extra = node.additionalProperties;
    if (extra === true || isObject(extra) || node.patternProperties !== undefined) return false;
    if (isObject(node.properties)) {
      declares = true;
      for (const key of Object.keys(node.properties)) names.add(key);
    }
    for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
      const branches = node[keyword];
      if (Array.isArray(branches)) for (const branch of branches) if (isObject(branch) && !visit(branch)) return false;
    }
    return true;
  };
  return visit(schema) && declares ? [...names] : undefined;
}

/** The step table of a template's steps, given the actions they use (unknown actions: open outputs). */
export function createStepTable(steps: ReadonlyArray<{ id: string; action: string }>, actions: ReadonlyMap<string, ActionSchemaSource>): StepTable {
  const indexOf = new Map<string, number>();
  const actionOf = new Map<string, string>();
  const outputsOf = new Map<string, readonly string[]>();
  steps.forEach((step, index) => {
    if (!indexOf.has(step.id)) indexOf.set(step.id, index);
    actionOf.set(step.id, step.action);
    const declared = declaredProperties(actions.get(step.action)?.schema?.output);
    if (declared) outputsOf.set(step.id, declared);
  });
  return { ids: steps.map((s) => s.id), indexOf, actionOf, outputsOf };
}

/** A reference's problem: a rule and its message. */
export interface ReferenceProblem {
  rule: TemplateProblemRule;
  message: string;
}

/**
 * The problem of reading `steps.<id>` from a place that runs before step `before` (the index of
 * the step reading it; the template's `output` reads after every step), if any. The wording is
 * the same whether the template check or a run finds it.
 */
export function stepIdProblem(table: StepTable, id: string, before: number): ReferenceProblem | undefined {
  const index = table.indexOf.get(id);
  if (index === undefined) {
    return { rule: 'unknown-step', message: `\`steps.${id}\` is not a step of this template${didYouMean(id, table.ids)}` };
  }
  if (index === before) return { rule: 'later-step', message: `\`steps.${id}\` is this step itself: its output exists only after it ran` };
  if (index > before) {
    return { rule: 'later-step', message: `\`steps.${id}\` is steps[${index}], which runs after this one: its output does not exist yet` };
  }
  return undefined;
}

/** The problem of reading `steps.<id>.<field>`: a step has only `output`. */
export function stepFieldProblem(id: string, field: string): ReferenceProblem | undefined {
  if (field === 'output') return undefined;
  return { rule: 'unknown-output', message: `\`steps.${id}.${field}\`: a step has only \`output\`${didYouMean(field, ['output'])}` };
}

/** The problem of reading `steps.<id>.output.<key>` when the step's action declares its outputs. */
export function outputKeyProblem(table: StepTable, id: string, key: string): ReferenceProblem | undefined {
  const declared = table.outputsOf.get(id);
  if (!declared || declared.includes(key)) return undefined;
  const action = table.actionOf.get(id) ?? '?';
  const list = declared.length ? declared.map((k) => `\`${k}\``).join(', ') : 'none';
  return {
    rule: 'unknown-output',
    message: `\`steps.${id}.output.${key}\`: action ${action} has no output \`${key}\`${didYouMean(key, declared)} (it outputs ${list})`,
  };
}
