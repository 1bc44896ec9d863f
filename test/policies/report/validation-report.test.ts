import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { CfnResource, NestedStack, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as ddb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BisRole } from '../../../lib/roles';
import { BisChecks } from '../../../policies';
import { PACKAGE_VERSION } from '../../../policies/package-version';
import {
  readValidationReport,
  ReportInputError,
  type FindingsReport,
  type ReportFinding,
} from '../../../policies/report';
import { userFrameOf } from '../../../policies/report/locations';
import {
  lineOf,
  positionOf,
  REPO_ROOT,
  synthesize,
  synthesizeGoldenApp,
  temporaryDirectory,
} from './report-harness';

const SHOP_APP = join(__dirname, 'golden', 'shop-app.ts');

function findingOf(report: FindingsReport, ruleId: string, resourcePath: string): ReportFinding {
  const finding = report.findings.find((f) => f.ruleId === ruleId && f.resourcePath === resourcePath);
  if (!finding) throw new Error(`no ${ruleId} finding on ${resourcePath}`);
  return finding;
}

/** The text of a report-relative file's line. */
function lineText(file: string, line: number): string {
  return readFileSync(join(REPO_ROOT, file), 'utf8').split('\n')[line - 1];
}

describe('a synthesized app with BisChecks', () => {
  let outdir: string;
  let report: FindingsReport;
  beforeAll(() => {
    outdir = synthesizeGoldenApp();
    report = readValidationReport(outdir, { root: REPO_ROOT });
  });

  test('every violating construct of every violation becomes a finding', () => {
    const bis = report.findings
      .filter((finding) => finding.plugin === 'BIS')
      .map((f) => `${f.ruleId} ${f.resourcePath}`);
    expect(bis).toEqual(
      expect.arrayContaining([
        'BIS-DI1 Shop/Uploads/Resource',
        'BIS-TR1 Shop/Uploads/Resource',
        'BIS-TR9 Shop/Jobs/Resource',
        'BIS-TR9 Shop/Workers/Backlog/Resource',
        'BIS-CO2 Shop/Nat',
      ]),
    );
    expect(findingOf(report, 'BIS-DI1', 'Shop/Uploads/Resource')).toMatchObject({
      severity: 'error',
      stack: 'Shop',
      resourceType: 'AWS::S3::Bucket',
      message: expect.stringMatching(/^AWS::S3::Bucket is a persistent data store in application stack Shop/),
    });
    expect(findingOf(report, 'BIS-TR1', 'Shop/Uploads/Resource').severity).toBe('warning');
  });

  test('the source location is the line and column of `new s3.Bucket(...)` in the app, relative to the root', () => {
    expect(findingOf(report, 'BIS-DI1', 'Shop/Uploads/Resource').source).toEqual({
      file: 'test/policies/report/golden/shop-app.ts',
      ...positionOf(SHOP_APP, "new s3.Bucket(shop, 'Uploads'"),
    });
    // Source maps place `const jobs = new ...` at the statement: the line is what matters.
    expect(findingOf(report, 'BIS-TR9', 'Shop/Jobs/Resource').source).toMatchObject({
      file: 'test/policies/report/golden/shop-app.ts',
      line: lineOf(SHOP_APP, "new sqs.Queue(shop, 'Jobs'"),
    });
  });

  test('the template location is the line of the logical ID in the synthesized template', () => {
    const finding = findingOf(report, 'BIS-DI1', 'Shop/Uploads/Resource');
    expect(finding.template?.file).toBe(`${relative(REPO_ROOT, outdir)}/Shop.template.json`);
    expect(finding.logicalId).toMatch(/^Uploads[0-9A-F]{8}$/);
    expect(lineText(finding.template!.file, finding.template!.line).trim()).toBe(`"${finding.logicalId}": {`);
  });

  test('a resource of a nested stack is in that stack and in its nested template', () => {
    const finding = findingOf(report, 'BIS-TR9', 'Shop/Workers/Backlog/Resource');
    expect(finding.stack).toBe('Shop/Workers');
    expect(finding.template?.file).toMatch(/\/ShopWorkers[0-9A-F]{8}\.nested\.template\.json$/);
    expect(lineText(finding.template!.file, finding.template!.line).trim()).toBe(`"${finding.logicalId}": {`);
  });

  test('an acknowledged finding carries its reason and the construct it was acknowledged on', () => {
    expect(findingOf(report, 'BIS-AV4', 'Shop/Jobs/Resource')).toMatchObject({
      severity: 'warning',
      acknowledgement: { reason: 'the caller retries failed jobs & keeps <their> state', at: 'Shop/Jobs' },
    });
    expect(findingOf(report, 'BIS-AV4', 'Shop/Workers/Backlog/Resource').acknowledgement).toBeUndefined();
  });

  test('an always-on cost is read back as a number of USD a month', () => {
    expect(findingOf(report, 'BIS-CO2', 'Shop/Nat').monthlyCostUsd).toBeCloseTo(32.85, 2);
    expect(findingOf(report, 'BIS-DI1', 'Shop/Uploads/Resource').monthlyCostUsd).toBeUndefined();
  });

  test('a BIS rule has its title, name, rationale, fix and its place in the shipped docs/RULES.md, with no dead link', () => {
    const rule = report.rules.find((candidate) => candidate.id === 'BIS-DI1');
    expect(rule).toMatchObject({
      plugin: 'BIS',
      name: 'DataStoresOnlyInDataPlatform',
      title: 'Persistent data stores live only in data-platform stacks',
      description: expect.stringContaining('lives and dies with that application'),
      fix: expect.stringContaining("Validations.of(construct).acknowledge({ id: 'BIS::BIS-DI1'"),
      documentation: 'docs/RULES.md#bis-di1',
    });
    expect(rule?.helpUri).toBeUndefined();
    expect(report.tool).toEqual({ name: 'cdk-bis', version: PACKAGE_VERSION });
  });

  test('the docs link follows the helpBaseUri option, without a doubled slash', () => {
    const mirrored = readValidationReport(outdir, {
      root: REPO_ROOT,
      helpBaseUri: 'https://docs.example.com/cdk-bis/',
    });
    expect(mirrored.rules.find((rule) => rule.id === 'BIS-DI1')?.helpUri).toBe(
      'https://docs.example.com/cdk-bis/docs/RULES.md#bis-di1',
    );
  });

  test("aws-cdk-lib's own CloudFormation validation is converted as a plugin of its own", () => {
    const finding = report.findings.find((f) => f.plugin === 'CloudFormation Validate');
    expect(finding).toMatchObject({ resourcePath: 'Shop/Nat', severity: 'warning', stack: 'Shop' });
    expect(report.rules.find((rule) => rule.plugin === 'CloudFormation Validate')?.helpUri).toBeUndefined();
  });
});

