import { Match } from 'aws-cdk-lib/assertions';
import { BisChecks } from '../../../policies/bis-checks';
import { BIS_ROLE_TAG, BisRole } from '../../../lib/roles';
import { BIS_COST_CENTER_TAG as COST_CENTER_TAG, BIS_OWNER_TAG as OWNER_TAG } from '../../../policies/marks';
import { DataLakeStack } from '../../../lib/data-lake';
import { lakeApp, synthLake } from './lake-fixture';

describe('DataLakeStack', () => {
  test('is a data-platform stack, tagged and marked so a scanned template carries the role', () => {
    const lake = synthLake();
    expect(BisRole.of(lake.stack).role).toBe('data-platform');
    expect(lake.template.toJSON().Metadata).toMatchObject({ [BIS_ROLE_TAG]: 'data-platform' });
    lake.template.hasResourceProperties('AWS::KMS::Key', {
      Tags: Match.arrayWith([{ Key: BIS_ROLE_TAG, Value: 'data-platform' }]),
    });
  });

  test("tags every taggable resource bis:owner 'platform' and bis:cost-center 'data-platform' by default", () => {
    const lake = synthLake();
    const tagged = [
      ...Object.values(lake.template.findResources('AWS::S3::Bucket')),
      ...Object.values(lake.template.findResources('AWS::KMS::Key')),
    ];
    expect(tagged).toHaveLength(6);
    for (const resource of tagged) {
      expect(resource.Properties.Tags).toEqual(
        expect.arrayContaining([
          { Key: OWNER_TAG, Value: 'platform' },
          { Key: COST_CENTER_TAG, Value: 'data-platform' },
        ]),
      );
    }
  });

  test('owner and costCenter set the cost-allocation tags', () => {
    const lake = synthLake({ owner: 'data-team', costCenter: 'cc-4242' });
    lake.template.hasResourceProperties('AWS::S3::Bucket', {
      // CDK sorts tags by key.
      Tags: Match.arrayWith([
        { Key: COST_CENTER_TAG, Value: 'cc-4242' },
        { Key: OWNER_TAG, Value: 'data-team' },
      ]),
    });
  });

  test('holds one DataLake as `lake`, named from lakeName', () => {
    const lake = synthLake({ lakeName: 'finance' });
    expect(lake.stack.lake.node.path).toBe('Lake/Lake');
    expect(lake.stack.lake.lakeName).toBe('finance');
    lake.template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/cdk-bis/finance' });
  });

  test('is environment-agnostic: it synthesizes without lookups or an account', () => {
    const app = lakeApp();
    const stack = new DataLakeStack(app, 'Lake', { lakeName: 'enterprise' });
    const assembly = app.synth();
    expect(stack.environment).toBe('aws://unknown-account/unknown-region');
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  test('passes StackProps through', () => {
    const stack = new DataLakeStack(lakeApp(), 'Lake', {
      lakeName: 'enterprise',
      env: { account: '111111111111', region: 'eu-west-3' },
      terminationProtection: true,
    });
    expect(stack.region).toBe('eu-west-3');
    expect(stack.terminationProtection).toBe(true);
  });

  test('has zero BisChecks findings of any level', () => {
    const app = lakeApp();
    new DataLakeStack(app, 'Lake', { lakeName: 'enterprise' });
    app.synth();
    const findings = new BisChecks(undefined).evaluate(app);
    expect(
      findings.map(
        (finding) => `${finding.rule.id} ${finding.level} ${finding.resource.path}: ${finding.message}`,
      ),
    ).toEqual([]);
  });
});
