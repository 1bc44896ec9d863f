import { mkdtempSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createHandlerContext, createLogger, LocalObjectStore } from '../../../functions/runtime';
import { createIngest, INLINE_LIMIT_BYTES, inlineLimitFromEnvironment } from '../../../functions/ingest';
import { CSV, PNG, geoJson } from '../../fixtures/services/samples';

const quiet = createLogger({ write: () => undefined });
const NOW = new Date('2026-03-04T05:06:07Z');

function setup(inlineLimitBytes = 1024 * 1024) {
  const root = mkdtempSync(join(tmpdir(), 'ingest-'));
  const landing = new LocalObjectStore(root);
  const ctx = createHandlerContext({ stores: { landing }, log: quiet });
  const ingest = createIngest({ inlineLimitBytes, now: () => NOW });
  const post = (path: string, body: BodyInit | null, headers: Record<string, string>, method = 'POST') =>
    ingest(new Request(`http://lake.test${path}`, { method, body, headers }), ctx);
  const written = () => readdirSync(root, { recursive: true }).length;
  return { landing, post, written };
}

describe('ingest small uploads', () => {
  it('lands a GeoJSON file under its kind, dataset, day and hash, with its metadata', async () => {
    const { landing, post } = setup();
    const response = await post('/datasets/city-trees/objects', geoJson(), {
      'content-type': 'application/geo+json',
      'x-file-name': encodeURIComponent('arbres été.geojson'),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { key: string; kind: string; sha256: string; size: number };
    expect(body.kind).toBe('geographic');
    expect(body.key).toBe(`geographic/city-trees/2026/03/04/${body.sha256}.geojson`);
    expect(body.size).toBe(Buffer.byteLength(geoJson()));
    const stored = await landing.head(body.key);
    expect(stored?.metadata).toMatchObject({
      'original-name': encodeURIComponent('arbres été.geojson'),
      sha256: body.sha256,
      size: String(body.size),
      'uploaded-at': NOW.toISOString(),
    });
    expect(stored?.contentType).toBe('application/geo+json');
  });

  it('answers 200 with the same body when the same bytes come again, and keeps one object', async () => {
    const { post, written } = setup();
    const send = () =>
      post('/datasets/trees/objects', CSV, { 'content-type': 'text/csv', 'x-file-name': 'a.csv' });
    const first = await send();
    const before = written();
    const second = await send();
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(await second.json()).toEqual(await first.json());
    expect(written()).toBe(before);
  });

  it('gives one object for 20 parallel uploads of the same bytes', async () => {
    const { landing, post } = setup();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        post('/datasets/trees/objects', CSV, { 'content-type': 'text/csv', 'x-file-name': 'a.csv' }),
      ),
    );
    expect(new Set(replies.map((reply) => reply.status < 300))).toEqual(new Set([true]));
    const keys = new Set(
      await Promise.all(replies.map(async (reply) => ((await reply.json()) as { key: string }).key)),
    );
    expect(keys.size).toBe(1);
    expect((await landing.list('')).objects).toHaveLength(1);
  });

  const ok = { 'content-type': 'text/csv', 'x-file-name': 'a.csv' };
  it.each<[string, string, BodyInit | null, Record<string, string>, number, RegExp, string]>([
    ['an empty body', '/datasets/trees/objects', '', ok, 400, /body is empty/, 'POST'],
    [
      'a .csv name with PNG bytes',
      '/datasets/trees/objects',
      new Uint8Array(PNG),
      ok,
      415,
      /says \.csv but the content is PNG/,
      'POST',
    ],
    [
      'an unknown type',
      '/datasets/trees/objects',
      'x',
      { ...ok, 'x-file-name': 'a.bin' },
      415,
      /\.bin/,
      'POST',
    ],
    [
      'a dataset with capitals',
      '/datasets/Trees/objects',
      CSV,
      ok,
      400,
      /dataset name "Trees" is invalid/,
      'POST',
    ],
    ['a dataset of 64 characters', `/datasets/${'a'.repeat(64)}/objects`, CSV, ok, 400, /1 to 63/, 'POST'],
    [
      'an encoded traversal in the dataset',
      '/datasets/..%2F..%2Fetc/objects',
      CSV,
      ok,
      400,
      /dataset name/,
      'POST',
    ],
    [
      'a path as the file name',
      '/datasets/trees/objects',
      CSV,
      { ...ok, 'x-file-name': '..%2F..%2Fa.csv' },
      400,
      /is a path/,
      'POST',
    ],
    [
      'a control character in the name',
      '/datasets/trees/objects',
      CSV,
      { ...ok, 'x-file-name': 'a%0A.csv' },
      400,
      /control character/,
      'POST',
    ],
    [
      'an over-long name',
      '/datasets/trees/objects',
      CSV,
      { ...ok, 'x-file-name': `${'a'.repeat(300)}.csv` },
      400,
      /longer than 255/,
      'POST',
    ],
    [
      'a missing X-File-Name',
      '/datasets/trees/objects',
      CSV,
      { 'content-type': 'text/csv' },
      400,
      /X-File-Name header is missing/,
      'POST',
    ],
    [
      'a missing Content-Type',
      '/datasets/trees/objects',
      new Uint8Array(Buffer.from(CSV)),
      { 'x-file-name': 'a.csv' },
      400,
      /Content-Type header is missing/,
      'POST',
    ],
    [
      'a body over the limit',
      '/datasets/trees/objects',
      'x'.repeat(2 * 1024 * 1024),
      ok,
      413,
      /\/datasets\/trees\/uploads/,
      'POST',
    ],
    ['a wrong method', '/datasets/trees/objects', null, ok, 405, /use POST/, 'GET'],
    ['an unknown route', '/datasets/trees/other', CSV, ok, 404, /no such route/, 'POST'],
  ])(
    'refuses %s with a JSON 4xx and writes nothing',
    async (_case, path, body, headers, status, message, method) => {
      const { post, written } = setup();
      const response = await post(path, body, headers, method);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
      expect(written()).toBe(0);
    },
  );

  it('points a 413 at the upload-URL route with the limit', async () => {
    const { post } = setup(10);
    const response = await post('/datasets/trees/objects', CSV, ok);
    expect(await response.json()).toMatchObject({ uploads: '/datasets/trees/uploads', inlineLimitBytes: 10 });
  });
});

