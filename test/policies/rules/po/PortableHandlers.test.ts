import { CfnResource, Fn, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BisRole } from '../../../../lib/roles';
import { PORTABLE_FUNCTION_MARK } from '../../../../policies/marks';
import rule from '../../../../policies/rules/po/PortableHandlers';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

function fn(stack = new Stack(testApp(), 'App')) {
  return new lambda.Function(stack, 'Ingest', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
}

function mark(function_: lambda.Function, value: unknown) {
  (function_.node.defaultChild as CfnResource).addMetadata(PORTABLE_FUNCTION_MARK, value);
}

describe('BIS-PO1 PortableHandlers', () => {
  test('a function marked with its portable entry is compliant', () => {
    const function_ = fn();
    mark(function_, { entry: 'functions/ingest/index.ts' });
    expect(verdictOf(rule, function_).kind).toBe('compliant');
  });

  test('an unmarked application function is a finding that names the mark', () => {
    expect(verdictOf(rule, fn())).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/no "cdk-bis:portable-function" Metadata.*PortableFunction/),
    });
    expect(rule.level).toBe('warning');
  });

  test('a mark without a non-empty entry string is malformed, and the message shows it', () => {
    const empty = fn();
    mark(empty, { entry: '  ' });
    expect(verdictOf(rule, empty)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/mark is malformed \(\{"entry":" {2}"\}\)/),
    });
    const flag = fn();
    mark(flag, true);
    expect(verdictOf(rule, flag)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/malformed \(true\)/),
    });
  });

  test('an entry computed at deploy time names no handler module, so the mark is malformed', () => {
    const function_ = fn();
    mark(function_, { entry: Fn.importValue('HandlerEntry') });
    expect(verdictOf(rule, function_)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/malformed \(\{"entry":\{"Fn::ImportValue":"HandlerEntry"\}\}\)/),
    });
  });

  test("functions outside application stacks are not this rule's business", () => {
    const stack = new Stack(testApp(), 'Lake');
    BisRole.of(stack).set('data-platform');
    expect(verdictOf(rule, fn(stack)).kind).toBe('not-applicable');
  });

  test('a scanned template gets the same verdicts, SAM functions included', () => {
    const template = {
      Resources: {
        Portable: {
          Type: 'AWS::Serverless::Function',
          Metadata: { [PORTABLE_FUNCTION_MARK]: { entry: 'functions/catalog/index.ts' } },
          Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler' },
        },
        Plain: {
          Type: 'AWS::Serverless::Function',
          Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler' },
        },
        Odd: { Type: 'AWS::Lambda::Function', Metadata: { [PORTABLE_FUNCTION_MARK]: 'functions/x.ts' } },
      },
    };
    expect(verdictsOfTemplate(rule, template)).toEqual({
      Portable: 'compliant',
      Plain: 'non-compliant',
      Odd: 'non-compliant',
    });
    expect(verdictsOfTemplate(rule, template, 'infrastructure')).toEqual({
      Portable: 'not-applicable',
      Plain: 'not-applicable',
      Odd: 'not-applicable',
    });
  });
});
