import { type CheckTemplateOptions, checkTemplate, parseTemplate } from '@portalkit/scaffolder';

/** One problem of a Template entity, before it is placed at a line. */
export interface TemplateEntityProblem {
  /** Path in the entity: `spec.steps[2].input.repoUrl`. */
  path: string;
  /** The scaffolder's rule (`unknown-action`, `unknown-input`, ...), or `template` for a template that does not parse. */
  rule: string;
  /** `steps[2] (id: publish).input.repoUrl: publish:git has no input ...`, as the scaffolder words it. */
  message: string;
}

/**
 * The problems the scaffolder would refuse a Template entity for when a task is created: action
 * ids the given actions do not have, input keys their schemas do not declare, unknown filters,
 * misspelt `steps.<id>.output.<key>` references (`checkTemplate` of `@portalkit/scaffolder`).
 *
 * @example
 * ```ts
 * templateEntityProblems(entity, { actions: builtinActions() });
 * // [{ path: 'spec.steps[0].action', rule: 'unknown-action', message: 'steps[0] (id: fetch).action: action `fetch:templte` is not registered (did you mean `fetch:template`?)' }]
 * ```
 */
export function templateEntityProblems(entity: unknown, options: CheckTemplateOptions): TemplateEntityProblem[] {
  let template: ReturnType<typeof parseTemplate>;
  try {
    template = parseTemplate(entity);
  } catch (error) {
    return [{ path: 'spec', rule: 'template', message: (error as Error).message.replace(/\s*\n\s*/g, ' ') }];
  }
  return checkTemplate(template, options).map((p) => ({ path: p.path, rule: p.rule, message: `${p.location}: ${p.message}` }));
}
