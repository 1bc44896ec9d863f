import { createHash } from 'crypto';
import type { HandlerContext, ObjectStore } from '../runtime';
import { classifyKind } from './classify';
import type { Kind } from './formats';
import { landingKey } from './landing-key';
import { validateFileName } from './names';
import { IngestRefusal } from './refusal';

/** What ingest answers for a stored object (201, or 200 when the same bytes were already there). */
export interface Ingested {
  readonly key: string;
  readonly kind: Kind;
  readonly sha256: string;
  readonly size: number;
}

export interface SmallUploadOptions {
  readonly inlineLimitBytes: number;
  readonly now: () => Date;
}

/** `POST /datasets/{dataset}/objects`: the body is the file; it is classified, hashed and landed. */
export async function ingestSmallUpload(
  request: Request,
  dataset: string,
  ctx: HandlerContext,
  options: SmallUploadOptions,
): Promise<Response> {
  const landing = landingStore(ctx);
  const contentType = request.headers.get('content-type');
  if (contentType === null) {
    throw new IngestRefusal(
      400,
      `the Content-Type header is missing: send the file's media type, e.g. Content-Type: text/csv`,
    );
  }
  const fileName = validateFileName(request.headers.get('x-file-name'));
  const bytes = await readBounded(request, options.inlineLimitBytes, dataset);
  if (bytes.byteLength === 0)
    throw new IngestRefusal(400, `the body is empty: send the file's bytes as the request body`);
  const kind = await classifyKind({ bytes, fileName, contentType });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const uploadedAt = options.now();
  const key = landingKey(kind.kind, dataset, uploadedAt, sha256, kind.ext);
  const body: Ingested = { key, kind: kind.kind, sha256, size: bytes.byteLength };
  const existing = await landing.head(key);
  if (existing?.metadata.sha256 === sha256) return Response.json(body, { status: 200 });
  await landing.put(key, bytes, {
    contentType: kind.contentType,
    metadata: {
      'original-name': encodeURIComponent(fileName),
      'original-content-type': encodeURIComponent(contentType),
      size: String(bytes.byteLength),
      sha256,
      'uploaded-at': uploadedAt.toISOString(),
    },
  });
  ctx.log.info('object landed', { key, kind: kind.kind, format: kind.format, size: bytes.byteLength });
  return Response.json(body, { status: 201 });
}

export function landingStore(ctx: HandlerContext): ObjectStore {
  const landing = ctx.stores.landing;
  if (landing === undefined) throw new Error('ingest needs the landing store: set BIS_STORES=landing');
  return landing;
}

/** Reads the body, refusing it (413) as soon as it passes the limit, so no oversized body is ever held. */
async function readBounded(request: Request, limit: number, dataset: string): Promise<Uint8Array> {
  const tooLarge = () =>
    new IngestRefusal(
      413,
      `the body is larger than the inline limit of ${limit} bytes: ask for an upload URL with POST /datasets/${dataset}/uploads`,
      { uploads: `/datasets/${dataset}/uploads`, inlineLimitBytes: limit },
    );
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (Number.isFinite(declared)) {
    // A declared size within the limit is read in one piece: the adapters hold these bytes already, and a
    // stream read of them costs a web stream per request and a copy of every chunk.
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > limit) throw tooLarge();
    return bytes;
  }
  if (request.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
