import fc from 'fast-check';
import { pollutionKeys } from './typed.js';

/**
 * fast-check arbitraries for hostile HTTP requests to a composed portal: real route shapes of
 * every package with parameters, query strings, headers and bodies drawn from the spellings that
 * have broken servers before (NUL, undecodable or encoded separators, dot segments, lone
 * surrogates, prototype keys, huge and odd values).
 */

/** Route templates of every package's handler, as mounted by the portal. */
const routes = [
  'GET /api/catalog/entities',
  'GET /api/catalog/entities/by-query',
  'POST /api/catalog/entities/by-query',
  'POST /api/catalog/entities/by-refs',
  'GET /api/catalog/entities/by-uid/:p',
  'DELETE /api/catalog/entities/by-uid/:p',
  'GET /api/catalog/entities/by-name/:p/:p/:p',
  'GET /api/catalog/entities/by-name/:p/:p/:p/ancestry',
  'GET /api/catalog/entity-facets',
  'POST /api/catalog/entity-facets',
  'POST /api/catalog/locations',
  'GET /api/catalog/locations',
  'POST /api/catalog/locations/by-query',
  'PUT /api/catalog/locations/:p',
  'GET /api/catalog/locations/:p',
  'DELETE /api/catalog/locations/:p',
  'GET /api/catalog/locations/by-entity/:p/:p/:p',
  'POST /api/catalog/refresh',
  'POST /api/catalog/validate-entity',
  'POST /api/catalog/analyze-location',
  'GET /api/scaffolder/v2/actions',
  'POST /api/scaffolder/v2/dry-run',
  'GET /api/scaffolder/v2/templates/:p/:p/:p/parameter-schema',
  'GET /api/scaffolder/v2/tasks',
  'POST /api/scaffolder/v2/tasks',
  'GET /api/scaffolder/v2/tasks/:p',
  'POST /api/scaffolder/v2/tasks/:p/cancel',
  'GET /api/scaffolder/v2/tasks/:p/events',
  'GET /api/scaffolder/v2/tasks/:p/eventstream',
  'GET /api/search/query',
  'GET /api/scorecards/scorecards',
  'GET /api/scorecards/scorecards/:p',
  'GET /api/scorecards/entities/:p/:p/:p',
  'GET /api/scorecards/owners/:p/:p/:p',
  'POST /api/scorecards/evaluate',
  'GET /api/techdocs/static/docs/:p/:p/:p/:p',
  'GET /api/techdocs/metadata/techdocs/:p/:p/:p',
  'GET /api/techdocs/metadata/entity/:p/:p/:p',
  'GET /api/techdocs/sync/:p/:p/:p',
  'POST /api/events/http/github',
  'POST /api/events/http/gitlab',
  'POST /api/events/http/:p',
];

/** Values that name real things in the fixture catalog, so requests also reach deep code. */
const known = ['component', 'Component', 'default', 'group', 'template', 'api', 'orders', 'team-a', 'service-template', 'acme-catalog', 'user'];

/** Pieces of text that broke parsers, stores or path checks somewhere. */
const hostile = [
  '\u0000', '%00', 'a%00b', '%ff', '%fe%ff', '%c0%af', '%e0%a4%a', '%', '%zz', '%2f', '%2F', '%5c', '%5C', '\\', '..', '.', '%2e%2e', '.%2e',
  '%252f', '%61', '//', '///', '\ud800', '\udfff', 'a\ud800b', '\u202e', '\r\n', '\t', ' ', '*', '?', '#', '&', '=', ';', ',',
  '[', ']', '{}', '[]', 'null', 'NaN', '-1', '1e309', '9007199254740993', '0x10', "'", '"', "'; DROP TABLE entities; --",
  ...pollutionKeys, 'kind=component', 'metadata.name', 'spec.owner', 'relations.ownedBy', 'metadata.__proto__', 'x'.repeat(3000),
  'javascript:alert(1)', 'file:///etc/passwd', 'http://127.0.0.1:1/', '../../../../etc/passwd',
];

/** The few spellings behind most past crashes, drawn more often than the rest. */
const worst = ['\u0000', '%00', '%ff', '%zz', '%2f', '%2e%2e', '\ud800', '//'];

const piece = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...worst) },
  { weight: 3, arbitrary: fc.constantFrom(...hostile) },
  { weight: 2, arbitrary: fc.constantFrom(...known) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);
const text = fc.array(piece, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(''));

/** Percent-encode as a browser would, or leave raw (the URL parser then keeps or escapes it). */
const spelled = fc.tuple(text, fc.boolean()).map(([t, encode]) => (encode ? safeEncode(t) : t));

function safeEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value; // lone surrogates cannot be encoded: send them raw
  }
}

