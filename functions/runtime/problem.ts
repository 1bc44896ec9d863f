/*
 * Problem responses: what a client sees when the function could not answer. The body is
 * `{ error, requestId }` and never holds a stack or an exception's text; the log line holds those.
 */

/** The body of every problem response. */
export interface Problem {
  /** A short sentence written by the runtime, never an exception's message. */
  readonly error: string;
  /** The invocation's ID, to find its log lines. */
  readonly requestId: string;
}

/** What an uncaught handler error answers, on every cloud. */
export const INTERNAL_ERROR = 'internal error';

/** What a handler that ran out of time answers (the cloud's deadline or `ctx.signal`). */
export const TIMED_OUT = 'timed out';

export function problemResponse(status: number, error: string, requestId: string): Response {
  const problem: Problem = { error, requestId };
  return new Response(JSON.stringify(problem), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/** A request the adapter cannot turn into a Fetch `Request`: the client's fault, answered with a 400. */
export class BadRequestError extends Error {
  public override readonly name = 'BadRequestError';
}
