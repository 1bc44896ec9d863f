import type { HttpHandler } from '../runtime';
import { http as catalog } from '../catalog';
import { http as ingest } from '../ingest';
import { UPLOAD_PATH_PREFIX } from './signed-upload';

/*
 * The lake's services behind one HTTP target, routed by path, as `npm start` serves them with
 * functions-framework on one port: ingest under /datasets/, the catalog everywhere else. Large uploads
 * (/_objects/) never reach it: `serve.ts` answers them before functions-framework reads the body.
 */

export interface LakeRouterProps {
  /**
   * The address the landing store signs upload URLs with. Those URLs are moved onto the address each
   * client used, so a page opened at http://127.0.0.1 gets same-origin upload URLs, allowed by its
   * `connect-src 'self'`, though the server signed them for http://localhost.
   * @default - upload URLs are passed on as signed
   */
  readonly publicBaseUrl?: string;
}

const UPLOADS_ROUTE = /^\/datasets\/[^/]*\/uploads\/?$/;

export function lakeRouter(props: LakeRouterProps = {}): HttpHandler {
  const signedPrefix =
    props.publicBaseUrl === undefined
      ? undefined
      : `${new URL(props.publicBaseUrl).origin}${UPLOAD_PATH_PREFIX}`;
  return async (request, ctx) => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith('/datasets/')) return catalog(request, ctx);
    const response = await ingest(request, ctx);
    if (signedPrefix === undefined || response.status !== 201 || !UPLOADS_ROUTE.test(url.pathname))
      return response;
    const grant = (await response.json()) as { url: string };
    // The signature covers the path and query, not the host: the same URL is valid on every address.
    if (grant.url.startsWith(signedPrefix))
      grant.url = `${url.origin}${UPLOAD_PATH_PREFIX}${grant.url.slice(signedPrefix.length)}`;
    return Response.json(grant, { status: response.status, headers: response.headers });
  };
}
