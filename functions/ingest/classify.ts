import { isUtf8 } from 'buffer';
import { fileTypeFromBuffer } from 'file-type';
import { parquetMetadata } from 'hyparquet';
import { EXTENSIONS, FORMATS, formatOfExtension } from './formats';
import type { FormatRule } from './formats';
import { extensionOf } from './names';
import { IngestRefusal } from './refusal';

/*
 * classifyKind decides an upload's format from three witnesses that must agree: the file name's
 * extension, the declared content type, and the bytes themselves (magic numbers, or parseable text).
 */

const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', '']);
const GEOJSON_TYPES = new Set([
  'FeatureCollection',
  'Feature',
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
]);
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export interface Classification extends FormatRule {
  /** The bytes' type as `file-type` saw it, when it saw one. */
  readonly sniffed?: string;
}

export interface ClassifyInput {
  readonly bytes: Uint8Array;
  readonly fileName: string;
  /** The declared `Content-Type`, as sent. */
  readonly contentType: string | null;
}

export async function classifyKind(input: ClassifyInput): Promise<Classification> {
  const ext = extensionOf(input.fileName);
  const named = formatOfExtension(ext);
  if (named === undefined) {
    throw new IngestRefusal(
      415,
      `the file name ${JSON.stringify(input.fileName)} has ${ext === '' ? 'no extension' : `the extension .${ext}`}, which is not a type the lake takes; ` +
        `use one of ${Object.keys(EXTENSIONS)
          .map((e) => `.${e}`)
          .join(' ')}`,
    );
  }
  let rule = FORMATS[named];
  const declared = (input.contentType ?? '').split(';')[0].trim().toLowerCase();
  if (!GENERIC_TYPES.has(declared) && !rule.accepts.includes(declared)) {
    throw new IngestRefusal(
      415,
      `the content type ${declared} contradicts the file name ${JSON.stringify(input.fileName)} (.${ext} is ${rule.contentType}); send Content-Type: ${rule.contentType}`,
    );
  }
  const sniffed = (await fileTypeFromBuffer(input.bytes))?.ext;
  if (rule.magic === 'text') {
    rule = checkText(rule, input, sniffed);
  } else if (sniffed === undefined || !rule.magic.includes(sniffed)) {
    throw contradiction(input.fileName, ext, sniffed);
  } else if (rule.format === 'parquet' && isGeoParquet(input.bytes)) {
    rule = FORMATS.geoparquet;
  }
  return { ...rule, sniffed };
}

function contradiction(fileName: string, ext: string, sniffed: string | undefined): IngestRefusal {
  const what = sniffed === undefined ? 'no known binary format' : `${sniffed.toUpperCase()} bytes`;
  return new IngestRefusal(
    415,
    `the file name ${JSON.stringify(fileName)} says .${ext} but the content is ${what}; upload the file under its real extension`,
  );
}

function checkText(rule: FormatRule, input: ClassifyInput, sniffed: string | undefined): FormatRule {
  const xml = rule.format === 'kml' || rule.format === 'gpx';
  const ext = extensionOf(input.fileName);
  if (sniffed !== undefined && !(xml && sniffed === 'xml')) throw contradiction(input.fileName, ext, sniffed);
  // Checked on the bytes (simdutf, memchr): a 20 MB CSV is never decoded into a string just to be judged text.
  if (!isUtf8(input.bytes)) {
    throw new IngestRefusal(
      415,
      `the file ${JSON.stringify(input.fileName)} is not UTF-8 text, which .${ext} must be; save it as UTF-8`,
    );
  }
  const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  if (bytes.indexOf(0) !== -1) throw contradiction(input.fileName, ext, 'binary');
  const text = (): string => UTF8.decode(input.bytes);
  switch (rule.format) {
    case 'json':
      return isGeoJson(parseJson(text(), input.fileName)) ? FORMATS.geojson : rule;
    case 'geojson':
      if (!isGeoJson(parseJson(text(), input.fileName))) {
        throw new IngestRefusal(
          415,
          `the file ${JSON.stringify(input.fileName)} is JSON but not GeoJSON (no FeatureCollection, Feature or geometry at its top); name it .json`,
        );
      }
      return rule;
    case 'ndjson':
      text()
        .split('\n')
        .forEach((line, index) => {
          if (line.trim() !== '') parseJson(line, `${input.fileName} line ${index + 1}`);
        });
      return rule;
    case 'kml':
    case 'gpx':
      if (!new RegExp(`<(\\w+:)?${rule.format}[\\s>]`).test(text().slice(0, 4096))) {
        throw new IngestRefusal(
          415,
          `the file ${JSON.stringify(input.fileName)} has no <${rule.format}> root element near its start; it is not ${rule.format.toUpperCase()}`,
        );
      }
      return rule;
    default:
      return rule;
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new IngestRefusal(415, `${JSON.stringify(where)} is not valid JSON: ${(error as Error).message}`);
  }
}

/** GeoJSON (RFC 7946): a FeatureCollection, a Feature or a geometry at the top. */
export function isGeoJson(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    GEOJSON_TYPES.has(String((value as { type?: unknown }).type))
  );
}

/** GeoParquet files carry a `geo` key in the footer's key-value metadata. */
function isGeoParquet(bytes: Uint8Array): boolean {
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return (parquetMetadata(buffer).key_value_metadata ?? []).some((entry) => entry.key === 'geo');
  } catch (error) {
    throw new IngestRefusal(415, `the Parquet file has an unreadable footer: ${(error as Error).message}`);
  }
}
