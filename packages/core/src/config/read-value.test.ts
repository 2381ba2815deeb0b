import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { readConfigValue } from './read-value.js';

const config = {
  app: { title: 'Portal' },
  catalog: { locations: [{ type: 'file', target: 'a.yaml' }, { type: 'url', target: 42 }] },
};

describe('readConfigValue', () => {
  it('reads nested keys and array indexes', () => {
    expect(readConfigValue(config, 'app.title')).toBe('Portal');
    expect(readConfigValue(config, 'catalog.locations[0].target')).toBe('a.yaml');
    expect(readConfigValue(config, 'catalog.locations[5].target')).toBeUndefined();
    expect(readConfigValue(config, 'app.title.length')).toBeUndefined();
    expect(readConfigValue(config, 'app.constructor')).toBeUndefined();
    expect(readConfigValue(config, 'missing.deeper')).toBeUndefined();
  });

  it('validates with a schema, applying defaults and naming the full key path', () => {
    expect(readConfigValue(config, 'search.pageSize', z.number().default(25))).toBe(25);
    const locations = z.array(z.object({ type: z.string(), target: z.string() }));
    expect(() => readConfigValue(config, 'catalog.locations', locations)).toThrow(
      /Invalid config: catalog\.locations\[1\]\.target: .*expected string/,
    );
    expect(() => readConfigValue(config, 'app.missing', z.string())).toThrow(InputError);
  });

  it('rejects malformed paths', () => {
    for (const path of ['', 'a..b', '[0]', 'a.[0]', 'a[x]']) {
      expect(() => readConfigValue(config, path), path).toThrow(InputError);
    }
  });
});
