import { Aws, CfnCondition, CfnParameter, Fn } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import rule from '../../../../policies/rules/co/Arm64Functions';
import { verdictOf, verdictsOfTemplate } from '../../harness';
import { appStack, handler } from './fixtures';

describe('BIS-CO8 Arm64Functions', () => {
  test('a function on the default architecture (no Architectures rendered) is a warning', () => {
    expect(verdictOf(rule, handler(appStack()))).toMatchObject({
      kind: 'non-compliant',
      message:
        'Architectures is absent, so the function runs on x86_64 (the default); arm64 (Graviton) is ~20% cheaper per GB-second.',
    });
  });

  test('an arm64 function is compliant', () => {
    const fn = handler(appStack(), 'Handler', { architecture: lambda.Architecture.ARM_64 });
    expect(verdictOf(rule, fn).kind).toBe('compliant');
  });

  test('an explicit x86_64 function is named in the message', () => {
    const fn = handler(appStack(), 'Handler', { architecture: lambda.Architecture.X86_64 });
    expect(verdictOf(rule, fn)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/^Architectures is \['x86_64'\]/),
    });
  });

  test('an architecture chosen by Fn::If is a warning when a branch is x86_64; one from a parameter is not judged', () => {
    const stack = appStack();
    new CfnCondition(stack, 'Graviton', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-1') });
    const arch = new CfnParameter(stack, 'Architecture', { type: 'CommaDelimitedList', default: 'arm64' });
    const conditional = handler(stack, 'Conditional');
    (conditional.node.defaultChild as lambda.CfnFunction).addPropertyOverride(
      'Architectures',
      Fn.conditionIf('Graviton', ['arm64'], ['x86_64']),
    );
    const parameter = handler(stack, 'Parameter');
    (parameter.node.defaultChild as lambda.CfnFunction).addPropertyOverride(
      'Architectures',
      arch.valueAsList,
    );
    expect(verdictOf(rule, conditional)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/^Architectures may be x86_64 \(Fn::If\)/),
    });
    expect(verdictOf(rule, parameter).kind).toBe('not-applicable');
  });

  test('SAM functions get the same verdicts', () => {
    expect(
      verdictsOfTemplate(rule, {
        Transform: 'AWS::Serverless-2016-10-31',
        Resources: {
          Default: { Type: 'AWS::Serverless::Function', Properties: { Runtime: 'nodejs22.x' } },
          Graviton: { Type: 'AWS::Serverless::Function', Properties: { Architectures: ['arm64'] } },
          Intel: { Type: 'AWS::Lambda::Function', Properties: { Architectures: ['x86_64'] } },
          Odd: { Type: 'AWS::Lambda::Function', Properties: { Architectures: 'arm64' } },
        },
      }),
    ).toEqual({
      Default: 'non-compliant',
      Graviton: 'compliant',
      Intel: 'non-compliant',
      Odd: 'not-applicable',
    });
  });
});
