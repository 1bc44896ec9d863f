import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { literalBoolean, literalString } from '../../engine/template-values';

export default defineRule(
  __filename,
  {
    id: 'BIS-TR2',
    title: 'Customer-managed keys rotate automatically',
    rationale:
      'A key that never rotates protects years of data with the same material: one leaked or brute-forced key version exposes everything ever encrypted under it. Automatic rotation bounds that exposure at no cost to applications.',
    fix: 'Turn on rotation: `enableKeyRotation: true` on kms.Key (optionally `rotationPeriod`), or `EnableKeyRotation: true` (and `RotationPeriodInDays`) on AWS::KMS::Key.',
    level: 'error',
    resourceTypes: ['AWS::KMS::Key'],
  },
  (key) => {
    const spec = key.properties.KeySpec;
    const literalSpec = literalString(spec);
    // Asymmetric and HMAC keys cannot rotate automatically; a computed spec is judged as symmetric (fail closed).
    if (literalSpec !== undefined && literalSpec !== 'SYMMETRIC_DEFAULT') return NOT_APPLICABLE;
    // Imported key material (Origin EXTERNAL) cannot rotate automatically either.
    if (literalString(key.properties.Origin) === 'EXTERNAL') return NOT_APPLICABLE;
    const rotation = key.properties.EnableKeyRotation;
    if (rotation === undefined)
      return nonCompliant('EnableKeyRotation is not set, so the key never rotates.');
    const literal = literalBoolean(rotation);
    if (literal === undefined) {
      // Computed at deploy time (a Condition, a parameter): rotation cannot be proven, so fail closed.
      return nonCompliant('EnableKeyRotation is computed at deploy time; it must be the literal true.');
    }
    return literal ? COMPLIANT : nonCompliant('EnableKeyRotation is false, so the key never rotates.');
  },
);
