import type { HttpHandler } from '../runtime';

/*
 * The reference portable function: it answers what it received, so the behaviour table can check that
 * every platform delivers the same request and returns the same response. Routes:
 *   /text              a unicode text body          /bytes       the request body back, same type
 *   /cookies           three Set-Cookie headers     /headers     a repeated response header
 *   /empty             204, no body                 /status/N    status N (200-599) with a JSON body
 *   /throw             a synchronous throw          /reject      a rejected promise
 *   /large?bytes=N     N deterministic bytes        /stores      the names of ctx.stores
 *   anything else      JSON: method, path, query, headers, cookies, body (base64)
 */

/** Text with 2-, 3- and 4-byte UTF-8 characters. */
export const ECHO_TEXT = 'héllo wörld – 你好 🌍';

/** The message of the deliberate failures; it must never reach a response body. */
export const ECHO_FAILURE_MESSAGE = 'echo failure: secret-detail-7f3a';

/** The largest body `/large` makes (bigger than any platform's limit, smaller than a laptop's memory). */
export const ECHO_LARGE_MAX_BYTES = 64 * 1024 * 1024;

export const http: HttpHandler = (request, ctx) => {
  const url = new URL(request.url);
  const [, first, second] = url.pathname.split('/');
  switch (first) {
    case 'throw':
      throw new Error(ECHO_FAILURE_MESSAGE);
    case 'reject':
      return Promise.reject(new Error(ECHO_FAILURE_MESSAGE));
    case 'text':
      return new Response(ECHO_TEXT, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
    case 'bytes':
      return bytesBack(request);
    case 'cookies':
      return cookies();
    case 'headers':
      return repeatedHeader();
    case 'empty':
      return new Response(null, { status: 204 });
    case 'status':
      return status(second);
    case 'large':
      return large(url.searchParams.get('bytes'));
    case 'stores':
      return Response.json({ stores: Object.keys(ctx.stores).sort() });
    default:
      return echo(request, url);
  }
};

/** The bytes an echo describes: what the handler received, in full. */
export interface EchoedRequest {
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  /** In order, repeated keys kept, decoded. */
  readonly query: readonly (readonly [string, string])[];
  /** Lower-case names, as the Fetch `Headers` gives them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly cookie: string | null;
  readonly contentType: string | null;
  readonly bodyBase64: string;
  readonly bodyLength: number;
}

async function echo(request: Request, url: URL): Promise<Response> {
  const body = Buffer.from(await request.arrayBuffer());
  const echoed: EchoedRequest = {
    method: request.method,
    path: url.pathname,
    rawQuery: url.search.replace(/^\?/, ''),
    query: [...url.searchParams],
    headers: headerRecord(request.headers),
    cookie: request.headers.get('cookie'),
    contentType: request.headers.get('content-type'),
    bodyBase64: body.toString('base64'),
    bodyLength: body.byteLength,
  };
  return Response.json(echoed);
}

function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => (record[name] = value));
  return record;
}

async function bytesBack(request: Request): Promise<Response> {
  const body = new Uint8Array(await request.arrayBuffer());
  return new Response(body, {
    headers: { 'content-type': request.headers.get('content-type') ?? 'application/octet-stream' },
  });
}

function cookies(): Response {
  const headers = new Headers();
  headers.append('set-cookie', 'session=abc123; Path=/; HttpOnly; Secure; SameSite=Lax');
  // An Expires date holds a comma: only a real multi-value transport keeps this cookie whole.
  headers.append('set-cookie', 'theme=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/');
  headers.append('set-cookie', 'lang=fr; Path=/');
  return new Response('cookies set', { headers });
}

function repeatedHeader(): Response {
  const headers = new Headers({ 'content-type': 'text/plain; charset=utf-8' });
  headers.append('x-echo-multi', 'first');
  headers.append('x-echo-multi', 'second');
  headers.set('x-echo-unicode-escaped', encodeURIComponent('café'));
  return new Response('headers set', { headers });
}

function status(code: string | undefined): Response {
  const status = Number(code);
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    return Response.json(
      { error: `'/status/${code ?? ''}' needs a status code from 200 to 599` },
      { status: 400 },
    );
  }
  if (status === 204 || status === 205 || status === 304) return new Response(null, { status });
  return Response.json({ status }, { status });
}

function large(bytes: string | null): Response {
  const size = Number(bytes);
  if (!Number.isSafeInteger(size) || size < 0 || size > ECHO_LARGE_MAX_BYTES) {
    return Response.json(
      { error: `'/large?bytes=' needs a byte count from 0 to ${ECHO_LARGE_MAX_BYTES}` },
      { status: 400 },
    );
  }
  return new Response(largeBody(size), { headers: { 'content-type': 'application/octet-stream' } });
}

/** The bytes `/large?bytes=N` answers: a fixed pattern, so a test can rebuild and compare them. */
export function largeBody(size: number): Uint8Array<ArrayBuffer> {
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i++) body[i] = (i * 31 + (i >> 8)) & 0xff;
  return body;
}

export { objectLanded } from './object-landed';
