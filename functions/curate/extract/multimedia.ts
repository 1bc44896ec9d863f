import exifr from 'exifr';
import type { Readable } from 'stream';
import { readHead } from '../bounded-read';

/** Image headers, EXIF and audio/video headers sit near the start of the file. */
export const MEDIA_HEAD_BYTES = 1024 * 1024;

export interface MediaFacts {
  width?: number;
  height?: number;
  capturedAt?: string;
  gps?: { latitude: number; longitude: number };
  durationSeconds?: number;
}

export async function imageFacts(
  body: Readable,
  format: 'jpeg' | 'png' | 'gif' | 'webp',
): Promise<MediaFacts> {
  const head = await readHead(body, MEDIA_HEAD_BYTES);
  const size = imageSize(head, format);
  if (size === undefined) throw new Error(`its ${format.toUpperCase()} header gives no dimensions`);
  const facts: MediaFacts = { ...size };
  if (format === 'jpeg' || format === 'png' || format === 'webp') {
    const exif = (await exifr.parse(head, { tiff: true, exif: true, gps: true }).catch(() => undefined)) as
      { DateTimeOriginal?: Date; CreateDate?: Date; latitude?: number; longitude?: number } | undefined;
    const taken = exif?.DateTimeOriginal ?? exif?.CreateDate;
    if (taken instanceof Date && !Number.isNaN(taken.getTime())) facts.capturedAt = taken.toISOString();
    if (Number.isFinite(exif?.latitude) && Number.isFinite(exif?.longitude)) {
      facts.gps = { latitude: exif!.latitude!, longitude: exif!.longitude! };
    }
  }
  return facts;
}

function imageSize(head: Buffer, format: string): { width: number; height: number } | undefined {
  switch (format) {
    case 'png':
      return head.length >= 24 ? { width: head.readUInt32BE(16), height: head.readUInt32BE(20) } : undefined;
    case 'gif':
      return head.length >= 10 ? { width: head.readUInt16LE(6), height: head.readUInt16LE(8) } : undefined;
    case 'webp':
      return webpSize(head);
    default:
      return jpegSize(head);
  }
}

// Start-of-frame markers carry the dimensions; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
function jpegSize(head: Buffer): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 9 < head.length) {
    if (head[at] !== 0xff) return undefined;
    const marker = head[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = head.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: head.readUInt16BE(at + 5), width: head.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return undefined;
}

function webpSize(head: Buffer): { width: number; height: number } | undefined {
  if (head.length < 30) return undefined;
  const chunk = head.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return { width: 1 + head.readUIntLE(24, 3), height: 1 + head.readUIntLE(27, 3) };
  if (chunk === 'VP8L') {
    const bits = head.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  if (chunk === 'VP8 ')
    return { width: head.readUInt16LE(26) & 0x3fff, height: head.readUInt16LE(28) & 0x3fff };
  return undefined;
}

/** WAV: the data chunk's size over the format chunk's byte rate. */
export async function wavFacts(body: Readable): Promise<MediaFacts> {
  const head = await readHead(body, MEDIA_HEAD_BYTES);
  let byteRate: number | undefined;
  for (let at = 12; at + 8 <= head.length;) {
    const id = head.toString('latin1', at, at + 4);
    const size = head.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 16 <= head.length) byteRate = head.readUInt32LE(at + 16);
    if (id === 'data') {
      if (!byteRate) throw new Error('its data chunk comes before a format chunk with a byte rate');
      return { durationSeconds: round(size / byteRate) };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('it has no data chunk in its first megabyte');
}

/** MP4: the movie header (mvhd) gives the duration when the moov box comes first, as streamable files have it. */
export async function mp4Facts(body: Readable): Promise<MediaFacts> {
  const head = await readHead(body, MEDIA_HEAD_BYTES);
  const mvhd = findBox(head, 0, head.length, ['moov', 'mvhd']);
  if (mvhd === undefined) return {};
  const version = head[mvhd];
  const timescale = version === 1 ? head.readUInt32BE(mvhd + 20) : head.readUInt32BE(mvhd + 12);
  const duration = version === 1 ? Number(head.readBigUInt64BE(mvhd + 24)) : head.readUInt32BE(mvhd + 16);
  return timescale > 0 ? { durationSeconds: round(duration / timescale) } : {};
}

function findBox(buffer: Buffer, start: number, end: number, path: string[]): number | undefined {
  for (let at = start; at + 8 <= end;) {
    const size = buffer.readUInt32BE(at);
    const type = buffer.toString('latin1', at + 4, at + 8);
    const boxEnd = size === 0 ? end : at + size;
    if (size !== 0 && size < 8) return undefined;
    if (type === path[0]) {
      return path.length === 1 ? at + 8 : findBox(buffer, at + 8, Math.min(boxEnd, end), path.slice(1));
    }
    at = boxEnd;
  }
  return undefined;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
