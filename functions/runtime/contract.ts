import type { Stores } from './object-store';

/*
 * The neutral contract: what a portable handler sees, whatever the cloud. The adapters translate each
 * cloud into these shapes; no cloud type ever reaches user code.
 */

/** An HTTP function: the web-standard Fetch `Request` in, a `Response` out. */
export type HttpHandler = (request: Request, ctx: HandlerContext) => Response | Promise<Response>;

/** A function called once per object written to a bucket. Delivery is at least once: be idempotent. */
export type ObjectLandedHandler = (event: ObjectLanded, ctx: HandlerContext) => Promise<void>;

/** An object that was written (created or overwritten) in a bucket. */
export interface ObjectLanded {
  readonly provider: 'aws' | 'gcp' | 'local';
  readonly bucket: string;
  /** The object key, decoded: exactly the key the store's `get` takes. */
  readonly key: string;
  /** Bytes. */
  readonly size: number;
  /** The store's entity tag, without quotes. */
  readonly etag: string;
  /** The S3 version ID or the GCS generation, when the bucket keeps versions. */
  readonly versionId?: string;
  readonly time: Date;
  /** Stable across redeliveries of the same notification, so handlers can deduplicate. */
  readonly eventId: string;
}

export interface HandlerContext {
  /** Writes one JSON line per entry, tagged with this invocation's request or event ID. */
  readonly log: Logger;
  /** The ID the cloud gave this invocation; problem responses and log lines carry it. */
  readonly requestId: string;
  /** Aborts when the invocation is about to time out or the client has gone. */
  readonly signal: AbortSignal;
  /** The stores named in `BIS_STORES`, by name. */
  readonly stores: Stores;
}

/** Extra fields of a log entry. Errors are written with their stack; cycles and BigInts are safe. */
export type LogFields = Readonly<Record<string, unknown>>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
