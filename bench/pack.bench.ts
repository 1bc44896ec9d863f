/*
 * `npm run bench:pack`: validation cost of BisChecks against bare synth and cdk-nag's packs, on
 * generated apps of 1,000, 5,000 and 10,000 resources (at synth), and of 50 and 5,000 resources
 * before synth (`validateScope` in a unit test). One process, interleaved repeats, medians.
 * Not part of `npm test`; figures go to BENCHMARKS.md.
 */
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import { cpus, loadavg, tmpdir, totalmem } from 'os';
import { join } from 'path';
import { BisChecks } from '../policies/bis-checks';
import { StackResolver } from '../policies/engine/stack-resolver';

// "Bare synth" means no validation plugin at all, so CDK's built-in CloudFormation validation is off too.
process.env.CDK_VALIDATION = 'false';

const SIZES = (process.env.BENCH_SIZES ?? '1000,5000,10000').split(',').map(Number);
/** Sizes of the before-synth path: unit tests call `validateScope(stack)` on an app never synthesized. */
const BEFORE_SYNTH_SIZES = (process.env.BENCH_BEFORE_SYNTH_SIZES ?? '50,5000').split(',').map(Number);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
/** Before synth a run takes a fraction of a second and its ratio swings with the machine: more pairs steady the median. */
const BEFORE_SYNTH_REPEATS = Number(process.env.BENCH_BEFORE_SYNTH_REPEATS ?? 15);
const RESOURCES_PER_STACK = 120;

/** A realistic mix per unit: bucket, queue, table, function with its role and policy, and an extra role. */
function buildApp(targetResources: number, outdir: string): App {
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  let stack = new Stack(app, 'Stack0');
  let inStack = 0;
  let total = 0;
  for (let unit = 0; total < targetResources; unit++) {
    if (inStack >= RESOURCES_PER_STACK) {
      stack = new Stack(app, `Stack${unit}`);
      inStack = 0;
    }
    const bucket = new s3.Bucket(stack, `Bucket${unit}`, { versioned: unit % 2 === 0, enforceSSL: true });
    const queue = new sqs.Queue(stack, `Queue${unit}`, { visibilityTimeout: Duration.seconds(60) });
    const table = new dynamodb.Table(stack, `Table${unit}`, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: unit % 3 === 0 ? dynamodb.BillingMode.PROVISIONED : dynamodb.BillingMode.PAY_PER_REQUEST,
    });
    const fn = new lambda.Function(stack, `Function${unit}`, {
      runtime: unit % 5 === 0 ? lambda.Runtime.NODEJS_18_X : lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
      environment: { QUEUE_URL: queue.queueUrl, TABLE: table.tableName },
    });
    bucket.grantRead(fn);
    new iam.Role(stack, `Role${unit}`, { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    // bucket, bucket policy, queue, table, function, service role, default policy, role
    inStack += 8;
    total += 8;
  }
  return app;
}

function countResources(root: IConstruct): number {
  let count = 0;
  const visit = (construct: IConstruct) => {
    if (CfnResource.isCfnResource(construct)) count++;
    for (const child of construct.node.children) visit(child);
  };
  visit(root);
  return count;
}

/**
 * Time one action on a settled heap: a full GC, then a pause so that V8's concurrent sweeping of
 * the previous (possibly 10k-resource) heap is over and does not land on whichever pack runs next.
 */
async function time(action: () => void): Promise<number> {
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const start = process.hrtime.bigint();
  action();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

type Measure = 'construct' | 'synth' | 'bis' | 'serverless' | 'awsSolutions';
const samples = new Map<number, Record<Measure, number[]>>();
const resourceCounts = new Map<number, number>();
const workdir = mkdtempSync(join(tmpdir(), 'bench-pack-'));

async function measure(): Promise<void> {
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const size of SIZES) {
      const record = samples.get(size) ?? {
        construct: [],
        synth: [],
        bis: [],
        serverless: [],
        awsSolutions: [],
      };
      samples.set(size, record);
      const outdir = join(workdir, `${size}-${repeat}`);
      mkdirSync(outdir);
      let app!: App;
      record.construct.push(await time(() => (app = buildApp(size, outdir))));
      record.synth.push(await time(() => app.synth()));
      resourceCounts.set(size, countResources(app));
      // Rotate the order of the packs so no pack always runs on a warmer (or colder) heap.
      const packs: [Measure, () => void][] = [
        ['bis', () => new BisChecks().validateScope(app)],
        ['serverless', () => new ServerlessChecks().validateScope(app)],
        ['awsSolutions', () => new AwsSolutionsChecks().validateScope(app)],
      ];
      for (let i = 0; i < packs.length; i++) {
        const [measure, run] = packs[(i + repeat) % packs.length];
        record[measure].push(await time(run));
      }
      rmSync(outdir, { recursive: true, force: true });
      console.error(`repeat ${repeat + 1}/${REPEATS} size ${size}: done`);
    }
  }
  rmSync(workdir, { recursive: true, force: true });
}

