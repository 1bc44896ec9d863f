/*
 * Test-only: the synthesized policies of a CloudFormation template, with their intrinsics resolved
 * to concrete strings, and a request evaluated against them by @cloud-copilot/iam-simulate.
 * Nothing is mocked: every policy is the one CDK synthesized.
 */
import {
  type AnonymousRequestPrincipal,
  type EvaluationResult,
  runSimulation,
  type Simulation,
  type SimulationIdentityPolicy,
} from '@cloud-copilot/iam-simulate';

/** The environment every pseudo parameter resolves to. */
export const ACCOUNT_ID = '123456789012';
export const REGION = 'eu-west-1';
export const PARTITION = 'aws';
export const URL_SUFFIX = 'amazonaws.com';

/** The account's root user: the only principal that may delete a retained lake. */
export const ACCOUNT_ROOT_ARN = `arn:${PARTITION}:iam::${ACCOUNT_ID}:root`;

/** The label every table stream ARN ends with. */
export const TABLE_STREAM_LABEL = '2026-01-01T00:00:00.000';

/** The ID every `AWS::KMS::Key` resolves to; a template may hold one key at most. */
export const KEY_ID = '5f0c8a3e-2b7d-4c19-9e64-a1d2b3c4e5f6';
export const KEY_ARN = `arn:${PARTITION}:kms:${REGION}:${ACCOUNT_ID}:key/${KEY_ID}`;

/** The ID an application template's own key resolves to, so it is never mistaken for the lake key. */
export const APPLICATION_KEY_ID = '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5';

/**
 * The root user's authority, written as the identity policy it cannot have: the root user is allowed
 * everything in its account unless a policy explicitly denies it. iam-simulate 0.1.173 does not
 * model the root user (it evaluates it as an IAM principal with no policies, implicitly denied),
 * so a root request carries this policy instead.
 */
export const ACCOUNT_ROOT_AUTHORITY: SimulationIdentityPolicy = {
  name: 'account-root-user-authority',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: Record<string, unknown>[];
}

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

interface CfnParameter {
  readonly Type: string;
  readonly Default?: unknown;
}

/** A synthesized template, as `Template.fromStack(stack).toJSON()` returns it. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, CfnParameter>;
}

/** How the resolver reads a `Ref` to a template parameter. */
export type ParameterResolver = (name: string, parameter: CfnParameter) => string;

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': PARTITION,
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT_ID,
  'AWS::URLSuffix': URL_SUFFIX,
};

const KNOWN_INTRINSICS = 'Ref, Fn::GetAtt (Arn of a bucket or key), Fn::Join, Fn::Select, Fn::Split';

/**
 * A synthesized template whose intrinsics resolve to fixed, deterministic values. The resolver is
 * strict: an intrinsic, resource or attribute it does not know throws with what it met and where,
 * so a policy is never simulated with a piece silently missing.
 */
export class ResolvedTemplate {
  /**
   * @param stackName names the template in error messages.
   * @param parameter resolves `Ref`s to template parameters; without it, such a `Ref` throws.
   * @param keyId the ID the template's one key resolves to: `KEY_ID` (the lake's) unless given.
   */
  constructor(
    private readonly stackName: string,
    private readonly template: CfnTemplate,
    private readonly parameter?: ParameterResolver,
    private readonly keyId: string = KEY_ID,
  ) {
    const keys = this.resourcesOfType('AWS::KMS::Key');
    if (keys.length > 1) {
      throw new Error(
        `${stackName}: ${keys.length} AWS::KMS::Key resources (${keys.map(([id]) => id).join(', ')}), ` +
          `but every key resolves to the one fixed ARN ${this.keyArn}.`,
      );
    }
  }

  /**
   * An application template whose SSM contract parameters (`AWS::SSM::Parameter::Value<String>`,
   * whose Default is the parameter's name) read the value the lake template publishes under that
   * name, resolved by the lake's resolver: the application's policies then name the lake's buckets.
   */
  static readingContractOf(
    stackName: string,
    template: CfnTemplate,
    lake: ResolvedTemplate,
    keyId?: string,
  ): ResolvedTemplate {
    return new ResolvedTemplate(
      stackName,
      template,
      (name, parameter) => {
        if (
          parameter.Type !== 'AWS::SSM::Parameter::Value<String>' ||
          typeof parameter.Default !== 'string'
        ) {
          throw new Error(
            `${stackName}: parameter ${name} (${parameter.Type}) is not an SSM contract entry: ` +
              'only AWS::SSM::Parameter::Value<String> parameters with a literal Default resolve.',
          );
        }
        return lake.ssmParameterValue(parameter.Default);
      },
      keyId,
    );
  }

