import type { Handler, Portal } from '@portalkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeTemplate, startEdgePortal, type EdgePortal, type RawOptions } from '../support/edge-portal.js';

// Issue 16 #3 (edge), #7, #10, #17 and the `__proto__` predicate: every package's routes share
// core's router, so each spelling below is refused the same way in every package, through its
// handler, through `portal.fetch`, and (for spellings the URL parser would collapse) through a
// real server reading raw request lines.

let edge: EdgePortal;
let portal: Portal;
let openTaskId: string;
let handlers: Record<string, Handler>;
const json = { 'content-type': 'application/json' };
const template = edgeTemplate;
const state = () => edge.state();
const raw = (target: string, options?: RawOptions) => edge.raw(target, options);

beforeAll(async () => {
  edge = await startEdgePortal();
  ({ portal, openTaskId, handlers } = edge);
});
afterAll(() => edge?.stop());

async function expectTypedError(response: Response, status: number, name: string, what: string) {
  const text = await response.text();
  expect(response.status, `${what}: ${text.slice(0, 300)}`).toBe(status);
  const body = JSON.parse(text) as { error: { name: string }; response: { statusCode: number } };
  expect(body.error.name, what).toBe(name);
  expect(body.response.statusCode, what).toBe(status);
}

describe('state-changing routes need a JSON content type (issue 16 #7)', () => {
  /** Every state-changing route of every package, with a body that would succeed as JSON. */
  const routes = async (): Promise<Array<[string, string, string, string | undefined]>> => {
    const uid = (await edge.catalog.getEntityByRef('component:default/a'))!.metadata.uid!;
    const locationId = (await edge.catalog.getLocations())[0]!.id;
    return [
      ['catalog', 'POST', '/api/catalog/entities/by-query', '{"query":{"kind":"component"}}'],
      ['catalog', 'POST', '/api/catalog/entities/by-refs', '{"entityRefs":["component:default/a"]}'],
      ['catalog', 'POST', '/api/catalog/entity-facets', '{"facets":["kind"]}'],
      ['catalog', 'POST', '/api/catalog/locations', '{"type":"file","target":"./other.yaml"}'],
      ['catalog', 'POST', '/api/catalog/locations?dryRun=true', '{"type":"file","target":"./other.yaml"}'],
      ['catalog', 'POST', '/api/catalog/locations/by-query', '{}'],
      ['catalog', 'PUT', `/api/catalog/locations/${locationId}`, '{"type":"file","target":"./other.yaml"}'],
      ['catalog', 'DELETE', `/api/catalog/locations/${locationId}`, undefined],
      ['catalog', 'DELETE', `/api/catalog/entities/by-uid/${uid}`, undefined],
      ['catalog', 'POST', '/api/catalog/refresh', '{"entityRef":"component:default/a"}'],
      ['catalog', 'POST', '/api/catalog/validate-entity', '{"entity":{},"location":"url:x"}'],
      ['catalog', 'POST', '/api/catalog/analyze-location', '{"location":{"type":"file","target":"./other.yaml"}}'],
      ['scaffolder', 'POST', '/api/scaffolder/v2/tasks', '{"templateRef":"template:default/hello"}'],
      ['scaffolder', 'POST', '/api/scaffolder/v2/dry-run', JSON.stringify({ template, values: {} })],
      ['scaffolder', 'POST', `/api/scaffolder/v2/tasks/${openTaskId}/cancel`, undefined],
      ['scorecards', 'POST', '/api/scorecards/evaluate', '{}'],
      ['search', 'POST', '/api/search/query', '{}'],
    ];
  };
  // What a cross-site page can send without a CORS preflight (and a hand-made wrong type).
  const contentTypes: Array<[string, (body: string | undefined) => RequestInit]> = [
    ['text/plain', (body) => ({ headers: { 'content-type': 'text/plain' }, body: body ?? null })],
    ['text/plain from a string body', (body) => ({ body: body ?? '' })],
    ['a form', (body) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body ?? null })],
    ['multipart', (body) => ({ headers: { 'content-type': 'multipart/form-data; boundary=----x' }, body: body ?? null })],
    ['no content type, with a body', (body) => ({ body: new Blob([body ?? '{}']) })],
    ['no content type, no body', () => ({})],
    ['text/plain claiming JSON in a parameter', (body) => ({ headers: { 'content-type': 'text/plain; charset=application/json' }, body: body ?? null })],
  ];

  it.each(['handler', 'portal'] as const)('answers 415 on every route and changes nothing (through the %s)', async (via) => {
    const before = await state();
    for (const [pkg, method, url, body] of await routes()) {
      for (const [label, init] of contentTypes) {
        const request = new Request(`http://localhost${url}`, { method, ...init(body) });
        const response = via === 'handler' ? await handlers[pkg]!(request) : await portal.fetch(request);
        await expectTypedError(response, 415, 'UnsupportedMediaTypeError', `${pkg} ${method} ${url} with ${label}`);
      }
    }
    expect(await state()).toEqual(before);
  });

  it('reads odd content-type bytes as not JSON (415), and Node refuses NUL in headers (400)', async () => {
    const before = await state();
    const latin1 = Buffer.concat([Buffer.from('Content-Type: '), Buffer.from([0xff, 0xfe]), Buffer.from('\r\n')]);
    const odd = await raw('/api/catalog/refresh', { method: 'POST', headers: latin1 });
    expect(odd.status).toBe(415);
    expect(JSON.parse(odd.body).error.name).toBe('UnsupportedMediaTypeError');
    const nul = await raw('/api/catalog/refresh', { method: 'POST', headers: Buffer.from('Content-Type: application/json\0\r\n') });
    expect(nul.status).toBe(400);
    expect(await state()).toEqual(before);
  });

  it('still serves the same requests sent as JSON, bodiless ones as Backstage clients send them', async () => {
    const response = await portal.request(`/api/scaffolder/v2/tasks/${openTaskId}/cancel`, { method: 'POST', headers: json });
    expect(response.status).toBe(200);
    const added = await portal.request('/api/catalog/locations?dryRun=true', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"type":"file","target":"./other.yaml"}',
    });
    expect(added.status).toBe(201);
  });
});

