import nunjucks from 'nunjucks';
import type { Templater } from './templater.js';

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
 *
 * @example
 * ```ts
 * renderValue({ n: '${{ parameters.n }}', s: 'x-${{ parameters.n }}' }, { parameters: { n: 2 } }, render);
 * // { n: 2, s: 'x-2' }
 * ```
 */
export function renderValue<T>(input: T, context: Record<string, unknown>, render: Templater): T {
  if (input === undefined) return input;
  return JSON.parse(JSON.stringify(input), (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    if (isSingleTemplateString(value)) {
      // Wrap in `dump` so the value comes back as JSON and keeps its type.
      const dumped = render(value.replace(/\$\{\{(.+)\}\}/s, '${{ ( $1 ) | dump }}'), context);
      if (dumped === '') return undefined;
      try {
        return JSON.parse(dumped) as unknown;
      } catch {
        return dumped;
      }
    }
    const rendered = render(value, context);
    return rendered === '' ? undefined : rendered;
  }) as T;
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
