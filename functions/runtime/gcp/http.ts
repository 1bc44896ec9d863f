import {
  http,
  type Request as FrameworkRequest,
  type Response as FrameworkResponse,
} from '@google-cloud/functions-framework';
import { randomUUID } from 'crypto';
import type { HandlerContext, HttpHandler } from '../contract';
import {
  coldStart,
  failedInvocation,
  invocationContext,
  invocationSignal,
  runHttp,
  toFetchRequest,
  type AdapterOptions,
  type ClientPresence,
  type ColdStart,
} from '../invocation';
import { settledResponse } from '../fetch-objects';
import { createLogger } from '../logger';
import { INTERNAL_ERROR, problemResponse } from '../problem';
import { platformTimeoutMs, requireFunctionName } from './platform';
import { keepRawBodies } from './raw-bodies';

// Connection-level headers: they describe the hop, not the request, and Lambda never shows them.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/**
 * Registers a portable `HttpHandler` with functions-framework under `name` (the `--target`). The handler
 * sees the request's bytes (`req.rawBody`, never `req.body`), whatever the content type.
 */
export function gcpHttp(name: string, handler: HttpHandler, options?: AdapterOptions): void {
  requireFunctionName(name, 'gcpHttp');
  const start = coldStart('gcpHttp', options);
  const timeoutMs = platformTimeoutMs();
  const serveRequest = (req: FrameworkRequest, res: FrameworkResponse): void =>
    serve(handler, start, timeoutMs, req, res);
  keepRawBodies(serveRequest);
  http(name, serveRequest);
}

/*
 * functions-framework runs each request in a domain, where every promise costs async-hook work (more than
 * a small handler's own work), so the path below is synchronous: its only promises are what an async
 * handler returns, one `then` on it, and a streamed body's reads.
 */
function serve(
  handler: HttpHandler,
  start: ColdStart,
  timeoutMs: number | undefined,
  req: FrameworkRequest,
  res: FrameworkResponse,
): void {
  const requestId = req.executionId ?? randomUUID();
  const log = createLogger({ requestId, level: start.logLevel, write: start.writeLog });
  const deadline = invocationSignal(timeoutMs, start.deadlineMarginMs, clientPresence(res));
  const ctx = invocationContext(log, requestId, deadline, start.stores);
  const writeFailed = (error: unknown): void => {
    // Only writing can fail here (a body stream that breaks after the status was sent): cut the connection
    // so the client sees a truncated response, never a complete-looking wrong one.
    log.error('the response failed while it was written', { error });
    res.destroy();
    deadline.dispose();
  };
  const respond = (response: Response): void => {
    let writing: Promise<void> | undefined;
    try {
      writing = writeResponse(response, req, res, ctx);
    } catch (error) {
      writeFailed(error);
      return;
    }
    if (writing === undefined) deadline.dispose();
    else writing.then(deadline.dispose, writeFailed);
  };
  let request: Request | Promise<Request>;
  try {
    request = requestFromFramework(req);
  } catch (error) {
    respond(failedInvocation(error, ctx));
    return;
  }
  if (request instanceof Promise)
    request.then(
      (read) => runHttp(handler, read, ctx, respond),
      (error: unknown) => respond(failedInvocation(error, ctx)),
    );
  else runHttp(handler, request, ctx, respond);
}

/** The client has gone when the connection closes before the response is complete. */
function clientPresence(res: FrameworkResponse): ClientPresence {
  return {
    gone: () => res.destroyed && !res.writableFinished,
    onGone: (listener) => {
      const closed = () => {
        if (!res.writableFinished) listener();
      };
      res.once('close', closed);
      return () => res.off('close', closed);
    },
  };
}

