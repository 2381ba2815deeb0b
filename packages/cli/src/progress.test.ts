import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';
import { captureStream } from './test-utils.js';

describe('createProgress', () => {
  it('redraws one line with a bar on a terminal and ends it', () => {
    const stream = captureStream({ isTTY: true, columns: 100 });
    let t = 0;
    const progress = createProgress({ stream, label: 'render', now: () => t });
    progress.update(5, 10, 'guide.md');
    t += 10; // within the redraw interval: skipped
    progress.update(6, 10, 'next.md');
    t += 100;
    progress.update(10, 10, 'last.md');
    progress.done('10/10');
    expect(stream.text()).toBe(
      '\rrender [##########----------] 5/10 guide.md\x1b[K' +
        '\rrender [####################] 10/10 last.md\x1b[K' +
        '\rrender 10/10\x1b[K\n',
    );
  });

  it('moves a block when the total is unknown and cuts lines to the terminal width', () => {
    const stream = captureStream({ isTTY: true, columns: 34 });
    let t = 0;
    const progress = createProgress({ stream, label: 'ingest', now: () => (t += 1000) });
    progress.update(1, undefined, 'entities processed');
    progress.update(2, undefined, 'entities processed');
    const [first, second] = stream.text().split('\r').filter(Boolean);
    expect(first).toBe('ingest [====                ] 1 …\x1b[K');
    expect(second).toBe('ingest [ ====               ] 2 …\x1b[K');
  });

  it('prints plain lines only every lineMs when not on a terminal, and always the last one', () => {
    const stream = captureStream();
    let t = 0;
    const progress = createProgress({ stream, label: 'ingest', lineMs: 1000, now: () => t });
    progress.update(1, undefined, 'entities');
    t = 1500;
    progress.update(40, undefined, 'entities');
    t = 1600;
    progress.update(41, undefined, 'entities');
    progress.done('50 entities processed');
    expect(stream.text()).toBe('ingest 40 entities\ningest 50 entities processed\n');
  });
});
