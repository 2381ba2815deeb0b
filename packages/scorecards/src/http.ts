import { z } from 'zod';
import { InputError, createRouter, readJsonBody } from '@portalkit/core';
import type { Handler } from '@portalkit/core';
import type { ScorecardsLibrary } from './library-types.js';

const evaluateBody = z.object({ entityRef: z.string().min(1).optional(), scorecardId: z.string().min(1).optional() }).strict();

/** A non-negative integer query parameter, or `fallback` when absent. */
function intParam(url: URL, name: string, fallback: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw new InputError(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return Math.min(Number(raw), max);
}

/**
 * The scorecards HTTP API, a thin adapter over {@link ScorecardsLibrary}:
 *
 * - `GET /scorecards`: scorecards with their levels and checks, and unusable Scorecard entities
 * - `GET /scorecards/:id?worst=10`: entities per level and the worst offenders; `:id` is a code
 *   scorecard's id or a catalog scorecard's ref, full and URL-encoded (`scorecard%3Aops%2Freadiness`)
 *   or short (`readiness` for `scorecard:default/readiness`)
 * - `GET /scorecards/:namespace/:name`: the same for `scorecard:<namespace>/<name>`, with no
 *   encoded separator
 * - `GET /entities/:kind/:namespace/:name?history=50`: latest results and history of an entity
 * - `GET /owners/:kind/:namespace/:name`: results of the entities a group owns
 * - `POST /evaluate` `{ entityRef?, scorecardId? }`: evaluate now
 *
 * Every request is identified (`auth.identify`, bad credentials are a 401) and answered as
 * `service.forPrincipal(principal, { request })`.
 */
export function createScorecardsHandler(options: { service: ScorecardsLibrary; basePath?: string | undefined }): Handler {
  const as = async (request: Request) => options.service.forPrincipal(await options.service.auth().identify(request), { request });
  const ref = (p: Record<string, string>) => `${p.kind}:${p.namespace}/${p.name}`;
  const router = createRouter({ basePath: options.basePath ?? '/' })
    .get('/scorecards', async (request) => Response.json(await (await as(request)).listScorecards()))
    .get('/scorecards/:id', async (request, { params, url }) =>
      Response.json(await (await as(request)).getScorecardSummary(params.id!, { worst: intParam(url, 'worst', 10, 1000) })),
    )
    .get('/scorecards/:namespace/:name', async (request, { params, url }) =>
      Response.json(
        await (await as(request)).getScorecardSummary(`scorecard:${params.namespace}/${params.name}`, { worst: intParam(url, 'worst', 10, 1000) }),
      ),
    )
    .get('/entities/:kind/:namespace/:name', async (request, { params, url }) =>
      Response.json(await (await as(request)).getEntityResults(ref(params), { historyLimit: intParam(url, 'history', 50, 1000) })),
    )
    .get('/owners/:kind/:namespace/:name', async (request, { params }) => Response.json(await (await as(request)).getOwnerResults(ref(params))))
    .post('/evaluate', async (request) => {
      const service = await as(request);
      const hasBody = request.headers.get('content-length') !== '0' && request.body !== null;
      const body = hasBody ? await readJsonBody(request, { maxBytes: 16 * 1024, schema: evaluateBody }) : {};
      return Response.json(await service.evaluate(body));
    });
  return router.handler;
}
