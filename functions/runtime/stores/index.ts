export { LocalObjectStore } from './local-object-store';
export type { LocalObjectStoreOptions } from './local-object-store';
export { verifyLocalSignedUrl, LOCAL_OBJECTS_PATH } from './local-signed-url';
export type { LocalIncomingRequest, LocalSignedUrlVerdict } from './local-signed-url';
export { validateObjectKey, validateListPrefix, MAX_KEY_BYTES, MAX_SIGNED_URL_SECONDS } from './keys';
