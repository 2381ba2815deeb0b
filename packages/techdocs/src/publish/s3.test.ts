import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, ServiceUnavailableError, createLogger } from '@portalkit/core';
import { techdocsFromConfig } from '../config.js';
import { buildDocs } from '../generate/build.js';
import { createTechDocs } from '../create-techdocs.js';
import { copyFixture, fixturesDir, removeAll, tempDir } from '../test-utils.js';
import type { TechDocsEntity } from '../types.js';
import { describePublisherContract } from './publisher-contract.js';
import { awsS3Publisher } from './s3.js';
import { startS3TestServer, type S3TestServer } from './s3-test-server.js';

let s3: S3TestServer;
let buckets = 0;
const cleanup: string[] = [];
beforeAll(async () => {
  s3 = await startS3TestServer();
});
afterAll(async () => {
  await s3?.close();
  await removeAll(cleanup);
});

const freshBucket = async () => {
  const name = `docs-${++buckets}`;
  await s3.createBucket(name);
  return name;
};
const keys = async (Bucket: string, Prefix = '') =>
  ((await s3.client.send(new ListObjectsV2Command({ Bucket, Prefix }))).Contents ?? []).map((o) => o.Key).sort();

describePublisherContract('awsS3Publisher', async () => awsS3Publisher({ bucketName: await freshBucket(), ...s3.options }));

