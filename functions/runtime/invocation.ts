import type {
  HandlerContext,
  HttpHandler,
  Logger,
  LogLevel,
  ObjectLanded,
  ObjectLandedHandler,
} from './contract';
import { createLogger, logLevelFromEnvironment } from './logger';
import type { Stores } from './object-store';
import { BadRequestError, INTERNAL_ERROR, problemResponse, TIMED_OUT } from './problem';
import { storesFromEnvironment } from './stores';
import { createRequest, installLazyResponse } from './fetch-objects';

/*
 * What every adapter shares: the cold start, the deadline, and running a handler so that a failure
 * becomes the same problem response (HTTP) or the same logged, rethrown error (events) on every cloud.
 */

export interface AdapterOptions {
  /** The stores handlers see as `ctx.stores`. @default - `storesFromEnvironment()`, read once at cold start */
  readonly stores?: Stores;
  /** @default - `BIS_LOG_LEVEL`, else 'info' */
  readonly logLevel?: LogLevel;
  /** Receives each log line. @default - `process.stdout.write` */
  readonly writeLog?: (line: string) => void;
  /**
   * How long before the cloud's deadline `ctx.signal` aborts, so the adapter can still answer.
   * @default 500
   */
  readonly deadlineMarginMs?: number;
  /**
   * Install `LazyResponse` as the global `Response`, so a string or bytes response reaches the cloud
   * without web streams (see fetch-objects/README.md). Once installed it stays for the process.
   * @default true
   */
  readonly lazyResponses?: boolean;
}

/** What an adapter settles once, when its module loads. */
export interface ColdStart {
  readonly stores: Stores;
  readonly logLevel: LogLevel;
  readonly writeLog: (line: string) => void;
  readonly deadlineMarginMs: number;
}

let environmentStores: Stores | undefined;

/**
 * Reads the configuration once. A bad setting throws (after one ERROR log line) so the cold start fails
 * with the variable's name instead of every request failing later.
 */
export function coldStart(adapter: string, options: AdapterOptions = {}): ColdStart {
  const writeLog = options.writeLog ?? ((line: string) => void process.stdout.write(line));
  try {
    const margin = options.deadlineMarginMs ?? 500;
    if (!Number.isFinite(margin) || margin < 0) {
      throw new Error(`${adapter}: deadlineMarginMs is ${margin}; use a number of milliseconds ≥ 0`);
    }
    const logLevel = options.logLevel ?? logLevelFromEnvironment();
    environmentStores ??= options.stores === undefined ? storesFromEnvironment() : undefined;
    const stores = options.stores ?? environmentStores ?? {};
    if (options.lazyResponses ?? true) installLazyResponse();
    return { stores, logLevel, writeLog, deadlineMarginMs: margin };
  } catch (error) {
    createLogger({ write: writeLog }).error(`${adapter}: the function cannot start`, { error });
    throw error;
  }
}

/** A way for an adapter to tell that the client went away, without listening before anyone asks. */
export interface ClientPresence {
  readonly gone: () => boolean;
  /** Calls `listener` once when the client goes; returns what stops listening. */
  readonly onGone: (listener: () => void) => () => void;
}

/** `ctx.signal` and what ends it; the signal exists only once someone reads it. */
export interface InvocationSignal {
  readonly signal: AbortSignal;
  readonly dispose: () => void;
}

/**
 * A signal that aborts `marginMs` before `remainingMs` runs out, or when the client goes. It is built on
 * first read: most handlers never read `ctx.signal`, and a controller, a timer and a listener per
 * invocation cost more than a small handler's work. Read late, it aborts on the next turn if its time is past.
 */
export function invocationSignal(
  remainingMs: number | undefined,
  marginMs: number,
  client?: ClientPresence,
): InvocationSignal {
  const abortAt =
    remainingMs !== undefined && Number.isFinite(remainingMs)
      ? Date.now() + remainingMs - marginMs
      : undefined;
  let controller: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopListening: (() => void) | undefined;
  const timeOut = () =>
    controller?.abort(new DOMException('the invocation is about to time out', 'TimeoutError'));
  const clientGone = () => controller?.abort(new DOMException('the client has gone', 'AbortError'));
  return {
    get signal() {
      if (controller !== undefined) return controller.signal;
      controller = new AbortController();
      if (abortAt !== undefined) {
        // Even when the time is already past, abort on the next turn, as a timer set at the start would.
        timer = setTimeout(timeOut, Math.max(0, abortAt - Date.now()));
        timer.unref();
      }
      if (client !== undefined && !controller.signal.aborted) {
        if (client.gone()) clientGone();
        else stopListening = client.onGone(clientGone);
      }
      return controller.signal;
    },
    dispose: () => {
      clearTimeout(timer);
      stopListening?.();
    },
  };
}

