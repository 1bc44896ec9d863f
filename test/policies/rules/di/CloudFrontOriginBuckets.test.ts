import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import rule from '../../../../policies/rules/di/DataStoresOnlyInDataPlatform';
import { evaluateApp, findingsFor, testApp, verdictsOfTemplate } from '../../harness';

function distribute(stack: Stack, id: string, origin: cloudfront.IOrigin) {
  new cloudfront.Distribution(stack, id, { defaultBehavior: { origin } });
}

function handler(stack: Stack, id: string) {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
}

describe('BIS-DI1: CloudFront origin buckets that only CloudFront reads hold the site', () => {
  function findings() {
    const app = testApp();
    const stack = new Stack(app, 'Web');
    const oacSite = new s3.Bucket(stack, 'OacSite', {
      autoDeleteObjects: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    distribute(stack, 'OacCdn', origins.S3BucketOrigin.withOriginAccessControl(oacSite));
    const oaiSite = new s3.Bucket(stack, 'OaiSite');
    distribute(stack, 'OaiCdn', origins.S3BucketOrigin.withOriginAccessIdentity(oaiSite));
    // Origins that hold more than the site: a function writes to one, one fires events, one ages its objects.
    const written = new s3.Bucket(stack, 'Written');
    distribute(stack, 'WrittenCdn', origins.S3BucketOrigin.withOriginAccessControl(written));
    written.grantWrite(handler(stack, 'Uploader'));
    const notifying = new s3.Bucket(stack, 'Notifying');
    distribute(stack, 'NotifyingCdn', origins.S3BucketOrigin.withOriginAccessControl(notifying));
    notifying.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.LambdaDestination(handler(stack, 'OnUpload')),
    );
    const ageing = new s3.Bucket(stack, 'Ageing', { lifecycleRules: [{ expiration: Duration.days(30) }] });
    distribute(stack, 'AgeingCdn', origins.S3BucketOrigin.withOriginAccessControl(ageing));
    // Another principal in the bucket policy beside CloudFront.
    const shared = new s3.Bucket(stack, 'Shared');
    distribute(stack, 'SharedCdn', origins.S3BucketOrigin.withOriginAccessControl(shared));
    shared.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [shared.arnForObjects('*')],
        principals: [new iam.AccountPrincipal('210987654321')],
      }),
    );
    // CloudFront may write through the OAC (uploads via the distribution): user data.
    const uploads = new s3.Bucket(stack, 'Uploads');
    distribute(
      stack,
      'UploadsCdn',
      origins.S3BucketOrigin.withOriginAccessControl(uploads, {
        originAccessLevels: [cloudfront.AccessLevel.READ, cloudfront.AccessLevel.WRITE],
      }),
    );
    // A bucket CloudFront does not serve.
    new s3.Bucket(stack, 'Plain');
    return findingsFor(evaluateApp(app), 'BIS-DI1').map((finding) => finding.path);
  }

  const judged = findings();

  test('an OAC origin bucket (with CDK auto-delete) and an OAI origin bucket get no DI1', () => {
    expect(judged).not.toContain('Web/OacSite/Resource');
    expect(judged).not.toContain('Web/OaiSite/Resource');
  });

  test('an origin bucket another principal writes or reads, that fires events, that ages data, or that CloudFront writes, is judged', () => {
    expect(judged).toEqual(
      expect.arrayContaining([
        'Web/Written/Resource',
        'Web/Notifying/Resource',
        'Web/Ageing/Resource',
        'Web/Shared/Resource',
        'Web/Uploads/Resource',
        'Web/Plain/Resource',
      ]),
    );
  });

  test('a scanned template: an OAC origin bucket is spared, one with NotificationConfiguration is judged', () => {
    const site = (logicalId: string, extra: object) => ({
      [logicalId]: { Type: 'AWS::S3::Bucket', Properties: extra },
      [`${logicalId}Policy`]: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: { Ref: logicalId },
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: 's3:GetObject',
                Principal: { Service: 'cloudfront.amazonaws.com' },
                Resource: { 'Fn::Sub': `\${${logicalId}.Arn}/*` },
                Condition: {
                  StringEquals: {
                    'AWS:SourceArn': {
                      'Fn::Sub': `arn:aws:cloudfront::\${AWS::AccountId}:distribution/\${${logicalId}Cdn}`,
                    },
                  },
                },
              },
            ],
          },
        },
      },
      [`${logicalId}Cdn`]: {
        Type: 'AWS::CloudFront::Distribution',
        Properties: {
          DistributionConfig: {
            Origins: [
              {
                Id: 'site',
                DomainName: { 'Fn::GetAtt': [logicalId, 'RegionalDomainName'] },
                OriginAccessControlId: 'E2OAC',
                S3OriginConfig: { OriginAccessIdentity: '' },
              },
            ],
          },
        },
      },
    });
    const template = {
      Resources: {
        ...site('Site', {}),
        ...site('Events', {
          NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
        }),
      },
    };
    expect(verdictsOfTemplate(rule, template)).toEqual({ Site: 'not-applicable', Events: 'non-compliant' });
  });
});