const queryKeys = [
  'filter', 'fields', 'order', 'orderField', 'fullTextFilterTerm', 'fullTextFilterFields', 'cursor', 'limit', 'offset', 'after',
  'facet', 'term', 'types', 'types[0]', 'filters[kind]', 'pageCursor', 'pageLimit', 'entityRef', 'createdBy', 'status', 'level',
  'history', 'since', 'until', ...pollutionKeys,
];
/** A plausible value with something hostile inside it (`kind=comp%00onent`), or anything at all. */
const queryValue = fc.oneof(
  fc.tuple(fc.constantFrom('kind=component', 'metadata.name,asc', 'metadata.name', 'orders', 'spec.type=service', 'service'), fc.nat(20), spelled).map(
    ([good, at, bad]) => good.slice(0, at) + bad + good.slice(at),
  ),
  spelled,
);
const query = fc
  .array(fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...queryKeys) }, { weight: 1, arbitrary: spelled }), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

/** A route with its `:p` segments filled in: with names of real things (`extra`: ids known only at run time) or hostile text. */
const routePath = (extra: string[]) =>
  fc
    .tuple(fc.constantFrom(...routes), fc.array(fc.oneof(fc.constantFrom(...known, ...extra), spelled), { minLength: 6, maxLength: 6 }), fc.constantFrom('', '', '', '/', '//x', '/..', '/%2e%2e/x'))
    .map(([route, values, tail]) => {
      const [method, template] = route.split(' ') as [string, string];
      let i = 0;
      return { method, path: template.replace(/:p/g, () => values[i++] ?? 'x') + tail };
    });

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...pollutionKeys, ...queryKeys, 'type', 'target', 'entityRefs', 'templateRef', 'values', 'secrets', 'template', 'directoryContents', 'entity', 'location', 'query', 'filter', 'entityRef', 'kind'), text), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const body = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: json.map((v) => JSON.stringify(v) ?? 'null') },
  // `JSON.stringify` drops `__proto__` keys set through a dictionary's prototype; write them by hand.
  { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"polluted":1}}', '{"filter":{"__proto__":{"kind":"x"}}}', '{"query":{"$all":[{"__proto__":1}]}}') },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '[', 'null', '"x"', '1e999', '{"a":1}{"b":2}', '\u0000', 'a=b&c=d', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
);

const contentTypes = [
  undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x', 'application/json\u0000', 'application/jsonx', '', 'APPLICATION/JSON',
];

const headers = fc.record(
  {
    // Mostly JSON, so bodies get past the content-type check and reach the routes.
    'content-type': fc.oneof({ weight: 4, arbitrary: fc.constant('application/json') }, { weight: 3, arbitrary: fc.constantFrom(...contentTypes) }, { weight: 1, arbitrary: text }),
    accept: fc.constantFrom('application/json', 'text/event-stream', '*/*', 'text/html'),
    'if-none-match': fc.oneof(fc.constant('"x"'), text),
    'last-event-id': text,
    'content-length': fc.constantFrom('0', '-1', '99999999999'),
    // Webhook deliveries: events, and tokens/signatures (the fuzz portal's GitLab token is `team-a`).
    'x-github-event': fc.constantFrom('push', 'ping', 'issues', ''),
    'x-hub-signature-256': fc.oneof(fc.constant(`sha256=${'0'.repeat(64)}`), text),
    'x-gitlab-event': fc.constantFrom('Push Hook', 'Tag Push Hook', 'Issue Hook', ''),
    'x-gitlab-token': fc.oneof(fc.constantFrom('team-a'), text),
  },
  { requiredKeys: [] },
);

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/**
 * Hostile requests; `extra` adds names of real things (a task id) to draw path segments from.
 * `build(base)` makes the `Request` (it may throw where the Fetch API refuses, e.g. a body on GET).
 */
export const httpRequest = (extra: string[] = []) =>
  fc
    .record({
      route: routePath(extra),
      method: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...methods) }),
      query,
      headers,
      body,
    })
    .map((r) => ({
      ...r,
      build(base: string): Request {
        const method = r.method ?? r.route.method;
        const init: RequestInit = { method, headers: cleanHeaders(r.headers) };
        if (r.body !== undefined && method !== 'GET' && method !== 'HEAD') init.body = r.body;
        return new Request(base + r.route.path + r.query, init);
      },
      toString() {
        return `${r.method ?? r.route.method} ${r.route.path}${r.query} ${JSON.stringify(r.headers)} ${typeof r.body === 'string' ? r.body.slice(0, 200) : String(r.body)}`;
      },
    }));

function cleanHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  // content-length is set by fetch from the body; a hand-set one is sent only over raw sockets.
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && k !== 'content-length') out[k] = v;
  return out;
}

/** Raw bytes of an HTTP/1.1 request: request targets and header values a URL parser would never produce. */
export const rawRequest = (extra: string[] = []) =>
  fc
    .record({ route: routePath(extra), query, headers, body: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }) })
    .map(({ route, query: q, headers: h, body: b }) => {
      const lines = [`${route.method} ${route.path}${q} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
      for (const [k, v] of Object.entries(h)) if (v !== undefined && k !== 'content-length') lines.push(`${k}: ${v}`);
      const payload = Buffer.from(b ?? '', 'utf8');
      lines.push(`Content-Length: ${payload.length}`);
      return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), payload]);
    });
