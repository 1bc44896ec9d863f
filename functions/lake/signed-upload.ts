import { createHash } from 'crypto';
import { Readable, Transform } from 'stream';
import type { HttpHandler } from '../runtime';
import type { LocalLake } from './local-lake';

/**
 * `PUT /_objects/<key>?...&signature=`: the dev server's answer to the upload URLs ingest signs for
 * large files. The bytes stream to disk; the object counts (and is curated) only when its SHA-256 is
 * the one in its key.
 */
export function signedUpload(lake: LocalLake): HttpHandler {
  return async (request) => {
    const length = request.headers.get('content-length');
    const verdict = lake.landing.verifySignedUrl(request.url, {
      method: request.method,
      contentType: request.headers.get('content-type'),
      contentLength: length === null ? null : Number(length),
    });
    if (!verdict.valid)
      return Response.json({ error: `this upload URL is refused: ${verdict.reason}` }, { status: 403 });
    if (verdict.method !== 'PUT') return Response.json({ error: 'upload URLs take PUT' }, { status: 405 });
    if (request.body === null)
      return Response.json({ error: 'the body is empty: send the file' }, { status: 400 });
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const body = Readable.fromWeb(request.body as import('stream/web').ReadableStream<Uint8Array>).pipe(
      hashing,
    );
    const info = await lake.landing.put(verdict.key, body, {
      contentType: request.headers.get('content-type') ?? undefined,
    });
    const expected = verdict.key.slice(verdict.key.lastIndexOf('/') + 1).split('.')[0];
    if (hash.digest('hex') !== expected) {
      await lake.landing.delete(verdict.key);
      return Response.json(
        { error: `the bytes do not match the SHA-256 declared for this upload (${expected})` },
        { status: 400 },
      );
    }
    lake.curateLater(info);
    return Response.json({ key: info.key, size: info.size }, { status: 201 });
  };
}
