import { CfnCondition, Fn, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import rule from '../../../../policies/rules/tr/NoPlaintextSecretsInEnvironment';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

const stack = () => new Stack(testApp(), 'App');
const withEnvironment = (scope: Stack, environment: Record<string, string>) =>
  new lambda.Function(scope, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    environment,
  });

describe('BIS-TR8 NoPlaintextSecretsInEnvironment', () => {
  test('a function given the secret ARN and a dynamic reference is compliant', () => {
    const s = stack();
    const secret = new secretsmanager.Secret(s, 'Db');
    const fn = withEnvironment(s, {
      DB_SECRET_ARN: secret.secretArn,
      API_TOKEN: '{{resolve:secretsmanager:api-token:SecretString:token}}',
      LOG_LEVEL: 'info',
    });
    expect(verdictOf(rule, fn).kind).toBe('compliant');
  });

  test('a literal password is an error naming the variable, never its value', () => {
    const fn = withEnvironment(stack(), { DB_PASSWORD: 'hunter2', LOG_LEVEL: 'debug' });
    const verdict = verdictOf(rule, fn);
    expect(verdict).toEqual({
      kind: 'non-compliant',
      message:
        'Environment variable DB_PASSWORD holds a literal value, so the secret is in plain text in the template; pass a Secrets Manager ARN or a dynamic reference instead.',
    });
    expect(JSON.stringify(verdict)).not.toContain('hunter2');
  });

  test('secret words are matched as whole words of the name, in snake and camel case', () => {
    const fn = withEnvironment(stack(), {
      githubToken: 'ghp_x',
      STRIPE_API_KEY: 'sk_live_x',
      apiKey: 'k',
      JWT_SECRET: 's',
      TOKENIZER_MODE: 'fast',
      MAX_TOKENS: '4096',
      TOKEN_TTL: '3600',
      PASSWORD_PARAMETER: '/lake/db/password',
      SECRET_NAME: 'lake/db',
    });
    expect(verdictOf(rule, fn)).toMatchObject({
      message: expect.stringMatching(
        /^Environment variables githubToken, STRIPE_API_KEY, apiKey, JWT_SECRET hold literal values/,
      ),
    });
  });

  test('a literal hidden in Fn::Join or an Fn::If branch is still plain text', () => {
    const s = stack();
    new CfnCondition(s, 'Prod', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const fn = withEnvironment(s, {
      JOINED_SECRET: Fn.join('', ['abc', 'def']),
      CHOSEN_TOKEN: Fn.conditionIf('Prod', Fn.importValue('ProdTokenArn'), 'dev-token').toString(),
      REFERENCED_TOKEN: Fn.join('', ['prefix-', Fn.importValue('TokenSuffix')]),
    });
    expect(verdictOf(rule, fn)).toMatchObject({
      message: expect.stringMatching(
        /^Environment variables JOINED_SECRET, CHOSEN_TOKEN hold literal values/,
      ),
    });
  });

  test('an ECS container environment literal is an error naming the container; ECS secrets are compliant', () => {
    const s = stack();
    const secret = new secretsmanager.Secret(s, 'Db');
    const plain = new ecs.FargateTaskDefinition(s, 'Plain');
    plain.addContainer('web', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:latest'),
      environment: { DB_PASSWORD: 'hunter2', PORT: '8080' },
    });
    const safe = new ecs.FargateTaskDefinition(s, 'Safe');
    safe.addContainer('web', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:latest'),
      secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(secret) },
    });
    expect(verdictOf(rule, plain)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/^Environment variable web\/DB_PASSWORD holds a literal value/),
    });
    expect(verdictOf(rule, safe).kind).toBe('compliant');
  });

  test('a SAM function gets the same verdicts', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Plain: {
          Type: 'AWS::Serverless::Function',
          Properties: { Environment: { Variables: { CLIENT_SECRET: 's3cr3t' } } },
        },
        Referenced: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Environment: {
              Variables: {
                CLIENT_SECRET: { Ref: 'ClientSecretParam' },
                SIGNING_PRIVATE_KEY: { 'Fn::Sub': '{{resolve:ssm-secure:/keys/${Stage}}}' },
                TOKEN_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:t',
              },
            },
          },
        },
        Junk: { Type: 'AWS::Serverless::Function', Properties: { Environment: { Variables: 'PASSWORD=x' } } },
        Task: {
          Type: 'AWS::ECS::TaskDefinition',
          Properties: {
            ContainerDefinitions: [{ Name: 'a', Environment: [{ Name: 'PASSWD', Value: 42 }, 'junk'] }],
          },
        },
      },
    });
    expect(verdicts).toEqual({
      Plain: 'non-compliant',
      Referenced: 'compliant',
      Junk: 'compliant',
      Task: 'non-compliant',
    });
  });
});
