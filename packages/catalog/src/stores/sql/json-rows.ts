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
