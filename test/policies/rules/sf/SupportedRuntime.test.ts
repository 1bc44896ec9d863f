import { CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import rule, { DEPRECATED_RUNTIMES } from '../../../../policies/rules/sf/SupportedRuntime';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

function fn(runtime: lambda.Runtime, stack = new Stack(testApp(), 'App')) {
  return new lambda.Function(stack, 'Fn', {
    runtime,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
}

describe('BIS-SF5 SupportedRuntime', () => {
  test('nodejs22.x is compliant', () => {
    expect(verdictOf(rule, fn(lambda.Runtime.NODEJS_22_X)).kind).toBe('compliant');
  });

  test('nodejs18.x is an error that names the runtime, its deprecation date and the replacement', () => {
    expect(verdictOf(rule, fn(lambda.Runtime.NODEJS_18_X))).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /Runtime: nodejs18\.x \(deprecated by AWS on 2025-09-01; use nodejs24\.x or nodejs22\.x\)/,
      ),
    });
  });

  test('nodejs20.x is deprecated even though aws-cdk-lib does not mark the constant', () => {
    expect(verdictOf(rule, fn(lambda.Runtime.NODEJS_20_X))).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/nodejs20\.x \(deprecated by AWS on 2026-04-30/),
    });
  });

  test('runtimes aws-cdk-lib marks as deprecated are in the table; AL2 and current runtimes are not', () => {
    const cdkDeprecated = [
      lambda.Runtime.NODEJS_16_X,
      lambda.Runtime.PYTHON_3_9,
      lambda.Runtime.JAVA_8,
      lambda.Runtime.DOTNET_6,
      lambda.Runtime.DOTNET_CORE_3_1,
      lambda.Runtime.GO_1_X,
      lambda.Runtime.RUBY_2_7,
      lambda.Runtime.PROVIDED,
    ];
    expect(cdkDeprecated.filter((runtime) => !DEPRECATED_RUNTIMES.has(runtime.name))).toEqual([]);
    for (const supported of [
      'java8.al2',
      'java21',
      'python3.14',
      'ruby3.4',
      'provided.al2023',
      'nodejs24.x',
    ]) {
      expect(DEPRECATED_RUNTIMES.has(supported)).toBe(false);
    }
  });

  test('a Fn::If runtime is flagged only when every branch is deprecated', () => {
    const stack = new Stack(testApp(), 'App');
    new CfnCondition(stack, 'Legacy', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const mixed = new lambda.CfnFunction(stack, 'Mixed', {
      role: 'arn:aws:iam::123456789012:role/fn',
      code: { zipFile: 'exports.handler = async () => {}' },
      handler: 'index.handler',
      runtime: Fn.conditionIf('Legacy', 'nodejs18.x', 'nodejs22.x').toString(),
    });
    const old = fn(lambda.Runtime.NODEJS_22_X, stack);
    (old.node.defaultChild as lambda.CfnFunction).addPropertyOverride(
      'Runtime',
      Fn.conditionIf('Legacy', 'nodejs16.x', 'python3.8'),
    );
    expect(verdictOf(rule, mixed).kind).toBe('compliant');
    expect(verdictOf(rule, old)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /Every literal branch.*nodejs16\.x \(deprecated by AWS on 2024-06-12.*python3\.8/,
      ),
    });
  });

  test('a runtime given by a parameter is unknown until deploy time', () => {
    const stack = new Stack(testApp(), 'App');
    const runtime = new CfnParameter(stack, 'Runtime', { default: 'nodejs22.x' });
    const function_ = fn(lambda.Runtime.NODEJS_22_X, stack);
    (function_.node.defaultChild as lambda.CfnFunction).addPropertyOverride('Runtime', runtime.valueAsString);
    expect(verdictOf(rule, function_).kind).toBe('not-applicable');
  });

  test('SAM functions, container images and future runtimes in a scanned template', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Old: {
          Type: 'AWS::Serverless::Function',
          Properties: { Runtime: 'python3.9', Handler: 'app.handler' },
        },
        Current: {
          Type: 'AWS::Serverless::Function',
          Properties: { Runtime: 'python3.13', Handler: 'app.handler' },
        },
        Image: {
          Type: 'AWS::Serverless::Function',
          Properties: { PackageType: 'Image', ImageUri: 'repo:tag' },
        },
        FromGlobals: { Type: 'AWS::Serverless::Function', Properties: { Handler: 'app.handler' } },
        Future: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs26.x' } },
        Go: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'go1.x' } },
        Odd: { Type: 'AWS::Lambda::Function', Properties: { Runtime: ['nodejs18.x'] } },
      },
    });
    expect(verdicts).toEqual({
      Old: 'non-compliant',
      Current: 'compliant',
      Image: 'compliant',
      FromGlobals: 'not-applicable',
      Future: 'compliant',
      Go: 'non-compliant',
      Odd: 'not-applicable',
    });
  });
});
