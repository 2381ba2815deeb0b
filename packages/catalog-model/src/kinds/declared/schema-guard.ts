/*
 * Bounds on a JSON Schema written by a catalog YAML author, checked before ajv sees it: ajv
 * compiles a schema into a function, so its size is the author's to choose unless bounded; a
 * remote `$ref` or `$id` would make validation depend on the network or on other schemas; and a
 * `pattern` with nested quantifiers (`(a+)+$`) can take exponential time on a long string.
 */

/** Limits of {@link jsonSchemaProblems}. */
export interface SchemaLimits {
  /** Bytes of the schema as JSON. */
  maxBytes: number;
  /** Nesting of objects and arrays. */
  maxDepth: number;
  /** Objects, arrays and values in total. */
  maxNodes: number;
  /** Characters of one `pattern` or `patternProperties` key. */
  maxPatternLength: number;
}

export const defaultSchemaLimits: SchemaLimits = { maxBytes: 64 * 1024, maxDepth: 32, maxNodes: 5000, maxPatternLength: 256 };

/** A problem at a path inside the schema (segments below `spec.schema`). */
export interface SchemaProblem {
  path: (string | number)[];
  message: string;
}

const DRAFT_07 = new Set(['http://json-schema.org/draft-07/schema#', 'http://json-schema.org/draft-07/schema']);
// Keywords that name or load other schemas: the schema must stand alone.
const FORBIDDEN_KEYWORDS = new Set(['$id', 'id', '$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor']);

/**
 * Every bound `schema` breaks, or `[]`. Walks the schema once, depth-first, and stops counting
 * at the first bound on size it meets (a huge schema gets one message, not thousands).
 *
 * @example
 * ```ts
 * jsonSchemaProblems({ type: 'object', properties: { id: { type: 'string', pattern: '^(a+)+$' } } });
 * // [{ path: ['properties', 'id', 'pattern'], message: 'pattern "^(a+)+$" repeats a repeated group ...' }]
 * ```
 */
export function jsonSchemaProblems(schema: unknown, limits: SchemaLimits = defaultSchemaLimits): SchemaProblem[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return [{ path: [], message: 'must be a JSON Schema object' }];
  }
  let text: string;
  try {
    text = JSON.stringify(schema);
  } catch {
    return [{ path: [], message: 'must be plain JSON' }];
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) return [{ path: [], message: `is ${bytes} bytes as JSON, more than the ${limits.maxBytes} allowed` }];
  const problems: SchemaProblem[] = [];
  let nodes = 0;
  const walk = (value: unknown, path: (string | number)[]): boolean => {
    nodes++;
    if (nodes > limits.maxNodes) {
      problems.push({ path: [], message: `has more than ${limits.maxNodes} nodes` });
      return false;
    }
    if (typeof value !== 'object' || value === null) return true;
    if (path.length >= limits.maxDepth) {
      problems.push({ path, message: `nests deeper than ${limits.maxDepth} levels` });
      return false;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (!walk(value[i], [...path, i])) return false;
      return true;
    }
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      const child = object[key];
      const at = [...path, key];
      if (FORBIDDEN_KEYWORDS.has(key) && typeof child === 'string') problems.push({ path: at, message: `${key} is not allowed: a kind's schema must stand alone` });
      if (key === '$schema' && (typeof child !== 'string' || !DRAFT_07.has(child))) {
        problems.push({ path: at, message: 'only JSON Schema draft-07 is supported (http://json-schema.org/draft-07/schema#)' });
      }
      if (key === '$ref') {
        if (typeof child !== 'string' || !child.startsWith('#')) problems.push({ path: at, message: '$ref must point inside the schema (start with #); remote references are not loaded' });
      }
      if (key === 'pattern' && typeof child === 'string') {
        const problem = patternProblem(child, limits.maxPatternLength);
        if (problem) problems.push({ path: at, message: problem });
      }
      if (key === 'patternProperties' && typeof child === 'object' && child !== null && !Array.isArray(child)) {
        for (const pattern of Object.keys(child)) {
          const problem = patternProblem(pattern, limits.maxPatternLength);
          if (problem) problems.push({ path: [...at, pattern], message: problem });
        }
      }
      if (!walk(child, at)) return false;
    }
    return true;
  };
  walk(schema, []);
  return problems;
}

