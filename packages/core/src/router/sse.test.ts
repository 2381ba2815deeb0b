import { describe, expect, it } from 'vitest';
import { InputError, eventStreamResponse } from '../index.js';

const decoder = new TextDecoder();
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Parse `event:`/`data:` frames as Backstage's clients do. */
async function frames(response: Response) {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => {
      const [event, data] = frame.split('\n');
      return { event: event!.replace(/^event: /, ''), data: JSON.parse(data!.replace(/^data: /, '')) as unknown };
    });
}

describe('eventStreamResponse', () => {
  it('streams `event:`/`data:` frames with event-stream headers and closes when run resolves', async () => {
    const response = eventStreamResponse(async (send) => {
      await send('log', 'building');
      await send('finish', { updated: true });
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await frames(response)).toEqual([
      { event: 'log', data: 'building' },
      { event: 'finish', data: { updated: true } },
    ]);
  });

  it('keeps each event one frame: data with line breaks is JSON-escaped, undefined is null', async () => {
    const response = eventStreamResponse(async (send) => {
      await send('log', 'line 1\nevent: forged\r\ndata: {}\n\n');
      await send('nothing', undefined);
    });
    expect(await frames(response)).toEqual([
      { event: 'log', data: 'line 1\nevent: forged\r\ndata: {}\n\n' },
      { event: 'nothing', data: null },
    ]);
  });

  it('refuses event names that would break the framing', async () => {
    const names: string[] = [];
    const response = eventStreamResponse(async (send) => {
      for (const name of ['', 'a\nb', 'a\rb', 'a\0b']) {
        try {
          void send(name, 1);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          names.push(name);
        }
      }
    });
    expect(await response.text()).toBe('');
    expect(names).toHaveLength(4);
  });

  it('errors the stream when run rejects, instead of leaving a rejection unhandled', async () => {
    const response = eventStreamResponse(async (send) => {
      await send('log', 'before');
      throw new Error('broken');
    });
    await expect(response.text()).rejects.toThrow('broken');
  });

  it('lets a slow client slow the producer: send resolves only when the client reads', async () => {
    let sent = 0;
    const response = eventStreamResponse(async (send) => {
      for (let i = 0; i < 5; i++) {
        await send('n', i);
        sent++;
      }
    });
    const reader = response.body!.getReader();
    await flush();
    const before = sent;
    expect(before).toBeLessThan(5);
    expect(decoder.decode((await reader.read()).value)).toBe('event: n\ndata: 0\n\n');
    await flush();
    expect(sent).toBeGreaterThan(before);
    await reader.cancel();
  });

  it('when the client cancels, aborts run’s signal and ignores later sends', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let aborted = false;
    let finished = false;
    const response = eventStreamResponse(async (send, signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      await send('log', 'first');
      await gate;
      await send('log', 'after the client left');
      finished = true;
    });
    const reader = response.body!.getReader();
    expect(decoder.decode((await reader.read()).value)).toContain('first');
    await reader.cancel();
    expect(aborted).toBe(true);
    release();
    await flush();
    expect(finished).toBe(true);
  });

  it('ends the stream and aborts run’s signal when options.signal aborts', async () => {
    const request = new AbortController();
    let aborted = false;
    const response = eventStreamResponse(
      async (send, signal) => {
        await send('log', 'first');
        if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        aborted = signal.aborted;
      },
      { signal: request.signal },
    );
    const reader = response.body!.getReader();
    expect(decoder.decode((await reader.read()).value)).toContain('first');
    request.abort();
    expect((await reader.read()).done).toBe(true);
    await flush();
    expect(aborted).toBe(true);
  });
});