  /** The ARN the template's one key resolves to. */
  get keyArn(): string {
    return `arn:${PARTITION}:kms:${REGION}:${ACCOUNT_ID}:key/${this.keyId}`;
  }

  /** The resolved `Value` of the template's `AWS::SSM::Parameter` named `name`. */
  ssmParameterValue(name: string): string {
    const found = this.resourcesOfType('AWS::SSM::Parameter').filter(
      ([, resource]) => resource.Properties?.Name === name,
    );
    if (found.length !== 1) {
      throw new Error(
        `${this.stackName}: expected one AWS::SSM::Parameter named ${name}, found ${found.length}.`,
      );
    }
    const [id, resource] = found[0];
    return this.resolveString(resource.Properties?.Value, `Resources.${id}.Properties.Value`);
  }

  /** The resolved policy of the `AWS::S3::BucketPolicy` attached to a bucket. */
  bucketPolicy(bucketId: string): PolicyDocument {
    const found = this.resourcesOfType('AWS::S3::BucketPolicy').filter(([, resource]) =>
      isRefTo(resource.Properties?.Bucket, bucketId),
    );
    if (found.length !== 1) {
      throw new Error(`${this.stackName}: expected one bucket policy on ${bucketId}, found ${found.length}.`);
    }
    const [id, resource] = found[0];
    return this.resolvePolicy(
      resource.Properties?.PolicyDocument,
      `Resources.${id}.Properties.PolicyDocument`,
    );
  }

  /** The resolved resource policy of an `AWS::DynamoDB::Table`, if it has one. */
  tablePolicy(tableId: string): PolicyDocument | undefined {
    const table = this.resource(tableId, 'AWS::DynamoDB::Table');
    const policy = table.Properties?.ResourcePolicy as { PolicyDocument?: unknown } | undefined;
    if (policy === undefined) return undefined;
    return this.resolvePolicy(policy.PolicyDocument, `Resources.${tableId}.Properties.ResourcePolicy`);
  }

  /** The principal-tag context of a role: `aws:PrincipalTag/<key>` for each of its tags. */
  principalTags(roleId: string): Record<string, string> {
    const role = this.resource(roleId, 'AWS::IAM::Role');
    const tags = (role.Properties?.Tags ?? []) as { Key: string; Value: string }[];
    return Object.fromEntries(tags.map((tag) => [`aws:PrincipalTag/${tag.Key}`, tag.Value]));
  }

  /** The resolved key policy of an `AWS::KMS::Key`. */
  keyPolicy(keyId: string): PolicyDocument {
    const key = this.resource(keyId, 'AWS::KMS::Key');
    return this.resolvePolicy(key.Properties?.KeyPolicy, `Resources.${keyId}.Properties.KeyPolicy`);
  }

