import { Aws, CfnCondition, CfnParameter, Fn, Stack, Stage, Tags } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sam from 'aws-cdk-lib/aws-sam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BisChecks } from '../../../../policies/bis-checks';
import rule from '../../../../policies/rules/co/CostAllocationTags';
import { evaluateApp, findingsFor, testApp, verdictOf, verdictsOfTemplate } from '../../harness';
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
  test('untagged cost-bearing resources are reported with the missing keys and how to tag the app', () => {
    const { app } = orders();
    const findings = findingsFor(evaluateApp(app), 'BIS-CO9');
    expect(findings.map((finding) => finding.path)).toEqual([
      'Orders/Uploads/Resource',
      'Orders/Handler/Resource',
      'Orders/Jobs/Resource',
      'Orders/Table/Resource',
    ]);
    expect(findings[0]).toEqual({
      path: 'Orders/Uploads/Resource',
      level: 'warning',
      message:
        "Tags lacks the cost-allocation tags 'bis:owner', 'bis:cost-center'. Tag the whole app once: Tags.of(app).add('bis:owner', '<value>'); Tags.of(app).add('bis:cost-center', '<value>').",
    });
    // dynamodb.TableV2 renders a GlobalTable whose tags live on each replica.
    expect(findings[3].message).toMatch(/^Replicas\[\]\.Tags lacks/);
  });

  test('a Stage needs its own tags, as the fix says: app-level tags do not reach its stacks', () => {
    const app = testApp();
    new s3.Bucket(new Stack(new Stage(app, 'Prod'), 'Orders'), 'Uploads');
    Tags.of(app).add('bis:owner', 'shop-team');
    Tags.of(app).add('bis:cost-center', 'cc-1234');
    expect(findingsFor(evaluateApp(app), 'BIS-CO9').length).toBeGreaterThan(0);
    expect(rule.fix).toMatch(/Tags\.of\(stage\)/);

    const tagged = testApp();
    const taggedStage = new Stage(tagged, 'Prod');
    new s3.Bucket(new Stack(taggedStage, 'Orders'), 'Uploads');
    Tags.of(taggedStage).add('bis:owner', 'shop-team');
    Tags.of(taggedStage).add('bis:cost-center', 'cc-1234');
    expect(findingsFor(evaluateApp(tagged), 'BIS-CO9')).toEqual([]);
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
        /^Tags lacks the cost-allocation tag 'bis:cost-center'\. .*Tags\.of\(app\)\.add\('bis:cost-center', '<value>'\)\.$/,
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
    expect(findingsFor(strict, 'BIS-CO9')[0].message).toMatch(/lacks the cost-allocation tag 'env'\./);
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

  test('a scanned template gets the same verdicts, whatever the tag shape', () => {
    const both = [
      { Key: 'bis:owner', Value: 'team-orders' },
      { Key: 'bis:cost-center', Value: 'cc-1234' },
    ];
    expect(
      verdictsOfTemplate(rule, {
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
      }),
    ).toEqual({
      Api: 'compliant',
      Partial: 'non-compliant',
      Files: 'compliant',
      // EFS keeps its tags in FileSystemTags.
      FilesUntagged: 'non-compliant',
      Replicated: 'non-compliant',
      EmptyValue: 'non-compliant',
      ComputedEntry: 'not-applicable',
      Odd: 'non-compliant',
    });
  });
});
