import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  LambdaFunctionURLEvent,
} from 'aws-lambda';
import { requestBytes, type ObservedResponse, type TableRequest } from './behaviour-table';

/*
 * Real Lambda event shapes, typed by @types/aws-lambda, built from a behaviour-table request the way
 * API Gateway (HTTP API, payload 2.0) and Function URLs build them: lower-case headers, repeated ones
 * comma-joined, cookies moved to the `cookies` array, the body as text or base64.
 */

export type LambdaEventSource = 'http-api' | 'function-url';

export function lambdaHttpEvent(request: TableRequest, source: LambdaEventSource): APIGatewayProxyEventV2 {
  const [rawPath, rawQueryString = ''] = splitOnce(request.path, '?');
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  const host =
    source === 'http-api'
      ? 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com'
      : 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws';
  headers.host = host;
  for (const [rawName, value] of request.headers ?? []) {
    const name = rawName.toLowerCase();
    if (name === 'cookie') cookies = [...(cookies ?? []), ...value.split(/;\s*/)];
    else headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const bytes = requestBytes(request);
  // HTTP APIs send text bodies as text; Function URLs here send every body as base64: both must work.
  const asText = source === 'http-api' && typeof request.body === 'string';
  const query = new URLSearchParams(rawQueryString);
  const queryStringParameters: Record<string, string> = {};
  for (const name of new Set(query.keys())) queryStringParameters[name] = query.getAll(name).join(',');
  const event: LambdaFunctionURLEvent = {
    version: '2.0',
    routeKey: source === 'http-api' ? `${request.method} /{proxy+}` : '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: source === 'http-api' ? '123456789012' : 'anonymous',
      apiId: source === 'http-api' ? 'a1b2c3d4e5' : 'abcdefghijklmnopqrstuvwxyz012345',
      domainName: host,
      domainPrefix: host.split('.')[0],
      http: {
        method: request.method,
        path: safeDecode(rawPath),
        protocol: 'HTTP/1.1',
        sourceIp: '198.51.100.7',
        userAgent: 'behaviour-table',
      },
      requestId: 'api-request-id',
      routeKey: source === 'http-api' ? `${request.method} /{proxy+}` : '$default',
      stage: '$default',
      time: '01/Dec/2026:19:00:00 +0000',
      timeEpoch: Date.UTC(2026, 11, 1, 19),
    },
    isBase64Encoded: false,
  };
  if (cookies !== undefined) event.cookies = cookies;
  if (rawQueryString !== '') event.queryStringParameters = queryStringParameters;
  if (request.body !== undefined) {
    event.body = asText ? (request.body as string) : Buffer.from(bytes).toString('base64');
    event.isBase64Encoded = !asText;
  }
  return event;
}

export function lambdaContext(
  awsRequestId = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  remainingMs = 30_000,
): Context {
  const unsupported = () => {
    throw new Error('the deprecated Context callbacks are not part of the adapter contract');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'echo',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:echo',
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: '/aws/lambda/echo',
    logStreamName: '2026/12/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => remainingMs,
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** What a client of API Gateway receives for a structured v2 result. */
export function observedFromResult(result: APIGatewayProxyStructuredResultV2): ObservedResponse {
  const headers = new Headers();
  for (const [name, value] of Object.entries(result.headers ?? {})) headers.set(name, String(value));
  const body = result.body ?? '';
  return {
    status: result.statusCode ?? 200,
    headers,
    setCookies: result.cookies ?? [],
    body: new Uint8Array(result.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8')),
  };
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
