import { Stack, Stage, Validations } from 'aws-cdk-lib';
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

describe('acknowledgements that cannot go silently wrong', () => {
  /** An application stack whose one finding is BIS-BA1 on the stack. */
  function webApp() {
    const app = testApp();
    const web = new Stack(app, 'Web');
    new sqs.Queue(web, 'Jobs');
    return { app, web };
  }
  const ackWarnings = (findings: ReturnType<typeof evaluateApp>) =>
    findings
      .filter((finding) => finding.rule.id === 'BIS-ACK')
      .map((finding) => [finding.level, finding.message]);

  test("an ID without 'BIS::' is a warning that shows the ID to write, and the finding stays open", () => {
    const { app, web } = webApp();
    Validations.of(web).acknowledge({ id: 'BIS-BA1', reason: 'worker stack' });
    const findings = evaluateApp(app, { disable: only('BIS-BA1') });
    expect(findings.find((finding) => finding.rule.id === 'BIS-BA1')?.acknowledgedReason).toBeUndefined();
    expect(ackWarnings(findings)).toEqual([
      [
        'warning',
        expect.stringMatching(
          /^Acknowledgement id 'BIS-BA1' is read by CDK as 'Annotation::BIS-BA1'.*write id: 'BIS::BIS-BA1'\. \(acknowledged on Web at test\/policies\/bis-checks-signal\.test\.ts:\d+:\d+\)$/,
        ),
      ],
    ]);
  });

  test('an unknown rule ID is a warning that points at the rule list', () => {
    const { app, web } = webApp();
    Validations.of(web).acknowledge({ id: 'BIS::BIS-PO9', reason: 'not ported yet' });
    expect(ackWarnings(evaluateApp(app, { disable: only('BIS-BA1') }))).toEqual([
      ['warning', expect.stringContaining("Acknowledgement id 'BIS::BIS-PO9' names no BIS rule")],
    ]);
  });

  test('an empty reason is a warning that asks for one', () => {
    const { app, web } = webApp();
    Validations.of(web).acknowledge({ id: 'BIS::BIS-BA1', reason: ' ' });
    expect(ackWarnings(evaluateApp(app, { disable: only('BIS-BA1') }))).toEqual([
      ['warning', expect.stringContaining('Acknowledgement of BIS-BA1 has an empty reason')],
    ]);
  });

  test('an acknowledgement that matches no finding is reported as unused, with where it was written', () => {
    const { app, web } = webApp();
    const queue = web.node.findChild('Jobs');
    Validations.of(queue).acknowledge({ id: 'BIS::BIS-BA1', reason: 'on the wrong construct' });
    expect(ackWarnings(evaluateApp(app, { disable: only('BIS-BA1') }))).toEqual([
      [
        'warning',
        expect.stringMatching(
          /^Acknowledgement of BIS-BA1 matches no finding on Web\/Jobs or below.*\(acknowledged on Web\/Jobs at test\/policies\/bis-checks-signal\.test\.ts:\d+:\d+\)$/,
        ),
      ],
    ]);
  });

  test("a used acknowledgement with a reason, and other plugins' IDs, raise nothing", () => {
    const { app, web } = webApp();
    Validations.of(web).acknowledge(
      { id: 'BIS::BIS-BA1', reason: 'worker stack' },
      { id: 'AwsSolutions-SQS3', reason: 'not a BIS rule' },
    );
    expect(ackWarnings(evaluateApp(app, { disable: only('BIS-BA1') }))).toEqual([]);
  });
});

describe('synth ends with one summary line', () => {
  test('one line for an app with several stacks and a Stage: counts by level and how to get the reports', () => {
    const app = testApp();
    Validations.of(app).addPlugins(new BisChecks(app, { disable: only('BIS-BA1', 'BIS-AV4') }));
    const web = new Stack(app, 'Web');
    new sqs.Queue(web, 'Jobs');
    const worker = new Stack(app, 'Worker');
    new sqs.Queue(worker, 'Jobs');
    Validations.of(worker).acknowledge({ id: 'BIS::BIS-BA1', reason: 'a worker beside the web stack' });
    const stage = new Stage(app, 'Prod');
    new sqs.Queue(new Stack(stage, 'Batch'), 'Jobs');
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(() => app.synth()).toThrow(/BIS-BA1/);
    } finally {
      spy.mockRestore();
    }
    const summaries = written
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('BIS: '));
    expect(summaries).toEqual([
      'BIS: 2 errors, 3 warnings, 0 infos (1 acknowledged). Reports: npx cdk-bis report --format markdown (or sarif, junit, text) reads cdk.out/validation-report.json.',
    ]);
  });
});
