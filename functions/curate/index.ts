import type { HandlerContext, ObjectInfo, ObjectLandedHandler, ObjectStore } from '../runtime';
import { FORMATS, UPLOAD_INTENTS_PREFIX, formatOfExtension, parseLandingKey } from '../ingest';
import type { Format, UploadIntent } from '../ingest';
import { TooLargeToInspect, readWhole } from './bounded-read';
import { catalogEntryKey } from './catalog-entry';
import type { CatalogEntry, EntryStatus } from './catalog-entry';
import { extractFacts } from './extract';
import type { Facts } from './extract';

/*
 * curate: for each object landed by ingest, copy it to the raw zone under the same key and write its
 * catalog entry (with the metadata its kind gives) to the curated zone. Safe under at-least-once,
 * reordered delivery: both writes are named by the object's key and happen once.
 */

interface Zones {
  readonly landing: ObjectStore;
  readonly raw: ObjectStore;
  readonly curated: ObjectStore;
}

function zonesOf(ctx: HandlerContext): Zones {
  const { landing, raw, curated } = ctx.stores;
  if (landing === undefined || raw === undefined || curated === undefined) {
    throw new Error('curate needs the landing, raw and curated stores: set BIS_STORES=landing,raw,curated');
  }
  return { landing, raw, curated };
}

export const objectLanded: ObjectLandedHandler = async (event, ctx) => {
  const parsed = parseLandingKey(event.key);
  if (parsed === undefined) {
    ctx.log.debug('not an object ingest wrote; skipped', { key: event.key });
    return;
  }
  const zones = zonesOf(ctx);
  const landed = await zones.landing.head(event.key);
  if (landed === undefined) {
    ctx.log.warn('the landed object is gone; nothing to curate', { key: event.key, eventId: event.eventId });
    return;
  }
  const entryKey = catalogEntryKey(parsed.dataset, event.key);
  await copyToRaw(zones, event.key, parsed.sha256, landed);
  if ((await zones.curated.head(entryKey)) !== undefined) {
    ctx.log.debug('already curated', { key: event.key, eventId: event.eventId });
    return;
  }
  const format = formatOf(parsed.ext, parsed.kind);
  const declared = await declaredUpload(zones.landing, event.key, landed);
  const inspection = await inspect(format, zones.raw, event.key);
  const entry: CatalogEntry = {
    key: event.key,
    dataset: parsed.dataset,
    kind: parsed.kind,
    format,
    fileName: declared.fileName,
    contentType: landed.contentType ?? FORMATS[format].contentType,
    size: landed.size,
    sha256: parsed.sha256,
    uploadedAt: declared.uploadedAt,
    curatedAt: new Date().toISOString(),
    ...inspection,
  };
  await zones.curated.put(entryKey, JSON.stringify(entry), { contentType: 'application/json' });
  ctx.log.info('curated', { key: event.key, status: entry.status, reason: entry.reason });
};

/**
 * The raw copy, streamed, carrying the SHA-256 its key names; skipped when raw already holds those bytes.
 * Compared by that digest, not by ETag: an SSE-KMS bucket gives each copy an ETag of its own.
 */
async function copyToRaw(zones: Zones, key: string, sha256: string, landed: ObjectInfo): Promise<void> {
  const existing = await zones.raw.head(key);
  if (existing?.metadata.sha256 === sha256 && existing.size === landed.size) return;
  const object = await zones.landing.get(key);
  if (object === undefined) return;
  await zones.raw.put(key, object.body, {
    contentType: object.contentType,
    metadata: { ...object.metadata, sha256 },
  });
}

function formatOf(ext: string, kind: string): Format {
  const format = formatOfExtension(ext) ?? 'txt';
  // `.parquet` in the geographic kind is GeoParquet: ingest saw its geo footer.
  return format === 'parquet' && kind === 'geographic' ? 'geoparquet' : format;
}

/** The name and time ingest recorded: object metadata for small uploads, the upload intent for large ones. */
async function declaredUpload(
  landing: ObjectStore,
  key: string,
  landed: ObjectInfo,
): Promise<{ fileName: string; uploadedAt: string }> {
  const name = landed.metadata['original-name'];
  if (name !== undefined) {
    return {
      fileName: safeDecode(name),
      uploadedAt: landed.metadata['uploaded-at'] ?? landed.lastModified.toISOString(),
    };
  }
  const intent = await landing.get(`${UPLOAD_INTENTS_PREFIX}${key}.json`);
  if (intent !== undefined) {
    try {
      const declared = JSON.parse((await readWhole(intent.body, 64 * 1024)).toString('utf8')) as UploadIntent;
      return { fileName: declared.fileName, uploadedAt: declared.uploadedAt };
    } catch {
      // An unreadable intent only loses the name: the object is still catalogued under its key.
    }
  }
  return { fileName: key.slice(key.lastIndexOf('/') + 1), uploadedAt: landed.lastModified.toISOString() };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

async function inspect(
  format: Format,
  raw: ObjectStore,
  key: string,
): Promise<{ status: EntryStatus; reason?: string; facts: Facts }> {
  let storeFailure: unknown;
  try {
    const facts = await extractFacts(format, async () => {
      const object = await raw.get(key).catch((error: unknown) => {
        storeFailure = error;
        throw error;
      });
      if (object === undefined) throw new Error('the raw copy disappeared while curating');
      return object.body;
    });
    return { status: 'curated', facts };
  } catch (error) {
    // A store that fails is not a file that is corrupt: rethrow, so the platform redelivers the event.
    if (storeFailure !== undefined) throw storeFailure;
    const reason = `${(error as Error).message ?? String(error)}`;
    if (error instanceof TooLargeToInspect) return { status: 'not-inspected', reason, facts: {} };
    return {
      status: 'unreadable',
      reason: `${FORMATS[format].format.toUpperCase()} file: ${reason}`,
      facts: {},
    };
  }
}

export { CATALOG_PREFIX, catalogEntryKey, type CatalogEntry, type EntryStatus } from './catalog-entry';
export { extractFacts, type Facts } from './extract';
