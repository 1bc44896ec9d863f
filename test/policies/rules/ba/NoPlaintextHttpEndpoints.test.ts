import { Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import rule from '../../../../policies/rules/ba/NoPlaintextHttp';
import { templateVerdicts, testApp, verdictOf } from '../../harness';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/portal';

function nlbListener(props: { internetFacing: boolean; protocol?: elbv2.Protocol; port: number }) {
  const stack = new Stack(testApp(), 'Edge');
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
  const nlb = new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc, internetFacing: props.internetFacing });
  const listener = nlb.addListener('Web', {
    port: props.port,
    protocol: props.protocol ?? elbv2.Protocol.TCP,
    ...(props.protocol === elbv2.Protocol.TLS
      ? { certificates: [elbv2.ListenerCertificate.fromArn(CERTIFICATE_ARN)] }
      : {}),
  });
  listener.addTargets('App', { port: 8080 });
  return listener;
}

const siteStack = () => new Stack(testApp(), 'Site');

describe('BIS-BA3 plaintext HTTP on Network Load Balancers', () => {
  test('a TCP listener on port 80 of an internet-facing NLB is plaintext HTTP', () => {
    expect(verdictOf(rule, nlbListener({ internetFacing: true, port: 80 }))).toEqual({
      kind: 'non-compliant',
      message:
        'The listener (Protocol TCP, port 80) of an internet-facing load balancer carries plaintext HTTP: a TCP listener forwards the bytes as they come and cannot redirect to HTTPS.',
    });
  });

  test('a TCP listener on port 80 of an internal NLB is not reachable from a browser on the internet', () => {
    expect(verdictOf(rule, nlbListener({ internetFacing: false, port: 80 })).kind).toBe('compliant');
  });

  test('a TLS listener on port 443 of an internet-facing NLB is compliant', () => {
    const listener = nlbListener({ internetFacing: true, port: 443, protocol: elbv2.Protocol.TLS });
    expect(verdictOf(rule, listener).kind).toBe('compliant');
  });

  test('a scanned TCP_UDP listener on port 80 of a load balancer outside the template is plaintext HTTP', () => {
    const verdicts = templateVerdicts(rule, {
      Resources: {
        Web: {
          Type: 'AWS::ElasticLoadBalancingV2::Listener',
          Properties: {
            Protocol: 'TCP_UDP',
            Port: '80',
            LoadBalancerArn: { 'Fn::ImportValue': 'shared-nlb' },
          },
        },
        Dns: {
          Type: 'AWS::ElasticLoadBalancingV2::Listener',
          Properties: { Protocol: 'UDP', Port: 53, LoadBalancerArn: { 'Fn::ImportValue': 'shared-nlb' } },
        },
      },
    });
    expect(verdicts.Web).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining('(Protocol TCP_UDP, port 80) of a load balancer outside the template'),
    });
    expect(verdicts.Dns.kind).toBe('compliant');
  });
});

