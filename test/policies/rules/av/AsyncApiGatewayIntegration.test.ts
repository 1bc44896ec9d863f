import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import rule from '../../../../policies/rules/av/AsyncFailureDestination';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

/** A REST API whose POST /jobs hands the request to a function, asynchronously when `invocationType` is given. */
function api(invocationType?: string, onFailure?: (stack: Stack) => lambda.IDestination) {
  const stack = new Stack(testApp(), 'Jobs');
  const worker = new lambda.Function(stack, 'Worker', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    onFailure: onFailure?.(stack),
  });
  const rest = new apigw.RestApi(stack, 'Api');
  rest.root.addResource('jobs').addMethod(
    'POST',
    new apigw.LambdaIntegration(worker, {
      proxy: false,
      requestParameters: invocationType
        ? { 'integration.request.header.X-Amz-Invocation-Type': invocationType }
        : undefined,
      integrationResponses: [{ statusCode: '202' }],
    }),
    { methodResponses: [{ statusCode: '202' }] },
  );
  return worker;
}

describe("BIS-AV1: an API Gateway integration with X-Amz-Invocation-Type 'Event' makes the function asynchronous", () => {
  test('without an on-failure destination it is a finding naming the method', () => {
    expect(verdictOf(rule, api("'Event'"))).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /invoked asynchronously by API Gateway method .*X-Amz-Invocation-Type 'Event'/,
      ),
    });
  });

  test('with an on-failure destination it is compliant', () => {
    const worker = api("'Event'", (stack) => new destinations.SqsDestination(new sqs.Queue(stack, 'Failed')));
    expect(verdictOf(rule, worker).kind).toBe('compliant');
  });

  test('a synchronous integration, or an invocation type mapped from the request, is not asynchronous', () => {
    expect(verdictOf(rule, api()).kind).toBe('not-applicable');
    expect(verdictOf(rule, api("'RequestResponse'")).kind).toBe('not-applicable');
    expect(verdictOf(rule, api('method.request.header.InvocationType')).kind).toBe('not-applicable');
  });

  test('a scanned template reads the header whatever its case', () => {
    const template = {
      Resources: {
        Worker: {
          Type: 'AWS::Lambda::Function',
          Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler' },
        },
        Post: {
          Type: 'AWS::ApiGateway::Method',
          Properties: {
            HttpMethod: 'POST',
            Integration: {
              Type: 'AWS',
              IntegrationHttpMethod: 'POST',
              Uri: {
                'Fn::Sub':
                  'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Worker.Arn}/invocations',
              },
              RequestParameters: { 'integration.request.header.x-amz-invocation-type': "'Event'" },
            },
          },
        },
      },
    };
    expect(verdictsOfTemplate(rule, template)).toEqual({ Worker: 'non-compliant' });
  });

  test('an inline OpenAPI definition (RestApi Body, SAM DefinitionBody) is read the same way', () => {
    const uri = (fn: string) => ({
      'Fn::Sub': `arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${fn}.Arn}/invocations`,
    });
    const operation = (fn: string, invocationType?: string) => ({
      post: {
        'x-amazon-apigateway-integration': {
          type: 'aws',
          httpMethod: 'POST',
          uri: uri(fn),
          ...(invocationType
            ? { requestParameters: { 'integration.request.header.X-Amz-Invocation-Type': invocationType } }
            : {}),
        },
      },
    });
    const fn = {
      Type: 'AWS::Lambda::Function',
      Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler' },
    };
    const template = {
      Resources: {
        Queued: fn,
        Direct: fn,
        SamQueued: fn,
        Api: {
          Type: 'AWS::ApiGateway::RestApi',
          Properties: {
            Body: { paths: { '/jobs': operation('Queued', "'Event'"), '/now': operation('Direct') } },
          },
        },
        Sam: {
          Type: 'AWS::Serverless::Api',
          Properties: {
            StageName: 'live',
            DefinitionBody: { paths: { '/jobs': operation('SamQueued', "'Event'") } },
          },
        },
      },
    };
    expect(verdictsOfTemplate(rule, template)).toEqual({
      Queued: 'non-compliant',
      Direct: 'not-applicable',
      SamQueued: 'non-compliant',
    });
  });
});