/** The Fetch request, at once when functions-framework holds the bytes (every parsed content type). */
function requestFromFramework(req: FrameworkRequest): Request | Promise<Request> {
  const host = req.headers.host ?? 'localhost';
  const url = `${req.protocol}://${host}${req.originalUrl}`;
  // body-parser has inflated a compressed body: drop the headers that describe the compressed bytes.
  const inflated =
    req.rawBody !== undefined && (req.headers['content-encoding'] ?? 'identity') !== 'identity';
  const headers = headerPairs(req.rawHeaders, inflated);
  if (req.rawBody === undefined && req.method !== 'GET' && req.method !== 'HEAD' && !req.readableEnded) {
    // No parser matched (no content type, or one it could not interpret): the stream is still unread.
    return readAll(req).then((body) => toFetchRequest(req.method, url, headers, body));
  }
  return toFetchRequest(req.method, url, headers, req.rawBody);
}

/** Each header line as sent: repeated lines become one comma-joined value, cookie lines one `; `-joined. */
function* headerPairs(rawHeaders: readonly string[], inflated: boolean): Iterable<readonly [string, string]> {
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (HOP_BY_HOP.has(name)) continue;
    if (inflated && (name === 'content-encoding' || name === 'content-length')) continue;
    if (name === 'cookie') cookies.push(rawHeaders[i + 1]);
    else yield [name, rawHeaders[i + 1]];
  }
  if (cookies.length > 0) yield ['cookie', cookies.join('; ')];
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Writes the response; synchronous (undefined) for a string or bytes body, else the promise of the stream. */
function writeResponse(
  response: Response,
  req: FrameworkRequest,
  res: FrameworkResponse,
  ctx: HandlerContext,
): Promise<void> | undefined {
  if (res.destroyed) return dropResponse(response, ctx);
  const settled = settledResponse(response);
  if (settled === undefined) return streamResponse(response, req, res, ctx);
  // A string or bytes body: one write with its length, no stream.
  writeHead(res, settled.status, settled.headers);
  if (req.method === 'HEAD' || settled.bytes.byteLength === 0) {
    res.end();
    return undefined;
  }
  if (!res.hasHeader('content-length')) res.setHeader('content-length', settled.bytes.byteLength);
  res.end(settled.bytes);
  return undefined;
}

async function dropResponse(response: Response, ctx: HandlerContext): Promise<void> {
  await response.body?.cancel();
  ctx.log.info('the client went away before the response was written', { status: response.status });
}

async function streamResponse(
  response: Response,
  req: FrameworkRequest,
  res: FrameworkResponse,
  ctx: HandlerContext,
): Promise<void> {
  const reader = req.method === 'HEAD' ? undefined : response.body?.getReader();
  if (req.method === 'HEAD') await response.body?.cancel();
  let first: ReadableStreamReadResult<Uint8Array> | undefined;
  try {
    first = await reader?.read();
  } catch (error) {
    // Nothing is sent yet, so a body that fails at once can still become a clean problem response.
    ctx.log.error('the response body failed before its first byte', { error });
    return writeResponse(problemResponse(500, INTERNAL_ERROR, ctx.requestId), req, res, ctx);
  }
  writeHead(res, response.status, response.headers);
  if (reader === undefined || first === undefined || first.done) {
    res.end();
    return;
  }
  const second = await reader.read();
  if (second.done) {
    // A body in one chunk: one write, with its length.
    if (!res.hasHeader('content-length')) res.setHeader('content-length', first.value.byteLength);
    res.end(first.value);
    return;
  }
  await writeChunk(res, first.value);
  for (let next: ReadableStreamReadResult<Uint8Array> = second; !next.done; next = await reader.read()) {
    if (!(await writeChunk(res, next.value))) {
      await reader.cancel();
      ctx.log.info('the client went away while the response was streamed', { status: response.status });
      return;
    }
  }
  res.end();
}

function writeHead(res: FrameworkResponse, status: number, headers: Headers): void {
  res.statusCode = status;
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
}

/** Writes with backpressure; false when the client has gone. */
async function writeChunk(res: FrameworkResponse, chunk: Uint8Array): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  return !res.destroyed;
}
