import { Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BisChecks } from '../../policies/bis-checks';
import { ALL_RULES } from '../../policies/rules';
import { evaluateApp, testApp } from './harness';

/** Every rule off but the ones named, with the same `disable` users have. */
function only(...ids: string[]): string[] {
  return ALL_RULES.map((rule) => rule.id).filter((id) => !ids.includes(id));
}

describe('stack-level findings read as the stack', () => {
  test('BIS-BA1 is reported on the stack construct, not on its first resource', () => {
    const app = testApp();
    const web = new Stack(app, 'Web');
    new sqs.Queue(web, 'Jobs');
    const findings = evaluateApp(app, { disable: only('BIS-BA1') });
    expect(findings.map((finding) => [finding.rule.id, finding.resource.path])).toEqual([['BIS-BA1', 'Web']]);
    expect(findings[0].resource.construct).toBe(web);
    expect(findings[0].resource.stackLevel).toBe(true);
  });

  test("CDK's report points at the line that created the stack", () => {
    const app = testApp();
    Validations.of(app).addPlugins(new BisChecks(app, { disable: only('BIS-BA1') }));
    const web = new Stack(app, 'Web'); // the line the report must point at
    new sqs.Queue(web, 'Jobs');
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('[BIS-BA1]');
    expect(message).toMatch(/bis-checks-signal\.test\.ts:26:/);
  });

  test('an acknowledgement on the stack covers its stack-level finding', () => {
    const app = testApp();
    const web = new Stack(app, 'Web');
    new sqs.Queue(web, 'Jobs');
    Validations.of(web).acknowledge({ id: 'BIS::BIS-BA1', reason: 'a worker deployed beside the web stack' });
    const [finding] = evaluateApp(app, { disable: only('BIS-BA1') });
    expect(finding.acknowledgedReason).toBe('a worker deployed beside the web stack');
  });
});
