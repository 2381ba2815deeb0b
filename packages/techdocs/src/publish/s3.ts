import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as S3 from '@aws-sdk/client-s3';
import {
  InputError,
  MissingDependencyError,
  NotFoundError,
  ServiceUnavailableError,
  mapLimit,
} from '@portalkit/core';
import { docsEntityName, docsEntityRef } from '../entity.js';
import { safeRelativePath } from '../paths.js';
import type { DocsEntityName, TechDocsMetadata } from '../types.js';
import { contentTypeFor } from './content-type.js';
import { cacheControlFor, siteFiles } from './site-files.js';
import type { DocsEntityLike, DocsPublisher } from './types.js';
import { VERSIONS_DIR, docsVersionSchema, versionFolder } from './versions.js';

/**
 * What the S3 publisher needs of a client: `send` of the AWS SDK v3's `S3Client`.
 *
 * @example
 * ```ts
 * const client: S3ClientLike = new S3Client({ region: 'eu-west-1' });
 * ```
 */
export interface S3ClientLike {
  send(command: object): Promise<unknown>;
}

/**
 * Options of {@link awsS3Publisher}: Backstage's `techdocs.publisher.awsS3` keys, plus an
 * optional ready-made client.
 *
 * @example
 * ```ts
 * const options: AwsS3PublisherOptions = { bucketName: 'techdocs', region: 'eu-west-1' };
 * ```
 */
export interface AwsS3PublisherOptions {
  bucketName: string;
  region?: string;
  /** An S3-compatible endpoint (MinIO, Ceph, LocalStack...); default AWS for `region`. */
  endpoint?: string;
  /** Address the bucket in the path, not the host name (most S3-compatible servers need it). */
  s3ForcePathStyle?: boolean;
  /** Static credentials; default the AWS SDK's credential chain (environment, profile, role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** A folder of the bucket all sites go below (`a/b` or `/a/b/`). */
  bucketRootPath?: string;
  /** Server-side encryption asked of S3 for every object. */
  sse?: 'aws:kms' | 'AES256';
  /** Keep the case of namespace/kind/name in object keys (Backstage's legacy layout). */
  legacyUseCaseSensitiveTripletPaths?: boolean;
  /** Use this client instead of creating one from the options above. */
  client?: S3ClientLike;
  /** Uploads and deletes in flight at once (default 8). */
  concurrency?: number;
}

const requireHere = createRequire(import.meta.url);

function loadSdk(): typeof S3 {
  try {
    return requireHere('@aws-sdk/client-s3') as typeof S3;
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    if (code !== 'MODULE_NOT_FOUND' || typeof message !== 'string' || !message.includes("'@aws-sdk/client-s3'")) throw error;
    throw new MissingDependencyError(
      "awsS3Publisher needs the package '@aws-sdk/client-s3', which is not installed; add it to your app (npm install @aws-sdk/client-s3)",
      { cause: error },
    );
  }
}

const isMissingKey = (error: unknown): boolean => {
  const { name } = (error ?? {}) as { name?: unknown };
  // A HEAD answer has no body, so S3 can only say `NotFound`; a missing bucket is `NoSuchBucket`.
  return name === 'NoSuchKey' || name === 'NotFound';
};

/**
 * A {@link DocsPublisher} on AWS S3 or an S3-compatible store, in Backstage's object layout:
 * `[bucketRootPath/]namespace/kind/name/<file>`, the triplet lowercased unless
 * `legacyUseCaseSensitiveTripletPaths`. A publish uploads every file (with its content type and
 * a `Cache-Control`), `techdocs_metadata.json` last so a reader never finds metadata naming files
 * not uploaded yet, and only then deletes the files the new site no longer has. Named versions
 * are below `namespace/kind/name/.versions/<version>/`. Needs the optional peer
 * `@aws-sdk/client-s3` (a `MissingDependencyError` says so when it is absent).
 *
 * @example
 * ```ts
 * const publisher = awsS3Publisher({ bucketName: 'techdocs', region: 'eu-west-1' });
 * await publisher.publish({ entity, directory: './site' });
 * ```
 */