test("cdk-nag's AwsSolutions findings are converted beside BIS's, acknowledgements included", () => {
  const outdir = synthesize((app) => {
    Validations.of(app).addPlugins(new BisChecks(app), new AwsSolutionsChecks());
    const stack = new Stack(app, 'Nagged');
    new s3.Bucket(stack, 'Logs');
    const queue = new sqs.Queue(stack, 'Work');
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS4',
      reason: 'reached over VPC endpoints only',
    });
  });
  const report = readValidationReport(outdir, { root: REPO_ROOT });
  const s1 = findingOf(report, 'AwsSolutions-S1', 'Nagged/Logs/Resource');
  expect(s1).toMatchObject({
    plugin: 'AwsSolutions',
    severity: 'error',
    stack: 'Nagged',
    resourceType: 'AWS::S3::Bucket',
    message: 'The S3 Bucket has server access logs disabled.',
    source: {
      file: 'test/policies/report/validation-report.test.ts',
      line: lineOf(__filename, "new s3.Bucket(stack, 'Logs')"),
    },
  });
  expect(s1.template?.file).toMatch(/\/Nagged\.template\.json$/);
  expect(findingOf(report, 'AwsSolutions-SQS4', 'Nagged/Work/Resource').acknowledgement).toEqual({
    reason: 'reached over VPC endpoints only',
    at: 'Nagged/Work',
  });
  // cdk-nag has no rule titles: the first sentence of its description stands in, without the full stop.
  expect(report.rules.find((rule) => rule.id === 'AwsSolutions-S1')).toMatchObject({
    plugin: 'AwsSolutions',
    title: 'The S3 Bucket has server access logs disabled',
  });
  expect(report.findings.some((finding) => finding.plugin === 'BIS')).toBe(true);
});

