import { type App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import rule from '../../../../policies/rules/co/LogRetention';
import { evaluateApp, findingsFor, templateVerdicts, verdictsOfTemplate } from '../../harness';
import { appStack } from './fixtures';

/** A REST API with one GET method; `deployOptions` configure its `prod` stage. */
function restApi(stack: Stack, deployOptions: apigw.StageOptions = {}) {
  const api = new apigw.RestApi(stack, 'Api', { deployOptions, cloudWatchRole: false });
  api.root.addMethod('GET', new apigw.MockIntegration());
  return api;
}

function co1(stack: Stack) {
  return findingsFor(evaluateApp(stack.node.root as App), 'BIS-CO1');
}

describe('BIS-CO1: API Gateway execution and access log groups have a retention', () => {
  test('a stage with execution logging and no declared execution log group is a finding with the CDK fix', () => {
    const stack = appStack();
    restApi(stack, { loggingLevel: apigw.MethodLoggingLevel.INFO });
    expect(co1(stack)).toEqual([
      expect.objectContaining({
        path: 'App/Api/DeploymentStage.prod/Resource',
        message: expect.stringMatching(
          /^Stage 'prod' has execution logging \(MethodSettings LoggingLevel INFO\) .* API-Gateway-Execution-Logs_<Api[0-9A-F]+>\/prod: API Gateway creates it with no retention/,
        ),
      }),
    ]);
    expect(rule.fix).toContain(
      '"API-Gateway-Execution-Logs_" + api.restApiId + "/" + api.deploymentStage.stageName',
    );
  });

  test('following the fix (the execution log group declared with a retention) clears the finding', () => {
    const stack = appStack();
    const api = restApi(stack, { loggingLevel: apigw.MethodLoggingLevel.ERROR });
    new logs.LogGroup(stack, 'ExecutionLogs', {
      logGroupName: 'API-Gateway-Execution-Logs_' + api.restApiId + '/' + api.deploymentStage.stageName,
      retention: logs.RetentionDays.ONE_MONTH,
    });
    expect(co1(stack)).toEqual([]);
  });

  test('a stage without execution logging needs no execution log group', () => {
    const stack = appStack();
    restApi(stack, { loggingLevel: apigw.MethodLoggingLevel.OFF });
    expect(co1(stack)).toEqual([]);
  });

  test('an access log destination without retention is a finding that names the stage it serves', () => {
    const stack = appStack();
    const group = new logs.LogGroup(stack, 'AccessLogs', { retention: logs.RetentionDays.INFINITE });
    restApi(stack, { accessLogDestination: new apigw.LogGroupLogDestination(group) });
    expect(co1(stack)).toEqual([
      expect.objectContaining({
        path: 'App/AccessLogs/Resource',
        message: expect.stringMatching(
          /^The log group \(access logs of API Gateway stage ApiDeploymentStageprod[0-9A-F]+\) has no RetentionInDays/,
        ),
      }),
    ]);
  });

  test('a scanned Deployment whose StageDescription turns execution logging on is judged like a stage', () => {
    const template = {
      Resources: {
        Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'jobs' } },
        Quiet: {
          Type: 'AWS::ApiGateway::Deployment',
          Properties: { RestApiId: { Ref: 'Api' }, StageName: 'dev' },
        },
        Loud: {
          Type: 'AWS::ApiGateway::Deployment',
          Properties: {
            RestApiId: { Ref: 'Api' },
            StageName: 'prod',
            StageDescription: { LoggingLevel: 'ERROR' },
          },
        },
      },
    };
    expect(templateVerdicts(rule, template).Loud).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^Stage 'prod' has execution logging \(MethodSettings LoggingLevel ERROR\)/,
      ),
    });
    expect(templateVerdicts(rule, template).Quiet.kind).toBe('not-applicable');
  });

  test('a scanned SAM Api with MethodSettings logging, with and without its execution log group', () => {
    const api = () => ({
      Type: 'AWS::Serverless::Api',
      Properties: {
        StageName: 'live',
        MethodSettings: [{ ResourcePath: '/*', HttpMethod: '*', LoggingLevel: 'INFO' }],
      },
    });
    const template = {
      Resources: {
        Logged: api(),
        Covered: api(),
        CoveredLogs: {
          Type: 'AWS::Logs::LogGroup',
          Properties: {
            LogGroupName: { 'Fn::Sub': 'API-Gateway-Execution-Logs_${Covered}/live' },
            RetentionInDays: 30,
          },
        },
      },
    };
    expect(verdictsOfTemplate(rule, template)).toEqual({
      Logged: 'non-compliant',
      Covered: 'compliant',
      CoveredLogs: 'compliant',
    });
  });
});
