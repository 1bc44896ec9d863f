/*
 * A Fetch `Response` that keeps a string or bytes body as it is until someone asks for a stream. Node 20's
 * `Response.json(...)` wraps its string in a web stream and reading it back costs ~45 µs for a few bytes;
 * the adapters only need the status, the headers and the bytes. Handlers call the global `Response`, so
 * the adapters install this class as `globalThis.Response` at cold start (as Hono's Node server does):
 * `new Response(...)`, `Response.json(...)`, `instanceof Response` and every member behave as undici's,
 * which is built on first need for anything but the plain reads (test/functions/runtime/fetch-objects
 * proves it). Responses from `fetch()` stay undici's own and take the adapters' general path.
 */

const RealResponse = globalThis.Response;

/** Status codes whose response must not carry a body; undici refuses one with its own error. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

interface ResponseState {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  /** Undefined for a null body. */
  readonly bytes: Uint8Array | undefined;
  used: boolean;
  real: Response | undefined;
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

function stateOf(response: unknown, member: string): ResponseState {
  const state = states.get(response as object);
  if (state === undefined) throw new TypeError(`Illegal invocation of Response.${member}`);
  return state;
}

function realOf(state: ResponseState): Response {
  if (state.real === undefined) {
    state.real = new RealResponse(state.bytes as Uint8Array<ArrayBuffer> | undefined, {
      status: state.status,
      statusText: state.statusText,
      headers: state.headers,
    });
    if (state.used) state.real.arrayBuffer().catch(() => undefined);
  }
  return state.real;
}

function consume(state: ResponseState, member: string): Uint8Array {
  if (state.bytes === undefined) return new Uint8Array(0);
  if (state.used) throw new TypeError(`Body is unusable: Body has already been read (Response.${member})`);
  state.used = true;
  return state.bytes;
}

function cloneOf(state: ResponseState): Response {
  if (state.used) throw new TypeError('Response.clone: Body has already been consumed.');
  const clone = Object.create(LazyResponse.prototype) as Response;
  states.set(clone, { ...state, headers: new Headers(state.headers), used: false, real: undefined });
  return clone;
}

const fastReads: Record<string, (state: ResponseState) => unknown> = {
  text: (state) => utf8Decoder.decode(consume(state, 'text')),
  json: (state) => JSON.parse(utf8Decoder.decode(consume(state, 'json'))) as unknown,
  arrayBuffer: (state) => new Uint8Array(consume(state, 'arrayBuffer')).buffer,
  bytes: (state) => new Uint8Array(consume(state, 'bytes')),
};

const plainMembers: Record<string, (state: ResponseState) => unknown> = {
  status: (state) => state.real?.status ?? state.status,
  statusText: (state) => state.real?.statusText ?? state.statusText,
  ok: (state) => (state.real?.status ?? state.status) >= 200 && (state.real?.status ?? state.status) <= 299,
  // The one Headers object for the response's life, as undici's; a real object built later copies it.
  headers: (state) => state.headers,
  type: (state) => state.real?.type ?? 'default',
  url: (state) => state.real?.url ?? '',
  redirected: (state) => state.real?.redirected ?? false,
  bodyUsed: (state) => state.real?.bodyUsed ?? state.used,
};

Object.setPrototypeOf(LazyResponse, RealResponse);
Object.setPrototypeOf(LazyResponse.prototype, RealResponse.prototype);
Object.defineProperty(LazyResponse, 'name', { value: 'Response' });
Object.defineProperties(LazyResponse.prototype, {
  [Symbol.toStringTag]: { value: 'Response', configurable: true },
  [Symbol.for('nodejs.util.inspect.custom')]: {
    value(this: Response, ...args: unknown[]) {
      const real = realOf(stateOf(this, 'inspect')) as unknown as Record<
        symbol,
        (...a: unknown[]) => unknown
      >;
      return real[Symbol.for('nodejs.util.inspect.custom')](...args);
    },
  },
});

// Every member of the real prototype, today's and later Node versions', answers from the state or forwards.
for (const member of Object.getOwnPropertyNames(RealResponse.prototype)) {
  if (member === 'constructor') continue;
  const descriptor = Object.getOwnPropertyDescriptor(RealResponse.prototype, member)!;
  const plain = plainMembers[member];
  const fastRead = fastReads[member];
  if (descriptor.get !== undefined) {
    Object.defineProperty(LazyResponse.prototype, member, {
      get(this: unknown) {
        const state = stateOf(this, member);
        if (plain !== undefined) return plain(state);
        return (realOf(state) as unknown as Record<string, unknown>)[member];
      },
      configurable: true,
    });
  } else if (typeof descriptor.value === 'function') {
    Object.defineProperty(LazyResponse.prototype, member, {
      value: function (this: unknown, ...args: unknown[]) {
        const state = stateOf(this, member);
        if (member === 'clone' && state.real === undefined) return cloneOf(state);
        if (fastRead !== undefined && state.real === undefined) {
          try {
            return Promise.resolve(fastRead(state));
          } catch (error) {
            return Promise.reject(error);
          }
        }
        const real = realOf(state) as unknown as Record<string, (...a: unknown[]) => unknown>;
        return real[member](...args);
      },
      writable: true,
      configurable: true,
    });
  }
}

/**
 * Makes `Response` in handler code this class, once per process. Undici's own class stays reachable as
 * the prototype, and `instanceof` accepts both.
 */
export function installLazyResponse(): void {
  if (globalThis.Response !== (LazyResponse as unknown as typeof Response)) {
    globalThis.Response = LazyResponse as unknown as typeof Response;
  }
}
