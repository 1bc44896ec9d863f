import { Readable } from 'stream';
import { extractFacts } from '../../../functions/curate';
import type { Format } from '../../../functions/ingest';
import {
  CSV,
  GIF,
  GPS,
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

const facts = (format: Format, body: Uint8Array | string) =>
  extractFacts(format, async () =>
    Readable.from([typeof body === 'string' ? Buffer.from(body) : Buffer.from(body)]),
  );

describe('curate extractors', () => {
  it('reads CSV columns with types and counts rows, quoted commas included', async () => {
    expect(await facts('csv', CSV)).toEqual({
      columns: [
        { name: 'species', type: 'string' },
        { name: 'height', type: 'number' },
        { name: 'planted', type: 'date' },
        { name: 'evergreen', type: 'boolean' },
      ],
      rowCount: 3,
    });
  });

  it('counts a CSV streamed one byte at a time the same as whole', async () => {
    const result = await extractFacts('csv', async () =>
      Readable.from([...Buffer.from(CSV)].map((b) => Buffer.from([b]))),
    );
    expect(result.rowCount).toBe(3);
  });

  it('reads JSON and NDJSON records as tables', async () => {
    expect(await facts('json', '[{"a":1,"b":"x"},{"a":2.5}]')).toEqual({
      columns: [
        { name: 'a', type: 'number' },
        { name: 'b', type: 'string' },
      ],
      rowCount: 2,
    });
    expect((await facts('ndjson', '{"a":1}\n\n{"a":2}\n{"a":3}')).rowCount).toBe(3);
  });

  it('reads a Parquet footer: columns, types and row count', async () => {
    expect(await facts('parquet', parquet(5))).toEqual({
      columns: [
        { name: 'species', type: 'string' },
        { name: 'height', type: 'int32' },
        { name: 'girth', type: 'double' },
      ],
      rowCount: 5,
    });
  });

  it('reads the dimensions, capture time and GPS of a real JPEG with EXIF', async () => {
    const found = await facts('jpeg', jpegWithGps());
    expect(found).toMatchObject({ width: 16, height: 16 });
    expect(found.capturedAt).toMatch(/^2024-05-17T/);
    const gps = found.gps as { latitude: number; longitude: number };
    expect(gps.latitude).toBeCloseTo(GPS.latitude, 3);
    expect(gps.longitude).toBeCloseTo(GPS.longitude, 3);
  });

  it.each([
    ['png', PNG],
    ['gif', GIF],
    ['webp', WEBP],
  ] as const)('reads the dimensions of a %s', async (format, body) => {
    expect(await facts(format, body)).toMatchObject({ width: 16, height: 16 });
  });

  it('reads a WAV duration from its header', async () => {
    expect(await facts('wav', wav(2))).toEqual({ durationSeconds: 2 });
  });

  it('counts the pages of a real PDF with compressed object streams', async () => {
    expect(await facts('pdf', await pdf(3))).toEqual({ pageCount: 3 });
  });

  it('counts the words of a DOCX and of plain text', async () => {
    expect(await facts('docx', docx('The lake holds\ndata for everyone'))).toEqual({ wordCount: 6 });
    expect(await facts('txt', '  one two\nthree  ')).toEqual({ wordCount: 3 });
  });

  it('reads GeoJSON features, geometry types, bounding box and CRS', async () => {
    expect(await facts('geojson', geoJson())).toEqual({
      featureCount: 3,
      geometryTypes: ['LineString', 'Point'],
      bbox: [2.2945, 48.853, 2.3499, 48.8583],
      crs: 'OGC:CRS84',
    });
  });

  it.each([
    ['kml', KML, ['LineString', 'Point']],
    ['gpx', GPX, ['LineString', 'Point']],
  ] as const)('reads %s through togeojson', async (format, text, types) => {
    expect(await facts(format, text)).toEqual({
      featureCount: 2,
      geometryTypes: types,
      bbox: [2.29, 48.85, 2.35, 48.86],
      crs: 'OGC:CRS84',
    });
  });

  it('reads a GeoParquet footer: rows as features, bbox and types from the geo metadata', async () => {
    expect(await facts('geoparquet', geoParquet())).toMatchObject({
      featureCount: 2,
      rowCount: 2,
      geometryTypes: ['Point'],
      bbox: [2.29, 48.85, 2.35, 48.86],
      crs: 'OGC:CRS84',
    });
  });

  it.each([
    ['parquet', 'not parquet at all', /PAR1/],
    ['pdf', '%PDF-1.7 nothing here', /no page objects/],
    ['jpeg', Buffer.from([0xff, 0xd8, 0x00, 0x01]), /no dimensions/],
    ['geojson', '{"type":"FeatureCollection"}', /no features array/],
    ['kml', '<kml><Placemark>', /not well-formed/],
    ['docx', 'PK not a zip', /./],
  ] as const)('refuses a corrupt %s with a reason', async (format, body, reason) => {
    await expect(facts(format, body)).rejects.toThrow(reason);
  });
});
