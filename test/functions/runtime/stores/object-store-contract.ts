import { randomBytes } from 'crypto';
import { Readable } from 'stream';
import { ObjectStoreInputError } from '../../../../functions/runtime/object-store';
import type { ListedObject, ObjectStore, SignedUrlOptions } from '../../../../functions/runtime/object-store';

/*
 * The one behaviour every ObjectStore owes its handlers. Each store's test file calls
 * `describeObjectStoreContract` with a factory that gives a fresh, empty store per test.
 */

export interface ContractOptions {
  /**
   * Whether the server behind the store's signed URLs checks signatures. When it does, a tampered URL
   * must be refused; when it does not (a fake), `expectSignedParts` checks what the URL signs instead.
   */
  readonly serverChecksSignatures: boolean;
  /** Asserts the signed parts of a URL (algorithm, expiry, signed headers) for this store's protocol. */
  readonly expectSignedParts: (url: URL, options: SignedUrlOptions) => void;
  /** Why the server behind the store does not list in UTF-8 byte order, when it does not. */
  readonly listOrderDeviation?: string;
}

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

function streamOf(bytes: Buffer, pieceSize = 64 * 1024): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += pieceSize) pieces.push(bytes.subarray(at, at + pieceSize));
  return Readable.from(pieces);
}

