import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { literalString, valueAt } from '../../engine/template-values';

export default defineRule(
  __filename,
  {
    id: 'BIS-AV2',
    title: 'Data-platform buckets are versioned',
    rationale:
      'Without versioning, an overwrite or a delete in the lake is final: no application bug, ransomware or operator error can be rolled back.',
    fix: "Enable versioning: `versioned: true` on s3.Bucket, or `VersioningConfiguration: { Status: 'Enabled' }`.",
    level: 'error',
    resourceTypes: ['AWS::S3::Bucket'],
  },
  (bucket) => {
    if (bucket.stack.role !== 'data-platform') return NOT_APPLICABLE;
    const status = valueAt(bucket.properties, 'VersioningConfiguration', 'Status');
    if (status === undefined) {
      return nonCompliant('The data-platform bucket has no VersioningConfiguration, so versioning is off.');
    }
    const literal = literalString(status);
    if (literal === undefined) {
      // Computed at deploy time (a Condition, a parameter): the rule cannot prove it is on.
      return nonCompliant(
        'VersioningConfiguration.Status is computed at deploy time; versioning must be Enabled as a literal.',
      );
    }
    return literal === 'Enabled'
      ? COMPLIANT
      : nonCompliant(`VersioningConfiguration.Status is '${literal}', not 'Enabled'.`);
  },
);
