import { Stack } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fsx from 'aws-cdk-lib/aws-fsx';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as s3tables from 'aws-cdk-lib/aws-s3tables';
import rule from '../../../../policies/rules/di/DataStoresOnlyInDataPlatform';
import { evaluateApp, findingsFor, testApp, verdictOf, verdictsOfTemplate } from '../../harness';

describe("BIS-DI1: an app's own artifacts are not enterprise data", () => {
  function app() {
    const app_ = testApp();
    const stack = new Stack(app_, 'Web');
    const assets = new s3.Bucket(stack, 'Assets');
    new s3deploy.BucketDeployment(stack, 'Deploy', {
      sources: [s3deploy.Source.data('index.html', '<h1>hi</h1>')],
      destinationBucket: assets,
    });
    new s3.Bucket(stack, 'Site', { websiteIndexDocument: 'index.html' });
    const source = new codepipeline.Artifact();
    new codepipeline.Pipeline(stack, 'Pipeline', {
      stages: [
        {
          stageName: 'Source',
          actions: [
            new actions.S3SourceAction({
              actionName: 'Source',
              bucket: s3.Bucket.fromBucketName(stack, 'Upstream', 'upstream-sources'),
              bucketKey: 'app.zip',
              output: source,
            }),
          ],
        },
        {
          stageName: 'Approve',
          actions: [new actions.ManualApprovalAction({ actionName: 'Approve' })],
        },
      ],
    });
    new s3.Bucket(stack, 'Uploads');
    return app_;
  }

  const findings = evaluateApp(app());
  const di1 = findingsFor(findings, 'BIS-DI1').map((finding) => finding.path);

  test('a BucketDeployment destination, a website bucket and a pipeline artifact store get no DI1', () => {
    expect(di1.filter((path) => /Assets|Site|Pipeline/.test(path))).toEqual([]);
  });

  test('a bucket of user data beside them still does', () => {
    expect(di1).toEqual(['Web/Uploads/Resource']);
  });

  test('the TR rules still judge the artifact buckets', () => {
    const trOnArtifacts = findings.filter(
      (f) => f.rule.family === 'TR' && /^Web\/(Assets|Site)\/Resource$/.test(f.resource.path),
    );
    expect(trOnArtifacts.length).toBeGreaterThan(0);
  });

  test('a scanned template: WebsiteConfiguration and ArtifactStores read the same way', () => {
    const template = {
      Resources: {
        Site: {
          Type: 'AWS::S3::Bucket',
          Properties: { WebsiteConfiguration: { IndexDocument: 'index.html' } },
        },
        Artifacts: { Type: 'AWS::S3::Bucket' },
        Data: { Type: 'AWS::S3::Bucket' },
        Pipeline: {
          Type: 'AWS::CodePipeline::Pipeline',
          Properties: {
            ArtifactStores: [
              { Region: 'eu-west-1', ArtifactStore: { Type: 'S3', Location: { Ref: 'Artifacts' } } },
            ],
          },
        },
      },
    };
    expect(verdictsOfTemplate(rule, template)).toEqual({
      Site: 'not-applicable',
      Artifacts: 'not-applicable',
      Data: 'non-compliant',
    });
  });
});

describe('BIS-DI1: FSx file systems and S3 table buckets are persistent data stores', () => {
  test('an FSx for Lustre file system in an application stack is a finding', () => {
    const stack = new Stack(testApp(), 'Hpc');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    const lustre = new fsx.LustreFileSystem(stack, 'Scratch', {
      vpc,
      vpcSubnet: vpc.privateSubnets[0] ?? vpc.isolatedSubnets[0] ?? vpc.publicSubnets[0],
      storageCapacityGiB: 1200,
      lustreConfiguration: { deploymentType: fsx.LustreDeploymentType.SCRATCH_2 },
    });
    expect(verdictOf(rule, lustre)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/^AWS::FSx::FileSystem is a persistent data store/),
    });
  });

  test('an S3 table bucket in an application stack is a finding', () => {
    const tables = new s3tables.CfnTableBucket(new Stack(testApp(), 'Analytics'), 'Tables', {
      tableBucketName: 'analytics',
    });
    expect(verdictOf(rule, tables)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/^AWS::S3Tables::TableBucket is a persistent data store/),
    });
  });

  test('every FSx type (Windows, ONTAP, OpenZFS) in a scanned template is a finding', () => {
    const fileSystem = (FileSystemType: string) => ({
      Type: 'AWS::FSx::FileSystem',
      Properties: { FileSystemType, SubnetIds: ['subnet-1'] },
    });
    const template = {
      Resources: { Windows: fileSystem('WINDOWS'), Ontap: fileSystem('ONTAP'), Zfs: fileSystem('OPENZFS') },
    };
    expect(verdictsOfTemplate(rule, template)).toEqual({
      Windows: 'non-compliant',
      Ontap: 'non-compliant',
      Zfs: 'non-compliant',
    });
  });
});
