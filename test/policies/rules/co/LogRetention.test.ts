import { Aws, CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import rule from '../../../../policies/rules/co/LogRetention';
import { evaluateApp, findingsFor, testApp, verdictOf, verdictsOfTemplate } from '../../harness';
import { appStack, handler } from './fixtures';

// `logRetention` is deprecated in favour of `logGroup`, but CDK apps still use it.
process.env.JSII_DEPRECATED = 'quiet';

describe('BIS-CO1 LogRetention', () => {
  test('a plain function logs to a group Lambda creates without retention: warning', () => {
    const fn = handler(appStack());
    expect(verdictOf(rule, fn)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /no LoggingConfig\.LogGroup .* \/aws\/lambda\/<function name>, .* kept, and billed, forever/,
      ),
    });
  });

  test('a function with its own log group (logGroup) is compliant, and so is the group with a retention', () => {
    const stack = appStack();
    const group = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    const fn = handler(stack, 'Handler', { logGroup: group });
    expect(verdictOf(rule, fn).kind).toBe('compliant');
    expect(verdictOf(rule, group).kind).toBe('compliant');
  });

  test('a function with logRetention (Custom::LogRetention on /aws/lambda/<fn>) is compliant', () => {
    const fn = handler(appStack(), 'Handler', { logRetention: logs.RetentionDays.ONE_WEEK });
    expect(verdictOf(rule, fn).kind).toBe('compliant');
  });

  test('logRetention INFINITE renders no RetentionInDays and is a warning on the function', () => {
    const fn = handler(appStack(), 'Handler', { logRetention: logs.RetentionDays.INFINITE });
    expect(verdictOf(rule, fn)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /Custom::LogRetention .* sets no RetentionInDays \(logRetention INFINITE\)/,
      ),
    });
  });

  test('a log group with RetentionDays.INFINITE (rendered without RetentionInDays) is a warning', () => {
    const group = new logs.LogGroup(appStack(), 'Logs', { retention: logs.RetentionDays.INFINITE });
    expect(verdictOf(rule, group)).toMatchObject({
      kind: 'non-compliant',
      message: 'The log group has no RetentionInDays, so its logs are kept, and billed, forever.',
    });
  });

  test("CDK's default log group retention (731 days) is a retention", () => {
    expect(verdictOf(rule, new logs.LogGroup(appStack(), 'Logs')).kind).toBe('compliant');
  });

  test('a retention under an Fn::If with an AWS::NoValue branch is a warning', () => {
    const stack = appStack();
    new CfnCondition(stack, 'Prod', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-1') });
    const group = new logs.CfnLogGroup(stack, 'Logs', {
      retentionInDays: Fn.conditionIf('Prod', 30, Aws.NO_VALUE) as unknown as number,
    });
    expect(verdictOf(rule, group)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/AWS::NoValue/),
    });
  });

  test('a retention from a parameter cannot be judged', () => {
    const stack = appStack();
    const days = new CfnParameter(stack, 'RetentionDays', { type: 'Number', default: 30 });
    const group = new logs.CfnLogGroup(stack, 'Logs', { retentionInDays: days.valueAsNumber });
    expect(verdictOf(rule, group).kind).toBe('not-applicable');
  });

  test('a computed LoggingConfig cannot be judged', () => {
    const stack = appStack();
    new CfnCondition(stack, 'Prod', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-1') });
    const fn = handler(stack);
    (fn.node.defaultChild as lambda.CfnFunction).addPropertyOverride(
      'LoggingConfig',
      Fn.conditionIf('Prod', { LogGroup: 'shared' }, Aws.NO_VALUE),
    );
    expect(verdictOf(rule, fn).kind).toBe('not-applicable');
  });

  test("CDK's own log-retention provider function is machinery and is not reported", () => {
    const app = testApp();
    const stack = new Stack(app, 'App');
    handler(stack, 'Kept', { logRetention: logs.RetentionDays.ONE_WEEK });
    handler(stack, 'Forever');
    expect(findingsFor(evaluateApp(app), 'BIS-CO1')).toEqual([
      {
        path: 'App/Forever/Resource',
        level: 'warning',
        message: expect.stringMatching(/kept, and billed, forever/),
      },
    ]);
  });

  test('a scanned template recognises /aws/lambda/ groups built with Fn::Sub, Fn::Join and literal names', () => {
    const fn = (extra: object = {}) => ({
      Type: 'AWS::Lambda::Function',
      Properties: { Runtime: 'nodejs22.x', ...extra },
    });
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Subbed: fn(),
        SubbedLogs: {
          Type: 'AWS::Logs::LogGroup',
          Properties: { LogGroupName: { 'Fn::Sub': '/aws/lambda/${Subbed}' }, RetentionInDays: 14 },
        },
        Joined: fn(),
        JoinedLogs: {
          Type: 'AWS::Logs::LogGroup',
          Properties: {
            LogGroupName: { 'Fn::Join': ['', ['/aws/lambda/', { Ref: 'Joined' }]] },
            RetentionInDays: 14,
          },
        },
        Named: fn({ FunctionName: 'orders' }),
        NamedLogs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/orders' } },
        Pointed: fn({ LoggingConfig: { LogGroup: { Ref: 'SharedLogs' } } }),
        SharedLogs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 90 } },
        Elsewhere: fn({ LoggingConfig: { LogGroup: 'platform-logs' } }),
        Bare: fn({ LoggingConfig: { LogFormat: 'JSON' } }),
        Odd: { Type: 'AWS::Lambda::Function', Properties: { LoggingConfig: 'text', FunctionName: 42 } },
      },
    });
    expect(verdicts).toEqual({
      Subbed: 'compliant',
      SubbedLogs: 'compliant',
      Joined: 'compliant',
      JoinedLogs: 'compliant',
      Named: 'compliant',
      // The group the function uses is judged on its own.
      NamedLogs: 'non-compliant',
      Pointed: 'compliant',
      SharedLogs: 'compliant',
      Elsewhere: 'not-applicable',
      Bare: 'non-compliant',
      Odd: 'non-compliant',
    });
  });

  test('a SAM function gets the same verdicts', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Plain: {
          Type: 'AWS::Serverless::Function',
          Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler' },
        },
        Logged: {
          Type: 'AWS::Serverless::Function',
          Properties: { Runtime: 'nodejs22.x', LoggingConfig: { LogGroup: { Ref: 'Logs' } } },
        },
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
        Named: { Type: 'AWS::Serverless::Function', Properties: { Runtime: 'nodejs22.x' } },
        NamedLogs: {
          Type: 'AWS::Logs::LogGroup',
          Properties: { LogGroupName: { 'Fn::Sub': '/aws/lambda/${Named}' }, RetentionInDays: 7 },
        },
      },
    });
    expect(verdicts).toEqual({
      Plain: 'non-compliant',
      Logged: 'compliant',
      Logs: 'compliant',
      Named: 'compliant',
      NamedLogs: 'compliant',
    });
  });
});
