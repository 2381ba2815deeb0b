import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { resolveWithin } from '../paths.js';
import { joinParts, type PagePart } from './layout.js';

/** Writes rendered pages into the output directory. */
export interface PageWriter {
  /** Write (or hand off) a page now, unless the writer holds pages back. */
  add(output: string, html: string | PagePart[]): void;
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
  /** The shared texts pages given as parts refer to (see `createLayout`). */
  shared?: Map<string, string>;
}

const batchSize = 16;

// The writer thread: creates each folder once and writes each page as it arrives, in order.
// An eval'd script, so it runs the same from the sources and from dist/; dynamic imports only,
// as it may be run as CommonJS or as a module (it inherits the parent's flags).
const writerScript = `
Promise.all([import('node:worker_threads'), import('node:fs'), import('node:path')]).then(([{ parentPort }, fs, path]) => {
  const made = new Set();
  let failure = null;
  const shared = new Map();
  parentPort.on('message', (message) => {
    if (message === null) return parentPort.postMessage(failure);
    if (!Array.isArray(message)) return void shared.set(message.key, message.text);
    for (const [target, content] of message) {
      if (failure) return;
      try {
        const dir = path.dirname(target);
        if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
        const html = typeof content === 'string' ? content
          : content.map((part) => typeof part === 'string' ? part : shared.get(part.key).slice(part.start, part.end)).join('');
        fs.writeFileSync(target, html);
      } catch (error) {
        failure = { message: String((error && error.message) || error), code: error && error.code };
      }
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
 * A page given as parts is joined on the writer thread: the nav, most of every page, then
 * crosses once per folder group instead of once per page.
 *
 * @example
 * ```ts
 * const writer = createPageWriter({ output, holdBack: false, cacheFile, background: pages > 50 });
 * writer.add('guide/index.html', html);
 * await writer.flush();
 * ```
 */
export function createPageWriter(options: PageWriterOptions): PageWriter {
  const held: Array<[string, string | PagePart[]]> = [];
  const shared = options.shared ?? new Map<string, string>();
  const sent = new Set<string>();
  let batch: Array<[string, string | PagePart[]]> = [];
  const made = new Set<string>();
  let ready = false;
  let worker: Worker | undefined;
  const write = (output: string, html: string | PagePart[]) => {
    if (!ready) {
      mkdirSync(options.output, { recursive: true });
      rmSync(options.cacheFile, { force: true });
      ready = true;
    }
    const target = resolveWithin(options.output, output, 'page output');
    if (options.background) {
      worker ??= new Worker(writerScript, { eval: true });
      // Parts: each shared text crosses once, then pages are a few slices of it.
      if (typeof html !== 'string') {
        for (const part of html) {
          if (typeof part === 'string' || sent.has(part.key)) continue;
          worker.postMessage({ key: part.key, text: shared.get(part.key) ?? '' });
          sent.add(part.key);
        }
      }
      // A message per page cost ~90 us here (waking the other thread each time): batches.
      batch.push([target, html]);
      if (batch.length >= batchSize) {
        worker.postMessage(batch);
        batch = [];
      }
      return;
    }
    const dir = path.dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(target, typeof html === 'string' ? html : joinParts(html, shared));
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
      if (batch.length > 0) running.postMessage(batch);
      batch = [];
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
