import { InputError } from '@portalkit/core';

/**
 * Stable ids of the problems `checkTemplate` reports.
 *
 * @example
 * ```ts
 * const unknownActions = problems.filter((p) => p.rule === ('unknown-action' satisfies TemplateProblemRule));
 * ```
 */
export type TemplateProblemRule =
  | 'unknown-action'
  | 'unknown-input'
  | 'unknown-filter'
  | 'unknown-step'
  | 'later-step'
  | 'unknown-output'
  | 'template-syntax';

/**
 * One problem of a template, found before it runs (or, for what only a run can know, while it runs).
 *
 * @example
 * ```ts
 * const problem: TemplateProblem = {
 *   location: 'steps[2] (id: publish).input.repoUrl',
 *   path: 'spec.steps[2].input.repoUrl',
 *   rule: 'unknown-input',
 *   message: 'publish:git has no input `repoUrll` (did you mean `repoUrl`?)',
 * };
 * ```
 */
export interface TemplateProblem {
  /** Where, as a template author reads it: `steps[2] (id: publish).input.repoUrl`, `output.links[0].url`. */
  location: string;
  /** The same place as a path in the Template entity: `spec.steps[2].input.repoUrl`. */
  path: string;
  rule: TemplateProblemRule;
  message: string;
}

/**
 * A template's problems, every one at once, as one `InputError` (HTTP 400): its message lists
 * them one a line (`  - steps[2] (id: publish).input.repoUrl: ...`), and `problems` keeps them
 * for callers that show them another way.
 *
 * @example
 * ```ts
 * try {
 *   await scaffolder.run(template, { values });
 * } catch (error) {
 *   if (error instanceof TemplateProblemsError) for (const p of error.problems) console.log(p.location, p.message);
 * }
 * ```
 */
export class TemplateProblemsError extends InputError {
  readonly problems: readonly TemplateProblem[];

  constructor(templateRef: string, problems: readonly TemplateProblem[]) {
    super(`Invalid template ${templateRef}:\n${problems.map((p) => `  - ${p.location}: ${p.message}`).join('\n')}`);
    this.problems = problems;
  }
}

const identifier = /^[A-Za-z_$][\w$-]*$/;

/** `base.key`, or `base["odd key"]` for keys that are not plain names, or `base[3]`. */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return identifier.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/** `steps[2] (id: publish)`: how problems name a step. */
export function stepLocation(index: number, id: string): string {
  return `steps[${index}] (id: ${id})`;
}
