/*
 * Destroy and redeploy a retained lake: synth cannot see what a `cdk destroy` left behind (it makes no
 * lookups), so the template is built for the two things that can happen. A plain redeploy fails on
 * the fixed Glue names before any bucket, key or table is created; `bucketNames` names the retained
 * buckets so that `cdk import` adopts them under their old logical IDs.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Template } from 'aws-cdk-lib/assertions';
import { ALLOW_DATA_DESTRUCTION_CONTEXT, DataLakeStack, type LakeBucketNames } from '../../../lib/data-lake';
import { lakeApp, synthLake } from './lake-fixture';

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
};

const NAMES: LakeBucketNames = {
  landing: 'acme-lake-landing',
  raw: 'acme-lake-raw',
  curated: 'acme-lake-curated',
  accessLogs: 'acme-lake-access-logs',
  queryResults: 'acme-lake-query-results',
};

/** The identifier `cdk import` needs for each retained resource type, and where the template holds it. */
const IMPORT_IDENTIFIER: Record<string, (properties: Record<string, unknown>) => unknown> = {
  'AWS::S3::Bucket': (p) => p.BucketName,
  'AWS::Glue::Database': (p) => (p.DatabaseInput as { Name?: unknown }).Name,
  'AWS::Athena::WorkGroup': (p) => p.Name,
  'AWS::DynamoDB::Table': (p) => p.TableName,
  // KeyId is assigned by KMS: no template property can hold it.
  'AWS::KMS::Key': () => undefined,
};

function resources(lake: ReturnType<typeof synthLake>): Record<string, Resource> {
  return lake.template.toJSON().Resources as Record<string, Resource>;
}

/** A retained lake with one table, synthesized. */
function retainedLakeWithTable(): Record<string, Resource> {
  const stack = new DataLakeStack(lakeApp(), 'Lake', { lakeName: 'enterprise' });
  stack.lake.addTable('Orders', {
    tableName: 'orders',
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  });
  return Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
}

describe('a plain redeploy over a retained lake fails before it creates anything beside it', () => {
  const all = retainedLakeWithTable();
  const databaseIds = Object.entries(all)
    .filter(([, resource]) => resource.Type === 'AWS::Glue::Database')
    .map(([id]) => id)
    .sort();

  test('the Glue databases and the workgroup keep their fixed names, and the databases wait for nothing', () => {
    const named = Object.values(all)
      .filter((resource) => ['AWS::Glue::Database', 'AWS::Athena::WorkGroup'].includes(resource.Type))
      .map((resource) => [
        resource.Type,
        IMPORT_IDENTIFIER[resource.Type](resource.Properties),
        resource.DependsOn,
      ]);
    expect(named).toEqual(
      expect.arrayContaining([
        ['AWS::Glue::Database', 'enterprise_landing', undefined],
        ['AWS::Glue::Database', 'enterprise_raw', undefined],
        ['AWS::Glue::Database', 'enterprise_curated', undefined],
      ]),
    );
    // The workgroup names the query-results bucket, so it is created after the buckets anyway.
    expect(named).toContainEqual(['AWS::Athena::WorkGroup', 'cdk-bis-enterprise', undefined]);
  });

  test('the key, every bucket and every table are created only after the three Glue databases', () => {
    const data = Object.entries(all).filter(([, resource]) =>
      ['AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::DynamoDB::Table'].includes(resource.Type),
    );
    expect(data.map(([, resource]) => resource.Type).sort()).toEqual([
      'AWS::DynamoDB::Table',
      'AWS::KMS::Key',
      ...Array(5).fill('AWS::S3::Bucket'),
    ]);
    expect(databaseIds).toHaveLength(3);
    for (const [, resource] of data) expect(resource.DependsOn).toEqual(expect.arrayContaining(databaseIds));
  });

  test('a DESTROY lake has nothing retained to collide with: no such ordering', () => {
    const destroyed = resources(
      synthLake({ removalPolicy: RemovalPolicy.DESTROY }, { [ALLOW_DATA_DESTRUCTION_CONTEXT]: true }),
    );
    const key = Object.values(destroyed).find((resource) => resource.Type === 'AWS::KMS::Key');
    expect(key?.DependsOn).toBeUndefined();
  });
});

describe('bucketNames: the retained buckets, for cdk import', () => {
  const named = synthLake({ bucketNames: NAMES });
  const generated = synthLake();

  test('each bucket gets its given name, under the logical ID it had before', () => {
    const bucketNameOf = (zone: 'landing' | 'raw' | 'curated') =>
      named.resourceOf(named.stack.lake.bucket(zone)).Properties.BucketName;
    expect([bucketNameOf('landing'), bucketNameOf('raw'), bucketNameOf('curated')]).toEqual([
      NAMES.landing,
      NAMES.raw,
      NAMES.curated,
    ]);
    expect(named.resourceOf(named.stack.lake.accessLogBucket).Properties.BucketName).toBe(NAMES.accessLogs);
    expect(named.resourceOf(named.stack.lake.queryResultsBucket).Properties.BucketName).toBe(
      NAMES.queryResults,
    );
    expect(Object.keys(resources(named)).sort()).toEqual(Object.keys(resources(generated)).sort());
  });

  test('every retained resource carries its import identifier in the template, except the key', () => {
    const retained = Object.entries(resources(named)).filter(
      ([, resource]) => resource.DeletionPolicy === 'Retain',
    );
    const missing = retained
      .filter(([, resource]) => IMPORT_IDENTIFIER[resource.Type]?.(resource.Properties) === undefined)
      .map(([, resource]) => resource.Type);
    expect(missing).toEqual(['AWS::KMS::Key']);
    expect(
      retained.map(([, resource]) => resource.Type).filter((type) => type === 'AWS::S3::Bucket'),
    ).toHaveLength(5);
  });

  test('without bucketNames, the bucket names are generated', () => {
    const buckets = Object.values(resources(generated)).filter(
      (resource) => resource.Type === 'AWS::S3::Bucket',
    );
    expect(buckets.map((bucket) => bucket.Properties.BucketName)).toEqual(Array(5).fill(undefined));
  });

  describe('refuses', () => {
    test.each([
      [
        'an invalid name',
        { ...NAMES, raw: 'Acme_Raw' },
        /bucketNames\.raw must be the literal name of an S3 bucket .* got "Acme_Raw"/,
      ],
      [
        'a missing name',
        { ...NAMES, queryResults: undefined },
        /bucketNames\.queryResults must be .* got undefined\. Give all of landing, raw, curated, accessLogs, queryResults/,
      ],
      [
        'a name with two dots in a row',
        { ...NAMES, curated: 'acme..curated' },
        /bucketNames\.curated must be/,
      ],
      [
        'one name for two buckets',
        { ...NAMES, curated: NAMES.raw },
        /bucketNames: raw and curated are both "acme-lake-raw"; each bucket has its own name/,
      ],
    ])('%s', (_what, bucketNames, message) => {
      expect(() => synthLake({ bucketNames: bucketNames as LakeBucketNames })).toThrow(message);
      expect(() => synthLake({ bucketNames: bucketNames as LakeBucketNames })).toThrow(
        /^DataLake 'enterprise' \(Lake\/Lake\): /,
      );
    });
  });
});
