import { App, type CfnResource, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, rules } from 'cdk-nag';
import { DataLake, DataLakeStack, LakeWriters } from '../../../lib/data-lake';
import { lakeApp } from './lake-fixture';
import { evaluateApp } from '../../policies/harness';

const text = { type: dynamodb.AttributeType.STRING };

function platformWithOrders(app: App = lakeApp()) {
  const platform = new DataLakeStack(app, 'DataLake', { lakeName: 'enterprise' });
  const orders = platform.lake.addTable('Orders', {
    tableName: 'orders',
    partitionKey: { name: 'pk', ...text },
    sortKey: { name: 'sk', ...text },
    stream: dynamodb.StreamViewType.NEW_IMAGE,
  });
  return { app, platform, orders };
}

function applicationOf(app: App) {
  const shop = new Stack(app, 'Shop');
  const role = new iam.Role(shop, 'Api', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const lake = DataLake.fromLakeName(shop, 'Lake', 'enterprise');
  lake.table('orders').grantReadWriteData(role);
  lake.table('orders').grantStreamRead(role);
  lake.grantWrite(role, { kinds: ['documents'] });
  lake.grantRead(role, { zones: ['curated'], kinds: ['structured'] });
  lake.grantQuery(role);
  return { shop, role };
}

describe('a lake table', () => {
  const { platform, orders } = platformWithOrders();
  const template = Template.fromStack(platform);

  test('is compliant by construction: lake key, point-in-time recovery, deletion protection, retained, on demand', () => {
    const resource =
      template.toJSON().Resources[platform.getLogicalId(orders.table.node.defaultChild as CfnResource)];
    expect(resource).toMatchObject({
      Type: 'AWS::DynamoDB::Table',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        TableName: 'enterprise-orders',
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: {
            'Fn::GetAtt': [platform.getLogicalId(platform.lake.key.node.defaultChild as CfnResource), 'Arn'],
          },
        },
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      },
    });
    // Any application writes by default: no resource policy.
    expect(resource.Properties.ResourcePolicy).toBeUndefined();
  });

  test('is published in the contract: name, ARN, stream ARN and key ARN', () => {
    const names = Object.values(template.findResources('AWS::SSM::Parameter')).map(
      (parameter) => parameter.Properties.Name as string,
    );
    expect(names.filter((name) => name.startsWith('/cdk-bis/enterprise/tables/')).sort()).toEqual([
      '/cdk-bis/enterprise/tables/orders/key-arn',
      '/cdk-bis/enterprise/tables/orders/stream-arn',
      '/cdk-bis/enterprise/tables/orders/table-arn',
      '/cdk-bis/enterprise/tables/orders/table-name',
    ]);
  });

  test('restricted writers deny every other principal in the table resource policy', () => {
    const app = lakeApp();
    const stack = new DataLakeStack(app, 'DataLake', { lakeName: 'enterprise' });
    const ledger = stack.lake.addTable('Ledger', {
      tableName: 'ledger',
      partitionKey: { name: 'pk', ...text },
      writers: LakeWriters.only({ roleArnPatterns: ['arn:aws:iam::123456789012:role/ledger-*'] }),
    });
    const resource =
      Template.fromStack(stack).toJSON().Resources[
        stack.getLogicalId(ledger.table.node.defaultChild as CfnResource)
      ];
    const [deny] = resource.Properties.ResourcePolicy.PolicyDocument.Statement;
    expect(deny).toMatchObject({
      Sid: 'DenyWritesExceptLakeWriters',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Resource: '*',
      Condition: {
        ArnNotLike: { 'aws:PrincipalArn': [expect.anything(), 'arn:aws:iam::123456789012:role/ledger-*'] },
        StringNotEquals: { 'aws:PrincipalTag/bis:lake-writer': 'enterprise' },
      },
    });
    expect(deny.Action).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:PartiQLInsert']));
  });

  test('the platform stack has zero BisChecks findings and zero AwsSolutions errors', () => {
    const { app } = platformWithOrders();
    const findings = evaluateApp(app);
    expect(findings.map((f) => `${f.rule.id} ${f.resource.path}: ${f.message}`)).toEqual([]);
    const errors = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.filter((violation) => violation.severity === 'error');
    expect(errors.map((violation) => violation.ruleName)).toEqual([]);
  });

  test.each([
    [{ tableName: 'Orders' }, /tableName "Orders" is invalid: use a literal of 3 to 100 lowercase letters/],
    [{ tableName: 'ab' }, /tableName "ab" is invalid/],
    [
      { tableName: 'orders', billingMode: dynamodb.BillingMode.PROVISIONED },
      /billingMode PROVISIONED needs readCapacity and writeCapacity/,
    ],
    [
      { tableName: 'orders', readCapacity: 5 },
      /readCapacity and writeCapacity apply to billingMode PROVISIONED only/,
    ],
    [
      { tableName: 'orders', writers: LakeWriters.only({ roleArnPatterns: ['curator'] }) },
      /writers of table orders: "curator" is not a role ARN pattern/,
    ],
  ])('a bad table %o is refused with what to do', (options, message) => {
    const stack = new DataLakeStack(lakeApp(), 'DataLake', { lakeName: 'enterprise' });
    expect(() => stack.lake.addTable('T', { partitionKey: { name: 'pk', ...text }, ...options })).toThrow(
      message,
    );
  });

  test('a second table of one name, an undeclared table and a stream that does not exist are refused', () => {
    const { platform, orders } = platformWithOrders();
    expect(() =>
      platform.lake.addTable('Again', { tableName: 'orders', partitionKey: { name: 'pk', ...text } }),
    ).toThrow(/table "orders" is already declared at DataLake\/Lake\/Orders/);
    expect(() => platform.lake.table('invoices')).toThrow(
      /table "invoices" is not declared: declare it with lake.addTable/,
    );
    expect(platform.lake.table('orders')).toBe(orders);
    const plain = platform.lake.addTable('Plain', {
      tableName: 'plain',
      partitionKey: { name: 'pk', ...text },
    });
    expect(() => plain.grantStreamRead(new iam.AccountRootPrincipal())).toThrow(/table plain has no stream/);
  });

  test('DESTROY, allowed by the destruction gate, deletes the table and turns deletion protection off', () => {
    const app = lakeApp({ 'cdk-bis:allowDataDestruction': true });
    const stack = new DataLakeStack(app, 'DataLake', {
      lakeName: 'enterprise',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const table = stack.lake.addTable('Orders', {
      tableName: 'orders',
      partitionKey: { name: 'pk', ...text },
    });
    const resource =
      Template.fromStack(stack).toJSON().Resources[
        stack.getLogicalId(table.table.node.defaultChild as CfnResource)
      ];
    expect(resource.DeletionPolicy).toBe('Delete');
    expect(resource.Properties.DeletionProtectionEnabled).toBe(false);
  });
});

describe('an application reaching a lake table through the contract', () => {
  test('reads every location from SSM at deploy time: no Fn::ImportValue, no dependency on the lake stack', () => {
    const { app, platform } = platformWithOrders();
    const { shop } = applicationOf(app);
    const json = JSON.stringify(Template.fromStack(shop).toJSON());
    expect(json).not.toContain('Fn::ImportValue');
    expect(shop.dependencies).toEqual([]);
    const parameters = Object.values(Template.fromStack(shop).toJSON().Parameters ?? {}) as {
      Default: string;
    }[];
    expect(parameters.map((parameter) => parameter.Default)).toEqual(
      expect.arrayContaining([
        '/cdk-bis/enterprise/tables/orders/table-arn',
        '/cdk-bis/enterprise/tables/orders/key-arn',
      ]),
    );
    expect(platform.dependencies).toEqual([]);
  });

  test('the lake template does not change when the application stack is deleted', () => {
    const withApp = platformWithOrders();
    applicationOf(withApp.app);
    const alone = platformWithOrders();
    expect(Template.fromStack(withApp.platform).toJSON()).toEqual(
      Template.fromStack(alone.platform).toJSON(),
    );
  });

  test('grants the table and its indexes only, and the key through DynamoDB only', () => {
    const { app } = platformWithOrders();
    const { shop, role } = applicationOf(app);
    const policy =
      Template.fromStack(shop).toJSON().Resources[
        shop.getLogicalId(role.node.findChild('DefaultPolicy').node.defaultChild as CfnResource)
      ];
    const statements = policy.Properties.PolicyDocument.Statement as Record<string, unknown>[];
    const tableStatement = statements.find((statement) =>
      (statement.Action as string[]).includes('dynamodb:PutItem'),
    );
    const arnParameter = (tableStatement?.Resource as unknown[])[0] as { Ref: string };
    expect(tableStatement?.Resource).toEqual([
      arnParameter,
      { 'Fn::Join': ['', [arnParameter, '/index/*']] },
    ]);
    const keyStatement = statements.find((statement) =>
      JSON.stringify(statement.Condition ?? {}).includes('dynamodb.'),
    );
    expect(keyStatement?.Condition).toEqual({
      StringEquals: {
        'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
      },
    });
  });

  test("the grants acknowledge exactly cdk-nag's own AwsSolutions-IAM5 findings on the grantee's policy", () => {
    const { app } = platformWithOrders();
    const { shop, role } = applicationOf(app);
    app.synth();
    const policy = role.node.findChild('DefaultPolicy').node.defaultChild as CfnResource;
    const findings = rules.iam.IAMNoWildcardPermissions(policy) as string[];
    expect(findings.length).toBeGreaterThan(0);
    const acknowledged = role.node.metadata
      .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
      .flatMap((entry) => Object.keys(entry.data as object))
      .map((id) => id.replace(/^annotation::/i, ''));
    expect([...new Set(acknowledged)].sort()).toEqual(
      findings.map((finding) => `AwsSolutions-IAM5[${finding}]`).sort(),
    );
    const report = new AwsSolutionsChecks().validateScope(shop);
    expect(report.violations.filter((violation) => violation.ruleName === 'AwsSolutions-IAM5')).toEqual([]);
  });
});

describe('two lakes of one name', () => {
  test('in two Stages of one app, an error at synth names both construct paths', () => {
    const app = lakeApp();
    new DataLakeStack(new Stage(app, 'Blue'), 'DataLake', { lakeName: 'enterprise' });
    expect(() => new DataLakeStack(new Stage(app, 'Green'), 'DataLake', { lakeName: 'enterprise' })).toThrow(
      /DataLake 'enterprise' \(Green\/DataLake\/Lake\): another DataLake named 'enterprise' is defined at Blue\/DataLake\/Lake\..*Give each lake its own lakeName/,
    );
  });

  test('in two explicit, different environments, or with two names, both synthesize', () => {
    const app = lakeApp();
    new DataLakeStack(app, 'Eu', {
      lakeName: 'enterprise',
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    new DataLakeStack(app, 'Us', {
      lakeName: 'enterprise',
      env: { account: '123456789012', region: 'us-east-1' },
    });
    new DataLakeStack(app, 'Other', { lakeName: 'analytics' });
    expect(() => app.synth()).not.toThrow();
  });
});
