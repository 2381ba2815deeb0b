import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCatalog } from '@portalkit/catalog';
import { NotAllowedError, createFileReader } from '@portalkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A catalog root next to a directory holding a secret the catalog must never read. */
let base: string;
let root: string;
let secretFile: string;
const SECRET = 'TOP-SECRET-CONTENT-1234';

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'pk-sec-paths-'));
  root = path.join(base, 'root');
  await mkdir(path.join(root, 'svc'), { recursive: true });
  await mkdir(path.join(base, 'outside'));
  secretFile = path.join(base, 'outside', 'secret.txt');
  await writeFile(secretFile, SECRET);
  await writeFile(path.join(root, 'svc', 'api.yaml'), 'openapi: 3.0.0\n');
  await symlink(secretFile, path.join(root, 'svc', 'link-to-secret.txt'));
  await symlink(path.join(base, 'outside'), path.join(root, 'svc', 'outside-dir'));
});
afterAll(() => rm(base, { recursive: true, force: true }));

const api = (definition: string) => `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: petstore
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ${JSON.stringify(definition)}
`;

async function register(definition: string) {
  const file = `svc/catalog-${Math.random().toString(36).slice(2)}.yaml`;
  await writeFile(path.join(root, file), api(definition));
  const catalog = createCatalog({ rootDir: root });
  await catalog.addLocation({ type: 'file', target: `./${file}` });
  const entity = await catalog.getEntityByRef('api:default/petstore');
  const errors = (await catalog.getProcessingErrors()).flatMap((r) => r.errors);
  return { entity, errors, everything: JSON.stringify([entity, errors]) };
}

describe('placeholder path traversal in catalog files', () => {
  it('resolves a placeholder inside the root', async () => {
    const { entity } = await register('./api.yaml');
    expect(entity?.spec?.definition).toBe('openapi: 3.0.0\n');
  });

  it.each([
    ['relative ..', '../../outside/secret.txt'],
    ['deep ..', '../../../../../../../../etc/passwd'],
    ['absolute', '/etc/passwd'],
    ['absolute to the secret', '<secret>'],
    ['percent-encoded ..', '%2e%2e/%2e%2e/outside/secret.txt'],
    ['file URL', 'file:///etc/passwd'],
    ['http URL', 'http://127.0.0.1:1/x'],
    ['symlinked file out of the root', './link-to-secret.txt'],
    ['symlinked directory out of the root', './outside-dir/secret.txt'],
    ['NUL byte', './api.yaml\u0000../../outside/secret.txt'],
  ])('refuses %s and names the placeholder', async (_name, raw) => {
    const target = raw === '<secret>' ? secretFile : raw;
    const { entity, errors, everything } = await register(target);
    expect(entity).toBeUndefined();
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('root:x:0:0');
    const placeholder = errors.find((e) => e.rule === 'placeholder');
    expect(placeholder, JSON.stringify(errors)).toBeDefined();
    expect(placeholder!.message).toContain('spec.definition');
    expect(placeholder!.name).toMatch(/NotAllowedError|NotFoundError|InputError/);
  });

  it('refuses locations outside the root, whether relative, absolute or through a symlink', async () => {
    const catalog = createCatalog({ rootDir: root });
    await expect(catalog.addLocation({ type: 'file', target: '../outside/secret.txt' })).rejects.toThrow(NotAllowedError);
    await expect(catalog.addLocation({ type: 'file', target: secretFile })).rejects.toThrow(NotAllowedError);
    await catalog.addLocation({ type: 'file', target: './svc/outside-dir/secret.txt' }).catch(() => undefined);
    await catalog.addLocation({ type: 'file', target: './svc/outside-dir/*.txt' }).catch(() => undefined);
    const errors = JSON.stringify(await catalog.getProcessingErrors());
    expect(errors).not.toContain(SECRET);
    expect(errors).toMatch(/outside the allowed root/);
  });

  it('refuses a Location entity whose target walks out of the root', async () => {
    await writeFile(
      path.join(root, 'svc', 'loc.yaml'),
      `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: { name: sneaky }\nspec:\n  targets: ['../../outside/secret.txt', '${secretFile}', './outside-dir/secret.txt']\n`,
    );
    const catalog = createCatalog({ rootDir: root });
    await catalog.addLocation({ type: 'file', target: './svc/loc.yaml' });
    const errors = (await catalog.getProcessingErrors()).flatMap((r) => r.errors);
    expect(JSON.stringify(errors)).not.toContain(SECRET);
    expect(errors.filter((e) => e.name === 'NotAllowedError').length).toBeGreaterThanOrEqual(3);
  });

  it('the file reader refuses every escape the same way', async () => {
    const reader = createFileReader({ root });
    for (const url of ['../outside/secret.txt', secretFile, `file://${secretFile}`, 'file:../outside/secret.txt', './svc/link-to-secret.txt', './svc/outside-dir/secret.txt', './svc/outside-dir/missing.txt']) {
      await expect(reader.read(url), url).rejects.toThrow(NotAllowedError);
    }
    await expect(reader.readTree('./svc')).rejects.toThrow(/links outside the allowed root/);
  });
});

describe('a symlink out of the root does not tell whether its target exists', () => {
  it('answers NotAllowed for a link to a missing file outside, as for one to an existing file', async () => {
    const dir = path.join(root, 'probe');
    await mkdir(dir, { recursive: true });
    await symlink(secretFile, path.join(dir, 'to-existing'));
    await symlink(path.join(base, 'outside', 'no-such-file'), path.join(dir, 'to-missing'));
    await symlink(path.join(base, 'no-such-dir'), path.join(dir, 'to-missing-dir'));
    const reader = createFileReader({ root });
    for (const url of ['./probe/to-existing', './probe/to-missing', './probe/to-missing-dir/x.yaml']) {
      await expect(reader.read(url), url).rejects.toThrow(NotAllowedError);
    }
    // Still "not found" for a plain missing file inside the root.
    await expect(reader.read('./probe/nothing-here.yaml')).rejects.toThrow(/does not exist/);

    const only = path.join(root, 'probe-tree');
    await mkdir(only, { recursive: true });
    await writeFile(path.join(only, 'index.md'), '# hi\n');
    await symlink(path.join(base, 'outside', 'no-such-file'), path.join(only, 'to-missing'));
    await expect(reader.readTree('./probe-tree')).rejects.toThrow(/links outside the allowed root/);
  });

  it('a catalog placeholder through a dangling link out of the root is refused, not "not found"', async () => {
    await symlink(path.join(base, 'outside', 'maybe-there.txt'), path.join(root, 'svc', 'dangling-out.txt'));
    const { entity, errors } = await register('./dangling-out.txt');
    expect(entity).toBeUndefined();
    const placeholder = errors.find((e) => e.rule === 'placeholder');
    expect(placeholder?.name, JSON.stringify(errors)).toBe('NotAllowedError');
  });
});