  /** Every identity policy of a role: its inline policies and the `AWS::IAM::Policy`s that name it. */
  identityPolicies(roleId: string): SimulationIdentityPolicy[] {
    const role = this.resource(roleId, 'AWS::IAM::Role');
    if (role.Properties?.ManagedPolicyArns !== undefined) {
      // Their documents are not in the template: simulating without them would under-report access.
      throw new Error(
        `${this.stackName}: role ${roleId} has ManagedPolicyArns, whose documents the simulation does not know.`,
      );
    }
    const inline = (
      (role.Properties?.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[]
    ).map((policy, index) => ({
      name: `${roleId}/${policy.PolicyName}`,
      policy: this.resolvePolicy(policy.PolicyDocument, `Resources.${roleId}.Properties.Policies[${index}]`),
    }));
    const attached = this.resourcesOfType('AWS::IAM::Policy')
      .filter(([, resource]) =>
        ((resource.Properties?.Roles ?? []) as unknown[]).some((ref) => isRefTo(ref, roleId)),
      )
      .map(([id, resource]) => ({
        name: id,
        policy: this.resolvePolicy(
          resource.Properties?.PolicyDocument,
          `Resources.${id}.Properties.PolicyDocument`,
        ),
      }));
    return [...inline, ...attached];
  }

  /** The ARN of a role: its `RoleName`, or its logical ID when CloudFormation would generate the name. */
  roleArn(roleId: string): string {
    const role = this.resource(roleId, 'AWS::IAM::Role');
    const roleName =
      role.Properties?.RoleName === undefined
        ? roleId
        : this.resolveString(role.Properties.RoleName, `Resources.${roleId}.Properties.RoleName`);
    return `arn:${PARTITION}:iam::${ACCOUNT_ID}:role/${roleName}`;
  }

  /** The ARN an `Fn::GetAtt [id, Arn]` resolves to. */
  arnOf(logicalId: string): string {
    return this.resolveString({ 'Fn::GetAtt': [logicalId, 'Arn'] }, `arnOf(${logicalId})`);
  }

  /** The value with every intrinsic replaced by its concrete value. */
  resolve(value: unknown, path = '$'): unknown {
    if (Array.isArray(value)) return value.map((item, index) => this.resolve(item, `${path}[${index}]`));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1 && isIntrinsicName(entries[0][0])) {
      return this.resolveIntrinsic(entries[0][0], entries[0][1], path);
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(item, `${path}.${key}`)]));
  }

  private resolveIntrinsic(name: string, argument: unknown, path: string): unknown {
    const unknown = (why: string): Error =>
      new Error(
        `${this.stackName}: cannot resolve ${JSON.stringify({ [name]: argument })} at ${path}: ${why}. ` +
          `The resolver knows ${KNOWN_INTRINSICS}, pseudo parameters and the parameters it is given.`,
      );
    switch (name) {
      case 'Ref': {
        if (typeof argument !== 'string') throw unknown('Ref needs a name');
        return this.resolveRef(argument, unknown);
      }
      case 'Fn::GetAtt': {
        if (
          Array.isArray(argument) &&
          argument[1] === 'StreamArn' &&
          this.template.Resources?.[String(argument[0])]?.Type === 'AWS::DynamoDB::Table'
        ) {
          return `${this.tableArnOf(String(argument[0]))}/stream/${TABLE_STREAM_LABEL}`;
        }
        if (!Array.isArray(argument) || argument.length !== 2 || argument[1] !== 'Arn') {
          throw unknown('only the Arn attribute resolves (and StreamArn of a table)');
        }
        const id = String(argument[0]);
        const type = this.template.Resources?.[id]?.Type;
        if (type === 'AWS::S3::Bucket') return `arn:${PARTITION}:s3:::${bucketNameOf(id)}`;
        if (type === 'AWS::KMS::Key') return this.keyArn;
        // A function's own log group and failed-events queue, named after their logical IDs.
        if (type === 'AWS::Logs::LogGroup')
          return `arn:${PARTITION}:logs:${REGION}:${ACCOUNT_ID}:log-group:${id}:*`;
        if (type === 'AWS::SQS::Queue') return `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT_ID}:${id}`;
        if (type === 'AWS::DynamoDB::Table') return this.tableArnOf(id);
        throw unknown(
          `${id} is ${type ?? 'not a resource of this template'}, not a bucket, key, table, log group or queue`,
        );
      }
      case 'Fn::Join': {
        if (!Array.isArray(argument) || typeof argument[0] !== 'string' || !Array.isArray(argument[1])) {
          throw unknown('Fn::Join needs [separator, [parts]]');
        }
        const separator = argument[0];
        return (argument[1] as unknown[])
          .map((part, index) => this.resolveString(part, `${path}.Fn::Join[1][${index}]`))
          .join(separator);
      }
      case 'Fn::Select': {
        if (!Array.isArray(argument) || argument.length !== 2)
          throw unknown('Fn::Select needs [index, list]');
        const index = Number(this.resolve(argument[0], `${path}.Fn::Select[0]`));
        const list = this.resolve(argument[1], `${path}.Fn::Select[1]`);
        if (!Array.isArray(list) || !Number.isInteger(index) || index < 0 || index >= list.length) {
          throw unknown(`index ${index} is outside the list ${JSON.stringify(list)}`);
        }
        return list[index];
      }
      case 'Fn::Split': {
        if (!Array.isArray(argument) || typeof argument[0] !== 'string') {
          throw unknown('Fn::Split needs [separator, string]');
        }
        return this.resolveString(argument[1], `${path}.Fn::Split[1]`).split(argument[0]);
      }
      default:
        throw unknown('unknown intrinsic');
    }
  }

  private resolveRef(name: string, unknown: (why: string) => Error): string {
    const pseudo = PSEUDO_PARAMETERS[name];
    if (pseudo !== undefined) return pseudo;
    if (name.startsWith('AWS::')) throw unknown('unknown pseudo parameter');
    const parameter = this.template.Parameters?.[name];
    if (parameter) {
      if (!this.parameter) throw unknown('this template resolves no parameters');
      return this.parameter(name, parameter);
    }
    const type = this.template.Resources?.[name]?.Type;
    if (type === 'AWS::S3::Bucket') return bucketNameOf(name);
    if (type === 'AWS::KMS::Key') return this.keyId;
    throw unknown(`${name} is ${type ?? 'neither a parameter nor a resource of this template'}`);
  }

  private resolveString(value: unknown, path: string): string {
    const resolved = this.resolve(value, path);
    if (typeof resolved !== 'string') {
      throw new Error(`${this.stackName}: ${path} resolves to ${JSON.stringify(resolved)}, not a string.`);
    }
    return resolved;
  }

  private resolvePolicy(document: unknown, path: string): PolicyDocument {
    const resolved = this.resolve(document, path) as PolicyDocument | undefined;
    if (!resolved || !Array.isArray(resolved.Statement)) {
      throw new Error(`${this.stackName}: ${path} is not a policy document with a Statement list.`);
    }
    return resolved;
  }

  private tableArnOf(tableId: string): string {
    const table = this.resource(tableId, 'AWS::DynamoDB::Table');
    const name = this.resolveString(table.Properties?.TableName, `Resources.${tableId}.Properties.TableName`);
    return `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT_ID}:table/${name}`;
  }

  private resource(logicalId: string, type: string): CfnResource {
    const resource = this.template.Resources?.[logicalId];
    if (resource?.Type !== type) {
      throw new Error(
        `${this.stackName}: ${logicalId} is ${resource?.Type ?? 'not a resource'}, not ${type}.`,
      );
    }
    return resource;
  }

  private resourcesOfType(type: string): [string, CfnResource][] {
    return Object.entries(this.template.Resources ?? {}).filter(([, resource]) => resource.Type === type);
  }
}

