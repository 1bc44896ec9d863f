import { COMPLIANT, defineRule, nonCompliant } from '../../rule';
import { isIntrinsic, isObject, literalBoolean } from '../../engine/template-values';

const FLAGS = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'] as const;

export default defineRule(
  __filename,
  {
    id: 'BIS-TR5',
    title: 'Buckets block all public access',
    rationale:
      'One public ACL or bucket policy, added by hand or by a later change, exposes the data to the internet. Blocking public access on the bucket makes S3 refuse such grants. AWS blocks public access on new buckets by default, but the template does not say so, and an account-level setting or a later change can undo it: the block must be stated where it is reviewed. ' +
      'A bucket with no PublicAccessBlockConfiguration at all (a default `s3.Bucket`) is a warning, not an error: S3 blocks public access on every bucket created since April 2023 that does not set it, so such a bucket is most likely blocked, but the template cannot prove it (a bucket created before then, or a block turned off by hand, is open, and drift detection does not see a property the template never set). A configuration that sets a flag to false, or leaves one out, is an error: CloudFormation then turns that flag off.',
    fix: 'Set `blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL` on s3.Bucket, or `PublicAccessBlockConfiguration` with BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets all true.',
    level: 'error',
    resourceTypes: ['AWS::S3::Bucket'],
  },
  (bucket) => {
    const config = bucket.properties.PublicAccessBlockConfiguration;
    if (config === undefined) {
      // S3's default since April 2023 blocks it, so a warning: the template states nothing a review can see.
      return nonCompliant(
        `PublicAccessBlockConfiguration is not set: S3 blocks public access on buckets created since April 2023 by default, but the template does not say so (a bucket created earlier, or a block turned off by hand, is open and drift detection cannot tell); state it with ${FLAGS.join(', ')} all true.`,
        'warning',
      );
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
