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
  /** Stop after the pages already handed over, dropping the rest (a failed build); the thread ends. */
  abort(): Promise<void>;
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
  /**
   * Pages (relative paths) the build is about to write: with `background` and without
   * `holdBack`, the writer thread makes their folders while the first pages are rendered.
   */
  expected?: string[];
}

const batchSize = 16;

// The writer thread: creates each folder once and writes each page as it arrives, in order.
// Shared texts are encoded to UTF-8 once; a page given as parts is then written with one writev
// of views into them, instead of joining (and encoding) the nav, most of its bytes, per page.
// An eval'd script, so it runs the same from the sources and from dist/; dynamic imports only,
// as it may be run as CommonJS or as a module (it inherits the parent's flags).
const writerScript = `
Promise.all([import('node:worker_threads'), import('node:fs'), import('node:path')]).then(([{ parentPort }, fs, path]) => {
  const made = new Set();
  let failure = null;
  const shared = new Map();
  const view = (part) => {
    const text = shared.get(part.key);
    if (!text) throw new Error('unknown shared text ' + part.key);
    // Offsets count UTF-16 units; they are byte offsets only where every character is ASCII.
    return text.ascii ? text.bytes.subarray(part.start, part.end) : Buffer.from(text.value.slice(part.start, part.end));
  };
  const writeParts = (target, parts) => {
    const buffers = parts.map((part) => typeof part === 'string' ? Buffer.from(part) : view(part));
    let total = 0;
    for (const buffer of buffers) total += buffer.length;
    const fd = fs.openSync(target, 'w');
    try {
      const written = fs.writevSync(fd, buffers);
      if (written < total) fs.writeSync(fd, Buffer.concat(buffers).subarray(written));
    } finally {
      fs.closeSync(fd);
    }
  };
  parentPort.on('message', (message) => {
    if (message === null) return parentPort.postMessage(failure);
    if (message.folders) {
      // Made ahead of the pages; one that fails is left for its page, which reports the error.
      for (const dir of message.folders) {
        try { fs.mkdirSync(dir, { recursive: true }); made.add(dir); } catch {}
      }
      return;
    }
    if (!Array.isArray(message)) {
      const bytes = Buffer.from(message.text);
      return void shared.set(message.key, { value: message.text, bytes, ascii: bytes.length === message.text.length });
    }
    for (const [target, content] of message) {
      if (failure) return;
      try {
        const dir = path.dirname(target);
        if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
        if (typeof content === 'string') fs.writeFileSync(target, content);
        else writeParts(target, content);
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
  const prepare = () => {
    if (ready) return;
    mkdirSync(options.output, { recursive: true });
    rmSync(options.cacheFile, { force: true });
    ready = true;
  };
  const write = (output: string, html: string | PagePart[]) => {
    prepare();
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
  // Creating a folder costs about as much as writing its page on some disks (ext4 here: ~0.3 ms
  // each), and every page of a site with directory URLs has its own: they are made up front,
  // while the main thread is still busy with the first pages.
  if (options.background && !options.holdBack && options.expected?.length) {
    prepare();
    const folders = new Set(options.expected.map((page) => path.dirname(resolveWithin(options.output, page, 'page output'))));
    worker = new Worker(writerScript, { eval: true });
    worker.postMessage({ folders: [...folders] });
  }
  const flush = async () => {
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
  };
  return {
    add(output, html) {
      if (options.holdBack) held.push([output, html]);
      else write(output, html);
    },
    flush,
    async abort() {
      // Pages already handed to the thread are finished (never cut off half written), the rest dropped.
      held.length = 0;
      batch = [];
      await flush().catch(() => {});
    },
  };
}
