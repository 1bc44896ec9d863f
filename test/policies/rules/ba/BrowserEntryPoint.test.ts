import { CfnCondition, CfnParameter, Fn, NestedStack, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigatewayv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as mediapackage from 'aws-cdk-lib/aws-mediapackage';
import * as mediapackagev2 from 'aws-cdk-lib/aws-mediapackagev2';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BisRole } from '../../../../lib/roles';
import rule from '../../../../policies/rules/ba/BrowserEntryPoint';
import { evaluateApp, findingsFor, testApp, verdictOf, verdictsOfTemplate } from '../../harness';

function handler(scope: Construct, id = 'Handler'): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
}

function ba1(app: ReturnType<typeof testApp>) {
  return findingsFor(evaluateApp(app), 'BIS-BA1');
}

describe('BIS-BA1 BrowserEntryPoint', () => {
  test('an application stack with only a Lambda function is an error reported once, on the stack anchor', () => {
    const app = testApp();
    handler(new Stack(app, 'Orders'));
    expect(ba1(app)).toEqual([
      {
        // A stack-level finding sits on the stack itself, not on its first resource.
        path: 'Orders',
        level: 'error',
        message: expect.stringMatching(
          /^Stack Orders, the only application stack of the app, has no browser entry point\. Accepted entry points: .*HTTP or WebSocket API/,
        ),
      },
    ]);
  });

  test("resources other than the anchor are not this rule's business", () => {
    const fn = handler(new Stack(testApp(), 'Orders'));
    expect(verdictOf(rule, fn).kind).toBe('not-applicable');
  });

  test('an application stack with an HTTP API is compliant', () => {
    const app = testApp();
    const stack = new Stack(app, 'Orders');
    const api = new apigatewayv2.HttpApi(stack, 'Api');
    api.addRoutes({ path: '/orders', integration: new HttpLambdaIntegration('Orders', handler(stack)) });
    expect(ba1(app)).toEqual([]);
  });

  test('a MediaPackage v1 HLS origin endpoint is a browser entry point', () => {
    const app = testApp();
    const stack = new Stack(app, 'Streaming');
    handler(stack);
    const channel = new mediapackage.CfnChannel(stack, 'Channel', { id: 'live' });
    new mediapackage.CfnOriginEndpoint(stack, 'Hls', {
      id: 'live-hls',
      channelId: channel.id,
      hlsPackage: { segmentDurationSeconds: 6 },
    });
    expect(ba1(app)).toEqual([]);
  });

  test('a MediaPackage v2 origin endpoint is a browser entry point', () => {
    const app = testApp();
    const stack = new Stack(app, 'Streaming');
    handler(stack);
    new mediapackagev2.CfnOriginEndpoint(stack, 'Hls', {
      channelGroupName: 'live',
      channelName: 'main',
      originEndpointName: 'hls',
      containerType: 'TS',
      hlsManifests: [{ manifestName: 'index' }],
    });
    expect(ba1(app)).toEqual([]);
  });

  test('a MediaPackage channel without an origin endpoint is no entry point', () => {
    const app = testApp();
    const stack = new Stack(app, 'Streaming');
    new mediapackage.CfnChannel(stack, 'Channel', { id: 'live' });
    expect(ba1(app).map((finding) => finding.path)).toEqual(['Streaming']);
  });

  test('a Lambda function URL is a browser entry point', () => {
    const app = testApp();
    handler(new Stack(app, 'Orders')).addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    expect(ba1(app)).toEqual([]);
  });

  test('an entry point inside a nested stack counts for its parent', () => {
    const app = testApp();
    const parent = new Stack(app, 'Orders');
    handler(parent);
    const web = new NestedStack(parent, 'Web');
    new apigateway.LambdaRestApi(web, 'Api', { handler: handler(web, 'WebHandler') });
    expect(ba1(app)).toEqual([]);
  });

  test('a deployment unit without an entry point anywhere is reported once, on the top-level stack', () => {
    const app = testApp();
    const parent = new Stack(app, 'Orders');
    new sqs.Queue(parent, 'Jobs');
    handler(new NestedStack(parent, 'Workers'));
    expect(ba1(app)).toEqual([
      {
        path: 'Orders',
        level: 'error',
        message: expect.stringMatching(
          /^Stack Orders \(with its 1 nested stack\(s\)\), the only application stack of the app, has no browser entry point/,
        ),
      },
    ]);
  });

  test('a data-platform stack needs no browser entry point', () => {
    const app = testApp();
    const lake = new Stack(app, 'Lake');
    BisRole.of(lake).set('data-platform');
    const queue = new sqs.Queue(lake, 'Ingest');
    expect(verdictOf(rule, queue).kind).toBe('not-applicable');
    expect(ba1(app)).toEqual([]);
  });

  test('an internet-facing ALB with an HTTPS listener is an entry point, an internal one is not', () => {
    const build = (internetFacing: boolean) => {
      const app = testApp();
      const stack = new Stack(app, 'Portal');
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
      const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing });
      alb.addListener('Https', {
        port: 443,
        certificates: [
          elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/portal'),
        ],
        defaultAction: elbv2.ListenerAction.fixedResponse(200),
      });
      return ba1(app);
    };
    expect(build(true)).toEqual([]);
    expect(build(false)).toEqual([expect.objectContaining({ level: 'error' })]);
  });

  test('an internet-facing ALB serving plain HTTP is one finding, BIS-BA3, not also BIS-BA1', () => {
    const build = (listen: (alb: elbv2.ApplicationLoadBalancer) => void) => {
      const app = testApp();
      const stack = new Stack(app, 'Portal');
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
      listen(new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true }));
      const findings = evaluateApp(app);
      return { ba1: findingsFor(findings, 'BIS-BA1'), ba3: findingsFor(findings, 'BIS-BA3') };
    };
    const serving = build((alb) =>
      alb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(200) }),
    );
    expect(serving.ba1).toEqual([]);
    expect(serving.ba3).toEqual([
      expect.objectContaining({
        path: 'Portal/Alb/Http/Resource',
        message: expect.stringMatching(/plaintext HTTP/),
      }),
    ]);
    // A listener that only redirects to an HTTPS listener that does not exist serves nothing.
    const redirecting = build((alb) =>
      alb.addListener('Http', {
        port: 80,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
      }),
    );
    expect(redirecting.ba3).toEqual([]);
    expect(redirecting.ba1).toEqual([expect.objectContaining({ path: 'Portal', level: 'error' })]);
  });

  test('a REST API whose endpoint type is chosen by a condition may be public, so it counts', () => {
    const app = testApp();
    const stack = new Stack(app, 'Orders');
    const exposure = new CfnParameter(stack, 'Exposure', {
      allowedValues: ['public', 'private'],
      default: 'public',
    });
    new CfnCondition(stack, 'Private', { expression: Fn.conditionEquals(exposure.valueAsString, 'private') });
    const api = new apigateway.RestApi(stack, 'Api');
    api.root.addMethod('GET', new apigateway.MockIntegration());
    (api.node.defaultChild as apigateway.CfnRestApi).addPropertyOverride(
      'EndpointConfiguration.Types',
      Fn.conditionIf('Private', ['PRIVATE'], ['REGIONAL']),
    );
    expect(ba1(app)).toEqual([]);
  });

  test('a private REST API is not reachable from a browser on the internet', () => {
    const app = testApp();
    const stack = new Stack(app, 'Orders');
    const api = new apigateway.RestApi(stack, 'Api', { endpointTypes: [apigateway.EndpointType.PRIVATE] });
    api.root.addMethod('GET', new apigateway.MockIntegration());
    expect(ba1(app)).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/no browser entry point/) }),
    ]);
  });

  test('a SAM function with an Api event creates an implicit API and is compliant', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Orders: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            CodeUri: 'src/',
            Events: { List: { Type: 'Api', Properties: { Path: '/orders', Method: 'get' } } },
          },
        },
        Jobs: { Type: 'AWS::SQS::Queue' },
      },
    });
    expect(verdicts).toEqual({ Orders: 'compliant', Jobs: 'not-applicable' });
  });

  test('SAM function URLs and HTTP APIs count; a SAM function with only a queue event does not', () => {
    const template = (resources: object) => verdictsOfTemplate(rule, { Resources: resources });
    const worker = {
      Type: 'AWS::Serverless::Function',
      Properties: {
        Events: { Jobs: { Type: 'SQS', Properties: { Queue: { 'Fn::GetAtt': ['Jobs', 'Arn'] } } } },
      },
    };
    expect(template({ Worker: worker })).toEqual({ Worker: 'non-compliant' });
    expect(
      template({
        Worker: worker,
        Url: { Type: 'AWS::Serverless::Function', Properties: { FunctionUrlConfig: { AuthType: 'NONE' } } },
      }),
    ).toEqual({ Worker: 'compliant', Url: 'not-applicable' });
    expect(template({ Worker: worker, Api: { Type: 'AWS::Serverless::HttpApi' } })).toEqual({
      Worker: 'compliant',
      Api: 'not-applicable',
    });
  });

  test('malformed properties never throw', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Fn: {
          Type: 'AWS::Serverless::Function',
          Properties: { Events: 'oops', FunctionUrlConfig: { Ref: 'AWS::NoValue' } },
        },
        Api: { Type: 'AWS::Serverless::Api', Properties: { EndpointConfiguration: { Type: 'PRIVATE' } } },
        Listener: {
          Type: 'AWS::ElasticLoadBalancingV2::Listener',
          Properties: { Protocol: { Ref: 'Proto' } },
        },
      },
    });
    expect(verdicts).toEqual({ Fn: 'non-compliant', Api: 'not-applicable', Listener: 'not-applicable' });
  });
});
