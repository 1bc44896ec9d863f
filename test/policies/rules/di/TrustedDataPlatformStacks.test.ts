import { NestedStack, Stack, Stage } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BisRole } from '../../../../lib/roles';
import { BisChecks } from '../../../../policies/bis-checks';
import { evaluateApp, findingsFor, testApp } from '../../harness';

/** An app with a real platform stack and an application that declares itself data-platform. */
function appWithSelfDeclaredPlatform() {
  const app = testApp();
  const lake = new Stack(app, 'DataLake');
  BisRole.of(lake).set('data-platform');
  new sqs.Queue(lake, 'Events');
  const shop = new Stack(app, 'Shop');
  BisRole.of(shop).set('data-platform');
  new dynamodb.Table(shop, 'Orders', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  return app;
}

describe('BIS-DI5 TrustedDataPlatformStacks', () => {
  test('a stack that declares data-platform and is not listed is one error on that stack', () => {
    const findings = findingsFor(
      evaluateApp(appWithSelfDeclaredPlatform(), { dataPlatformStacks: ['DataLake'] }),
      'BIS-DI5',
    );
    expect(findings).toEqual([
      {
        path: 'Shop',
        level: 'error',
        message:
          'Stack Shop (stack name Shop) declares the role data-platform but is not one of the trusted data-platform stacks (dataPlatformStacks: DataLake), so it may not be exempt from the data-independence rules.',
      },
    ]);
  });

  test('without dataPlatformStacks every declaration is trusted', () => {
    expect(findingsFor(evaluateApp(appWithSelfDeclaredPlatform()), 'BIS-DI5')).toEqual([]);
  });

  test('a wildcard matches stack names, and construct paths match Stage stacks', () => {
    const app = testApp();
    const prod = new Stage(app, 'Prod');
    for (const [scope, id] of [
      [app, 'OrdersLake'],
      [prod, 'Lake'],
      [prod, 'Rogue'],
    ] as const) {
      const stack = new Stack(scope, id);
      BisRole.of(stack).set('data-platform');
      new sqs.Queue(stack, 'Q');
    }
    const findings = findingsFor(
      evaluateApp(app, { dataPlatformStacks: ['Orders*', 'Prod/Lake'] }),
      'BIS-DI5',
    );
    expect(findings.map((finding) => finding.path)).toEqual(['Prod/Rogue']);
  });

  test('an empty list trusts no stack: every data-platform declaration is reported', () => {
    const findings = findingsFor(
      evaluateApp(appWithSelfDeclaredPlatform(), { dataPlatformStacks: [] }),
      'BIS-DI5',
    );
    expect(findings.map((finding) => finding.path).sort()).toEqual(['DataLake', 'Shop']);
    expect(findings[0].message).toContain('(dataPlatformStacks: none)');
  });

  test('a nested stack inherits its trusted parent; one that declares itself in an application is reported', () => {
    const app = testApp();
    const lake = new Stack(app, 'DataLake');
    BisRole.of(lake).set('data-platform');
    new sqs.Queue(new NestedStack(lake, 'Zones'), 'Q');
    const shop = new Stack(app, 'Shop');
    new sqs.Queue(shop, 'Jobs');
    const hidden = new NestedStack(shop, 'Hidden');
    BisRole.of(hidden).set('data-platform');
    new sqs.Queue(hidden, 'Q');
    const findings = findingsFor(evaluateApp(app, { dataPlatformStacks: ['DataLake'] }), 'BIS-DI5');
    expect(findings.map((finding) => finding.path)).toEqual(['Shop/Hidden']);
  });

  test('an untrusted platform stack with nested stacks is reported once, on the top-level stack', () => {
    const app = testApp();
    const rogue = new Stack(app, 'Rogue');
    BisRole.of(rogue).set('data-platform');
    new sqs.Queue(rogue, 'Q');
    new sqs.Queue(new NestedStack(rogue, 'Inner'), 'Q');
    expect(
      findingsFor(evaluateApp(app, { dataPlatformStacks: ['DataLake'] }), 'BIS-DI5').map((f) => f.path),
    ).toEqual(['Rogue']);
  });

  test('a bad list is an error naming the field', () => {
    expect(() => new BisChecks(undefined, { dataPlatformStacks: ['DataLake', ''] })).toThrow(
      /BisChecks: dataPlatformStacks must be a list of stack names or construct paths/,
    );
    expect(() => new BisChecks(undefined, { dataPlatformStacks: 'DataLake' as never })).toThrow(
      /dataPlatformStacks must be a list/,
    );
  });
});
