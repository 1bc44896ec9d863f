import type { Format, Kind } from '../ingest';

/*
 * One catalog entry per landed object, written once under `_catalog/<dataset>/<landing key>.json` in the
 * curated zone. Entries are never rewritten: which version of a document is current is derived from
 * them when the catalog is read, so no two entries can both claim it.
 */

export const CATALOG_PREFIX = '_catalog/';

export type EntryStatus = 'curated' | 'unreadable' | 'not-inspected';

export interface CatalogEntry {
  readonly key: string;
  readonly dataset: string;
  readonly kind: Kind;
  readonly format: Format;
  /** The uploader's file name: uploads with the same dataset and file name are versions of one document. */
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly uploadedAt: string;
  readonly curatedAt: string;
  /** `unreadable`: the content is not what its format says; `not-inspected`: too large to parse whole. */
  readonly status: EntryStatus;
  readonly reason?: string;
  readonly facts: Readonly<Record<string, unknown>>;
}

export function catalogEntryKey(dataset: string, landingKey: string): string {
  return `${CATALOG_PREFIX}${dataset}/${landingKey}.json`;
}
