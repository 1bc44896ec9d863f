/*
 * The "Done when" of the data spaces: a product team's app (an API, two functions, a table and
 * uploads) written by following only BIS-DI1's fix and the README, with no acknowledgement of its own.
 */
import { App, Stack, Tags } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DataLake, DataLakeStack } from '../../../lib/data-lake';
import { PortableFunction, WebApi } from '../../../lib/serverless';
import { evaluateApp } from '../../policies/harness';

const ENTRY = 'test/fixtures/functions/hello/index.ts';

function productTeamApp() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  Tags.of(app).add('bis:owner', 'team-shop');
  Tags.of(app).add('bis:cost-center', 'cc-shop');

  // The platform team's stack: the table moved here, as DI1's fix says.
  const platform = new DataLakeStack(app, 'DataLake', { lakeName: 'enterprise' });
  platform.lake.addTable('Orders', {
    tableName: 'orders',
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
  });

  // The product team's stack: no bucket, no table, only the contract and its grants.
  const shop = new Stack(app, 'Shop');
  shop.addStackDependency(platform);
  const lake = DataLake.fromLakeName(shop, 'Lake', 'enterprise');
  const web = new WebApi(shop, 'Web', {
    defaultAuthorizer: new HttpJwtAuthorizer('Sso', 'https://login.example.com/', { jwtAudience: ['shop'] }),
  });
  const orders = new PortableFunction(shop, 'Orders', { entry: ENTRY });
  lake.table('orders').grantReadWriteData(orders);
  orders.addHttpRoute(web, { path: '/orders/{proxy+}' });
  const uploads = new PortableFunction(shop, 'Uploads', {
    entry: ENTRY,
    stores: { buckets: { landing: lake.zoneBucketName('landing') }, kmsKeyArn: lake.keyArn },
  });
  lake.grantWrite(uploads, { kinds: ['documents'] });
  uploads.addHttpRoute(web, { path: '/uploads/{proxy+}' });
  return { app, shop, platform };
}

describe("a product team's app: an API, two functions, a lake table and uploads to the landing zone", () => {
  const { app, shop } = productTeamApp();
  const findings = evaluateApp(app);

  test('has zero BisChecks findings, warnings included', () => {
    expect(findings.map((f) => `${f.rule.id} ${f.resource.path}: ${f.message}`)).toEqual([]);
  });

  test('has zero cdk-nag AwsSolutions errors', () => {
    const errors = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.filter((violation) => violation.severity === 'error');
    expect(
      errors.map((violation) => `${violation.ruleName}: ${JSON.stringify(violation.violatingResources)}`),
    ).toEqual([]);
  });

  test('reaches the lake without Fn::ImportValue: the dependency orders the deploy and is no reference', () => {
    const template = JSON.stringify(app.synth().getStackArtifact(shop.artifactId).template);
    expect(template).not.toContain('Fn::ImportValue');
    expect(shop.dependencies.map((stack) => stack.stackName)).toEqual(['DataLake']);
  });
});
