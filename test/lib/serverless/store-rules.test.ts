import {
  KMS_KEY_PATTERN,
  S3_BUCKET_NAME_PATTERN,
  STORE_NAME_PATTERN,
} from '../../../functions/runtime/stores';
import { UPLOAD_ORIGIN } from '../../../functions/catalog/upload-origins';
import { BROWSER_ORIGIN } from '../../../lib/data-lake/browser-uploads';
import { KMS_KEY, S3_BUCKET_NAME, STORE_NAME } from '../../../lib/serverless/portable-function';

// lib/ cannot import functions/, so PortableFunction restates the runtime's store rules: a name or
// bucket the construct accepts at synth must be one the function accepts at its cold start.
test('PortableFunction checks store settings with exactly the runtime rules', () => {
  expect(STORE_NAME.source).toBe(STORE_NAME_PATTERN.source);
  expect(S3_BUCKET_NAME.source).toBe(S3_BUCKET_NAME_PATTERN.source);
  expect(KMS_KEY.source).toBe(KMS_KEY_PATTERN.source);
});

// The same restatement for browser uploads: an origin the lake's CORS rule accepts for a page must have
// the shape the catalog accepts in CATALOG_UPLOAD_ORIGINS.
test("DataLake checks browserUploadOrigins with the catalog's rule for upload origins", () => {
  expect(BROWSER_ORIGIN.source).toBe(UPLOAD_ORIGIN.source);
});
