/*
 * Find the line of a key path in block-style YAML, so a validation error can say
 * `catalog-info.yaml:12`. A small indentation tracker, not a YAML parser: it follows mapping keys
 * and `- ` sequence items, and gives up (returns undefined) on flow style. @portalkit/core's
 * yaml module was not exported yet when this was written; switch to its `locateYamlPath` once it is.
 */

interface LineEntry {
  line: number;
  indent: number;
  dash: boolean;
  key?: string;
}

const docMarker = /^(---|\.\.\.)(\s|$)/;

function keyOf(text: string): string | undefined {
  if (text.startsWith('"') || text.startsWith("'")) {
    const quote = text[0]!;
    const end = text.indexOf(quote, 1);
    if (end > 0 && /^\s*:(\s|$)/.test(text.slice(end + 1))) {
      const raw = text.slice(0, end + 1);
      try {
        return quote === '"' ? (JSON.parse(raw) as string) : raw.slice(1, -1).replace(/''/g, "'");
      } catch {
        return raw.slice(1, -1);
      }
    }
    return undefined;
  }
  const match = /^([^#{[\]}&*!|>'"%@`][^:#]*?)\s*:(\s|$)/.exec(text);
  return match?.[1];
}

function documentEntries(text: string, documentLine: number): LineEntry[] {
  const lines = text.split(/\r?\n/);
  const entries: LineEntry[] = [];
  for (let i = Math.max(documentLine - 1, 0); i < lines.length; i++) {
    const raw = lines[i]!;
    if (docMarker.test(raw)) {
      if (entries.length > 0) break;
      continue;
    }
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    let indent = raw.length - raw.trimStart().length;
    let rest = raw.slice(indent);
    while (rest === '-' || rest.startsWith('- ')) {
      entries.push({ line: i + 1, indent, dash: true });
      const after = rest.slice(1);
      const pad = after.length - after.trimStart().length;
      indent += 1 + pad;
      rest = after.trimStart();
    }
    if (rest === '') continue;
    const key = keyOf(rest);
    entries.push(key === undefined ? { line: i + 1, indent, dash: false } : { line: i + 1, indent, dash: false, key });
  }
  return entries;
}

/**
 * The 1-based line of `path` inside the YAML document starting at `documentLine`, or of its
 * deepest ancestor that can be found; `undefined` when not even the first key is found.
 *
 * @example
 * ```ts
 * locateYamlLine('kind: Component\nspec:\n  owner: team-a\n', 1, ['spec', 'owner']); // 3
 * ```
 */
export function locateYamlLine(
  text: string,
  documentLine: number,
  path: ReadonlyArray<string | number>,
): number | undefined {
  const entries = documentEntries(text, documentLine);
  let from = 0;
  let to = entries.length;
  let found: number | undefined;
  for (const segment of path) {
    const first = entries[from];
    if (!first || from >= to) return found;
    const indent = first.indent;
    let hit = -1;
    let count = 0;
    for (let i = from; i < to; i++) {
      const entry = entries[i]!;
      if (entry.indent < indent) break;
      if (entry.indent !== indent) continue;
      if (typeof segment === 'number' ? entry.dash && count++ === segment : !entry.dash && entry.key === segment) {
        hit = i;
        break;
      }
    }
    if (hit < 0) return found;
    let end = hit + 1;
    // A sequence may sit at its key's own indentation ("compact" style: `key:\n- a`).
    const next = entries[end];
    const compact = typeof segment !== 'number' && next !== undefined && next.indent === indent && next.dash;
    while (end < to) {
      const entry = entries[end]!;
      if (entry.indent > indent || (compact && entry.indent === indent && entry.dash)) end++;
      else break;
    }
    found = entries[hit]!.line;
    from = hit + 1;
    to = end;
  }
  return found;
}
