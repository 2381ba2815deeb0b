/**
 * Rows of a bulk write as one JSON parameter, in chunks, for `json_to_recordset`.
 *
 * A `text[]` parameter per column makes the driver escape every element into an array literal
 * (every quote of an entity's JSON doubled) and the server parse it back: at 100k entities that
 * escaping alone cost seconds. One JSON document per chunk is written by `JSON.stringify` and
 * read by the server's JSON parser. An entity goes in as a JSON string cast to `json` after
 * extraction: read as a nested object, the server would de-escape its strings and refuse
 * `\u0000` and lone surrogates, which entities may hold and `json` keeps as written.
 */
export interface JsonChunk {
  /** The chunk as JSON text: an array of row objects. */
  json: string;
  /** Rows in the chunk. */
  count: number;
}

// Rows per statement and JSON text per statement: keeps a statement's parameter (and PGlite's
// heap) small during bulk loads, however large single entities are.
const maxRows = 5_000;
const maxChars = 16 * 1024 * 1024;

/**
 * Split `rows` into chunks of at most 5,000 rows and about 16 MB of JSON each (a larger single
 * row is its own chunk), lazily: one chunk's text is alive at a time.
 */
export function* jsonChunks<T>(rows: Iterable<T>): Generator<JsonChunk> {
  let parts: string[] = [];
  let chars = 0;
  for (const row of rows) {
    const text = JSON.stringify(row);
    if (parts.length && (parts.length >= maxRows || chars + text.length > maxChars)) {
      yield { json: `[${parts.join(',')}]`, count: parts.length };
      parts = [];
      chars = 0;
    }
    parts.push(text);
    chars += text.length + 1;
  }
  if (parts.length) yield { json: `[${parts.join(',')}]`, count: parts.length };
}

/**
 * A string the server's JSON parser turns into `text`: a lone surrogate becomes U+FFFD, as the
 * driver's UTF-8 encoding of a `text` parameter did (JSON's `\ud800` escape is refused instead).
 */
export const wellFormed = (value: string): string => value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** A {@link jsonLineChunks} chunk: the small fields as JSON, each document column as lines. */
export interface JsonLinesChunk extends JsonChunk {
  /** One text per document column: its documents in row order, one per line (`''` for none). */
  lines: string[];
}

/**
 * Like {@link jsonChunks}, for rows holding JSON documents (entities, states): the small fields
 * go as a JSON array, each document column as one text parameter with a document per line, for
 * `ROWS FROM (json_to_recordset($1::json) AS (...), unnest(string_to_array($2, E'\n')), ...)`.
 * Inside a JSON string a document was escaped a second time here and unescaped by the server
 * (in a temporary file past `work_mem`): at 10k refresh states that was half of the INSERT's
 * server time. A line is exactly one document because `JSON.stringify` writes no raw newline
 * (nor NUL, nor lone surrogate: those are escaped, and `json` keeps escapes as written). A
 * missing document is `''` (a document is never empty): `NULLIF(x, '')::json`.
 */
export function* jsonLineChunks<T>(rows: Iterable<T>, columns: number, split: (row: T) => { fields: object; docs: (string | undefined)[] }): Generator<JsonLinesChunk> {
  let parts: string[] = [];
  let docs: string[][] = Array.from({ length: columns }, () => []);
  let chars = 0;
  const chunk = (): JsonLinesChunk => ({ json: `[${parts.join(',')}]`, count: parts.length, lines: docs.map((d) => d.join('\n')) });
  for (const row of rows) {
    const { fields, docs: texts } = split(row);
    const text = JSON.stringify(fields);
    const size = texts.reduce((n, d) => n + (d?.length ?? 0) + 1, text.length + 1);
    if (parts.length && (parts.length >= maxRows || chars + size > maxChars)) {
      yield chunk();
      parts = [];
      docs = Array.from({ length: columns }, () => []);
      chars = 0;
    }
    parts.push(text);
    for (let i = 0; i < columns; i++) docs[i]!.push(texts[i] ?? '');
    chars += size;
  }
  if (parts.length) yield chunk();
}
