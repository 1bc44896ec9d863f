import { CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elb from 'aws-cdk-lib/aws-elasticloadbalancing';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import rule from '../../../../policies/rules/ba/NoPlaintextHttp';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/portal';

function albStack() {
  const stack = new Stack(testApp(), 'Portal');
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
  return { stack, alb: new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true }) };
}

function cdnStack() {
  return new Stack(testApp(), 'Site');
}

describe('BIS-BA3 NoPlaintextHttp', () => {
  test('an HTTP listener that redirects to HTTPS is compliant', () => {
    const { alb } = albStack();
    const redirect = alb.addRedirect();
    expect(verdictOf(rule, redirect).kind).toBe('compliant');
  });

  test('an HTTP listener that forwards is an error that names the protocol, port and action', () => {
    const { alb } = albStack();
    const listener = alb.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      defaultAction: elbv2.ListenerAction.fixedResponse(200, { messageBody: 'hello' }),
    });
    expect(verdictOf(rule, listener)).toMatchObject({
      kind: 'non-compliant',
      message:
        "The listener (Protocol HTTP, port 80) serves plaintext HTTP: its DefaultActions are 'fixed-response', not a redirect to HTTPS.",
    });
  });

  test('a rule added to an HTTP listener serves plaintext too', () => {
    const { alb } = albStack();
    const listener = alb.addRedirect();
    listener.addAction('Legacy', {
      priority: 10,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/legacy/*'])],
      action: elbv2.ListenerAction.fixedResponse(200),
    });
    const listenerRule = listener.node.findChild('LegacyRule');
    expect(verdictOf(rule, listenerRule)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^The rule of listener \w+ \(Protocol HTTP\) serves plaintext HTTP: its Actions are 'fixed-response'/,
      ),
    });
  });

  test('an HTTPS listener is compliant', () => {
    const { alb } = albStack();
    const listener = alb.addListener('Https', {
      port: 443,
      certificates: [elbv2.ListenerCertificate.fromArn(CERTIFICATE_ARN)],
      defaultAction: elbv2.ListenerAction.fixedResponse(200),
    });
    expect(verdictOf(rule, listener).kind).toBe('compliant');
  });

  test('a listener protocol chosen by a parameter may be HTTP, so it fails closed', () => {
    const { stack, alb } = albStack();
    const protocol = new CfnParameter(stack, 'Protocol', {
      allowedValues: ['HTTP', 'HTTPS'],
      default: 'HTTPS',
    });
    const listener = alb.addListener('Any', { port: 8443, protocol: elbv2.ApplicationProtocol.HTTP });
    listener.addAction('Default', { action: elbv2.ListenerAction.fixedResponse(200) });
    (listener.node.defaultChild as elbv2.CfnListener).addPropertyOverride('Protocol', protocol.valueAsString);
    expect(verdictOf(rule, listener)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^The listener \(Protocol computed at deploy time, port 8443\) may serve plaintext HTTP/,
      ),
    });
  });

  test('a classic load balancer with an HTTP listener is an error: it cannot redirect', () => {
    const stack = new Stack(testApp(), 'Legacy');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
    const classic = new elb.LoadBalancer(stack, 'Lb', { vpc, internetFacing: true });
    classic.addListener({
      externalPort: 80,
      externalProtocol: elb.LoadBalancingProtocol.HTTP,
      internalPort: 8080,
    });
    expect(verdictOf(rule, classic)).toMatchObject({
      kind: 'non-compliant',
      message:
        'Classic load balancer: listener Protocol http on port 80 serves plaintext HTTP. A classic ELB cannot redirect to HTTPS.',
    });
  });

  test("the L2 cloudfront.Distribution defaults to 'allow-all', which is an error", () => {
    const distribution = new cloudfront.Distribution(cdnStack(), 'Cdn', {
      defaultBehavior: { origin: new origins.HttpOrigin('origin.example.com') },
    });
    expect(verdictOf(rule, distribution)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^DefaultCacheBehavior ViewerProtocolPolicy is 'allow-all', so viewers may use plaintext HTTP\. /,
      ),
    });
  });

  test('a distribution that redirects to HTTPS with TLS 1.2 on its own domain is compliant', () => {
    const stack = cdnStack();
    const distribution = new cloudfront.Distribution(stack, 'Cdn', {
      defaultBehavior: {
        origin: new origins.HttpOrigin('origin.example.com'),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new origins.HttpOrigin('api.example.com'),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        },
      },
      domainNames: ['www.example.com'],
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERTIFICATE_ARN),
    });
    expect(verdictOf(rule, distribution).kind).toBe('compliant');
  });

  test('an allow-all cache behavior and a TLS 1.0 minimum are both named', () => {
    const stack = cdnStack();
    const distribution = new cloudfront.Distribution(stack, 'Cdn', {
      defaultBehavior: {
        origin: new origins.HttpOrigin('origin.example.com'),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      },
      additionalBehaviors: { '/legacy/*': { origin: new origins.HttpOrigin('old.example.com') } },
      domainNames: ['www.example.com'],
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERTIFICATE_ARN),
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2016,
    });
    expect(verdictOf(rule, distribution)).toMatchObject({
      kind: 'non-compliant',
      message:
        "CacheBehaviors '/legacy/*' ViewerProtocolPolicy is 'allow-all', so viewers may use plaintext HTTP. " +
        "ViewerCertificate.MinimumProtocolVersion is 'TLSv1_2016', below TLS 1.2.",
    });
  });

  test('a viewer protocol policy chosen by a condition is an error when one branch is allow-all', () => {
    const stack = cdnStack();
    const stage = new CfnParameter(stack, 'Stage', { allowedValues: ['dev', 'prod'], default: 'prod' });
    new CfnCondition(stack, 'Dev', { expression: Fn.conditionEquals(stage.valueAsString, 'dev') });
    const distribution = new cloudfront.Distribution(stack, 'Cdn', {
      defaultBehavior: {
        origin: new origins.HttpOrigin('origin.example.com'),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      },
    });
    (distribution.node.defaultChild as cloudfront.CfnDistribution).addPropertyOverride(
      'DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy',
      Fn.conditionIf('Dev', 'allow-all', 'redirect-to-https'),
    );
    expect(verdictOf(rule, distribution)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/'allow-all'/),
    });
  });

  test('a scanned template gets the same verdicts', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Redirect: {
          Type: 'AWS::ElasticLoadBalancingV2::Listener',
          Properties: {
            Protocol: 'HTTP',
            Port: 80,
            DefaultActions: [
              {
                Type: 'redirect',
                RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' },
              },
            ],
          },
        },
        SameProtocol: {
          Type: 'AWS::ElasticLoadBalancingV2::Listener',
          Properties: {
            Protocol: 'HTTP',
            Port: 80,
            DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: '#{protocol}', Path: '/new' } }],
          },
        },
        ImportedRule: {
          Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
          Properties: {
            ListenerArn: { 'Fn::ImportValue': 'shared-listener' },
            Actions: [{ Type: 'forward' }],
          },
        },
        Tcp80: {
          Type: 'AWS::ElasticLoadBalancing::LoadBalancer',
          Properties: { Listeners: [{ Protocol: 'TCP', LoadBalancerPort: '80', InstancePort: '80' }] },
        },
        Https: {
          Type: 'AWS::ElasticLoadBalancing::LoadBalancer',
          Properties: {
            Listeners: [
              { Protocol: 'HTTPS', LoadBalancerPort: 443, InstancePort: 80, SSLCertificateId: 'arn' },
            ],
          },
        },
        DefaultCert: {
          Type: 'AWS::CloudFront::Distribution',
          Properties: {
            DistributionConfig: {
              DefaultCacheBehavior: { ViewerProtocolPolicy: 'https-only' },
              ViewerCertificate: { CloudFrontDefaultCertificate: true },
            },
          },
        },
        NoMinimum: {
          Type: 'AWS::CloudFront::Distribution',
          Properties: {
            DistributionConfig: {
              DefaultCacheBehavior: { ViewerProtocolPolicy: 'https-only' },
              ViewerCertificate: { AcmCertificateArn: 'arn', SslSupportMethod: 'sni-only' },
            },
          },
        },
        Malformed: { Type: 'AWS::CloudFront::Distribution', Properties: { DistributionConfig: 'nope' } },
      },
    });
    expect(verdicts).toEqual({
      Redirect: 'compliant',
      SameProtocol: 'non-compliant',
      ImportedRule: 'not-applicable',
      Tcp80: 'non-compliant',
      Https: 'compliant',
      DefaultCert: 'non-compliant',
      NoMinimum: 'non-compliant',
      Malformed: 'compliant',
    });
  });
});
