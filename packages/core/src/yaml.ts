import { CORE_SCHEMA, YAMLException, load } from 'js-yaml';
import { InputError } from './errors.js';

/**
 * One parsed YAML document and the 1-based line where its content starts.
 * @example
 * ```ts
 * const [first]: YamlDocument[] = parseYamlDocuments(text, { file: 'catalog-info.yaml' });
 * first?.line; // 1
 * ```
 */
export interface YamlDocument {
  value: unknown;
  line: number;
}

/**
 * Options of {@link parseYamlDocuments}.
 * @example
 * ```ts
 * parseYamlDocuments(text, { file: 'template.yaml', maxAliasAmplification: 4 });
 * ```
 */
export interface ParseYamlOptions {
  /** Named in error messages as `file:line:column`. */
  file: string;
  /**
   * Largest number of nodes a document may expand to once aliases are followed, as a multiple
   * of its distinct nodes (default 10). Stops "billion laughs" alias bombs.
   */
  maxAliasAmplification?: number;
}

// A document may always expand to this many nodes, so modest alias reuse in small files is fine.
const expansionFloor = 10_000;

/**
 * Parse a (possibly multi-document) YAML text with js-yaml's core schema: plain JSON-like data,
 * no custom tags and no timestamp conversion, so a date stays the string it was written as.
 * Empty documents are skipped. Errors are `InputError`s naming `file:line:column`.
 *
 * Aliases are resolved into independent copies so a consumer mutating one place never changes
 * another, and documents that would expand enormously through aliases are rejected.
 *
 * @example
 * ```ts
 * const docs = parseYamlDocuments('kind: A\n---\nkind: B\n', { file: 'catalog-info.yaml' });
 * docs.map((d) => d.line); // [1, 3]
 * ```
 */
export function parseYamlDocuments(text: string, options: ParseYamlOptions): YamlDocument[] {
  if (typeof text !== 'string') throw new InputError(`${options.file}: YAML input must be text`);
  const docs: YamlDocument[] = [];
  // A byte-order mark would hide a leading `---` from the document split.
  for (const chunk of splitDocuments(text.replace(/^\uFEFF/, ''))) {
    let value: unknown;
    try {
      value = load(chunk.text, { schema: CORE_SCHEMA, filename: options.file });
    } catch (error) {
      throw toYamlInputError(error, options.file, chunk.offsetLines);
    }
    if (value === null || value === undefined) continue;
    // Without a `*` there is no alias, so nothing is shared and nothing to measure.
    if (!chunk.text.includes('*')) {
      docs.push({ value, line: chunk.contentLine });
      continue;
    }
    const { distinct, expanded } = measureNodes(value);
    const limit = Math.max(expansionFloor, distinct * (options.maxAliasAmplification ?? 10));
    if (expanded > limit) {
      throw new InputError(
        `${options.file}:${chunk.contentLine}:1: YAML document expands to more than ${limit} nodes through aliases`,
      );
    }
    docs.push({ value: expanded > distinct ? cloneTree(value) : value, line: chunk.contentLine });
  }
  return docs;
}

interface Chunk {
  text: string;
  /** Lines before this chunk in the whole text, so js-yaml's marks can be shifted. */
  offsetLines: number;
  /** 1-based line of the first content line (or of the `---` marker when there is none). */
  contentLine: number;
}

const docStart = /^---(?=\s|$)/;
const docEnd = /^\.\.\.(?=\s|$)/;

/**
 * Split on document markers at column 0. YAML forbids `---`/`...` at column 0 inside content
 * (even in block scalars), so this split never cuts a document in half. Splitting ourselves
 * (rather than js-yaml's loadAll) gives each document its line number and error offsets.
 */
function splitDocuments(text: string): Chunk[] {
  const lines = text.split(/\r?\n/);
  const chunks: Chunk[] = [];
  let start = 0;
  let markerLine: number | undefined;
  const flush = (end: number) => {
    const body = lines.slice(start, end);
    if (body.length === 0) return;
    let contentLine = markerLine ?? start + 1;
    for (let i = start; i < end; i++) {
      const trimmed = (lines[i] ?? '').trim();
      const isMarker = markerLine !== undefined && i === markerLine - 1 && docStart.test(lines[i] ?? '');
      if (isMarker && trimmed.replace(docStart, '').trim() === '') continue;
      if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('%')) continue;
      contentLine = i + 1;
      break;
    }
    chunks.push({ text: body.join('\n'), offsetLines: start, contentLine });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (docStart.test(line)) {
      // Directives (%YAML) and comments before the first marker belong to that document.
      const onlyPreamble = lines
        .slice(start, i)
        .every((l) => l.trim() === '' || l.trim().startsWith('#') || l.trim().startsWith('%'));
      if (!(markerLine === undefined && onlyPreamble)) {
        flush(i);
        start = i;
      }
      markerLine = i + 1;
    } else if (docEnd.test(line)) {
      flush(i);
      start = i + 1;
      markerLine = undefined;
    }
  }
  flush(lines.length);
  return chunks;
}

