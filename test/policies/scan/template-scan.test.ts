import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Duration, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BisRole } from '../../../lib/roles';
import { BisChecks } from '../../../policies/bis-checks';
import type { ReportFinding } from '../../../policies/report';
import { scanTemplates } from '../../../policies/scan';
import { ALL_RULES } from '../../../policies/rules';
import { testApp } from '../../support';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'templates');
const scan = (names: string[], options: Parameters<typeof scanTemplates>[1] = {}) =>
  scanTemplates(
    names.map((name) => join(FIXTURES, name)),
    { root: FIXTURES, ...options },
  );
/** `ruleId logicalId` of every finding, for compact assertions. */
const fired = (findings: readonly ReportFinding[]) =>
  findings.map((finding) => `${finding.ruleId} ${finding.logicalId}`);

describe('a scanned template goes through the synth-time rules', () => {
  test('a finding points at the template file and the line of the resource', () => {
    const { report, errors, templates } = scan(['acknowledged.cfn.yaml']);
    expect(errors).toEqual([]);
    expect(templates).toEqual([{ file: 'acknowledged.cfn.yaml', role: 'application', resources: 2 }]);
    const sf5 = report.findings.find(
      (finding) => finding.ruleId === 'BIS-SF5' && finding.logicalId === 'Current',
    );
    expect(sf5).toEqual({
      ruleId: 'BIS-SF5',
      plugin: 'BIS',
      severity: 'error',
      message: expect.stringMatching(/^Runtime: nodejs16\.x \(deprecated by AWS on 2024-06-12/),
      stack: 'acknowledged.cfn.yaml',
      logicalId: 'Current',
      resourceType: 'AWS::Lambda::Function',
      resourcePath: 'acknowledged.cfn.yaml#Current',
      source: { file: 'acknowledged.cfn.yaml', line: 16 },
      template: { file: 'acknowledged.cfn.yaml', line: 16 },
    });
  });

  test('the report describes every enabled rule with its fix and a link to its documentation', () => {
    const { report } = scan(['empty-resources.cfn.yaml'], { checks: { disable: ['BIS-CO9'] } });
    expect(report.tool.name).toBe('cdk-bis');
    expect(report.findings).toEqual([]);
    expect(report.rules.map((rule) => rule.id)).toEqual(
      ALL_RULES.map((rule) => rule.id).filter((id) => id !== 'BIS-CO9'),
    );
    const sf5 = ALL_RULES.find((rule) => rule.id === 'BIS-SF5');
    expect(report.rules.find((rule) => rule.id === 'BIS-SF5')).toEqual({
      id: 'BIS-SF5',
      plugin: 'BIS',
      name: 'SupportedRuntime',
      title: sf5?.title,
      description: sf5?.rationale,
      fix: `${sf5?.fix} To accept the finding instead, acknowledge it in the resource's Metadata with a reason: cdk_nag: { rules_to_suppress: [{ id: BIS-SF5, reason: '...' }] }.`,
      documentation: 'docs/RULES.md#bis-sf5',
    });
  });

  test('the synth-time settings apply: levels and failOn', () => {
    const { report } = scan(['acknowledged.cfn.yaml'], {
      checks: { levels: { 'BIS-SF5': 'warning' }, failOn: 'warning' },
    });
    expect(report.findings.filter((finding) => finding.severity !== 'error')).toEqual([]);
  });

  test('cost findings carry their monthly cost', () => {
    const template = join(mkdtempSync(join(tmpdir(), 'cdk-bis-scan-')), 'nat.cfn.yaml');
    writeFileSync(
      template,
      'Resources:\n  Nat:\n    Type: AWS::EC2::NatGateway\n    Properties:\n      SubnetId: subnet-1\n',
    );
    const { report } = scanTemplates([template]);
    const nat = report.findings.find((finding) => finding.ruleId === 'BIS-CO2');
    expect(nat?.monthlyCostUsd).toBeGreaterThan(30);
    rmSync(join(template, '..'), { recursive: true });
  });
});

describe('SAM Globals are expanded before the rules run', () => {
  const { report } = scan(['sam-globals.yaml']);

  test('Globals.Function.Architectures [arm64] removes BIS-CO8, except where IgnoreGlobals drops it', () => {
    expect(fired(report.findings).filter((finding) => finding.startsWith('BIS-CO8'))).toEqual([
      'BIS-CO8 Ignores',
      'BIS-CO8 Plain',
    ]);
  });

  test('Globals.Function.Runtime nodejs16.x triggers BIS-SF5 on the functions that do not set their own', () => {
    expect(fired(report.findings).filter((finding) => finding.startsWith('BIS-SF5'))).toEqual([
      'BIS-SF5 Inherits',
      'BIS-SF5 Computed',
    ]);
  });
});

describe('role', () => {
  const platformRules = (findings: readonly ReportFinding[]) =>
    fired(findings).filter((finding) => /^BIS-(DI1|AV2) /.test(finding));

  test('Metadata bis:role makes a bucket platform data (versioning required), not a misplaced store', () => {
    expect(platformRules(scan(['roles/metadata.cfn.yaml']).report.findings)).toEqual(['BIS-AV2 Raw']);
  });

  test('the bis:role tag of the resources gives the role', () => {
    const { report, templates } = scan(['roles/tagged.cfn.yaml']);
    expect(templates[0].role).toBe('data-platform');
    expect(platformRules(report.findings)).toEqual(['BIS-AV2 Raw']);
  });

  test('an undeclared template is an application', () => {
    expect(platformRules(scan(['roles/untagged.cfn.yaml']).report.findings)).toEqual(['BIS-DI1 Raw']);
  });

  test('--role wins over what the templates declare', () => {
    const { report, errors } = scan(['roles/metadata.cfn.yaml', 'roles/invalid.cfn.yaml'], {
      role: 'application',
    });
    expect(errors).toEqual([]);
    expect(platformRules(report.findings)).toEqual(['BIS-DI1 Raw', 'BIS-DI1 Raw']);
  });

  test('a template whose role cannot be read is an error and is not scanned; the others are', () => {
    const { report, errors, templates } = scan([
      'roles/invalid.cfn.yaml',
      'roles/disagree.cfn.yaml',
      'roles/untagged.cfn.yaml',
    ]);
    expect(errors.map((error) => error.message)).toEqual([
      "roles/disagree.cfn.yaml: resources disagree on the bis:role tag (Raw says data-platform, Queue says application); declare the template's role once in its Metadata (bis:role: <role>) or pass --role. The template is not scanned",
      'roles/invalid.cfn.yaml:3: Metadata bis:role is "platform", not a BIS role; use one of data-platform, infrastructure, application. The template is not scanned',
    ]);
    expect(templates.map((template) => template.file)).toEqual(['roles/untagged.cfn.yaml']);
    expect(new Set(report.findings.map((finding) => finding.stack))).toEqual(
      new Set(['roles/untagged.cfn.yaml']),
    );
  });

  test('an unknown --role is a usage error', () => {
    expect(() => scan(['roles/untagged.cfn.yaml'], { role: 'platform' as never })).toThrow(
      '--role "platform" is not a BIS role; use one of data-platform, infrastructure, application.',
    );
  });
});

test('Metadata.cdk_nag.rules_to_suppress acknowledges a finding with its reason, by rule ID or BIS::rule ID', () => {
  const { report } = scan(['acknowledged.cfn.yaml']);
  const of = (ruleId: string, logicalId: string) =>
    report.findings.find((finding) => finding.ruleId === ruleId && finding.logicalId === logicalId);
  expect(of('BIS-SF5', 'Legacy')?.acknowledgement).toEqual({
    reason: 'Retired with the v1 API in June; no new deployments.',
  });
  expect(of('BIS-CO8', 'Legacy')?.acknowledgement).toEqual({ reason: 'Native x86 dependency.' });
  expect(of('BIS-SF5', 'Current')?.acknowledgement).toBeUndefined();
});

describe('templates scanned together form one app', () => {
  test('an application importing a data-platform export breaks the contract rule (BIS-DI3)', () => {
    const { report } = scan(['cross-stack']);
    const di3 = report.findings.filter((finding) => finding.ruleId === 'BIS-DI3');
    expect(di3).toEqual([
      expect.objectContaining({
        stack: 'cross-stack/shop.cfn.yaml',
        logicalId: 'Handler',
        source: { file: 'cross-stack/shop.cfn.yaml', line: 2 },
        message: expect.stringContaining(
          "Fn::ImportValue of data-platform stack cross-stack/lake.cfn.yaml: 'lake-raw-bucket-name' (Environment.Variables.RAW_BUCKET)",
        ),
      }),
    ]);
    expect(di3[0].message).not.toContain('somebody-elses-export');
  });

  test('alone, the application cannot tell where the export comes from, so nothing is blamed', () => {
    const { report } = scan(['cross-stack/shop.cfn.yaml']);
    expect(report.findings.filter((finding) => finding.ruleId === 'BIS-DI3')).toEqual([]);
  });
});

describe('bad input is reported and the rest is still scanned', () => {
  test('every broken file gives an error; resources of partly broken files and other files are scanned', () => {
    // Their names are not template names, so they are named one by one, as a user would.
    const broken = readdirSync(join(FIXTURES, 'broken')).map((name) => `broken/${name}`);
    const { report, errors, templates } = scan([...broken, 'roles/untagged.cfn.yaml']);
    expect(errors.map((error) => error.message.replace(/: (YAML|JSON) error: .*/, ': $1 error'))).toEqual([
      'broken/empty.yaml:1: the template is empty, not a mapping of sections (AWSTemplateFormatVersion, Resources...); is this a CloudFormation template?',
      'broken/json-error.json:6: JSON error',
      'broken/list.yaml:1: the template is a list, not a mapping of sections (AWSTemplateFormatVersion, Resources...); is this a CloudFormation template?',
      'broken/no-resources.yaml:1: no Resources section; a CloudFormation template declares its resources under Resources (write Resources: {} for none)',
      'broken/no-type.yaml:4: resource Typeless has no Type; add e.g. Type: AWS::S3::Bucket',
      'broken/prose.txt:1: the template is a plain string, not a mapping of sections (AWSTemplateFormatVersion, Resources...); is this a CloudFormation template?',
      'broken/truncated.json:5: JSON error',
      'broken/unknown-tag.yaml:5: YAML error',
      'broken/unknown-type.yaml:5: unknown resource type AWS::S3::Buckt (logical ID Foo); did you mean AWS::S3::Bucket? The resource is not scanned.',
      'broken/unknown-type.yaml:7: unknown resource type AWS::Lambda::Fnction (logical ID Bar); did you mean AWS::Lambda::Function? The resource is not scanned.',
      'broken/yaml-error.yaml:5: YAML error',
    ]);
    expect(templates.map((template) => `${template.file} ${template.resources}`)).toEqual([
      'broken/no-type.yaml 1',
      'broken/unknown-type.yaml 3',
      'roles/untagged.cfn.yaml 1',
    ]);
    expect(fired(report.findings)).toContain('BIS-AV4 Queue');
    expect(fired(report.findings)).toContain('BIS-DI1 Raw');
  });

  test('a directory without templates and a missing path are errors beside the findings of the others', () => {
    const { report, errors } = scan(['broken', 'nowhere', 'roles/untagged.cfn.yaml']);
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/^broken: no templates found/),
      'nowhere: no such file or directory',
    ]);
    expect(fired(report.findings)).toContain('BIS-DI1 Raw');
  });
});

