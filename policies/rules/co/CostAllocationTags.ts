import { MemoKey, type AppIndex } from '../../engine/app-index';
import type { StackInfo, TemplateResource } from '../../engine/template-resource';
import { isIntrinsic, tagValue, valueAt } from '../../engine/template-values';
import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE, type Verdict } from '../../rule';

/**
 * Taggable resources that carry a cost of their own, with the property that holds their tags
 * (`Tags` unless named): the serverless ones, billed by use, and every always-on type (servers,
 * clusters, gateways). Left out: types without tags (Glue Database), and free or derived ones
 * (IAM, security groups, subnets, routes, launch templates) whose cost shows up on the resources above.
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
  // Always-on: servers and clusters billed by the hour whether used or not.
  ['AWS::EC2::Instance', 'Tags'],
  ['AWS::AutoScaling::AutoScalingGroup', 'Tags'],
  ['AWS::EC2::EIP', 'Tags'],
  ['AWS::EC2::TransitGateway', 'Tags'],
  ['AWS::EC2::VPNConnection', 'Tags'],
  ['AWS::ElasticBeanstalk::Environment', 'Tags'],
  ['AWS::Batch::ComputeEnvironment', 'Tags'],
  ['AWS::EKS::Cluster', 'Tags'],
  ['AWS::ElastiCache::CacheCluster', 'Tags'],
  ['AWS::ElastiCache::ReplicationGroup', 'Tags'],
  ['AWS::Redshift::Cluster', 'Tags'],
  ['AWS::DocDB::DBCluster', 'Tags'],
  ['AWS::Neptune::DBCluster', 'Tags'],
  ['AWS::MSK::Cluster', 'Tags'],
  ['AWS::FSx::FileSystem', 'Tags'],
  ['AWS::Transfer::Server', 'Tags'],
  ['AWS::SageMaker::Endpoint', 'Tags'],
]);

/** How many logical IDs a finding names before it says "and N more". */
const NAMED_RESOURCES = 3;

/** One finding's worth: the resources of a stack that lack the same tag keys. */
interface MissingTagGroup {
  readonly missing: readonly string[];
  readonly resources: readonly TemplateResource[];
}

/** Per stack: the resource that carries each group's finding, with its group. */
const MISSING_TAG_GROUPS = new MemoKey<ReadonlyMap<TemplateResource, MissingTagGroup>>(
  'co9-missing-tag-groups',
);

export default defineRule(
  __filename,
  {
    id: 'BIS-CO9',
    title: 'Cost-bearing resources carry cost-allocation tags',
    rationale:
      'A cost per user can only be measured if every bill line says whose it is: Cost Explorer and the Cost and Usage Report group spend by cost-allocation tags (activated in the Billing console), and an untagged resource lands in "no tag key", which nobody owns. ' +
      'Judged: the serverless types billed by use and every always-on type (EC2 instances and Auto Scaling groups, Elastic IPs, NAT gateways, load balancers, database, cache and search clusters, file systems, Transfer servers, SageMaker endpoints...). ' +
      'One tag applied to a stack or a Stage fixes every resource in it, so the rule reports once per stack and missing set of keys, naming how many resources lack them.',
    fix:
      "Tag the scope that holds the stack, in the CDK entry point: `Tags.of(app).add('bis:owner', 'team-x'); Tags.of(app).add('bis:cost-center', 'cc-1234')` (or the keys set in `costAllocationTagKeys`) for top-level stacks. " +
      "App-level tags do not reach the stacks inside a Stage (a CDK Pipelines app): tag the Stage, `Tags.of(stage).add('bis:owner', 'team-x')`, or the stack itself, `Tags.of(stack).add(...)` (in its constructor, `Tags.of(this)`). " +
      "In plain CloudFormation, add the keys to each resource's Tags or pass them as stack tags at deploy time (`aws cloudformation deploy --tags`), which CloudFormation propagates to the resources.",
    level: 'warning',
    resourceTypes: [...TAG_PROPERTY.keys()],
    findingsOn: 'stack',
  },
  (resource, index) => {
    const required = index.settings.costAllocationTagKeys;
    const missing = missingTags(resource, required);
    if (missing === undefined) return NOT_APPLICABLE;
    if (missing.length === 0) return COMPLIANT;
    // One finding per stack and missing set: the group's first resource carries it, the others add to its count.
    const group = index
      .memo(MISSING_TAG_GROUPS, resource.stack, () => missingTagGroups(resource.stack, index, required))
      .get(resource);
    return group === undefined ? NOT_APPLICABLE : groupFinding(group, resource.stack, index);
  },
);

