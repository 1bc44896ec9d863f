import type { Readable } from 'stream';

/*
 * The object-storage port: what a portable handler may do with a bucket, whatever the cloud.
 * `LocalObjectStore`, `S3ObjectStore` and `GcsObjectStore` implement it, and one contract suite
 * (test/functions/runtime/stores/) holds all three to the same behaviour.
 */

/** A body to write: bytes, a string (written as UTF-8), or a stream that is read once. */
export type ObjectBody = Uint8Array | string | Readable;

/**
 * What `list` tells about an object: the part every store lists without a request per object
 * (S3's ListObjectsV2 gives no content type or metadata; call `head` for them).
 */
export interface ListedObject {
  readonly key: string;
  /** Bytes. */
  readonly size: number;
  /**
   * The store's entity tag, without quotes; the same as `head` gives. It changes when the object is
   * written, and says nothing about the bytes: on SSE-KMS buckets (the lake's) and after multipart
   * uploads S3's ETag is no MD5, and the local store's is random per write. Compare contents with a
   * digest you store, such as ingest's `sha256` metadata.
   */
  readonly etag: string;
  readonly lastModified: Date;
}

/** What `head`, `get` and `put` tell about a stored object. */
export interface ObjectInfo extends ListedObject {
  /** @default - the store's default (application/octet-stream) when none was given at put */
  readonly contentType?: string;
  /** User metadata given at put, keys in lower case. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Set by stores that version objects (S3 with versioning, GCS generations). */
  readonly versionId?: string;
}

/** An object opened for reading: its info and a stream of its bytes, read once. */
export interface StoredObject extends ObjectInfo {
  readonly body: Readable;
}

export interface PutOptions {
  /** @default 'application/octet-stream' */
  readonly contentType?: string;
  /** User metadata. Keys are `[a-z0-9-]`, lower case; values are printable ASCII. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface ListOptions {
  /** The `cursor` of the previous page. @default - the first page */
  readonly cursor?: string;
  /** @default 1000 */
  readonly limit?: number;
}

/** One page of a listing, in key order. `cursor` is set when more objects follow. */
export interface ListPage {
  readonly objects: readonly ListedObject[];
  readonly cursor?: string;
}

export interface SignedUrlOptions {
  readonly method: 'GET' | 'PUT';
  /** 1 to 604800 (seven days, the S3 and GCS maximum). */
  readonly expiresInSeconds: number;
  /** For PUT: the content type the uploader must send. */
  readonly contentType?: string;
  /** For PUT: the exact size the uploader must send, where the store can enforce it. */
  readonly contentLength?: number;
}

export interface ObjectStore {
  /** A short name for logs and errors: `local:/srv/lake/landing`, `s3://bucket`, `gs://bucket`. */
  readonly description: string;
  /** The object, or `undefined` when there is none under the key. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Writes the whole object or nothing: a reader never sees a partial object. */
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<ObjectInfo>;
  /** The object's info, or `undefined` when there is none under the key. */
  head(key: string): Promise<ObjectInfo | undefined>;
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
  /** Deleting a key that holds nothing is not an error. */
  delete(key: string): Promise<void>;
  signedUrl(key: string, options: SignedUrlOptions): Promise<string>;
}

/** A key or option the store refuses. Handlers turn it into a 4xx; its message names the key and the rule. */
export class ObjectStoreInputError extends Error {
  public override readonly name = 'ObjectStoreInputError';
}

/** Stores by name, as configured from the environment (`ctx.stores.landing`). */
export type Stores = Readonly<Record<string, ObjectStore>>;
