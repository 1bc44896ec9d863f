import { Stack } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DataLakeContract } from '../../../lib/data-lake';
import { PortableFunction, WebApi } from '../../../lib/serverless';
import { evaluateApp, findingsFor } from '../../policies/harness';
import { HELLO_ENTRY, templateApp } from './serverless-fixture';

/** An application stack with every entry point and trigger a PortableFunction offers. */
function servicesApp() {
  const app = templateApp();
  const stack = new Stack(app, 'Services');
  const web = new PortableFunction(stack, 'Web', { entry: HELLO_ENTRY });
  web.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  const site = new WebApi(stack, 'Site', {
    publicAccessReason: 'The public product catalogue: anyone may browse it.',
  });
  web.addHttpRoute(site, { path: '/hello' });
  const authorizer = new HttpJwtAuthorizer('Enterprise', 'https://login.example.com/', {
    jwtAudience: ['cdk-bis'],
  });
  const staff = new WebApi(stack, 'Staff', { defaultAuthorizer: authorizer });
  web.addHttpRoute(staff, { path: '/orders/{id}' });
  // The lake reached through its published contract, as an application does.
  const lake = DataLakeContract.fromLakeName(stack, 'Lake', 'enterprise');
  const landed = new PortableFunction(stack, 'Landed', {
    entry: HELLO_ENTRY,
    handler: 'objectLanded',
    stores: { buckets: { landing: lake.zoneBucketName('landing') }, kmsKeyArn: lake.keyArn },
  });
  landed.addObjectLandedTrigger('Landing', {
    bucketName: lake.zoneBucketName('landing'),
    prefix: 'structured/',
  });
  return { app, stack };
}

/** `<construct path>: <rule id>: <reason>` for every acknowledgement in the stack. */
function acknowledgements(stack: Stack): string[] {
  return stack.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .map((entry) => `${construct.node.path}: ${JSON.stringify(entry.data)}`),
    )
    .sort();
}

describe('a stack of PortableFunctions: Function URL, HTTP API routes, an ObjectLanded trigger on the lake', () => {
  const { app, stack } = servicesApp();
  const findings = evaluateApp(app);

  test('has zero BisChecks findings, warnings included', () => {
    expect(findings.map((f) => `${f.rule.id} ${f.resource.path}: ${f.message}`)).toEqual([]);
  });

  test('has zero cdk-nag AwsSolutions errors', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const errors = report.violations.filter((violation) => violation.severity === 'error');
    expect(errors.map((violation) => violation.ruleName)).toEqual([]);
  });

  test('acknowledges only what it must, each with its reason', () => {
    const found = acknowledgements(stack);
    const on = (path: string, id: string) =>
      found.filter((entry) => entry.startsWith(`${path}: `) && entry.includes(id));
    expect(on('Services/Web/Function', 'AwsSolutions-L1')).toHaveLength(1);
    expect(on('Services/Web/Role', 'AwsSolutions-IAM5[Resource::*]')).toHaveLength(1);
    expect(on('Services/Landed/FailedEvents', 'AwsSolutions-SQS3')).toHaveLength(1);
    // The public API's route carries the API's own reason; the JWT-protected route needs none.
    const publicRoutes = found.filter((entry) => entry.includes('AwsSolutions-APIG4'));
    expect(publicRoutes).toHaveLength(1);
    expect(publicRoutes[0]).toMatch(/^Services\/Site\/Api\/ANY--hello: .*The public product catalogue/);
    expect(found.filter((entry) => entry.startsWith('Services/Staff/'))).toEqual([]);
    expect(found).toHaveLength(6);
  });
});

test('the same stack with a plain lambda.Function fails BIS-PO1: the mark is what passes it', () => {
  const { app, stack } = servicesApp();
  new lambda.Function(stack, 'Plain', {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  });
  expect(findingsFor(evaluateApp(app), 'BIS-PO1')).toEqual([
    expect.objectContaining({ path: 'Services/Plain/Resource', level: 'warning' }),
  ]);
});

test.each([
  ['without a failure destination fails', false, 1],
  ['with addFailedEventsDestination passes', true, 0],
])('BIS-AV1: an asynchronous source wired by hand %s', (_why, withDestination, count) => {
  const app = templateApp();
  const stack = new Stack(app, 'Services');
  const fn = new PortableFunction(stack, 'Landed', { entry: HELLO_ENTRY, handler: 'objectLanded' });
  fn.function.addPermission('FromS3', { principal: new iam.ServicePrincipal('s3.amazonaws.com') });
  if (withDestination) fn.addFailedEventsDestination();
  const findings = findingsFor(evaluateApp(app), 'BIS-AV1');
  expect(findings).toHaveLength(count);
  if (count > 0)
    expect(findings[0]).toMatchObject({ path: 'Services/Landed/Function/Resource', level: 'error' });
});

test('the X-Ray acknowledgement does not cover a wildcard the user adds: AwsSolutions-IAM5 still reports it', () => {
  const app = templateApp();
  const stack = new Stack(app, 'Services');
  const fn = new PortableFunction(stack, 'Web', { entry: HELLO_ENTRY });
  fn.addFunctionUrl();
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
  app.synth();
  const errors = new AwsSolutionsChecks()
    .validateScope(app)
    .violations.filter((violation) => violation.severity === 'error')
    .map((violation) => violation.ruleName);
  expect(errors).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  expect(acknowledgements(stack).filter((entry) => entry.includes('IAM5'))).toEqual([]);
});
