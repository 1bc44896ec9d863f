import { classifyKind } from '../../../functions/ingest';
import {
  CSV,
  GIF,
  GPX,
  KML,
  PNG,
  WEBP,
  docx,
  geoJson,
  geoParquet,
  jpegWithGps,
  parquet,
  pdf,
  wav,
} from '../../fixtures/services/samples';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('classifyKind', () => {
  it.each([
    ['trees.csv', 'text/csv', () => bytes(CSV), 'structured', 'csv'],
    ['trees.json', 'application/json', () => bytes('[{"a":1}]'), 'structured', 'json'],
    ['trees.ndjson', 'application/x-ndjson', () => bytes('{"a":1}\n{"a":2}\n'), 'structured', 'ndjson'],
    ['trees.parquet', 'application/octet-stream', () => parquet(), 'structured', 'parquet'],
    ['photo.jpg', 'image/jpeg', () => jpegWithGps(), 'multimedia', 'jpeg'],
    ['logo.png', 'image/png', () => PNG, 'multimedia', 'png'],
    ['logo.gif', 'image/gif', () => GIF, 'multimedia', 'gif'],
    ['logo.webp', 'image/webp', () => WEBP, 'multimedia', 'webp'],
    ['tone.wav', 'audio/wav', () => wav(1), 'multimedia', 'wav'],
    ['report.docx', 'application/octet-stream', () => docx('hello world'), 'documents', 'docx'],
    ['notes.txt', 'text/plain', () => bytes('some words'), 'documents', 'txt'],
    ['notes.md', 'text/markdown', () => bytes('# Title'), 'documents', 'md'],
    ['paths.geojson', 'application/geo+json', () => bytes(geoJson()), 'geographic', 'geojson'],
    ['paths.json', 'application/json', () => bytes(geoJson()), 'geographic', 'geojson'],
    ['places.kml', 'application/vnd.google-earth.kml+xml', () => bytes(KML), 'geographic', 'kml'],
    ['walk.gpx', 'application/gpx+xml', () => bytes(GPX), 'geographic', 'gpx'],
    ['places.parquet', 'application/vnd.apache.parquet', () => geoParquet(), 'geographic', 'geoparquet'],
  ])('classifies %s (%s) as %s', async (fileName, contentType, make, kind, format) => {
    const found = await classifyKind({ bytes: make(), fileName, contentType });
    expect([found.kind, found.format]).toEqual([kind, format]);
  });

  it('classifies a real PDF as a document', async () => {
    const found = await classifyKind({
      bytes: await pdf(2),
      fileName: 'a.pdf',
      contentType: 'application/pdf',
    });
    expect(found).toMatchObject({ kind: 'documents', format: 'pdf', ext: 'pdf' });
  });

  it.each([
    ['a .csv name with PNG bytes', 'trees.csv', 'text/csv', () => PNG, /says \.csv but the content is PNG/],
    [
      'a .png name with text bytes',
      'logo.png',
      'image/png',
      () => bytes(CSV),
      /says \.png but the content is no known binary/,
    ],
    ['an unknown extension', 'tool.exe', 'application/octet-stream', () => PNG, /\.exe, which is not a type/],
    ['no extension', 'README', 'text/plain', () => bytes('x'), /no extension/],
    [
      'a content type that contradicts the name',
      'trees.csv',
      'image/png',
      () => bytes(CSV),
      /content type image\/png contradicts/,
    ],
    ['a .geojson that is plain JSON', 'a.geojson', 'application/json', () => bytes('[1,2]'), /not GeoJSON/],
    ['invalid JSON', 'a.json', 'application/json', () => bytes('{"a":'), /not valid JSON/],
    [
      'a .kml without a kml root',
      'a.kml',
      'application/xml',
      () => bytes('<?xml version="1.0"?><html/>'),
      /no <kml> root/,
    ],
    [
      'text that is not UTF-8',
      'a.txt',
      'text/plain',
      () => Uint8Array.from([0x61, 0xff, 0xfe, 0x61]),
      /not UTF-8/,
    ],
  ])('refuses %s with a 415 that says why', async (_case, fileName, contentType, make, message) => {
    await expect(classifyKind({ bytes: make(), fileName, contentType })).rejects.toMatchObject({
      status: 415,
      message: expect.stringMatching(message),
    });
  });
});
