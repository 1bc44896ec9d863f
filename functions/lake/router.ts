import type { HttpHandler } from '../runtime';
import { http as catalog } from '../catalog';
import { http as ingest } from '../ingest';

/*
 * The lake's services behind one HTTP target, routed by path, as `npm start` serves them with
 * functions-framework on one port: ingest under /datasets/, the catalog everywhere else. Large uploads
 * (/_objects/) never reach it: `serve.ts` answers them before functions-framework reads the body.
 */
export function lakeRouter(): HttpHandler {
  return (request, ctx) => {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/datasets/')) return ingest(request, ctx);
    return catalog(request, ctx);
  };
}