describe('the inline limit from INGEST_INLINE_LIMIT_BYTES (what a Lambda deployment sets)', () => {
  afterEach(() => delete process.env.INGEST_INLINE_LIMIT_BYTES);

  it('answers a body over the configured limit with the 413 and the upload-URL hint', async () => {
    process.env.INGEST_INLINE_LIMIT_BYTES = '10';
    const root = mkdtempSync(join(tmpdir(), 'ingest-'));
    const ingest = createIngest({ now: () => NOW });
    const response = await ingest(
      new Request('http://lake.test/datasets/trees/objects', {
        method: 'POST',
        body: CSV,
        headers: { 'content-type': 'text/csv', 'x-file-name': 'a.csv' },
      }),
      createHandlerContext({ stores: { landing: new LocalObjectStore(root) }, log: quiet }),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ inlineLimitBytes: 10 });
    expect(readdirSync(root)).toEqual([]);
  });

  it.each(['0', '-1', '2.5', 'ten', String(26 * 1024 * 1024)])(
    "refuses '%s' at cold start, naming the variable and the range",
    (value) => {
      expect(() => inlineLimitFromEnvironment({ INGEST_INLINE_LIMIT_BYTES: value })).toThrow(
        `ingest: INGEST_INLINE_LIMIT_BYTES is '${value}'; use a whole number of bytes from 1 to ${INLINE_LIMIT_BYTES}`,
      );
    },
  );
});

describe('ingest large uploads', () => {
  it('gives a signed PUT URL bound to the landing key, size and type', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ingest-'));
    const landing = new LocalObjectStore(root, { publicBaseUrl: 'http://127.0.0.1:9', signingSecret: 's' });
    const ingest = createIngest({ now: () => NOW });
    const sha256 = 'a'.repeat(64);
    const response = await ingest(
      new Request('http://lake.test/datasets/trees/uploads', {
        method: 'POST',
        body: JSON.stringify({ fileName: 'big.csv', size: 300_000_000, sha256 }),
      }),
      createHandlerContext({ stores: { landing }, log: quiet }),
    );
    expect(response.status).toBe(201);
    const body = (await response.json()) as { key: string; url: string; headers: Record<string, string> };
    expect(body.key).toBe(`structured/trees/2026/03/04/${sha256}.csv`);
    expect(body.headers).toEqual({ 'content-type': 'text/csv' });
    expect(
      landing.verifySignedUrl(body.url, {
        method: 'PUT',
        contentType: 'text/csv',
        contentLength: 300_000_000,
      }),
    ).toEqual({
      valid: true,
      key: body.key,
      method: 'PUT',
    });
    expect(
      landing.verifySignedUrl(body.url, { method: 'PUT', contentType: 'text/csv', contentLength: 1 }).valid,
    ).toBe(false);
  });

  it.each([
    ['not JSON', 'nope', /must be JSON/],
    ['no size', JSON.stringify({ fileName: 'a.csv', sha256: 'a'.repeat(64) }), /size must be/],
    ['a bad hash', JSON.stringify({ fileName: 'a.csv', size: 5, sha256: 'xyz' }), /sha256 must be/],
    [
      'an unknown type',
      JSON.stringify({ fileName: 'a.exe', size: 5, sha256: 'a'.repeat(64) }),
      /no extension the lake takes/,
    ],
  ])('refuses an upload request with %s and writes nothing', async (_case, body, message) => {
    const root = mkdtempSync(join(tmpdir(), 'ingest-'));
    const ingest = createIngest();
    const response = await ingest(
      new Request('http://lake.test/datasets/trees/uploads', { method: 'POST', body }),
      createHandlerContext({ stores: { landing: new LocalObjectStore(root) }, log: quiet }),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(((await response.json()) as { error: string }).error).toMatch(message);
    expect(readdirSync(root)).toEqual([]);
  });
});