/** The name a bucket resolves to: its logical ID in lowercase, a valid and deterministic bucket name. */
export function bucketNameOf(bucketId: string): string {
  const name = bucketId.toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]{2,62}$/.test(name)) {
    throw new Error(`Bucket ${bucketId}: its logical ID does not make a valid bucket name (${name}).`);
  }
  return name;
}

function isIntrinsicName(key: string): boolean {
  return key === 'Ref' || key.startsWith('Fn::');
}

function isRefTo(value: unknown, logicalId: string): boolean {
  return (value as { Ref?: unknown } | undefined)?.Ref === logicalId;
}

/** One request to evaluate, with every policy that applies to it. */
export interface AccessRequest {
  /** An IAM ARN (role or root user) or `anonymousPrincipal`. */
  readonly principal: string | AnonymousRequestPrincipal;
  /** The principal's identity policies; none for an anonymous request. */
  readonly identityPolicies: SimulationIdentityPolicy[];
  /** The policy of the resource: a bucket policy or a key policy. */
  readonly resourcePolicy?: PolicyDocument;
  readonly action: string;
  /** The ARN of the bucket, object, key or workgroup. */
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
}

/**
 * What AWS decides for the request. Throws when the simulator refuses the input or ignores one of
 * the context keys given: either would make the answer mean something other than the request.
 */
export async function simulateAccess(request: AccessRequest): Promise<EvaluationResult> {
  const simulation: Simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: ACCOUNT_ID },
      contextVariables: { ...principalContext(request.principal), ...request.context },
    },
    identityPolicies: request.identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
    // Every lake bucket sets all four public-access blocks, RestrictPublicBuckets among them.
    additionalSettings: { s3: { blockPublicAccess: true } },
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') {
    throw new Error(
      `iam-simulate refused ${request.action} on ${request.resource}: ${JSON.stringify(response.errors, null, 2)}`,
    );
  }
  const results = response.resultType === 'single' ? [response.result] : response.results;
  const ignored = [...new Set(results.flatMap((result) => result.ignoredContextKeys ?? []))];
  if (ignored.length > 0) {
    throw new Error(
      `iam-simulate ignored the context keys ${ignored.join(', ')} for ${request.action} on ${request.resource}: ` +
        'they do not apply to that action, so the request would not be the one described.',
    );
  }
  return response.overallResult;
}

/**
 * The keys AWS derives from a signed request's principal. iam-simulate 0.1.173 does not fill them in,
 * and the lake's deletion guards compare `aws:PrincipalArn`: without it, every principal would look
 * like a stranger to them.
 */
function principalContext(principal: AccessRequest['principal']): Record<string, string> {
  if (typeof principal !== 'string') return {};
  return { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': principal.split(':')[4] };
}
