import { CustomResource, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import rule from '../../../../policies/rules/po/PortableHandlers';
import { evaluateApp, findingsFor, testApp, verdictsOfTemplate } from '../../harness';

function handler(stack: Stack, id: string) {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
}

describe('BIS-PO1: custom-resource handlers are deploy plumbing', () => {
  function findings() {
    const app = testApp();
    const stack = new Stack(app, 'App');
    // Direct: the function's ARN is the ServiceToken.
    const seed = handler(stack, 'SeedHandler');
    new CustomResource(stack, 'Seed', { serviceToken: seed.functionArn, resourceType: 'Custom::Seed' });
    // Through the Provider framework: the user's onEvent and isComplete handlers.
    const onEvent = handler(stack, 'OnEvent');
    const isComplete = handler(stack, 'IsComplete');
    const provider = new cr.Provider(stack, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
    });
    new CustomResource(stack, 'Schema', { serviceToken: provider.serviceToken });
    // Both a ServiceToken and an API integration: an application function too.
    const shared = handler(stack, 'Shared');
    new CustomResource(stack, 'Warm', { serviceToken: shared.functionArn });
    new apigw.LambdaRestApi(stack, 'Api', { handler: shared });
    // No custom resource at all.
    handler(stack, 'Worker');
    return findingsFor(evaluateApp(app), 'BIS-PO1').map((finding) => finding.path);
  }

  const judged = findings();

  test('a function used only as a ServiceToken is not judged', () => {
    expect(judged).not.toContain('App/SeedHandler/Resource');
  });

  test("a Provider's onEvent and isComplete handlers are not judged, nor are the framework functions", () => {
    expect(judged.filter((path) => /OnEvent|IsComplete|Provider/.test(path))).toEqual([]);
  });

  test('a function that is also an API integration, and one with no custom resource, are judged', () => {
    expect(judged).toEqual(expect.arrayContaining(['App/Shared/Resource', 'App/Worker/Resource']));
  });

  test('a scanned template: AWS::CloudFormation::CustomResource and SAM Events read the same way', () => {
    const template = {
      Resources: {
        Plumbing: {
          Type: 'AWS::Serverless::Function',
          Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler' },
        },
        Migrate: {
          Type: 'AWS::CloudFormation::CustomResource',
          Properties: { ServiceToken: { 'Fn::GetAtt': ['Plumbing', 'Arn'] } },
        },
        WithApi: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            Events: { Get: { Type: 'Api', Properties: { Path: '/', Method: 'get' } } },
          },
        },
        Once: { Type: 'Custom::Once', Properties: { ServiceToken: { 'Fn::GetAtt': ['WithApi', 'Arn'] } } },
      },
    };
    expect(verdictsOfTemplate(rule, template)).toEqual({
      Plumbing: 'not-applicable',
      WithApi: 'non-compliant',
    });
  });
});
