import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import rule from '../../../../policies/rules/sf/ServerlessAnalytics';
import { indexTemplates } from '../../../../policies/engine/app-index';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

describe('BIS-SF4 ServerlessAnalytics', () => {
  test('an ElastiCache cluster is an error that names its node type and ElastiCache Serverless', () => {
    const cache = new elasticache.CfnCacheCluster(new Stack(testApp(), 'App'), 'Cache', {
      engine: 'valkey',
      cacheNodeType: 'cache.t4g.micro',
      numCacheNodes: 1,
    });
    expect(verdictOf(rule, cache)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /CacheNodeType 'cache\.t4g\.micro'.*ElastiCache Serverless \(AWS::ElastiCache::ServerlessCache\)/,
      ),
    });
  });

  test('an OpenSearch domain is an error that names OpenSearch Serverless', () => {
    const domain = new opensearch.Domain(new Stack(testApp(), 'App'), 'Search', {
      version: opensearch.EngineVersion.OPENSEARCH_2_19,
      capacity: { dataNodeInstanceType: 'r7g.large.search', multiAzWithStandbyEnabled: false },
    });
    expect(verdictOf(rule, domain)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /ClusterConfig\.InstanceType 'r7g\.large\.search'.*OpenSearch Serverless collection/,
      ),
    });
  });

  test('a node type from a parameter is still provisioned, and the message says it is computed', () => {
    const stack = new Stack(testApp(), 'App');
    const nodeType = new CfnParameter(stack, 'NodeType', { default: 'ra3.xlplus' });
    const warehouse = new redshift.CfnCluster(stack, 'Warehouse', {
      clusterType: 'single-node',
      dbName: 'lake',
      masterUsername: 'admin',
      manageMasterPassword: true,
      nodeType: nodeType.valueAsString,
    });
    expect(verdictOf(rule, warehouse)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/NodeType computed at deploy time.*Redshift Serverless/),
    });
  });

  test("a serverless cache is not this rule's business", () => {
    expect(rule.resourceTypes).not.toContain('AWS::ElastiCache::ServerlessCache');
    expect(rule.resourceTypes).not.toContain('AWS::MSK::ServerlessCluster');
  });

  test('a scanned template gets the same verdicts, each naming its own alternative', () => {
    const template = {
      Resources: {
        Group: {
          Type: 'AWS::ElastiCache::ReplicationGroup',
          Properties: { CacheNodeType: 'cache.r7g.large' },
        },
        Memory: { Type: 'AWS::MemoryDB::Cluster', Properties: { NodeType: 'db.r7g.large' } },
        Kafka: {
          Type: 'AWS::MSK::Cluster',
          Properties: { BrokerNodeGroupInfo: { InstanceType: 'kafka.m7g.large' } },
        },
        Hadoop: { Type: 'AWS::EMR::Cluster', Properties: { Instances: 'oops' } },
        Legacy: { Type: 'AWS::Elasticsearch::Domain', Properties: {} },
        Serverless: { Type: 'AWS::ElastiCache::ServerlessCache', Properties: { Engine: 'valkey' } },
      },
    };
    expect(verdictsOfTemplate(rule, template)).toEqual({
      Group: 'non-compliant',
      Memory: 'non-compliant',
      Kafka: 'non-compliant',
      Hadoop: 'non-compliant',
      Legacy: 'non-compliant',
    });
    const index = indexTemplates([{ path: 'template.json', role: 'application', template }]);
    const messages = Object.fromEntries(
      index.resources.map((resource) => {
        const verdict = rule.check(resource, index);
        return [resource.logicalId, verdict.kind === 'non-compliant' ? verdict.message : verdict.kind];
      }),
    );
    expect(messages.Group).toMatch(/CacheNodeType 'cache\.r7g\.large'.*ElastiCache Serverless/);
    expect(messages.Memory).toMatch(/MemoryDB.*ElastiCache Serverless for Valkey or Redis OSS/);
    expect(messages.Kafka).toMatch(/'kafka\.m7g\.large'.*MSK Serverless \(AWS::MSK::ServerlessCluster\)/);
    expect(messages.Hadoop).toMatch(/EMR Serverless/);
    expect(messages.Legacy).toMatch(
      /Elasticsearch domain runs provisioned nodes; use an OpenSearch Serverless collection/,
    );
  });
});
