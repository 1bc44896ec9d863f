import { COMPLIANT, defineRule, nonCompliant } from '../../rule';
import { type TemplateResource } from '../../engine/template-resource';
import { isObject, literalString, possibleValues } from '../../engine/template-values';
import { allows, literalsOf, statementsOf } from './policy-statements';

/** AWS managed policies that grant (nearly) everything on everything. */
const ADMIN_MANAGED_POLICIES = ['AdministratorAccess', 'PowerUserAccess'];
const ADMIN_MANAGED_POLICY_ARN_SUFFIXES = ADMIN_MANAGED_POLICIES.map((name) => `:iam::aws:policy/${name}`);

export default defineRule(
  __filename,
  {
    id: 'BIS-TR6',
    title: 'No IAM identity gets every action on every resource',
    rationale:
      "Action '*' on Resource '*' (or AdministratorAccess) turns one leaked credential or one exploitable function into full control of the account: reading every data store, disabling keys and logs, creating users. Least privilege is what makes a public cloud safer than a private data centre.",
    fix: "Grant what is used: `bucket.grantRead(fn)`, `table.grantReadWriteData(role)`, or iam.PolicyStatement with named actions and resource ARNs; never `actions: ['*']` with `resources: ['*']`, `notActions`, or ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess') (CloudFormation: PolicyDocument Statement Action/Resource, ManagedPolicyArns; SAM: Policies).",
    level: 'error',
    resourceTypes: [
      'AWS::IAM::Policy',
      'AWS::IAM::ManagedPolicy',
      'AWS::IAM::RolePolicy',
      'AWS::IAM::UserPolicy',
      'AWS::IAM::GroupPolicy',
      'AWS::IAM::Role',
      'AWS::IAM::User',
      'AWS::IAM::Group',
      'AWS::Serverless::Function',
      'AWS::Serverless::StateMachine',
    ],
  },
  (identity) => {
    const findings: string[] = [];
    for (const { where, document } of policyDocuments(identity)) {
      for (const what of wildcardStatements(document)) findings.push(`${where} ${what}`);
    }
    findings.push(...adminManagedPolicies(identity));
    return findings.length === 0 ? COMPLIANT : nonCompliant(`${findings.join('; ')}.`);
  },
);

/** The policy documents a resource carries, each with where it sits for the message. */
function policyDocuments(identity: TemplateResource): { where: string; document: unknown }[] {
  const props = identity.properties;
  if (props.PolicyDocument !== undefined)
    return [{ where: 'PolicyDocument', document: props.PolicyDocument }];
  if (identity.type.startsWith('AWS::Serverless::')) {
    // SAM Policies: a document, or a list of managed policy names, SAM policy templates and documents.
    return possibleValues(props.Policies)
      .flatMap((value) => (Array.isArray(value) ? value : [value]))
      .flatMap((item, position) =>
        possibleValues(item).map((document) => ({ where: `Policies[${position}]`, document })),
      )
      .filter(({ document }) => isObject(document) && document.Statement !== undefined);
  }
  return possibleValues(props.Policies)
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .flatMap((item, position) =>
      possibleValues(item).map((policy) => {
        const name = literalString(isObject(policy) ? policy.PolicyName : undefined);
        return {
          where: name === undefined ? `Policies[${position}]` : `Policies[${position}] '${name}'`,
          document: isObject(policy) ? policy.PolicyDocument : undefined,
        };
      }),
    );
}

/**
 * Allow statements that grant everything: Action '*' (or NotAction, which grants all but a few) on
 * Resource '*' (or NotResource). Only a literal '*', in any Fn::If branch, counts: a computed action
 * or resource names specific ones.
 */
function wildcardStatements(document: unknown): string[] {
  const found: string[] = [];
  for (const { statement, label } of statementsOf(document)) {
    if (!allows(statement)) continue;
    const actions = literalsOf(statement.Action);
    const allActions = actions.includes('*') || actions.includes('*:*');
    const notAction = statement.NotAction !== undefined;
    const everyResource = literalsOf(statement.Resource).find(matchesEveryArn);
    const allResources = everyResource !== undefined || statement.NotResource !== undefined;
    if (!allResources || !(allActions || notAction)) continue;
    const granted = allActions
      ? "Action '*'"
      : `NotAction ${JSON.stringify(literalsOf(statement.NotAction))}`;
    const on =
      statement.NotResource !== undefined
        ? 'NotResource (every resource but a few)'
        : `Resource '${everyResource}'${everyResource === '*' ? '' : ' (every ARN)'}`;
    found.push(`statement ${label} allows ${granted} on ${on}`);
  }
  return found;
}

/**
 * A resource pattern that matches every ARN: `*`, or wildcards after nothing more specific than
 * `arn:<partition>:` (`arn*`, `arn:*`, `arn:aws:*:*:*:*`).
 */
export function matchesEveryArn(pattern: string): boolean {
  const firstWildcard = pattern.search(/[*?]/);
  if (firstWildcard < 0) return false;
  const prefix = pattern.slice(0, firstWildcard);
  const rest = pattern.slice(firstWildcard);
  return (
    /^(a|ar|arn|arn:|arn:aws[a-z-]*|arn:aws[a-z-]*:)?$/.test(prefix) &&
    /^[*?:]*$/.test(rest) &&
    rest.includes('*')
  );
}

/** AdministratorAccess (or PowerUserAccess) attached by ARN, in any partition, literal or built with Join/Sub. */
function adminManagedPolicies(identity: TemplateResource): string[] {
  const props = identity.properties;
  const sam = identity.type.startsWith('AWS::Serverless::');
  const arns = sam ? props.Policies : props.ManagedPolicyArns;
  const found: string[] = [];
  for (const value of possibleValues(arns).flatMap((item) => (Array.isArray(item) ? item : [item]))) {
    for (const arn of possibleValues(value)) {
      const text = flattenedText(arn);
      const admin = ADMIN_MANAGED_POLICIES.find(
        (name, i) => text.endsWith(ADMIN_MANAGED_POLICY_ARN_SUFFIXES[i]) || (sam && text === name),
      );
      if (admin)
        found.push(`${sam ? 'Policies' : 'ManagedPolicyArns'} attaches the AWS managed policy ${admin}`);
    }
  }
  return found;
}

/** A string value as text, with `Fn::Join` parts and the `Fn::Sub` template spelled out ('?' for the unknown). */
function flattenedText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!isObject(value)) return '?';
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    return join[1].map(flattenedText).join(join[0]);
  }
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  return '?';
}
