import { InputError } from './errors.js';
import type { Logger } from './logger.js';

/**
 * Options of the portal's health routes (`createPortal({ health })`); `health: false` removes them.
 *
 * @example
 * ```ts
 * const health: HealthOptions = { aliases: false, checkTimeoutMs: 1_000 };
 * createPortal({ plugins, health });
 * ```
 */
export interface HealthOptions {
  /** Also answer `/healthz` and `/readyz` (Kubernetes' usual names); default true. */
  aliases?: boolean;
  /** Each readiness check fails when it takes longer than this; default 2000 ms. */
  checkTimeoutMs?: number;
}

/** A named readiness check: resolves when its dependency answers, throws (or times out) otherwise. */
interface NamedCheck {
  name: string;
  check(signal: AbortSignal): Promise<void> | void;
}

/** What the health routes need to know about the portal. */
interface HealthState {
  /** True between the end of `start()` and the beginning of `stop()`. */
  isReady(): boolean;
  /** `starting` before `start()` finished, `stopping` after `stop()` began. */
  phase(): 'starting' | 'ready' | 'stopping';
  checks(): readonly NamedCheck[];
  logger: Logger;
}

const LIVENESS = ['/.backstage/health/v1/liveness'];
const READINESS = ['/.backstage/health/v1/readiness'];
const NO_STORE = { 'cache-control': 'no-store' };

/**
 * The liveness and readiness routes Backstage serves, plus `/healthz` and `/readyz`. Liveness
 * answers 200 while the process can answer at all; readiness answers 503 until every plugin
 * started, after `stop()` began, and while a plugin's readiness check fails. Failed checks are
 * named in the answer but their errors only go to the log: a probe is unauthenticated and an
 * error message may carry a host name or a connection string.
 * Returns `undefined` for every other request.
 */
export function createHealthRoutes(options: HealthOptions, state: HealthState): (request: Request) => Promise<Response> | undefined {
  const timeoutMs = options.checkTimeoutMs ?? 2_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new InputError(`createPortal: health.checkTimeoutMs must be a positive number, got ${JSON.stringify(options.checkTimeoutMs)}`);
  }
  const aliases = options.aliases ?? true;
  const liveness = new Set(aliases ? [...LIVENESS, '/healthz'] : LIVENESS);
  const readiness = new Set(aliases ? [...READINESS, '/readyz'] : READINESS);

  const runCheck = async ({ name, check }: NamedCheck): Promise<[string, string]> => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve('timed out');
      }, timeoutMs);
    });
    try {
      const outcome = await Promise.race([Promise.resolve(check(controller.signal)).then(() => 'ok' as const), timedOut]);
      if (outcome !== 'ok') state.logger.warn('readiness check timed out', { check: name, timeoutMs });
      return [name, outcome];
    } catch (error) {
      state.logger.warn('readiness check failed', { check: name, error });
      return [name, 'failed'];
    } finally {
      clearTimeout(timer);
    }
  };

  const ready = async (): Promise<Response> => {
    if (!state.isReady()) {
      const message = state.phase() === 'stopping' ? 'The portal is stopping' : 'The portal has not started yet';
      return Response.json({ status: 'error', message }, { status: 503, headers: NO_STORE });
    }
    const checks = Object.fromEntries(await Promise.all(state.checks().map(runCheck)));
    const failed = Object.values(checks).some((outcome) => outcome !== 'ok');
    // A stop that began while the checks ran wins.
    if (failed || !state.isReady()) {
      const message = failed ? 'A readiness check failed' : 'The portal is stopping';
      return Response.json({ status: 'error', message, checks }, { status: 503, headers: NO_STORE });
    }
    return Response.json({ status: 'ok', checks }, { headers: NO_STORE });
  };

  return (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const { pathname } = new URL(request.url);
    if (liveness.has(pathname)) return Promise.resolve(Response.json({ status: 'ok' }, { headers: NO_STORE }));
    if (readiness.has(pathname)) return ready();
    return undefined;
  };
}
