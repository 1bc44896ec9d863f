import { Readable } from 'stream';
import { ObjectStoreInputError } from '../object-store';
import type { ObjectBody } from '../object-store';

/** Bytes for a body given whole, or `undefined` for a stream, which is read once, piece by piece. */
export function wholeBody(body: ObjectBody): Buffer | undefined {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof Readable || isReadableLike(body)) return undefined;
  throw new ObjectStoreInputError(
    `the body is a ${describe(body)}; give a Uint8Array, a string or a Readable stream`,
  );
}

/** One piece of a streamed body as bytes; a stream with setEncoding gives strings. */
export function chunkBytes(chunk: unknown): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new ObjectStoreInputError(`the body stream gave a ${describe(chunk)}; a body stream must give bytes`);
}

function isReadableLike(body: unknown): body is Readable {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body && 'pipe' in body;
}

function describe(value: unknown): string {
  return value === null
    ? 'null'
    : typeof value === 'object'
      ? (value.constructor?.name ?? 'object')
      : typeof value;
}
