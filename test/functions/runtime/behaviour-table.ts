import { randomBytes } from 'crypto';
import { isDeepStrictEqual } from 'util';
import type { EchoedRequest } from '../../../functions/echo';
import { ECHO_FAILURE_MESSAGE, ECHO_TEXT, largeBody } from '../../../functions/echo';

/*
 * The behaviour table of portable HTTP functions, written once as data: a request to the reference
 * function `functions/echo` and the response every platform must give. The Lambda adapter, the
 * functions-framework test server and a real functions-framework process all run these same rows.
 * `runBehaviourTable(baseUrl)` runs them over HTTP against any server that serves `functions/echo`.
 */

export type Platform = 'aws' | 'gcp';

export interface TableRequest {
  readonly method: string;
  /** Path and query exactly as the client sends them. */
  readonly path: string;
  /** In order; a name given twice is sent twice. */
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string | Uint8Array<ArrayBuffer>;
}

/** A response as a client sees it, whatever carried it. */
export interface ObservedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly setCookies: readonly string[];
  readonly body: Uint8Array;
}

export interface Expectation {
  readonly status: number;
  /** Each must be present with exactly this value; others may be there too. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Exactly these Set-Cookie values, in order. @default - not checked */
  readonly setCookies?: readonly string[];
  /** Returns what is wrong with the body, nothing when it is right. @default - not checked */
  readonly body?: (body: Uint8Array) => string[];
}

export interface BehaviourCase {
  readonly name: string;
  readonly request: TableRequest;
  readonly expect: Expectation;
  /** Where a platform's limit makes the right answer differ. @default - `expect` on every platform */
  readonly on?: Partial<Record<Platform, Expectation>>;
}

export interface BehaviourResult {
  readonly name: string;
  /** Empty when the platform behaved as the table says. */
  readonly failures: readonly string[];
}

/** A body that Lambda's 6 MB limit still lets through once base64-encoded, and one that it does not. */
export const UNDER_LAMBDA_LIMIT_BYTES = 4_700_000;
export const OVER_LAMBDA_LIMIT_BYTES = 4_800_000;

const RANDOM_BINARY = new Uint8Array(randomBytes(256 * 1024));
const RANDOM_UNTYPED = new Uint8Array(randomBytes(4096));
const LATIN1_TEXT = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0xa9]); // "café ©" in ISO-8859-1
const INVALID_JSON = '{"unterminated": [1, 2';
const JSON_BODY = '{"name":"café","tags":["a","b"],"n":1.50}';