describe('awsS3Publisher layout', () => {
  const entity: TechDocsEntity = { kind: 'Component', metadata: { name: 'My-Service', namespace: 'Team-A' } };
  let site: string;
  beforeAll(async () => {
    site = await tempDir();
    cleanup.push(site);
    await buildDocs({ source: path.join(fixturesDir, 'site'), output: site });
  });

  it("stores Backstage's namespace/kind/name keys, lowercased, below bucketRootPath, with content types and cache headers", async () => {
    const Bucket = await freshBucket();
    await awsS3Publisher({ bucketName: Bucket, bucketRootPath: '/root/techdocs/', ...s3.options }).publish({ entity, directory: site });
    const stored = await keys(Bucket);
    expect(stored).toContain('root/techdocs/team-a/component/my-service/index.html');
    expect(stored).toContain('root/techdocs/team-a/component/my-service/techdocs_metadata.json');
    expect(stored.every((k) => k?.startsWith('root/techdocs/team-a/component/my-service/'))).toBe(true);
    const page = await s3.client.send(new HeadObjectCommand({ Bucket, Key: 'root/techdocs/team-a/component/my-service/index.html' }));
    expect(page.ContentType).toBe('text/html; charset=utf-8');
    expect(page.CacheControl).toBe('no-cache');
    const logo = await s3.client.send(new HeadObjectCommand({ Bucket, Key: 'root/techdocs/team-a/component/my-service/images/logo.png' }));
    expect(logo.ContentType).toBe('image/png');
    expect(logo.CacheControl).toBe('public, max-age=3600');
  });

  it('keeps the case of the triplet with legacyUseCaseSensitiveTripletPaths', async () => {
    const Bucket = await freshBucket();
    const publisher = awsS3Publisher({ bucketName: Bucket, legacyUseCaseSensitiveTripletPaths: true, ...s3.options });
    await publisher.publish({ entity, directory: site });
    expect(await keys(Bucket, 'Team-A/Component/My-Service/')).toContain('Team-A/Component/My-Service/index.html');
    expect(await keys(Bucket, 'team-a/')).toEqual([]);
    expect((await publisher.fetchTechDocsMetadata({ namespace: 'Team-A', kind: 'Component', name: 'My-Service' })).site_name).toBe('Fixture Docs');
    expect(await publisher.hasDocsBeenGenerated({ namespace: 'team-a', kind: 'component', name: 'my-service' })).toBe(false);
  });

  it('uploads techdocs_metadata.json last and deletes stale files only after the upload', async () => {
    const Bucket = await freshBucket();
    const sent: string[] = [];
    // The real client, watched: which command went out in which order.
    const client = {
      send: (command: object) => {
        const input = (command as { input: { Key?: string } }).input;
        sent.push(`${command.constructor.name}:${input.Key ?? ''}`);
        return s3.client.send(command as never);
      },
    };
    const publisher = awsS3Publisher({ bucketName: Bucket, client });
    const old = await tempDir();
    cleanup.push(old);
    await buildDocs({ source: path.join(fixturesDir, 'site'), output: old });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(old, 'gone.html'), 'stale');
    await publisher.publish({ entity, directory: old });
    sent.length = 0;
    await publisher.publish({ entity, directory: site });
    const puts = sent.filter((s) => s.startsWith('PutObjectCommand'));
    expect(puts.at(-1)).toBe('PutObjectCommand:team-a/component/my-service/techdocs_metadata.json');
    const deleteAt = sent.indexOf('DeleteObjectCommand:team-a/component/my-service/gone.html');
    expect(deleteAt).toBeGreaterThan(sent.lastIndexOf(puts.at(-1) as string));
    expect(await keys(Bucket)).not.toContain('team-a/component/my-service/gone.html');
    const body = await s3.client.send(new GetObjectCommand({ Bucket, Key: 'team-a/component/my-service/index.html' }));
    expect(await body.Body?.transformToString()).toContain('Fixture Docs');
  });

  it('answers a typed error when the bucket is missing or the server is down', async () => {
    const publisher = awsS3Publisher({ bucketName: 'no-such-bucket', ...s3.options });
    await expect(publisher.publish({ entity, directory: site })).rejects.toBeInstanceOf(ServiceUnavailableError);
    const down = awsS3Publisher({ bucketName: 'x', ...s3.options, endpoint: 'http://127.0.0.1:1' });
    await expect(down.fetchTechDocsMetadata(entity)).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(() => awsS3Publisher({ bucketName: '' })).toThrow(InputError);
    expect(() => awsS3Publisher({ bucketName: 'b', bucketRootPath: 'a/../b' })).toThrow(InputError);
  });

  it('is made from app-config techdocs.publisher.type awsS3', async () => {
    const Bucket = await freshBucket();
    const config = {
      techdocs: {
        publisher: {
          type: 'awsS3',
          awsS3: {
            bucketName: Bucket,
            region: s3.options.region,
            endpoint: s3.endpoint,
            s3ForcePathStyle: true,
            credentials: s3.options.credentials,
            bucketRootPath: 'techdocs',
          },
        },
      },
    };
    const { publisher } = techdocsFromConfig(config, createLogger({ level: 'error' }));
    await publisher.publish({ entity, directory: site });
    expect(await keys(Bucket, 'techdocs/team-a/component/my-service/index.html')).toHaveLength(1);
    expect(() =>
      techdocsFromConfig({ techdocs: { publisher: { type: 'awsS3', awsS3: {} } } }, createLogger({ level: 'error' })),
    ).toThrow(/bucketName/);
    expect(() => techdocsFromConfig({ techdocs: { publisher: { type: 'googleGcs' } } }, createLogger({ level: 'error' }))).toThrow(/awsS3/);
  });

  it('is served by the TechDocs handler: pages, versions, metadata, and the legacy case-keeping layout', async () => {
    const root = await copyFixture('site');
    cleanup.push(root);
    const svc: TechDocsEntity = {
      kind: 'Component',
      metadata: { name: 'Svc', annotations: { 'backstage.io/techdocs-ref': 'dir:.', 'backstage.io/managed-by-location': `file:${path.join(root, 'catalog-info.yaml')}` } },
    };
    for (const legacy of [false, true]) {
      const publisher = awsS3Publisher({ bucketName: await freshBucket(), legacyUseCaseSensitiveTripletPaths: legacy, ...s3.options });
      const techdocs = createTechDocs({ publisher, root, getEntity: () => svc, logger: createLogger({ level: 'error' }) });
      await techdocs.build(svc);
      await techdocs.build(svc, { version: 'v1' });
      const base = legacy ? '/static/docs/default/Component/Svc' : '/static/docs/default/component/svc';
      const page = await techdocs.request(`${base}/guide/configuration/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await page.text()).toContain('<!doctype html>');
      expect((await techdocs.request(`${base}/.versions/v1/index.html`)).status).toBe(200);
      // Refused by the router (an encoded slash) or the path check (a dot segment), never read.
      expect([400, 403]).toContain((await techdocs.request(`${base}/..%2F..%2Fx`)).status);
      expect([403, 404]).toContain((await techdocs.request(`${base}/%2e%2e/%2e%2e/x`)).status);
      expect((await techdocs.request(`${base}/missing.html`)).status).toBe(404);
      const meta = await (await techdocs.request(legacy ? '/metadata/techdocs/default/Component/Svc' : '/metadata/techdocs/default/component/svc')).json();
      expect(meta).toMatchObject({ site_name: 'Fixture Docs', versions: ['v1'] });
    }
  });
});