describe('one spelling per path; NUL and invalid UTF-8 are typed 400s (issue 16 #3, #10, #17)', () => {
  /** A GET route of each package, with `{}` where a segment goes. */
  const routes: Array<[string, string]> = [
    ['catalog', '/api/catalog/entities/by-name/component/default/{}'],
    ['scaffolder', '/api/scaffolder/v2/tasks/{}'],
    ['scaffolder', '/api/scaffolder/v2/templates/default/template/{}/parameter-schema'],
    ['scorecards', '/api/scorecards/entities/component/default/{}'],
    ['scorecards', '/api/scorecards/scorecards/{}'],
    ['techdocs', '/api/techdocs/metadata/techdocs/default/component/{}'],
    ['techdocs', '/api/techdocs/static/docs/default/component/x/{}'],
    ['search', '/api/search/{}'],
  ];
  const segments = ['a%00b', '%00', '%ff', 'a%C0%AFb', '%E0%A4%A', 'a%zz', 'a%2fb', 'a%2Fb', 'a%5cb', '%61', 'x%2Dy', '..%2f..%2fetc'];
  const queries: Array<[string, string]> = [
    ['catalog', '/api/catalog/entities?filter=kind=%00'],
    ['catalog', '/api/catalog/entities/by-query?fullTextFilterTerm=%ff'],
    ['catalog', '/api/catalog/entities/by-query?orderField=metadata.name%00,asc'],
    ['scaffolder', '/api/scaffolder/v2/tasks?createdBy=%00'],
    ['scaffolder', '/api/scaffolder/v2/tasks?createdBy=%ff'],
    ['scorecards', '/api/scorecards/scorecards/owned?worst=%00'],
    ['search', '/api/search/query?term=%00'],
    ['search', '/api/search/query?term=%ff'],
    ['techdocs', '/api/techdocs/metadata/techdocs/default/component/x?a=%ff'],
  ];
  const empty: Array<[string, string]> = [
    ['catalog', '/api/catalog//entities'],
    ['catalog', '/api/catalog/entities/by-name/component//a'],
    ['scaffolder', '/api/scaffolder/v2//actions'],
    ['scorecards', '/api/scorecards//scorecards'],
    ['techdocs', '/api/techdocs/static/docs/default/component/x//index.html'],
    ['search', '/api/search//query?term=a'],
    ['search', '/api/search/%71uery?term=a'],
    ['scaffolder', '/api/scaffolder/v2/%61ctions'],
  ];
  const cases = [
    ...routes.flatMap(([pkg, route]) => segments.map((s) => [pkg, route.replace('{}', s)] as [string, string])),
    ...queries,
    ...empty,
  ];

  it.each(['handler', 'portal'] as const)('answers 400 InputError through the %s', async (via) => {
    for (const [pkg, url] of cases) {
      const request = new Request(`http://localhost${url}`);
      const response = via === 'handler' ? await handlers[pkg]!(request) : await portal.fetch(request);
      await expectTypedError(response, 400, 'InputError', `${pkg} ${url}`);
    }
  });

  it('answers 400 for spellings a URL parser would collapse, on a real server', async () => {
    const spellings = ['..', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '.', '%2e', 'x\\..\\..', 'a\\b'];
    for (const [pkg, route] of routes) {
      for (const spelling of spellings) {
        const target = route.replace('{}', spelling);
        const { status, body } = await raw(target);
        expect(status, `${pkg} ${target}`).toBe(400);
        expect(JSON.parse(body).error.name).toBe('InputError');
      }
    }
    // A path that climbs out of one package into another is refused, not routed.
    expect((await raw('/api/techdocs/%2e%2e/catalog/locations')).status).toBe(400);
    expect((await raw('/api/techdocs/../catalog/locations')).status).toBe(400);
    expect((await raw('/api/catalog/entities/by-name/component/default/a')).status).toBe(200);
  });

  it('keeps encodeURIComponent-encoded params working', async () => {
    const res = await portal.request(`/api/catalog/entities/by-name/${encodeURIComponent('component')}/default/${encodeURIComponent('a')}`);
    expect(res.status).toBe(200);
    const spaced = await portal.request('/api/catalog/entities/by-name/component/default/a%20b');
    await expectTypedError(spaced, 404, 'NotFoundError', 'a%20b');
  });
});

