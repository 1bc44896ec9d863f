import { Stack } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cr from 'aws-cdk-lib/custom-resources';
import * as triggers from 'aws-cdk-lib/triggers';
import rule from '../../../../policies/rules/po/PortableHandlers';
import { evaluateApp, findingsFor, testApp, verdictsOfTemplate } from '../../harness';

function handler(stack: Stack, id: string) {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
}

function invokeAtDeploy(stack: Stack, id: string, fn: lambda.IFunction) {
  const call: cr.AwsSdkCall = {
    service: 'Lambda',
    action: 'invoke',
    parameters: { FunctionName: fn.functionName, InvocationType: 'Event' },
    physicalResourceId: cr.PhysicalResourceId.of(id),
  };
  new cr.AwsCustomResource(stack, id, {
    onCreate: call,
    onUpdate: call,
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [fn.functionArn] }),
  });
}

describe('BIS-PO1: deploy-time and CI invocations are plumbing', () => {
  function judgedPaths() {
    const app = testApp();
    const stack = new Stack(app, 'App');
    invokeAtDeploy(stack, 'RunBuild', handler(stack, 'Build'));
    new triggers.Trigger(stack, 'Migrate', { handler: handler(stack, 'Migration') });
    new triggers.TriggerFunction(stack, 'Seed', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    });
    const blueGreen = handler(stack, 'BlueGreen');
    // Invoked at deploy time and also serving a URL: an application function.
    const served = handler(stack, 'Served');
    invokeAtDeploy(stack, 'Warm', served);
    served.addFunctionUrl();
    // Invoked from CI and also granted to another principal: an application function.
    const granted = handler(stack, 'Granted');
    granted.grantInvoke(new iam.ServicePrincipal('events.amazonaws.com'));
    // Another SDK call naming the function is not an invocation.
    const configured = handler(stack, 'Configured');
    new cr.AwsCustomResource(stack, 'Configure', {
      onCreate: {
        service: 'Lambda',
        action: 'putFunctionConcurrency',
        parameters: { FunctionName: configured.functionName, ReservedConcurrentExecutions: 1 },
        physicalResourceId: cr.PhysicalResourceId.of('Configure'),
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [configured.functionArn] }),
    });
    const source = new codepipeline.Artifact();
    new codepipeline.Pipeline(stack, 'Pipeline', {
      stages: [
        {
          stageName: 'Source',
          actions: [
            new actions.S3SourceAction({
              actionName: 'Source',
              bucket: new s3.Bucket(stack, 'Sources'),
              bucketKey: 'app.zip',
              output: source,
            }),
          ],
        },
        {
          stageName: 'Swap',
          actions: [
            new actions.LambdaInvokeAction({ actionName: 'BlueGreen', lambda: blueGreen }),
            new actions.LambdaInvokeAction({ actionName: 'Granted', lambda: granted }),
          ],
        },
      ],
    });
    return findingsFor(evaluateApp(app), 'BIS-PO1').map((finding) => finding.path);
  }

  const judged = judgedPaths();

  test('a function that an AwsCustomResource only invokes (Lambda invoke, through Fn::Join) is not judged', () => {
    expect(judged).not.toContain('App/Build/Resource');
  });

  test("a Trigger's handler and a TriggerFunction are not judged", () => {
    expect(judged).not.toContain('App/Migration/Resource');
    expect(judged).not.toContain('App/Seed/Resource');
  });

  test('a function that only a CodePipeline Lambda invoke action calls is not judged', () => {
    expect(judged).not.toContain('App/BlueGreen/Resource');
  });

  test('a function with another use (a URL, a permission for another principal, another SDK call) is judged', () => {
    expect(judged).toEqual(
      expect.arrayContaining(['App/Served/Resource', 'App/Granted/Resource', 'App/Configured/Resource']),
    );
  });

  test('a scanned template reads an AwsCustomResource invoke written as a literal JSON string', () => {
    const template = {
      Resources: {
        Build: {
          Type: 'AWS::Lambda::Function',
          Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler' },
        },
        Other: {
          Type: 'AWS::Lambda::Function',
          Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler' },
        },
        Run: {
          Type: 'Custom::AWS',
          Properties: {
            ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
            Create: {
              'Fn::Join': [
                '',
                [
                  '{"service":"@aws-sdk/client-lambda","action":"InvokeCommand","parameters":{"FunctionName":"',
                  { 'Fn::GetAtt': ['Build', 'Arn'] },
                  '","Payload":"',
                  { Ref: 'Other' },
                  '"}}',
                ],
              ],
            },
          },
        },
      },
    };
    expect(verdictsOfTemplate(rule, template)).toEqual({ Build: 'not-applicable', Other: 'non-compliant' });
  });
});
