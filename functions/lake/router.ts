import type { HttpHandler } from '../runtime';
import { http as catalog } from '../catalog';
import { http as ingest } from '../ingest';
import type { LocalLake } from './local-lake';
import { signedUpload } from './signed-upload';

/*
 * The lake's services behind one HTTP target, routed by path, as `npm start` serves them with
 * functions-framework on one port: ingest under /datasets/, large uploads under /_objects/, the
 * catalog everywhere else.
 */
export function lakeRouter(lake: LocalLake): HttpHandler {
  const upload = signedUpload(lake);
  return (request, ctx) => {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/datasets/')) return ingest(request, ctx);
    if (path.startsWith('/_objects/')) return upload(request, ctx);
    return catalog(request, ctx);
  };
}