/** Before synth, BisChecks, ServerlessChecks and the resolution floor on the same fresh app, in rotating order. */
interface BeforeSynthRecord {
  readonly bis: number[];
  readonly serverless: number[];
  readonly floor: number[];
  resources: number;
}

/**
 * The template properties that BisChecks' heaviest rules must read before synth: policy documents
 * (BIS-TR1's access-log targets, TR4, TR6), bucket policies' buckets (TR4), managed policy ARNs
 * (TR6), function environments (TR8) and every resource's tags (BIS-CO9). Keys are the L1 props.
 */
const FLOOR_READS: Record<string, readonly string[]> = {
  'AWS::IAM::Policy': ['policyDocument'],
  'AWS::S3::BucketPolicy': ['bucket', 'policyDocument'],
  'AWS::IAM::Role': ['managedPolicyArns'],
  'AWS::Lambda::Function': ['environment'],
};

/**
 * The least a pack judging what BisChecks judges pays before synth: one walk of the tree and CDK's
 * resolution of those values (tokens' own `resolve`, logical IDs), each token once per stack with
 * the pack's own resolver. No rule logic, no rendering, no report.
 */
function resolutionFloor(app: App): void {
  const resolvers = new Map<Stack, StackResolver>();
  for (const construct of app.node.findAll()) {
    if (!CfnResource.isCfnResource(construct)) continue;
    const stack = construct.stack;
    let resolver = resolvers.get(stack);
    if (!resolver) resolvers.set(stack, (resolver = new StackResolver(stack)));
    const raw = (construct as unknown as { cfnProperties: Record<string, unknown> }).cfnProperties;
    for (const key of [...(FLOOR_READS[construct.cfnResourceType] ?? []), 'tags']) resolver.resolve(raw[key]);
  }
}
const beforeSynth = new Map<number, BeforeSynthRecord>();

async function measureBeforeSynth(): Promise<void> {
  // Warm-up: both packs' code paths compiled before the first measure, so neither pays for the JIT.
  const warmUp = buildApp(200, join(workdir, 'warm-up'));
  for (let i = 0; i < 3; i++) {
    new BisChecks().validateScope(warmUp);
    new ServerlessChecks().validateScope(warmUp);
  }
  for (let repeat = 0; repeat < BEFORE_SYNTH_REPEATS; repeat++) {
    for (const size of BEFORE_SYNTH_SIZES) {
      const record = beforeSynth.get(size) ?? { bis: [], serverless: [], floor: [], resources: 0 };
      beforeSynth.set(size, record);
      const app = buildApp(size, join(workdir, `before-synth-${size}-${repeat}`));
      record.resources = countResources(app);
      const packs: ['bis' | 'serverless', () => void][] = [
        ['bis', () => new BisChecks().validateScope(app)],
        ['serverless', () => new ServerlessChecks().validateScope(app)],
      ];
      if (repeat % 2 === 1) packs.reverse();
      for (const [measure, run] of packs) record[measure].push(await time(run));
      // On its own fresh app: the floor's resolvers must not find the packs' work done (CDK caches some tokens).
      const fresh = buildApp(size, join(workdir, `before-synth-floor-${size}-${repeat}`));
      record.floor.push(await time(() => resolutionFloor(fresh)));
      console.error(`before synth: repeat ${repeat + 1}/${BEFORE_SYNTH_REPEATS} size ${size}: done`);
    }
  }
}

