import { MemoKey, type AppIndex } from '../../engine/app-index';
import type { StackInfo, TemplateResource } from '../../engine/template-resource';
import { literalBoolean, referencedLogicalIds, tagValue } from '../../engine/template-values';
import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { isClusterMember, PERSISTENT_DATA_STORE_TYPES } from './data-stores';

/** Types that accept the `Snapshot` policy (CloudFormation backs them up before deleting them). */
const SNAPSHOT_TYPES: ReadonlySet<string> = new Set([
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::DocDB::DBCluster',
  'AWS::Neptune::DBCluster',
]);

/** Types whose absent DeletionPolicy means Snapshot (CloudFormation's documented exception). */
const SNAPSHOT_BY_DEFAULT: ReadonlySet<string> = new Set(['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster']);

/** The tag CDK writes on a bucket with `autoDeleteObjects: true`. */
const AUTO_DELETE_TAG = 'aws-cdk:auto-delete-objects';

export default defineRule(
  __filename,
  {
    id: 'BIS-DI4',
    title: 'Data-platform stores are retained when their stack is deleted or they are replaced',
    rationale:
      "CloudFormation deletes a resource without a DeletionPolicy when its stack is deleted, and deletes the old one when a property change replaces it. For the lake that means one `cdk destroy` or one renamed table erases the enterprise's data; auto-delete-objects even empties a bucket so that the deletion succeeds. A lake built with `removalPolicy: DESTROY` under `-c cdk-bis:allowDataDestruction=true` reports these findings as acknowledged by that flag: the flag is the explicit decision.",
    fix: 'Keep the data: `removalPolicy: RemovalPolicy.RETAIN` (or `RemovalPolicy.SNAPSHOT` for RDS, DocumentDB and Neptune clusters) and no `autoDeleteObjects` on s3.Bucket; in CloudFormation, `DeletionPolicy: Retain` and `UpdateReplacePolicy: Retain` (or `Snapshot`), and no `Custom::S3AutoDeleteObjects` resource for the bucket.',
    level: 'error',
    resourceTypes: PERSISTENT_DATA_STORE_TYPES,
  },
  (store, index) => {
    if (store.stack.role !== 'data-platform') return NOT_APPLICABLE;
    // Deleting a cluster's instance keeps the cluster's data; the cluster is judged instead.
    if (isClusterMember(store)) return NOT_APPLICABLE;
    const problems: string[] = [];
    // An intrinsic policy (Fn::If) reads as absent here, so it is judged as CloudFormation's default: fail closed.
    const deletion = policyProblem(
      store,
      'DeletionPolicy',
      store.deletionPolicy,
      SNAPSHOT_BY_DEFAULT.has(store.type),
    );
    if (deletion) problems.push(deletion);
    const replacement = policyProblem(store, 'UpdateReplacePolicy', store.updateReplacePolicy, false);
    if (replacement) problems.push(replacement);
    if (store.type === 'AWS::S3::Bucket') {
      const autoDelete = autoDeleteProblem(store, index);
      if (autoDelete) problems.push(autoDelete);
    }
    if (problems.length === 0) return COMPLIANT;
    return nonCompliant(`The data-platform ${store.type} can lose its data: ${problems.join('; ')}.`);
  },
);

function policyProblem(
  store: TemplateResource,
  attribute: string,
  policy: string | undefined,
  snapshotByDefault: boolean,
): string | undefined {
  if (policy === undefined) {
    if (snapshotByDefault) return undefined;
    return `${attribute} is absent, so CloudFormation's default 'Delete' applies`;
  }
  if (policy === 'Retain' || policy === 'RetainExceptOnCreate') return undefined;
  if (policy === 'Snapshot') {
    return SNAPSHOT_TYPES.has(store.type)
      ? undefined
      : `${attribute} is 'Snapshot', which ${store.type} does not support; use 'Retain'`;
  }
  return `${attribute} is '${policy}'`;
}

function autoDeleteProblem(bucket: TemplateResource, index: AppIndex): string | undefined {
  const customResource = autoDeletedBuckets(index, bucket.stack).get(bucket.logicalId);
  if (customResource !== undefined) {
    return `objects are auto-deleted with the stack (Custom::S3AutoDeleteObjects ${customResource})`;
  }
  if (literalBoolean(tagValue(bucket.properties.Tags, AUTO_DELETE_TAG)) === true) {
    return `objects are auto-deleted with the stack (tag ${AUTO_DELETE_TAG}=true)`;
  }
  return undefined;
}

/** The memo of `autoDeletedBuckets`: one per stack and run. */
const AUTO_DELETED_BUCKETS = new MemoKey<Map<string, string>>('di4-auto-deleted-buckets');

/** Bucket logical ID → the `Custom::S3AutoDeleteObjects` resource that empties it, for one stack. */
function autoDeletedBuckets(index: AppIndex, stack: StackInfo): Map<string, string> {
  return index.memo(AUTO_DELETED_BUCKETS, stack, () => {
    const buckets = new Map<string, string>();
    for (const resource of index.resourcesOfType(stack, 'Custom::S3AutoDeleteObjects')) {
      for (const bucket of referencedLogicalIds(resource.properties.BucketName))
        buckets.set(bucket, resource.logicalId);
    }
    return buckets;
  });
}
