/**
 * Strict members. A template reading a member an object does not have renders empty — unless
 * the object is marked here with what its missing members mean: the workflow runner marks
 * `steps` (a step id that does not exist or has not run yet) and each step's `output` (a key its
 * action does not declare), so a misspelt reference fails the step, even one computed at run
 * time (`steps[name]`), instead of rendering nothing. Copies keep the mark, as taint marks do.
 */
const explainers = new WeakMap<object, (key: string) => string | undefined>();

/** Mark `value`: reading a member it lacks is the problem `explain(key)` names (`undefined`: fine). */
export function markStrict<T extends object>(value: T, explain: (key: string) => string | undefined): T {
  explainers.set(value, explain);
  return value;
}

/** The problem of reading the missing member `key` of `value`, when `value` is marked strict. */
export function missingMemberProblem(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const explain = explainers.get(value);
  if (!explain || Object.hasOwn(value, key)) return undefined;
  return explain(key);
}

/** Give `to` (a copy of `from`) the mark of `from`. */
export function copyStrictMark(from: object, to: object): void {
  const explain = explainers.get(from);
  if (explain) explainers.set(to, explain);
}
