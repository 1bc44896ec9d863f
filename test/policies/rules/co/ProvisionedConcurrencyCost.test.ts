import { Aws, CfnCondition, CfnParameter, Fn } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import rule from '../../../../policies/rules/co/ProvisionedConcurrencyCost';
import { verdictOf, verdictsOfTemplate } from '../../harness';
import { appStack, handler } from './fixtures';

describe('BIS-CO5 ProvisionedConcurrencyCost', () => {
  test("an alias with provisioned concurrency is priced from the function's memory", () => {
    const fn = handler(appStack(), 'Handler', { memorySize: 1024 });
    const alias = new lambda.Alias(fn, 'Live', {
      aliasName: 'live',
      version: fn.currentVersion,
      provisionedConcurrentExecutions: 5,
    });
    expect(verdictOf(rule, alias)).toMatchObject({
      kind: 'non-compliant',
      message:
        'ProvisionedConcurrentExecutions 5 at 1024 MB on x86_64 costs about $54.75/month before requests and duration, invoked or not.',
    });
  });

  test('an arm64 function is priced at the arm64 rate, and a version is checked like an alias', () => {
    const fn = handler(appStack(), 'Handler', { memorySize: 2048, architecture: lambda.Architecture.ARM_64 });
    const version = new lambda.Version(fn, 'Warm', { lambda: fn, provisionedConcurrentExecutions: 1 });
    expect(verdictOf(rule, version)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^ProvisionedConcurrentExecutions 1 at 2048 MB on arm64 costs about \$17\.52\/month/,
      ),
    });
  });

  test('an alias without provisioned concurrency is compliant', () => {
    const fn = handler(appStack());
    expect(verdictOf(rule, fn.addAlias('live')).kind).toBe('compliant');
  });

  test('a function outside the template is priced at 128 MB, and the message says it is assumed', () => {
    const stack = appStack();
    const version = lambda.Version.fromVersionArn(
      stack,
      'Imported',
      'arn:aws:lambda:us-east-1:111111111111:function:orders:3',
    );
    const alias = new lambda.Alias(stack, 'Live', {
      aliasName: 'live',
      version,
      provisionedConcurrentExecutions: 8,
    });
    expect(verdictOf(rule, alias)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^ProvisionedConcurrentExecutions 8 at 128 MB \(assumed: the function is not in this template\) on x86_64 costs about \$10\.95\/month/,
      ),
    });
  });

  test('a count chosen by Fn::If is priced at its largest branch; a count from a parameter per execution', () => {
    const stack = appStack();
    new CfnCondition(stack, 'Prod', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-1') });
    const warm = new CfnParameter(stack, 'Warm', { type: 'Number', default: 2 });
    const fn = handler(stack, 'Handler', { memorySize: 512 });
    const conditional = new lambda.CfnAlias(stack, 'Conditional', {
      functionName: fn.functionName,
      functionVersion: '$LATEST',
      name: 'prod',
      provisionedConcurrencyConfig: {
        provisionedConcurrentExecutions: Fn.conditionIf('Prod', 10, 0) as unknown as number,
      },
    });
    const parameter = new lambda.CfnAlias(stack, 'Parameter', {
      functionName: fn.functionName,
      functionVersion: '$LATEST',
      name: 'param',
      provisionedConcurrencyConfig: { provisionedConcurrentExecutions: warm.valueAsNumber },
    });
    expect(verdictOf(rule, conditional)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^ProvisionedConcurrentExecutions up to 10 \(Fn::If\) at 512 MB on x86_64 costs about \$54\.75\/month/,
      ),
    });
    expect(verdictOf(rule, parameter)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^ProvisionedConcurrentExecutions is computed at deploy time; each execution at 512 MB .* about \$5\.48\/month/,
      ),
    });
  });

  test('a SAM function with ProvisionedConcurrencyConfig is priced from its own MemorySize', () => {
    expect(
      verdictsOfTemplate(rule, {
        Transform: 'AWS::Serverless-2016-10-31',
        Resources: {
          Warm: {
            Type: 'AWS::Serverless::Function',
            Properties: {
              MemorySize: 512,
              AutoPublishAlias: 'live',
              ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 3 },
            },
          },
          Cold: { Type: 'AWS::Serverless::Function', Properties: { MemorySize: 512 } },
          Zero: {
            Type: 'AWS::Serverless::Function',
            Properties: { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 0 } },
          },
          Fn: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: { Ref: 'Memory' } } },
          Alias: {
            Type: 'AWS::Lambda::Alias',
            Properties: {
              FunctionName: { Ref: 'Fn' },
              ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: '2' },
            },
          },
          Odd: {
            Type: 'AWS::Lambda::Alias',
            Properties: { FunctionName: 7, ProvisionedConcurrencyConfig: 'warm' },
          },
        },
      }),
      // A malformed config holds no count, so nothing is provisioned.
    ).toEqual({
      Warm: 'non-compliant',
      Cold: 'compliant',
      Zero: 'compliant',
      Alias: 'non-compliant',
      Odd: 'compliant',
    });
  });
});
