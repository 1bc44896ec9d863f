import type { ObjectStore } from '../runtime';
import { CATALOG_PREFIX } from '../curate';
import type { CatalogEntry } from '../curate';
import type { Kind } from '../ingest';

/*
 * The catalog as readers see it, derived from the immutable entries curate writes: documents (same
 * dataset and file name) with exactly one current version, the latest upload, and the earlier ones.
 */

export interface DocumentVersion {
  readonly key: string;
  readonly sha256: string;
  readonly uploadedAt: string;
  readonly size: number;
}

export interface CatalogDocument {
  readonly dataset: string;
  readonly fileName: string;
  readonly kind: Kind;
  readonly current: CatalogEntry;
  /** Earlier versions, newest first. */
  readonly earlier: readonly DocumentVersion[];
}

export interface DatasetSummary {
  readonly dataset: string;
  readonly objects: number;
  readonly documents: number;
  readonly totalSize: number;
  readonly lastUpdate: string;
  readonly kinds: Readonly<Partial<Record<Kind, number>>>;
}

/** Every entry under a prefix of the curated zone, page by page. */
export async function readEntries(
  curated: ObjectStore,
  prefix: string = CATALOG_PREFIX,
): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await curated.list(prefix, { cursor });
    for (const listed of page.objects) {
      const object = await curated.get(listed.key);
      if (object === undefined) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of object.body) chunks.push(Buffer.from(chunk as Uint8Array));
      try {
        entries.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as CatalogEntry);
      } catch {
        // A damaged entry hides one object from the catalog, not the whole catalog.
      }
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return entries;
}

/** Newest upload first; the same instant is ordered by hash, so every reader picks the same current. */
function newestFirst(a: CatalogEntry, b: CatalogEntry): number {
  return b.uploadedAt.localeCompare(a.uploadedAt) || b.sha256.localeCompare(a.sha256);
}

export function documentsOf(entries: readonly CatalogEntry[]): CatalogDocument[] {
  const byName = new Map<string, CatalogEntry[]>();
  for (const entry of entries) {
    const id = `${entry.dataset}\u0000${entry.fileName}`;
    byName.set(id, [...(byName.get(id) ?? []), entry]);
  }
  return [...byName.values()]
    .map((versions) => {
      const [current, ...earlier] = [...versions].sort(newestFirst);
      return {
        dataset: current.dataset,
        fileName: current.fileName,
        kind: current.kind,
        current,
        earlier: earlier.map(({ key, sha256, uploadedAt, size }) => ({ key, sha256, uploadedAt, size })),
      };
    })
    .sort(
      (a, b) =>
        b.current.uploadedAt.localeCompare(a.current.uploadedAt) || a.fileName.localeCompare(b.fileName),
    );
}

export function summariesOf(entries: readonly CatalogEntry[]): DatasetSummary[] {
  const datasets = new Map<string, CatalogEntry[]>();
  for (const entry of entries) datasets.set(entry.dataset, [...(datasets.get(entry.dataset) ?? []), entry]);
  return [...datasets]
    .map(([dataset, list]) => {
      const kinds: Partial<Record<Kind, number>> = {};
      for (const entry of list) kinds[entry.kind] = (kinds[entry.kind] ?? 0) + 1;
      return {
        dataset,
        objects: list.length,
        documents: new Set(list.map((entry) => entry.fileName)).size,
        totalSize: list.reduce((sum, entry) => sum + entry.size, 0),
        lastUpdate:
          list
            .map((entry) => entry.uploadedAt)
            .sort()
            .at(-1) ?? '',
        kinds,
      };
    })
    .sort((a, b) => a.dataset.localeCompare(b.dataset));
}