export const behaviourTable: readonly BehaviourCase[] = [
  {
    name: 'a unicode text body arrives intact',
    request: { method: 'GET', path: '/text' },
    expect: {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: textIs(ECHO_TEXT),
    },
  },
  {
    name: 'a JSON body reaches the handler byte for byte',
    request: { method: 'POST', path: '/', headers: [['content-type', 'application/json']], body: JSON_BODY },
    expect: {
      status: 200,
      body: echoed({ method: 'POST', contentType: 'application/json', body: JSON_BODY }),
    },
  },
  {
    // functions-framework alone answers this with a 400 HTML page; the portable contract gives the bytes.
    name: 'invalid JSON sent as application/json reaches the handler as its raw bytes',
    request: {
      method: 'POST',
      path: '/',
      headers: [['content-type', 'application/json']],
      body: INVALID_JSON,
    },
    expect: {
      status: 200,
      body: echoed({ method: 'POST', contentType: 'application/json', body: INVALID_JSON }),
    },
  },
  {
    name: 'JSON in a charset body-parser refuses reaches the handler as its raw bytes',
    request: {
      method: 'POST',
      path: '/',
      headers: [['content-type', 'application/json; charset=latin1']],
      body: LATIN1_TEXT,
    },
    expect: { status: 200, body: echoed({ body: LATIN1_TEXT }) },
  },
  {
    name: 'latin-1 text keeps its bytes (nothing is re-decoded)',
    request: {
      method: 'PUT',
      path: '/',
      headers: [['content-type', 'text/plain; charset=iso-8859-1']],
      body: LATIN1_TEXT,
    },
    expect: { status: 200, body: echoed({ method: 'PUT', body: LATIN1_TEXT }) },
  },
  {
    name: 'a form body keeps its bytes (not re-serialized from a parsed form)',
    request: {
      method: 'POST',
      path: '/',
      headers: [['content-type', 'application/x-www-form-urlencoded']],
      body: 'a=1&a=2&b=%20x+y&c=caf%C3%A9',
    },
    expect: { status: 200, body: echoed({ body: 'a=1&a=2&b=%20x+y&c=caf%C3%A9' }) },
  },
  {
    name: 'random binary bytes round-trip exactly',
    request: {
      method: 'POST',
      path: '/bytes',
      headers: [['content-type', 'application/octet-stream']],
      body: RANDOM_BINARY,
    },
    expect: {
      status: 200,
      headers: { 'content-type': 'application/octet-stream' },
      body: bytesAre(RANDOM_BINARY),
    },
  },
  {
    name: 'binary bytes without a content type round-trip exactly',
    request: { method: 'POST', path: '/bytes', body: RANDOM_UNTYPED },
    expect: { status: 200, body: bytesAre(RANDOM_UNTYPED) },
  },
  {
    name: 'an empty POST reaches the handler as zero bytes',
    request: { method: 'POST', path: '/' },
    expect: { status: 200, body: echoed({ method: 'POST', body: '' }) },
  },
  {
    name: 'a 204 answers no body',
    request: { method: 'GET', path: '/empty' },
    expect: { status: 204, body: bytesAre(new Uint8Array(0)) },
  },
  {
    name: 'HEAD answers the headers without the body',
    request: { method: 'HEAD', path: '/text' },
    expect: {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: bytesAre(new Uint8Array(0)),
    },
  },
  {
    name: 'request cookies reach the handler as one cookie header',
    request: { method: 'GET', path: '/', headers: [['cookie', 'session=abc; theme=dark']] },
    expect: { status: 200, body: echoed({ cookie: 'session=abc; theme=dark' }) },
  },
  {
    name: 'every Set-Cookie comes back on its own, commas in Expires included',
    request: { method: 'GET', path: '/cookies' },
    expect: {
      status: 200,
      setCookies: [
        'session=abc123; Path=/; HttpOnly; Secure; SameSite=Lax',
        'theme=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/',
        'lang=fr; Path=/',
      ],
    },
  },
  {
    name: 'a repeated request header reaches the handler comma-joined',
    request: {
      method: 'GET',
      path: '/',
      headers: [
        ['x-repeated', 'one'],
        ['x-repeated', 'two'],
      ],
    },
    expect: { status: 200, body: echoed({ headers: { 'x-repeated': 'one, two' } }) },
  },
  {
    name: 'a repeated response header comes back comma-joined',
    request: { method: 'GET', path: '/headers' },
    expect: {
      status: 200,
      headers: { 'x-echo-multi': 'first, second', 'x-echo-unicode-escaped': 'caf%C3%A9' },
    },
  },
  {
    name: 'a percent-encoded unicode query keeps its repeated keys and its raw form',
    request: {
      method: 'GET',
      path: '/search?q=caf%C3%A9&q=th%C3%A9&plus=a%2Bb&space=a+b&emoji=%F0%9F%8C%8D&empty=',
    },
    expect: {
      status: 200,
      body: echoed({
        path: '/search',
        rawQuery: 'q=caf%C3%A9&q=th%C3%A9&plus=a%2Bb&space=a+b&emoji=%F0%9F%8C%8D&empty=',
        query: [
          ['q', 'café'],
          ['q', 'thé'],
          ['plus', 'a+b'],
          ['space', 'a b'],
          ['emoji', '🌍'],
          ['empty', ''],
        ],
      }),
    },
  },
  {
    name: 'a percent-encoded path reaches the handler as sent',
    request: { method: 'DELETE', path: '/caf%C3%A9/a%20b/100%25' },
    expect: { status: 200, body: echoed({ method: 'DELETE', path: '/caf%C3%A9/a%20b/100%25' }) },
  },
  {
    name: 'a 404 from the handler passes through',
    request: { method: 'GET', path: '/status/404' },
    expect: { status: 404, body: jsonIs({ status: 404 }) },
  },
  {
    name: 'a 418 from the handler passes through',
    request: { method: 'PATCH', path: '/status/418', headers: [['content-type', 'text/plain']], body: 'tea' },
    expect: { status: 418, body: jsonIs({ status: 418 }) },
  },
  {
    name: 'a 503 from the handler passes through',
    request: { method: 'GET', path: '/status/503' },
    expect: { status: 503, body: jsonIs({ status: 503 }) },
  },
  {
    name: 'a thrown error is a 500 problem with the request ID and without the error text',
    request: { method: 'GET', path: '/throw' },
    expect: {
      status: 500,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: isProblem('internal error'),
    },
  },
  {
    name: 'a rejected promise is the same 500 problem',
    request: { method: 'POST', path: '/reject', headers: [['content-type', 'application/json']], body: '{}' },
    expect: {
      status: 500,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: isProblem('internal error'),
    },
  },
  {
    name: "a binary body just under Lambda's 6 MB limit is delivered whole",
    request: { method: 'GET', path: `/large?bytes=${UNDER_LAMBDA_LIMIT_BYTES}` },
    expect: { status: 200, body: bytesAre(largeBody(UNDER_LAMBDA_LIMIT_BYTES)) },
  },
  {
    name: "a body over Lambda's limit is a 500 problem that says so on AWS, and delivered whole on GCP",
    request: { method: 'GET', path: `/large?bytes=${OVER_LAMBDA_LIMIT_BYTES}` },
    expect: { status: 200, body: bytesAre(largeBody(OVER_LAMBDA_LIMIT_BYTES)) },
    on: {
      aws: {
        status: 500,
        body: isProblem(/^response too large for AWS Lambda \(\d+ bytes, limit 6291456\)$/),
      },
    },
  },
];

