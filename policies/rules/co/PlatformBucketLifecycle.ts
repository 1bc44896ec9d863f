import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { isIntrinsic, mayBeAbsent, possibleValues, valueAt } from '../../engine/template-values';

/** What a lifecycle configuration does: at least one rule certainly enabled, none, or cannot tell. */
type Lifecycle = 'enabled' | 'none' | 'computed';

export default defineRule(
  __filename,
  {
    id: 'BIS-CO7',
    title: 'Data-platform buckets have lifecycle rules',
    rationale:
      'A data lake only grows: without lifecycle rules every object, every noncurrent version and every abandoned multipart upload stays in S3 Standard forever. Transitions to cheaper storage classes and expirations keep its cost proportional to the data that is actually used.',
    fix: "Add enabled lifecycle rules: `lifecycleRules: [{ transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(0) }], noncurrentVersionExpiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(7) }]` on s3.Bucket, or `LifecycleConfiguration.Rules` with `Status: 'Enabled'` on AWS::S3::Bucket.",
    level: 'warning',
    resourceTypes: ['AWS::S3::Bucket'],
  },
  (bucket) => {
    if (bucket.stack.role !== 'data-platform') return NOT_APPLICABLE;
    const configuration = bucket.properties.LifecycleConfiguration;
    const outcomes = possibleValues(configuration).map(lifecycleOf);
    if (mayBeAbsent(configuration)) outcomes.push('none');
    if (outcomes.includes('none')) {
      const detail =
        configuration === undefined
          ? 'has no LifecycleConfiguration'
          : outcomes.length > 1
            ? 'may have no enabled LifecycleConfiguration rule (Fn::If)'
            : "has no LifecycleConfiguration rule with Status 'Enabled'";
      return nonCompliant(
        `The data-platform bucket ${detail}, so every object and version stays in S3 Standard forever.`,
      );
    }
    // A rule list or status computed from a parameter cannot be judged.
    return outcomes.includes('computed') ? NOT_APPLICABLE : COMPLIANT;
  },
);

function lifecycleOf(configuration: unknown): Lifecycle {
  if (isIntrinsic(configuration)) return 'computed';
  const rulesValue = valueAt(configuration, 'Rules');
  if (isIntrinsic(rulesValue)) return 'computed';
  if (!Array.isArray(rulesValue)) return 'none';
  let computed = false;
  for (const rule of rulesValue.flatMap((entry) => possibleValues(entry))) {
    if (isIntrinsic(rule)) {
      computed = true;
      continue;
    }
    const status = valueAt(rule, 'Status');
    const statuses = possibleValues(status);
    if (statuses.length > 0 && statuses.every((option) => option === 'Enabled') && !mayBeAbsent(status)) {
      return 'enabled';
    }
    computed ||= statuses.some(isIntrinsic);
  }
  return computed ? 'computed' : 'none';
}
