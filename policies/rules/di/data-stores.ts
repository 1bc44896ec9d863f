import type { StackInfo, TemplateResource } from '../../engine/template-resource';
import { MemoKey, type AppIndex } from '../../engine/app-index';
import { listAt, referencedLogicalIds, valueAt } from '../../engine/template-values';
import { isSiteOriginBucket } from './site-origin-buckets';

/**
 * The CloudFormation types that hold persistent data. The diktat puts them in data-platform stacks
 * only; the DI and TR families share this one list.
 */
export const PERSISTENT_DATA_STORE_TYPES: readonly string[] = [
  // Object storage: the lake's raw, curated and multimedia zones.
  'AWS::S3::Bucket',
  // Key-value and document tables (the SAM SimpleTable becomes a DynamoDB table).
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::Serverless::SimpleTable',
  // Relational databases (Aurora clusters and standalone instances).
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  // Document databases.
  'AWS::DocDB::DBCluster',
  'AWS::DocDB::DBInstance',
  'AWS::DocDBElastic::Cluster',
  // Graph databases.
  'AWS::Neptune::DBCluster',
  'AWS::Neptune::DBInstance',
  // Shared file systems (FSx: Lustre, Windows File Server, NetApp ONTAP and OpenZFS alike).
  'AWS::EFS::FileSystem',
  'AWS::FSx::FileSystem',
  // Apache Iceberg tables in S3 table buckets.
  'AWS::S3Tables::TableBucket',
  // Search and analytics indexes.
  'AWS::OpenSearchService::Domain',
  'AWS::Elasticsearch::Domain',
  'AWS::OpenSearchServerless::Collection',
  // Time-series data.
  'AWS::Timestream::Database',
  'AWS::Timestream::Table',
  // The data catalog: the schema that makes the lake's data readable.
  'AWS::Glue::Database',
  'AWS::Glue::Table',
];

/** DB instance types that can belong to a cluster through `DBClusterIdentifier`. */
const CLUSTER_MEMBER_TYPES: ReadonlySet<string> = new Set([
  'AWS::RDS::DBInstance',
  'AWS::DocDB::DBInstance',
  'AWS::Neptune::DBInstance',
]);

/** Table types that live in a database resource named by `DatabaseName`. */
const DATABASE_TABLE_TYPES: ReadonlySet<string> = new Set(['AWS::Timestream::Table', 'AWS::Glue::Table']);

/**
 * True for a DB instance of a cluster (`DBClusterIdentifier` set, literal or computed): it holds the
 * cluster's data, so the cluster is the store to judge.
 */
export function isClusterMember(store: TemplateResource): boolean {
  return CLUSTER_MEMBER_TYPES.has(store.type) && isSet(store.properties.DBClusterIdentifier);
}

/**
 * True when the resource's data sits in another store that carries the finding instead, so that
 * one misplaced store gives one finding: a cluster member, or a Timestream/Glue table whose
 * database is defined in the same template.
 */
export function isPartOfAnotherStore(store: TemplateResource, index: AppIndex): boolean {
  if (isClusterMember(store)) return true;
  if (!DATABASE_TABLE_TYPES.has(store.type)) return false;
  const database = index.referencedResource(store, store.properties.DatabaseName);
  return database !== undefined && PERSISTENT_DATA_STORE_TYPES.includes(database.type);
}

/** Per stack, the buckets that hold the application's own files rather than enterprise data. */
const APPLICATION_ARTIFACT_BUCKETS = new MemoKey<ReadonlySet<string>>('buckets of application artifacts');

/**
 * True for a bucket that holds the application's own files: a BucketDeployment destination, a
 * website bucket, a CodePipeline artifact store (cross-region replication buckets included), or a
 * CloudFront origin bucket that only CloudFront reads (see `isSiteOriginBucket`).
 * Such a bucket is part of the application it ships, not data to put in the platform.
 */
export function holdsApplicationArtifacts(bucket: TemplateResource, index: AppIndex): boolean {
  if (bucket.type !== 'AWS::S3::Bucket') return false;
  if (valueAt(bucket.properties, 'WebsiteConfiguration') !== undefined) return true;
  // CDK's own name for the artifact bucket of a cross-region pipeline's support stack.
  if (bucket.path.includes('CrossRegionCodePipelineReplicationBucket')) return true;
  return (
    index
      .memo(APPLICATION_ARTIFACT_BUCKETS, bucket.stack, () => artifactBuckets(bucket.stack, index))
      .has(bucket.logicalId) || isSiteOriginBucket(bucket, index)
  );
}

function artifactBuckets(stack: StackInfo, index: AppIndex): ReadonlySet<string> {
  const buckets = new Set<string>();
  const add = (value: unknown) => {
    for (const logicalId of referencedLogicalIds(value)) buckets.add(logicalId);
  };
  for (const deployment of index.resourcesOfType(stack, 'Custom::CDKBucketDeployment')) {
    add(deployment.properties.DestinationBucketName);
  }
  for (const pipeline of index.resourcesOfType(stack, 'AWS::CodePipeline::Pipeline')) {
    add(valueAt(pipeline.properties, 'ArtifactStore', 'Location'));
    for (const store of listAt(pipeline.properties, 'ArtifactStores')) {
      add(valueAt(store, 'ArtifactStore', 'Location'));
    }
  }
  return buckets;
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}
