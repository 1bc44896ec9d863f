/*
 * Every error a user can cause in the lake starts the same way, `DataLake '<lakeName>' (<path>): `,
 * whichever construct or method raised it.
 */
import { Duration, Lazy, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  DataLake,
  DataLakeContract,
  DataLakeStack,
  type Kind,
  LakeCatalog,
  type LakeCrawlerOptions,
  type Zone,
} from '../../../lib/data-lake';
import { lakeApp } from './lake-fixture';

function lakeStack(): DataLakeStack {
  return new DataLakeStack(lakeApp(), 'Lake', { lakeName: 'enterprise' });
}

function grantee(scope: DataLake): iam.Role {
  return new iam.Role(scope, 'Grantee', { assumedBy: new iam.AccountRootPrincipal() });
}

const crawler = { zone: 'curated', kind: 'structured' } as const;

test.each<[string, () => unknown, string]>([
  [
    'an invalid lakeName',
    () => new DataLakeStack(lakeApp(), 'Lake', { lakeName: 'My_Lake' }),
    `DataLake 'My_Lake' (Lake/Lake): lakeName "My_Lake" is invalid`,
  ],
  [
    'a token lakeName',
    () =>
      new DataLake(new Stack(lakeApp(), 'Other'), 'Lake', { lakeName: Lazy.string({ produce: () => 'x' }) }),
    'DataLake <a token> (Other/Lake): lakeName must be a literal string',
  ],
  [
    'an empty owner',
    () => new DataLakeStack(lakeApp(), 'Lake', { lakeName: 'enterprise', owner: '' }),
    `DataLake 'enterprise' (Lake): owner must be a non-empty string`,
  ],
  [
    'a duration in hours',
    () =>
      new DataLakeStack(lakeApp(), 'Lake', { lakeName: 'enterprise', landingExpiration: Duration.hours(5) }),
    `DataLake 'enterprise' (Lake/Lake): landingExpiration must be a whole number of days`,
  ],
  [
    'DESTROY without the flag',
    () =>
      new DataLakeStack(lakeApp(), 'Lake', { lakeName: 'enterprise', removalPolicy: RemovalPolicy.DESTROY }),
    `DataLake 'enterprise' (Lake/Lake): removalPolicy is DESTROY`,
  ],
  [
    'a bytes-scanned cutoff under the minimum',
    () =>
      new DataLakeStack(lakeApp(), 'Lake', {
        lakeName: 'enterprise',
        query: { bytesScannedCutoffPerQuery: Size.kibibytes(1) },
      }),
    `DataLake 'enterprise' (Lake/Lake/Catalog): query.bytesScannedCutoffPerQuery must be a whole number of bytes`,
  ],
  [
    'an unknown zone for bucket()',
    () => lakeStack().lake.bucket('gold' as Zone),
    `DataLake 'enterprise' (Lake/Lake): unknown zone "gold". Use one of: landing, raw, curated.`,
  ],
  [
    'an unknown zone for glueDatabaseName()',
    () => lakeStack().lake.glueDatabaseName('gold' as Zone),
    `DataLake 'enterprise' (Lake/Lake): unknown zone "gold". Use one of: landing, raw, curated.`,
  ],
  [
    'an unknown kind for prefix()',
    () => lakeStack().lake.prefix('video' as Kind),
    `DataLake 'enterprise' (Lake/Lake): Unknown data kind "video".`,
  ],
  [
    'an unknown kind for grantRead',
    () => {
      const { lake } = lakeStack();
      lake.grantRead(grantee(lake), { zones: ['raw'], kinds: ['video' as Kind] });
    },
    `DataLake 'enterprise' (Lake/Lake): grantRead: unknown kind "video".`,
  ],
  [
    'a zones option for grantWrite',
    () => {
      const { lake } = lakeStack();
      lake.grantWrite(grantee(lake), { kinds: ['documents'], zones: ['raw'] } as never);
    },
    `DataLake 'enterprise' (Lake/Lake): grantWrite: zones is not an option`,
  ],
  [
    'an unknown crawler zone',
    () =>
      lakeStack().lake.addCrawler('Orders', { ...crawler, zone: 'gold' } as unknown as LakeCrawlerOptions),
    `DataLake 'enterprise' (Lake/Lake/Orders): zone "gold" is not a lake zone.`,
  ],
  [
    'an invalid name to import',
    () => DataLake.fromLakeName(new Stack(lakeApp(), 'Orders'), 'Lake', 'Enterprise'),
    `DataLake 'Enterprise' (Orders/Lake): lakeName "Enterprise" is invalid`,
  ],
  [
    'an unknown zone of an imported lake',
    () =>
      DataLakeContract.fromLakeName(new Stack(lakeApp(), 'Orders'), 'Lake', 'enterprise').zoneBucketName(
        'gold' as Zone,
      ),
    `DataLake 'enterprise' (Orders/Lake): unknown zone "gold".`,
  ],
  [
    'a standalone catalog with DESTROY and no flag',
    () =>
      new LakeCatalog(new Stack(lakeApp(), 'Catalogs'), 'Catalog', {
        lakeName: 'enterprise',
        keyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k',
        queryResultsBucketName: 'results',
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    `DataLake 'enterprise' (Catalogs/Catalog): removalPolicy is DESTROY`,
  ],
])('%s is an error that starts DataLake <name> (<path>)', (_what, cause, start) => {
  let message = '';
  try {
    cause();
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message.slice(0, start.length)).toBe(start);
  expect(message).toMatch(/^DataLake ('[^']*'|<a token>) \([^)]+\): \S/);
});
