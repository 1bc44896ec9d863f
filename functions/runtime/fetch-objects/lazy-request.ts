/*
 * A Fetch `Request` whose undici object is only built when a handler needs more than the method, the URL,
 * the headers and the body's bytes. Node 20's `new Request` with a body wraps the bytes in a web stream and
 * `json()` reads them back through it: ~70 µs for a small JSON body, a third of a Lambda invocation's
 * budget. The adapters already hold the bytes, so `text()`, `json()`, `arrayBuffer()` and `bytes()` read
 * them directly; anything else (`body`, `formData()`, `blob()`, `signal`, …) builds the real Request once
 * and forwards to it. `instanceof Request` holds, and every observable answer is the real one's
 * (test/functions/runtime/fetch-objects proves it against undici's own Request).
 */

const RealRequest = globalThis.Request;

/** Methods whose spelling the fast path keeps as is (Fetch normalises only the case of these). */
const PLAIN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);

const utf8 = new TextDecoder();

interface RequestState {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  /** Undefined for a null body (no body, or an empty one). */
  readonly bytes: Uint8Array | undefined;
  /** Whether a fast-path read consumed the body. */
  used: boolean;
  real: Request | undefined;
}

const states = new WeakMap<object, RequestState>();

/**
 * A Request for what a cloud delivered. `headers` becomes the request's own Headers object; `body` is
 * kept, not copied (the adapter owns it and never changes it). What the real constructor would refuse
 * throws here, as `new Request` would.
 */
export function createRequest(
  method: string,
  url: string,
  headers: Headers,
  body: Uint8Array | undefined,
): Request {
  const bytes = body !== undefined && body.byteLength > 0 ? body : undefined;
  const parsed = PLAIN_METHODS.has(method) ? URL.parse(url) : null;
  if (parsed === null || parsed.username !== '' || parsed.password !== '') {
    // Unusual input: let undici decide (its normalisation, its errors).
    return new RealRequest(url, { method, headers, body: bytes as Uint8Array<ArrayBuffer> | undefined });
  }
  const request = Object.create(LazyRequestPrototype) as Request;
  states.set(request, { method, url: parsed.href, headers, bytes, used: false, real: undefined });
  return request;
}

function stateOf(request: unknown, member: string): RequestState {
  const state = states.get(request as object);
  if (state === undefined) throw new TypeError(`Illegal invocation of Request.${member}`);
  return state;
}

/** The undici Request, built on first need; a body the fast path consumed is consumed there too. */
function realOf(state: RequestState): Request {
  if (state.real === undefined) {
    state.real = new RealRequest(state.url, {
      method: state.method,
      headers: state.headers,
      body: state.bytes as Uint8Array<ArrayBuffer> | undefined,
    });
    // Reading starts synchronously, so the real body is disturbed (bodyUsed) at once.
    if (state.used) state.real.arrayBuffer().catch(() => undefined);
  }
  return state.real;
}

/** The bytes for one fast-path read, with undici's answer to a second read. */
function consume(state: RequestState, member: string): Uint8Array {
  if (state.bytes === undefined) return new Uint8Array(0);
  if (state.used) throw new TypeError(`Body is unusable: Body has already been read (Request.${member})`);
  state.used = true;
  return state.bytes;
}

const fastReads: Record<string, (state: RequestState) => unknown> = {
  text: (state) => utf8.decode(consume(state, 'text')),
  json: (state) => JSON.parse(utf8.decode(consume(state, 'json'))) as unknown,
  arrayBuffer: (state) => new Uint8Array(consume(state, 'arrayBuffer')).buffer,
  bytes: (state) => new Uint8Array(consume(state, 'bytes')),
};

const LazyRequestPrototype: object = Object.create(RealRequest.prototype, {
  method: { get: getter('method', (state) => state.method) },
  url: { get: getter('url', (state) => state.url) },
  headers: { get: getter('headers', (state) => state.headers) },
  bodyUsed: { get: getter('bodyUsed', (state) => state.real?.bodyUsed ?? state.used) },
  [Symbol.toStringTag]: { value: 'Request', configurable: true },
  [Symbol.for('nodejs.util.inspect.custom')]: {
    value(this: Request, ...args: unknown[]) {
      const real = realOf(stateOf(this, 'inspect')) as unknown as Record<
        symbol,
        (...a: unknown[]) => unknown
      >;
      return real[Symbol.for('nodejs.util.inspect.custom')](...args);
    },
  },
});

function getter(member: string, read: (state: RequestState) => unknown): () => unknown {
  return function (this: unknown) {
    return read(stateOf(this, member));
  };
}

// Everything else the real prototype has (getters and methods, today and in later Node versions) forwards.
for (const member of Object.getOwnPropertyNames(RealRequest.prototype)) {
  if (member === 'constructor' || Object.prototype.hasOwnProperty.call(LazyRequestPrototype, member))
    continue;
  const descriptor = Object.getOwnPropertyDescriptor(RealRequest.prototype, member)!;
  const fastRead = fastReads[member];
  if (descriptor.get !== undefined) {
    Object.defineProperty(LazyRequestPrototype, member, {
      get(this: unknown) {
        return (realOf(stateOf(this, member)) as unknown as Record<string, unknown>)[member];
      },
      configurable: true,
    });
  } else if (typeof descriptor.value === 'function') {
    Object.defineProperty(LazyRequestPrototype, member, {
      value: function (this: unknown, ...args: unknown[]) {
        const state = stateOf(this, member);
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
