import { mkdir, readdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotAllowedError } from '@portalkit/core';
import { buildDocs } from '../generate/build.js';
import { fixturesDir, removeAll, tempDir } from '../test-utils.js';
import type { TechDocsEntity } from '../types.js';
import { localPublisher } from './local.js';
import { memoryPublisher } from './memory.js';
import { describePublisherContract } from './publisher-contract.js';

const cleanup: string[] = [];
afterAll(() => removeAll(cleanup));

const entity: TechDocsEntity = { kind: 'Component', metadata: { name: 'My-Service', namespace: 'Team-A' } };
let site: string;
beforeAll(async () => {
  site = await tempDir();
  cleanup.push(site);
  await buildDocs({ source: path.join(fixturesDir, 'site'), output: site });
});

describePublisherContract('memoryPublisher', async () => memoryPublisher());
describePublisherContract('localPublisher', async () => {
  const root = await tempDir();
  cleanup.push(root);
  return localPublisher({ root });
});

describe('localPublisher layout', () => {
  it('stores sites under <root>/<namespace>/<kind>/<name>/, lowercased', async () => {
    const root = await tempDir();
    cleanup.push(root);
    await localPublisher({ root }).publish({ entity, directory: site });
    expect(await readdir(path.join(root, 'team-a', 'component', 'my-service'))).toContain('techdocs_metadata.json');
  });

  it('does not serve files behind symbolic links out of the site', async () => {
    const root = await tempDir();
    cleanup.push(root);
    const publisher = localPublisher({ root });
    await publisher.publish({ entity, directory: site });
    const dir = path.join(root, 'team-a', 'component', 'my-service');
    await mkdir(path.join(dir, 'sub'));
    await symlink('/etc/hostname', path.join(dir, 'sub', 'leak.txt'));
    await expect(publisher.readFile(entity, 'sub/leak.txt')).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('rejects invalid entity names', async () => {
    const root = await tempDir();
    cleanup.push(root);
    await expect(
      localPublisher({ root }).hasDocsBeenGenerated({ kind: 'component', metadata: { name: '..', namespace: 'default' } }),
    ).rejects.toThrow();
  });
});
