import { randomUUID } from 'crypto';
import type { HandlerContext, HttpHandler } from '../contract';
import {
  coldStart,
  failedInvocation,
  invocationContext,
  invocationSignal,
  invokeHttp,
  toFetchRequest,
  type AdapterOptions,
} from '../invocation';
import { settledResponse } from '../fetch-objects';
import { createLogger } from '../logger';
import { INTERNAL_ERROR, problemResponse } from '../problem';
import type { LambdaContext, LambdaHttpEvent, LambdaHttpResult } from './lambda-types';
import { MalformedEventError, requireObject, requireString } from '../malformed-event';

/** Lambda's synchronous invocation payload limit; the serialized result counts, base64 included. */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

// Media types whose bodies travel as text when they are valid UTF-8; everything else goes base64.
const TEXTUAL =
  /^(text\/|application\/(json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|yaml|x-yaml)\b|[a-z]+\/[^;]*\+(json|xml|yaml)\b)/i;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A Lambda handler for API Gateway HTTP API (payload 2.0) and Function URL events around a portable
 * `HttpHandler`. Bodies are byte-exact both ways; a result over Lambda's 6 MB limit becomes a 500 problem.
 */
export function awsLambdaHttp(
  handler: HttpHandler,
  options?: AdapterOptions,
): (event: LambdaHttpEvent, context: LambdaContext) => Promise<LambdaHttpResult> {
  const start = coldStart('awsLambdaHttp', options);
  return async (event, context) => {
    const requestId = context?.awsRequestId ?? event?.requestContext?.requestId ?? randomUUID();
    const log = createLogger({ requestId, level: start.logLevel, write: start.writeLog });
    const deadline = invocationSignal(context?.getRemainingTimeInMillis?.(), start.deadlineMarginMs);
    const ctx = invocationContext(log, requestId, deadline, start.stores);
    try {
      let response: Response;
      let method = 'GET';
      try {
        const request = requestFromEvent(event);
        method = request.method;
        response = await invokeHttp(handler, request, ctx);
      } catch (error) {
        if (error instanceof MalformedEventError) {
          log.error('awsLambdaHttp: the event is not an HTTP API 2.0 or Function URL event', { error });
          throw error;
        }
        response = failedInvocation(error, ctx);
      }
      return await resultFromResponse(response, method, ctx);
    } finally {
      deadline.dispose();
    }
  };
}

function requestFromEvent(event: LambdaHttpEvent): Request {
  const shape = requireObject(event, 'event');
  if (shape.version !== '2.0') {
    throw new MalformedEventError(
      `event.version is ${JSON.stringify(shape.version)}; expected "2.0" (set the API Gateway integration's ` +
        'payloadFormatVersion to 2.0, or use a Function URL)',
    );
  }
  const requestContext = requireObject(shape.requestContext, 'event.requestContext');
  const http = requireObject(requestContext.http, 'event.requestContext.http');
  const method = requireString(http.method, 'event.requestContext.http.method', 'an HTTP method');
  const rawPath = requireString(event.rawPath, 'event.rawPath', 'the request path, starting with /');
  if (!rawPath.startsWith('/')) {
    throw new MalformedEventError(
      `event.rawPath is ${JSON.stringify(rawPath)}; expected a path starting with /`,
    );
  }
  const headers = event.headers ?? {};
  const host =
    headers.host ??
    requireString(
      requestContext.domainName,
      'event.requestContext.domainName',
      'the host name (no host header)',
    );
  const query =
    typeof event.rawQueryString === 'string' && event.rawQueryString !== '' ? `?${event.rawQueryString}` : '';
  const body =
    typeof event.body === 'string'
      ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8')
      : undefined;
  return toFetchRequest(method, `https://${host}${rawPath}${query}`, headerPairs(event), body);
}

/** The event's headers, with the v2 `cookies` array folded back into one `cookie` header. */
function* headerPairs(event: LambdaHttpEvent): Iterable<readonly [string, string]> {
  const cookies = [...(event.cookies ?? [])];
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value === undefined) continue;
    if (name.toLowerCase() === 'cookie') cookies.unshift(value);
    else yield [name, value];
  }
  if (cookies.length > 0) yield ['cookie', cookies.join('; ')];
}

async function resultFromResponse(
  response: Response,
  method: string,
  ctx: HandlerContext,
): Promise<LambdaHttpResult> {
  const settled = settledResponse(response);
  let bytes: Uint8Array;
  try {
    if (settled !== undefined) {
      bytes = method === 'HEAD' ? new Uint8Array(0) : settled.bytes;
    } else if (method === 'HEAD') {
      await response.body?.cancel();
      bytes = new Uint8Array(0);
    } else {
      bytes = new Uint8Array(await response.arrayBuffer());
    }
  } catch (error) {
    ctx.log.error('the response body failed while it was read', { error });
    return problemResult(INTERNAL_ERROR, ctx);
  }
  const result = structuredResult(response, bytes);
  const size = Buffer.byteLength(JSON.stringify(result));
  if (size <= LAMBDA_RESPONSE_LIMIT_BYTES) return result;
  const error = `response too large for AWS Lambda (${size} bytes, limit ${LAMBDA_RESPONSE_LIMIT_BYTES})`;
  ctx.log.error(error, { status: response.status, bodyBytes: bytes.byteLength });
  return problemResult(error, ctx);
}

async function problemResult(error: string, ctx: HandlerContext): Promise<LambdaHttpResult> {
  const problem = problemResponse(500, error, ctx.requestId);
  const bytes = settledResponse(problem)?.bytes ?? new Uint8Array(await problem.arrayBuffer());
  return structuredResult(problem, bytes);
}

function structuredResult(response: Response, bytes: Uint8Array): LambdaHttpResult {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const text = textBody(response.headers, bytes);
  const result: LambdaHttpResult = {
    statusCode: response.status,
    headers,
    body: text ?? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    isBase64Encoded: text === undefined,
  };
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) result.cookies = cookies;
  return result;
}

/** The body as a string when that is byte-exact (a textual type, no content coding, valid UTF-8). */
function textBody(headers: Headers, bytes: Uint8Array): string | undefined {
  if (bytes.byteLength === 0) return '';
  if (headers.has('content-encoding') || !TEXTUAL.test(headers.get('content-type') ?? '')) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
