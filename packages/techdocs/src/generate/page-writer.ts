import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { resolveWithin } from '../paths.js';

/** Writes rendered pages into the output directory. */
export interface PageWriter {
  /** Write (or hand off) a page now, unless the writer holds pages back. */
  add(output: string, html: string): void;
  /** Write whatever is held back and wait until every page is on disk. */
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
  /** Write on a worker thread instead of the calling one (for builds of many pages). */
  background?: boolean;
}

// The writer thread: creates each folder once and writes each page as it arrives, in order.
// An eval'd script, so it runs the same from the sources and from dist/; dynamic imports only,
// as it may be run as CommonJS or as a module (it inherits the parent's flags).
const writerScript = `
Promise.all([import('node:worker_threads'), import('node:fs'), import('node:path')]).then(([{ parentPort }, fs, path]) => {
  const made = new Set();
  let failure = null;
  parentPort.on('message', (message) => {
    if (message === null) return parentPort.postMessage(failure);
    if (failure) return;
    try {
      const dir = path.dirname(message[0]);
      if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
      fs.writeFileSync(message[0], message[1]);
    } catch (error) {
      failure = { message: String((error && error.message) || error), code: error && error.code };
    }
  });
});
`;

/**
 * A page writer for one build. Without `holdBack` each page goes out as soon as it is rendered,
 * so the HTML (the whole nav on every page) does not pile up in memory. Before the first write
 * the cache is removed: a build that dies half way must not leave pages newer than the cache
 * believes them to be.
 *
 * Pages are written synchronously, each folder created once. With `background` that happens on
 * a worker thread, so the rendering never waits for the disk: 1000 pages are ~60 MB, which took
 * 0.3-1.4 s to write on a busy machine, as long as rendering them. (fs/promises was no answer:
 * an open, a write and a close per page on the thread pool cost the main thread as much.)
 *
 * @example
 * ```ts
 * const writer = createPageWriter({ output, holdBack: false, cacheFile, background: pages > 50 });
 * writer.add('guide/index.html', html);
 * await writer.flush();
 * ```
 */
export function createPageWriter(options: PageWriterOptions): PageWriter {
  const held: Array<[string, string]> = [];
  const made = new Set<string>();
  let ready = false;
  let worker: Worker | undefined;
  const write = (output: string, html: string) => {
    if (!ready) {
      mkdirSync(options.output, { recursive: true });
      rmSync(options.cacheFile, { force: true });
      ready = true;
    }
    const target = resolveWithin(options.output, output, 'page output');
    if (options.background) {
      worker ??= new Worker(writerScript, { eval: true });
      worker.postMessage([target, html]);
      return;
    }
    const dir = path.dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(target, html);
  };
  return {
    add(output, html) {
      if (options.holdBack) held.push([output, html]);
      else write(output, html);
    },
    async flush() {
      for (const [output, html] of held.splice(0)) write(output, html);
      const running = worker;
      if (!running) return;
      worker = undefined;
      try {
        const failure = await new Promise<{ message: string; code?: string } | null>((resolve, reject) => {
          running.once('message', resolve);
          running.once('error', reject);
          running.postMessage(null);
        });
        if (failure) throw Object.assign(new Error(`writing pages: ${failure.message}`), { code: failure.code });
      } finally {
        await running.terminate();
      }
    },
  };
}
