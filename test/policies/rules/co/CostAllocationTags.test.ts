import { Aws, CfnCondition, CfnParameter, Fn, Stack, Stage, Tags } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sam from 'aws-cdk-lib/aws-sam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BisChecks } from '../../../../policies/bis-checks';
import rule from '../../../../policies/rules/co/CostAllocationTags';
import { evaluateApp, findingsFor, templateVerdicts, testApp, verdictOf } from '../../harness';
import { handler } from './fixtures';

function orders(app = testApp()) {
  const stack = new Stack(app, 'Orders');
  new s3.Bucket(stack, 'Uploads');
  handler(stack);
  new sqs.Queue(stack, 'Jobs');
  new dynamodb.TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  return { app, stack };
}

describe('BIS-CO9 CostAllocationTags', () => {
  test('an untagged stack gets one finding, on the stack, naming how many resources lack the keys and a few of them', () => {
    const { app } = orders();
    const findings = findingsFor(evaluateApp(app), 'BIS-CO9');
    expect(findings).toEqual([
      {
        path: 'Orders',
        level: 'warning',
        message: expect.stringMatching(
          /^4 cost-bearing resources of stack Orders lack the cost-allocation tags 'bis:owner', 'bis:cost-center': Uploads\w+, Handler\w+, Jobs\w+ and 1 more\. Tag the whole app once: Tags\.of\(app\)\.add\('bis:owner', '<value>'\); Tags\.of\(app\)\.add\('bis:cost-center', '<value>'\)\.$/,
        ),
      },
    ]);
    const [finding] = evaluateApp(orders().app).filter((f) => f.rule.id === 'BIS-CO9');
    expect(finding.resource).toMatchObject({ stackLevel: true, type: 'AWS::CloudFormation::Stack' });
  });

  test('resources lacking different keys give one finding per missing set', () => {
    const app = testApp();
    const stack = new Stack(app, 'Orders');
    new s3.Bucket(stack, 'Uploads');
    new s3.Bucket(stack, 'Reports');
    const owned = new sqs.Queue(stack, 'Jobs');
    Tags.of(owned).add('bis:owner', 'team-orders');
    const messages = findingsFor(evaluateApp(app), 'BIS-CO9').map((finding) => finding.message);
    expect(messages).toEqual([
      expect.stringMatching(
        /^2 cost-bearing resources of stack Orders lack the cost-allocation tags 'bis:owner', 'bis:cost-center': Uploads\w+, Reports\w+\./,
      ),
      expect.stringMatching(
        /^1 cost-bearing resource of stack Orders lacks the cost-allocation tag 'bis:cost-center': Jobs\w+\./,
      ),
    ]);
  });

  test('each stack gets its own finding', () => {
    const app = testApp();
    new s3.Bucket(new Stack(app, 'Orders'), 'Uploads');
    new s3.Bucket(new Stack(app, 'Billing'), 'Invoices');
    expect(findingsFor(evaluateApp(app), 'BIS-CO9').map((finding) => finding.path)).toEqual([
      'Orders',
      'Billing',
    ]);
  });

  test('EC2 instances and Auto Scaling groups are cost lines, and are counted', () => {
    const app = testApp();
    const stack = new Stack(app, 'Servers');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
    new ec2.Instance(stack, 'Bastion', {
      vpc,
      instanceType: new ec2.InstanceType('t4g.nano'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    });
    const [finding] = findingsFor(evaluateApp(app), 'BIS-CO9');
    expect(finding.message).toMatch(/^1 cost-bearing resource of stack Servers lacks .*: Bastion\w+\./);
    expect(rule.resourceTypes).toEqual(
      expect.arrayContaining(['AWS::EC2::Instance', 'AWS::AutoScaling::AutoScalingGroup']),
    );
  });

  test('a Stage stack is told to tag its Stage or itself, since app-level tags do not reach it', () => {
    const app = testApp();
    new s3.Bucket(new Stack(new Stage(app, 'Prod'), 'Orders'), 'Uploads');
    Tags.of(app).add('bis:owner', 'shop-team');
    Tags.of(app).add('bis:cost-center', 'cc-1234');
    const [finding] = findingsFor(evaluateApp(app), 'BIS-CO9');
    expect(finding.path).toBe('Prod/Orders');
    expect(finding.message).toMatch(
      /Tag its Stage: Tags\.of\(stage\)\.add\('bis:owner', '<value>'\); .*\(Tags\.of\(app\) does not reach the stacks inside a Stage\), or the stack itself: Tags\.of\(stack\)\.add\('bis:owner', '<value>'\)/,
    );
    expect(rule.fix).toMatch(/Tags\.of\(stage\)/);
    expect(rule.fix).toMatch(/Tags\.of\(stack\)/);

    // Both fixes the message names work.
    const tagged = testApp();
    const taggedStage = new Stage(tagged, 'Prod');
    new s3.Bucket(new Stack(taggedStage, 'Orders'), 'Uploads');
    Tags.of(taggedStage).add('bis:owner', 'shop-team');
    Tags.of(taggedStage).add('bis:cost-center', 'cc-1234');
    expect(findingsFor(evaluateApp(tagged), 'BIS-CO9')).toEqual([]);
    const byStack = testApp();
    const stageStack = new Stack(new Stage(byStack, 'Prod'), 'Orders');
    new s3.Bucket(stageStack, 'Uploads');
    Tags.of(stageStack).add('bis:owner', 'shop-team');
    Tags.of(stageStack).add('bis:cost-center', 'cc-1234');
    expect(findingsFor(evaluateApp(byStack), 'BIS-CO9')).toEqual([]);
  });

  test('Tags.of(app) with both keys makes every resource compliant (tags are applied at synth)', () => {
    const { app } = orders();
    Tags.of(app).add('bis:owner', 'team-orders');
    Tags.of(app).add('bis:cost-center', 'cc-1234');
    expect(findingsFor(evaluateApp(app), 'BIS-CO9')).toEqual([]);
  });

  test('a single missing key is named alone', () => {
    const app = testApp();
    const bucket = new s3.Bucket(new Stack(app, 'Orders'), 'Uploads');
    Tags.of(app).add('bis:owner', 'team-orders');
    expect(verdictOf(rule, bucket)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^1 cost-bearing resource of stack Orders lacks the cost-allocation tag 'bis:cost-center': Uploads\w+\. .*Tags\.of\(app\)\.add\('bis:cost-center', '<value>'\)\.$/,
      ),
    });
  });

  test('the required keys come from costAllocationTagKeys', () => {
    const { app } = orders();
    Tags.of(app).add('team', 'orders');
    app.synth();
    const findings = new BisChecks(undefined, { costAllocationTagKeys: ['team'] }).evaluate(app);
    expect(findingsFor(findings, 'BIS-CO9')).toEqual([]);
    const strict = new BisChecks(undefined, { costAllocationTagKeys: ['team', 'env'] }).evaluate(app);
    expect(findingsFor(strict, 'BIS-CO9')[0].message).toMatch(/lack the cost-allocation tag 'env': /);
  });

  test('SAM resources carry tags as a map, and the map is read the same way', () => {
    const app = testApp();
    const stack = new Stack(app, 'Orders');
    const fn = new sam.CfnFunction(stack, 'Fn', {
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      inlineCode: 'x',
    });
    const table = new sam.CfnSimpleTable(stack, 'Table');
    Tags.of(app).add('bis:owner', 'team-orders');
    Tags.of(app).add('bis:cost-center', 'cc-1234');
    expect(verdictOf(rule, fn).kind).toBe('compliant');
    expect(verdictOf(rule, table).kind).toBe('compliant');
  });

  test('Tags computed as a whole cannot be read; a tag value from a parameter counts as present', () => {
    const stack = new Stack(testApp(), 'Orders');
    new CfnCondition(stack, 'Prod', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-1') });
    const owner = new CfnParameter(stack, 'Owner', { type: 'String', default: 'team-orders' });
    const computed = new s3.CfnBucket(stack, 'Computed');
    computed.addPropertyOverride(
      'Tags',
      Fn.conditionIf('Prod', [{ Key: 'bis:owner', Value: 'x' }], Aws.NO_VALUE),
    );
    const parameter = new s3.CfnBucket(stack, 'Parameter', {
      tags: [
        { key: 'bis:owner', value: owner.valueAsString },
        { key: 'bis:cost-center', value: 'cc-1234' },
      ],
    });
    expect(verdictOf(rule, computed).kind).toBe('not-applicable');
    expect(verdictOf(rule, parameter).kind).toBe('compliant');
  });

  test('a scanned template is read the same way, whatever the tag shape, one finding per missing set', () => {
    const both = [
      { Key: 'bis:owner', Value: 'team-orders' },
      { Key: 'bis:cost-center', Value: 'cc-1234' },
    ];
    const verdicts = templateVerdicts(rule, {
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Api: {
          Type: 'AWS::Serverless::HttpApi',
          Properties: { Tags: { 'bis:owner': 'a', 'bis:cost-center': 'b' } },
        },
        Partial: { Type: 'AWS::Serverless::Function', Properties: { Tags: { 'bis:owner': 'a' } } },
        Files: { Type: 'AWS::EFS::FileSystem', Properties: { FileSystemTags: both } },
        FilesUntagged: { Type: 'AWS::EFS::FileSystem', Properties: { Tags: both } },
        Replicated: {
          Type: 'AWS::DynamoDB::GlobalTable',
          Properties: { Replicas: [{ Region: 'eu-west-1', Tags: both }, { Region: 'eu-central-1' }] },
        },
        EmptyValue: {
          Type: 'AWS::SQS::Queue',
          Properties: { Tags: [both[0], { Key: 'bis:cost-center', Value: '' }] },
        },
        ComputedEntry: {
          Type: 'AWS::SNS::Topic',
          Properties: { Tags: [both[0], { 'Fn::If': ['Prod', both[1], { Ref: 'AWS::NoValue' }] }] },
        },
        Odd: { Type: 'AWS::KMS::Key', Properties: { Tags: 'owner=me' } },
      },
    });
    expect(Object.fromEntries(Object.entries(verdicts).map(([id, verdict]) => [id, verdict.kind]))).toEqual({
      Api: 'compliant',
      // The first resource lacking each set carries the set's finding; the others are counted in it.
      Partial: 'non-compliant',
      Files: 'compliant',
      // EFS keeps its tags in FileSystemTags.
      FilesUntagged: 'non-compliant',
      Replicated: 'not-applicable',
      EmptyValue: 'not-applicable',
      ComputedEntry: 'not-applicable',
      Odd: 'not-applicable',
    });
    const message = (id: string) => (verdicts[id].kind === 'non-compliant' ? verdicts[id].message : '');
    expect(message('Partial')).toMatch(
      /^2 cost-bearing resources of stack template\.json lack the cost-allocation tag 'bis:cost-center': Partial, EmptyValue\. Add the keys to each resource's Tags, or pass them as stack tags at deploy time/,
    );
    expect(message('FilesUntagged')).toMatch(
      /^3 cost-bearing resources of stack template\.json lack the cost-allocation tags 'bis:owner', 'bis:cost-center': FilesUntagged, Replicated, Odd\./,
    );
  });
});
