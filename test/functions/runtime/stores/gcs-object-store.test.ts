import { generateKeyPairSync } from 'crypto';
import { GCS_SIGNED_URL_ORIGIN, GcsObjectStore } from '../../../../functions/runtime/stores';
import { describeObjectStoreContract } from './object-store-contract';
import { startFakeGcs } from './fake-gcs-server';
import type { FakeGcs } from './fake-gcs-server';

/*
 * GcsObjectStore against a fake GCS endpoint (fake-gcs-server.ts) through its `apiEndpoint` option.
 * This is a protocol test of how our store drives @google-cloud/storage, not a test of GCS: the fake
 * answers what the client asks and checks no signature, so signed URLs are asserted by their parts.
 */

// A generated service-account key: getSignedUrl signs offline and never probes a metadata server.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const credentials = {
  client_email: 'lake-functions@bis-test.iam.gserviceaccount.com',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};

let fake: FakeGcs;
let bucketCount = 0;

beforeAll(async () => {
  fake = await startFakeGcs();
});

afterAll(async () => {
  await fake.close();
});

async function newStore(): Promise<GcsObjectStore> {
  const bucket = `contract-${++bucketCount}`;
  fake.createBucket(bucket);
  return new GcsObjectStore({ bucket, apiEndpoint: fake.endpoint, credentials });
}

describeObjectStoreContract('GcsObjectStore on a fake GCS endpoint', newStore, {
  serverChecksSignatures: false,
  expectSignedParts: (url, options) => {
    expect(url.origin).toBe(fake.endpoint);
    expect(url.pathname).toMatch(/^\/contract-\d+\//);
    expect(url.searchParams.get('X-Goog-Algorithm')).toBe('GOOG4-RSA-SHA256');
    expect(url.searchParams.get('X-Goog-Credential')).toMatch(
      /^lake-functions@bis-test\.iam\.gserviceaccount\.com\//,
    );
    expect(url.searchParams.get('X-Goog-Expires')).toBe(String(options.expiresInSeconds));
    expect(url.searchParams.get('X-Goog-Signature')).toMatch(/^[0-9a-f]{512}$/);
    const signed = (url.searchParams.get('X-Goog-SignedHeaders') ?? '').split(';');
    expect(signed).toContain('host');
    if (options.contentType !== undefined) expect(signed).toContain('content-type');
    if (options.contentLength !== undefined) expect(signed).toContain('content-length');
  },
});

describe('GcsObjectStore signed URLs on Google Cloud', () => {
  test('point at GCS_SIGNED_URL_ORIGIN, the one origin the catalog page allows for uploads, whatever the bucket', async () => {
    // No apiEndpoint: the URL Cloud Functions would hand out, signed offline with the key above.
    for (const bucket of ['acme-landing', 'acme.lake.landing']) {
      const store = new GcsObjectStore({ bucket, credentials });
      const url = new URL(
        await store.signedUrl('structured/trees/big.csv', {
          method: 'PUT',
          contentType: 'text/csv',
          contentLength: 30_000_000,
          expiresInSeconds: 900,
        }),
      );
      expect([url.origin, url.pathname]).toEqual([
        GCS_SIGNED_URL_ORIGIN,
        `/${bucket}/structured/trees/big.csv`,
      ]);
    }
  });
});

describe('GcsObjectStore requests', () => {
  test('bytes go up in one multipart request and a stream in one resumable session', async () => {
    const store = await newStore();
    fake.requests.length = 0;
    await store.put('a.bin', Buffer.from('bytes'));
    await store.put('b.bin', (await import('stream')).Readable.from([Buffer.from('streamed')]));
    const uploads = fake.requests.filter((request) => request.includes('/upload/'));
    expect(uploads[0]).toMatch(/^POST .*uploadType=multipart/);
    expect(uploads.slice(1).map((request) => request.split(' ')[0])).toEqual(['POST', 'PUT']);
    expect(uploads[1]).toMatch(/uploadType=resumable/);
  });

  test('a read is pinned to the generation its metadata came from', async () => {
    const store = await newStore();
    const put = await store.put('pinned.txt', 'one');
    fake.requests.length = 0;
    const got = await store.get('pinned.txt');
    for await (const _chunk of got!.body) void _chunk;
    expect(got!.versionId).toBe(put.versionId);
    expect(fake.requests.find((request) => request.includes('alt=media'))).toContain(
      `generation=${put.versionId}`,
    );
  });

  test('contradictory props are refused with the fix', () => {
    expect(() => new GcsObjectStore({ bucket: '' })).toThrow(/needs a bucket/);
    expect(() => new GcsObjectStore({ bucket: 'b', apiEndpoint: 'localhost:1' })).toThrow(/http\(s\) URL/);
  });
});
