/**
 * Severity of a log record.
 * @example
 * ```ts
 * const level: LogLevel = process.env.DEBUG ? 'debug' : 'info';
 * ```
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * One log record as handed to a sink.
 * @example
 * ```ts
 * const sink: LogSink = (record: LogRecord) => process.stdout.write(JSON.stringify(record) + '\n');
 * ```
 */
export interface LogRecord {
  level: LogLevel;
  message: string;
  time: string;
  fields: Record<string, unknown>;
}

/**
 * Where log records go: the console, a file, a test array, a host's logger.
 * @example
 * ```ts
 * const pinoSink: LogSink = ({ level, message, fields }) => pino[level](fields, message);
 * ```
 */
export type LogSink = (record: LogRecord) => void;

/**
 * A structured logger with child loggers that carry fields.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'info' });
 * logger.child({ plugin: 'catalog' }).info('ingested', { count: 3 });
 * ```
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose records also carry `fields`. */
  child(fields: Record<string, unknown>): Logger;
}

/**
 * Options of {@link createLogger}.
 * @example
 * ```ts
 * createLogger({ level: 'debug', fields: { service: 'portal' }, secrets: [token] });
 * ```
 */
export interface LoggerOptions {
  /** Lowest level written; default `info`. */
  level?: LogLevel;
  /** Record destination; default {@link consoleSink}. */
  sink?: LogSink;
  /** Fields on every record. */
  fields?: Record<string, unknown>;
  /** Secret values replaced by `***` in messages and string fields before the sink sees them. */
  secrets?: Iterable<string>;
  /** Extra redaction applied last, e.g. to mask tokens by pattern. */
  redact?: (record: LogRecord) => LogRecord;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Writes one line per record: `time level message {fields}` to stderr/stdout.
 * @example
 * ```ts
 * createLogger({ sink: consoleSink });
 * ```
 */
export const consoleSink: LogSink = (record) => {
  const extra = Object.keys(record.fields).length ? ` ${safeJson(record.fields)}` : '';
  const line = `${record.time} ${record.level.padEnd(5)} ${record.message}${extra}`;
  if (record.level === 'error' || record.level === 'warn') console.error(line);
  else console.log(line);
};

/**
 * A sink that keeps records in an array, for tests.
 * @example
 * ```ts
 * const sink = memorySink();
 * createLogger({ sink }).info('hi');
 * sink.records[0]?.message; // 'hi'
 * ```
 */
export function memorySink(): LogSink & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const sink = ((record: LogRecord) => {
    records.push(record);
  }) as LogSink & { records: LogRecord[] };
  sink.records = records;
  return sink;
}

/**
 * Replace every occurrence of each secret in a string by `***`, also in its JSON-escaped,
 * percent-encoded and base64 forms.
 * @example
 * ```ts
 * redactSecrets('token abc', ['abc']); // 'token ***'
 * ```
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    // Very short secrets would blank out ordinary words.
    if (secret.length < 3) continue;
    for (const form of secretForms(secret)) if (out.includes(form)) out = out.split(form).join('***');
  }
  return out;
}

const formsCache = new Map<string, string[]>();

/**
 * A secret as it commonly reaches a log line: itself, JSON-escaped (logged inside a JSON
 * string), percent-encoded (in a URL's userinfo or query) and base64/base64url (in an
 * `Authorization` header), longest first.
 */
function secretForms(secret: string): string[] {
  let forms = formsCache.get(secret);
  if (!forms) {
    const bytes = Buffer.from(secret, 'utf8');
    forms = [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), bytes.toString('base64'), bytes.toString('base64url')])]
      .sort((a, b) => b.length - a.length);
    // Bounded: a process handles few distinct secrets, but never let this grow without limit.
    if (formsCache.size > 1000) formsCache.clear();
    formsCache.set(secret, forms);
  }
  return forms;
}

function redactValue(value: unknown, secrets: string[], depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  if (value instanceof Error) return redactSecrets(`${value.name}: ${value.message}`, secrets);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, secrets, depth + 1);
  return out;
}

/**
 * Create a {@link Logger}.
 * @example
 * ```ts
 * const logger = createLogger({ level: 'debug', secrets: [process.env.TOKEN ?? ''] });
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const min = order[options.level ?? 'info'];
  const sink = options.sink ?? consoleSink;
  const secrets = [...(options.secrets ?? [])].filter(Boolean);
  const make = (base: Record<string, unknown>): Logger => {
    const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
      if (order[level] < min) return;
      let record: LogRecord = {
        level,
        message,
        time: new Date().toISOString(),
        fields: { ...base, ...fields },
      };
      if (secrets.length) {
        record = {
          ...record,
          message: redactSecrets(record.message, secrets),
          fields: redactValue(record.fields, secrets) as Record<string, unknown>,
        };
      }
      if (options.redact) record = options.redact(record);
      sink(record);
    };
    return {
      debug: (m, f) => write('debug', m, f),
      info: (m, f) => write('info', m, f),
      warn: (m, f) => write('warn', m, f),
      error: (m, f) => write('error', m, f),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make({ ...options.fields });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (v instanceof Error ? `${v.name}: ${v.message}` : v));
  } catch {
    return '[unserializable]';
  }
}