/** The context a handler sees; `signal` is read through, so it is only built if the handler reads it. */
export function invocationContext(
  log: Logger,
  requestId: string,
  deadline: InvocationSignal,
  stores: Stores,
): HandlerContext {
  return {
    log,
    requestId,
    get signal() {
      return deadline.signal;
    },
    stores,
  };
}

/** The handler's response, or the problem that stands for its failure. Never rejects. */
export function invokeHttp(handler: HttpHandler, request: Request, ctx: HandlerContext): Promise<Response> {
  return new Promise((resolve) => runHttp(handler, request, ctx, resolve));
}

/**
 * Calls `done` once with the handler's response, or the problem that stands for its failure. It creates
 * one promise at most (a `then` on what an async handler returns): functions-framework runs each request
 * in a domain, where every promise costs async-hook work, so the adapter's own path creates none.
 * `done` must not throw.
 */
export function runHttp(
  handler: HttpHandler,
  request: Request,
  ctx: HandlerContext,
  done: (response: Response) => void,
): void {
  let result: unknown;
  try {
    result = handler(request, ctx);
  } catch (error) {
    done(failedInvocation(error, ctx, pathOf(request)));
    return;
  }
  if (!isThenable(result)) {
    done(checkedResponse(result, request, ctx));
    return;
  }
  // A foreign thenable may call back twice, or throw from `then`: the first outcome counts, as with `await`.
  let settled = false;
  const settle = (response: () => Response) => {
    if (settled) return;
    settled = true;
    done(response());
  };
  try {
    result.then(
      (value) => settle(() => checkedResponse(value, request, ctx)),
      (error: unknown) => settle(() => failedInvocation(error, ctx, pathOf(request))),
    );
  } catch (error) {
    settle(() => failedInvocation(error, ctx, pathOf(request)));
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function checkedResponse(value: unknown, request: Request, ctx: HandlerContext): Response {
  if (value instanceof Response) return value;
  ctx.log.error(`handler returned ${describeValue(value)}, not a Response`, { path: pathOf(request) });
  return problemResponse(500, INTERNAL_ERROR, ctx.requestId);
}

/** The problem response for an error thrown by a handler (or by the adapter around it). */
export function failedInvocation(error: unknown, ctx: HandlerContext, path?: string): Response {
  if (error instanceof BadRequestError) {
    ctx.log.warn('request refused before the handler ran', { error, path });
    return problemResponse(400, `bad request: ${error.message}`, ctx.requestId);
  }
  if (ctx.signal.aborted && isTimeout(ctx.signal.reason)) {
    ctx.log.error('handler failed after the deadline', { error, path });
    return problemResponse(504, TIMED_OUT, ctx.requestId);
  }
  ctx.log.error('handler threw', { error, path });
  return problemResponse(500, INTERNAL_ERROR, ctx.requestId);
}

/** Runs an event handler; a failure is logged with its stack and rethrown so the cloud retries. */
export async function invokeObjectLanded(
  handler: ObjectLandedHandler,
  event: ObjectLanded,
  ctx: HandlerContext,
): Promise<void> {
  try {
    await handler(event, ctx);
  } catch (error) {
    ctx.log.error('object-landed handler failed; the cloud will retry the event', {
      error,
      bucket: event.bucket,
      key: event.key,
    });
    throw error;
  }
}

/**
 * A Fetch `Request` from what a cloud delivered. A GET or HEAD body is dropped (Fetch cannot carry one);
 * what Fetch refuses (a bad header value) is a `BadRequestError`. The abort signal is `ctx.signal`, not
 * `request.signal`: tying a signal to each Request costs Node's Fetch more than the Request itself.
 */
export function toFetchRequest(
  method: string,
  url: string,
  headers: Iterable<readonly [string, string]>,
  body: Uint8Array | undefined,
): Request {
  const fetchHeaders = new Headers();
  for (const [name, value] of headers) {
    try {
      fetchHeaders.append(name, value);
    } catch {
      throw new BadRequestError(`header '${name}' has a name or value the Fetch API refuses`);
    }
  }
  const bodyAllowed = method !== 'GET' && method !== 'HEAD';
  try {
    return createRequest(method, url, fetchHeaders, bodyAllowed ? body : undefined);
  } catch {
    throw new BadRequestError(`the Fetch API refuses method '${method}' or the request URL`);
  }
}

function isTimeout(reason: unknown): boolean {
  return reason instanceof DOMException && reason.name === 'TimeoutError';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return `an object (${value.constructor?.name ?? 'no prototype'})`;
}

function pathOf(request: Request): string {
  return new URL(request.url).pathname;
}
