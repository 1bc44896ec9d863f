import { COMPLIANT, defineRule, nonCompliant } from '../../rule';
import { isIntrinsic, isObject, literalBoolean } from '../../engine/template-values';

const FLAGS = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'] as const;

export default defineRule(
  __filename,
  {
    id: 'BIS-TR5',
    title: 'Buckets block all public access',
    rationale:
      'One public ACL or bucket policy, added by hand or by a later change, exposes the data to the internet. Blocking public access on the bucket makes S3 refuse such grants. AWS blocks public access on new buckets by default, but the template does not say so, and an account-level setting or a later change can undo it: the block must be stated where it is reviewed.',
    fix: 'Set `blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL` on s3.Bucket, or `PublicAccessBlockConfiguration` with BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets all true.',
    level: 'error',
    resourceTypes: ['AWS::S3::Bucket'],
  },
  (bucket) => {
    const config = bucket.properties.PublicAccessBlockConfiguration;
    if (config === undefined) {
      return nonCompliant(`PublicAccessBlockConfiguration is not set; ${FLAGS.join(', ')} must all be true.`);
    }
    if (!isObject(config) || isIntrinsic(config)) {
      // Computed at deploy time (a Condition, an import): the block cannot be proven, so fail closed.
      return nonCompliant(
        'PublicAccessBlockConfiguration is computed at deploy time; its four flags must be literal true.',
      );
    }
    const missing = FLAGS.filter((flag) => literalBoolean(config[flag]) !== true).map((flag) =>
      config[flag] === undefined
        ? `${flag} (not set)`
        : literalBoolean(config[flag]) === false
          ? `${flag} (false)`
          : `${flag} (computed)`,
    );
    return missing.length === 0
      ? COMPLIANT
      : nonCompliant(
          `PublicAccessBlockConfiguration does not block public access: ${missing.join(', ')}; all four flags must be true.`,
        );
  },
);
