/*
 * cdk-nag's AwsSolutions-IAM5 names each wildcard finding after the flattened resource or action,
 * and v3 needs one acknowledgement per finding: the lake computes those ids from its own statements.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The AwsSolutions-IAM5 finding ids of a statement's wildcard resources and actions. */
export function wildcardFindingIds(scope: Construct, statement: iam.PolicyStatement): string[] {
  const stack = Stack.of(scope);
  const resources = statement.resources
    .map((resource) => flattenAsCdkNag(stack.resolve(resource)))
    .filter((flat) => flat.includes('*'))
    .map((flat) => `AwsSolutions-IAM5[Resource::${flat}]`);
  const actions = statement.actions
    .filter((action) => action.includes('*'))
    .map((action) => `AwsSolutions-IAM5[Action::${action}]`);
  return [...resources, ...actions];
}

/**
 * Acknowledges, on the grantee's principal, the AwsSolutions-IAM5 findings of the statements given,
 * with the reason. A principal outside the construct tree (an ARN) has no policy in the app to find.
 */
export function acknowledgeWildcards(
  principal: iam.IPrincipal,
  statements: readonly iam.PolicyStatement[],
  reason: string,
): void {
  if (!Construct.isConstruct(principal)) return;
  const ids = [...new Set(statements.flatMap((statement) => wildcardFindingIds(principal, statement)))];
  for (const id of ids) Validations.of(principal).acknowledge({ id, reason });
}

/** A resolved CloudFormation value flattened as cdk-nag's utils/flatten-cfn-reference does it. */
export function flattenAsCdkNag(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value !== null && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (node['Fn::Join']) {
      const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
      return items.map(flattenAsCdkNag).join(delimiter);
    }
    if (node['Fn::Sub']) return flattenAsCdkNag(node['Fn::Sub']);
    if (node['Fn::GetAtt']) {
      const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenAsCdkNag(resource)}.${flattenAsCdkNag(attribute)}>`;
    }
    if (node['Fn::ImportValue']) return flattenAsCdkNag(node['Fn::ImportValue']);
    if (node.Ref) return `<${flattenAsCdkNag(node.Ref)}>`;
  }
  return JSON.stringify(value);
}
