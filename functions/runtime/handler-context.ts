import { randomUUID } from 'crypto';
import type { HandlerContext, Logger } from './contract';
import { createLogger } from './logger';
import type { Stores } from './object-store';

export interface HandlerContextOptions {
  /** @default - no stores */
  readonly stores?: Stores;
  /** @default - a random UUID */
  readonly requestId?: string;
  /** @default - a signal that never aborts */
  readonly signal?: AbortSignal;
  /** @default - `createLogger({ requestId })`, JSON lines on stdout */
  readonly log?: Logger;
}

/** A context for calling a handler directly, as tests and local scripts do; the adapters build their own. */
export function createHandlerContext(options: HandlerContextOptions = {}): HandlerContext {
  const requestId = options.requestId ?? randomUUID();
  return {
    requestId,
    stores: options.stores ?? {},
    signal: options.signal ?? new AbortController().signal,
    log: options.log ?? createLogger({ requestId }),
  };
}
