import { DOMParser } from '@xmldom/xmldom';
import { gpx, kml } from '@tmcw/togeojson';
import type { FileMetaData } from 'hyparquet';
import type { Readable } from 'stream';
import { readWhole } from '../bounded-read';

export interface GeoFacts {
  readonly featureCount: number;
  readonly geometryTypes: readonly string[];
  /** [west, south, east, north]; absent when no feature has coordinates. */
  readonly bbox?: readonly [number, number, number, number];
  readonly crs: string;
}

/** RFC 7946 GeoJSON, KML and GPX are WGS 84 longitude/latitude. */
const WGS84 = 'OGC:CRS84';

interface GeoObject {
  readonly type?: unknown;
  readonly features?: unknown;
  readonly geometry?: unknown;
  readonly geometries?: unknown;
  readonly coordinates?: unknown;
  readonly crs?: { properties?: { name?: unknown } };
}

export async function geoJsonFacts(body: Readable): Promise<GeoFacts> {
  const value = JSON.parse((await readWhole(body)).toString('utf8')) as GeoObject;
  const crsName = value?.crs?.properties?.name;
  return summarize(value, typeof crsName === 'string' ? crsName : WGS84);
}

export async function xmlTrackFacts(body: Readable, format: 'kml' | 'gpx'): Promise<GeoFacts> {
  const text = (await readWhole(body)).toString('utf8');
  const errors: string[] = [];
  let document: ReturnType<DOMParser['parseFromString']>;
  try {
    document = new DOMParser({
      onError: (level, message) => void (level !== 'warning' && errors.push(message)),
    }).parseFromString(text, 'text/xml');
  } catch (error) {
    errors.push((error as Error).message);
  }
  if (errors.length > 0) throw new Error(`it is not well-formed XML: ${errors[0].split('\n')[0]}`);
  const root = document!.documentElement?.localName;
  if (root !== format) throw new Error(`its root element is <${root ?? 'none'}>, not <${format}>`);
  // togeojson walks the DOM interface, which xmldom implements.
  const collection =
    format === 'kml' ? kml(document! as unknown as Document) : gpx(document! as unknown as Document);
  return summarize(collection as GeoObject, WGS84);
}

/** GeoParquet: the `geo` footer metadata names the geometry column, its types, bbox and CRS. */
export function geoParquetFacts(metadata: FileMetaData): GeoFacts {
  const geo = (metadata.key_value_metadata ?? []).find((entry) => entry.key === 'geo')?.value;
  if (geo === undefined) throw new Error('its footer has no geo metadata');
  const parsed = JSON.parse(geo) as {
    primary_column?: string;
    columns?: Record<string, { geometry_types?: string[]; bbox?: number[]; crs?: unknown }>;
  };
  const column = parsed.columns?.[parsed.primary_column ?? 'geometry'];
  if (column === undefined) throw new Error(`its geo metadata does not describe the primary column`);
  const crs = column.crs;
  const crsName =
    crs === undefined
      ? WGS84
      : crs === null
        ? 'unknown'
        : typeof crs === 'string'
          ? crs
          : String((crs as { id?: { authority?: string; code?: unknown } }).id?.authority ?? 'PROJJSON') +
            ((crs as { id?: { code?: unknown } }).id?.code === undefined
              ? ''
              : `:${(crs as { id: { code: unknown } }).id.code}`);
  const bbox = column.bbox?.length === 4 ? (column.bbox as [number, number, number, number]) : undefined;
  return {
    featureCount: Number(metadata.num_rows),
    geometryTypes: column.geometry_types ?? [],
    bbox,
    crs: crsName,
  };
}

function summarize(value: GeoObject, crs: string): GeoFacts {
  const types = new Set<string>();
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  const visitCoordinates = (coordinates: unknown): void => {
    if (!Array.isArray(coordinates)) return;
    if (typeof coordinates[0] === 'number' && typeof coordinates[1] === 'number') {
      const [x, y] = coordinates as number[];
      box[0] = Math.min(box[0], x);
      box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x);
      box[3] = Math.max(box[3], y);
    } else coordinates.forEach(visitCoordinates);
  };
  const visitGeometry = (geometry: unknown): void => {
    if (typeof geometry !== 'object' || geometry === null) return;
    const g = geometry as GeoObject;
    if (typeof g.type === 'string') types.add(g.type);
    if (g.type === 'GeometryCollection' && Array.isArray(g.geometries)) g.geometries.forEach(visitGeometry);
    else visitCoordinates(g.coordinates);
  };
  let featureCount: number;
  if (value?.type === 'FeatureCollection') {
    if (!Array.isArray(value.features)) throw new Error('its FeatureCollection has no features array');
    featureCount = value.features.length;
    for (const feature of value.features as GeoObject[]) visitGeometry(feature?.geometry);
  } else if (value?.type === 'Feature') {
    featureCount = 1;
    visitGeometry(value.geometry);
  } else if (typeof value?.type === 'string') {
    featureCount = 1;
    visitGeometry(value);
  } else throw new Error('it is not GeoJSON: no FeatureCollection, Feature or geometry at its top');
  const bbox =
    box[0] === Infinity
      ? undefined
      : (box.map((n) => Math.round(n * 1e7) / 1e7) as [number, number, number, number]);
  return { featureCount, geometryTypes: [...types].sort(), bbox, crs };
}
