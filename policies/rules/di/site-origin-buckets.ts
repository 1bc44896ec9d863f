import { MemoKey, type AppIndex } from '../../engine/app-index';
import type { StackInfo, TemplateResource } from '../../engine/template-resource';
import {
  isObject,
  listAt,
  literalString,
  possibleValues,
  referencedLogicalIds,
  valueAt,
} from '../../engine/template-values';
import { allows, literalsOf, restrictedBy, statementsOf } from '../tr/policy-statements';

/** Identity-policy types: one in the stack naming the bucket grants it to another principal. */
const IDENTITY_POLICY_TYPES: ReadonlySet<string> = new Set([
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
]);

/** Per stack, the buckets that are S3 origins of a distribution of the stack. */
const ORIGIN_BUCKETS = new MemoKey<ReadonlySet<string>>('buckets that are S3 origins of a distribution');

/**
 * True for a bucket that serves a site's own files through CloudFront: it is the S3 origin of a
 * distribution in its stack, its bucket policy lets only CloudFront read it (an OAC service principal
 * confined by `AWS:SourceArn` to a distribution of the stack, or an origin access identity) besides
 * CDK's own machinery, no identity policy of the stack names it, and nothing reacts to or ages its
 * objects (no event notifications, no expiration or transition rules).
 */
export function isSiteOriginBucket(bucket: TemplateResource, index: AppIndex): boolean {
  const origins = index.memo(ORIGIN_BUCKETS, bucket.stack, () => originBuckets(bucket.stack, index));
  if (!origins.has(bucket.logicalId)) return false;
  if (valueAt(bucket.properties, 'NotificationConfiguration') !== undefined) return false;
  if (agesData(bucket.properties.LifecycleConfiguration)) return false;
  let cloudFrontReads = false;
  for (const resource of index.resourcesOf(bucket.stack)) {
    if (resource === bucket || index.isMachinery(resource)) continue;
    const props = resource.properties;
    if (resource.type === 'AWS::S3::BucketPolicy') {
      if (!referencedLogicalIds(props.Bucket).has(bucket.logicalId)) continue;
      const reader = onlyCloudFrontReads(props.PolicyDocument, resource, index);
      if (reader === undefined) return false;
      cloudFrontReads ||= reader;
    } else if (
      (IDENTITY_POLICY_TYPES.has(resource.type) || resource.type === 'Custom::S3BucketNotifications') &&
      referencedLogicalIds(props).has(bucket.logicalId)
    ) {
      return false;
    }
  }
  return cloudFrontReads;
}

/** The buckets named by the `DomainName` of an S3 origin (S3OriginConfig or an OAC) of a distribution. */
function originBuckets(stack: StackInfo, index: AppIndex): ReadonlySet<string> {
  const buckets = new Set<string>();
  for (const distribution of index.resourcesOfType(stack, 'AWS::CloudFront::Distribution')) {
    for (const origin of listAt(distribution.properties, 'DistributionConfig', 'Origins')) {
      const isS3Origin =
        valueAt(origin, 'S3OriginConfig') !== undefined ||
        valueAt(origin, 'OriginAccessControlId') !== undefined;
      if (!isS3Origin) continue;
      for (const logicalId of referencedLogicalIds(valueAt(origin, 'DomainName'))) buckets.add(logicalId);
    }
  }
  return buckets;
}

/**
 * Whether the document's Allow statements let CloudFront read (true), let no one in (false), or let
 * someone else in or CloudFront write (undefined). A statement for a CDK machinery role (auto-delete)
 * is the deployment's, not a reader.
 */
function onlyCloudFrontReads(
  document: unknown,
  policy: TemplateResource,
  index: AppIndex,
): boolean | undefined {
  let reads = false;
  for (const { statement } of statementsOf(document)) {
    if (!allows(statement)) continue;
    const principals = possibleValues(statement.Principal);
    if (principals.every((principal) => isMachineryPrincipal(principal, policy, index))) continue;
    if (!principals.every((principal) => isCloudFrontPrincipal(principal, statement, policy, index)))
      return undefined;
    const actions = literalsOf(statement.Action);
    if (actions.length === 0 || !actions.every((action) => /^s3:(Get|List)/i.test(action))) return undefined;
    reads = true;
  }
  return reads;
}

function isCloudFrontPrincipal(
  principal: unknown,
  statement: Parameters<typeof restrictedBy>[0],
  policy: TemplateResource,
  index: AppIndex,
): boolean {
  if (!isObject(principal)) return false;
  const keys = Object.keys(principal);
  if (keys.length === 1 && keys[0] === 'Service') {
    // OAC: the service principal, confined to a distribution of this stack.
    return (
      literalsOf(principal.Service).every((service) => service === 'cloudfront.amazonaws.com') &&
      restrictedBy(statement, ['AWS:SourceArn']) &&
      namesDistribution(statement.Condition, policy, index)
    );
  }
  // OAI: its canonical user, or its IAM user ARN, naming an identity of this stack.
  return keys.every(
    (key) =>
      (key === 'CanonicalUser' || key === 'AWS') &&
      [...referencedLogicalIds(principal[key])].some(
        (logicalId) =>
          index.resourceByLogicalId(policy.stack, logicalId)?.type ===
          'AWS::CloudFront::CloudFrontOriginAccessIdentity',
      ),
  );
}

function namesDistribution(condition: unknown, policy: TemplateResource, index: AppIndex): boolean {
  return [...referencedLogicalIds(condition)].some(
    (logicalId) =>
      index.resourceByLogicalId(policy.stack, logicalId)?.type === 'AWS::CloudFront::Distribution',
  );
}

function isMachineryPrincipal(principal: unknown, policy: TemplateResource, index: AppIndex): boolean {
  if (!isObject(principal)) return false;
  const roles = [...referencedLogicalIds(principal.AWS)];
  return (
    roles.length > 0 &&
    roles.every((logicalId) => {
      const role = index.resourceByLogicalId(policy.stack, logicalId);
      return role !== undefined && index.isMachinery(role);
    })
  );
}

/** Lifecycle rules that expire or move current objects manage data; clean-up of uploads and old versions does not. */
function agesData(lifecycle: unknown): boolean {
  return listAt(lifecycle, 'Rules').some(
    (rule) =>
      literalString(valueAt(rule, 'Status')) !== 'Disabled' &&
      ['ExpirationInDays', 'ExpirationDate', 'Transition', 'Transitions'].some(
        (key) => valueAt(rule, key) !== undefined,
      ),
  );
}
