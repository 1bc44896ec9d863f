import crypto, { createHash, randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { S3ObjectStore } from '../../../../functions/runtime/stores';
import { describeObjectStoreContract, readAll } from './object-store-contract';

/*
 * S3ObjectStore against s3rver, an S3-protocol server started here on 127.0.0.1: a protocol test of
 * our client usage, not of S3. s3rver does not check SigV4 signatures and ignores SSE-KMS and
 * checksums, so those are asserted on the URLs and on the inputs the SDK client sends (a middleware).
 */

// Test-only shim: s3rver encrypts list continuation tokens with DES, which OpenSSL 3 (Node 20)
// refuses; map it to AES-128-CBC with the same 8-byte key and IV doubled, so paginated lists work.
function mapDes<T>(original: (algorithm: string, key: Buffer, iv: Buffer) => T) {
  return (algorithm: string, key: Buffer, iv: Buffer): T =>
    algorithm === 'des'
      ? original('aes-128-cbc', Buffer.concat([key, key]), Buffer.concat([iv, iv]))
      : original(algorithm, key, iv);
}
const createCipheriv = crypto.createCipheriv.bind(crypto) as unknown as (
  a: string,
  k: Buffer,
  i: Buffer,
) => crypto.Cipher;
const createDecipheriv = crypto.createDecipheriv.bind(crypto) as unknown as (
  a: string,
  k: Buffer,
  i: Buffer,
) => crypto.Decipher;
jest.spyOn(crypto, 'createCipheriv').mockImplementation(mapDes(createCipheriv) as never);
jest.spyOn(crypto, 'createDecipheriv').mockImplementation(mapDes(createDecipheriv) as never);

const KMS_KEY = 'arn:aws:kms:eu-west-3:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
let server: S3rver;
let endpoint: string;
let directory: string;
let bucketCount = 0;

interface SentCommand {
  readonly command: string;
  readonly input: Record<string, unknown>;
}
let sent: SentCommand[] = [];

function recordingClient(): S3Client {
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'eu-west-3',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ command: context.commandName as string, input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandInputs' },
  );
  return client;
}

