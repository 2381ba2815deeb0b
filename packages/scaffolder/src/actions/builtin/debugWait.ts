import { z } from 'zod';
import { InputError } from '@portalkit/core';
import { createAction } from '../createAction.js';

/** Options of {@link createDebugWaitAction}. */
export interface DebugWaitActionOptions {
  /** The longest wait a template may ask for, in milliseconds; default 30 000 (Backstage's 30 s). */
  maxWaitMs?: number;
}

const amount = (title: string) => z.number().finite().nonnegative().optional().describe(title);

/**
 * `debug:wait`: wait `minutes` + `seconds` + `milliseconds` (at most `maxWaitMs`, default 30 s,
 * else an `InputError`); a cancelled task ends the wait at once.
 *
 * @example
 * ```yaml
 * - action: debug:wait
 *   input: { seconds: 5 }
 * ```
 */
export function createDebugWaitAction(options: DebugWaitActionOptions = {}) {
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) throw new Error('createDebugWaitAction: maxWaitMs must be a non-negative number');
  return createAction({
    id: 'debug:wait',
    description: 'Waits for a certain period of time.',
    // As in Backstage, a dry run skips the wait.
    examples: [{ description: 'Waiting for 5 seconds', example: 'steps:\n  - id: wait-5sec\n    name: Waiting for 5 seconds\n    action: debug:wait\n    input:\n      seconds: 5' }],
    schema: {
      input: z.object({
        minutes: amount('Waiting period in minutes.'),
        seconds: amount('Waiting period in seconds.'),
        milliseconds: amount('Waiting period in milliseconds.'),
      }),
    },
    async handler(ctx) {
      const { minutes = 0, seconds = 0, milliseconds = 0 } = ctx.input;
      const delay = minutes * 60_000 + seconds * 1000 + milliseconds;
      if (delay > maxWaitMs) throw new InputError(`Waiting duration is longer than the maximum threshold of ${maxWaitMs / 1000} seconds`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          ctx.signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, delay);
        if (ctx.signal.aborted) done();
        else ctx.signal.addEventListener('abort', done, { once: true });
      });
    },
  });
}
