import { defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { detail } from './property-text';

/** Each provisioned engine, the property that sizes its nodes, and its serverless edition. */
const PROVISIONED = new Map<string, { what: string; sizing: string[]; instead: string }>(
  Object.entries({
    'AWS::ElastiCache::CacheCluster': {
      what: 'An ElastiCache cache cluster',
      sizing: ['CacheNodeType'],
      instead: 'ElastiCache Serverless (AWS::ElastiCache::ServerlessCache)',
    },
    'AWS::ElastiCache::ReplicationGroup': {
      what: 'An ElastiCache replication group',
      sizing: ['CacheNodeType'],
      instead: 'ElastiCache Serverless (AWS::ElastiCache::ServerlessCache)',
    },
    'AWS::MemoryDB::Cluster': {
      what: 'A MemoryDB cluster',
      sizing: ['NodeType'],
      instead: 'ElastiCache Serverless for Valkey or Redis OSS (AWS::ElastiCache::ServerlessCache)',
    },
    'AWS::Redshift::Cluster': {
      what: 'A Redshift provisioned cluster',
      sizing: ['NodeType'],
      instead:
        'Redshift Serverless (AWS::RedshiftServerless::Namespace and AWS::RedshiftServerless::Workgroup)',
    },
    'AWS::OpenSearchService::Domain': {
      what: 'An OpenSearch Service domain',
      sizing: ['ClusterConfig', 'InstanceType'],
      instead: 'an OpenSearch Serverless collection (AWS::OpenSearchServerless::Collection)',
    },
    'AWS::Elasticsearch::Domain': {
      what: 'An Elasticsearch domain',
      sizing: ['ElasticsearchClusterConfig', 'InstanceType'],
      instead: 'an OpenSearch Serverless collection (AWS::OpenSearchServerless::Collection)',
    },
    'AWS::MSK::Cluster': {
      what: 'An MSK provisioned cluster',
      sizing: ['BrokerNodeGroupInfo', 'InstanceType'],
      instead: 'MSK Serverless (AWS::MSK::ServerlessCluster)',
    },
    'AWS::EMR::Cluster': {
      what: 'An EMR cluster',
      sizing: ['Instances', 'MasterInstanceGroup', 'InstanceType'],
      instead: 'EMR Serverless (AWS::EMRServerless::Application)',
    },
  }),
);

export default defineRule(
  __filename,
  {
    id: 'BIS-SF4',
    title: 'Caches, warehouses, search, streaming and big-data engines run on their serverless edition',
    rationale:
      'Provisioned clusters are nodes the team sizes, upgrades and pays for around the clock; ElastiCache, Redshift, OpenSearch, MSK and EMR each have a serverless edition that scales with the load and takes the engine updates.',
    fix: 'Replace the cluster by its serverless edition: AWS::ElastiCache::ServerlessCache (ElastiCache, MemoryDB), AWS::RedshiftServerless::Workgroup (Redshift), AWS::OpenSearchServerless::Collection (OpenSearch and Elasticsearch domains), AWS::MSK::ServerlessCluster (MSK), AWS::EMRServerless::Application (EMR); use the L1 constructs (elasticache.CfnServerlessCache, redshiftserverless.CfnWorkgroup, opensearchserverless.CfnCollection, msk.CfnServerlessCluster, emrserverless.CfnApplication).',
    level: 'error',
    resourceTypes: [...PROVISIONED.keys()],
  },
  (resource) => {
    const engine = PROVISIONED.get(resource.type);
    if (engine === undefined) return NOT_APPLICABLE;
    // The type alone decides: whatever the node size, even one computed at deploy time, the nodes are provisioned.
    return nonCompliant(
      `${engine.what}${detail(resource.properties, ...engine.sizing)} runs provisioned nodes; use ${engine.instead}.`,
    );
  },
);
