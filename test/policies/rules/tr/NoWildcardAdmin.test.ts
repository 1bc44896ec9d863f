import { CfnCondition, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import rule, { matchesEveryArn } from '../../../../policies/rules/tr/NoWildcardAdmin';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

const stack = () => new Stack(testApp(), 'App');
const lambdaRole = (scope: Stack, props: Partial<iam.RoleProps> = {}) =>
  new iam.Role(scope, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), ...props });

describe('BIS-TR6 NoWildcardAdmin', () => {
  test('a role with named actions on named resources is compliant', () => {
    const s = stack();
    const role = lambdaRole(s);
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::lake/*'] }),
    );
    expect(verdictOf(rule, role).kind).toBe('compliant');
    expect(verdictOf(rule, role.node.findChild('DefaultPolicy')).kind).toBe('compliant');
  });

  test("Action '*' on Resource '*' added with addToPolicy is an error on the role's policy", () => {
    const s = stack();
    const role = lambdaRole(s);
    role.addToPolicy(new iam.PolicyStatement({ sid: 'Everything', actions: ['*'], resources: ['*'] }));
    expect(verdictOf(rule, role.node.findChild('DefaultPolicy'))).toEqual({
      kind: 'non-compliant',
      message: "PolicyDocument statement 'Everything' allows Action '*' on Resource '*'.",
    });
  });

  test("Action '*' on a pattern that matches every ARN (arn*, arn:*, arn:aws:*:*:*:*) is administrator access", () => {
    for (const resource of ['arn*', 'arn:*', 'arn:aws:*:*:*:*', 'arn:aws-cn:*']) {
      const role = lambdaRole(stack());
      role.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: [resource] }));
      expect(verdictOf(rule, role.node.findChild('DefaultPolicy'))).toMatchObject({
        kind: 'non-compliant',
        message: expect.stringContaining(`allows Action '*' on Resource '${resource}' (every ARN)`),
      });
    }
  });

  test('patterns narrower than every ARN are not administrator access', () => {
    expect(
      ['arn:aws:s3:::*', 'arn:aws:*:eu-west-1:*', 'arn:aws:iam::123456789012:*', 'arn'].map(matchesEveryArn),
    ).toEqual([false, false, false, false]);
    expect(['*', 'arn*', 'arn:*:*', '*:*'].map(matchesEveryArn)).toEqual([true, true, true, true]);
  });

  test('an inline policy of the role is named in the message', () => {
    const role = lambdaRole(stack(), {
      inlinePolicies: {
        admin: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['s3:GetObject', '*'], resources: ['*'] })],
        }),
      },
    });
    expect(verdictOf(rule, role)).toMatchObject({
      kind: 'non-compliant',
      message: "Policies[0] 'admin' statement #1 allows Action '*' on Resource '*'.",
    });
  });

  test('AdministratorAccess attached with fromAwsManagedPolicyName (Fn::Join with the partition) is an error', () => {
    const role = lambdaRole(stack(), {
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    });
    expect(verdictOf(rule, role)).toMatchObject({
      kind: 'non-compliant',
      message: 'ManagedPolicyArns attaches the AWS managed policy AdministratorAccess.',
    });
  });

  test('NotAction on every resource grants all but a few actions and is an error', () => {
    const s = stack();
    const policy = new iam.ManagedPolicy(s, 'AlmostAdmin', {
      statements: [new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] })],
    });
    // CDK's own template validation warns about NotAction too; this test wants exactly that policy.
    Validations.of(policy).acknowledge({
      id: 'CloudFormation-Validate::W2512',
      reason: 'the case under test',
    });
    expect(verdictOf(rule, policy)).toMatchObject({
      message: expect.stringContaining('NotAction ["iam:*"]'),
    });
  });

  test('a wildcard action on a named resource is not admin', () => {
    const s = stack();
    const user = new iam.User(s, 'Ops');
    user.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['arn:aws:s3:::lake'] }));
    expect(verdictOf(rule, user.node.findChild('DefaultPolicy')).kind).toBe('compliant');
  });

  test("a '*' action in one Fn::If branch is found", () => {
    const s = stack();
    new CfnCondition(s, 'Debug', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const policy = new iam.CfnPolicy(s, 'Policy', {
      policyName: 'p',
      roles: ['r'],
      policyDocument: {
        Statement: [{ Effect: 'Allow', Action: Fn.conditionIf('Debug', '*', 's3:GetObject'), Resource: '*' }],
      },
    });
    expect(verdictOf(rule, policy).kind).toBe('non-compliant');
  });

  test('a computed action list (an import) names specific actions and is compliant', () => {
    const s = stack();
    const policy = new iam.CfnPolicy(s, 'Policy', {
      policyName: 'p',
      roles: ['r'],
      policyDocument: {
        Statement: [{ Effect: 'Allow', Action: Fn.importValue('ReadActions'), Resource: '*' }],
      },
    });
    expect(verdictOf(rule, policy).kind).toBe('compliant');
  });

  test('SAM functions and scanned IAM identities: inline statements, documents, AdministratorAccess by name or ARN', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Scoped: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Policies: ['AWSLambdaBasicExecutionRole', { S3ReadPolicy: { BucketName: 'lake' } }],
          },
        },
        InlineAdmin: {
          Type: 'AWS::Serverless::Function',
          Properties: { Policies: [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }] },
        },
        DocumentAdmin: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Policies: {
              Version: '2012-10-17',
              Statement: { Effect: 'Allow', NotAction: 'iam:*', Resource: ['*'] },
            },
          },
        },
        NamedAdmin: { Type: 'AWS::Serverless::Function', Properties: { Policies: 'AdministratorAccess' } },
        SubAdmin: {
          Type: 'AWS::IAM::Group',
          Properties: {
            ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess' }],
          },
        },
        GovCloudAdmin: {
          Type: 'AWS::IAM::Role',
          Properties: { ManagedPolicyArns: ['arn:aws-us-gov:iam::aws:policy/AdministratorAccess'] },
        },
        Junk: { Type: 'AWS::IAM::Role', Properties: { Policies: 'x', ManagedPolicyArns: { Ref: 'P' } } },
      },
    });
    expect(verdicts).toEqual({
      Scoped: 'compliant',
      InlineAdmin: 'non-compliant',
      DocumentAdmin: 'non-compliant',
      NamedAdmin: 'non-compliant',
      SubAdmin: 'non-compliant',
      GovCloudAdmin: 'non-compliant',
      Junk: 'compliant',
    });
  });
});
