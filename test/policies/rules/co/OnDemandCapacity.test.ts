import { Aws, CfnCondition, CfnParameter, Fn } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import rule from '../../../../policies/rules/co/OnDemandCapacity';
import { verdictOf, verdictsOfTemplate } from '../../harness';
import { platformStack } from './fixtures';

const partitionKey = { name: 'pk', type: dynamodb.AttributeType.STRING };

describe('BIS-CO6 OnDemandCapacity', () => {
  test("CDK's dynamodb.Table renders no BillingMode and 5 RCU / 5 WCU: provisioned, with its monthly cost", () => {
    const table = new dynamodb.Table(platformStack(), 'Orders', { partitionKey });
    expect(verdictOf(rule, table)).toMatchObject({
      kind: 'non-compliant',
      message:
        "BillingMode is absent, so the table is PROVISIONED (CloudFormation's default): 5 RCU and 5 WCU cost about $2.85/month before storage, used or not.",
    });
  });

  test('a PAY_PER_REQUEST table is compliant', () => {
    const table = new dynamodb.Table(platformStack(), 'Orders', {
      partitionKey,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    });
    expect(verdictOf(rule, table).kind).toBe('compliant');
  });

  test("CDK's dynamodb.TableV2 renders a GlobalTable with BillingMode PAY_PER_REQUEST by default", () => {
    const table = new dynamodb.TableV2(platformStack(), 'Orders', { partitionKey });
    expect(verdictOf(rule, table).kind).toBe('compliant');
  });

  test('a TableV2 with provisioned billing is reported', () => {
    const table = new dynamodb.TableV2(platformStack(), 'Orders', {
      partitionKey,
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.fixed(10),
        writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 20 }),
      }),
    });
    expect(verdictOf(rule, table)).toMatchObject({
      kind: 'non-compliant',
      message:
        "BillingMode is 'PROVISIONED': its capacity is billed every hour in every replica Region, used or not.",
    });
  });

  test('index capacity is added to the table capacity (CDK renders BillingMode.PROVISIONED as no BillingMode)', () => {
    const table = new dynamodb.Table(platformStack(), 'Orders', {
      partitionKey,
      billingMode: dynamodb.BillingMode.PROVISIONED,
      readCapacity: 10,
      writeCapacity: 4,
    });
    table.addGlobalSecondaryIndex({
      indexName: 'byCustomer',
      partitionKey: { name: 'customer', type: dynamodb.AttributeType.STRING },
      readCapacity: 10,
      writeCapacity: 1,
    });
    expect(verdictOf(rule, table)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^BillingMode is absent, .*: 20 RCU and 5 WCU cost about \$4\.27\/month/,
      ),
    });
  });

  test('a billing mode chosen by Fn::If is reported; one from a parameter cannot be judged', () => {
    const stack = platformStack();
    new CfnCondition(stack, 'Prod', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-1') });
    const mode = new CfnParameter(stack, 'Mode', { type: 'String', default: 'PAY_PER_REQUEST' });
    const keySchema = [{ attributeName: 'pk', keyType: 'HASH' }];
    const attributeDefinitions = [{ attributeName: 'pk', attributeType: 'S' }];
    const conditional = new dynamodb.CfnTable(stack, 'Conditional', {
      keySchema,
      attributeDefinitions,
      billingMode: Fn.conditionIf('Prod', 'PROVISIONED', 'PAY_PER_REQUEST').toString(),
      provisionedThroughput: Fn.conditionIf(
        'Prod',
        { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        Aws.NO_VALUE,
      ) as never,
    });
    const parameter = new dynamodb.CfnTable(stack, 'Parameter', {
      keySchema,
      attributeDefinitions,
      billingMode: mode.valueAsString,
    });
    expect(verdictOf(rule, conditional)).toMatchObject({
      kind: 'non-compliant',
      message:
        "BillingMode may be 'PROVISIONED' (Fn::If): its provisioned capacity is billed every hour, used or not.",
    });
    expect(verdictOf(rule, parameter).kind).toBe('not-applicable');
  });

  test('SAM SimpleTable is on-demand unless it sets ProvisionedThroughput', () => {
    expect(
      verdictsOfTemplate(
        rule,
        {
          Transform: 'AWS::Serverless-2016-10-31',
          Resources: {
            OnDemand: { Type: 'AWS::Serverless::SimpleTable', Properties: {} },
            Provisioned: {
              Type: 'AWS::Serverless::SimpleTable',
              Properties: { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
            },
            Parameter: {
              Type: 'AWS::Serverless::SimpleTable',
              Properties: { ProvisionedThroughput: { Ref: 'Capacity' } },
            },
            Global: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { Replicas: [] } },
            Odd: {
              Type: 'AWS::DynamoDB::Table',
              Properties: { BillingMode: 'PROVISIONED', ProvisionedThroughput: 'lots' },
            },
          },
        },
        'data-platform',
      ),
    ).toEqual({
      OnDemand: 'compliant',
      Provisioned: 'non-compliant',
      Parameter: 'not-applicable',
      Global: 'non-compliant',
      Odd: 'non-compliant',
    });
  });
});