describe('JSON bodies never carry prototype keys, NUL or invalid UTF-8 (issue 16 by-query __proto__, #3)', () => {
  // Raw text: a `__proto__` key in a JS object literal would set the prototype instead.
  const bodies: Array<[string, string]> = [
    ['/api/catalog/entities/by-query', '{"query":{"__proto__":{"kind":"component"}}}'],
    ['/api/catalog/entities/by-query', '{"query":{"$all":[{"kind":"component"},{"__proto__":{"kind":"x"}}]}}'],
    ['/api/catalog/entities/by-query', '{"query":{"\\u005f_proto__":{"kind":"component"}}}'],
    ['/api/catalog/entities/by-query', '{"query":{"constructor":{"prototype":"x"}}}'],
    ['/api/catalog/entities/by-query', '{"query":{"$not":{"prototype":"x"}}}'],
    ['/api/catalog/entities/by-refs', '{"entityRefs":["component:default/a"],"query":{"__proto__":{"kind":"x"}}}'],
    ['/api/catalog/entity-facets', '{"facets":["kind"],"query":{"constructor":"x"}}'],
    ['/api/catalog/locations', '{"type":"file","target":"./other.yaml","__proto__":{"x":1}}'],
    ['/api/scaffolder/v2/tasks', '{"templateRef":"template:default/hello","values":{"__proto__":{"isAdmin":true}}}'],
    ['/api/scorecards/evaluate', '{"constructor":"x"}'],
    // NUL, which PostgreSQL refuses in text (issue 16 #3), in a predicate, a term, an order field.
    ['/api/catalog/entities/by-query', '{"query":{"kind":"component\\u0000"}}'],
    ['/api/catalog/entities/by-query', '{"fullTextFilter":{"term":"a\\u0000"}}'],
    ['/api/catalog/entities/by-query', '{"orderBy":[{"field":"metadata.name\\u0000","order":"asc"}]}'],
    ['/api/scaffolder/v2/tasks', '{"templateRef":"template:default/hello","values":{"a":"\\u0000"}}'],
  ];

  it('answers 400 for __proto__, constructor and prototype keys at any depth, NUL and bad UTF-8, in every package', async () => {
    const before = await state();
    for (const [url, text] of bodies) {
      const response = await portal.request(url, { method: 'POST', headers: json, body: text });
      await expectTypedError(response, 400, 'InputError', `${url} ${text}`);
    }
    const badUtf8 = new Uint8Array([...Buffer.from('{"query":{"kind":"'), 0xff, ...Buffer.from('"}}')]);
    const response = await portal.request('/api/catalog/entities/by-query', { method: 'POST', headers: json, body: badUtf8 });
    await expectTypedError(response, 400, 'InputError', 'invalid UTF-8 body');
    expect(await state()).toEqual(before);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});
