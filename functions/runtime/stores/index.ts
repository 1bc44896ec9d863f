export { LocalObjectStore } from './local-object-store';
export type { LocalObjectStoreOptions, SweepOptions, SweepResult } from './local-object-store';
export { verifyLocalSignedUrl, LOCAL_OBJECTS_PATH } from './local-signed-url';
export type { LocalIncomingRequest, LocalSignedUrlVerdict } from './local-signed-url';
export { validateObjectKey, validateListPrefix, MAX_KEY_BYTES, MAX_SIGNED_URL_SECONDS } from './keys';
export { S3ObjectStore } from './s3-object-store';
export type { S3ObjectStoreProps } from './s3-object-store';
export { GCS_SIGNED_URL_ORIGIN, GcsObjectStore } from './gcs-object-store';
export type { GcsObjectStoreProps, GcsServiceAccountKey } from './gcs-object-store';
export {
  storesFromEnvironment,
  StoreConfigurationError,
  bucketVariable,
  KMS_KEY_PATTERN,
  S3_BUCKET_NAME_PATTERN,
  STORE_NAME_PATTERN,
} from './environment';
export type { StoreProvider } from './environment';
