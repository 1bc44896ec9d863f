import type { Template } from 'aws-cdk-lib/assertions';

/** An IAM policy statement as it appears in a synthesized template. */
export type PolicyStatementJson = Record<string, unknown>;

/**
 * The statements of the one identity policy (`AWS::IAM::Policy`) of a template, or of the one
 * attached to the role with `roleLogicalId`. More or fewer than one such policy fails the test.
 */
export function rolePolicyStatements(template: Template, roleLogicalId?: string): PolicyStatementJson[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter(
    (policy) =>
      roleLogicalId === undefined ||
      (policy.Properties.Roles as { Ref?: string }[]).some((ref) => ref.Ref === roleLogicalId),
  );
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement as PolicyStatementJson[];
}
