import { RemovalPolicy } from 'aws-cdk-lib';
import { DataLakeStack } from '../../../../lib/data-lake';
import { ALLOW_DATA_DESTRUCTION_CONTEXT } from '../../../../lib/data-lake/destruction-gate';
import { evaluateApp, testApp } from '../../harness';

/** The lake as docs/DATA-LAKE.md says to synthesize a throw-away one: DESTROY, with or without the flag. */
function destroyableLakeFindings(context: Record<string, unknown>) {
  const app = testApp({ context });
  new DataLakeStack(app, 'Lake', { lakeName: 'sandbox', removalPolicy: RemovalPolicy.DESTROY });
  return evaluateApp(app).filter((finding) => finding.rule.id === 'BIS-DI4');
}

describe('BIS-DI4: the DESTROY path of the lake', () => {
  test('a retained lake has no DI4 finding', () => {
    const app = testApp();
    new DataLakeStack(app, 'Lake', { lakeName: 'sandbox' });
    expect(evaluateApp(app).filter((finding) => finding.rule.id === 'BIS-DI4')).toEqual([]);
  });

  test("with the destruction flag, the lake's buckets and databases are reported as acknowledged by it", () => {
    const findings = destroyableLakeFindings({ [ALLOW_DATA_DESTRUCTION_CONTEXT]: true });
    expect(new Set(findings.map((finding) => finding.resource.type))).toEqual(
      new Set(['AWS::S3::Bucket', 'AWS::Glue::Database']),
    );
    for (const finding of findings) {
      expect(finding.acknowledgedReason).toMatch(/removalPolicy DESTROY .*cdk-bis:allowDataDestruction=true/);
    }
  });

  test('a data-platform store destroyed without the flag (a hand-written DESTROY) stays an unacknowledged error', async () => {
    const { Stack } = await import('aws-cdk-lib');
    const s3 = await import('aws-cdk-lib/aws-s3');
    const { BisRole } = await import('../../../../lib/roles');
    const app = testApp({ context: { [ALLOW_DATA_DESTRUCTION_CONTEXT]: true } });
    const stack = new Stack(app, 'Platform');
    BisRole.of(stack).set('data-platform');
    new s3.Bucket(stack, 'Scratch', { removalPolicy: RemovalPolicy.DESTROY });
    const findings = evaluateApp(app).filter((finding) => finding.rule.id === 'BIS-DI4');
    expect(
      findings.map((finding) => [finding.resource.path, finding.level, finding.acknowledgedReason]),
    ).toEqual([['Platform/Scratch/Resource', 'error', undefined]]);
  });
});