/*
 * The key property: a template CDK synthesized, scanned, gets exactly the verdicts BisChecks gave
 * at synth time. Roles travel in the templates (BisRole writes Metadata and tags), cross-stack
 * references as exports and imports, nested stacks through their parent's asset path.
 */
describe('a CDK-synthesized app scanned gets the findings BisChecks gave at synth', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'cdk-bis-scan-synth-'));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  function variedApp(): App {
    const app = testApp({ outdir });
    const lake = new Stack(app, 'Lake');
    BisRole.of(lake).set('data-platform');
    const key = new kms.Key(lake, 'Key', { enableKeyRotation: true });
    const raw = new s3.Bucket(lake, 'Raw', { encryptionKey: key, versioned: true, enforceSSL: true });
    new s3.Bucket(lake, 'Scratch', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    new dynamodb.Table(lake, 'Events', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const archive = new NestedStack(lake, 'Archive');
    new s3.Bucket(archive, 'Cold', { versioned: true });

    const network = new Stack(app, 'Network');
    BisRole.of(network).set('infrastructure');
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 1, natGateways: 1 });

    const web = new Stack(app, 'Web');
    const dlq = new sqs.Queue(web, 'Dlq');
    const jobs = new sqs.Queue(web, 'Jobs', { deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } });
    new sqs.Queue(web, 'Loose');
    const handler = new lambda.Function(web, 'Handler', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 })'),
      timeout: Duration.seconds(10),
      environment: { BUCKET: raw.bucketName, QUEUE: jobs.queueUrl, API_TOKEN: 'literal-secret' },
    });
    raw.grantRead(handler);
    new lambda.Function(web, 'Legacy', {
      runtime: lambda.Runtime.NODEJS_18_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      logRetention: logs.RetentionDays.ONE_WEEK,
    });
    new apigwv2.HttpApi(web, 'Api', {
      defaultIntegration: new HttpLambdaIntegration('Integration', handler),
    });
    new dynamodb.Table(web, 'Carts', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    new iam.Role(web, 'Admin', {
      assumedBy: new iam.AccountRootPrincipal(),
      inlinePolicies: {
        all: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
        }),
      },
    });
    const ssh = new ec2.SecurityGroup(web, 'Ssh', { vpc });
    ssh.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
    new logs.LogGroup(web, 'Audit', { retention: logs.RetentionDays.INFINITE });
    return app;
  }

  test('same rule IDs, logical IDs and levels, template by template', () => {
    // CDK warns about logRetention, the deprecated runtime and the open port: all on purpose here.
    const quiet = [jest.spyOn(console, 'error'), jest.spyOn(console, 'warn')].map((spy) =>
      spy.mockImplementation(() => undefined),
    );
    const app = variedApp();
    const assembly = app.synth();
    quiet.forEach((spy) => spy.mockRestore());
    const atSynth = new BisChecks().evaluate(app).map((finding) => {
      const construct = finding.resource.construct;
      const templateFile = construct ? Stack.of(construct).templateFile : '?';
      // A stack-level finding (BIS-CO9, BIS-BA1) names the stack, not a resource, on both sides.
      const logicalId = finding.resource.stackLevel ? 'stack' : finding.resource.logicalId;
      return `${templateFile} ${finding.rule.id} ${logicalId} ${finding.level}`;
    });

    const templates = readdirSync(assembly.directory).filter((name) => name.endsWith('.template.json'));
    expect(templates.some((name) => name.includes('.nested.'))).toBe(true);
    const scanned = scanTemplates([outdir], { root: outdir });
    expect(scanned.errors).toEqual([]);
    expect(
      scanned.templates.map(
        (template) => `${template.file.replace(/[0-9A-F]{8}\.nested/, '.nested')} ${template.role}`,
      ),
    ).toEqual([
      'Lake.template.json data-platform',
      'LakeArchive.nested.template.json data-platform',
      'Network.template.json infrastructure',
      'Web.template.json application',
    ]);
    const atScan = scanned.report.findings.map(
      (finding) => `${finding.stack} ${finding.ruleId} ${finding.logicalId ?? 'stack'} ${finding.severity}`,
    );
    expect(atScan.sort()).toEqual(atSynth.sort());
    // Varied enough to matter: every family fires, the DI3 cross-stack import included.
    expect(new Set(atScan.map((finding) => finding.split(' ')[1].replace(/\d+$/, '')))).toEqual(
      new Set(['BIS-BA', 'BIS-SF', 'BIS-DI', 'BIS-TR', 'BIS-CO', 'BIS-PO', 'BIS-AV']),
    );
    expect(atScan).toContainEqual(expect.stringMatching(/^Web\.template\.json BIS-DI3 Handler/));
  });
});

