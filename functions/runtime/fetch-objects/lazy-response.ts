/*
 * A Fetch `Response` that keeps a string or bytes body as it is until someone asks for a stream. Node 20's
 * `Response.json(...)` wraps its string in a web stream and reading it back costs ~45 µs for a few bytes;
 * the adapters only need the status, the headers and the bytes. Handlers call the global `Response`, so
 * the adapters install this class as `globalThis.Response` at cold start (as Hono's Node server does):
 * `new Response(...)`, `Response.json(...)`, `instanceof Response` and every member behave as undici's,
 * which is built on first need for anything but the plain reads (test/functions/runtime/fetch-objects
 * proves it). Responses from `fetch()` stay undici's own and take the adapters' general path.
 */

import { defineLazyMembers, type LazyBodyState } from './lazy-body';

const RealResponse = globalThis.Response;

/** Status codes whose response must not carry a body; undici refuses one with its own error. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

const utf8Encoder = new TextEncoder();

interface ResponseState extends LazyBodyState<Response> {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
}

const states = new WeakMap<object, ResponseState>();

/** What an adapter needs to answer, read without streams, or undefined when only undici's path will do. */
export interface SettledResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Uint8Array;
}

/**
 * The status, headers and bytes of a response built from a string or bytes and not read yet. The body
 * counts as read afterwards, as after `arrayBuffer()`.
 */
export function settledResponse(response: Response): SettledResponse | undefined {
  const state = states.get(response);
  if (state === undefined || state.real !== undefined || state.used) return undefined;
  if (state.bytes !== undefined) state.used = true;
  return { status: state.status, headers: state.headers, bytes: state.bytes ?? new Uint8Array(0) };
}

type BodyInit = ConstructorParameters<typeof Response>[0];
type ResponseInitLike = ConstructorParameters<typeof Response>[1];

/** The bytes of a body the fast path keeps (a copy, as undici takes one), or null when it must not. */
function plainBytes(body: BodyInit): Uint8Array | undefined | null {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return utf8Encoder.encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0));
  if (ArrayBuffer.isView(body)) {
    return new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
  }
  return null;
}

function isPlainInit(init: ResponseInitLike): init is ResponseInit | undefined {
  if (init === undefined) return true;
  if (init === null || typeof init !== 'object' || Object.getPrototypeOf(init) !== Object.prototype)
    return false;
  return Object.keys(init).every((key) => key === 'status' || key === 'statusText' || key === 'headers');
}

export class LazyResponse {
  public static [Symbol.hasInstance](value: unknown): boolean {
    return states.has(value as object) || value instanceof RealResponse;
  }

  public static json(data: unknown, init?: ResponseInit): Response {
    const text = JSON.stringify(data) as string | undefined;
    if (text === undefined) throw new TypeError('Value is not JSON serializable');
    if (!isPlainInit(init)) return RealResponse.json(data, init);
    const headers = new Headers(init?.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new LazyResponse(text, { ...init, headers }) as unknown as Response;
  }

  public static error(): Response {
    return RealResponse.error();
  }

  public static redirect(url: string | URL, status?: number): Response {
    return RealResponse.redirect(url, status);
  }

  public constructor(body?: BodyInit, init?: ResponseInitLike) {
    const bytes = isPlainInit(init) ? plainBytes(body) : null;
    const status = init?.status ?? 200;
    const statusText = init?.statusText ?? '';
    const plain =
      bytes !== null &&
      Number.isInteger(status) &&
      status >= 200 &&
      status <= 599 &&
      !(bytes !== undefined && NULL_BODY_STATUSES.has(status)) &&
      typeof statusText === 'string' &&
      REASON_PHRASE.test(statusText);
    if (!plain) {
      // Anything else (streams, forms, blobs, odd init, what undici refuses): undici builds it, or throws.
      const real = new RealResponse(body, init);
      states.set(this, {
        status: real.status,
        statusText: real.statusText,
        headers: real.headers,
        bytes: undefined,
        used: false,
        real,
      });
      return;
    }
    const headers = new Headers(init?.headers);
    if (typeof body === 'string' && !headers.has('content-type')) {
      headers.set('content-type', 'text/plain;charset=UTF-8');
    }
    states.set(this, { status, statusText, headers, bytes, used: false, real: undefined });
  }
}

const members = {
  owner: 'Response',
  states,
  build: (state: ResponseState) =>
    new RealResponse(state.bytes as Uint8Array<ArrayBuffer> | undefined, {
      status: state.status,
      statusText: state.statusText,
      headers: state.headers,
    }),
  getters: {
    status: (state: ResponseState) => state.real?.status ?? state.status,
    statusText: (state: ResponseState) => state.real?.statusText ?? state.statusText,
    ok: (state: ResponseState) => state.real?.ok ?? (state.status >= 200 && state.status <= 299),
    // The one Headers object for the response's life; a real Response built later copies it.
    headers: (state: ResponseState) => state.headers,
    type: (state: ResponseState) => state.real?.type ?? 'default',
    url: (state: ResponseState) => state.real?.url ?? '',
    redirected: (state: ResponseState) => state.real?.redirected ?? false,
    bodyUsed: (state: ResponseState) => state.real?.bodyUsed ?? state.used,
  },
  methods: { clone: cloneOf },
};

function cloneOf(state: ResponseState): Response {
  if (state.used) throw new TypeError('Response.clone: Body has already been consumed.');
  const clone = Object.create(LazyResponse.prototype) as Response;
  states.set(clone, { ...state, headers: new Headers(state.headers), used: false, real: undefined });
  return clone;
}

Object.setPrototypeOf(LazyResponse, RealResponse);
Object.setPrototypeOf(LazyResponse.prototype, RealResponse.prototype);
Object.defineProperty(LazyResponse, 'name', { value: 'Response' });
defineLazyMembers(LazyResponse.prototype, RealResponse.prototype, members);

/**
 * Makes `Response` in handler code this class, once per process. Undici's own class stays reachable as
 * the prototype, and `instanceof` accepts both.
 */
export function installLazyResponse(): void {
  if (globalThis.Response !== (LazyResponse as unknown as typeof Response)) {
    globalThis.Response = LazyResponse as unknown as typeof Response;
  }
}
