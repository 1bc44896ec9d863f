import { COMPLIANT, defineRule, nonCompliant } from '../../rule';
import { MemoKey, type AppIndex } from '../../engine/app-index';
import { type StackInfo } from '../../engine/template-resource';
import {
  isObject,
  literalBoolean,
  literalNumber,
  literalString,
  possibleValues,
  referencedLogicalId,
  referencedLogicalIds,
  type TemplateObject,
} from '../../engine/template-values';
import { denies, literalsOf, publicPrincipal, statementsOf } from './policy-statements';

export default defineRule(
  __filename,
  {
    id: 'BIS-TR4',
    title: 'Buckets accept TLS requests only',
    rationale:
      'S3 still answers plain HTTP: without a bucket policy that denies aws:SecureTransport false, a misconfigured client or SDK can send or fetch data unencrypted in transit, where a network observer reads it.',
    fix: "Set `enforceSSL: true` on s3.Bucket (optionally `minimumTLSVersion: 1.2`), or add an AWS::S3::BucketPolicy statement: Effect Deny, Principal '*', Action 's3:*', Resource the bucket and its objects, Condition { Bool: { 'aws:SecureTransport': 'false' } }.",
    level: 'error',
    resourceTypes: ['AWS::S3::Bucket'],
  },
  (bucket, index) => {
    const policies = bucketPolicies(index, bucket.stack);
    const name = bucketName(bucket.properties.BucketName);
    const found = [
      policies.get(bucket.logicalId),
      name === undefined ? undefined : policies.get(name),
    ].filter((entry): entry is BucketPolicies => entry !== undefined);
    if (found.some((entry) => entry.tlsOnly)) return COMPLIANT;
    if (found.length === 0) {
      return nonCompliant(
        'No AWS::S3::BucketPolicy in the stack applies to the bucket, so nothing denies plain-HTTP requests.',
      );
    }
    const ids = found.flatMap((entry) => entry.policyIds).join(', ');
    if (found.some((entry) => entry.conditionalOnly)) {
      return nonCompliant(
        `The bucket policy ${ids} denies aws:SecureTransport 'false' only under an Fn::If, so some deployments accept plain HTTP; the Deny must be unconditional.`,
      );
    }
    return nonCompliant(
      `The bucket policy ${ids} has no Deny statement for every principal on s3:* with Condition Bool aws:SecureTransport 'false' (or NumericLessThan s3:TlsVersion 1.2).`,
    );
  },
);

interface BucketPolicies {
  readonly policyIds: string[];
  tlsOnly: boolean;
  /** A TLS deny exists, but only under an `Fn::If`. */
  conditionalOnly: boolean;
}

/** The memo of `bucketPolicies`: one per stack and run. */
const BUCKET_POLICIES = new MemoKey<Map<string, BucketPolicies>>('tr-bucket-tls-policies');

/** The bucket policies of the stack, by the bucket they apply to (its logical ID, or a literal bucket name). */
function bucketPolicies(index: AppIndex, stack: StackInfo): Map<string, BucketPolicies> {
  return index.memo(BUCKET_POLICIES, stack, () => {
    const byBucket = new Map<string, BucketPolicies>();
    for (const policy of index.resourcesOfType(stack, 'AWS::S3::BucketPolicy')) {
      for (const target of possibleValues(policy.properties.Bucket)) {
        const bucket = referencedLogicalId(target) ?? bucketName(target);
        if (bucket === undefined) continue;
        const entry = byBucket.get(bucket) ?? { policyIds: [], tlsOnly: false, conditionalOnly: false };
        entry.policyIds.push(policy.logicalId);
        for (const { statement, conditional } of statementsOf(policy.properties.PolicyDocument)) {
          if (!deniesInsecureTransport(statement, bucket)) continue;
          // A deny under an Fn::If is missing from some deployments: only an unconditional one proves TLS-only (fail closed).
          if (conditional) entry.conditionalOnly = true;
          else entry.tlsOnly = true;
        }
        byBucket.set(bucket, entry);
      }
    }
    return byBucket;
  });
}

/** A Deny for everyone, on every S3 action, on the bucket, when the request is not TLS (1.2 or later). */
function deniesInsecureTransport(statement: TemplateObject, bucket: string): boolean {
  if (!denies(statement) || publicPrincipal(statement) === undefined) return false;
  const actions = literalsOf(statement.Action);
  if (!actions.includes('s3:*') && !actions.includes('*')) return false;
  return coversBucket(statement.Resource, bucket) && insecureTransportCondition(statement.Condition);
}

/**
 * A bucket's name as the policy side can match it: the literal name, or the template of an
 * `Fn::Sub` without a variable map (`${AppName}-${AWS::AccountId}`), which names the same bucket
 * wherever the same template is written.
 */
function bucketName(value: unknown): string | undefined {
  const literal = literalString(value);
  if (literal !== undefined) return literal;
  const sub = isObject(value) ? value['Fn::Sub'] : undefined;
  return typeof sub === 'string' ? sub : undefined;
}

/** '*', an ARN of the bucket or its objects (literal or `Fn::Sub`, any partition), or a value built from the bucket's reference. */
function coversBucket(resource: unknown, bucket: string): boolean {
  const prefix = /^arn:(\$\{AWS::Partition\}|[^:]+):s3:::/;
  const arns = possibleValues(resource)
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .map(bucketName)
    .filter((arn): arn is string => arn !== undefined);
  const named = arns.some(
    (arn) => arn === '*' || (prefix.test(arn) && arn.replace(prefix, '').split('/')[0] === bucket),
  );
  return named || referencedLogicalIds(resource).has(bucket);
}

function insecureTransportCondition(condition: unknown): boolean {
  return possibleValues(condition).some((branch) => {
    if (!isObject(branch)) return false;
    return Object.entries(branch).some(([operator, clauses]) => {
      if (!isObject(clauses)) return false;
      return Object.entries(clauses).some(([key, value]) => {
        const values = Array.isArray(value) ? value : [value];
        if (/^Bool(IfExists)?$/.test(operator) && key.toLowerCase() === 'aws:securetransport') {
          return values.some((item) => literalBoolean(item) === false);
        }
        if (/^NumericLessThan(IfExists)?$/.test(operator) && key.toLowerCase() === 's3:tlsversion') {
          return values.some((item) => (literalNumber(item) ?? 0) >= 1.2);
        }
        return false;
      });
    });
  });
}
