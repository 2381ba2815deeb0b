import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { createLogger, memorySink } from '../logger.js';
import { configDir, loadConfig, readConfigSection } from '../index.js';

const catalogSchema = z
  .object({
    locations: z.array(z.object({ type: z.enum(['file', 'url']), target: z.string() })).default([]),
    generator: z.object({ runIn: z.string().optional() }).optional(),
  })
  .default({ locations: [] });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pk-section-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function errorOf(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('readConfigSection', () => {
  it('names the file, line and full key path of every bad value', async () => {
    await writeFile(
      join(dir, 'app-config.yaml'),
      'app:\n  title: t\ncatalog:\n  locations:\n    - type: file\n      target: a.yaml\n    - type: github\n      target: b.yaml\n',
    );
    await writeFile(join(dir, 'app-config.local.yaml'), 'catalog:\n  locations:\n    - type: file\n      target: 42\n    - type: gitlab\n      target: c\n');
    const config = await loadConfig({ dir, env: {} });
    const error = errorOf(() => readConfigSection(config, 'catalog', catalogSchema));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^app-config\.local\.yaml:4: catalog\.locations\[0\]\.target: .*expected string/);
    expect(error.message).toMatch(/; app-config\.local\.yaml:5: catalog\.locations\[1\]\.type: /);
  });

  it('names the environment variable that supplied a bad value', async () => {
    await writeFile(join(dir, 'app-config.yaml'), 'catalog:\n  locations: []\n');
    const config = await loadConfig({ dir, env: { PORTALKIT_CONFIG_catalog__locations__0: '{"type":"ftp","target":"x"}' } });
    const error = errorOf(() => readConfigSection(config, 'catalog', catalogSchema));
    expect(error.message).toMatch(/^environment variable PORTALKIT_CONFIG_catalog__locations__0: catalog\.locations\[0\]\.type: /);
  });

  it('returns the parsed section, warns about unknown keys with their line, and reports ignored keys once', async () => {
    await writeFile(
      join(dir, 'app-config.yaml'),
      'catalog:\n  locations:\n    - type: file\n      target: a.yaml\n      presence: optional\n  generator:\n    runIn: docker\n  readonly: true\n',
    );
    const config = await loadConfig({ dir, env: {} });
    const sink = memorySink();
    const section = readConfigSection(config, 'catalog', catalogSchema, {
      logger: createLogger({ sink }),
      ignored: { 'generator.runIn': 'portalkit runs the generator in-process' },
    });
    expect(section).toEqual({ locations: [{ type: 'file', target: 'a.yaml' }], generator: { runIn: 'docker' } });
    expect(sink.records.map((r) => r.message)).toEqual([
      'app-config.yaml:5: catalog.locations[0].presence: unknown key, not read by portalkit',
      'app-config.yaml:7: catalog.generator.runIn: ignored: portalkit runs the generator in-process',
      'app-config.yaml:8: catalog.readonly: unknown key, not read by portalkit',
    ]);
    expect(sink.records.every((r) => r.level === 'warn')).toBe(true);
  });

  it('applies the schema default to a missing section and reads plain objects without file names', () => {
    expect(readConfigSection({}, 'catalog', catalogSchema)).toEqual({ locations: [] });
    const error = errorOf(() => readConfigSection({ catalog: { locations: 'x' } }, 'catalog', catalogSchema));
    expect(error.message).toMatch(/^catalog\.locations: /);
    expect(() => readConfigSection({}, 'catalog..x', catalogSchema)).toThrow(InputError);
  });

  it('remembers the directory relative paths resolve against', async () => {
    const config = await loadConfig({ dir, env: {} });
    expect(configDir(config)).toBe(dir);
    expect(configDir({ ...config })).toBeUndefined();
  });
});
