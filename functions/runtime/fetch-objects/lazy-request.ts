/*
 * A Fetch `Request` whose undici object is only built when a handler needs more than the method, the URL,
 * the headers and the body's bytes. Node 20's `new Request` with a body wraps the bytes in a web stream and
 * `json()` reads them back through it: ~70 µs for a small JSON body, a third of a Lambda invocation's
 * budget. The adapters already hold the bytes, so `text()`, `json()`, `arrayBuffer()` and `bytes()` read
 * them directly; anything else (`body`, `formData()`, `blob()`, `signal`, …) builds the real Request once
 * and forwards to it. `instanceof Request` holds, and every observable answer is the real one's
 * (test/functions/runtime/fetch-objects proves it against undici's own Request).
 */

import { defineLazyMembers, type LazyBodyState } from './lazy-body';

const RealRequest = globalThis.Request;

/** Methods whose spelling the fast path keeps as is (Fetch normalises only the case of these). */
const PLAIN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);

interface RequestState extends LazyBodyState<Request> {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
}

const states = new WeakMap<object, RequestState>();

/**
 * A Request for what a cloud delivered. `headers` becomes the request's own Headers object; `body` is
 * kept, not copied, and is the request's alone from now on: the adapter never reads or changes it again,
 * so `arrayBuffer()` may hand it over. What the real constructor would refuse throws here, as
 * `new Request` would.
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
  states.set(request, {
    method,
    url: parsed.href,
    headers,
    bytes,
    handOver: true,
    used: false,
    real: undefined,
  });
  return request;
}

const LazyRequestPrototype: object = Object.create(RealRequest.prototype);

defineLazyMembers(LazyRequestPrototype, RealRequest.prototype, {
  owner: 'Request',
  states,
  build: (state) =>
    new RealRequest(state.url, {
      method: state.method,
      headers: state.headers,
      // A body read already may have been handed over (and changed or transferred by the reader): the real
      // Request only has to be a consumed one, which an empty body is as well.
      body: (state.used ? new Uint8Array(0) : state.bytes) as Uint8Array<ArrayBuffer> | undefined,
    }),
  getters: {
    method: (state) => state.method,
    url: (state) => state.url,
    // The one Headers object for the request's life; a real Request built later copies it.
    headers: (state) => state.headers,
    bodyUsed: (state) => state.real?.bodyUsed ?? state.used,
  },
});
