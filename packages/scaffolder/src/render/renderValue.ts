import nunjucks from 'nunjucks';
import { InputError } from '@portalkit/core';
import type { Templater } from './templater.js';
import { childPath } from '../template/template-problem.js';

interface ParsedRoot {
  children: Array<{ children?: unknown[] }>;
}
const internals = nunjucks as unknown as {
  parser: { parse(src: string, extensions: unknown[], opts: object): ParsedRoot };
  nodes: { TemplateData: new (...args: unknown[]) => unknown };
};

/**
 * True when `input` is exactly one `${{ expression }}` and nothing else — Backstage then
 * keeps the expression's JSON type instead of producing a string.
 */
export function isSingleTemplateString(input: string): boolean {
  if (!input.includes('${{')) return false;
  try {
    const parsed = internals.parser.parse(input, [], {
      autoescape: false,
      tags: { variableStart: '${{', variableEnd: '}}' },
    });
    return parsed.children.length === 1 && !(parsed.children[0]?.children?.[0] instanceof internals.nodes.TemplateData);
  } catch {
    return false;
  }
}

/**
 * Render every string inside a JSON value, as Backstage's workflow runner does:
 * a string that is exactly `${{ expr }}` yields the expression's JSON value (number, object, ...),
 * other strings render to strings, and anything rendering to `''` is dropped (`undefined`).
 * With `where` (`steps[2] (id: publish).input`), a failing render is an `InputError` naming the
 * string's place: `steps[2] (id: publish).input.repoUrl: ...`.
 *
 * @example
 * ```ts
 * renderValue({ n: '${{ parameters.n }}', s: 'x-${{ parameters.n }}' }, { parameters: { n: 2 } }, render);
 * // { n: 2, s: 'x-2' }
 * ```
 */
export function renderValue<T>(input: T, context: Record<string, unknown>, render: Templater, where?: string): T {
  return renderValueTracked(input, context, render, where).value;
}

/**
 * {@link renderValue}, also returning every scalar (as text) whose render read a secret, so
 * the caller can redact them whole whatever their length.
 *
 * @example
 * ```ts
 * const { value, secretValues } = renderValueTracked({ m: '${{ secrets.token[0] }}' }, { secrets: markSecret({ token: 'xyz' }) }, render);
 * secretValues; // ['x']
 * ```
 */
export function renderValueTracked<T>(input: T, context: Record<string, unknown>, render: Templater, where?: string): { value: T; secretValues: string[] } {
  const secretValues: string[] = [];
  if (input === undefined) return { value: input, secretValues };
  const renderString = (raw: string, location: string | undefined): unknown => {
    try {
      return renderOne(raw, context, render, secretValues);
    } catch (error) {
      if (location === undefined || !(error instanceof InputError)) throw error;
      throw new InputError(`${location}: ${error.message.replace(/^Template rendering failed: /, '')}`);
    }
  };
  const walk = (value: unknown, location: string | undefined): unknown => {
    if (typeof value === 'string') return renderString(value, location);
    if (Array.isArray(value)) return value.map((item, i) => walk(item, location === undefined ? undefined : childPath(location, i)));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const rendered = walk(child, location === undefined ? undefined : childPath(location, key));
      // Defined, not assigned: a `__proto__` key stays a key.
      if (rendered !== undefined) Object.defineProperty(out, key, { value: rendered, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return { value: walk(JSON.parse(JSON.stringify(input)), where) as T, secretValues };
}

function renderOne(raw: string, context: Record<string, unknown>, render: Templater, secretValues: string[]): unknown {
  if (isSingleTemplateString(raw)) {
    // Wrap in `dump` so the value comes back as JSON and keeps its type.
    const { text: dumped, secret } = render.tracked(raw.replace(/\$\{\{(.+)\}\}/s, '${{ ( $1 ) | dump }}'), context);
    if (dumped === '') return undefined;
    let parsed: unknown = dumped;
    try {
      parsed = JSON.parse(dumped) as unknown;
    } catch {
      // Not JSON: keep the text.
    }
    if (secret) collectScalars(parsed, secretValues);
    return parsed;
  }
  const { text, secret } = render.tracked(raw, context);
  if (secret && text) secretValues.push(text);
  return text === '' ? undefined : text;
}

/** Every string, number and boolean below `value`, as text, and the keys of its objects. */
export function collectScalars(value: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') {
    if (value) out.push(value);
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    out.push(String(value));
  } else if (value && typeof value === 'object' && depth <= 64) {
    // An object computed from a secret may carry it in its keys (`{ [token]: 1 }` via a filter).
    if (!Array.isArray(value)) out.push(...Object.keys(value).filter(Boolean));
    for (const child of Object.values(value)) collectScalars(child, out, depth + 1);
  }
  return out;
}

/**
 * Backstage's truthiness for `if:` — false for `false`, `undefined`, `null`, `''`, `0`, `[]`.
 * Note the string `'false'` is truthy, as in Backstage.
 * @example
 * ```ts
 * isTruthy([]); // false
 * ```
 */
export function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}
