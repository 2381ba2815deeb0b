import nunjucks from 'nunjucks';
import type { JsonValue, TemplateEntity } from '../types.js';
import { defaultFilters } from '../render/filters.js';
import { didYouMean } from './did-you-mean.js';
import { unknownInputKeys } from './input-keys.js';
import { type ActionSchemaSource, type ReferenceProblem, type StepTable, createStepTable, outputKeyProblem, stepFieldProblem, stepIdProblem } from './step-references.js';
import { readExpressions } from './template-expressions.js';
import { type TemplateProblem, TemplateProblemsError, childPath, stepLocation } from './template-problem.js';

/**
 * Options of {@link checkTemplate}.
 *
 * @example
 * ```ts
 * const options: CheckTemplateOptions = { actions: [...builtinActions(), notify], filters: ['shout'] };
 * ```
 */
export interface CheckTemplateOptions {
  /**
   * The actions templates may use: `ScaffolderAction`s (`builtinActions()`, your own) or their
   * descriptions (`scaffolder.listActions()`, `GET /v2/actions`).
   */
  actions: Iterable<ActionSchemaSource>;
  /** Names of the filters the scaffolder adds (`createScaffolder({ filters })`), beyond nunjucks' and {@link defaultFilters}. */
  filters?: Iterable<string>;
}

// nunjucks' own filters; the renderer adds the scaffolder's beside them.
const nunjucksFilters: readonly string[] = Object.keys((new nunjucks.Environment() as unknown as { filters: object }).filters);

/** Where a string sits: how authors read it, and its path in the entity. */
interface Place {
  location: string;
  path: string;
}

function eachString(value: JsonValue | undefined, place: Place, visit: (text: string, place: Place) => void): void {
  if (typeof value === 'string') visit(value, place);
  else if (Array.isArray(value)) value.forEach((v, i) => eachString(v, { location: childPath(place.location, i), path: childPath(place.path, i) }, visit));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) eachString(v, { location: childPath(place.location, k), path: childPath(place.path, k) }, visit);
  }
}

/** The problem of one literal `steps` path read before step `before`, if any. */
export function referenceProblem(table: StepTable, path: readonly string[], before: number): ReferenceProblem | undefined {
  const [id, field, key] = path;
  if (id === undefined) return undefined;
  return (
    stepIdProblem(table, id, before) ??
    (field !== undefined ? stepFieldProblem(id, field) : undefined) ??
    (key !== undefined ? outputKeyProblem(table, id, key) : undefined)
  );
}

/**
 * Check a parsed template against the actions and filters it will run with, without running it:
 * every step's action id is registered; its input keys are ones the action's input schema
 * declares (where the schema is closed); every filter exists; every `steps.<id>.output.<key>`
 * names an earlier step and, when that step's action declares its outputs, one of them; every
 * expression parses. Near misses get "did you mean". Returns every problem, none thrown.
 *
 * @example
 * ```ts
 * const problems = checkTemplate(parseTemplate(yamlText), { actions: builtinActions() });
 * for (const p of problems) console.log(`${p.location}: ${p.message}`);
 * // steps[0] (id: fetch).action: action `fetch:templte` is not registered (did you mean `fetch:template`?)
 * ```
 */
export function checkTemplate(template: TemplateEntity, options: CheckTemplateOptions): TemplateProblem[] {
  const actions = new Map<string, ActionSchemaSource>();
  for (const action of options.actions) actions.set(action.id, action);
  const filters = new Set([...nunjucksFilters, ...Object.keys(defaultFilters()), ...(options.filters ?? [])]);
  const steps = template.spec.steps;
  const table = createStepTable(steps, actions);
  const problems: TemplateProblem[] = [];
  // Looked up, not compared with every earlier problem: an untrusted template may have 100,000.
  const seen = new Set<string>();
  const add = (problem: TemplateProblem) => {
    const key = `${problem.location}\0${problem.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push(problem);
  };
  const checkStrings = (value: JsonValue | undefined, place: Place, before: number) =>
    eachString(value, place, (text, at) => {
      const found = readExpressions(text);
      if (found.syntaxError) add({ ...at, rule: 'template-syntax', message: found.syntaxError });
      for (const name of found.filters) {
        if (!filters.has(name)) add({ ...at, rule: 'unknown-filter', message: `unknown filter \`${name}\`${didYouMean(name, filters)}` });
      }
      for (const path of found.stepReferences) {
        const problem = referenceProblem(table, path, before);
        if (problem) add({ ...at, ...problem });
      }
    });

  steps.forEach((step, index) => {
    const location = stepLocation(index, step.id);
    const path = `spec.steps[${index}]`;
    const action = actions.get(step.action);
    if (!action) {
      add({ location: `${location}.action`, path: `${path}.action`, rule: 'unknown-action', message: unknownActionMessage(step.action, actions.keys()) });
    } else if (step.input) {
      for (const unknown of unknownInputKeys(action.id, action.schema?.input, step.input)) {
        add({ location: `${location}.input${unknown.path}`, path: `${path}.input${unknown.path}`, rule: 'unknown-input', message: unknown.message });
      }
    }
    if (typeof step.if === 'string') checkStrings(step.if, { location: `${location}.if`, path: `${path}.if` }, index);
    if (step.each !== undefined) checkStrings(step.each, { location: `${location}.each`, path: `${path}.each` }, index);
    checkStrings(step.input, { location: `${location}.input`, path: `${path}.input` }, index);
  });
  checkStrings(template.spec.output, { location: 'output', path: 'spec.output' }, steps.length);
  return problems;
}

/** The message for an action id no action has; the same before and during a run. */
export function unknownActionMessage(id: string, known: Iterable<string>): string {
  return `action \`${id}\` is not registered${didYouMean(id, known)}`;
}

/**
 * Throw a {@link TemplateProblemsError} (an `InputError`, HTTP 400) listing every problem
 * {@link checkTemplate} finds, if any: what the scaffolder does before it stores a task or starts
 * a dry run.
 *
 * @example
 * ```ts
 * assertTemplateChecks(template, { actions: builtinActions() }); // throws on `fetch:templte`
 * ```
 */
export function assertTemplateChecks(template: TemplateEntity, options: CheckTemplateOptions): void {
  const problems = checkTemplate(template, options);
  if (problems.length) throw new TemplateProblemsError(`template:${template.metadata.namespace ?? 'default'}/${template.metadata.name}`, problems);
}
