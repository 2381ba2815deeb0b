import type { Nodes, Root } from 'hast';
import { defaultSchema, sanitize, type Schema } from 'hast-util-sanitize';

type PropertyDefinition = NonNullable<Schema['attributes']>[string][number];

/** A tag's attribute definitions by name: what hast-util-sanitize's scan of the list finds. */
interface Definitions {
  byName: Map<string, PropertyDefinition>;
  /** The last `data*` entry, which a scan that finds no name for a `data…` key ends up with. */
  dataDefault: PropertyDefinition | undefined;
}

interface CompiledSchema {
  tagNames: Set<string> | undefined;
  ancestors: Map<string, string[]>;
  attributes: Map<string, Definitions>;
  defaults: Definitions | undefined;
  required: Map<string, Record<string, unknown>>;
  protocols: Map<string, string[] | null | undefined>;
  clobber: Set<string>;
}

const own = Object.prototype.hasOwnProperty;

/**
 * `rehype-sanitize`, without copying trees that are already clean. hast-util-sanitize rebuilds
 * every node of every page, and most pages (Markdown without raw HTML) come out exactly as they
 * went in: this checks a tree against the schema first, in place, and only hands a tree that
 * sanitising would change to hast-util-sanitize. The result is the same either way (a
 * differential test holds it to the library's).
 *
 * @example
 * ```ts
 * unified().use(remarkRehype).use(rehypeSanitizeFast, docsSanitizeSchema).use(rehypeStringify);
 * ```
 */
export function rehypeSanitizeFast(options?: Schema) {
  const schema = options ? { ...defaultSchema, ...options } : defaultSchema;
  const compiled = compileSchema(schema);
  return (tree: Root): Root => (isClean(tree, compiled, new Map()) ? tree : (sanitize(tree, options) as Root));
}

function compileSchema(schema: Schema): CompiledSchema {
  const entries = <T>(record: Record<string, T> | null | undefined): Array<[string, T]> =>
    record ? Object.keys(record).map((key) => [key, record[key] as T]) : [];
  const attributes = new Map<string, Definitions>();
  for (const [tag, list] of entries(schema.attributes)) attributes.set(tag, compileDefinitions(list));
  return {
    tagNames: schema.tagNames ? new Set(schema.tagNames) : undefined,
    ancestors: new Map(entries(schema.ancestors)),
    attributes,
    defaults: attributes.get('*'),
    required: new Map(entries(schema.required as Record<string, Record<string, unknown>> | undefined)),
    protocols: new Map(entries(schema.protocols)),
    clobber: new Set(schema.clobber && schema.clobberPrefix ? schema.clobber : []),
  };
}

function compileDefinitions(list: PropertyDefinition[]): Definitions {
  const byName = new Map<string, PropertyDefinition>();
  let dataDefault: PropertyDefinition | undefined;
  for (const entry of list) {
    const name = typeof entry === 'string' ? entry : entry[0];
    if (!byName.has(name)) byName.set(name, entry);
    if (name === 'data*') dataDefault = entry;
  }
  return { byName, dataDefault };
}

/**
 * True when sanitising `node` would give a tree equal to it. Positions and empty properties are
 * normalised in place on the way, as sanitising would (invalid positions and `null`/`undefined`
 * properties dropped, a bad offset unset), which leaves what sanitising gives unchanged if the
 * answer is false.
 */
function isClean(node: Nodes, schema: CompiledSchema, open: Map<string, number>): boolean {
  if (!node || typeof node !== 'object' || (node as { data?: unknown }).data !== undefined) return false;
  if (!cleanPosition(node)) return false;
  switch (node.type) {
    case 'text':
      return typeof node.value === 'string' && onlyKeys(node, textKeys);
    case 'root':
      return Array.isArray(node.children) && onlyKeys(node, rootKeys) && cleanChildren(node.children, schema, open);
    case 'element': {
      const name = node.tagName;
      if (typeof name !== 'string' || name === '' || name === '*' || (schema.tagNames && !schema.tagNames.has(name))) return false;
      const ancestors = schema.ancestors.get(name);
      if (ancestors && !ancestors.some((ancestor) => (open.get(ancestor) ?? 0) > 0)) return false;
      const properties = node.properties as unknown;
      if (!Array.isArray(node.children) || !properties || typeof properties !== 'object' || Array.isArray(properties)) return false;
      if (!onlyKeys(node, elementKeys)) return false;
      if (!cleanProperties(node.properties as Record<string, unknown>, name, schema)) return false;
      open.set(name, (open.get(name) ?? 0) + 1);
      const clean = cleanChildren(node.children, schema, open);
      open.set(name, (open.get(name) ?? 1) - 1);
      return clean;
    }
    default:
      // Comments, doctypes, raw and unknown nodes are dropped or rewritten: leave them to the library.
      return false;
  }
}

function cleanChildren(children: Nodes[], schema: CompiledSchema, open: Map<string, number>): boolean {
  for (let i = 0; i < children.length; i++) if (!isClean(children[i] as Nodes, schema, open)) return false;
  return true;
}

