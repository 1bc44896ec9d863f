import type { HttpHandler } from '../runtime';
import { ObjectStoreInputError } from '../runtime';
import { requestLargeUpload } from './large-upload';
import { validateDatasetName } from './names';
import { IngestRefusal } from './refusal';
import { ingestSmallUpload } from './upload';

/*
 * ingest: `POST /datasets/{dataset}/objects` lands a small file (classified, hashed, with its metadata);
 * `POST /datasets/{dataset}/uploads` gives a signed upload URL for a large one. Any refusal is a JSON
 * 4xx and writes nothing.
 */

/** Under the 32 MB request limit of Cloud Functions, with room for headers. */
export const INLINE_LIMIT_BYTES = 25 * 1024 * 1024;

/**
 * What a deployment sets when its platform takes less: Lambda takes 6 MB of request payload, and
 * API Gateway sends a binary body base64-encoded (4/3 of its size), so `LakeServicesStack` sets 4 MiB.
 */
export const INLINE_LIMIT_VARIABLE = 'INGEST_INLINE_LIMIT_BYTES';

/** The inline limit from the environment, or an error at cold start that names the variable. */
export function inlineLimitFromEnvironment(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[INLINE_LIMIT_VARIABLE];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || value < 1 || value > INLINE_LIMIT_BYTES) {
    throw new Error(
      `ingest: ${INLINE_LIMIT_VARIABLE} is '${raw}'; use a whole number of bytes from 1 to ${INLINE_LIMIT_BYTES}`,
    );
  }
  return value;
}

export interface IngestOptions {
  /**
   * Bodies above this get a 413 pointing at the upload-URL route.
   * @default - `INGEST_INLINE_LIMIT_BYTES`, else INLINE_LIMIT_BYTES
   */
  readonly inlineLimitBytes?: number;
  /** The clock of the landing key's date and the upload time. @default - the system clock */
  readonly now?: () => Date;
}

const ROUTE = /^\/datasets\/([^/]*)\/(objects|uploads)\/?$/;

export function createIngest(options: IngestOptions = {}): HttpHandler {
  const inlineLimitBytes = options.inlineLimitBytes ?? inlineLimitFromEnvironment() ?? INLINE_LIMIT_BYTES;
  const now = options.now ?? (() => new Date());
  return async (request, ctx) => {
    try {
      const match = ROUTE.exec(new URL(request.url).pathname);
      if (match === null) {
        throw new IngestRefusal(
          404,
          `no such route: POST /datasets/{dataset}/objects or /datasets/{dataset}/uploads`,
        );
      }
      if (request.method !== 'POST') {
        return Response.json(
          { error: `${request.method} is not allowed here: use POST` },
          { status: 405, headers: { allow: 'POST' } },
        );
      }
      let dataset: string;
      try {
        dataset = decodeURIComponent(match[1]);
      } catch {
        dataset = match[1];
      }
      validateDatasetName(dataset);
      return match[2] === 'objects'
        ? await ingestSmallUpload(request, dataset, ctx, { inlineLimitBytes, now })
        : await requestLargeUpload(request, dataset, ctx, now());
    } catch (error) {
      if (error instanceof IngestRefusal) {
        return Response.json({ error: error.message, ...error.hint }, { status: error.status });
      }
      if (error instanceof ObjectStoreInputError)
        return Response.json({ error: error.message }, { status: 400 });
      throw error;
    }
  };
}

export const http: HttpHandler = createIngest();

export { classifyKind, isGeoJson, type Classification } from './classify';
export { FORMATS, KINDS, formatOfExtension, type Format, type FormatRule, type Kind } from './formats';
export { landingKey, parseLandingKey, type LandingKey } from './landing-key';
export { UPLOAD_INTENTS_PREFIX, type UploadIntent } from './large-upload';
export { DATASET_NAME, validateDatasetName } from './names';
export type { Ingested } from './upload';
