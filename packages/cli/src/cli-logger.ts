import { createLogger, serializeError } from '@portalkit/core';
import type { LogLevel, Logger } from '@portalkit/core';
import type { CliIo } from './command.js';

const levels = new Set<string>(['debug', 'info', 'warn', 'error']);

/**
 * The logger commands hand to the libraries: `level: message {fields}` lines on stderr, from
 * `warn` up unless `PORTALKIT_LOG_LEVEL` says otherwise.
 */
export function createCliLogger(io: CliIo): Logger {
  const wanted = io.env.PORTALKIT_LOG_LEVEL;
  const level: LogLevel = wanted && levels.has(wanted) ? (wanted as LogLevel) : 'warn';
  return createLogger({
    level,
    sink: ({ level: at, message, fields }) => {
      const shown = Object.fromEntries(
        Object.entries(fields).map(([k, v]) => [k, v instanceof Error ? serializeError(v) : v]),
      );
      const extra = Object.keys(shown).length ? ` ${JSON.stringify(shown)}` : '';
      io.stderr.write(`${at}: ${message}${extra}\n`);
    },
  });
}