describe('BIS-BA3 S3 website endpoints', () => {
  test('a publicly readable website bucket serves plaintext HTTP', () => {
    const bucket = new s3.Bucket(siteStack(), 'Site', {
      websiteIndexDocument: 'index.html',
      publicReadAccess: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
    });
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^The bucket has a WebsiteConfiguration, and S3 website endpoints serve plaintext HTTP only; it is reachable because bucket policy \w+ statement #1 lets everyone read its objects\.$/,
      ),
    });
  });

  test('a website bucket that a distribution reaches as its origin serves plaintext HTTP behind it', () => {
    const stack = siteStack();
    const bucket = new s3.Bucket(stack, 'Site', { websiteIndexDocument: 'index.html' });
    const distribution = new cloudfront.Distribution(stack, 'Cdn', {
      defaultBehavior: {
        origin: new origins.S3StaticWebsiteOrigin(bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      },
    });
    const distributionId = stack.getLogicalId(distribution.node.defaultChild as cloudfront.CfnDistribution);
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining(
        `distribution ${distributionId} uses its website endpoint as an origin (over HTTP)`,
      ),
    });
  });

  test('a private bucket behind CloudFront with an origin access control is compliant', () => {
    const stack = siteStack();
    const bucket = new s3.Bucket(stack, 'Site', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
    const distribution = new cloudfront.Distribution(stack, 'Cdn', {
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      },
      defaultRootObject: 'index.html',
      domainNames: ['www.example.com'],
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERTIFICATE_ARN),
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    });
    expect(verdictOf(rule, bucket).kind).toBe('not-applicable');
    expect(verdictOf(rule, distribution).kind).toBe('compliant');
  });

  test('a website bucket nobody can read is not an open endpoint', () => {
    const bucket = new s3.Bucket(siteStack(), 'Site', { websiteIndexDocument: 'index.html' });
    expect(verdictOf(rule, bucket).kind).toBe('compliant');
  });

  test('a public website that redirects every request to HTTPS answers HTTP only with the redirect', () => {
    const bucket = new s3.Bucket(siteStack(), 'Apex', {
      websiteRedirect: { hostName: 'www.example.com', protocol: s3.RedirectProtocol.HTTPS },
      publicReadAccess: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
    });
    expect(verdictOf(rule, bucket).kind).toBe('compliant');
  });

  test('a scanned template: a PublicRead ACL opens the website, an account-confined policy does not', () => {
    const verdicts = templateVerdicts(rule, {
      Resources: {
        Acl: {
          Type: 'AWS::S3::Bucket',
          Properties: { AccessControl: 'PublicRead', WebsiteConfiguration: { IndexDocument: 'index.html' } },
        },
        Confined: {
          Type: 'AWS::S3::Bucket',
          Properties: { WebsiteConfiguration: { IndexDocument: 'index.html' } },
        },
        ConfinedPolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: { Ref: 'Confined' },
            PolicyDocument: {
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: '*',
                  Action: 's3:GetObject',
                  Resource: { 'Fn::Sub': '${Confined.Arn}/*' },
                  Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
                },
              ],
            },
          },
        },
      },
    });
    expect(verdicts.Acl).toMatchObject({
      message: expect.stringContaining('its AccessControl is PublicRead'),
    });
    expect(verdicts.Confined.kind).toBe('compliant');
  });
});

describe('BIS-BA3 the default CloudFront certificate', () => {
  test('a distribution on the default *.cloudfront.net certificate accepts TLS 1.0, whatever its minimum says', () => {
    const distribution = new cloudfront.Distribution(siteStack(), 'Cdn', {
      defaultBehavior: {
        origin: new origins.HttpOrigin('origin.example.com'),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      },
    });
    expect(verdictOf(rule, distribution)).toEqual({
      kind: 'non-compliant',
      message:
        'there is no ViewerCertificate, so the distribution is served on the default *.cloudfront.net certificate, where CloudFront applies the TLSv1 security policy and accepts TLS 1.0 and 1.1 whatever MinimumProtocolVersion says; serve it on your own domain with an ACM certificate (us-east-1) and TLSv1.2_2021.',
    });
  });

  test.each([
    [
      'CloudFrontDefaultCertificate: true',
      { CloudFrontDefaultCertificate: true, MinimumProtocolVersion: 'TLSv1.2_2021' },
      /ViewerCertificate is CloudFrontDefaultCertificate, so .*default \*\.cloudfront\.net certificate/,
    ],
    [
      'a certificate chosen by a condition, one branch the default',
      {
        'Fn::If': [
          'Prod',
          { AcmCertificateArn: CERTIFICATE_ARN, MinimumProtocolVersion: 'TLSv1.2_2021' },
          { Ref: 'AWS::NoValue' },
        ],
      },
      /^there is no ViewerCertificate/,
    ],
    [
      'a certificate imported from another stack',
      { 'Fn::ImportValue': 'viewer-certificate' },
      /ViewerCertificate is computed at deploy time/,
    ],
  ])('a scanned distribution with %s is an error', (_, certificate, message) => {
    const verdicts = templateVerdicts(rule, {
      Resources: {
        Cdn: {
          Type: 'AWS::CloudFront::Distribution',
          Properties: {
            DistributionConfig: {
              DefaultCacheBehavior: { ViewerProtocolPolicy: 'https-only' },
              ViewerCertificate: certificate,
            },
          },
        },
      },
    });
    expect(verdicts.Cdn).toMatchObject({ kind: 'non-compliant', message: expect.stringMatching(message) });
  });
});
