import type { CliStream } from './command.js';

/**
 * Options of {@link createProgress}.
 *
 * @example
 * ```ts
 * const options: ProgressOptions = { stream: io.stderr, label: 'render' };
 * ```
 */
export interface ProgressOptions {
  stream: CliStream;
  label: string;
  /** Least time between two redraws on a terminal. Default 80 ms. */
  redrawMs?: number;
  /** Least time between two plain lines when not on a terminal. Default 2 s. */
  lineMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * A one-line progress display on stderr: a bar redrawn in place on a terminal (a bouncing block
 * when the total is not known); elsewhere a plain line every `lineMs` and one at the end, so logs
 * of CI runs stay short.
 *
 * @example
 * ```ts
 * const progress = createProgress({ stream: io.stderr, label: 'render' });
 * progress.update(3, 10, 'guide.md');
 * progress.done('10 pages');
 * ```
 */
export interface Progress {
  /** Report `done` of `total` (omit `total` when it is not known yet). */
  update(done: number, total?: number, detail?: string): void;
  /** Draw the final state and end the line. */
  done(summary: string): void;
}

const barWidth = 20;

/**
 * Create a {@link Progress}. Hand-rolled: a dozen lines cover both modes, and progress libraries
 * add dependencies and their own TTY handling for no gain here.
 *
 * @example
 * ```ts
 * const progress = createProgress({ stream: process.stderr, label: 'ingest' });
 * ```
 */
export function createProgress(options: ProgressOptions): Progress {
  const { stream, label } = options;
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  const interval = tty ? (options.redrawMs ?? 80) : (options.lineMs ?? 2000);
  // Plain lines start after one interval, so a quick step prints only its final line.
  let last: number | undefined = tty ? undefined : now();
  let frame = 0;
  let drawn = false;

  const bar = (done: number, total: number | undefined) => {
    if (total === undefined || total <= 0) {
      // Unknown total: a block moving back and forth.
      const span = barWidth - 4;
      const step = frame++ % (span * 2);
      const at = step < span ? step : span * 2 - step;
      return `[${' '.repeat(at)}====${' '.repeat(span - at)}]`;
    }
    const filled = Math.min(barWidth, Math.round((done / total) * barWidth));
    return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  };
  const count = (done: number, total: number | undefined) => (total === undefined ? `${done}` : `${done}/${total}`);
  const fit = (line: string) => {
    const columns = stream.columns ?? 80;
    return line.length >= columns ? `${line.slice(0, Math.max(columns - 2, 10))}…` : line;
  };

  return {
    update(done, total, detail) {
      const t = now();
      if (last !== undefined && t - last < interval) return;
      last = t;
      const text = `${label} ${tty ? `${bar(done, total)} ` : ''}${count(done, total)}${detail ? ` ${detail}` : ''}`;
      if (tty) {
        stream.write(`\r${fit(text)}\x1b[K`);
        drawn = true;
      } else stream.write(`${text}\n`);
    },
    done(summary) {
      if (tty) stream.write(`${drawn ? '\r' : ''}${fit(`${label} ${summary}`)}\x1b[K\n`);
      else stream.write(`${label} ${summary}\n`);
    },
  };
}