async function listAll(store: ObjectStore, prefix: string, limit: number): Promise<ListedObject[][]> {
  const pages: ListedObject[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, { limit, cursor });
    pages.push([...page.objects]);
    cursor = page.cursor;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

export const INVALID_KEYS: readonly string[] = [
  '',
  '/absolute.csv',
  'a/../b.csv',
  '../escape.csv',
  './here.csv',
  'back\\slash.csv',
  'nul\u0000byte.csv',
  'line\nbreak.csv',
  'a//b.csv',
  'folder/',
  'x'.repeat(1025),
  'é'.repeat(513),
];

export function describeObjectStoreContract(
  name: string,
  newStore: () => Promise<ObjectStore>,
  options: ContractOptions,
): void {
  describe(`${name} honours the ObjectStore contract`, () => {
    let store: ObjectStore;
    beforeEach(async () => {
      store = await newStore();
    });

    test('bytes put are the bytes got, and put reports what head reports', async () => {
      const bytes = randomBytes(1000);
      const put = await store.put('raw/a.bin', bytes);
      const got = await store.get('raw/a.bin');
      expect(got).toBeDefined();
      expect((await readAll(got!.body)).equals(bytes)).toBe(true);
      const head = await store.head('raw/a.bin');
      expect(head).toMatchObject({ key: 'raw/a.bin', size: 1000, etag: put.etag });
      expect(put).toMatchObject({ key: 'raw/a.bin', size: 1000 });
      expect(got).toMatchObject({ key: 'raw/a.bin', size: 1000, etag: put.etag });
      expect(put.etag).not.toMatch(/"/);
      expect(head!.lastModified).toBeInstanceOf(Date);
      expect(Math.abs(head!.lastModified.getTime() - Date.now())).toBeLessThan(10 * 60 * 1000);
    });

    test('a string is stored as UTF-8', async () => {
      await store.put('text/hello.txt', 'héllo ✓ 世界', { contentType: 'text/plain; charset=utf-8' });
      const got = await store.get('text/hello.txt');
      expect((await readAll(got!.body)).toString('utf8')).toBe('héllo ✓ 世界');
      expect(got!.size).toBe(Buffer.byteLength('héllo ✓ 世界'));
    });

    test('a 5 MB random binary stream round-trips byte for byte', async () => {
      const bytes = randomBytes(5 * 1024 * 1024 + 17);
      const put = await store.put('big/random.bin', streamOf(bytes));
      expect(put.size).toBe(bytes.length);
      const got = await store.get('big/random.bin');
      const read = await readAll(got!.body);
      expect(read.length).toBe(bytes.length);
      expect(read.equals(bytes)).toBe(true);
    });

    test('an empty object is stored and read back empty', async () => {
      await store.put('empty.txt', new Uint8Array(0));
      const got = await store.get('empty.txt');
      expect(got!.size).toBe(0);
      expect((await readAll(got!.body)).length).toBe(0);
    });

    test('content type and metadata survive on get and head', async () => {
      const metadata = { source: 'sensor-7', 'batch-id': '2026-12-01' };
      await store.put('typed/a.csv', 'a,b\n1,2\n', { contentType: 'text/csv', metadata });
      const head = await store.head('typed/a.csv');
      expect(head).toMatchObject({ contentType: 'text/csv', metadata });
      const got = await store.get('typed/a.csv');
      expect(got).toMatchObject({ contentType: 'text/csv', metadata });
      await readAll(got!.body);
    });

    test('the content type defaults to application/octet-stream', async () => {
      await store.put('untyped', randomBytes(3));
      expect((await store.head('untyped'))!.contentType).toBe('application/octet-stream');
    });

    test('get and head of a missing key give undefined', async () => {
      expect(await store.get('nothing/here.bin')).toBeUndefined();
      expect(await store.head('nothing/here.bin')).toBeUndefined();
    });

    test('delete removes the object, and deleting a missing key is not an error', async () => {
      await store.put('gone.txt', 'bye');
      await store.delete('gone.txt');
      expect(await store.head('gone.txt')).toBeUndefined();
      expect(await store.get('gone.txt')).toBeUndefined();
      await expect(store.delete('gone.txt')).resolves.toBeUndefined();
      await expect(store.delete('never/was.txt')).resolves.toBeUndefined();
    });

    test('overwriting a key replaces its bytes, content type and metadata', async () => {
      await store.put('over.txt', 'first version', { contentType: 'text/plain', metadata: { version: '1' } });
      const second = await store.put('over.txt', 'second', {
        contentType: 'text/csv',
        metadata: { other: 'x' },
      });
      const got = await store.get('over.txt');
      expect((await readAll(got!.body)).toString()).toBe('second');
      expect(got).toMatchObject({
        size: 6,
        contentType: 'text/csv',
        metadata: { other: 'x' },
        etag: second.etag,
      });
      expect(got!.metadata).not.toHaveProperty('version');
      const page = await store.list('over');
      expect(page.objects.map((o) => o.key)).toEqual(['over.txt']);
    });

    test('list by prefix gives only the objects under it, in key order, as head describes them', async () => {
      for (const key of [
        'landing/b.csv',
        'landing/a.csv',
        'landing/sub/c.csv',
        'landing-other/d.csv',
        'curated/e.csv',
      ]) {
        await store.put(key, key);
      }
      const page = await store.list('landing/');
      expect(page.objects.map((o) => o.key)).toEqual(['landing/a.csv', 'landing/b.csv', 'landing/sub/c.csv']);
      expect(page.cursor).toBeUndefined();
      const head = await store.head('landing/a.csv');
      expect(page.objects[0]).toEqual({
        key: 'landing/a.csv',
        size: head!.size,
        etag: head!.etag,
        lastModified: expect.any(Date),
      });
      expect((await store.list('landing')).objects.map((o) => o.key)).toHaveLength(4);
      expect((await store.list('')).objects).toHaveLength(5);
      expect((await store.list('nothing/')).objects).toEqual([]);
    });

    (options.listOrderDeviation === undefined ? test : test.skip)(
      `list order is UTF-8 byte order, '-' before '/'${options.listOrderDeviation === undefined ? '' : ` (skipped: ${options.listOrderDeviation})`}`,
      async () => {
        for (const key of [
          'landing/b.csv',
          'landing-other/d.csv',
          'landing/a.csv',
          'landing/Z.csv',
          'landing/é.csv',
        ]) {
          await store.put(key, key);
        }
        expect((await store.list('landing')).objects.map((o) => o.key)).toEqual([
          'landing-other/d.csv',
          'landing/Z.csv',
          'landing/a.csv',
          'landing/b.csv',
          'landing/é.csv',
        ]);
      },
    );

    test('pagination with a cursor covers every object once, without gaps', async () => {
      const keys = ['p/1', 'p/2', 'p/3', 'p/4', 'p/5'];
      for (const key of [...keys].reverse()) await store.put(key, key);
      const pages = await listAll(store, 'p/', 2);
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat().map((o) => o.key)).toEqual(keys);
    });

    test('keys with spaces, unicode and + are kept as given', async () => {
      const keys = ['odd/a b+c.txt', 'odd/café ☕.txt', 'odd/100%+done?.txt'];
      for (const key of keys) await store.put(key, key);
      for (const key of keys) {
        const got = await store.get(key);
        expect((await readAll(got!.body)).toString()).toBe(key);
      }
      expect((await store.list('odd/')).objects.map((o) => o.key).sort()).toEqual([...keys].sort());
    });

    test.each(INVALID_KEYS.map((key) => [JSON.stringify(key).slice(0, 40), key]))(
      'the invalid key %s is refused by every operation, naming the key',
      async (_label, key) => {
        const named = key === '' ? /key is empty/ : new RegExp(escapeRegExp(JSON.stringify(key)));
        const operations: Array<() => Promise<unknown>> = [
          () => store.put(key, 'x'),
          () => store.get(key),
          () => store.head(key),
          () => store.delete(key),
          () => store.signedUrl(key, { method: 'GET', expiresInSeconds: 60 }),
        ];
        for (const operation of operations) {
          const failure = await operation().then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(failure).toBeInstanceOf(ObjectStoreInputError);
          expect((failure as Error).message).toMatch(named);
        }
      },
    );

    test('invalid metadata, content type, list limit and cursor are refused with a message', async () => {
      await expect(store.put('m.txt', 'x', { metadata: { 'Upper Case': 'v' } })).rejects.toThrow(
        /metadata key "Upper Case".*lower-case/,
      );
      await expect(store.put('m.txt', 'x', { metadata: { note: 'naïve' } })).rejects.toThrow(
        /printable ASCII/,
      );
      await expect(store.put('m.txt', 'x', { contentType: 'not a type' })).rejects.toThrow(/content type/);
      await expect(store.list('', { limit: 0 })).rejects.toThrow(ObjectStoreInputError);
      await expect(store.list('/abs')).rejects.toThrow(/prefix "\/abs"/);
      expect(await store.head('m.txt')).toBeUndefined();
    });

    test('a body that is not bytes, a string or a stream is refused', async () => {
      await expect(store.put('bad.bin', 42 as unknown as string)).rejects.toThrow(ObjectStoreInputError);
      expect(await store.head('bad.bin')).toBeUndefined();
    });

    test('a signed URL lifetime outside 1 s to 7 days is refused', async () => {
      for (const expiresInSeconds of [0, -1, 604_801, 1.5]) {
        await expect(store.signedUrl('s.txt', { method: 'GET', expiresInSeconds })).rejects.toThrow(
          /lifetime .*seven days/,
        );
      }
    });

    test('a signed PUT URL uploads with fetch and a signed GET URL downloads the same bytes', async () => {
      const bytes = randomBytes(4096);
      const putOptions: SignedUrlOptions = {
        method: 'PUT',
        expiresInSeconds: 300,
        contentType: 'image/png',
        contentLength: bytes.length,
      };
      const putUrl = await store.signedUrl('uploads/photo.png', putOptions);
      options.expectSignedParts(new URL(putUrl), putOptions);
      const uploaded = await fetch(putUrl, {
        method: 'PUT',
        body: bytes,
        headers: { 'content-type': 'image/png' },
      });
      expect(uploaded.status).toBe(200);
      await uploaded.arrayBuffer();

      const stored = await store.get('uploads/photo.png');
      expect(stored).toMatchObject({ size: bytes.length, contentType: 'image/png' });
      expect((await readAll(stored!.body)).equals(bytes)).toBe(true);

      const getOptions: SignedUrlOptions = { method: 'GET', expiresInSeconds: 300 };
      const getUrl = await store.signedUrl('uploads/photo.png', getOptions);
      options.expectSignedParts(new URL(getUrl), getOptions);
      const downloaded = await fetch(getUrl);
      expect(downloaded.status).toBe(200);
      expect(Buffer.from(await downloaded.arrayBuffer()).equals(bytes)).toBe(true);
    });

    if (options.serverChecksSignatures) {
      test('a signed URL altered to another key or another method is refused by the server', async () => {
        await store.put('secret/a.txt', 'a');
        await store.put('secret/b.txt', 'b');
        const url = await store.signedUrl('secret/a.txt', { method: 'GET', expiresInSeconds: 300 });
        const otherKey = await fetch(url.replace('secret/a.txt', 'secret/b.txt'));
        expect(otherKey.status).toBe(403);
        await otherKey.arrayBuffer();
        const otherMethod = await fetch(url, { method: 'PUT', body: 'overwritten' });
        expect(otherMethod.status).toBe(403);
        await otherMethod.arrayBuffer();
        expect((await readAll((await store.get('secret/a.txt'))!.body)).toString()).toBe('a');
      });
    }
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
