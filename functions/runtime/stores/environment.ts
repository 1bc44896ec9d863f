import { join, resolve } from 'path';
import type { ObjectStore, Stores } from '../object-store';
import { GcsObjectStore } from './gcs-object-store';
import { LocalObjectStore } from './local-object-store';
import { S3ObjectStore } from './s3-object-store';

/*
 * The stores a function sees come from its environment, so handler code never chooses a cloud:
 *   BIS_STORES=landing,curated        the names handlers use as ctx.stores.<name> (default: none)
 *   BIS_STORE_PROVIDER=local|s3|gcs   (default local)
 *   local: BIS_LOCAL_ROOT (default ./.lake), store <name> in <root>/<name>
 *   s3:    BIS_STORE_<NAME>_BUCKET, BIS_S3_KMS_KEY_ID (required), BIS_S3_ENDPOINT (optional, path style)
 *   gcs:   BIS_STORE_<NAME>_BUCKET, BIS_GCS_API_ENDPOINT (optional)
 */

/** A store setting that is missing, malformed or contradicts another; `variable` names it. */
export class StoreConfigurationError extends Error {
  public override readonly name = 'StoreConfigurationError';
  constructor(
    public readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
  }
}

export type StoreProvider = 'local' | 's3' | 'gcs';

const PROVIDERS: readonly StoreProvider[] = ['local', 's3', 'gcs'];
/** A store name: it becomes part of a variable name (`BIS_STORE_<NAME>_BUCKET`). */
export const STORE_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
const BUCKET_VARIABLE = /^BIS_STORE_(.+)_BUCKET$/;
export const S3_BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const GCS_BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
/** A KMS key ARN, alias ARN, alias name, key ID or multi-Region key ID. */
export const KMS_KEY_PATTERN =
  /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+|alias\/.+|[0-9a-f-]{36}|mrk-[0-9a-f]{32})$/;
/** Settings that belong to one provider only: set under another, they are a mistake. */
const PROVIDER_OF: Readonly<Record<string, StoreProvider>> = {
  BIS_LOCAL_ROOT: 'local',
  BIS_S3_KMS_KEY_ID: 's3',
  BIS_S3_ENDPOINT: 's3',
  BIS_GCS_API_ENDPOINT: 'gcs',
};

type Environment = Readonly<Record<string, string | undefined>>;

/** A variable's value, trimmed; an empty one counts as unset (deploy tools write '' for "none"). */
function read(env: Environment, variable: string): string | undefined {
  const value = env[variable]?.trim();
  return value === '' ? undefined : value;
}

export function bucketVariable(storeName: string): string {
  return `BIS_STORE_${storeName.toUpperCase()}_BUCKET`;
}

function storeNames(env: Environment): string[] {
  const listed = read(env, 'BIS_STORES');
  if (listed === undefined) return [];
  const names = listed.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!STORE_NAME_PATTERN.test(name)) {
      throw new StoreConfigurationError(
        'BIS_STORES',
        `holds ${JSON.stringify(name)}: store names are lower-case letters, digits and '_', starting with a letter, separated by commas (e.g. BIS_STORES=landing,curated)`,
      );
    }
  }
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) {
    throw new StoreConfigurationError('BIS_STORES', `names the store ${JSON.stringify(repeated)} twice`);
  }
  return names;
}

function provider(env: Environment): StoreProvider {
  const value = read(env, 'BIS_STORE_PROVIDER') ?? 'local';
  if (!PROVIDERS.includes(value as StoreProvider)) {
    throw new StoreConfigurationError(
      'BIS_STORE_PROVIDER',
      `is ${JSON.stringify(value)}: use local, s3 or gcs`,
    );
  }
  return value as StoreProvider;
}

