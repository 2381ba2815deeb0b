/**
 * The standing guarantee "no request crashes the process": every package's handler, composed
 * into one portal, answers arbitrary and hostile requests with a typed 4xx/5xx (or a success),
 * never leaves an unhandled rejection, and never changes what is already stored — on the memory,
 * PGlite and PostgreSQL stores.
 *
 * CI runs a few hundred cases per store (the fixed seed of test/support/fast-check-seed.ts);
 * `PORTALKIT_FUZZ_RUNS=5000 npx vitest run test/fuzz/http-handlers` runs longer.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFuzzPortal, HTTP_ERROR_NAMES, type FuzzPortal, type StoreKind } from '../support/fuzz-portal.js';
import { postgresSkipReason } from '../support/postgres.js';
import { httpRequest, rawRequest } from '../support/http-arbitraries.js';
import { expectPrototypeClean } from '../support/typed.js';

const runs = Number(process.env.PORTALKIT_FUZZ_RUNS ?? 250);
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../packages/catalog/fixtures');

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

/** Lets rejections that nobody awaited surface before the check (they are reported a tick late). */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A response is acceptable when it succeeds, or fails with Backstage's error body and a typed error. */
async function expectTypedResponse(response: Response, described: string): Promise<void> {
  expect(response.status, described).toBeGreaterThanOrEqual(100);
  expect(response.status, described).toBeLessThan(600);
  // Event streams never end by themselves: their status and headers are the answer.
  if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return void (await response.body?.cancel());
  const text = await response.text();
  if (response.status < 400) return;
  let body: { error?: { name?: string }; errors?: Array<{ name?: string }>; response?: { statusCode?: number } };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${described}: ${response.status} without Backstage's JSON error body: ${text.slice(0, 200)}`);
  }
  if (response.status === 400 && Array.isArray(body.errors) && /\/validate-entity\/?$/.test(new URL(described.split(' ')[1]!).pathname)) {
    // Backstage's `POST /validate-entity` answers `{ errors: [...] }`, one per problem.
    for (const error of body.errors) expect(HTTP_ERROR_NAMES, `${described}: untyped error ${JSON.stringify(error)}`).toContain(error.name);
    return;
  }
  expect(body.response?.statusCode, described).toBe(response.status);
  expect(HTTP_ERROR_NAMES, `${described}: untyped error ${JSON.stringify(body.error)}`).toContain(body.error?.name);
  // A 500 is a crash that was caught, not an answer: every failure a client can cause is a 4xx,
  // and a 5xx must say why (a store that is unavailable, a feature not implemented).
  expect(response.status === 500, `${described}: 500 ${JSON.stringify(body.error)}`).toBe(false);
}

const stores: StoreKind[] = ['memory', 'pglite', 'postgres'];

describe.each(stores)('every handler on the %s stores under hostile requests', (kind) => {
  let portal: FuzzPortal | undefined;
  let skip: string | false = false;

  beforeAll(async () => {
    if (kind === 'postgres') skip = await postgresSkipReason();
    if (skip) return;
    portal = await createFuzzPortal(kind, fixtures);
  }, 120_000);
  afterAll(async () => {
    await portal?.close();
  });

  it('answers every request typed, without unhandled rejections, and keeps the stored data', async (context) => {
    if (skip) return context.skip(skip);
    const p = portal!;
    const first = await p.snapshot();
    expect(first.entities.length).toBeGreaterThan(10);
    expect(first.tasks.join()).toMatch(/:processing/);
    await fc.assert(
      fc.asyncProperty(httpRequest(p.known), async (req) => {
        let request: Request;
        try {
          request = req.build('http://portal.test');
        } catch {
          return; // the client side refuses to build it (e.g. a body on GET): nothing reaches the server
        }
        const described = `${request.method} ${request.url}`;
        const before = await p.snapshot();
        const response = await p.portal.fetch(request);
        await expectTypedResponse(response, described);
        await settle();
        expect(unhandled.map(String), described).toEqual([]);
        // A request that failed changed nothing (a valid one, e.g. cancelling the held task, may).
        if (response.status >= 300) expect(await p.snapshot(), described).toEqual(before);
      }),
      { numRuns: runs },
    );
    expectPrototypeClean();
  }, 300_000);

  it('survives raw HTTP requests over a socket (request line and headers as bytes)', async (context) => {
    if (skip) return context.skip(skip);
    const p = portal!;
    const server = await p.portal.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = Number(new URL(server.url).port);
      await fc.assert(
        fc.asyncProperty(rawRequest(p.known), async (bytes) => {
          const reply = await p.send(port, bytes);
          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);
          // Node's parser may close the socket on garbage; otherwise the answer is typed.
          if (status !== 0) expect(status === 500, `${JSON.stringify(bytes.toString('latin1').slice(0, 200))} -> ${reply.slice(0, 300)}`).toBe(false);
          await settle();
          expect(unhandled.map(String)).toEqual([]);
        }),
        { numRuns: Math.max(20, Math.floor(runs / 5)) },
      );
      // Still serving.
      const ok = await fetch(`${server.url}/api/catalog/entities?limit=1`);
      expect(ok.status).toBe(200);
    } finally {
      await server.close();
    }
  }, 300_000);
});
