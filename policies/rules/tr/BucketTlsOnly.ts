import { COMPLIANT, defineRule, nonCompliant } from '../../rule';
import { MemoKey, type AppIndex } from '../../engine/app-index';
import { type StackInfo } from '../../engine/template-resource';
import {
  isObject,
  literalBoolean,
  literalNumber,
  possibleValues,
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
    fix: "Set `enforceSSL: true` on s3.Bucket (optionally `minimumTLSVersion: 1.2`), or add an AWS::S3::BucketPolicy statement: Effect Deny, Principal '*', Action 's3:*', Resource both the bucket ARN and `<bucket ARN>/*` (every object), Condition { Bool: { 'aws:SecureTransport': 'false' } }. Keep one AWS::S3::BucketPolicy per bucket: add statements to `bucket.addToResourcePolicy()` rather than a second s3.BucketPolicy.",
    level: 'error',
    resourceTypes: ['AWS::S3::Bucket'],
  },
  (bucket, index) => {
    const policies = bucketPolicies(index, bucket.stack);
    const name = bucketName(bucket.properties.BucketName);
    const found = [
      policies.get(`\${${bucket.logicalId}}`),
      name === undefined ? undefined : policies.get(name),
    ].filter((entry): entry is BucketPolicies => entry !== undefined);
    const ids = [...new Set(found.flatMap((entry) => entry.policyIds))];
    if (ids.length > 1) {
      // S3 keeps one policy per bucket: each deployment of one of them replaces the other.
      return nonCompliant(
        `The bucket has ${ids.length} AWS::S3::BucketPolicy resources (${ids.join(', ')}); S3 keeps one policy per bucket and the last one written replaces the others, so which statements apply depends on deployment order. Merge them into one policy that holds the TLS deny.`,
      );
    }
    if (found.some((entry) => entry.coverage === 'full')) return COMPLIANT;
    if (ids.length === 0) {
      return nonCompliant(
        'No AWS::S3::BucketPolicy in the stack applies to the bucket, so nothing denies plain-HTTP requests.',
      );
    }
    if (found.some((entry) => entry.coverage === 'conditional')) {
      return nonCompliant(
        `The bucket policy ${ids[0]} denies aws:SecureTransport 'false' only under an Fn::If, so some deployments accept plain HTTP; the Deny must be unconditional.`,
      );
    }
    const partial = found.find((entry) => entry.partial !== undefined)?.partial;
    if (partial !== undefined) {
      return nonCompliant(
        `The bucket policy ${ids[0]} denies aws:SecureTransport 'false' on ${partial}, so plain-HTTP requests on the rest are accepted; its Resource must cover the bucket ARN and every object (\`<bucket ARN>/*\`).`,
      );
    }
    return nonCompliant(
      `The bucket policy ${ids[0]} has no Deny statement for every principal on s3:* with Condition Bool aws:SecureTransport 'false' (or NumericLessThan s3:TlsVersion 1.2).`,
    );
  },
);

interface BucketPolicies {
  readonly policyIds: string[];
  /** `full`: an unconditional deny on the bucket and every object; `conditional`: such a deny only under an `Fn::If`. */
  coverage: 'none' | 'conditional' | 'full';
  /** What a deny that misses part of the bucket covers, for the message. */
  partial?: string;
}

/** The memo of `bucketPolicies`: one per stack and run. */
const BUCKET_POLICIES = new MemoKey<Map<string, BucketPolicies>>('tr-bucket-tls-policies');

/**
 * The bucket policies of the stack, by the bucket they apply to: `${LogicalId}` for a reference,
 * or the bucket's name (a literal, or the template of an `Fn::Sub`).
 */
