import * as catalog from './catalog';
import * as curate from './curate';
import * as echo from './echo';
import * as ingest from './ingest';
import { GCS_SIGNED_URL_ORIGIN, type HttpHandler, type ObjectLandedHandler } from './runtime';

/*
 * Every portable function of the repository, in one list. functions/gcp.ts registers each one with
 * functions-framework and `npm run package:gcp` writes a `gcloud functions deploy` command for each,
 * so adding a function is one line here.
 */

/** A function called over HTTPS. */
export interface HttpFunction {
  /** The function's name on every cloud: the Cloud Functions name and entry point, the `--target`. */
  readonly name: string;
  readonly trigger: 'http';
  readonly handler: HttpHandler;
  /** The stores the handler sees as `ctx.stores.<name>` (`BIS_STORES`). @default - none */
  readonly stores?: readonly string[];
  /** Settings of the function on Google Cloud beyond its stores, set by `deploy.sh`. @default - none */
  readonly gcpEnvironment?: Readonly<Record<string, string>>;
}

/** A function called when an object lands in the bucket of one of its stores. */
export interface ObjectLandedFunction {
  /** The function's name on every cloud: the Cloud Functions name and entry point, the `--target`. */
  readonly name: string;
  readonly trigger: 'objectLanded';
  readonly handler: ObjectLandedHandler;
  /** The store whose bucket triggers the function; the handler also sees it in `ctx.stores`. */
  readonly store: string;
  /** Further stores the handler sees as `ctx.stores.<name>` (`BIS_STORES`). @default - none */
  readonly stores?: readonly string[];
}

export type CataloguedFunction = HttpFunction | ObjectLandedFunction;

export const CATALOGUE: readonly CataloguedFunction[] = [
  { name: 'echo', trigger: 'http', handler: echo.http },
  { name: 'echo-object-landed', trigger: 'objectLanded', handler: echo.objectLanded, store: 'echo' },
  { name: 'ingest', trigger: 'http', handler: ingest.http, stores: ['landing'] },
  {
    name: 'curate',
    trigger: 'objectLanded',
    handler: curate.objectLanded,
    store: 'landing',
    stores: ['raw', 'curated'],
  },
  {
    name: 'catalog',
    trigger: 'http',
    handler: catalog.http,
    stores: ['curated', 'raw'],
    // The page PUTs large files to ingest's signed URLs, all on the GCS host.
    gcpEnvironment: { [catalog.UPLOAD_ORIGINS_VARIABLE]: GCS_SIGNED_URL_ORIGIN },
  },
];

/** The stores a function is configured with, the triggering store first, each once. */
export function storesOf(fn: CataloguedFunction): readonly string[] {
  const triggering = fn.trigger === 'objectLanded' ? [fn.store] : [];
  return [...new Set([...triggering, ...(fn.stores ?? [])])];
}
