import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { isIntrinsic, tagValue, valueAt } from '../../engine/template-values';

/**
 * Taggable resources that carry a cost of their own, with the property that holds their tags
 * (`Tags` unless named). Left out: types without tags (Glue Database), and free or derived ones
 * (IAM, security groups, subnets, routes) whose cost shows up on the resources above.
 */
const TAG_PROPERTY: ReadonlyMap<string, string> = new Map([
  ['AWS::S3::Bucket', 'Tags'],
  ['AWS::DynamoDB::Table', 'Tags'],
  // Global tables (dynamodb.TableV2) carry tags on each replica: see replicaTags.
  ['AWS::DynamoDB::GlobalTable', 'Replicas'],
  ['AWS::Serverless::SimpleTable', 'Tags'],
  ['AWS::Lambda::Function', 'Tags'],
  ['AWS::Serverless::Function', 'Tags'],
  ['AWS::SQS::Queue', 'Tags'],
  ['AWS::SNS::Topic', 'Tags'],
  ['AWS::Logs::LogGroup', 'Tags'],
  ['AWS::StepFunctions::StateMachine', 'Tags'],
  ['AWS::Serverless::StateMachine', 'Tags'],
  ['AWS::RDS::DBCluster', 'Tags'],
  ['AWS::RDS::DBInstance', 'Tags'],
  ['AWS::EFS::FileSystem', 'FileSystemTags'],
  ['AWS::ApiGateway::RestApi', 'Tags'],
  ['AWS::ApiGatewayV2::Api', 'Tags'],
  ['AWS::Serverless::Api', 'Tags'],
  ['AWS::Serverless::HttpApi', 'Tags'],
  ['AWS::CloudFront::Distribution', 'Tags'],
  ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'Tags'],
  ['AWS::ElasticLoadBalancing::LoadBalancer', 'Tags'],
  ['AWS::EC2::NatGateway', 'Tags'],
  ['AWS::EC2::VPCEndpoint', 'Tags'],
  ['AWS::Kinesis::Stream', 'Tags'],
  ['AWS::KinesisFirehose::DeliveryStream', 'Tags'],
  ['AWS::OpenSearchService::Domain', 'Tags'],
  ['AWS::KMS::Key', 'Tags'],
  ['AWS::SecretsManager::Secret', 'Tags'],
  ['AWS::ECS::Cluster', 'Tags'],
  ['AWS::ECS::Service', 'Tags'],
  ['AWS::Athena::WorkGroup', 'Tags'],
  ['AWS::Glue::Job', 'Tags'],
  ['AWS::Glue::Crawler', 'Tags'],
]);

export default defineRule(
  __filename,
  {
    id: 'BIS-CO9',
    title: 'Cost-bearing resources carry cost-allocation tags',
    rationale:
      'A cost per user can only be measured if every bill line says whose it is: Cost Explorer and the Cost and Usage Report group spend by cost-allocation tags (activated in the Billing console), and an untagged resource lands in "no tag key", which nobody owns.',
    fix: "Tag the whole app once, in the CDK entry point: `Tags.of(app).add('bis:owner', 'team-x'); Tags.of(app).add('bis:cost-center', 'cc-1234')` (or the keys set in `costAllocationTagKeys`). App-level tags do not reach the stacks inside a Stage (a CDK Pipelines app): tag each Stage as well, `Tags.of(stage).add('bis:owner', 'team-x')`, or tag inside the Stage's constructor. In plain CloudFormation, add the keys to each resource's Tags or pass them as stack tags at deploy time, which CloudFormation propagates to the resources.",
    level: 'warning',
    resourceTypes: [...TAG_PROPERTY.keys()],
  },
  (resource, index) => {
    const required = index.settings.costAllocationTagKeys;
    const property = TAG_PROPERTY.get(resource.type) ?? 'Tags';
    const tagSets =
      resource.type === 'AWS::DynamoDB::GlobalTable'
        ? replicaTags(resource.properties.Replicas)
        : [resource.properties[property]];
    // Tags computed at deploy time (a whole Tags intrinsic) cannot be read.
    if (tagSets === undefined || tagSets.some(isIntrinsic)) return NOT_APPLICABLE;
    const missing = required.filter((key) => tagSets.some((tags) => !hasTag(tags, key)));
    if (missing.length === 0) return COMPLIANT;
    // A tag list with a computed entry (Fn::If) may hold the missing key.
    if (tagSets.some((tags) => Array.isArray(tags) && tags.some((tag) => isIntrinsic(tag))))
      return NOT_APPLICABLE;
    const where = resource.type === 'AWS::DynamoDB::GlobalTable' ? 'Replicas[].Tags' : property;
    return nonCompliant(missingTagsMessage(where, missing));
  },
);

/** Messages by property and missing keys: an untagged app repeats the same few thousands of times. */
const MISSING_TAGS_MESSAGES = new Map<string, string>();

function missingTagsMessage(where: string, missing: readonly string[]): string {
  const key = JSON.stringify([where, missing]);
  let message = MISSING_TAGS_MESSAGES.get(key);
  if (message === undefined) {
    const howTo = missing.map((tagKey) => `Tags.of(app).add('${tagKey}', '<value>')`).join('; ');
    message = `${where} lacks the cost-allocation tag${missing.length > 1 ? 's' : ''} ${missing.map((tagKey) => `'${tagKey}'`).join(', ')}. Tag the whole app once: ${howTo}.`;
    // Bounded: one entry per tag property name and combination of configured keys.
    if (MISSING_TAGS_MESSAGES.size < 1000) MISSING_TAGS_MESSAGES.set(key, message);
  }
  return message;
}

/** The tags of each replica of a global table; undefined when the replica list is computed. */
function replicaTags(replicas: unknown): unknown[] | undefined {
  if (!Array.isArray(replicas)) return isIntrinsic(replicas) ? undefined : [undefined];
  return replicas.map((replica) => (isIntrinsic(replica) ? replica : valueAt(replica, 'Tags')));
}

/** A tag is present when its value is not empty; a computed value counts as present. */
function hasTag(tags: unknown, key: string): boolean {
  const value = tagValue(tags, key);
  return value !== undefined && value !== null && value !== '';
}
