/*
 * `npm run bench:scan`: `cdk-bis scan` on generated templates of 1,000 and 10,000 resources, in one
 * run, as a user runs it (the built CLI in a child process). Reports wall time, resources per second
 * and the child's peak memory. Not part of `npm test`; figures go to BENCHMARKS.md.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { cpus, tmpdir, totalmem } from 'os';
import { join } from 'path';

const CLI = join(__dirname, '..', 'dist', 'bin', 'cdk-bis.js');
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

/** A realistic mix: buckets with policies, queues, tables, functions with roles, in one template. */
function template(resources: number): object {
  const entries: Record<string, object> = {};
  for (let unit = 0; Object.keys(entries).length < resources; unit++) {
    entries[`Bucket${unit}`] = {
      Type: 'AWS::S3::Bucket',
      Properties: { VersioningConfiguration: { Status: unit % 2 ? 'Enabled' : 'Suspended' } },
    };
    entries[`BucketPolicy${unit}`] = {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: `Bucket${unit}` },
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [{ 'Fn::GetAtt': [`Bucket${unit}`, 'Arn'] }],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    };
    entries[`Queue${unit}`] = { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 60 } };
    entries[`Table${unit}`] = {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      },
    };
    entries[`Role${unit}`] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
      },
    };
    entries[`Function${unit}`] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: unit % 5 ? 'nodejs22.x' : 'nodejs16.x',
        Handler: 'index.handler',
        Role: { 'Fn::GetAtt': [`Role${unit}`, 'Arn'] },
        Code: { ZipFile: 'exports.handler = async () => {}' },
        Environment: { Variables: { QUEUE: { Ref: `Queue${unit}` }, TABLE: { Ref: `Table${unit}` } } },
      },
    };
  }
  return { AWSTemplateFormatVersion: '2010-09-09', Resources: entries };
}

/** Reports the child's peak RSS on exit, so the CLI itself needs no benchmark hook. */
const PEAK_REPORTER = `process.on('exit', () => require('fs').writeSync(2, '\\nBENCH_MAX_RSS_KB=' + process.resourceUsage().maxRSS + '\\n'));`;

if (!existsSync(CLI)) {
  console.error(`${CLI} is missing: run \`npm run build\` first.`);
  process.exit(2);
}
const workdir = mkdtempSync(join(tmpdir(), 'bench-scan-'));
const reporter = join(workdir, 'peak.js');
writeFileSync(reporter, PEAK_REPORTER);
const files = new Map(
  SIZES.map((size) => {
    const file = join(workdir, `app-${size}.template.json`);
    writeFileSync(file, JSON.stringify(template(size), null, 1));
    return [size, file] as const;
  }),
);
const samples = new Map<number, { ms: number[]; rssKb: number[]; findings: number }>();
for (let repeat = 0; repeat < REPEATS; repeat++) {
  for (const size of SIZES) {
    const start = process.hrtime.bigint();
    const out = join(workdir, 'out.json');
    const run = spawnSync(
      process.execPath,
      ['-r', reporter, CLI, 'scan', files.get(size)!, '--format', 'json', '--output', out],
      {
        encoding: 'utf8',
      },
    );
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (run.status !== 0 && run.status !== 1)
      throw new Error(`scan of ${size} failed (${run.status}): ${run.stderr}`);
    const record = samples.get(size) ?? { ms: [], rssKb: [], findings: 0 };
    record.ms.push(ms);
    record.rssKb.push(Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(run.stderr)?.[1] ?? NaN));
    record.findings = JSON.parse(readFileSync(out, 'utf8')).findings.length;
    samples.set(size, record);
  }
}
rmSync(workdir, { recursive: true, force: true });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rows = SIZES.map((size) => ({
  size,
  ms: median(samples.get(size)!.ms),
  rssKb: Math.max(...samples.get(size)!.rssKb),
  findings: samples.get(size)!.findings,
}));
const lines = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${REPEATS} interleaved repeats, median wall time of the whole CLI process (start-up included).`,
  '',
  '| resources | findings | wall time | resources / s | peak RSS |',
  '|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.size} | ${r.findings} | ${r.ms.toFixed(0)} ms | ${Math.round((r.size / r.ms) * 1000)} | ${(r.rssKb / 1024).toFixed(0)} MiB |`,
  ),
];
const small = rows.find((r) => r.size === 1000);
const large = rows.find((r) => r.size === 10000);
if (small && large)
  lines.push('', `10k/1k scan-time ratio: ${(large.ms / small.ms).toFixed(2)} (target ≤ 12).`);
console.log(lines.join('\n'));