const fmtRatio = (ratios: number[]) =>
  `${median(ratios).toFixed(2)} | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;

function report(): void {
  const rows = SIZES.map((size) => {
    const record = samples.get(size)!;
    const m = (measure: Measure) => median(record[measure]);
    // Ratios are taken within each repeat (same app, same heap, minutes apart at most) and then the
    // median: on a noisy machine that is steadier than a ratio of medians taken across repeats.
    const ratio = (of: (i: number) => number, to: (i: number) => number) =>
      median(record.bis.map((_, i) => of(i) / to(i)));
    return {
      size,
      resources: resourceCounts.get(size)!,
      construct: m('construct'),
      synth: m('synth'),
      bis: m('bis'),
      serverless: m('serverless'),
      awsSolutions: m('awsSolutions'),
      bisOverAppRun: ratio(
        (i) => record.bis[i],
        (i) => record.construct[i] + record.synth[i],
      ),
      bisOverSynth: ratio(
        (i) => record.bis[i],
        (i) => record.synth[i],
      ),
    };
  });

  const fmt = (ms: number) => (ms < 20 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(0)} ms`);
  const load = loadavg().map((value) => value.toFixed(1));
  const lines = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${REPEATS} interleaved repeats at synth and ${BEFORE_SYNTH_REPEATS} before synth, medians; rules in BisChecks: ${new BisChecks().ruleIds.length}; load average ${loadAtStart.join(' ')} at the start, ${load.join(' ')} at the end.`,
    '',
    '"Before synth" is `validateScope` on an app never synthesized (a unit test), after a warm-up, BisChecks and ServerlessChecks in alternating order; "at synth" is `validateScope` on the synthesized app (what `cdk synth` runs). "App run" is construct + `app.synth()`, what `cdk synth` costs a user; "synth" is `app.synth()` alone. Times are medians; ratios are medians of the ratios within each repeat, with their spread.',
    '',
    '| path | target size | CfnResources | construct | synth | app run | BisChecks | ServerlessChecks | AwsSolutionsChecks | BisChecks / Serverless | spread | BisChecks / app run | BisChecks / synth |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...BEFORE_SYNTH_SIZES.map((size) => {
      const record = beforeSynth.get(size)!;
      const ratios = record.bis.map((bis, i) => bis / record.serverless[i]);
      return `| before synth | ${size} | ${record.resources} | — | — | — | ${fmt(median(record.bis))} | ${fmt(median(record.serverless))} | — | ${fmtRatio(ratios)} | — | — |`;
    }),
    ...rows.map((r) => {
      const record = samples.get(r.size)!;
      const ratios = record.bis.map((bis, i) => bis / record.serverless[i]);
      return `| at synth | ${r.size} | ${r.resources} | ${fmt(r.construct)} | ${fmt(r.synth)} | ${fmt(r.construct + r.synth)} | ${fmt(r.bis)} | ${fmt(r.serverless)} | ${fmt(r.awsSolutions)} | ${fmtRatio(ratios)} | ${(100 * r.bisOverAppRun).toFixed(1)} % | ${(100 * r.bisOverSynth).toFixed(1)} % |`;
    }),
  ];
  // Every per-repeat ratio, so that a reader sees the spread behind each median.
  lines.push(
    '',
    'Resolution floor before synth (the tree walk and the values the heaviest rules read, resolved once, no rule logic; see `resolutionFloor`):',
  );
  for (const size of BEFORE_SYNTH_SIZES) {
    const record = beforeSynth.get(size)!;
    const ratios = record.floor.map((floor, i) => floor / record.serverless[i]);
    lines.push(
      `- ${size}: ${fmt(median(record.floor))}, floor / ServerlessChecks ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}); floor / BisChecks ${median(record.floor.map((floor, i) => floor / record.bis[i])).toFixed(2)}`,
    );
  }
  lines.push('', 'BisChecks / ServerlessChecks in each repeat:');
  for (const size of BEFORE_SYNTH_SIZES) {
    const record = beforeSynth.get(size)!;
    const ratios = record.bis.map((bis, i) => (bis / record.serverless[i]).toFixed(2));
    lines.push(`- before synth, ${size}: ${ratios.join(', ')}`);
  }
  for (const size of SIZES) {
    const record = samples.get(size)!;
    const ratios = record.bis.map((bis, i) => (bis / record.serverless[i]).toFixed(2));
    lines.push(`- at synth, ${size}: ${ratios.join(', ')}`);
  }
  const smallest = samples.get(1000);
  const largest = samples.get(10000);
  if (smallest && largest) {
    // Paired by repeat, like the other ratios: both sizes ran minutes apart in the same process.
    const linearity = median(largest.bis.map((bis, i) => bis / smallest.bis[i]));
    lines.push('', `BisChecks 10k/1k validation-time ratio: ${linearity.toFixed(2)} (target ≤ 12).`);
  }
  console.log(lines.join('\n'));
}

const loadAtStart = loadavg().map((value) => value.toFixed(1));

measureBeforeSynth()
  .then(measure)
  .then(report)
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
