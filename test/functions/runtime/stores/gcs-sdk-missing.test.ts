import { GcsObjectStore } from '../../../../functions/runtime/stores';

/*
 * A Lambda bundle leaves @google-cloud/storage out (PortableFunction): a GCS store configured there anyway
 * fails on first use with what to change, not with a module-resolution stack trace.
 */
jest.mock(
  '@google-cloud/storage',
  () => {
    throw Object.assign(new Error("Cannot find module '@google-cloud/storage'"), {
      code: 'MODULE_NOT_FOUND',
    });
  },
  { virtual: true },
);

test('a GCS store without its SDK names the SDK and the setting to use on AWS', async () => {
  const store = new GcsObjectStore({ bucket: 'acme-landing' });
  await expect(store.head('structured/a.csv')).rejects.toThrow(
    'GcsObjectStore needs @google-cloud/storage, which this bundle does not hold (PortableFunction leaves it out on AWS Lambda): use BIS_STORE_PROVIDER=s3 on AWS',
  );
});
