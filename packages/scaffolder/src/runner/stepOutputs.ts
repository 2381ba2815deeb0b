import type { JsonValue, ScaffolderAction, TemplateStep } from '../types.js';
import { markSecret } from '../render/taint.js';
import { markStrict } from '../render/strict-lookup.js';
import { createStepTable, outputKeyProblem, stepFieldProblem, stepIdProblem } from '../template/step-references.js';

/** `steps` as templates of a running task see it: the outputs of the steps that ran. */
export interface StepOutputs {
  /** The `steps` context value; strict, so a misspelt reference fails (see strict-lookup.ts). */
  readonly steps: Record<string, { output: Record<string, JsonValue> }>;
  /** The step now rendering (its index); the template's `output` renders at `steps.length`. */
  at(index: number): void;
  /** Record a step's output; `secret`: it holds a secret, so whatever reads it is redacted. */
  record(stepId: string, output: Record<string, JsonValue>, secret: boolean): void;
}

/**
 * The `steps` context of one run. Reading a step id that is not in the template, or that runs at
 * or after the step rendering, fails with the template check's wording; so does reading an output
 * key the step's action does not declare (when it declares its outputs). A step skipped by its
 * `if` has no entry and reads as empty, as in Backstage.
 */
export function createStepOutputs(steps: readonly TemplateStep[], actions: ReadonlyMap<string, ScaffolderAction>): StepOutputs {
  const table = createStepTable(steps, actions);
  let current = 0;
  const outputs = markStrict({} as Record<string, { output: Record<string, JsonValue> }>, (key) => stepIdProblem(table, key, current)?.message);
  return {
    steps: outputs,
    at(index) {
      current = index;
    },
    record(stepId, output, secret) {
      markStrict(output, (key) => outputKeyProblem(table, stepId, key)?.message);
      const entry = markStrict({ output }, (field) => stepFieldProblem(stepId, field)?.message);
      outputs[stepId] = secret ? markSecret(entry) : entry;
    },
  };
}