test('without path metadata (a synth outside the CLI), tree.json and the asset manifests locate the resources', () => {
  const outdir = synthesize(
    (app) => {
      Validations.of(app).addPlugins(new BisChecks(app));
      const bare = new Stack(app, 'Bare');
      new s3.Bucket(bare, 'Data');
      new sqs.Queue(new NestedStack(bare, 'Inner'), 'Work');
    },
    { 'aws:cdk:enable-path-metadata': false, 'aws:cdk:enable-asset-metadata': false },
  );
  expect(readFileSync(join(outdir, 'Bare.template.json'), 'utf8')).not.toMatch(/aws:cdk:path|aws:asset:path/);
  const report = readValidationReport(outdir, { root: REPO_ROOT });
  const bucket = findingOf(report, 'BIS-DI1', 'Bare/Data/Resource');
  expect(bucket).toMatchObject({
    stack: 'Bare',
    resourceType: 'AWS::S3::Bucket',
    logicalId: expect.stringMatching(/^Data[0-9A-F]{8}$/),
  });
  expect(lineText(bucket.template!.file, bucket.template!.line).trim()).toBe(`"${bucket.logicalId}": {`);
  const queue = findingOf(report, 'BIS-TR9', 'Bare/Inner/Work/Resource');
  expect(queue.stack).toBe('Bare/Inner');
  expect(queue.template?.file).toMatch(/\/BareInner[0-9A-F]{8}\.nested\.template\.json$/);
  expect(lineText(queue.template!.file, queue.template!.line).trim()).toBe(`"${queue.logicalId}": {`);
});

test('a stack in a Stage is found in the nested cloud assembly', () => {
  const outdir = synthesize((app) => {
    Validations.of(app).addPlugins(new BisChecks(app));
    const api = new Stack(new Stage(app, 'Prod'), 'Api');
    new NestedStack(api, 'Jobs');
    new s3.Bucket(api, 'Files');
  });
  const finding = findingOf(
    readValidationReport(outdir, { root: REPO_ROOT }),
    'BIS-DI1',
    'Prod/Api/Files/Resource',
  );
  expect(finding.stack).toBe('Prod/Api');
  expect(finding.template?.file).toMatch(/\/assembly-Prod\/ProdApi[0-9A-F]{8}\.template\.json$/);
  expect(lineText(finding.template!.file, finding.template!.line).trim()).toBe(`"${finding.logicalId}": {`);
});

