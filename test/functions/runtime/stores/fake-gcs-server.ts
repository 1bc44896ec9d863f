import { createHash, randomUUID } from 'crypto';
import { createServer } from 'http';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { CRC32C } from '@google-cloud/storage';

/*
 * A fake of the GCS JSON and XML APIs, only as far as @google-cloud/storage 7 calls them for
 * GcsObjectStore: multipart and resumable uploads, media and metadata reads, paginated list, delete,
 * and GET/PUT on signed (XML API) URLs. It does NOT check signatures or credentials: a protocol fake.
 * GCS has no local server on npm or Debian, hence this.
 */

interface FakeObject {
  readonly name: string;
  readonly bytes: Buffer;
  readonly generation: string;
  readonly contentType: string;
  readonly metadata: Record<string, string>;
  readonly updated: string;
}

export interface FakeGcs {
  readonly endpoint: string;
  /** Each request as `METHOD path?query`, for tests that check what the client sent. */
  readonly requests: string[];
  createBucket(name: string): void;
  close(): Promise<void>;
}

function hashes(bytes: Buffer): { md5Hash: string; crc32c: string } {
  const crc32c = new CRC32C();
  crc32c.update(bytes);
  return { md5Hash: createHash('md5').update(bytes).digest('base64'), crc32c: crc32c.toString() };
}

function resource(bucket: string, object: FakeObject): Record<string, unknown> {
  return {
    kind: 'storage#object',
    id: `${bucket}/${object.name}/${object.generation}`,
    name: object.name,
    bucket,
    generation: object.generation,
    metageneration: '1',
    size: String(object.bytes.length), // int64 as a string, as GCS sends it
    contentType: object.contentType,
    metadata: object.metadata,
    etag: `C${object.generation}`,
    updated: object.updated,
    timeCreated: object.updated,
    ...hashes(object.bytes),
  };
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Splits a multipart/related body into its JSON metadata and media parts. */
function multipartParts(
  body: Buffer,
  contentType: string,
): { metadata: Record<string, unknown>; media: Buffer } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (boundary === undefined) throw new Error('multipart upload without a boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next < 0) break;
    parts.push(body.subarray(at + delimiter.length + 2, next - 2)); // drop the CRLF around each part
    at = next;
  }
  const content = parts.map((part) => part.subarray(part.indexOf('\r\n\r\n') + 4));
  return { metadata: JSON.parse(content[0].toString('utf8')) as Record<string, unknown>, media: content[1] };
}

