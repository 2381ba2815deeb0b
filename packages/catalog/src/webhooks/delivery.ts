import { AuthenticationError, NotAllowedError, readJsonBody, readLimitedBody } from '@portalkit/core';
import type { PushEvent, WebhookSecrets } from '@portalkit/integrations';

/** One host's webhook format: how a delivery is authenticated, named and read. */
export interface WebhookFormat {
  type: 'github' | 'gitlab';
  /** The delivery's id and event name, from headers (shown in audit records). */
  describe(request: Request): { delivery: string; event: string };
  /** Whether the delivery is authentic for one host's secrets. */
  verify(request: Request, body: Buffer, secrets: readonly string[]): Promise<boolean> | boolean;
  /** Whether `event` is a push; other events are acknowledged and ignored. */
  isPush(event: string): boolean;
  /** The push payload (parsed JSON) as a host-neutral event; an InputError when malformed. */
  parsePush(payload: unknown): PushEvent;
}

/** What a verified delivery is. */
export type Delivery =
  | { kind: 'ignored'; delivery: string; event: string }
  | { kind: 'push'; delivery: string; event: string; push: PushEvent };

/**
 * Read, authenticate and parse one delivery, in that order: the raw body (at most `maxBytes`,
 * else 413), then the signature or token against every host's secrets of this format (none
 * matches: 401), and only then the JSON (415 unless JSON, 400 when malformed or off-schema).
 * A push must name a repository on a host whose secret authenticated it (else 403), so one
 * host's secret cannot trigger refreshes of another host's repositories.
 */
export async function readDelivery(
  request: Request,
  options: { format: WebhookFormat; secrets: readonly WebhookSecrets[]; maxBytes: number },
): Promise<Delivery> {
  const { format } = options;
  const { delivery, event } = format.describe(request);
  const body = await readLimitedBody(request, { maxBytes: options.maxBytes, what: 'webhook body' });
  const signers: string[] = [];
  for (const set of options.secrets) {
    if (set.type === format.type && (await format.verify(request, body, set.secrets))) signers.push(set.host);
  }
  if (signers.length === 0) throw new AuthenticationError(`webhook delivery is not authenticated by any configured ${format.type} webhook secret`);
  if (!format.isPush(event)) return { kind: 'ignored', delivery, event };

  // The bytes were verified; the core JSON reader checks the content type and parses them safely.
  const payload = await readJsonBody(
    new Request(request.url, { method: 'POST', headers: { 'content-type': request.headers.get('content-type') ?? '' }, body: new Uint8Array(body) }),
    { maxBytes: options.maxBytes },
  );
  const push = format.parsePush(payload);
  if (!signers.includes(push.host)) {
    throw new NotAllowedError(`the ${format.type} webhook secret that authenticated this delivery is not configured for the repository's host`);
  }
  return { kind: 'push', delivery, event, push };
}

/** A header value fit for an audit record: short, plain characters, else a placeholder. */
export function headerId(request: Request, name: string): string {
  const value = request.headers.get(name);
  if (value === null) return '(none)';
  return /^[A-Za-z0-9_.:-]{1,128}$/.test(value) ? value : '(invalid)';
}
