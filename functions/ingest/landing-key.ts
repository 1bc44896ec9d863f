import type { Kind } from './formats';
import { KINDS } from './formats';

/*
 * Where ingest writes an object in the landing zone: `<kind>/<dataset>/<yyyy>/<mm>/<dd>/<sha256>.<ext>`.
 * The content's hash names it, so the same bytes uploaded twice on one day are one object.
 */

export interface LandingKey {
  readonly kind: Kind;
  readonly dataset: string;
  readonly day: string;
  readonly sha256: string;
  readonly ext: string;
}

const LANDING_KEY = /^([a-z]+)\/([a-z0-9-]{1,63})\/(\d{4})\/(\d{2})\/(\d{2})\/([0-9a-f]{64})\.([a-z0-9]+)$/;

export function landingKey(kind: Kind, dataset: string, at: Date, sha256: string, ext: string): string {
  const day = at.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${kind}/${dataset}/${day}/${sha256}.${ext}`;
}

/** The parts of a key ingest wrote, or `undefined` for any other key. */
export function parseLandingKey(key: string): LandingKey | undefined {
  const match = LANDING_KEY.exec(key);
  if (match === null || !(KINDS as readonly string[]).includes(match[1])) return undefined;
  const [, kind, dataset, yyyy, mm, dd, sha256, ext] = match;
  return { kind: kind as Kind, dataset, day: `${yyyy}-${mm}-${dd}`, sha256, ext };
}
