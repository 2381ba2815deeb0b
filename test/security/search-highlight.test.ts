// Search highlights carry document text, which catalog and docs authors write. Through the search
// HTTP API on every engine, a highlight must be that text HTML-escaped with the pre/post tags as
// its only markup (Backstage's shape: `highlight.preTag`, `postTag`, `fields`).
import type { Pool } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createSearch, memoryEngine, postgresEngine } from '@portalkit/search';
import type { Collator, SearchDocument, SearchEngine, SearchResult } from '@portalkit/search';
import { connectTestPool, randomSchema } from '../support/postgres.js';

const payload = `<img src=x onerror=alert(1)> "quoted" & 'single' zebrafish <script>alert(2)</script>`;
const documents: SearchDocument[] = [
  { type: 'hostile', title: `<b onmouseover=alert(3)>zebrafish</b> & co`, text: payload, location: '/hostile' },
  // Long text: the fragment around the match must be escaped too, wherever it is cut.
  { type: 'hostile', title: 'Long', text: `${'filler words here '.repeat(40)}<svg onload=alert(4)> zebrafish ${'<i>tail</i> '.repeat(40)}`, location: '/long' },
];
const collator: Collator = {
  type: 'hostile',
  async *collect() {
    yield* documents;
  },
};

async function query(engine: SearchEngine, term: string): Promise<SearchResult[]> {
  const search = createSearch({ engine, collators: [collator] });
  await search.start();
  try {
    const handler = search.handler({ basePath: '/api/search' });
    const res = await handler(new Request(`http://localhost/api/search/query?term=${encodeURIComponent(term)}`));
    expect(res.status).toBe(200);
    return ((await res.json()) as { results: SearchResult[] }).results;
  } finally {
    await search.stop();
  }
}

/** The highlight with the tags taken out must be plain escaped text: no `<`, `>`, quotes or bare `&`. */
function expectOnlyTagsAsMarkup(value: string, preTag: string, postTag: string): void {
  const rest = value.split(preTag).join('').split(postTag).join('');
  expect(rest).not.toMatch(/[<>"']/);
  expect(rest).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
}

function runCases(name: string, create: () => SearchEngine | Promise<SearchEngine>) {
  describe(`search highlights on the ${name} engine`, () => {
    it('escapes document text before adding the tags, in title and text', async () => {
      const results = await query(await create(), 'zebrafish');
      expect(results.map((r) => r.document.location).sort()).toEqual(['/hostile', '/long']);
      for (const result of results) {
        const { preTag, postTag, fields } = result.highlight!;
        expect([preTag, postTag]).toEqual(['<mark>', '</mark>']);
        expect(fields.text).toContain('<mark>zebrafish</mark>');
        for (const value of Object.values(fields)) expectOnlyTagsAsMarkup(value, preTag, postTag);
      }
      const hostile = results.find((r) => r.document.location === '/hostile')!.highlight!.fields;
      expect(hostile.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(hostile.text).toContain('&quot;quoted&quot; &amp; &#39;single&#39;');
      expect(hostile.title).toBe('&lt;b onmouseover=alert(3)&gt;<mark>zebrafish</mark>&lt;/b&gt; &amp; co');
      // The document itself stays as written: only the highlight is HTML.
      expect(results.find((r) => r.document.location === '/hostile')!.document.text).toBe(payload);
    });

    it('never lets a search for markup words turn text into tags', async () => {
      for (const term of ['img onerror', 'script', 'svg onload']) {
        for (const result of await query(await create(), term)) {
          const { preTag, postTag, fields } = result.highlight!;
          for (const value of Object.values(fields)) expectOnlyTagsAsMarkup(value, preTag, postTag);
        }
      }
    });
  });
}

runCases('memory', () => memoryEngine());

const connection = await connectTestPool();
if ('skip' in connection) {
  describe.skip(`search highlights on the PostgreSQL engine: ${connection.skip}`, () => {
    it('needs PostgreSQL', () => {});
  });
} else {
  const pool: Pool = connection.pool;
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  runCases('PostgreSQL', () => {
    const schema = randomSchema();
    schemas.push(schema);
    return postgresEngine({ pool, schema });
  });
}
