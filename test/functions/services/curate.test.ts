import { createHandlerContext, createLogger, LocalObjectStore } from '../../../functions/runtime';
import type { ObjectLanded } from '../../../functions/runtime';
import { catalogEntryKey, objectLanded, type CatalogEntry } from '../../../functions/curate';
import { documentsOf } from '../../../functions/catalog';
import { createIngest } from '../../../functions/ingest';
import { localZones } from './local-zones';
import { CSV, geoJson, PNG } from '../../fixtures/services/samples';

const quiet = createLogger({ write: () => undefined });

function lake() {
  const { stores, ctx } = localZones('curate-');
  let clock = Date.parse('2026-03-04T05:00:00Z');
  const ingest = createIngest({ now: () => new Date((clock += 1000)) });
  const upload = async (name: string, body: string | Uint8Array, type: string, dataset = 'trees') => {
    const response = await ingest(
      new Request(`http://lake.test/datasets/${dataset}/objects`, {
        method: 'POST',
        body: body as BodyInit,
        headers: { 'content-type': type, 'x-file-name': name },
      }),
      ctx,
    );
    expect(response.status).toBe(201);
    return ((await response.json()) as { key: string }).key;
  };
  const event = async (key: string, eventId = `e-${key}`): Promise<ObjectLanded> => {
    const info = await stores.landing.head(key);
    return {
      provider: 'local',
      bucket: 'landing',
      key,
      size: info!.size,
      etag: info!.etag,
      time: new Date(),
      eventId,
    };
  };
  const entries = async (dataset = 'trees') => {
    const listed = await stores.curated.list(`_catalog/${dataset}/`);
    return Promise.all(
      listed.objects.map(async ({ key }) => {
        const object = await stores.curated.get(key);
        const chunks: Buffer[] = [];
        for await (const chunk of object!.body) chunks.push(chunk as Buffer);
        return JSON.parse(Buffer.concat(chunks).toString()) as CatalogEntry;
      }),
    );
  };
  return { stores, ctx, upload, event, entries };
}

describe('curate', () => {
  it('copies the object to raw under the same key and writes one catalog entry with its metadata', async () => {
    const { stores, ctx, upload, event, entries } = lake();
    const key = await upload('trees.csv', CSV, 'text/csv');
    await objectLanded(await event(key), ctx);
    const raw = await stores.raw.head(key);
    const landed = await stores.landing.head(key);
    expect(raw).toMatchObject({ size: landed!.size, metadata: { sha256: landed!.metadata.sha256 } });
    expect(await stores.curated.head(catalogEntryKey('trees', key))).toBeDefined();
    const [entry] = await entries();
    expect(entry).toMatchObject({
      key,
      dataset: 'trees',
      kind: 'structured',
      format: 'csv',
      fileName: 'trees.csv',
      status: 'curated',
    });
    expect(entry.facts).toMatchObject({ rowCount: 3 });
  });

  it('changes nothing on a repeated event', async () => {
    const { stores, ctx, upload, event } = lake();
    const key = await upload('trees.csv', CSV, 'text/csv');
    await objectLanded(await event(key), ctx);
    const first = await stores.curated.head(catalogEntryKey('trees', key));
    const rawAfterFirst = await stores.raw.head(key);
    await objectLanded(await event(key), ctx);
    await objectLanded(await event(key, 'another-delivery'), ctx);
    const again = await stores.curated.head(catalogEntryKey('trees', key));
    expect(again?.etag).toBe(first?.etag);
    // Nor is the raw copy written again (each write would get a new etag).
    expect((await stores.raw.head(key))?.etag).toBe(rawAfterFirst?.etag);
    expect((await stores.curated.list('')).objects).toHaveLength(1);
  });

  it('keeps one current version of a document whatever order the events arrive in', async () => {
    const { ctx, upload, event, entries } = lake();
    const older = await upload('paths.geojson', geoJson(), 'application/geo+json');
    const newer = await upload(
      'paths.geojson',
      geoJson([
        [1, 2],
        [3, 4],
      ]),
      'application/geo+json',
    );
    await objectLanded(await event(newer), ctx);
    await objectLanded(await event(older), ctx);
    await objectLanded(await event(newer), ctx);
    const documents = documentsOf(await entries());
    expect(documents).toHaveLength(1);
    expect(documents[0].current.key).toBe(newer);
    expect(documents[0].earlier.map((version) => version.key)).toEqual([older]);
  });

  it('catalogues a corrupt file as unreadable with the reason, keeping the object', async () => {
    const { stores, ctx, event, entries } = lake();
    // Written past ingest, as a large upload is: PNG bytes under a PDF key.
    const key = `documents/trees/2026/03/04/${'b'.repeat(64)}.pdf`;
    await stores.landing.put(key, PNG, {
      contentType: 'application/pdf',
      metadata: { 'original-name': 'scan.pdf' },
    });
    await expect(objectLanded(await event(key), ctx)).resolves.toBeUndefined();
    const [entry] = await entries();
    expect(entry).toMatchObject({
      status: 'unreadable',
      fileName: 'scan.pdf',
      reason: expect.stringMatching(/PDF file: it does not start with %PDF-/),
    });
    expect(await stores.raw.head(key)).toBeDefined();
    expect(await stores.landing.head(key)).toBeDefined();
  });

  it('gives 50 catalog entries for 50 parallel distinct uploads', async () => {
    const { ctx, upload, event, entries } = lake();
    const keys = await Promise.all(
      Array.from({ length: 50 }, (_, i) => upload(`t${i}.csv`, `a,b\n${i},x\n`, 'text/csv')),
    );
    await Promise.all(keys.map(async (key) => objectLanded(await event(key), ctx)));
    const found = await entries();
    expect(found).toHaveLength(50);
    expect(new Set(found.map((entry) => entry.fileName)).size).toBe(50);
  });

  it('fails (for redelivery) instead of cataloguing unreadable when the raw store fails to read', async () => {
    const { stores, upload, event, entries } = lake();
    const key = await upload('trees.csv', CSV, 'text/csv');
    const failingRaw = Object.create(stores.raw) as LocalObjectStore;
    failingRaw.get = () => Promise.reject(new Error('connection reset'));
    const ctx = createHandlerContext({ stores: { ...stores, raw: failingRaw }, log: quiet });
    await expect(objectLanded(await event(key), ctx)).rejects.toThrow('connection reset');
    expect(await entries()).toEqual([]);
  });

  it('ignores an object ingest did not write', async () => {
    const { stores, ctx } = lake();
    await stores.landing.put('_uploads/x.json', '{}');
    const info = await stores.landing.head('_uploads/x.json');
    await objectLanded(
      {
        provider: 'local',
        bucket: 'landing',
        key: '_uploads/x.json',
        size: info!.size,
        etag: info!.etag,
        time: new Date(),
        eventId: 'x',
      },
      ctx,
    );
    expect((await stores.curated.list('')).objects).toEqual([]);
    expect((await stores.raw.list('')).objects).toEqual([]);
  });
});