export function expectationFor(row: BehaviourCase, platform: Platform): Expectation {
  return row.on?.[platform] ?? row.expect;
}

/** What is wrong with `observed` for `row` on `platform`; empty when it is right. */
export function compareResponse(
  row: BehaviourCase,
  platform: Platform,
  observed: ObservedResponse,
): string[] {
  const expected = expectationFor(row, platform);
  const failures: string[] = [];
  if (observed.status !== expected.status)
    failures.push(`status is ${observed.status}, expected ${expected.status}`);
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    const actual = observed.headers.get(name);
    if (actual !== value)
      failures.push(`header ${name} is ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`);
  }
  if (
    expected.setCookies !== undefined &&
    !isDeepStrictEqual([...observed.setCookies], [...expected.setCookies])
  ) {
    failures.push(
      `set-cookie is ${JSON.stringify(observed.setCookies)}, expected ${JSON.stringify(expected.setCookies)}`,
    );
  }
  failures.push(...(expected.body?.(observed.body) ?? []));
  return failures;
}

/** Sends `request` to `baseUrl` with fetch and reads the whole response. */
export async function sendOverHttp(baseUrl: string, request: TableRequest): Promise<ObservedResponse> {
  const headers = new Headers();
  for (const [name, value] of request.headers ?? []) headers.append(name, value);
  const response = await fetch(new URL(request.path, baseUrl), {
    method: request.method,
    headers,
    body: request.body,
    redirect: 'manual',
  });
  return {
    status: response.status,
    headers: response.headers,
    setCookies: response.headers.getSetCookie(),
    body: new Uint8Array(await response.arrayBuffer()),
  };
}

/** Runs every row over HTTP against a server of `functions/echo`, one after the other. */
export async function runBehaviourTable(
  baseUrl: string,
  platform: Platform = 'gcp',
): Promise<BehaviourResult[]> {
  const results: BehaviourResult[] = [];
  for (const row of behaviourTable) {
    try {
      results.push({
        name: row.name,
        failures: compareResponse(row, platform, await sendOverHttp(baseUrl, row.request)),
      });
    } catch (error) {
      results.push({ name: row.name, failures: [`the request failed: ${String(error)}`] });
    }
  }
  return results;
}

/** The request body as bytes, as the client puts it on the wire. */
export function requestBytes(request: TableRequest): Uint8Array {
  if (request.body === undefined) return new Uint8Array(0);
  return typeof request.body === 'string' ? new TextEncoder().encode(request.body) : request.body;
}