describe('an app whose library constructs are made inside user code', () => {
  let outdir: string;
  let report: FindingsReport;
  beforeAll(() => {
    // Node's default, which `cdk synth` runs with; jest raises it, and CDK's traces with it.
    const jestLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 10;
    try {
      outdir = synthesizeOrdersApp();
    } finally {
      Error.stackTraceLimit = jestLimit;
    }
    report = readValidationReport(outdir, { root: REPO_ROOT });
  });

  function synthesizeOrdersApp(): string {
    return synthesize((app) => {
      Validations.of(app).addPlugins(new BisChecks(app));
      const data = new Stack(app, 'Data');
      BisRole.of(data).set('data-platform');
      const table = new ddb.Table(data, 'Orders', {
        partitionKey: { name: 'pk', type: ddb.AttributeType.STRING },
      });
      new kms.Key(data, 'Key', { enableKeyRotation: true });
      const api = new Stack(app, 'Api');
      const writer = new lambda.Function(api, 'Writer', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
      });
      table.grantWriteData(writer);
      const quiet = new Stack(app, 'Quiet');
      BisRole.of(quiet).set('infrastructure');
      new CfnResource(quiet, 'Handle', { type: 'AWS::CloudFormation::WaitConditionHandle' });
    });
  }

  test("a construct whose own trace stops inside the library points at its nearest ancestor's user line", () => {
    const policyPath = 'Api/Writer/ServiceRole/DefaultPolicy/Resource';
    // The premise: CDK's own trace for the DefaultPolicy holds no frame of this file.
    const raw = readFileSync(join(outdir, 'validation-report.json'), 'utf8');
    const constructs = (
      JSON.parse(raw) as {
        pluginReports: {
          violations: { violatingConstructs: { constructPath: string; stackTraces?: string[] }[] }[];
        }[];
      }
    ).pluginReports
      .flatMap((plugin) => plugin.violations)
      .flatMap((violation) => violation.violatingConstructs)
      .filter((construct) => construct.constructPath === policyPath);
    expect(constructs.length).toBeGreaterThan(0);
    for (const construct of constructs) {
      expect((construct.stackTraces ?? []).map(userFrameOf).filter((frame) => frame !== undefined)).toEqual(
        [],
      );
    }
    const policy = findingOf(report, 'BIS-DI3', policyPath);
    const writer = findingOf(report, 'BIS-CO8', 'Api/Writer/Resource');
    expect(policy.source).toEqual(writer.source);
    expect(lineText(policy.source!.file, policy.source!.line)).toContain("new lambda.Function(api, 'Writer'");
  });

  test("each finding's fix is its own resource type's, as synth prints it", () => {
    const table = findingOf(report, 'BIS-TR1', 'Data/Orders/Resource');
    expect(table.fix).toMatch(/TableEncryption/);
    expect(table.fix).not.toMatch(/s3\.Bucket/);
    expect(table.fix).toMatch(/acknowledge\(\{ id: 'BIS::BIS-TR1'/);
    const rule = report.rules.find((candidate) => candidate.id === 'BIS-TR1');
    expect(rule?.fix).toMatch(/s3\.Bucket[\s\S]*TableEncryption/);
  });

  test('every stack is listed, clean ones included, and customer-managed keys are always-on costs', () => {
    expect(report.stacks).toEqual(['Api', 'Data', 'Quiet']);
    expect(report.findings.some((finding) => finding.stack === 'Quiet')).toBe(false);
    expect(report.alwaysOn).toEqual([
      {
        stack: 'Data',
        resourcePath: 'Data/Key/Resource',
        logicalId: expect.stringMatching(/^Key[0-9A-F]{8}$/),
        resourceType: 'AWS::KMS::Key',
        monthlyCostUsd: 1,
      },
    ]);
  });
});

describe('a hand-written report', () => {
  function reportDir(report: unknown): string {
    const dir = temporaryDirectory();
    writeFileSync(join(dir, 'validation-report.json'), JSON.stringify(report));
    return dir;
  }
  const construct = (constructPath: string, stackTraces?: string[]) => ({ constructPath, stackTraces });

  test('severities map to error, warning and info; a missing one is an error, as CDK reads it', () => {
    const dir = reportDir({
      version: '55.0.0',
      pluginReports: [
        {
          pluginName: 'Other',
          conclusion: 'failure',
          violations: ['fatal', 'error', 'warning', 'info', 'custom', undefined].map((severity, index) => ({
            ruleName: `R${index}`,
            description: `Rule ${index} fired.`,
            severity,
            violatingConstructs: [construct('App/Thing')],
          })),
        },
      ],
    });
    const report = readValidationReport(dir, { root: dir });
    expect(report.findings.map((finding) => finding.severity)).toEqual([
      'error',
      'error',
      'warning',
      'info',
      'info',
      'error',
    ]);
  });

  test('a rule without a title is named by the first sentence of its description, without its [ID] prefix', () => {
    const dir = reportDir({
      pluginReports: [
        {
          pluginName: 'Pack',
          conclusion: 'failure',
          violations: [
            {
              ruleName: 'PK-1',
              description: '[PK-1] Tables are versioned. Otherwise a bad write is forever.',
              severity: 'warning',
              violatingConstructs: [construct('S/T')],
            },
          ],
        },
      ],
    });
    const report = readValidationReport(dir, { root: dir });
    expect(report.rules).toEqual([
      {
        id: 'PK-1',
        plugin: 'Pack',
        title: 'Tables are versioned',
        description: 'Tables are versioned. Otherwise a bad write is forever.',
      },
    ]);
    expect(report.findings[0].message).toBe('Tables are versioned. Otherwise a bad write is forever.');
  });

  test('a finding that no template locates still points at a file: the validation report, line 1', () => {
    const dir = reportDir({
      pluginReports: [
        {
          pluginName: 'Pack',
          conclusion: 'failure',
          violations: [
            {
              ruleName: 'PK-1',
              description: 'x',
              severity: 'error',
              violatingConstructs: [construct('S/T')],
            },
          ],
        },
      ],
    });
    expect(readValidationReport(dir, { root: dir }).findings[0]).toMatchObject({
      stack: 'S',
      template: { file: 'validation-report.json', line: 1 },
    });
  });

  test('the source frame skips node_modules, node internals and folded library frames', () => {
    const dir = reportDir({
      pluginReports: [
        {
          pluginName: 'Pack',
          conclusion: 'failure',
          violations: [
            {
              ruleName: 'PK-1',
              description: 'x',
              severity: 'error',
              violatingConstructs: [
                construct('S/T', [
                  [
                    '...new Bucket2 in aws-cdk-lib...',
                    'Module._compile (node:internal/modules/cjs/loader:1554:14)',
                    'helper (/repo/node_modules/lib/index.js:3:9)',
                    'new MyStack (/repo/lib/my-stack.ts:15:20)',
                    '<anonymous> (/repo/bin/app.ts:9:1)',
                  ].join('\n'),
                ]),
              ],
            },
          ],
        },
      ],
    });
    expect(readValidationReport(dir, { root: '/repo' }).findings[0].source).toEqual({
      file: 'lib/my-stack.ts',
      line: 15,
      column: 20,
    });
  });

  test('a plugin that crashed is an error finding, not a clean report', () => {
    const dir = reportDir({
      pluginReports: [
        {
          pluginName: 'Flaky',
          conclusion: 'failure',
          metadata: { error: "Validation plugin 'Flaky' failed: boom" },
          violations: [],
        },
      ],
    });
    expect(readValidationReport(dir, { root: dir }).findings).toEqual([
      expect.objectContaining({
        plugin: 'Flaky',
        severity: 'error',
        message: "Validation plugin 'Flaky' failed: boom",
        template: { file: 'validation-report.json', line: 1 },
      }),
    ]);
  });
});

describe('a cdk.out that cannot be read is a ReportInputError with a one-line message naming the file', () => {
  function errorOf(cdkOut: string): ReportInputError {
    try {
      readValidationReport(cdkOut, { root: REPO_ROOT });
    } catch (error) {
      expect(error).toBeInstanceOf(ReportInputError);
      expect((error as Error).message).not.toContain('\n');
      return error as ReportInputError;
    }
    throw new Error('readValidationReport did not throw');
  }
  const cdkOut = (): string => {
    const dir = join(temporaryDirectory(), 'cdk.out');
    mkdirSync(dir);
    return dir;
  };

  test('a cloud assembly directory that does not exist', () => {
    const missing = join(tmpdir(), 'cdk-bis-no-such-dir', 'cdk.out');
    expect(errorOf(missing).message).toBe(
      `${missing}: no such directory: run \`cdk synth\` first (CDK writes it when a validation plugin is registered), or name your cloud assembly directory`,
    );
  });

  test('a file where the directory should be', () => {
    const file = join(cdkOut(), 'manifest.json');
    writeFileSync(file, '{}');
    expect(errorOf(file).message).toBe(
      `${file} is not a directory: name the cloud assembly directory (cdk.out)`,
    );
  });

  test('no validation-report.json', () => {
    const dir = cdkOut();
    expect(errorOf(dir).message).toBe(
      `${join(dir, 'validation-report.json')} not found: run \`cdk synth\` first (CDK writes it when a validation plugin is registered)`,
    );
  });

  test('invalid JSON, with the line of the error', () => {
    const dir = cdkOut();
    writeFileSync(join(dir, 'validation-report.json'), '{\n  "version": "55.0.0",\n  "pluginReports": [\n');
    expect(errorOf(dir).message).toMatch(
      new RegExp(
        `^${escapeRegExp(join(dir, 'validation-report.json'))} is not valid JSON \\(line 4, column 1\\): run \`cdk synth\` again to rewrite it$`,
      ),
    );
  });

  test('deeply nested invalid JSON is an input error with its line, not a crash', () => {
    const dir = cdkOut();
    writeFileSync(join(dir, 'validation-report.json'), `{\n "a": ${'['.repeat(100_000)}x`);
    expect(errorOf(dir).message).toMatch(
      /is not valid JSON \(line 2, column 100007\): run `cdk synth` again/,
    );
  });

  test('JSON that is not a validation report, naming the field', () => {
    const dir = cdkOut();
    writeFileSync(
      join(dir, 'validation-report.json'),
      JSON.stringify({
        pluginReports: [{ pluginName: 'BIS', violations: [{ ruleName: 'X', violatingConstructs: {} }] }],
      }),
    );
    expect(errorOf(dir).message).toBe(
      `${join(dir, 'validation-report.json')} is not a CDK validation report (pluginReports[0].violations[0].violatingConstructs is not a list): run \`cdk synth\` again with aws-cdk-lib >= 2.258`,
    );
  });

  test('a JSON array instead of a report', () => {
    const dir = cdkOut();
    writeFileSync(join(dir, 'validation-report.json'), '[]');
    expect(errorOf(dir).message).toContain('is not a CDK validation report (the top level is not an object)');
  });
});

describe('stack frames', () => {
  test.each([
    ['<anonymous> (/abs/app.ts:9:1)', { file: '/abs/app.ts', line: 9, column: 1 }],
    ['new MyStack (/abs/x.ts:15:20)', { file: '/abs/x.ts', line: 15, column: 20 }],
    ['at /abs/x.ts:3:4', { file: '/abs/x.ts', line: 3, column: 4 }],
    ['/abs/app.ts:42 (:)', { file: '/abs/app.ts', line: 42 }],
    ['/abs/app.ts:43: (/abs/app.ts:43:1)', { file: '/abs/app.ts', line: 43, column: 1 }],
    ['run (file:///abs/app.mjs:7:2)', { file: '/abs/app.mjs', line: 7, column: 2 }],
  ])('%s', (frame, expected) => {
    expect(userFrameOf(frame)).toEqual(expected);
  });

  test('frames in node_modules, node internals and without a file are skipped', () => {
    expect(
      userFrameOf(
        [
          'new Promise (:)',
          'Module._compile (node:internal/modules/cjs/loader:1554:14)',
          'x (/abs/node_modules/pkg/i.js:1:1)',
          '...jest-circus, jest-runner...',
        ].join('\n'),
      ),
    ).toBeUndefined();
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
