import type { HandlerContext } from '../runtime';
import { FORMATS, formatOfExtension } from './formats';
import { landingKey } from './landing-key';
import { extensionOf, validateFileName } from './names';
import { IngestRefusal } from './refusal';
import { landingStore } from './upload';

/** Where ingest records what a large upload declared, so curate knows the file's name. */
export const UPLOAD_INTENTS_PREFIX = '_uploads/';
/** S3's largest single PUT. */
export const MAX_UPLOAD_BYTES = 5 * 1024 ** 3;
const UPLOAD_URL_SECONDS = 900;

/** What a large upload declares before sending its bytes to the upload URL. */
export interface UploadIntent {
  readonly fileName: string;
  readonly size: number;
  readonly sha256: string;
  readonly contentType: string;
  readonly uploadedAt: string;
}

/**
 * `POST /datasets/{dataset}/uploads` with `{ fileName, size, sha256 }`: a signed PUT URL bound to the
 * landing key, the size and the content type (S3 presigned PUT, GCS signed URL, or the dev server).
 */
export async function requestLargeUpload(
  request: Request,
  dataset: string,
  ctx: HandlerContext,
  now: Date,
): Promise<Response> {
  const landing = landingStore(ctx);
  let declared: Record<string, unknown>;
  try {
    declared = (await request.json()) as Record<string, unknown>;
  } catch {
    throw new IngestRefusal(
      400,
      `the body must be JSON: {"fileName": "big.parquet", "size": 123456789, "sha256": "<64 hex>"}`,
    );
  }
  if (typeof declared !== 'object' || declared === null)
    throw new IngestRefusal(400, 'the body must be a JSON object');
  const fileName = validateFileName(
    typeof declared.fileName === 'string' ? encodeURIComponent(declared.fileName) : null,
  );
  const format = formatOfExtension(extensionOf(fileName));
  if (format === undefined) {
    throw new IngestRefusal(415, `the file name ${JSON.stringify(fileName)} has no extension the lake takes`);
  }
  const size = declared.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || size > MAX_UPLOAD_BYTES) {
    throw new IngestRefusal(400, `size must be the file's byte count, from 1 to ${MAX_UPLOAD_BYTES}`);
  }
  const sha256 = declared.sha256;
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw new IngestRefusal(400, `sha256 must be the file's SHA-256 as 64 lower-case hex digits`);
  }
  const rule = FORMATS[format];
  const key = landingKey(rule.kind, dataset, now, sha256, rule.ext);
  const intent: UploadIntent = {
    fileName,
    size,
    sha256,
    contentType: rule.contentType,
    uploadedAt: now.toISOString(),
  };
  await landing.put(`${UPLOAD_INTENTS_PREFIX}${key}.json`, JSON.stringify(intent), {
    contentType: 'application/json',
  });
  const url = await landing.signedUrl(key, {
    method: 'PUT',
    expiresInSeconds: UPLOAD_URL_SECONDS,
    contentType: rule.contentType,
    contentLength: size,
  });
  return Response.json(
    {
      key,
      kind: rule.kind,
      url,
      method: 'PUT',
      headers: { 'content-type': rule.contentType },
      expiresInSeconds: UPLOAD_URL_SECONDS,
    },
    { status: 201 },
  );
}
