import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration, Stack, Stage, Tags, type App } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BisRole } from '../../../../lib/roles';
import { indexTemplates } from '../../../../policies/engine/app-index';
import rule from '../../../../policies/rules/ba/BrowserEntryPoint';
import { scanTemplates } from '../../../../policies/scan';
import { evaluateApp, findingsFor, testApp } from '../../harness';

/** A stack with only a worker queue: no entry point of its own. */
function workerStack(scope: App | Stage, id: string): Stack {
  const stack = new Stack(scope, id);
  new sqs.Queue(stack, 'Jobs', { visibilityTimeout: Duration.seconds(60) });
  return stack;
}

/** A stack that holds the application's HTTP API. */
function apiStack(scope: App | Stage, id: string): Stack {
  const stack = new Stack(scope, id);
  new apigwv2.HttpApi(stack, 'Api');
  return stack;
}

/** The stacks BIS-BA1 reports, by the stack its message names. */
function reportedStacks(app: App): string[] {
  return findingsFor(evaluateApp(app), 'BIS-BA1').map(
    (finding) => /^Stack (\S+?)[ ,]/.exec(finding.message)?.[1] ?? '?',
  );
}

describe('BIS-BA1 judges an application, not a stack', () => {
  test('a worker stack beside the stack that holds the API passes: top-level stacks are one app', () => {
    const app = testApp();
    apiStack(app, 'Api');
    workerStack(app, 'Worker');
    expect(reportedStacks(app)).toEqual([]);
  });

  test('a Stage is an application: a Stage without an entry point fails even when another Stage has one', () => {
    const app = testApp();
    const prod = new Stage(app, 'Prod');
    apiStack(prod, 'Api');
    workerStack(prod, 'Worker');
    const batch = new Stage(app, 'Batch');
    workerStack(batch, 'Worker');
    const findings = findingsFor(evaluateApp(app), 'BIS-BA1');
    expect(findings).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringMatching(
          /^Stack Batch\/Worker, the only application stack of Stage Batch, has no browser entry point\./,
        ),
      }),
    ]);
  });

  test('a top-level pipeline stack passes when a Stage it deploys has the entry point', () => {
    const app = testApp();
    workerStack(app, 'Pipeline');
    apiStack(new Stage(app, 'Prod'), 'Api');
    expect(reportedStacks(app)).toEqual([]);
  });

  test('stacks tagged with the same bis:application are one application across Stages', () => {
    const app = testApp();
    const web = new Stage(app, 'Web');
    Tags.of(apiStack(web, 'Api')).add('bis:application', 'shop');
    const jobs = new Stage(app, 'Jobs');
    Tags.of(workerStack(jobs, 'Orders')).add('bis:application', 'shop');
    Tags.of(workerStack(jobs, 'Reports')).add('bis:application', 'reports');
    expect(findingsFor(evaluateApp(app), 'BIS-BA1')).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^Stack Jobs\/Reports, the only application stack of application 'reports', has/,
        ),
      }),
    ]);
  });

  test("an entry point in a data-platform stack is not the application's", () => {
    const app = testApp();
    BisRole.of(apiStack(app, 'Lake')).set('data-platform');
    workerStack(app, 'Worker');
    expect(reportedStacks(app)).toEqual(['Worker']);
  });

  test('two stacks of an application without an entry point are each reported, naming the other', () => {
    const app = testApp();
    const batch = new Stage(app, 'Batch');
    workerStack(batch, 'Ingest');
    workerStack(batch, 'Export');
    const messages = findingsFor(evaluateApp(app), 'BIS-BA1').map((finding) => finding.message);
    expect(messages).toEqual([
      expect.stringMatching(
        /^Stack Batch\/Ingest and the other stacks of its application \(Stage Batch: Batch\/Export\) have no/,
      ),
      expect.stringMatching(
        /^Stack Batch\/Export and the other stacks of its application \(Stage Batch: Batch\/Ingest\) have no/,
      ),
    ]);
  });
});

describe('BIS-BA1 applications in scanned templates', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = mkdtempSync(join(tmpdir(), 'cdk-bis-ba1-'));
  });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  test('scanning the cloud assembly gives the verdicts of synth: Stages are assembly directories', () => {
    const app = testApp({ outdir });
    workerStack(app, 'Pipeline');
    const prod = new Stage(app, 'Prod');
    apiStack(prod, 'Api');
    workerStack(prod, 'Worker');
    workerStack(new Stage(app, 'Batch'), 'Worker');
    const atSynth = reportedStacks(app);
    expect(atSynth).toEqual(['Batch/Worker']);
    const scanned = scanTemplates([outdir], { root: outdir });
    expect(scanned.errors).toEqual([]);
    const atScan = scanned.report.findings
      .filter((finding) => finding.ruleId === 'BIS-BA1')
      .map((finding) => finding.stack);
    expect(atScan).toHaveLength(1);
    expect(atScan[0]).toMatch(/^assembly-Batch\//);
  });

  test('hand-written templates are each an application unless they declare the same bis:application', () => {
    const queueOnly = { Resources: { Jobs: { Type: 'AWS::SQS::Queue' } } };
    const withApi = {
      Resources: { Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP' } } },
    };
    const declared = (template: object) => ({ ...template, Metadata: { 'bis:application': 'shop' } });
    const verdicts = (templates: object[]) => {
      const index = indexTemplates(templates.map((template, i) => ({ path: `t/${i}.json`, template })));
      return index.resources.map((resource) => rule.check(resource, index).kind);
    };
    expect(verdicts([queueOnly, withApi])).toEqual(['non-compliant', 'compliant']);
    expect(verdicts([declared(queueOnly), declared(withApi)])).toEqual(['compliant', 'compliant']);
  });
});