/**
 * Why `pattern` is refused, or undefined. A heuristic, not a proof: it refuses what causes
 * catastrophic backtracking in practice — a quantified group that itself contains a quantifier
 * (`(a+)+`, `(\w*)*`, `(a|b+){2,}`) — and back-references; linear patterns pass.
 */
export function patternProblem(pattern: string, maxLength: number): string | undefined {
  const shown = JSON.stringify(pattern.length > 60 ? `${pattern.slice(0, 57)}...` : pattern);
  if (pattern.length > maxLength) return `pattern is ${pattern.length} characters, more than the ${maxLength} allowed`;
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    return `pattern ${shown} is not a valid regular expression: ${(error as Error).message}`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return `pattern ${shown} uses a back-reference, which can take exponential time`;
  // Per open group: whether it holds a quantifier, an alternation, and whether its first atom is
  // quantified. A repeated group is ambiguous (exponential) when its body can start by repeating
  // (`(a+)+`, `(\\w*)*`) or has alternatives (`(a|aa)+`, `(a|a)*`); `(-[a-z]+)*` starts with a literal and passes.
  interface Group { quantified: boolean; alternation: boolean; firstQuantified: boolean; atoms: number }
  const root: Group = { quantified: false, alternation: false, firstQuantified: false, atoms: 0 };
  const groups: Group[] = [root];
  const quantifierAt = (i: number): boolean => {
    const next = pattern[i];
    return next === '*' || next === '+' || next === '?' || (next === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i)));
  };
  const repeatsAt = (i: number): boolean => {
    const next = pattern[i];
    if (next === '*' || next === '+') return true;
    const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    return m !== null && (m[2] !== undefined ? m[3] === '' || Number(m[3]) > 1 : Number(m[1]) > 1);
  };
  // Record an atom ending before index `after` in the innermost group.
  const atom = (after: number) => {
    const group = groups[groups.length - 1]!;
    const quantified = quantifierAt(after);
    if (quantified) group.quantified = true;
    if (group.atoms === 0 && repeatsAt(after)) group.firstQuantified = true;
    group.atoms++;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      atom(i + 1);
    } else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      i = j;
      atom(i + 1);
    } else if (c === '(') {
      groups.push({ quantified: false, alternation: false, firstQuantified: false, atoms: 0 });
      const lookaround = /^\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(pattern.slice(i + 1));
      if (lookaround) i += lookaround[0].length;
    } else if (c === ')') {
      const group = groups.length > 1 ? groups.pop()! : root;
      if (repeatsAt(i + 1) && group.quantified && (group.firstQuantified || group.alternation)) {
        return `pattern ${shown} repeats a group that can match the same text in many ways, which can take exponential time on a long string`;
      }
      // Any repeated alternation: alternatives that overlap (`(a|a)*`, `(aa|a)*`, `(\\w|\\d)+`)
      // backtrack exponentially, and telling overlap apart is not done here (`[ab]*` is linear).
      if (repeatsAt(i + 1) && group.alternation) {
        return `pattern ${shown} repeats a group of alternatives, which can take exponential time on a long string`;
      }
      atom(i + 1);
      // What the group holds counts for its parent too: `((a+))+` is `(a+)+`, `((a|a))*` is `(a|a)*`.
      const parent = groups[groups.length - 1]!;
      if (group.quantified) parent.quantified = true;
      if (group.alternation) parent.alternation = true;
    } else if (c === '|') {
      const group = groups[groups.length - 1]!;
      group.alternation = true;
      group.atoms = 0;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      // A quantifier was accounted for by the atom before it; skip `{n,m}` and lazy `?`.
      if (c === '{') {
        const m = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i));
        if (m) i += m[0].length - 1;
        else atom(i + 1);
      }
      if (pattern[i + 1] === '?') i++;
    } else if (c !== '^' && c !== '$') atom(i + 1);
  }
  return undefined;
}