function httpUrl(env: Environment, variable: string): string | undefined {
  const value = read(env, variable);
  if (value !== undefined && (!/^https?:\/\//.test(value) || !URL.canParse(value))) {
    throw new StoreConfigurationError(
      variable,
      `is ${JSON.stringify(value)}: give an http(s) URL such as http://127.0.0.1:4443`,
    );
  }
  return value;
}

/** Refuses settings of another provider, bucket variables of unlisted stores, and misspelt store settings. */
function refuseStraySettings(env: Environment, chosen: StoreProvider, names: readonly string[]): void {
  for (const [variable, owner] of Object.entries(PROVIDER_OF)) {
    if (owner !== chosen && read(env, variable) !== undefined) {
      throw new StoreConfigurationError(
        variable,
        `is set, but BIS_STORE_PROVIDER is ${chosen}: it applies to the ${owner} provider only; unset it or set BIS_STORE_PROVIDER=${owner}`,
      );
    }
  }
  for (const variable of Object.keys(env).sort()) {
    if (
      read(env, variable) === undefined ||
      !variable.startsWith('BIS_STORE_') ||
      variable === 'BIS_STORE_PROVIDER'
    )
      continue;
    const bucketOf = BUCKET_VARIABLE.exec(variable)?.[1];
    if (bucketOf === undefined) {
      throw new StoreConfigurationError(
        variable,
        'is not a store setting: the store variables are BIS_STORES, BIS_STORE_PROVIDER and BIS_STORE_<NAME>_BUCKET',
      );
    }
    if (chosen === 'local') {
      throw new StoreConfigurationError(
        variable,
        `is set, but BIS_STORE_PROVIDER is local, where stores are folders under BIS_LOCAL_ROOT: set BIS_STORE_PROVIDER=s3 or gcs, or unset it`,
      );
    }
    if (!names.some((name) => bucketVariable(name) === variable)) {
      throw new StoreConfigurationError(
        variable,
        `is set, but BIS_STORES (${names.join(',') || 'empty'}) has no store ${JSON.stringify(bucketOf.toLowerCase())}: add it there or unset the variable`,
      );
    }
  }
}

function bucket(env: Environment, name: string, pattern: RegExp, cloud: string): string {
  const variable = bucketVariable(name);
  const value = read(env, variable);
  if (value === undefined) {
    throw new StoreConfigurationError(
      variable,
      `is missing: store ${JSON.stringify(name)} is in BIS_STORES, so give its ${cloud} bucket`,
    );
  }
  if (!pattern.test(value)) {
    throw new StoreConfigurationError(
      variable,
      `is ${JSON.stringify(value)}, which is not a ${cloud} bucket name`,
    );
  }
  return value;
}

/**
 * The stores named in BIS_STORES, built for BIS_STORE_PROVIDER. Adapters call it once at cold start.
 * @throws StoreConfigurationError naming the variable that is missing, malformed or contradictory
 */
export function storesFromEnvironment(env: Environment = process.env): Stores {
  const names = storeNames(env);
  const chosen = provider(env);
  refuseStraySettings(env, chosen, names);
  const stores: Record<string, ObjectStore> = {};

  if (chosen === 'local') {
    const root = resolve(read(env, 'BIS_LOCAL_ROOT') ?? './.lake');
    for (const name of names) stores[name] = new LocalObjectStore(join(root, name));
  } else if (chosen === 's3') {
    const endpoint = httpUrl(env, 'BIS_S3_ENDPOINT');
    const kmsKeyId = read(env, 'BIS_S3_KMS_KEY_ID');
    if (names.length > 0 && kmsKeyId === undefined) {
      throw new StoreConfigurationError(
        'BIS_S3_KMS_KEY_ID',
        'is missing: with BIS_STORE_PROVIDER=s3 every write is encrypted (SSE-KMS) under the lake key; set it to the key ARN',
      );
    }
    if (kmsKeyId !== undefined && !KMS_KEY_PATTERN.test(kmsKeyId)) {
      throw new StoreConfigurationError(
        'BIS_S3_KMS_KEY_ID',
        `is ${JSON.stringify(kmsKeyId)}: give a KMS key ARN, key ID or alias`,
      );
    }
    for (const name of names) {
      stores[name] = new S3ObjectStore({
        bucket: bucket(env, name, S3_BUCKET_NAME_PATTERN, 'S3'),
        kmsKeyId: kmsKeyId as string,
        endpoint,
      });
    }
  } else {
    const apiEndpoint = httpUrl(env, 'BIS_GCS_API_ENDPOINT');
    for (const name of names) {
      stores[name] = new GcsObjectStore({ bucket: bucket(env, name, GCS_BUCKET, 'GCS'), apiEndpoint });
    }
  }
  return Object.freeze(stores);
}
