import type { Readable } from 'stream';

/*
 * Every way curate reads an object keeps memory bounded: the first bytes only, the last bytes only, or
 * the whole object up to a cap beyond which it stops and says so.
 */

/** Formats that must be parsed whole (JSON, XML, ZIP, PDF) are inspected up to this size. */
export const MAX_PARSE_BYTES = 64 * 1024 * 1024;

/** An object too large to parse whole: it stays in the lake, described without its content metadata. */
export class TooLargeToInspect extends Error {
  public override readonly name = 'TooLargeToInspect';
}

function bytesOf(chunk: unknown): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array);
}

/** The first `limit` bytes; the rest of the stream is never read. */
export async function readHead(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const piece = bytesOf(chunk);
      chunks.push(piece);
      size += piece.length;
      if (size >= limit) break;
    }
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/** The last `limit` bytes and the total size, reading the stream through once. */
export async function readTail(body: Readable, limit: number): Promise<{ tail: Buffer; size: number }> {
  let kept: Buffer[] = [];
  let keptSize = 0;
  let size = 0;
  for await (const chunk of body) {
    const piece = bytesOf(chunk);
    size += piece.length;
    kept.push(piece);
    keptSize += piece.length;
    if (keptSize > 2 * limit) {
      const joined = Buffer.concat(kept).subarray(-limit);
      kept = [joined];
      keptSize = joined.length;
    }
  }
  return { tail: Buffer.concat(kept).subarray(-limit), size };
}

/** The whole object, or `TooLargeToInspect` as soon as it passes `limit`. */
export async function readWhole(body: Readable, limit: number = MAX_PARSE_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const piece = bytesOf(chunk);
    size += piece.length;
    if (size > limit) {
      body.destroy();
      throw new TooLargeToInspect(`it is larger than ${limit} bytes, the most curate parses whole`);
    }
    chunks.push(piece);
  }
  return Buffer.concat(chunks, size);
}

/** The text of a stream, one decoded piece at a time, for line and word counts of any size. */
export async function* textPieces(body: Readable): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of body) yield decoder.decode(bytesOf(chunk), { stream: true });
  yield decoder.decode();
}
