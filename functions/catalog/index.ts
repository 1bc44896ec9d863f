import type { HandlerContext, HttpHandler, ObjectStore } from '../runtime';
import { ObjectStoreInputError } from '../runtime';
import { catalogEntryKey, CATALOG_PREFIX } from '../curate';
import { parseLandingKey, validateDatasetName } from '../ingest';
import { documentsOf, readEntries, summariesOf } from './entries';
import { contentSecurityPolicy, PAGE_CSS, PAGE_HTML, PAGE_JS } from './page';
import { uploadOriginsFromEnvironment, validateUploadOrigins } from './upload-origins';
import { page, PageInputError } from './pagination';

/*
 * catalog: the lake's browser window (`GET /`) and its JSON API (`/api/datasets`, `/api/datasets/{dataset}`,
 * `/api/objects/{key}`), with downloads through a signed URL or, locally, a stream (`/download/{key}`).
 */

type SecurityHeaders = Readonly<Record<string, string>>;

function securityHeaders(uploadOrigins: readonly string[]): SecurityHeaders {
  return {
    'content-security-policy': contentSecurityPolicy(uploadOrigins),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}
const DOWNLOAD_URL_SECONDS = 300;

class NotFound extends Error {}

function asset(body: string, contentType: string, headers: SecurityHeaders): Response {
  return new Response(body, {
    headers: { ...headers, 'content-type': contentType, 'cache-control': 'no-cache' },
  });
}

function curatedStore(ctx: HandlerContext): ObjectStore {
  const curated = ctx.stores.curated;
  if (curated === undefined) throw new Error('catalog needs the curated store: set BIS_STORES=curated,raw');
  return curated;
}

function decodePath(path: string): string {
  try {
    return path.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw new NotFound(`the path ${JSON.stringify(path)} is not valid URL encoding`);
  }
}

export interface CatalogOptions {
  /**
   * The origins of the upload URLs ingest signs, which the page's Content-Security-Policy lets it send
   * files to (`connect-src`), e.g. the landing bucket's `https://<bucket>.s3.<region>.amazonaws.com`.
   * @default - `CATALOG_UPLOAD_ORIGINS`, else none: only same-origin upload URLs, as on the dev server
   */
  readonly uploadOrigins?: readonly string[];
}

export function createCatalog(options: CatalogOptions = {}): HttpHandler {
  const headers = securityHeaders(
    options.uploadOrigins === undefined
      ? uploadOriginsFromEnvironment()
      : validateUploadOrigins(options.uploadOrigins, 'uploadOrigins'),
  );
  const json = (body: unknown, status = 200): Response => Response.json(body, { status, headers });
  return async (request, ctx) => {
    const url = new URL(request.url);
    const path = url.pathname;
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return Response.json(
          { error: `${request.method} is not allowed here: the catalog is read with GET` },
          { status: 405, headers: { allow: 'GET, HEAD' } },
        );
      }
      if (path === '/' || path === '/index.html')
        return asset(PAGE_HTML, 'text/html; charset=utf-8', headers);
      if (path === '/favicon.ico') return new Response(null, { status: 204, headers });
      if (path === '/app.css') return asset(PAGE_CSS, 'text/css; charset=utf-8', headers);
      if (path === '/app.js') return asset(PAGE_JS, 'text/javascript; charset=utf-8', headers);
      if (path === '/api/datasets') {
        const { items, cursor } = page(summariesOf(await readEntries(curatedStore(ctx))), url.searchParams);
        return json({ datasets: items, cursor });
      }
      if (path.startsWith('/api/datasets/')) {
        const dataset = validateDatasetName(decodePath(path.slice('/api/datasets/'.length)));
        const entries = await readEntries(curatedStore(ctx), `${CATALOG_PREFIX}${dataset}/`);
        if (entries.length === 0)
          throw new NotFound(`there is no dataset ${JSON.stringify(dataset)} in the catalog`);
        const { items, cursor } = page(documentsOf(entries), url.searchParams);
        return json({ dataset, documents: items, cursor });
      }
      if (path.startsWith('/api/objects/'))
        return json(await objectView(ctx, decodePath(path.slice('/api/objects/'.length))));
      if (path.startsWith('/download/'))
        return await download(ctx, decodePath(path.slice('/download/'.length)), headers);
      throw new NotFound(`no such page: ${path}; the catalog is at /`);
    } catch (error) {
      if (error instanceof NotFound) return json({ error: error.message }, 404);
      if (error instanceof PageInputError || error instanceof ObjectStoreInputError)
        return json({ error: error.message }, 400);
      if (error instanceof Error && error.name === 'IngestRefusal')
        return json({ error: error.message }, 400);
      throw error;
    }
  };
}

export const http: HttpHandler = createCatalog();

function landingKeyOf(key: string) {
  const parsed = parseLandingKey(key);
  if (parsed === undefined) {
    throw new NotFound(
      `${JSON.stringify(key)} is not an object key of the lake (<kind>/<dataset>/<yyyy>/<mm>/<dd>/<sha256>.<ext>)`,
    );
  }
  return parsed;
}

async function objectView(ctx: HandlerContext, key: string) {
  const parsed = landingKeyOf(key);
  const curated = curatedStore(ctx);
  const entries = await readEntries(curated, `${CATALOG_PREFIX}${parsed.dataset}/`);
  const entry = entries.find((candidate) => candidate.key === key);
  if (entry === undefined) throw new NotFound(`there is no catalogued object ${JSON.stringify(key)}`);
  const document = documentsOf(entries).find((candidate) => candidate.fileName === entry.fileName)!;
  return {
    entry,
    current: document.current.key === key,
    document: { fileName: document.fileName, current: document.current.key, earlier: document.earlier },
    download: `/download/${key.split('/').map(encodeURIComponent).join('/')}`,
    catalogEntry: catalogEntryKey(parsed.dataset, key),
  };
}

/** A signed GET where the store gives one (S3, GCS); locally, the raw copy streamed. */
async function download(ctx: HandlerContext, key: string, headers: SecurityHeaders): Promise<Response> {
  landingKeyOf(key);
  const raw = ctx.stores.raw;
  if (raw === undefined) throw new Error('catalog downloads need the raw store: set BIS_STORES=curated,raw');
  if (!raw.description.startsWith('local:')) {
    return Response.redirect(
      await raw.signedUrl(key, { method: 'GET', expiresInSeconds: DOWNLOAD_URL_SECONDS }),
      302,
    );
  }
  const object = await raw.get(key);
  if (object === undefined) throw new NotFound(`there is no object ${JSON.stringify(key)} in the raw zone`);
  const name = key.slice(key.lastIndexOf('/') + 1);
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      for await (const chunk of object.body) controller.enqueue(new Uint8Array(chunk as Buffer));
      controller.close();
    },
  });
  return new Response(stream, {
    headers: {
      ...headers,
      'content-type': object.contentType ?? 'application/octet-stream',
      'content-length': String(object.size),
      'content-disposition': `attachment; filename="${name}"`,
    },
  });
}

export { documentsOf, summariesOf, type CatalogDocument, type DatasetSummary } from './entries';
export { CONTENT_SECURITY_POLICY, contentSecurityPolicy } from './page';
export { UPLOAD_ORIGINS_VARIABLE, uploadOriginsFromEnvironment } from './upload-origins';
