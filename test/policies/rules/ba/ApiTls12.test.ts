import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigatewayv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as sam from 'aws-cdk-lib/aws-sam';
import rule from '../../../../policies/rules/ba/ApiTls12';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/api';

function apiStack() {
  const stack = new Stack(testApp(), 'Api');
  return { stack, certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERTIFICATE_ARN) };
}

describe('BIS-BA4 ApiTls12', () => {
  test('apigateway.DomainName documents TLS_1_2 as default but renders no SecurityPolicy, so the default is an error', () => {
    const { stack, certificate } = apiStack();
    const domain = new apigateway.DomainName(stack, 'Domain', { domainName: 'api.example.com', certificate });
    // The real default: the template carries no SecurityPolicy, leaving API Gateway's legacy TLS_1_0 default.
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::DomainName', {
      SecurityPolicy: Match.absent(),
    });
    expect(verdictOf(rule, domain)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^SecurityPolicy is absent; API Gateway then applies its legacy default for REST custom domains, TLS_1_0/,
      ),
    });
  });

  test('a REST custom domain on TLS_1_2 or an enhanced TLS 1.3 policy is compliant', () => {
    const { stack, certificate } = apiStack();
    const tls12 = new apigateway.DomainName(stack, 'Tls12', {
      domainName: 'api.example.com',
      certificate,
      securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
    });
    const tls13 = new apigateway.DomainName(stack, 'Tls13', {
      domainName: 'next.example.com',
      certificate,
      securityPolicy: apigateway.SecurityPolicy.TLS13_1_3_2025_09,
      endpointAccessMode: apigateway.EndpointAccessMode.STRICT,
    });
    expect(verdictOf(rule, tls12).kind).toBe('compliant');
    expect(verdictOf(rule, tls13).kind).toBe('compliant');
  });

  test('a REST custom domain on TLS_1_0 is an error that names the policy', () => {
    const { stack, certificate } = apiStack();
    const api = new apigateway.RestApi(stack, 'Rest', {
      domainName: {
        domainName: 'api.example.com',
        certificate,
        securityPolicy: apigateway.SecurityPolicy.TLS_1_0,
      },
    });
    api.root.addMethod('GET', new apigateway.MockIntegration());
    expect(verdictOf(rule, api.domainName!)).toMatchObject({
      kind: 'non-compliant',
      message: "SecurityPolicy is 'TLS_1_0', which accepts TLS below 1.2.",
    });
  });

  test('an HTTP API custom domain must pin TLS_1_2 on each configuration', () => {
    const { stack, certificate } = apiStack();
    const unpinned = new apigatewayv2.DomainName(stack, 'Unpinned', {
      domainName: 'h.example.com',
      certificate,
    });
    const pinned = new apigatewayv2.DomainName(stack, 'Pinned', {
      domainName: 'p.example.com',
      certificate,
      securityPolicy: apigatewayv2.SecurityPolicy.TLS_1_2,
    });
    expect(verdictOf(rule, unpinned)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^DomainNameConfigurations\[0\]\.SecurityPolicy is absent; the template then does not pin/,
      ),
    });
    expect(verdictOf(rule, pinned).kind).toBe('compliant');
  });

  test('a security policy taken from a parameter may be TLS_1_0, so it fails closed', () => {
    const { stack, certificate } = apiStack();
    const policy = new CfnParameter(stack, 'TlsPolicy', {
      allowedValues: ['TLS_1_0', 'TLS_1_2'],
      default: 'TLS_1_2',
    });
    const domain = new apigateway.DomainName(stack, 'Domain', {
      domainName: 'api.example.com',
      certificate,
      securityPolicy: policy.valueAsString as apigateway.SecurityPolicy,
    });
    expect(verdictOf(rule, domain)).toMatchObject({
      kind: 'non-compliant',
      message:
        'SecurityPolicy is computed at deploy time; it must be a literal TLS_1_2 or SecurityPolicy_TLS13_* policy.',
    });
  });

  test('SAM APIs are judged on their Domain: TLS_1_0 is an error, TLS_1_2 is compliant, no domain is not applicable', () => {
    const stack = new Stack(testApp(), 'Sam');
    const legacy = new sam.CfnApi(stack, 'Legacy', {
      stageName: 'prod',
      domain: {
        domainName: 'legacy.example.com',
        certificateArn: CERTIFICATE_ARN,
        securityPolicy: 'TLS_1_0',
      },
    });
    const http = new sam.CfnHttpApi(stack, 'Http', {
      domain: { domainName: 'http.example.com', certificateArn: CERTIFICATE_ARN, securityPolicy: 'TLS_1_2' },
    });
    const bare = new sam.CfnApi(stack, 'Bare', { stageName: 'prod' });
    expect(verdictOf(rule, legacy)).toMatchObject({
      kind: 'non-compliant',
      message: "Domain.SecurityPolicy is 'TLS_1_0', which accepts TLS below 1.2.",
    });
    expect(verdictOf(rule, http).kind).toBe('compliant');
    expect(verdictOf(rule, bare).kind).toBe('not-applicable');
  });

  test('a scanned template gets the same verdicts, conditions and SAM types included', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Rest: {
          Type: 'AWS::ApiGateway::DomainName',
          Properties: { DomainName: 'a.example.com', SecurityPolicy: 'TLS_1_2' },
        },
        Private: { Type: 'AWS::ApiGateway::DomainNameV2', Properties: { DomainName: 'p.example.com' } },
        Conditional: {
          Type: 'AWS::ApiGatewayV2::DomainName',
          Properties: {
            DomainName: 'c.example.com',
            DomainNameConfigurations: [{ SecurityPolicy: { 'Fn::If': ['Legacy', 'TLS_1_0', 'TLS_1_2'] } }],
          },
        },
        SamRest: {
          Type: 'AWS::Serverless::Api',
          Properties: { StageName: 'prod', Domain: { DomainName: 'r.example.com', CertificateArn: 'arn' } },
        },
        SamHttp: {
          Type: 'AWS::Serverless::HttpApi',
          Properties: {
            Domain: { DomainName: 'h.example.com', CertificateArn: 'arn', SecurityPolicy: 'TLS_1_2' },
          },
        },
        SamComputed: {
          Type: 'AWS::Serverless::HttpApi',
          Properties: { Domain: { 'Fn::ImportValue': 'domain' } },
        },
        Malformed: {
          Type: 'AWS::ApiGatewayV2::DomainName',
          Properties: { DomainNameConfigurations: [42, 'x'] },
        },
      },
    });
    expect(verdicts).toEqual({
      Rest: 'compliant',
      Private: 'non-compliant',
      Conditional: 'non-compliant',
      SamRest: 'non-compliant',
      SamHttp: 'compliant',
      SamComputed: 'non-compliant',
      Malformed: 'non-compliant',
    });
  });
});
