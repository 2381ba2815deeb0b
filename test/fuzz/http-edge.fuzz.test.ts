import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdgePortal, type EdgePortal } from '../support/edge-portal.js';
import { expectPrototypeClean, fuzzRuns, pollutionKeys } from '../support/typed.js';

// "No request crashes the process", at the shared HTTP edge: malformed paths, query strings,
// methods, content types and bodies sent to every package's routes (memory stores) answer a
// typed 4xx with Backstage's error body (never a 5xx), leave no unhandled rejection (vitest
// fails the run on one), and change nothing.

let edge: EdgePortal;
let before: Awaited<ReturnType<EdgePortal['state']>>;

beforeAll(async () => {
  edge = await startEdgePortal();
  before = await edge.state();
});
afterAll(async () => {
  expect(await edge.state()).toEqual(before);
  expectPrototypeClean();
  await edge?.stop();
});

const TYPED = new Set([
  'InputError',
  'AuthenticationError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
  'PayloadTooLargeError',
  'UnsupportedMediaTypeError',
  'MethodNotAllowedError', // search's 405
]);

const tricky = [
  '..', '.', '%2e%2e', '.%2E', '%2e', '%2f', '%2F', '%5c', '%252f', '%00', '%ff', '%C0%AF', '%E0%A4%A', '%', '%zz', '%61', '%7E',
  '\\', '', '#', '?', ';', 'a%20b', '%3A', 'é', '\u0000',
];
const known = [
  'api', 'catalog', 'scaffolder', 'search', 'scorecards', 'techdocs', 'entities', 'by-name', 'by-query', 'by-refs', 'by-uid',
  'locations', 'refresh', 'component', 'default', 'a', 'v2', 'tasks', 'actions', 'dry-run', 'cancel', 'events', 'eventstream',
  'templates', 'parameter-schema', 'query', 'evaluate', 'owners', 'static', 'docs', 'metadata', 'sync', 'x',
];
const segment = fc.oneof(fc.constantFrom(...tricky), fc.constantFrom(...known), fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }).map(encodeURIComponent));
const pathArb = fc
  .tuple(fc.constantFrom('catalog', 'scaffolder', 'search', 'scorecards', 'techdocs'), fc.array(segment, { maxLength: 6 }))
  .map(([pkg, rest]) => `/api/${pkg}/${rest.join('/')}`);
const queryValue = fc.oneof(fc.constantFrom(...tricky, 'kind=component', 'metadata.name,asc', '1', '-1', 'abc'), fc.string({ maxLength: 8 }));
const queryArb = fc
  .array(fc.tuple(fc.constantFrom('filter', 'limit', 'offset', 'after', 'cursor', 'fields', 'term', 'orderField', 'fullTextFilterTerm', 'status', 'createdBy', 'history', 'worst', 'types[0]', 'filters[kind]', 'pageLimit', 'pageCursor', '%ff', '%00'), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));
const contentType = fc.option(
  fc.oneof(
    fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/vnd.x+json'),
    fc.string({ maxLength: 20 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
  ),
);
// JSON that cannot name a real target: keys never spell a template ref, location or entity ref.
const jsonKey = fc.oneof(fc.constantFrom(...pollutionKeys, 'query', 'filter', 'limit', 'facets', 'entityRefs', 'values', 'fields', '$all', '$not'), fc.string({ maxLength: 6 }));
const jsonValue = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 10 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(jsonKey, tie('node'), { maxKeys: 3 }),
  ),
})).node;
const body = fc.option(fc.oneof(jsonValue.map((v) => JSON.stringify(v)), fc.string({ maxLength: 40 }), fc.constantFrom('{"__proto__":{"x":1}}', '"\\u0000"', '{"query":{"kind":"\\u0000"}}')));
const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');

async function expectTyped(response: Response, what: string) {
  expect(response.status, what).toBeLessThan(500);
  if (response.status < 400 || response.status === 405) return void (await response.body?.cancel());
  const text = await response.text();
  if (text === '') return; // HEAD
  const parsed = JSON.parse(text) as { error: { name: string }; response: { statusCode: number } };
  expect(TYPED.has(parsed.error.name), `${what}: ${text.slice(0, 200)}`).toBe(true);
  expect(parsed.response.statusCode).toBe(response.status);
}

describe('HTTP edge fuzz: every package, memory stores', () => {
  it('answers any request with a typed response and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(method, pathArb, queryArb, contentType, body, async (m, p, q, type, b) => {
        let request: Request;
        try {
          const headers = type === null ? undefined : { 'content-type': type };
          const withBody = m !== 'GET' && m !== 'HEAD' && b !== null;
          request = new Request(`http://localhost${p}${q}`, { method: m, ...(headers ? { headers } : {}), ...(withBody ? { body: b } : {}) });
        } catch {
          return; // the client itself cannot send this
        }
        // Event streams never end by themselves: only their status and headers matter here.
        const response = await edge.portal.fetch(request);
        if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return void (await response.body?.cancel());
        await expectTyped(response, `${m} ${p}${q}`);
      }),
      fuzzRuns,
    );
  });

  it('answers any raw request target on a real server with a typed response', async () => {
    const rawSegment = fc.oneof(fc.constantFrom(...tricky.filter((s) => /^[\x21-\x7e]*$/.test(s))), fc.constantFrom(...known));
    const target = fc
      .tuple(fc.constantFrom('catalog', 'scaffolder', 'search', 'scorecards', 'techdocs'), fc.array(rawSegment, { maxLength: 6 }), fc.constantFrom('', '?term=%ff', '?filter=kind=%00', '?a=1'))
      .map(([pkg, rest, q]) => `/api/${pkg}/${rest.join('/')}${q}`);
    await fc.assert(
      fc.asyncProperty(target, async (t) => {
        const { status, body: text } = await edge.raw(t);
        expect(status, t).toBeLessThan(500);
        if (status >= 400 && status !== 405 && text) expect(TYPED.has(JSON.parse(text).error.name), `${t}: ${text}`).toBe(true);
      }),
      fuzzRuns,
    );
  });
});
