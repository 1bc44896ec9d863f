import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ALLOW_DATA_DESTRUCTION_CONTEXT, DataLake, DataLakeStack } from '../../../lib/data-lake';
import { lakeApp, synthLake } from './lake-fixture';

function destroyWithout(context: Record<string, unknown>): () => void {
  return () =>
    new DataLakeStack(lakeApp(context), 'Lake', {
      lakeName: 'enterprise',
      removalPolicy: RemovalPolicy.DESTROY,
    });
}

describe('the data-destruction gate', () => {
  test('the flag is cdk-bis:allowDataDestruction', () => {
    expect(ALLOW_DATA_DESTRUCTION_CONTEXT).toBe('cdk-bis:allowDataDestruction');
  });

  test('DESTROY without the flag is an error that names the prop, the flag and the command', () => {
    let message = '';
    try {
      destroyWithout({})();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("DataLake 'enterprise' (Lake/Lake)");
    expect(message).toContain('removalPolicy is DESTROY');
    expect(message).toContain("context flag 'cdk-bis:allowDataDestruction' set to true");
    expect(message).toContain('`cdk synth -c cdk-bis:allowDataDestruction=true`');
    expect(message).toContain('the default is RETAIN');
  });

  test.each([false, 'false', 'yes', 1])('DESTROY with the flag set to %p is still an error', (value) => {
    expect(destroyWithout({ [ALLOW_DATA_DESTRUCTION_CONTEXT]: value })).toThrow(/removalPolicy is DESTROY/);
  });

  test('the error is raised by the DataLake construct too, outside DataLakeStack', () => {
    const stack = new Stack(lakeApp(), 'Other');
    expect(
      () => new DataLake(stack, 'Lake', { lakeName: 'enterprise', removalPolicy: RemovalPolicy.DESTROY }),
    ).toThrow(/cdk-bis:allowDataDestruction/);
  });

  test.each([true, 'true'])(
    'with the flag %p, DESTROY deletes and empties every bucket and the key',
    (value) => {
      const lake = synthLake(
        { removalPolicy: RemovalPolicy.DESTROY },
        { [ALLOW_DATA_DESTRUCTION_CONTEXT]: value },
      );
      const { lake: dataLake } = lake.stack;
      const buckets = [
        dataLake.bucket('landing'),
        dataLake.bucket('raw'),
        dataLake.bucket('curated'),
        dataLake.accessLogBucket,
        dataLake.queryResultsBucket,
      ];
      for (const construct of [...buckets, dataLake.key]) {
        expect(lake.resourceOf(construct)).toMatchObject({
          DeletionPolicy: 'Delete',
          UpdateReplacePolicy: 'Delete',
        });
      }
      lake.template.resourceCountIs('Custom::S3AutoDeleteObjects', 5);
      for (const bucket of buckets) {
        lake.template.hasResourceProperties('Custom::S3AutoDeleteObjects', {
          BucketName: { Ref: lake.idOf(bucket) },
        });
      }
      expect(dataLake.removalPolicy).toBe(RemovalPolicy.DESTROY);
    },
  );

  test('the flag alone destroys nothing: without removalPolicy the lake is retained', () => {
    const lake = synthLake({}, { [ALLOW_DATA_DESTRUCTION_CONTEXT]: true });
    lake.template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    for (const resource of Object.values(lake.template.findResources('AWS::S3::Bucket'))) {
      expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  test('RETAIN_ON_UPDATE_OR_DELETE is passed through unchanged', () => {
    const lake = synthLake({ removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
    expect(lake.resourceOf(lake.stack.lake.bucket('raw'))).toMatchObject({
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
    lake.template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('SNAPSHOT is refused: neither buckets nor keys support it', () => {
    expect(() => synthLake({ removalPolicy: RemovalPolicy.SNAPSHOT })).toThrow(
      /removalPolicy SNAPSHOT is not supported.*RETAIN/,
    );
  });

  test('DESTROY with Object Lock on raw warns that locked versions outlive the stack', () => {
    const lake = synthLake(
      {
        removalPolicy: RemovalPolicy.DESTROY,
        rawObjectLock: { mode: 'COMPLIANCE', retention: Duration.days(30) },
      },
      { [ALLOW_DATA_DESTRUCTION_CONTEXT]: true },
    );
    Annotations.fromStack(lake.stack).hasWarning(
      '/Lake/Lake',
      Match.stringLikeRegexp('rawObjectLock is COMPLIANCE: locked raw object versions cannot be deleted'),
    );
  });
});
