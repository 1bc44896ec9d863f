/*
 * The formats the lake accepts, by file extension: the kind each belongs to, the content types that
 * agree with it, and what the bytes must look like (`file-type`'s answer, or text when it has none).
 */

export type Kind = 'structured' | 'multimedia' | 'documents' | 'geographic';

export const KINDS: readonly Kind[] = ['structured', 'multimedia', 'documents', 'geographic'];

export type Format =
  | 'csv'
  | 'json'
  | 'ndjson'
  | 'parquet'
  | 'geoparquet'
  | 'jpeg'
  | 'png'
  | 'webp'
  | 'gif'
  | 'mp4'
  | 'mp3'
  | 'wav'
  | 'pdf'
  | 'docx'
  | 'xlsx'
  | 'pptx'
  | 'odt'
  | 'txt'
  | 'md'
  | 'geojson'
  | 'kml'
  | 'gpx';

export interface FormatRule {
  readonly format: Format;
  readonly kind: Kind;
  /** The extension written in the landing key. */
  readonly ext: string;
  /** The content type stored with the object. */
  readonly contentType: string;
  /** Content types a client may declare for it, besides application/octet-stream. */
  readonly accepts: readonly string[];
  /** What `file-type` must find in the bytes; `text` means it finds nothing and the bytes are UTF-8. */
  readonly magic: readonly string[] | 'text';
}

const rule = (
  format: Format,
  kind: Kind,
  contentType: string,
  magic: FormatRule['magic'],
  accepts: readonly string[] = [],
  ext: string = format,
): FormatRule => ({ format, kind, ext, contentType, accepts: [contentType, ...accepts], magic });

const JSON_TYPES = ['text/json', 'text/plain'];

export const FORMATS: Readonly<Record<Format, FormatRule>> = {
  csv: rule('csv', 'structured', 'text/csv', 'text', [
    'text/plain',
    'application/csv',
    'application/vnd.ms-excel',
  ]),
  json: rule('json', 'structured', 'application/json', 'text', JSON_TYPES),
  ndjson: rule('ndjson', 'structured', 'application/x-ndjson', 'text', [
    'application/jsonl',
    'application/json',
    'text/plain',
  ]),
  parquet: rule(
    'parquet',
    'structured',
    'application/vnd.apache.parquet',
    ['parquet'],
    ['application/x-parquet'],
  ),
  geoparquet: rule(
    'geoparquet',
    'geographic',
    'application/vnd.apache.parquet',
    ['parquet'],
    ['application/x-parquet'],
    'parquet',
  ),
  jpeg: rule('jpeg', 'multimedia', 'image/jpeg', ['jpg'], ['image/jpg', 'image/pjpeg'], 'jpg'),
  png: rule('png', 'multimedia', 'image/png', ['png']),
  webp: rule('webp', 'multimedia', 'image/webp', ['webp']),
  gif: rule('gif', 'multimedia', 'image/gif', ['gif']),
  mp4: rule('mp4', 'multimedia', 'video/mp4', ['mp4', 'm4v'], ['audio/mp4', 'application/mp4']),
  mp3: rule('mp3', 'multimedia', 'audio/mpeg', ['mp3'], ['audio/mp3']),
  wav: rule('wav', 'multimedia', 'audio/wav', ['wav'], ['audio/x-wav', 'audio/wave', 'audio/vnd.wave']),
  pdf: rule('pdf', 'documents', 'application/pdf', ['pdf']),
  docx: rule('docx', 'documents', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', [
    'docx',
  ]),
  xlsx: rule('xlsx', 'documents', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', [
    'xlsx',
  ]),
  pptx: rule(
    'pptx',
    'documents',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ['pptx'],
  ),
  odt: rule('odt', 'documents', 'application/vnd.oasis.opendocument.text', ['odt']),
  txt: rule('txt', 'documents', 'text/plain', 'text'),
  md: rule('md', 'documents', 'text/markdown', 'text', ['text/plain', 'text/x-markdown']),
  geojson: rule('geojson', 'geographic', 'application/geo+json', 'text', ['application/json', ...JSON_TYPES]),
  kml: rule('kml', 'geographic', 'application/vnd.google-earth.kml+xml', 'text', [
    'application/xml',
    'text/xml',
  ]),
  gpx: rule('gpx', 'geographic', 'application/gpx+xml', 'text', ['application/xml', 'text/xml']),
};

/** File extensions (lower case) and the format each names. */
export const EXTENSIONS: Readonly<Record<string, Format>> = {
  csv: 'csv',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  parquet: 'parquet',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  mp4: 'mp4',
  m4v: 'mp4',
  mp3: 'mp3',
  wav: 'wav',
  pdf: 'pdf',
  docx: 'docx',
  xlsx: 'xlsx',
  pptx: 'pptx',
  odt: 'odt',
  txt: 'txt',
  md: 'md',
  markdown: 'md',
  geojson: 'geojson',
  kml: 'kml',
  gpx: 'gpx',
};

/** The format a landing key's extension names, or `undefined` for a key the lake did not write. */
export function formatOfExtension(ext: string): Format | undefined {
  return Object.prototype.hasOwnProperty.call(EXTENSIONS, ext.toLowerCase())
    ? EXTENSIONS[ext.toLowerCase()]
    : undefined;
}