/*
 * Real-world templates (../shared/corpus, public AWS samples): every one loads without an error,
 * and what fires is recorded in a golden file. UPDATE_GOLDEN=1 rewrites it after a deliberate change.
 */
const CORPUS = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
const GOLDEN = join(__dirname, 'golden', 'corpus-summary.json');
// CI lays shared/ beside the clone, so there the corpus must be present; a bare checkout elsewhere may lack it.
if (process.env.CI && !existsSync(CORPUS))
  throw new Error(`The corpus is missing at ${CORPUS}: CI must provide ../shared.`);
(existsSync(CORPUS) ? test : test.skip)(
  'the real-world corpus scans without an error; what fires matches the golden summary',
  () => {
    const files = readdirSync(join(CORPUS, 'templates')).map((name) => join(CORPUS, 'templates', name));
    expect(files).toHaveLength(20);
    const { report, errors, templates } = scanTemplates(files, { root: CORPUS });
    expect(errors.map((error) => error.message)).toEqual([]);
    expect(templates).toHaveLength(20);
    const summary: Record<string, Record<string, number>> = {};
    for (const template of templates) summary[template.file] = {};
    for (const finding of report.findings) {
      const counts = summary[finding.stack];
      counts[finding.ruleId] = (counts[finding.ruleId] ?? 0) + 1;
    }
    const sorted = Object.fromEntries(
      Object.entries(summary).map(([file, counts]) => [
        file,
        Object.fromEntries(
          Object.entries(counts).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })),
        ),
      ]),
    );
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, `${JSON.stringify(sorted, null, 2)}\n`);
    expect(sorted).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  },
);
