import { CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as appstream from 'aws-cdk-lib/aws-appstream';
import * as workspaces from 'aws-cdk-lib/aws-workspaces';
import * as workspacesweb from 'aws-cdk-lib/aws-workspacesweb';
import rule from '../../../../policies/rules/ba/NoThickClientDelivery';
import { evaluateApp, findingsFor, testApp, verdictOf, verdictsOfTemplate } from '../../harness';

describe('BIS-BA5 NoThickClientDelivery', () => {
  test('a WorkSpaces virtual desktop is an error that names the type', () => {
    const desktop = new workspaces.CfnWorkspace(new Stack(testApp(), 'Vdi'), 'Desk', {
      bundleId: 'wsb-12345',
      directoryId: 'd-12345',
      userName: 'alice',
    });
    expect(verdictOf(rule, desktop)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/AWS::WorkSpaces::Workspace creates a WorkSpaces virtual desktop/),
    });
  });

  test('an AppStream fleet and stack are errors', () => {
    const stack = new Stack(testApp(), 'Streaming');
    const fleet = new appstream.CfnFleet(stack, 'Fleet', {
      instanceType: 'stream.standard.small',
      name: 'fleet',
    });
    const streamed = new appstream.CfnStack(stack, 'Apps', { name: 'apps' });
    expect(verdictOf(rule, fleet)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/AppStream 2.0/),
    });
    expect(verdictOf(rule, streamed).kind).toBe('non-compliant');
  });

  test('a conditional WorkSpace is still an error: the type, not a property, is forbidden', () => {
    const stack = new Stack(testApp(), 'Vdi');
    const wanted = new CfnParameter(stack, 'WantDesktops', { allowedValues: ['yes', 'no'], default: 'no' });
    const condition = new CfnCondition(stack, 'Desktops', {
      expression: Fn.conditionEquals(wanted.valueAsString, 'yes'),
    });
    const desktop = new workspaces.CfnWorkspace(stack, 'Desk', {
      bundleId: Fn.importValue('desktop-bundle'),
      directoryId: 'd-12345',
      userName: 'alice',
    });
    desktop.cfnOptions.condition = condition;
    expect(verdictOf(rule, desktop).kind).toBe('non-compliant');
  });

  test('WorkSpaces Secure Browser is browser-delivered and yields no BA5 finding', () => {
    const app = testApp();
    const stack = new Stack(app, 'SecureBrowser');
    new workspacesweb.CfnPortal(stack, 'Portal', { displayName: 'intranet' });
    new workspacesweb.CfnBrowserSettings(stack, 'Browser', { browserPolicy: '{"chromePolicies":{}}' });
    new workspaces.CfnWorkspace(stack, 'Desk', { bundleId: 'wsb-1', directoryId: 'd-1', userName: 'bob' });
    // The WorkSpace in the same app proves the rule runs; only it is reported.
    expect(findingsFor(evaluateApp(app), 'BIS-BA5')).toEqual([
      {
        path: 'SecureBrowser/Desk',
        level: 'error',
        message: expect.stringMatching(/WorkSpaces virtual desktop/),
      },
    ]);
  });

  test('a scanned template gets the same verdicts, Secure Browser excluded', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Pool: { Type: 'AWS::WorkSpaces::WorkspacesPool', Properties: { PoolName: 'p' } },
        Alias: {
          Type: 'AWS::WorkSpaces::ConnectionAlias',
          Properties: { ConnectionString: 'desk.example.com' },
        },
        Builder: {
          Type: 'AWS::AppStream::ImageBuilder',
          Properties: { InstanceType: 'stream.standard.small' },
        },
        Portal: { Type: 'AWS::WorkSpacesWeb::Portal', Properties: {} },
      },
    });
    expect(verdicts).toEqual({ Pool: 'non-compliant', Alias: 'non-compliant', Builder: 'non-compliant' });
  });
});