export function awsS3Publisher(options: AwsS3PublisherOptions): DocsPublisher {
  if (!options?.bucketName) throw new InputError('awsS3Publisher: bucketName is required');
  const sdk = loadSdk();
  const client: S3ClientLike =
    options.client ??
    new sdk.S3Client({
      customUserAgent: 'portalkit-techdocs-s3-publisher',
      ...(options.region ? { region: options.region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.s3ForcePathStyle ? { forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  const Bucket = options.bucketName;
  const rootParts = (options.bucketRootPath ?? '').split('/').filter((s) => s !== '');
  for (const part of rootParts) if (part === '.' || part === '..') throw new InputError(`awsS3Publisher: bucketRootPath '${options.bucketRootPath}' must not hold '.' or '..'`);
  const concurrency = options.concurrency ?? 8;

  const triplet = (entity: DocsEntityLike): DocsEntityName => {
    const lower = docsEntityName(entity); // validates every part
    if (!options.legacyUseCaseSensitiveTripletPaths) return lower;
    return 'metadata' in entity
      ? { namespace: entity.metadata.namespace ?? 'default', kind: entity.kind, name: entity.metadata.name }
      : { namespace: entity.namespace, kind: entity.kind, name: entity.name };
  };
  /** The key prefix of a site (or one of its versions), with a trailing `/`. */
  const prefixOf = (entity: DocsEntityLike, version?: string): string => {
    const t = triplet(entity);
    const folder = versionFolder(version);
    return [...rootParts, t.namespace, t.kind, t.name, ...(folder ? [folder] : [])].join('/') + '/';
  };
  const ref = (entity: DocsEntityLike) => docsEntityRef(docsEntityName(entity));

  const call = async <T>(what: string, run: () => Promise<unknown>): Promise<T> => {
    try {
      return (await run()) as T;
    } catch (error) {
      if (isMissingKey(error)) throw new NotFoundError(what, { cause: error });
      throw new ServiceUnavailableError(`S3 bucket '${Bucket}': ${what} failed: ${(error as Error)?.message ?? error}`, { cause: error });
    }
  };
  const listKeys = async (prefix: string): Promise<string[]> => {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await call<S3.ListObjectsV2CommandOutput>(`listing ${prefix}`, () =>
        client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken })),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys;
  };
  const getObject = async (key: string, what: string): Promise<Buffer> => {
    const out = await call<S3.GetObjectCommandOutput>(what, () => client.send(new sdk.GetObjectCommand({ Bucket, Key: key })));
    if (!out.Body) throw new NotFoundError(what);
    return Buffer.from(await out.Body.transformToByteArray());
  };
  const deleteKeys = (keys: string[]) =>
    mapLimit(keys, concurrency, (Key) => call(`deleting ${Key}`, () => client.send(new sdk.DeleteObjectCommand({ Bucket, Key }))));

  const publisher: DocsPublisher = {
    async publish({ entity, directory, version }) {
      const prefix = prefixOf(entity, version);
      const files = await siteFiles(directory);
      const existing = await listKeys(prefix);
      const upload = (file: string) =>
        call(`uploading ${prefix}${file}`, async () =>
          client.send(
            new sdk.PutObjectCommand({
              Bucket,
              Key: prefix + file,
              // Bytes, not a stream: with a stream of unknown length the SDK sends aws-chunked
              // bodies with trailing checksums, which not every S3-compatible server decodes.
              Body: await readFile(path.join(directory, file)),
              ContentType: contentTypeFor(file),
              CacheControl: cacheControlFor(file),
              ...(options.sse ? { ServerSideEncryption: options.sse } : {}),
            }),
          ),
        );
      const isCommit = (file: string) => file === 'techdocs_metadata.json';
      await mapLimit(files.filter((f) => !isCommit(f)), concurrency, upload);
      for (const file of files.filter(isCommit)) await upload(file);
      const fresh = new Set(files.map((f) => prefix + f));
      // The default site's publish leaves its versions alone; a failed delete leaves a stale
      // file behind, which no page or metadata names.
      const versions = `${prefix}${VERSIONS_DIR}/`;
      const stale = existing.filter((key) => !fresh.has(key) && (version !== undefined || !key.startsWith(versions)));
      await deleteKeys(stale);
      return { objects: files };
    },
    async hasDocsBeenGenerated(entity, { version } = {}) {
      const Key = `${prefixOf(entity, version)}techdocs_metadata.json`;
      try {
        await call('techdocs metadata', () => client.send(new sdk.HeadObjectCommand({ Bucket, Key })));
        return true;
      } catch (error) {
        if (error instanceof NotFoundError) return false;
        throw error;
      }
    },
    async fetchTechDocsMetadata(entity, { version } = {}) {
      const what = `no techdocs metadata for ${ref(entity)}${version ? ` version ${version}` : ''}`;
      const content = await getObject(`${prefixOf(entity, version)}techdocs_metadata.json`, what);
      try {
        return JSON.parse(content.toString('utf8')) as TechDocsMetadata;
      } catch (error) {
        throw new InputError(`techdocs metadata of ${ref(entity)} is unreadable`, { cause: error });
      }
    },
    async readFile(entity, filePath) {
      const rel = safeRelativePath(filePath, { decoded: true });
      const content = await getObject(prefixOf(entity) + rel, `no file '${rel}' in the docs of ${ref(entity)}`);
      return { content, contentType: contentTypeFor(rel) };
    },
    async deleteDocs(entity, { version } = {}) {
      await deleteKeys(await listKeys(prefixOf(entity, version)));
    },
    async listVersions(entity) {
      const versions = `${prefixOf(entity)}${VERSIONS_DIR}/`;
      const folders: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await call<S3.ListObjectsV2CommandOutput>(`listing ${versions}`, () =>
          client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix: versions, Delimiter: '/', ContinuationToken })),
        );
        for (const common of page.CommonPrefixes ?? []) {
          const name = common.Prefix?.slice(versions.length, -1);
          if (name && docsVersionSchema.safeParse(name).success) folders.push(name);
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      // A version counts once its metadata, uploaded last, is there.
      const published = await mapLimit(folders, concurrency, (name) => publisher.hasDocsBeenGenerated(entity, { version: name }));
      return folders.filter((_, i) => published[i]).sort();
    },
  };
  return publisher;
}
