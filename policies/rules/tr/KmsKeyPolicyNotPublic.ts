import { COMPLIANT, defineRule, nonCompliant } from '../../rule';
import { isIntrinsic } from '../../engine/template-values';
import { ACCOUNT_CONDITION_KEYS, unrestrictedPublicStatements } from './policy-statements';

export default defineRule(
  __filename,
  {
    id: 'BIS-TR3',
    title: 'Key policies do not open keys to everyone',
    rationale:
      "A key policy that allows Principal '*' lets any AWS account use or administer the key: the enterprise no longer owns its key, and whoever can call KMS can decrypt the data it protects.",
    fix: "Name the principals (`new iam.AccountRootPrincipal()`, a role) in kms.Key `policy` / `addToResourcePolicy`, or confine a '*' principal with a condition on `kms:CallerAccount`, `aws:PrincipalAccount` or `aws:PrincipalOrgID` (AWS::KMS::Key `KeyPolicy` Statement Condition).",
    level: 'error',
    resourceTypes: ['AWS::KMS::Key'],
  },
  (key) => {
    const policy = key.properties.KeyPolicy;
    // A policy computed as a whole (Fn::ImportValue, a parameter) cannot be read; an Fn::If is read branch by branch.
    if (isIntrinsic(policy) && !('Fn::If' in policy)) {
      return nonCompliant(
        'KeyPolicy is computed at deploy time; it must be a literal policy document to be checked.',
      );
    }
    const open = unrestrictedPublicStatements(policy, ACCOUNT_CONDITION_KEYS);
    if (open.length === 0) return COMPLIANT;
    const where = open.map(({ label, principal }) => `statement ${label} allows ${principal}`).join('; ');
    return nonCompliant(`KeyPolicy ${where} with no condition confining it to the enterprise's accounts.`);
  },
);
