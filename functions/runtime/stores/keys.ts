import { ObjectStoreInputError } from '../object-store';
import type { PutOptions, SignedUrlOptions } from '../object-store';

/*
 * The rules every store applies to keys, prefixes and put options, so a key that works on one
 * cloud works on the others and on a laptop's filesystem.
 */

/** S3 and GCS both cap object names at 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;
/** The S3 and GCS maximum for a signed URL: seven days. */
export const MAX_SIGNED_URL_SECONDS = 604_800;

// C0 controls, DEL and C1 controls: invisible in logs and refused by some filesystems and consoles.
function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}
const METADATA_KEY = /^[a-z0-9-]+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const CONTENT_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;[\x20-\x7e]*)?$/i;

function refuse(what: string, value: string, rule: string): never {
  throw new ObjectStoreInputError(`${what} ${JSON.stringify(value)} is refused: ${rule}`);
}

/** Checks what a key and a prefix share: type, length, characters and `.`/`..` segments. */
function validatePath(what: 'key' | 'prefix', value: unknown): string {
  if (typeof value !== 'string') {
    throw new ObjectStoreInputError(`the ${what} must be a string, got ${typeof value}`);
  }
  if (value.startsWith('/'))
    refuse(what, value, `it starts with '/'; write it relative, e.g. 'landing/a.csv'`);
  if (value.includes('\\')) refuse(what, value, `it holds a backslash; use '/' between segments`);
  if (hasControlCharacter(value)) refuse(what, value, 'it holds a control character');
  if (Buffer.byteLength(value, 'utf8') > MAX_KEY_BYTES) {
    refuse(what, value, `it is longer than ${MAX_KEY_BYTES} bytes of UTF-8`);
  }
  const segments = value.split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    refuse(what, value, `it has a '.' or '..' segment; keys name objects, not relative paths`);
  }
  return value;
}

/**
 * Returns the key when every store can hold it: a non-empty string of at most 1024 UTF-8 bytes,
 * relative, '/'-separated, without empty, '.' or '..' segments, backslashes or control characters.
 * @throws ObjectStoreInputError naming the key and the rule it breaks
 */
export function validateObjectKey(key: unknown): string {
  if (key === '') throw new ObjectStoreInputError('the key is empty; give the object a name, e.g. "a.csv"');
  const valid = validatePath('key', key);
  // An empty segment ('a//b', 'a/') is a folder marker on S3 and the same path as 'a/b' on a filesystem.
  if (valid.split('/').includes('')) refuse('key', valid, `it has an empty segment ('//' or a trailing '/')`);
  return valid;
}

/**
 * Returns the prefix when it is a valid start of a key; '' lists everything.
 * @throws ObjectStoreInputError naming the prefix and the rule it breaks
 */
export function validateListPrefix(prefix: unknown): string {
  const valid = validatePath('prefix', prefix);
  if (valid.slice(0, -1).split('/').includes('') && valid !== '') {
    refuse('prefix', valid, `it has an empty segment ('//')`);
  }
  return valid;
}

/** Returns the page size: an integer from 1 to 1000 (the S3 and GCS maximum), 1000 when absent. */
export function validateListLimit(limit: number | undefined): number {
  const value = limit ?? 1000;
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw new ObjectStoreInputError(`list limit ${String(limit)} is refused: give an integer from 1 to 1000`);
  }
  return value;
}

/** The put options every store can honour, with the content type defaulted. */
export interface ValidPutOptions {
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Checks the content type (a `type/subtype` media type) and the metadata (keys `[a-z0-9-]`, values
 * printable ASCII, 2 KB in all as S3 allows), the subset that S3 headers and GCS metadata both carry.
 */
export function validatePutOptions(key: string, options: PutOptions | undefined): ValidPutOptions {
  const contentType = options?.contentType ?? 'application/octet-stream';
  if (typeof contentType !== 'string' || !CONTENT_TYPE.test(contentType)) {
    throw new ObjectStoreInputError(
      `content type ${JSON.stringify(contentType)} for key ${JSON.stringify(key)} is refused: give a media type such as 'text/csv'`,
    );
  }
  const metadata = options?.metadata ?? {};
  let bytes = 0;
  for (const [name, value] of Object.entries(metadata)) {
    if (!METADATA_KEY.test(name)) {
      throw new ObjectStoreInputError(
        `metadata key ${JSON.stringify(name)} for key ${JSON.stringify(key)} is refused: use lower-case letters, digits and '-'`,
      );
    }
    if (typeof value !== 'string' || !PRINTABLE_ASCII.test(value)) {
      throw new ObjectStoreInputError(
        `metadata ${JSON.stringify(name)} for key ${JSON.stringify(key)} is refused: its value must be printable ASCII`,
      );
    }
    bytes += name.length + value.length;
  }
  if (bytes > 2048) {
    throw new ObjectStoreInputError(
      `metadata for key ${JSON.stringify(key)} is refused: it holds ${bytes} bytes, S3 allows 2048 in all`,
    );
  }
  return { contentType, metadata: { ...metadata } };
}

/** Checks a signed-URL request: the method, the lifetime and, for PUT, the content type and length. */
export function validateSignedUrlOptions(key: string, options: SignedUrlOptions): SignedUrlOptions {
  const { method, expiresInSeconds, contentType, contentLength } = options;
  if (method !== 'GET' && method !== 'PUT') {
    throw new ObjectStoreInputError(
      `signed URL method ${JSON.stringify(method)} is refused: use 'GET' or 'PUT'`,
    );
  }
  if (
    !Number.isInteger(expiresInSeconds) ||
    expiresInSeconds < 1 ||
    expiresInSeconds > MAX_SIGNED_URL_SECONDS
  ) {
    throw new ObjectStoreInputError(
      `signed URL lifetime ${String(expiresInSeconds)} s for key ${JSON.stringify(key)} is refused: give whole seconds from 1 to ${MAX_SIGNED_URL_SECONDS} (seven days)`,
    );
  }
  if (method === 'GET' && (contentType !== undefined || contentLength !== undefined)) {
    throw new ObjectStoreInputError(
      `signed GET URL for key ${JSON.stringify(key)}: contentType and contentLength apply to PUT only`,
    );
  }
  if (contentType !== undefined) validatePutOptions(key, { contentType });
  if (contentLength !== undefined && (!Number.isSafeInteger(contentLength) || contentLength < 0)) {
    throw new ObjectStoreInputError(
      `signed URL content length ${String(contentLength)} for key ${JSON.stringify(key)} is refused: give a whole number of bytes`,
    );
  }
  return options;
}
