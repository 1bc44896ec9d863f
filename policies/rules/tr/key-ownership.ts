import type { AppIndex } from '../../engine/app-index';
import { type TemplateResource } from '../../engine/template-resource';
import {
  isIntrinsic,
  isObject,
  mayBeAbsent,
  possibleValues,
  referencedLogicalId,
} from '../../engine/template-values';

/*
 * Who owns the KMS key a resource names: the enterprise (a customer-managed key) or AWS (an
 * `alias/aws/...` key, or no key at all, which means an AWS-managed or AWS-owned key).
 */

export type KeyOwnership =
  | { readonly owner: 'customer' }
  | {
      readonly owner: 'aws';
      /** What the resource names instead of a customer-managed key, for the message. */
      readonly why: string;
      /** True when no key is named at all (the property is missing or empty). */
      readonly absent?: boolean;
    };

const CUSTOMER: KeyOwnership = { owner: 'customer' };

/** An AWS-managed key alias, as a name (`alias/aws/s3`) or inside an ARN (`arn:aws:kms:...:alias/aws/s3`). */
function isAwsManagedAlias(text: string): boolean {
  return /(^|:)alias\/aws\//.test(text);
}

/** The literal fragments of a computed string (`Fn::Join` parts, the `Fn::Sub` template). */
function literalFragments(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(literalFragments);
  if (!isObject(value)) return [];
  return Object.values(value).flatMap(literalFragments);
}

/**
 * Judge the key a property names. A literal key ID, key ARN or customer alias is the enterprise's; a
 * Ref/GetAtt to an `AWS::KMS::Key` or `AWS::KMS::Alias` is too. Any other computed value (a parameter,
 * an import, a Join) is a key someone chose explicitly, so it is accepted unless its literal parts
 * name an AWS-managed alias; every `Fn::If` branch must name a key. `whenAbsent` says what AWS does
 * without a key ("the AWS-managed key aws/s3 is used").
 */
export function keyOwnership(
  value: unknown,
  resource: TemplateResource,
  index: AppIndex,
  property: string,
  whenAbsent: string,
): KeyOwnership {
  const branches = possibleValues(value);
  if (mayBeAbsent(value)) {
    return { owner: 'aws', why: `${property} is not set, so ${whenAbsent}`, absent: true };
  }
  for (const branch of branches) {
    if (branch === null || branch === '') {
      return { owner: 'aws', why: `${property} is empty, so ${whenAbsent}`, absent: true };
    }
    if (typeof branch === 'string') {
      if (isAwsManagedAlias(branch))
        return { owner: 'aws', why: `${property} is the AWS-managed key '${branch}'` };
      continue;
    }
    if (!isIntrinsic(branch)) return { owner: 'aws', why: `${property} is not a key identifier` };
    const target = referencedLogicalId(branch) ? index.referencedResource(resource, branch) : undefined;
    if (target && target.type !== 'AWS::KMS::Key' && target.type !== 'AWS::KMS::Alias') {
      return {
        owner: 'aws',
        why: `${property} points to ${target.logicalId}, a ${target.type}, not a KMS key`,
      };
    }
    if (literalFragments(branch).some(isAwsManagedAlias)) {
      return { owner: 'aws', why: `${property} is built from an AWS-managed key alias` };
    }
  }
  return CUSTOMER;
}
