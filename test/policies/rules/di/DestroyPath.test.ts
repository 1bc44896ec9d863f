import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataLakeStack } from '../../../../lib/data-lake';
import { ALLOW_DATA_DESTRUCTION_CONTEXT } from '../../../../lib/data-lake/destruction-gate';
import { BisRole } from '../../../../lib/roles';
import { evaluateApp, testApp } from '../../harness';

describe('BIS-DI4: the DESTROY path', () => {
  test('a retained lake has no DI4 finding', () => {
    const app = testApp();
    new DataLakeStack(app, 'Lake', { lakeName: 'sandbox' });
    expect(evaluateApp(app).filter((finding) => finding.rule.id === 'BIS-DI4')).toEqual([]);
  });

  test('the destruction flag acknowledges nothing by itself: a hand-written DESTROY store stays an error', () => {
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
