import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError, NotFoundError } from '../errors.js';
import { loadConfig } from './index.js';

const schema = z.object({
  app: z.object({ title: z.string(), baseUrl: z.string().default('http://localhost:7007') }),
  catalog: z
    .object({
      locations: z.array(z.object({ type: z.string(), target: z.string() })).default([]),
      refreshSeconds: z.number().optional(),
    })
    .default({ locations: [] }),
  secret: z.string().optional(),
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pk-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (name: string, text: string) => writeFile(join(dir, name), text);

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('loadConfig', () => {
  it('merges app-config.yaml and app-config.local.yaml, later wins, arrays replaced', async () => {
    await write(
      'app-config.yaml',
      'app:\n  title: Base\ncatalog:\n  refreshSeconds: 10\n  locations:\n    - type: file\n      target: a.yaml\n    - type: file\n      target: b.yaml\n',
    );
    await write('app-config.local.yaml', 'app:\n  title: Local\ncatalog:\n  locations:\n    - type: url\n      target: c.yaml\n');
    const config = await loadConfig({ schema, dir, env: {} });
    expect(config).toEqual({
      app: { title: 'Local', baseUrl: 'http://localhost:7007' },
      catalog: { refreshSeconds: 10, locations: [{ type: 'url', target: 'c.yaml' }] },
    });
  });

  it('skips missing default files but requires explicit ones', async () => {
    await expect(loadConfig({ schema: z.object({}).passthrough(), dir, env: {} })).resolves.toEqual({});
    const error = await errorOf(loadConfig({ schema, dir, files: ['prod.yaml'], env: {} }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('prod.yaml');
  });

  it('applies PORTALKIT_CONFIG_ overrides, JSON-parsed when possible', async () => {
    await write('app-config.yaml', 'app:\n  title: Base\n');
    const config = await loadConfig({
      schema,
      dir,
      env: {
        PORTALKIT_CONFIG_catalog__locations: '[{"type":"file","target":"x.yaml"}]',
        PORTALKIT_CONFIG_app__title: 'From env',
        PORTALKIT_CONFIG_catalog__refreshSeconds: '30',
        OTHER: 'ignored',
      },
    });
    expect(config.app.title).toBe('From env');
    expect(config.catalog.locations).toEqual([{ type: 'file', target: 'x.yaml' }]);
    expect(config.catalog.refreshSeconds).toBe(30);
  });

  it('overrides one array element by index', async () => {
    await write('app-config.yaml', 'app:\n  title: t\ncatalog:\n  locations:\n    - { type: file, target: a }\n    - { type: file, target: b }\n');
    const config = await loadConfig({ schema, dir, env: { PORTALKIT_CONFIG_catalog__locations__1__target: 'B' } });
    expect(config.catalog.locations.map((l) => l.target)).toEqual(['a', 'B']);
  });

  it('substitutes ${VAR}, keeps $${VAR} literal, and names the key of a missing variable', async () => {
    await write('app-config.yaml', 'app:\n  title: "${TITLE} portal"\n  baseUrl: "$${NOT_SUBSTITUTED}"\nsecret: ${TOKEN}\n');
    const config = await loadConfig({ schema, dir, env: { TITLE: 'Acme', TOKEN: 's3cr3t' } });
    expect(config.app).toEqual({ title: 'Acme portal', baseUrl: '${NOT_SUBSTITUTED}' });
    expect(config.secret).toBe('s3cr3t');

    const error = await errorOf(loadConfig({ schema, dir, env: { TITLE: 'Acme' } }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('app-config.yaml: secret: environment variable TOKEN is not set (line 4)');
  });

  it('names file:line:column for malformed YAML', async () => {
    await write('app-config.yaml', 'app:\n  title: ok\n');
    await write('app-config.local.yaml', 'app:\n  title: "unterminated\n  other: 1\n');
    const error = await errorOf(loadConfig({ schema, dir, env: {} }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^app-config\.local\.yaml:\d+:\d+: /);
  });

  it('names the file and key path of a schema failure', async () => {
    await write('app-config.yaml', 'app:\n  title: t\ncatalog:\n  locations:\n    - type: file\n      target: 42\n');
    const error = await errorOf(loadConfig({ schema, dir, env: {} }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/app-config\.yaml: catalog\.locations\[0\]\.target: .*expected string.* \(line 6\)/);
  });

  it('names the file that supplied the parent of a missing required key', async () => {
    await write('app-config.yaml', 'catalog:\n  locations: []\n');
    await write('app-config.local.yaml', 'app:\n  baseUrl: http://x\n');
    const error = await errorOf(loadConfig({ schema, dir, env: {} }));
    expect(error.message).toContain('app-config.local.yaml: app.title: ');
    expect(error.message).toContain('(line 1)');
  });

  it('names the environment variable that supplied a bad value', async () => {
    await write('app-config.yaml', 'app:\n  title: t\n');
    const error = await errorOf(loadConfig({ schema, dir, env: { PORTALKIT_CONFIG_catalog__locations: '[{"type":"file"}]' } }));
    expect(error.message).toContain('environment variable PORTALKIT_CONFIG_catalog__locations: catalog.locations[0].target:');
  });

  it('rejects prototype-pollution keys from files and the environment', async () => {
    await write('app-config.yaml', 'app:\n  title: t\n  nested:\n    __proto__:\n      polluted: true\n');
    const error = await errorOf(loadConfig({ schema, dir, env: {} }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('app.nested.__proto__: key "__proto__" is not allowed');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    await write('app-config.yaml', 'app:\n  title: t\n');
    for (const env of [
      { PORTALKIT_CONFIG_constructor__prototype__polluted: 'true' },
      { PORTALKIT_CONFIG_app: '{"__proto__":{"polluted":true}}' },
    ]) {
      const envError = await errorOf(loadConfig({ schema, dir, env }));
      expect(envError).toBeInstanceOf(InputError);
      expect(envError.message).toMatch(/is not allowed in config/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects a config file that is not a mapping', async () => {
    await write('app-config.yaml', '- a\n- b\n');
    await expect(loadConfig({ schema, dir, env: {} })).rejects.toThrow(/app-config\.yaml:1:1: config must be a mapping/);
  });

  it('reads files from an explicit list in order', async () => {
    await write('base.yaml', 'app:\n  title: base\n');
    await write('prod.yaml', 'app:\n  title: prod\n');
    const config = await loadConfig({ schema, dir, files: ['base.yaml', 'prod.yaml'], env: {} });
    expect(config.app.title).toBe('prod');
  });
});

describe('loadConfig error collection', () => {
  it('reports problems from every file and variable together', async () => {
    await write('app-config.yaml', 'app:\n  title: [\n');
    await write('app-config.local.yaml', 'secret: ${MISSING_ONE}\n');
    const error = await errorOf(loadConfig({ schema, dir, env: { PORTALKIT_CONFIG___proto__: '1' } }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^app-config\.yaml:\d+:\d+: /);
    expect(error.message).toContain('app-config.local.yaml: secret: environment variable MISSING_ONE is not set');
    expect(error.message).toContain('environment variable PORTALKIT_CONFIG___proto__');
  });
});