function textIs(expected: string): (body: Uint8Array) => string[] {
  return (body) => {
    const text = Buffer.from(body).toString('utf8');
    return text === expected
      ? []
      : [`body is ${JSON.stringify(text.slice(0, 200))}, expected ${JSON.stringify(expected)}`];
  };
}

function bytesAre(expected: Uint8Array): (body: Uint8Array) => string[] {
  return (body) => {
    if (Buffer.from(body).equals(Buffer.from(expected))) return [];
    return [`body is ${body.byteLength} bytes that differ from the ${expected.byteLength} expected`];
  };
}

function parseJson(body: Uint8Array): { value?: unknown; failure?: string } {
  const text = Buffer.from(body).toString('utf8');
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { failure: `body is not JSON: ${JSON.stringify(text.slice(0, 200))}` };
  }
}

function jsonIs(expected: unknown): (body: Uint8Array) => string[] {
  return (body) => {
    const { value, failure } = parseJson(body);
    if (failure !== undefined) return [failure];
    return isDeepStrictEqual(value, expected)
      ? []
      : [`body is ${JSON.stringify(value)}, expected ${JSON.stringify(expected)}`];
  };
}

/** The problem shape: exactly `{ error, requestId }`, a non-empty ID, and no trace of the failure's text. */
function isProblem(error: string | RegExp): (body: Uint8Array) => string[] {
  return (body) => {
    const { value, failure } = parseJson(body);
    if (failure !== undefined) return [failure];
    const problem = value as Record<string, unknown>;
    const failures: string[] = [];
    if (!isDeepStrictEqual(Object.keys(problem).sort(), ['error', 'requestId'])) {
      failures.push(`problem has keys ${JSON.stringify(Object.keys(problem))}, expected error and requestId`);
    }
    const matches =
      typeof error === 'string'
        ? problem.error === error
        : typeof problem.error === 'string' && error.test(problem.error);
    if (!matches)
      failures.push(`problem error is ${JSON.stringify(problem.error)}, expected ${String(error)}`);
    if (typeof problem.requestId !== 'string' || problem.requestId === '')
      failures.push('problem has no requestId');
    const text = Buffer.from(body).toString('utf8');
    if (text.includes(ECHO_FAILURE_MESSAGE) || text.includes('secret') || /\bat .+:\d+:\d+/.test(text)) {
      failures.push('problem body leaks the error text or a stack trace');
    }
    return failures;
  };
}

interface EchoExpectation {
  readonly method?: string;
  readonly path?: string;
  readonly rawQuery?: string;
  readonly query?: readonly (readonly [string, string])[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly cookie?: string;
  readonly contentType?: string;
  readonly body?: string | Uint8Array;
}

/** The echo's description of the request matches `expected` on every field given. */
function echoed(expected: EchoExpectation): (body: Uint8Array) => string[] {
  return (body) => {
    const { value, failure } = parseJson(body);
    if (failure !== undefined) return [failure];
    const echo = value as EchoedRequest;
    const failures: string[] = [];
    const check = (field: string, actual: unknown, wanted: unknown) => {
      if (wanted !== undefined && !isDeepStrictEqual(actual, wanted)) {
        failures.push(
          `the handler saw ${field} ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`,
        );
      }
    };
    check('method', echo.method, expected.method);
    check('path', echo.path, expected.path);
    check('rawQuery', echo.rawQuery, expected.rawQuery);
    check(
      'query',
      echo.query,
      expected.query?.map((pair) => [...pair]),
    );
    check('cookie', echo.cookie, expected.cookie);
    check('content-type', echo.contentType, expected.contentType);
    for (const [name, wanted] of Object.entries(expected.headers ?? {}))
      check(`header ${name}`, echo.headers[name], wanted);
    if (expected.body !== undefined) {
      const wanted =
        typeof expected.body === 'string' ? Buffer.from(expected.body, 'utf8') : Buffer.from(expected.body);
      check('body (base64)', echo.bodyBase64, wanted.toString('base64'));
    }
    return failures;
  };
}
