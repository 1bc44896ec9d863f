import { S3ObjectStore } from '../../../../functions/runtime/stores';

/*
 * `npm run package:gcp` leaves the AWS SDK out of the Cloud Functions bundle: an S3 store configured
 * there anyway fails on first use with what to change, not with a module-resolution stack trace.
 */
// jest hoists these above the imports, so each factory stands alone.
jest.mock(
  '@aws-sdk/client-s3',
  () => {
    throw Object.assign(new Error("Cannot find module '@aws-sdk/client-s3'"), { code: 'MODULE_NOT_FOUND' });
  },
  { virtual: true },
);
jest.mock(
  '@aws-sdk/s3-request-presigner',
  () => {
    throw Object.assign(new Error("Cannot find module '@aws-sdk/s3-request-presigner'"), {
      code: 'MODULE_NOT_FOUND',
    });
  },
  { virtual: true },
);

const advice =
  'which this bundle does not hold (`npm run package:gcp` leaves it out on Google Cloud): use BIS_STORE_PROVIDER=gcs on Google Cloud, or install';

test('an S3 store without the AWS SDK names the SDK and the setting to use on Google Cloud', async () => {
  const store = new S3ObjectStore({ bucket: 'acme-landing', kmsKeyId: 'alias/acme-lake' });
  await expect(store.head('structured/a.csv')).rejects.toThrow(
    `S3ObjectStore needs @aws-sdk/client-s3, ${advice}`,
  );
  await expect(store.signedUrl('structured/a.csv', { method: 'GET', expiresInSeconds: 60 })).rejects.toThrow(
    `S3ObjectStore needs @aws-sdk/`,
  );
});
