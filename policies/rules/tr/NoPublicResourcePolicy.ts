import { COMPLIANT, defineRule, nonCompliant, type Verdict } from '../../rule';
import type { TemplateResource } from '../../engine/template-resource';
import {
  isIntrinsic,
  literalBoolean,
  literalString,
  mayBeAbsent,
  valueAt,
} from '../../engine/template-values';
import {
  ACCOUNT_CONDITION_KEYS,
  literalsOf,
  NETWORK_CONDITION_KEYS,
  unrestrictedPublicStatements,
} from './policy-statements';

/**
 * Access-point delegation: a bucket policy that lets everyone in, but only through the access points
 * of one account (or one access point), hands the decision to those access points' own policies.
 */
const ACCESS_POINT_CONDITION_KEYS = ['s3:DataAccessPointAccount', 's3:DataAccessPointArn'];

const RESTRICTING_KEYS = [
  ...ACCOUNT_CONDITION_KEYS,
  ...NETWORK_CONDITION_KEYS,
  ...ACCESS_POINT_CONDITION_KEYS,
];

/** Where each resource type keeps its policy document. */
const DOCUMENT_PROPERTY: Record<string, readonly (string | number)[]> = {
  'AWS::S3::BucketPolicy': ['PolicyDocument'],
  'AWS::SQS::QueuePolicy': ['PolicyDocument'],
  'AWS::SQS::QueueInlinePolicy': ['PolicyDocument'],
  'AWS::SNS::TopicPolicy': ['PolicyDocument'],
  'AWS::SNS::TopicInlinePolicy': ['PolicyDocument'],
  'AWS::SecretsManager::ResourcePolicy': ['ResourcePolicy'],
  'AWS::ECR::Repository': ['RepositoryPolicyText'],
  'AWS::Events::EventBus': ['Policy'],
  'AWS::DynamoDB::Table': ['ResourcePolicy', 'PolicyDocument'],
};

export default defineRule(
  __filename,
  {
    id: 'BIS-TR7',
    title: 'Resource policies do not open resources to everyone',
    rationale:
      "A resource policy that allows Principal '*' without a condition lets any AWS account, or anyone on the internet, read the bucket, send to the queue, publish to the topic, read the secret, pull the image or invoke the function. Data and systems stay the enterprise's only if access is confined to its accounts, organisation or network.",
    fix: "Name the principals (an account, a role, a service with `aws:SourceArn`), or confine Principal '*' with a Condition on aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount, aws:SourceArn, aws:SourceVpce or aws:SourceIp. In CDK: `grantRead(principal)` rather than `grantPublicAccess()`/`AnyPrincipal`; lambda.Function `addPermission` with `sourceArn`/`sourceAccount`/`principalOrgId`.",
    level: 'error',
    resourceTypes: [
      ...Object.keys(DOCUMENT_PROPERTY),
      'AWS::Events::EventBusPolicy',
      'AWS::Lambda::Permission',
    ],
  },
  (resource) => {
    if (resource.type === 'AWS::Lambda::Permission') return lambdaPermission(resource);
    if (resource.type === 'AWS::Events::EventBusPolicy') return eventBusPolicy(resource);
    const path = DOCUMENT_PROPERTY[resource.type] ?? [];
    return documentVerdict(valueAt(resource.properties, ...path), path.join('.'));
  },
);

function documentVerdict(document: unknown, property: string): Verdict {
  if (document === undefined) return COMPLIANT;
  // A document computed as a whole (an import, a parameter) cannot be read, so fail closed; an Fn::If is read branch by branch.
  if (isIntrinsic(document) && !('Fn::If' in document)) {
    return nonCompliant(
      `${property} is computed at deploy time; it must be a literal policy document to be checked.`,
    );
  }
  const open = unrestrictedPublicStatements(document, RESTRICTING_KEYS);
  if (open.length === 0) return COMPLIANT;
  const where = open.map(({ label, principal }) => `statement ${label} allows ${principal}`).join('; ');
  return nonCompliant(
    `${property} ${where} with no condition confining it (aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount, aws:SourceArn, aws:SourceVpce, aws:SourceIp...).`,
  );
}

/** EventBridge bus policies: a full `Statement`, or the legacy Principal/Action/Condition{Type, Key, Value} form. */
function eventBusPolicy(policy: TemplateResource): Verdict {
  const props = policy.properties;
  // The property is named Statement: the message names the policy, not "Statement statement #1".
  if (props.Statement !== undefined) return documentVerdict({ Statement: props.Statement }, 'The bus policy');
  if (!literalsOf(props.Principal).includes('*')) return COMPLIANT;
  const key = literalString(valueAt(props.Condition, 'Key'));
  if (
    key !== undefined &&
    RESTRICTING_KEYS.some((restricting) => restricting.toLowerCase() === key.toLowerCase())
  ) {
    return COMPLIANT;
  }
  return nonCompliant(
    "Principal is '*' and no Condition on aws:PrincipalOrgID confines which accounts may put events.",
  );
}

function lambdaPermission(permission: TemplateResource): Verdict {
  const props = permission.properties;
  if (!literalsOf(props.Principal).includes('*')) return COMPLIANT;
  const action = literalString(props.Action) ?? 'a computed action';
  // A function URL with AuthType NONE is a deliberate public web endpoint: browser access is the diktat.
  if (action === 'lambda:InvokeFunctionUrl' && literalString(props.FunctionUrlAuthType) === 'NONE')
    return COMPLIANT;
  // CDK pairs that permission with lambda:InvokeFunction restricted to calls made through the function URL.
  if (literalBoolean(props.InvokedViaFunctionUrl) === true) return COMPLIANT;
  // A confining property counts only if every Fn::If branch sets it.
  const confined = ['SourceArn', 'SourceAccount', 'PrincipalOrgID'].some(
    (key) => !mayBeAbsent(props[key]) && props[key] !== '',
  );
  if (confined) return COMPLIANT;
  return nonCompliant(
    `Principal is '*' for ${action} with no SourceArn, SourceAccount or PrincipalOrgID: anyone may invoke the function.`,
  );
}
