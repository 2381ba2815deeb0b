import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { createLogger, memorySink } from './logger.js';
import { createPortal, createServiceRef, type PortalPlugin } from './index.js';

const clockRef = createServiceRef<{ now(): number }>({ id: 'clock', providedBy: 'clockPlugin()' });
const clockPlugin = (): PortalPlugin => ({ id: 'clock', start: ({ services }) => services.provide(clockRef, { now: () => 42 }) });

describe('portal services', () => {
  it('hands a service to the plugins started after its provider', async () => {
    let seen: number | undefined;
    let optional: unknown = 'unset';
    const user: PortalPlugin = {
      id: 'user',
      start({ services }) {
        seen = services.get(clockRef).now();
        optional = services.find(createServiceRef<string>({ id: 'other', providedBy: 'otherPlugin()' }));
      },
    };
    const portal = createPortal({ plugins: [clockPlugin(), user], logger: createLogger({ sink: memorySink() }) });
    await portal.start();
    expect(seen).toBe(42);
    expect(optional).toBeUndefined();
    await portal.stop();
  });

  it('names the plugin and what to add when a service is missing (provider after the user)', async () => {
    const user: PortalPlugin = { id: 'scaffolder', start: ({ services }) => void services.get(clockRef) };
    const portal = createPortal({ plugins: [user, clockPlugin()], logger: createLogger({ sink: memorySink() }) });
    const error = await portal.start().then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toBe(`plugin "scaffolder" needs the clock service: add clockPlugin() before it in createPortal's plugins`);
  });

  it('refuses a second provider of one service, and bad refs', async () => {
    const twice: PortalPlugin = { id: 'clock2', start: ({ services }) => services.provide(clockRef, { now: () => 1 }) };
    const portal = createPortal({ plugins: [clockPlugin(), twice], logger: createLogger({ sink: memorySink() }) });
    await expect(portal.start()).rejects.toThrow('plugin "clock2" provides the clock service, already provided by plugin "clock"');
    expect(() => createServiceRef({ id: '', providedBy: 'x' })).toThrow(InputError);
    expect(() => createServiceRef({ id: 'x', providedBy: '' })).toThrow(InputError);
  });
});