/** The required keys the resource lacks; undefined when its tags are computed and cannot be read. */
function missingTags(resource: TemplateResource, required: readonly string[]): string[] | undefined {
  const property = TAG_PROPERTY.get(resource.type) ?? 'Tags';
  const tagSets =
    resource.type === 'AWS::DynamoDB::GlobalTable'
      ? replicaTags(resource.properties.Replicas)
      : [resource.properties[property]];
  // Tags computed at deploy time (a whole Tags intrinsic) cannot be read.
  if (tagSets === undefined || tagSets.some(isIntrinsic)) return undefined;
  const missing = required.filter((key) => tagSets.some((tags) => !hasTag(tags, key)));
  // A tag list with a computed entry (Fn::If) may hold the missing key.
  if (
    missing.length > 0 &&
    tagSets.some((tags) => Array.isArray(tags) && tags.some((tag) => isIntrinsic(tag)))
  )
    return undefined;
  return missing;
}

function missingTagGroups(
  stack: StackInfo,
  index: AppIndex,
  required: readonly string[],
): ReadonlyMap<TemplateResource, MissingTagGroup> {
  const bySet = new Map<string, { missing: string[]; resources: TemplateResource[] }>();
  for (const resource of index.resourcesOf(stack)) {
    // CDK's machinery is never judged, so it is not counted either.
    if (!TAG_PROPERTY.has(resource.type) || index.isMachinery(resource)) continue;
    const missing = missingTags(resource, required);
    if (missing === undefined || missing.length === 0) continue;
    const key = JSON.stringify(missing);
    const group = bySet.get(key) ?? { missing, resources: [] };
    group.resources.push(resource);
    bySet.set(key, group);
  }
  return new Map([...bySet.values()].map((group) => [group.resources[0], group]));
}

function groupFinding(group: MissingTagGroup, stack: StackInfo, index: AppIndex): Verdict {
  const { missing, resources } = group;
  const keys = `the cost-allocation tag${missing.length > 1 ? 's' : ''} ${missing.map((key) => `'${key}'`).join(', ')}`;
  const named = resources.slice(0, NAMED_RESOURCES).map((resource) => resource.logicalId);
  const more = resources.length - named.length;
  const list = `${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  const what =
    resources.length === 1
      ? `1 cost-bearing resource of stack ${stack.path} lacks ${keys}: ${list}`
      : `${resources.length} cost-bearing resources of stack ${stack.path} lack ${keys}: ${list}`;
  return nonCompliant(`${what}. ${howToTag(resources[0], stack, index, missing)}.`);
}

/** What tags every resource of the stack at once, from where the stack was written. */
function howToTag(
  resource: TemplateResource,
  stack: StackInfo,
  index: AppIndex,
  missing: readonly string[],
): string {
  const add = (scope: string) =>
    missing.map((key) => `Tags.of(${scope}).add('${key}', '<value>')`).join('; ');
  if (resource.construct === undefined) {
    return `Add the keys to each resource's Tags, or pass them as stack tags at deploy time (aws cloudformation deploy --tags), which CloudFormation propagates to the resources; in the CDK app that wrote it, ${add('stack')}`;
  }
  // The app's own aspects stop at a Stage: a Stage stack is tagged through its Stage or itself.
  if (index.applicationScope(stack).scope !== '') {
    return `Tag its Stage: ${add('stage')} (Tags.of(app) does not reach the stacks inside a Stage), or the stack itself: ${add('stack')}`;
  }
  return `Tag the whole app once: ${add('app')}`;
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
