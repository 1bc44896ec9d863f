import { randomBytes } from 'crypto';
import {
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  mkdirSync,
  readFileSync,
} from 'fs';
import { createServer } from 'http';
import type { AddressInfo } from 'net';
import type { Server } from 'http';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { ObjectStoreInputError } from '../../../../functions/runtime/object-store';
import { LocalObjectStore, verifyLocalSignedUrl } from '../../../../functions/runtime/stores';
import { describeObjectStoreContract, readAll } from './object-store-contract';

/*
 * LocalObjectStore on a temp folder. Its signed URLs are answered by a small server written here the
 * way the dev server will answer them: verifyLocalSignedUrl with the shared secret, then the store.
 */

const SECRET = randomBytes(32);
let server: Server;
let baseUrl: string;
let current: LocalObjectStore;
const roots: string[] = [];

function newRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'bis-local-store-'));
  roots.push(root);
  return root;
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const verdict = verifyLocalSignedUrl(
      request.url ?? '/',
      {
        method: request.method ?? 'GET',
        contentType: request.headers['content-type'],
        contentLength:
          request.headers['content-length'] === undefined
            ? undefined
            : Number(request.headers['content-length']),
      },
      { signingSecret: SECRET },
    );
    if (!verdict.valid) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end(verdict.reason);
      return;
    }
    const answer =
      verdict.method === 'PUT'
        ? current
            .put(verdict.key, request, { contentType: request.headers['content-type'] })
            .then(() => response.writeHead(200).end())
        : current.get(verdict.key).then((object) => {
            if (object === undefined) return void response.writeHead(404).end();
            response.writeHead(200, { 'content-type': object.contentType, 'content-length': object.size });
            object.body.pipe(response);
          });
    answer.catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describeObjectStoreContract(
  'LocalObjectStore',
  async () => {
    current = new LocalObjectStore(newRoot(), { publicBaseUrl: baseUrl, signingSecret: SECRET });
    return current;
  },
  {
    serverChecksSignatures: true,
    expectSignedParts: (url, options) => {
      expect(url.pathname).toMatch(/^\/_objects\//);
      expect(url.searchParams.get('method')).toBe(options.method);
      expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
      expect(Number(url.searchParams.get('expires')) - Date.now() / 1000).toBeCloseTo(
        options.expiresInSeconds,
        -1,
      );
      if (options.contentType !== undefined)
        expect(url.searchParams.get('contentType')).toBe(options.contentType);
      if (options.contentLength !== undefined) {
        expect(url.searchParams.get('contentLength')).toBe(String(options.contentLength));
      }
    },
  },
);

describe('LocalObjectStore on the filesystem', () => {
  test('a stream that fails midway leaves no object and no temporary file', async () => {
    const root = newRoot();
    const store = new LocalObjectStore(root);
    await store.put('landing/keep.bin', 'old bytes', { metadata: { version: '1' } });
    const failing = new Readable({
      read() {
        this.push(randomBytes(64 * 1024));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put('landing/new.bin', failing)).rejects.toThrow('client went away');
    const failingOverwrite = Readable.from(
      (async function* () {
        yield randomBytes(1024);
        throw new Error('disk of the sender failed');
      })(),
    );
    await expect(store.put('landing/keep.bin', failingOverwrite)).rejects.toThrow(
      'disk of the sender failed',
    );

    expect(await store.head('landing/new.bin')).toBeUndefined();
    const kept = await store.get('landing/keep.bin');
    expect((await readAll(kept!.body)).toString()).toBe('old bytes');
    expect(kept!.metadata).toEqual({ version: '1' });
    expect(allFiles(root).filter((name) => name.includes('.bis-tmp-'))).toEqual([]);
    expect(allFiles(root).filter((name) => name.includes('.bis-meta.'))).toHaveLength(1);
  });

  test('a new instance on the same root sees the objects with their metadata', async () => {
    const root = newRoot();
    const first = await new LocalObjectStore(root).put('a/b.json', '{"x":1}', {
      contentType: 'application/json',
      metadata: { owner: 'ingest' },
    });
    const reopened = new LocalObjectStore(root);
    expect(await reopened.head('a/b.json')).toEqual({ ...first, lastModified: expect.any(Date) });
    expect((await reopened.list('a/')).objects).toEqual([
      { key: 'a/b.json', size: first.size, etag: first.etag, lastModified: expect.any(Date) },
    ]);
  });

  test('objects are plain files under the root; each write gets a new etag, never a digest of the bytes', async () => {
    const root = newRoot();
    const store = new LocalObjectStore(root);
    const info = await store.put('zone/x.txt', 'hello');
    expect(readdirSync(join(root, 'zone')).filter((n) => !n.startsWith('.'))).toEqual(['x.txt']);
    expect(info.etag).toMatch(/^[0-9a-f]{32}$/);
    // Not the MD5 of 'hello': on the lake's SSE-KMS buckets S3's ETag is no MD5 either.
    expect(info.etag).not.toBe('5d41402abc4b2a76b9719d911017c592');
    expect((await store.head('zone/x.txt'))?.etag).toBe(info.etag);
    const rewritten = await store.put('zone/x.txt', 'hello');
    expect(rewritten.etag).not.toBe(info.etag);
    expect((await store.head('zone/x.txt'))?.etag).toBe(rewritten.etag);
  });

  test('a symbolic link out of the root is never followed, for reads or writes', async () => {
    const root = newRoot();
    const outside = newRoot();
    writeFileSync(join(outside, 'passwd'), 'secret');
    symlinkSync(outside, join(root, 'escape'));
    symlinkSync(join(outside, 'passwd'), join(root, 'file-link'));
    const store = new LocalObjectStore(root);
    await expect(store.get('escape/passwd')).rejects.toThrow(/symbolic link/);
    await expect(store.put('escape/planted', 'x')).rejects.toThrow(ObjectStoreInputError);
    await expect(store.get('file-link')).rejects.toThrow(/symbolic link/);
    await expect(store.head('file-link')).rejects.toThrow(/symbolic link/);
    await expect(store.put('file-link', 'x')).rejects.toThrow(/symbolic link/);
    await expect(store.delete('file-link')).rejects.toThrow(/symbolic link/);
    await expect(store.list('escape/')).rejects.toThrow(/symbolic link/);
    expect(readdirSync(outside)).toEqual(['passwd']);
    expect(readFileSync(join(outside, 'passwd'), 'utf8')).toBe('secret');
  });

  test('traversal keys never reach outside the root', async () => {
    const root = newRoot();
    const store = new LocalObjectStore(join(root, 'store'));
    for (const key of ['../outside.txt', 'a/../../outside.txt', '/etc/passwd', '..']) {
      await expect(store.put(key, 'x')).rejects.toThrow(ObjectStoreInputError);
    }
    expect(readdirSync(root)).toEqual([]);
  });

  test("the store's own file names are reserved and hidden from listings", async () => {
    const store = new LocalObjectStore(newRoot());
    await expect(store.put('.bis-meta.1.x', 'x')).rejects.toThrow(/reserved/);
    await expect(store.put('a/.bis-tmp-1', 'x')).rejects.toThrow(/reserved/);
    await store.put('a/visible.txt', 'x');
    expect((await store.list('')).objects.map((o) => o.key)).toEqual(['a/visible.txt']);
  });

  test('a key that would turn an object into a folder, or a folder into an object, is refused with the reason', async () => {
    const store = new LocalObjectStore(newRoot());
    await store.put('a', 'object');
    await expect(store.put('a/b', 'x')).rejects.toThrow(/"a" is an object/);
    await store.put('c/d', 'x');
    await expect(store.put('c', 'x')).rejects.toThrow(/other keys continue it/);
    expect(await store.head('c')).toBeUndefined();
  });

  test('deleting the last object of a folder removes the folder, so the key can hold an object again', async () => {
    const root = newRoot();
    const store = new LocalObjectStore(root);
    await store.put('f/g/h.txt', 'x');
    await store.delete('f/g/h.txt');
    expect(readdirSync(root)).toEqual([]);
    await store.put('f', 'now an object');
    expect((await store.head('f'))!.size).toBe(13);
  });

  test('a file without its sidecar, dropped by hand or left by a crash, is not an object', async () => {
    const root = newRoot();
    mkdirSync(join(root, 'landing'));
    writeFileSync(join(root, 'landing', 'orphan.csv'), 'no metadata');
    const store = new LocalObjectStore(root);
    expect(await store.head('landing/orphan.csv')).toBeUndefined();
    expect(await store.get('landing/orphan.csv')).toBeUndefined();
    expect((await store.list('landing/')).objects).toEqual([]);
  });

  test('concurrent puts of one key leave one whole object with its own metadata', async () => {
    const root = newRoot();
    const store = new LocalObjectStore(root);
    const bodies = Array.from({ length: 8 }, (_, index) => Buffer.alloc(256 * 1024 + index, index));
    await Promise.all(
      bodies.map((body, index) =>
        store.put('race/one.bin', Readable.from([body]), { metadata: { writer: String(index) } }),
      ),
    );
    const got = await store.get('race/one.bin');
    const bytes = await readAll(got!.body);
    const writer = Number(got!.metadata.writer);
    expect(bytes.equals(bodies[writer])).toBe(true);
    expect(got!.size).toBe(bodies[writer].length);
    expect(allFiles(root).filter((name) => name.includes('.bis-tmp-'))).toEqual([]);
  });

  test('a cursor from elsewhere is refused', async () => {
    const store = new LocalObjectStore(newRoot());
    await expect(store.list('', { cursor: 'not-a-cursor' })).rejects.toThrow(
      /cursor "not-a-cursor" is not one/,
    );
  });

  test('signedUrl without a publicBaseUrl says how to configure one', async () => {
    const store = new LocalObjectStore(newRoot());
    await expect(store.signedUrl('a.txt', { method: 'GET', expiresInSeconds: 60 })).rejects.toThrow(
      /publicBaseUrl: 'http:\/\/127\.0\.0\.1:8080'.*verifyLocalSignedUrl/,
    );
  });

  test('a signed URL is refused once expired, for another content type or length, or with another secret', async () => {
    const store = new LocalObjectStore(newRoot(), {
      publicBaseUrl: 'http://127.0.0.1:1',
      signingSecret: 'one',
    });
    const url = await store.signedUrl('u/a.png', {
      method: 'PUT',
      expiresInSeconds: 60,
      contentType: 'image/png',
      contentLength: 10,
    });
    const upload = { method: 'PUT', contentType: 'image/png', contentLength: 10 };
    expect(store.verifySignedUrl(url, upload)).toEqual({ valid: true, key: 'u/a.png', method: 'PUT' });
    expect(store.verifySignedUrl(url, upload, new Date(Date.now() + 61_000))).toMatchObject({
      valid: false,
      reason: /expired/,
    });
    expect(store.verifySignedUrl(url, { ...upload, contentType: 'text/html' })).toMatchObject({
      valid: false,
    });
    expect(store.verifySignedUrl(url, { ...upload, contentLength: 11 })).toMatchObject({ valid: false });
    expect(store.verifySignedUrl(url.replace('expires=', 'expires=9'), upload)).toMatchObject({
      valid: false,
      reason: /signature/,
    });
    expect(verifyLocalSignedUrl(url, upload, { signingSecret: 'two' })).toMatchObject({
      valid: false,
      reason: /signature/,
    });
  });
});

describe('LocalObjectStore.sweepLeftovers', () => {
  const aged = (path: string, bytes: string | Buffer) => {
    writeFileSync(path, bytes);
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(path, twoMinutesAgo, twoMinutesAgo);
  };

  test('deletes old temporary files and orphan sidecars, and reports how many and their bytes', async () => {
    const root = newRoot();
    const store = new LocalObjectStore(root);
    await store.put('zone/kept.csv', 'a,b\n1,2\n', { metadata: { version: '1' } });
    await store.put('zone/gone.csv', 'x\n');
    const goneSidecar = allFiles(join(root, 'zone')).find((name) => name.endsWith('.gone.csv'))!;
    rmSync(join(root, 'zone', 'gone.csv')); // its data file vanished: the sidecar is an orphan
    const goneSidecarBytes = statSync(join(root, 'zone', goneSidecar)).size;
    aged(join(root, 'zone', goneSidecar), readFileSync(join(root, 'zone', goneSidecar)));
    const liveIno = statSync(join(root, 'zone', 'kept.csv')).ino;
    aged(join(root, 'zone', `.bis-meta.${liveIno + 1}.kept.csv`), '{}'); // a replaced version's sidecar
    mkdirSync(join(root, 'zone', 'deep', 'er'), { recursive: true });
    aged(join(root, 'zone', 'deep', 'er', '.bis-tmp-0123456789abcdef'), Buffer.alloc(1000));
    aged(join(root, '.bis-tmp-fedcba9876543210'), Buffer.alloc(24));

    const swept = await store.sweepLeftovers();

    expect(swept).toEqual({ files: 4, bytes: goneSidecarBytes + 2 + 1000 + 24 });
    expect(
      allFiles(root)
        .filter((name) => name.includes('.bis-'))
        .sort(),
    ).toEqual([`zone/.bis-meta.${liveIno}.kept.csv`]);
    const kept = await store.get('zone/kept.csv');
    expect((await readAll(kept!.body)).toString()).toBe('a,b\n1,2\n');
    expect(kept!.metadata).toEqual({ version: '1' });
  });

  test('keeps young temporary files and sidecars, files the store did not write, and links', async () => {
    const root = newRoot();
    const store = new LocalObjectStore(root);
    mkdirSync(join(root, 'zone'));
    writeFileSync(join(root, 'zone', '.bis-tmp-0123456789abcdef'), 'a put in another process');
    writeFileSync(join(root, 'zone', '.bis-meta.42.coming.csv'), '{}'); // written just before its rename
    aged(join(root, 'zone', 'notes.txt'), 'a user file');
    aged(join(root, 'zone', '.bis-other'), 'not a name the store writes');
    const outside = newRoot();
    aged(join(outside, '.bis-tmp-0123456789abcdef'), 'outside the root');
    symlinkSync(outside, join(root, 'zone', 'link'));

    await expect(store.sweepLeftovers()).resolves.toEqual({ files: 0, bytes: 0 });
    expect(allFiles(root).sort()).toEqual([
      'zone',
      'zone/.bis-meta.42.coming.csv',
      'zone/.bis-other',
      'zone/.bis-tmp-0123456789abcdef',
      'zone/link',
      'zone/link/.bis-tmp-0123456789abcdef', // readdirSync follows the link; the sweep did not
      'zone/notes.txt',
    ]);
    expect(allFiles(outside)).toEqual(['.bis-tmp-0123456789abcdef']);
  });

  test('a younger margin sweeps younger leftovers', async () => {
    const root = newRoot();
    const store = new LocalObjectStore(root);
    writeFileSync(join(root, '.bis-tmp-0123456789abcdef'), 'cut short');
    await expect(store.sweepLeftovers({ minAgeMs: 0, now: new Date(Date.now() + 1000) })).resolves.toEqual({
      files: 1,
      bytes: 9,
    });
    expect(allFiles(root)).toEqual([]);
  });
});
