import { CfnCondition, Fn, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { BisRole } from '../../../../lib/roles';
import rule from '../../../../policies/rules/av/PlatformTablePointInTimeRecovery';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

const partitionKey = { name: 'pk', type: dynamodb.AttributeType.STRING };

function platformStack() {
  const stack = new Stack(testApp(), 'Lake');
  BisRole.of(stack).set('data-platform');
  return stack;
}

describe('BIS-AV3 PlatformTablePointInTimeRecovery', () => {
  test('a table with pointInTimeRecoverySpecification enabled is compliant', () => {
    const table = new dynamodb.Table(platformStack(), 'Catalog', {
      partitionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    expect(verdictOf(rule, table).kind).toBe('compliant');
  });

  test('a table with CDK defaults (no PITR) is an error', () => {
    const table = new dynamodb.Table(platformStack(), 'Catalog', { partitionKey });
    expect(verdictOf(rule, table)).toEqual({
      kind: 'non-compliant',
      message: "The data-platform table's PointInTimeRecoverySpecification is absent, so PITR is off.",
    });
  });

  test('PITR switched off explicitly is named in the message', () => {
    const table = new dynamodb.Table(platformStack(), 'Catalog', {
      partitionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
    });
    expect(verdictOf(rule, table)).toMatchObject({
      message: expect.stringContaining('PointInTimeRecoveryEnabled false'),
    });
  });

  test('a TableV2 replica without PITR is an error naming the replica', () => {
    const table = new dynamodb.TableV2(platformStack(), 'Catalog', { partitionKey });
    expect(verdictOf(rule, table)).toEqual({
      kind: 'non-compliant',
      message:
        "The data-platform global table lacks point-in-time recovery: replica in the stack's Region: PointInTimeRecoverySpecification is absent, so PITR is off.",
    });
  });

  test('a TableV2 with PITR is compliant', () => {
    const table = new dynamodb.TableV2(platformStack(), 'Catalog', {
      partitionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    expect(verdictOf(rule, table).kind).toBe('compliant');
  });

  test('PITR decided by a condition cannot be proven and is an error', () => {
    const stack = platformStack();
    new CfnCondition(stack, 'Prod', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const table = new dynamodb.CfnTable(stack, 'Catalog', {
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
      billingMode: 'PAY_PER_REQUEST',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: Fn.conditionIf('Prod', true, false) },
    });
    expect(verdictOf(rule, table)).toMatchObject({
      message: expect.stringMatching(/computed at deploy time/),
    });
  });

  test("tables outside the data platform are not this rule's business", () => {
    const table = new dynamodb.Table(new Stack(testApp(), 'App'), 'Sessions', { partitionKey });
    expect(verdictOf(rule, table).kind).toBe('not-applicable');
  });

  test('scanned templates: every global-table replica needs PITR, and a SAM SimpleTable cannot have it', () => {
    const verdicts = verdictsOfTemplate(
      rule,
      {
        Transform: 'AWS::Serverless-2016-10-31',
        Resources: {
          Both: {
            Type: 'AWS::DynamoDB::GlobalTable',
            Properties: {
              Replicas: [
                {
                  Region: 'eu-west-1',
                  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
                },
                {
                  Region: 'eu-central-1',
                  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: 'true' },
                },
              ],
            },
          },
          OneMissing: {
            Type: 'AWS::DynamoDB::GlobalTable',
            Properties: {
              Replicas: [
                {
                  Region: 'eu-west-1',
                  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
                },
                { Region: 'eu-central-1' },
              ],
            },
          },
          Computed: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { Replicas: { Ref: 'ReplicaList' } } },
          Simple: { Type: 'AWS::Serverless::SimpleTable' },
        },
      },
      'data-platform',
    );
    expect(verdicts).toEqual({
      Both: 'compliant',
      OneMissing: 'non-compliant',
      Computed: 'non-compliant',
      Simple: 'non-compliant',
    });
  });

  test('malformed specifications never throw and fail closed', () => {
    const verdicts = verdictsOfTemplate(
      rule,
      {
        Resources: {
          Odd: { Type: 'AWS::DynamoDB::Table', Properties: { PointInTimeRecoverySpecification: 'on' } },
          OddReplicas: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { Replicas: ['x', null] } },
        },
      },
      'data-platform',
    );
    expect(verdicts).toEqual({ Odd: 'non-compliant', OddReplicas: 'non-compliant' });
  });
});