function toYamlInputError(error: unknown, file: string, offsetLines: number): InputError {
  if (error instanceof YAMLException) {
    const mark = (error as YAMLException & { mark?: { line: number; column: number } }).mark;
    const line = (mark?.line ?? 0) + 1 + offsetLines;
    const column = (mark?.column ?? 0) + 1;
    return new InputError(`${file}:${line}:${column}: ${error.reason}`);
  }
  return new InputError(`${file}: could not parse YAML`, { cause: error });
}

/**
 * Count distinct nodes and the nodes the tree expands to when shared (aliased) nodes are
 * counted once per reference. Memoized by identity, so this is linear in the distinct nodes.
 */
function measureNodes(root: unknown): { distinct: number; expanded: number } {
  const sizes = new Map<object, number>();
  let distinct = 0;
  const visit = (node: unknown, depth: number): number => {
    if (node === null || typeof node !== 'object') return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (depth > 1000) throw new InputError('YAML document is nested too deeply');
    distinct++;
    sizes.set(node, Number.POSITIVE_INFINITY); // a cycle would expand forever
    let size = 1;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (child === null || typeof child !== 'object') distinct++;
      size += visit(child, depth + 1);
    }
    sizes.set(node, size);
    return size;
  };
  const expanded = visit(root, 0);
  return { distinct: Math.max(distinct, 1), expanded };
}

function cloneTree(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map(cloneTree);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    // defineProperty keeps a literal "__proto__" key a plain key instead of a prototype swap.
    Object.defineProperty(out, key, { value: cloneTree(value), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

interface LineEntry {
  /** 1-based line number. */
  line: number;
  /** Column where `text` starts. */
  indent: number;
  /** A `- ` sequence dash; the item's content follows as its own entry on the same line. */
  dash: boolean;
  text: string;
}

/**
 * Find the 1-based line of a key path inside a block-style YAML document, e.g. the line of
 * `spec.owner` or `spec.steps[2].input`. A heuristic that tracks indentation; it handles
 * `- item` sequences and quoted keys, not flow style (`{ a: 1 }`). Returns `undefined` when the
 * path cannot be found.
 *
 * @example
 * ```ts
 * const text = 'kind: Component\nspec:\n  owner: team-a\n';
 * locateYamlPath(text, 1, ['spec', 'owner']); // 3
 * ```
 */
export function locateYamlPath(
  text: string,
  documentStartLine: number,
  path: ReadonlyArray<string | number>,
): number | undefined {
  const entries = documentEntries(text, documentStartLine);
  let from = 0;
  let to = entries.length;
  let found: number | undefined = entries[0]?.line;
  for (const segment of path) {
    const first = entries[from];
    if (!first || from >= to) return undefined;
    const indent = first.indent;
    let hit = -1;
    if (typeof segment === 'number') {
      let count = 0;
      for (let i = from; i < to; i++) {
        const entry = entries[i]!;
        if (entry.indent < indent) break;
        if (entry.indent === indent && entry.dash && count++ === segment) {
          hit = i;
          break;
        }
      }
      if (hit < 0) return undefined;
      let end = hit + 1;
      while (end < to && entries[end]!.indent > indent) end++;
      found = entries[hit]!.line;
      from = hit + 1;
      to = end;
    } else {
      for (let i = from; i < to; i++) {
        const entry = entries[i]!;
        if (entry.indent < indent) break;
        if (entry.indent === indent && !entry.dash && keyOf(entry.text) === segment) {
          hit = i;
          break;
        }
      }
      if (hit < 0) return undefined;
      let end = hit + 1;
      // A sequence value may sit at the key's own indentation ("compact" style).
      const next = entries[end];
      const compactSequence = next !== undefined && next.indent === indent && next.dash;
      while (end < to) {
        const entry = entries[end]!;
        if (entry.indent > indent || (compactSequence && entry.indent === indent && entry.dash)) end++;
        else break;
      }
      found = entries[hit]!.line;
      from = hit + 1;
      to = end;
    }
  }
  return found;
}

function documentEntries(text: string, documentStartLine: number): LineEntry[] {
  const lines = text.split(/\r?\n/);
  const entries: LineEntry[] = [];
  for (let i = Math.max(documentStartLine - 1, 0); i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (docEnd.test(raw)) break;
    if (docStart.test(raw)) {
      if (entries.length > 0) break;
      continue;
    }
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    let indent = raw.length - raw.trimStart().length;
    let rest = raw.slice(indent);
    // Peel `- ` dashes: `  - - name: x` is two sequence levels and a mapping key.
    while (rest === '-' || rest.startsWith('- ')) {
      entries.push({ line: i + 1, indent, dash: true, text: '-' });
      const after = rest.slice(1);
      const spaces = after.length - after.trimStart().length;
      indent += 1 + spaces;
      rest = after.trimStart();
      if (rest === '') break;
    }
    if (rest !== '') entries.push({ line: i + 1, indent, dash: false, text: rest });
  }
  return entries;
}

function keyOf(text: string): string | undefined {
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    const close = text.indexOf(quote, 1);
    if (close < 0) return undefined;
    return /^\s*:(\s|$)/.test(text.slice(close + 1)) ? text.slice(1, close) : undefined;
  }
  const match = /^([^#:]+?)\s*:(\s|$)/.exec(text);
  return match?.[1];
}
