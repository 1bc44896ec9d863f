/*
 * The lake's vocabulary: zones are buckets, kinds are prefixes inside every zone.
 * Typed constants, so a misspelt zone or kind is a compile error rather than an empty listing.
 */

/** The zones, in the order data flows through them: one bucket each. */
export const ZONES = ['landing', 'raw', 'curated'] as const;

/**
 * A zone of the lake.
 *
 * - `landing`: what producers drop, as they sent it; short-lived.
 * - `raw`: the immutable record of what landed, validated and kept.
 * - `curated`: cleaned, typed, partitioned data that consumers query.
 */
export type Zone = (typeof ZONES)[number];

/** The kinds of data, in the order the docs list them: one prefix each, in every zone. */
export const KINDS = ['structured', 'multimedia', 'documents', 'geographic'] as const;

/**
 * A kind of data.
 *
 * - `structured`: tables and records (CSV, JSON, Parquet), partitioned `year=/month=/`.
 * - `multimedia`: photos, images, video and sound.
 * - `documents`: office documents and PDFs.
 * - `geographic`: GeoJSON, GeoParquet, shapefiles, rasters.
 */
export type Kind = (typeof KINDS)[number];

/** The kinds whose data is tables in the zone databases: the ones a crawler catalogs and `grantRead` opens Glue for. */
export const TABULAR_KINDS = ['structured', 'geographic'] as const satisfies readonly Kind[];

/** A kind of data that is tables: `structured` or `geographic`. */
export type TabularKind = (typeof TABULAR_KINDS)[number];

export function isZone(value: unknown): value is Zone {
  return typeof value === 'string' && (ZONES as readonly string[]).includes(value);
}

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

export function isTabularKind(value: unknown): value is TabularKind {
  return typeof value === 'string' && (TABULAR_KINDS as readonly string[]).includes(value);
}

/**
 * The key prefix of a kind inside any zone, with its trailing slash: `kindPrefix('structured')` is
 * `'structured/'`. Internal: callers pass a checked kind; users ask `lake.prefix(kind)`, which checks it.
 */
export function kindPrefix(kind: Kind): string {
  return `${kind}/`;
}

/**
 * The lake services' own prefixes in each zone, beside the kinds: ingest records what a large upload
 * declared under `_uploads/` of landing, curate writes one catalog entry per object under `_catalog/`
 * of curated. They are what `grantPrefixes` accepts besides a kind's prefix.
 */
export const LAKE_SERVICE_PREFIXES: Readonly<Record<Zone, readonly string[]>> = {
  landing: ['_uploads/'],
  raw: [],
  curated: ['_catalog/'],
};