async function newStore(partSizeBytes?: number): Promise<S3ObjectStore> {
  const client = recordingClient();
  const bucket = `contract-${++bucketCount}`;
  const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  sent = [];
  return new S3ObjectStore({ bucket, kmsKeyId: KMS_KEY, client, partSizeBytes });
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'bis-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const address = await server.run();
  endpoint = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

describeObjectStoreContract('S3ObjectStore on s3rver', () => newStore(), {
  // s3rver 3.7 accepts any SigV4 signature ("calculation is unimplemented"), so the signed parts are asserted.
  serverChecksSignatures: false,
  listOrderDeviation: 's3rver lists folder by folder, not in the UTF-8 byte order of S3 and GCS',
  expectSignedParts: (url, options) => {
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(options.expiresInSeconds));
    const signed = (url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
    expect(signed).toContain('host');
    if (options.contentType !== undefined) expect(signed).toContain('content-type');
    if (options.contentLength !== undefined) expect(signed).toContain('content-length');
    // An uploader sends only the content type: encryption comes from the bucket default (the lake key).
    expect(signed.filter((header) => header.startsWith('x-amz-server-side-encryption'))).toEqual([]);
    expect(
      new Date(
        url.searchParams
          .get('X-Amz-Date')!
          .replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
      ).getTime(),
    ).toBeGreaterThan(Date.now() - 60_000);
    expect(url.pathname).toMatch(/^\/contract-\d+\//);
    // WHEN_REQUIRED: no checksum of an empty body in the URL, which would refuse every real upload.
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
  },
});

describe('S3ObjectStore writes', () => {
  test('every put is SSE-KMS under the lake key with a bucket key and a SHA-256 checksum of its bytes', async () => {
    const store = await newStore();
    const bytes = randomBytes(2048);
    await store.put('enc/a.bin', bytes, { contentType: 'application/x-thing', metadata: { origin: 'test' } });
    await store.put('enc/b.txt', 'text');
    await store.put('enc/c.bin', Readable.from([bytes]));
    const puts = sent.filter((command) => command.command === 'PutObjectCommand');
    expect(puts).toHaveLength(3);
    for (const put of puts) {
      expect(put.input).toMatchObject({
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: KMS_KEY,
        BucketKeyEnabled: true,
      });
    }
    expect(puts[0].input.ChecksumSHA256).toBe(createHash('sha256').update(bytes).digest('base64'));
    expect(puts[1].input.ChecksumSHA256).toBe(createHash('sha256').update('text').digest('base64'));
    expect(puts[2].input.ChecksumSHA256).toBe(puts[0].input.ChecksumSHA256);
  });

  test('a stream longer than a part goes up in bounded parts, each with its checksum, and reads back whole', async () => {
    const store = await newStore(5 * 1024 * 1024);
    const bytes = randomBytes(12 * 1024 * 1024 + 5);
    const put = await store.put(
      'multi/big.bin',
      Readable.from([bytes.subarray(0, 7_000_000), bytes.subarray(7_000_000)]),
    );
    expect(put.size).toBe(bytes.length);
    const commands = sent.map((command) => command.command);
    expect(commands).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);
    expect(sent[0].input).toMatchObject({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY,
      BucketKeyEnabled: true,
      ChecksumAlgorithm: 'SHA256',
    });
    const parts = sent.filter((command) => command.command === 'UploadPartCommand');
    expect(parts.map((part) => (part.input.Body as Buffer).length)).toEqual([
      5 * 1024 * 1024,
      5 * 1024 * 1024,
      2 * 1024 * 1024 + 5,
    ]);
    for (const part of parts) {
      expect(part.input.ChecksumSHA256).toBe(
        createHash('sha256')
          .update(part.input.Body as Buffer)
          .digest('base64'),
      );
    }
    const got = await store.get('multi/big.bin');
    expect((await readAll(got!.body)).equals(bytes)).toBe(true);
  });

  test('bytes given whole, even longer than a part, go up in one PutObject', async () => {
    const store = await newStore(5 * 1024 * 1024);
    const bytes = randomBytes(6 * 1024 * 1024);
    const put = await store.put('whole/six.bin', bytes);
    expect(put.size).toBe(bytes.length);
    expect(sent.map((command) => command.command)).toEqual(['PutObjectCommand']);
    expect((sent[0].input.Body as Buffer).length).toBe(bytes.length);
    expect((await readAll((await store.get('whole/six.bin'))!.body)).equals(bytes)).toBe(true);
  });

  test('a stream that fails during a multipart upload aborts it and leaves no object', async () => {
    const store = await newStore(5 * 1024 * 1024);
    const failing = Readable.from(
      (async function* () {
        yield randomBytes(12 * 1024 * 1024);
        throw new Error('sender went away');
      })(),
    );
    await expect(store.put('multi/broken.bin', failing)).rejects.toThrow('sender went away');
    expect(sent.map((command) => command.command)).toContain('AbortMultipartUploadCommand');
    expect(await store.head('multi/broken.bin')).toBeUndefined();
  });

  test('contradictory or missing props are refused with the fix', () => {
    expect(() => new S3ObjectStore({ bucket: 'b', kmsKeyId: '' })).toThrow(/needs kmsKeyId/);
    expect(() => new S3ObjectStore({ bucket: '', kmsKeyId: KMS_KEY })).toThrow(/needs a bucket/);
    expect(
      () => new S3ObjectStore({ bucket: 'b', kmsKeyId: KMS_KEY, client: recordingClient(), endpoint }),
    ).toThrow(/either a client or endpoint/);
    expect(() => new S3ObjectStore({ bucket: 'b', kmsKeyId: KMS_KEY, endpoint: '127.0.0.1:1' })).toThrow(
      /http\(s\) URL/,
    );
    expect(() => new S3ObjectStore({ bucket: 'b', kmsKeyId: KMS_KEY, partSizeBytes: 1024 })).toThrow(
      /5 MiB to 512 MiB/,
    );
  });
});
