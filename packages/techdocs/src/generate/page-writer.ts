import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveWithin } from '../paths.js';

/** Writes rendered pages into the output directory. */
export interface PageWriter {
  /** Queue a page; written at once unless the writer holds pages back. */
  add(output: string, html: string): Promise<void>;
  /** Write whatever is held back and wait for every write. */
  flush(): Promise<void>;
}

/** Options of {@link createPageWriter}. */
export interface PageWriterOptions {
  /** Absolute output directory. */
  output: string;
  /** Keep every page in memory until `flush` (strict builds: a failing build writes nothing). */
  holdBack: boolean;
  /** The incremental-build cache, removed before the first page is written. */
  cacheFile: string;
  /** Writes in flight at once. */
  concurrency?: number;
}

/**
 * A page writer for one build. Without `holdBack` each page is written as soon as it is
 * rendered, so the writes overlap the rendering of the next pages and the HTML (the whole nav
 * on every page) does not pile up in memory. Before the first write the cache is removed: a
 * build that dies half way must not leave pages newer than the cache believes them to be.
 *
 * @example
 * ```ts
 * const writer = createPageWriter({ output, holdBack: false, cacheFile });
 * await writer.add('guide/index.html', html);
 * await writer.flush();
 * ```
 */
export function createPageWriter(options: PageWriterOptions): PageWriter {
  const limit = options.concurrency ?? 16;
  const held: Array<[string, string]> = [];
  const inFlight = new Set<Promise<void>>();
  let ready: Promise<void> | undefined;
  let failure: unknown;
  const prepare = () =>
    (ready ??= (async () => {
      await mkdir(options.output, { recursive: true });
      await rm(options.cacheFile, { force: true });
    })());
  const write = async (output: string, html: string) => {
    await prepare();
    const target = resolveWithin(options.output, output, 'page output');
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, html);
  };
  const start = async (output: string, html: string) => {
    const task = write(output, html).then(
      () => {
        inFlight.delete(task);
      },
      (error: unknown) => {
        inFlight.delete(task);
        failure ??= error;
      },
    );
    inFlight.add(task);
    while (inFlight.size >= limit) await Promise.race(inFlight);
    if (failure) throw failure;
  };
  return {
    async add(output, html) {
      if (options.holdBack) held.push([output, html]);
      else await start(output, html);
    },
    async flush() {
      for (const [output, html] of held.splice(0)) await start(output, html);
      await Promise.all(inFlight);
      if (failure) throw failure;
    },
  };
}
