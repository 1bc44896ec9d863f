import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AppIndex, MemoKey } from '../../../policies/engine/app-index';
import { testApp } from '../harness';

/*
 * `release` frees a checked deployment unit's resources. A fact a rule derived from them goes too,
 * unless its key says it is small and holds no resource: BIS-BA1 asks every unit of an application
 * whether it has an entry point, once per stack of that application, and must not re-read each unit
 * for every asker (at 5,000 resources that was a sixth of a before-synth run).
 */
describe('AppIndex.memo across release', () => {
  function twoStackIndex() {
    const app = testApp();
    for (const id of ['Orders', 'Billing']) new sqs.Queue(new Stack(app, id), 'Jobs');
    const index = AppIndex.fromConstructTree(app);
    return { index, units: index.deploymentUnits };
  }

  it('keeps a fact declared keptAfterRelease, computed once per run', () => {
    const { index, units } = twoStackIndex();
    const kept = new MemoKey<number>('resource count, kept', true);
    let computed = 0;
    const count = () =>
      index.memo(kept, units[0], () => {
        computed++;
        return index.resourcesOf(units[0]).length;
      });
    expect(count()).toBe(1);
    index.release(units[0]);
    expect(count()).toBe(1);
    expect(computed).toBe(1);
  });

  it('drops a plain fact with its unit, and computes it again from the re-read resources', () => {
    const { index, units } = twoStackIndex();
    const plain = new MemoKey<string[]>('logical IDs');
    let computed = 0;
    const ids = () =>
      index.memo(plain, units[0], () => {
        computed++;
        return index.resourcesOf(units[0]).map((resource) => resource.logicalId);
      });
    const first = ids();
    index.release(units[0]);
    expect(ids()).toEqual(first);
    expect(computed).toBe(2);
  });
});