export async function startFakeGcs(): Promise<FakeGcs> {
  const buckets = new Map<string, Map<string, FakeObject>>();
  const sessions = new Map<
    string,
    { bucket: string; name: string; metadata: Record<string, unknown>; done?: FakeObject }
  >();
  const requests: string[] = [];
  let generation = 1_700_000_000_000_000;

  function store(bucket: string, name: string, metadata: Record<string, unknown>, bytes: Buffer): FakeObject {
    const object: FakeObject = {
      name,
      bytes,
      generation: String(++generation),
      contentType: (metadata.contentType as string | undefined) ?? 'application/octet-stream',
      metadata: (metadata.metadata as Record<string, string> | undefined) ?? {},
      updated: new Date().toISOString(),
    };
    buckets.get(bucket)!.set(name, object);
    return object;
  }

  function json(response: ServerResponse, status: number, value: unknown): void {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  }

  function media(response: ServerResponse, object: FakeObject): void {
    const { md5Hash, crc32c } = hashes(object.bytes);
    response.writeHead(200, {
      'content-type': object.contentType,
      'content-length': object.bytes.length,
      'x-goog-hash': `crc32c=${crc32c},md5=${md5Hash}`,
      'x-goog-generation': object.generation,
    });
    response.end(object.bytes);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const method = request.method ?? 'GET';
    requests.push(`${method} ${url.pathname}${url.search}`);
    const notFound = () => json(response, 404, { error: { code: 404, message: 'No such object' } });
    let match: RegExpExecArray | null;

    if ((match = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname))) {
      const bucket = decodeURIComponent(match[1]);
      if (!buckets.has(bucket)) return notFound();
      const uploadId = url.searchParams.get('upload_id');
      if (method === 'POST' && url.searchParams.get('uploadType') === 'multipart') {
        const { metadata, media: bytes } = multipartParts(
          await bodyOf(request),
          request.headers['content-type'] ?? '',
        );
        const name = url.searchParams.get('name') ?? (metadata.name as string);
        return json(response, 200, resource(bucket, store(bucket, name, metadata, bytes)));
      }
      if (method === 'POST' && url.searchParams.get('uploadType') === 'resumable') {
        const metadata = JSON.parse((await bodyOf(request)).toString('utf8') || '{}') as Record<
          string,
          unknown
        >;
        const id = randomUUID();
        sessions.set(id, {
          bucket,
          name: (url.searchParams.get('name') ?? metadata.name) as string,
          metadata,
        });
        const location = `http://${request.headers.host}${url.pathname}?uploadType=resumable&upload_id=${id}`;
        response.writeHead(200, { location }).end();
        return;
      }
      if (method === 'PUT' && uploadId !== null && sessions.has(uploadId)) {
        const session = sessions.get(uploadId)!;
        const bytes = await bodyOf(request);
        if (request.headers['content-range'] === 'bytes */*' && bytes.length === 0) {
          if (session.done) return json(response, 200, resource(bucket, session.done));
          response.writeHead(308).end();
          return;
        }
        session.done = store(bucket, session.name, session.metadata, bytes);
        return json(response, 200, resource(bucket, session.done));
      }
      return json(response, 400, {
        error: { code: 400, message: `fake GCS: unsupported upload ${url.search}` },
      });
    }

    if ((match = /^\/storage\/v1\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(url.pathname))) {
      const bucket = buckets.get(decodeURIComponent(match[1]));
      if (bucket === undefined) return notFound();
      if (match[2] === undefined && method === 'GET') {
        const prefix = url.searchParams.get('prefix') ?? '';
        const maxResults = Number(url.searchParams.get('maxResults') ?? 1000);
        const after = url.searchParams.get('pageToken') ?? '';
        const names = [...bucket.keys()]
          .filter(
            (name) =>
              name.startsWith(prefix) &&
              (after === '' || Buffer.compare(Buffer.from(name), Buffer.from(after)) > 0),
          )
          .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        const page = names.slice(0, maxResults);
        const more = names.length > maxResults;
        return json(response, 200, {
          kind: 'storage#objects',
          items: page.map((name) => resource(decodeURIComponent(match![1]), bucket.get(name)!)),
          ...(more ? { nextPageToken: page[page.length - 1] } : {}),
        });
      }
      const object = bucket.get(decodeURIComponent(match[2] ?? ''));
      const wantedGeneration = url.searchParams.get('generation');
      if (object === undefined || (wantedGeneration !== null && wantedGeneration !== object.generation))
        return notFound();
      if (method === 'DELETE') {
        bucket.delete(object.name);
        response.writeHead(204).end();
        return;
      }
      if (method === 'GET' && url.searchParams.get('alt') === 'media') return media(response, object);
      if (method === 'GET') return json(response, 200, resource(decodeURIComponent(match[1]), object));
    }

    // Signed URLs use the XML API path: /<bucket>/<object>.
    if ((match = /^\/([^/]+)\/(.+)$/.exec(url.pathname)) && url.searchParams.has('X-Goog-Signature')) {
      const bucket = decodeURIComponent(match[1]);
      const name = decodeURIComponent(match[2]);
      if (!buckets.has(bucket)) return notFound();
      if (method === 'PUT') {
        const contentType = request.headers['content-type'];
        store(bucket, name, { contentType }, await bodyOf(request));
        response.writeHead(200).end();
        return;
      }
      const object = buckets.get(bucket)!.get(name);
      if (method === 'GET') return object === undefined ? notFound() : media(response, object);
    }
    json(response, 400, { error: { code: 400, message: `fake GCS: unsupported ${method} ${url.pathname}` } });
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: Error) =>
      json(response, 500, { error: { code: 500, message: error.message } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    createBucket: (name) => void buckets.set(name, new Map()),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