// The keys sanitising keeps on each kind of node (it drops any other).
const textKeys = new Set(['type', 'value', 'position']);
const rootKeys = new Set(['type', 'children', 'position']);
const elementKeys = new Set(['type', 'tagName', 'properties', 'children', 'position']);
const positionKeys = new Set(['start', 'end']);

function onlyKeys(value: object, keys: ReadonlySet<string>): boolean {
  for (const key in value) if (own.call(value, key) && !keys.has(key)) return false;
  return true;
}

function cleanPosition(node: Nodes): boolean {
  const position = node.position as unknown;
  if (position === undefined) return !own.call(node, 'position');
  const points = (position && typeof position === 'object' ? position : {}) as { start?: unknown; end?: unknown };
  // Most positions are already what sanitising makes of them: no copy then.
  if (onlyKeys(points, positionKeys) && normalPoint(points.start) && normalPoint(points.end)) return true;
  const start = cleanPoint(points.start);
  const end = cleanPoint(points.end);
  if (!start || !end) {
    delete node.position;
    return true;
  }
  node.position = { start, end };
  return true;
}

function normalPoint(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const point = value as Partial<Point>;
  let keys = 0;
  for (const key in point) if (own.call(point, key) && ++keys > 3) return false;
  return (
    keys === 3 &&
    typeof point.line === 'number' &&
    point.line > 0 &&
    typeof point.column === 'number' &&
    point.column > 0 &&
    typeof point.offset === 'number' &&
    point.offset > -1
  );
}

type Point = NonNullable<Nodes['position']>['start'];

// unist-util-position's point: line and column above 0, an offset only if it is not negative.
function cleanPoint(value: unknown): Point | undefined {
  const point = (value ?? {}) as Partial<Point>;
  if (typeof point.line !== 'number' || point.line <= 0 || typeof point.column !== 'number' || point.column <= 0) {
    return undefined;
  }
  return {
    line: point.line,
    column: point.column,
    offset: typeof point.offset === 'number' && point.offset > -1 ? point.offset : undefined,
  };
}

function cleanProperties(properties: Record<string, unknown>, tagName: string, schema: CompiledSchema): boolean {
  const specific = schema.attributes.get(tagName);
  for (const key in properties) {
    if (!own.call(properties, key)) continue;
    const value = properties[key];
    // Sanitising drops empty properties whatever the schema; dropping them here changes nothing else.
    if (value === null || value === undefined) {
      delete properties[key];
      continue;
    }
    if (schema.clobber.has(key)) return false;
    if (Array.isArray(value)) {
      // Sanitising keeps the items the first definition found allows, and never tries the next.
      const definition = findDefinition(specific, key) ?? findDefinition(schema.defaults, key);
      if (!definition) return false;
      for (const item of value) {
        if ((typeof item !== 'string' && typeof item !== 'number') || !allowed(definition, key, item, schema)) return false;
      }
    } else {
      const definition = findDefinition(specific, key);
      const fallback = findDefinition(schema.defaults, key);
      if (!(definition && allowed(definition, key, value, schema)) && !(fallback && allowed(fallback, key, value, schema))) {
        return false;
      }
    }
  }
  const required = schema.required.get(tagName);
  if (required) for (const key in required) if (own.call(required, key) && !own.call(properties, key)) return false;
  return true;
}

function findDefinition(definitions: Definitions | undefined, key: string): PropertyDefinition | undefined {
  if (!definitions) return undefined;
  const found = definitions.byName.get(key);
  if (found !== undefined) return found;
  if (key.length > 4 && key.slice(0, 4).toLowerCase() === 'data') return definitions.dataDefault;
  return undefined;
}

// hast-util-sanitize's propertyValuePrimitive returning the value unchanged.
function allowed(definition: PropertyDefinition, key: string, value: unknown, schema: CompiledSchema): boolean {
  if (typeof value !== 'boolean' && typeof value !== 'number' && typeof value !== 'string') return false;
  if (!safeProtocol(schema, key, value)) return false;
  if (typeof definition !== 'object' || definition.length <= 1) return true;
  for (let index = 1; index < definition.length; index++) {
    const entry = definition[index];
    if (entry && typeof entry === 'object' && 'flags' in entry) {
      if (entry.test(String(value))) return true;
    } else if (entry === value) return true;
  }
  return false;
}

function safeProtocol(schema: CompiledSchema, key: string, value: string | number | boolean): boolean {
  const protocols = schema.protocols.get(key);
  if (!protocols || protocols.length === 0) return true;
  const url = String(value);
  const colon = url.indexOf(':');
  const questionMark = url.indexOf('?');
  const numberSign = url.indexOf('#');
  const slash = url.indexOf('/');
  // No colon, or the first one after a `?`, `#` or `/`: not a protocol.
  if (colon < 0 || (slash > -1 && colon > slash) || (questionMark > -1 && colon > questionMark) || (numberSign > -1 && colon > numberSign)) {
    return true;
  }
  return protocols.some((protocol) => colon === protocol.length && url.slice(0, protocol.length) === protocol);
}
