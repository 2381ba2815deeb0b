/**
 * A real S3-compatible server for tests (s3rver, in-process, on a free port, its objects in a
 * temp dir). Test-only (not exported).
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { removeAll, tempDir } from '../test-utils.js';

export interface S3TestServer {
  endpoint: string;
  client: S3Client;
  /** Options for awsS3Publisher / the config reader. */
  options: { endpoint: string; region: string; s3ForcePathStyle: true; credentials: { accessKeyId: string; secretAccessKey: string } };
  createBucket(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startS3TestServer(): Promise<S3TestServer> {
  const directory = await tempDir('s3rver-');
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = (await server.run()) as unknown as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver accepts any signature made with its default key pair.
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
  return {
    endpoint,
    client,
    options: { endpoint, region: 'us-east-1', s3ForcePathStyle: true, credentials },
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async close() {
      client.destroy();
      await server.close();
      await removeAll([directory]);
    },
  };
}
