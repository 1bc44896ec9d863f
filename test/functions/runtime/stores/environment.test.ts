import { join, resolve } from 'path';
import {
  GcsObjectStore,
  LocalObjectStore,
  S3ObjectStore,
  StoreConfigurationError,
  storesFromEnvironment,
} from '../../../../functions/runtime/stores';

const KEY_ARN = 'arn:aws:kms:eu-west-3:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function configurationError(env: Record<string, string>): StoreConfigurationError {
  try {
    storesFromEnvironment(env);
  } catch (error) {
    expect(error).toBeInstanceOf(StoreConfigurationError);
    return error as StoreConfigurationError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('storesFromEnvironment', () => {
  test('no BIS_STORES gives no stores, whatever the default provider', () => {
    expect(storesFromEnvironment({})).toEqual({});
    expect(storesFromEnvironment({ BIS_STORES: '  ' })).toEqual({});
  });

  test('the local provider is the default and keeps store <name> in <BIS_LOCAL_ROOT>/<name>', () => {
    const stores = storesFromEnvironment({ BIS_STORES: 'landing, curated', BIS_LOCAL_ROOT: '/srv/lake' });
    expect(Object.keys(stores)).toEqual(['landing', 'curated']);
    expect(stores.landing).toBeInstanceOf(LocalObjectStore);
    expect(stores.landing.description).toBe('local:/srv/lake/landing');
    expect(stores.curated.description).toBe('local:/srv/lake/curated');
    expect(Object.isFrozen(stores)).toBe(true);
  });

  test('BIS_LOCAL_ROOT defaults to ./.lake', () => {
    const stores = storesFromEnvironment({ BIS_STORES: 'landing', BIS_STORE_PROVIDER: 'local' });
    expect(stores.landing.description).toBe(`local:${join(resolve('.lake'), 'landing')}`);
  });

  test('the s3 provider builds one S3ObjectStore per store, on its bucket', () => {
    const stores = storesFromEnvironment({
      BIS_STORES: 'landing,raw_zone',
      BIS_STORE_PROVIDER: 's3',
      BIS_STORE_LANDING_BUCKET: 'lake-landing-123',
      BIS_STORE_RAW_ZONE_BUCKET: 'lake-raw-123',
      BIS_S3_KMS_KEY_ID: KEY_ARN,
      BIS_S3_ENDPOINT: 'http://127.0.0.1:4568',
    });
    expect(stores.landing).toBeInstanceOf(S3ObjectStore);
    expect(stores.landing.description).toBe('s3://lake-landing-123');
    expect(stores.raw_zone.description).toBe('s3://lake-raw-123');
  });

  test('the gcs provider builds one GcsObjectStore per store', () => {
    const stores = storesFromEnvironment({
      BIS_STORES: 'landing',
      BIS_STORE_PROVIDER: 'gcs',
      BIS_STORE_LANDING_BUCKET: 'lake_landing',
      BIS_GCS_API_ENDPOINT: 'http://127.0.0.1:4443',
    });
    expect(stores.landing).toBeInstanceOf(GcsObjectStore);
    expect(stores.landing.description).toBe('gs://lake_landing');
  });

  test.each<[string, Record<string, string>, string, RegExp]>([
    [
      'an unknown provider',
      { BIS_STORE_PROVIDER: 'azure' },
      'BIS_STORE_PROVIDER',
      /"azure": use local, s3 or gcs/,
    ],
    ['a store name with capitals', { BIS_STORES: 'Landing' }, 'BIS_STORES', /"Landing"/],
    ['an empty name between commas', { BIS_STORES: 'a,,b' }, 'BIS_STORES', /""/],
    ['a store named twice', { BIS_STORES: 'a,a' }, 'BIS_STORES', /"a" twice/],
    [
      'a bucket with the local provider',
      { BIS_STORES: 'landing', BIS_STORE_LANDING_BUCKET: 'b-1' },
      'BIS_STORE_LANDING_BUCKET',
      /BIS_STORE_PROVIDER is local/,
    ],
    [
      'a KMS key with the local provider',
      { BIS_STORES: 'landing', BIS_S3_KMS_KEY_ID: KEY_ARN },
      'BIS_S3_KMS_KEY_ID',
      /s3 provider only/,
    ],
    [
      'a missing bucket with s3',
      { BIS_STORES: 'landing', BIS_STORE_PROVIDER: 's3', BIS_S3_KMS_KEY_ID: KEY_ARN },
      'BIS_STORE_LANDING_BUCKET',
      /is missing/,
    ],
    [
      'a missing KMS key with s3',
      { BIS_STORES: 'landing', BIS_STORE_PROVIDER: 's3', BIS_STORE_LANDING_BUCKET: 'lake-landing' },
      'BIS_S3_KMS_KEY_ID',
      /is missing: .*lake key/,
    ],
    [
      'a KMS key that is not one',
      {
        BIS_STORES: 'l',
        BIS_STORE_PROVIDER: 's3',
        BIS_STORE_L_BUCKET: 'lake-l',
        BIS_S3_KMS_KEY_ID: 'my key',
      },
      'BIS_S3_KMS_KEY_ID',
      /"my key"/,
    ],
    [
      'a malformed S3 bucket name',
      { BIS_STORES: 'l', BIS_STORE_PROVIDER: 's3', BIS_STORE_L_BUCKET: 'Lake_L', BIS_S3_KMS_KEY_ID: KEY_ARN },
      'BIS_STORE_L_BUCKET',
      /not a S3 bucket name/,
    ],
    [
      'an S3 endpoint that is not a URL',
      {
        BIS_STORES: 'l',
        BIS_STORE_PROVIDER: 's3',
        BIS_STORE_L_BUCKET: 'lake-l',
        BIS_S3_KMS_KEY_ID: KEY_ARN,
        BIS_S3_ENDPOINT: '127.0.0.1:9000',
      },
      'BIS_S3_ENDPOINT',
      /http\(s\) URL/,
    ],
    [
      'a local root with s3',
      { BIS_STORE_PROVIDER: 's3', BIS_LOCAL_ROOT: '/tmp/lake' },
      'BIS_LOCAL_ROOT',
      /local provider only/,
    ],
    [
      'a GCS endpoint with s3',
      { BIS_STORE_PROVIDER: 's3', BIS_GCS_API_ENDPOINT: 'http://127.0.0.1:1' },
      'BIS_GCS_API_ENDPOINT',
      /gcs provider only/,
    ],
    [
      'a KMS key with gcs',
      {
        BIS_STORES: 'l',
        BIS_STORE_PROVIDER: 'gcs',
        BIS_STORE_L_BUCKET: 'lake-l',
        BIS_S3_KMS_KEY_ID: KEY_ARN,
      },
      'BIS_S3_KMS_KEY_ID',
      /BIS_STORE_PROVIDER is gcs/,
    ],
    [
      'an S3 endpoint with gcs',
      { BIS_STORE_PROVIDER: 'gcs', BIS_S3_ENDPOINT: 'http://127.0.0.1:1' },
      'BIS_S3_ENDPOINT',
      /s3 provider only/,
    ],
    [
      'a missing bucket with gcs',
      { BIS_STORES: 'landing', BIS_STORE_PROVIDER: 'gcs' },
      'BIS_STORE_LANDING_BUCKET',
      /is missing: .*GCS bucket/,
    ],
    [
      'a GCS endpoint that is not a URL',
      { BIS_STORE_PROVIDER: 'gcs', BIS_GCS_API_ENDPOINT: 'localhost' },
      'BIS_GCS_API_ENDPOINT',
      /http\(s\) URL/,
    ],
    [
      'a bucket for a store that is not listed',
      {
        BIS_STORES: 'landing',
        BIS_STORE_PROVIDER: 'gcs',
        BIS_STORE_LANDING_BUCKET: 'l-1',
        BIS_STORE_LANDNG_BUCKET: 'l-2',
      },
      'BIS_STORE_LANDNG_BUCKET',
      /has no store "landng"/,
    ],
    [
      'a misspelt store setting',
      { BIS_STORES: 'landing', BIS_STORE_PROVIDR: 's3' },
      'BIS_STORE_PROVIDR',
      /not a store setting/,
    ],
  ])('%s is refused, naming the variable', (_case, env, variable, problem) => {
    const error = configurationError(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable} `)).toBe(true);
    expect(error.message).toMatch(problem);
  });

  test('an empty variable counts as unset, as deploy tools write it', () => {
    const stores = storesFromEnvironment({
      BIS_STORES: 'landing',
      BIS_STORE_PROVIDER: '',
      BIS_S3_KMS_KEY_ID: '',
    });
    expect(stores.landing).toBeInstanceOf(LocalObjectStore);
  });
});