function bucketPolicies(index: AppIndex, stack: StackInfo): Map<string, BucketPolicies> {
  return index.memo(BUCKET_POLICIES, stack, () => {
    const byBucket = new Map<string, BucketPolicies>();
    for (const policy of index.resourcesOfType(stack, 'AWS::S3::BucketPolicy')) {
      for (const target of possibleValues(policy.properties.Bucket)) {
        const bucket = bucketName(target);
        if (bucket === undefined) continue;
        const entry = byBucket.get(bucket) ?? { policyIds: [], coverage: 'none' };
        if (!entry.policyIds.includes(policy.logicalId)) entry.policyIds.push(policy.logicalId);
        for (const { statement, conditional } of statementsOf(policy.properties.PolicyDocument)) {
          if (!deniesEveryoneEverythingWithoutTls(statement)) continue;
          const coverage = coverageOf(statement.Resource, bucket);
          if (coverage.bucket && coverage.objects) {
            // A deny under an Fn::If is missing from some deployments: only an unconditional one proves TLS-only (fail closed).
            if (!conditional) entry.coverage = 'full';
            else if (entry.coverage === 'none') entry.coverage = 'conditional';
          } else if (coverage.bucket || coverage.objects) {
            entry.partial ??= coverage.bucket
              ? 'the bucket ARN but not every object'
              : 'objects but not the bucket ARN itself (ListBucket and the other bucket-level calls)';
          }
        }
        byBucket.set(bucket, entry);
      }
    }
    return byBucket;
  });
}

/** A Deny for everyone, on every S3 action, when the request is not TLS (1.2 or later). */
function deniesEveryoneEverythingWithoutTls(statement: TemplateObject): boolean {
  if (!denies(statement) || publicPrincipal(statement) === undefined) return false;
  const actions = literalsOf(statement.Action);
  if (!actions.includes('s3:*') && !actions.includes('*')) return false;
  return insecureTransportCondition(statement.Condition);
}

/**
 * A bucket (a logical ID or a name) or an ARN as a string that policy and bucket sides can compare:
 * a literal as it is, a reference `Ref X` as `${X}`, `Fn::GetAtt X.Arn` as `arn:aws:s3:::${X}`, an
 * `Fn::Sub` template (without a variable map) with `${X.Arn}` expanded the same way, and an
 * `Fn::Join` on '' of such parts; undefined for anything else.
 */
function bucketName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === 'string') return `\${${value.Ref}}`;
  const getAtt = value['Fn::GetAtt'];
  const [logicalId, attribute] = Array.isArray(getAtt)
    ? getAtt
    : typeof getAtt === 'string'
      ? getAtt.split('.')
      : [];
  if (typeof logicalId === 'string') return attribute === 'Arn' ? `arn:aws:s3:::\${${logicalId}}` : undefined;
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') return sub.replace(/\$\{([A-Za-z0-9]+)\.Arn\}/g, 'arn:aws:s3:::${$1}');
  const join = value['Fn::Join'];
  if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) {
    const parts = join[1].map(bucketName);
    return parts.every((part): part is string => part !== undefined) ? parts.join('') : undefined;
  }
  return undefined;
}

const S3_ARN_PREFIX = /^arn:(\$\{AWS::Partition\}|[^:]+):s3:::/;

/**
 * Whether a statement's Resource covers the bucket itself and every one of its objects, with IAM's
 * `*` and `?` wildcards: the bucket's own calls (ListBucket...) act on the bucket ARN, object calls on `arn/*`.
 */
function coverageOf(resource: unknown, bucket: string): { bucket: boolean; objects: boolean } {
  const patterns = possibleValues(resource)
    .flatMap((value) => (Array.isArray(value) ? value.flatMap((item) => possibleValues(item)) : [value]))
    .map(bucketName)
    .filter((arn): arn is string => arn !== undefined)
    .map((arn) => (arn === '*' ? '*' : S3_ARN_PREFIX.test(arn) ? arn.replace(S3_ARN_PREFIX, '') : undefined))
    .filter((pattern): pattern is string => pattern !== undefined);
  const objectsPrefix = `${bucket}/`;
  return {
    bucket: patterns.some((pattern) => globMatches(pattern, bucket)),
    // `p*` covers every key when `p` matches a prefix of `bucket/`: the final `*` takes any key after it.
    objects: patterns.some(
      (pattern) =>
        pattern.endsWith('*') && globMatches(pattern.slice(0, -1), objectsPrefix, { prefix: true }),
    ),
  };
}

/** IAM resource matching: `*` is any run of characters, `?` any one character; `prefix`: on some prefix of the text. */
function globMatches(pattern: string, text: string, options: { prefix?: boolean } = {}): boolean {
  // Most patterns are a bucket's own ARN, or its objects' `arn/*`, with no wildcard left to match.
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return options.prefix ? text.startsWith(pattern) : pattern === text;
  }
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  // Without the end anchor, a match from the start is a match of some prefix (the empty one included).
  return new RegExp(`^${source}${options.prefix ? '' : '$'}`, 's').test(text);
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
