import { createHash } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { Transform } from 'stream';
import type { TransformCallback } from 'stream';
import { LOCAL_OBJECTS_PATH, ObjectStoreInputError } from '../runtime';
import type { Logger, ObjectInfo } from '../runtime';
import type { LocalLake } from './local-lake';

/*
 * `PUT /_objects/<key>?...&signature=`: the dev server's answer to the upload URLs ingest signs for
 * large files. It is a plain node:http listener that runs before functions-framework, whose body
 * parser would hold the whole body in memory: here the bytes stream to a temporary file while their
 * SHA-256 and size are counted, and the object is committed (renamed into place, then curated) only
 * when both are the ones the URL was signed for. Every refusal is a JSON 4xx.
 */

export const UPLOAD_PATH_PREFIX = `/${LOCAL_OBJECTS_PATH}/`;

/** A Node request listener; `next` is not needed: it answers every request under UPLOAD_PATH_PREFIX. */
export type UploadListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The bytes did not match what the URL was signed for: the stream fails before the store commits. */
class UploadMismatch extends Error {}

export function isUploadPath(url: string | undefined): boolean {
  return (url ?? '').startsWith(UPLOAD_PATH_PREFIX);
}

export function signedUpload(lake: LocalLake, log: Logger): UploadListener {
  return (req, res) => {
    receive(lake, req, res).catch((error: unknown) => {
      log.error('a signed upload failed; nothing was kept', { url: req.url?.split('?')[0], error });
      if (!res.headersSent && !res.destroyed)
        answer(res, 500, { error: 'the upload could not be stored; nothing was kept: send it again' });
      else res.destroy();
    });
  };
}

async function receive(lake: LocalLake, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const lengthHeader = req.headers['content-length'];
  const length = lengthHeader === undefined ? null : Number(lengthHeader);
  const verdict = lake.landing.verifySignedUrl(req.url ?? '', {
    method: req.method ?? '',
    contentType: req.headers['content-type'] ?? null,
    contentLength: length,
  });
  // Answered before a byte of the body is read: a refused upload costs the server nothing.
  if (!verdict.valid) return refuse(req, res, 403, `this upload URL is refused: ${verdict.reason}`);
  if (verdict.method !== 'PUT') return refuse(req, res, 405, 'upload URLs take PUT', { allow: 'PUT' });
  if (length === null || !Number.isSafeInteger(length)) {
    return refuse(req, res, 411, 'send the Content-Length header with the file size the URL was signed for');
  }
  if (length === 0) return refuse(req, res, 400, 'the body is empty: send the file');
  const expectedSha = verdict.key.slice(verdict.key.lastIndexOf('/') + 1).split('.')[0];
  const counted = countingStream(expectedSha, length);
  req.on('error', (error) => counted.destroy(error));
  // A client that goes away mid-body may give no error, only a close: the stream must fail either way.
  req.on('close', () => {
    if (!req.complete)
      counted.destroy(new Error('the client closed the connection before the end of the body'));
  });
  req.pipe(counted);
  let info: ObjectInfo;
  try {
    info = await lake.landing.put(verdict.key, counted, {
      contentType: req.headers['content-type'] ?? undefined,
    });
  } catch (error) {
    if (req.destroyed && !req.complete) return; // the client went away; the store left nothing behind
    if (error instanceof UploadMismatch || error instanceof ObjectStoreInputError)
      return answer(res, 400, { error: error.message });
    throw error;
  }
  lake.curateLater(info);
  answer(res, 201, { key: info.key, size: info.size, sha256: expectedSha });
}

/** Passes the bytes on while hashing and counting them; fails at the end unless both match. */
function countingStream(expectedSha: string, expectedSize: number): Transform {
  const hash = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (size !== expectedSize) {
        done(
          new UploadMismatch(`the body has ${size} bytes, not the ${expectedSize} declared for this upload`),
        );
        return;
      }
      const actual = hash.digest('hex');
      done(
        actual === expectedSha
          ? null
          : new UploadMismatch(
              `the bytes do not match the SHA-256 declared for this upload (${expectedSha}); their SHA-256 is ${actual}: ask for a new upload URL with the right sha256`,
            ),
      );
    },
  });
}

/** Answers without reading the body, and closes the connection so the client stops sending it. */
function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  error: string,
  headers: Record<string, string> = {},
): void {
  const length = req.headers['content-length'];
  const unread = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  answer(res, status, { error }, unread ? { ...headers, connection: 'close' } : headers);
}

function answer(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
