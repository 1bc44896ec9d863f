import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BisChecks } from '../../../policies';
import { renderBaseline } from '../../../policies/baseline';
import { baselineEntriesOf, exitStatusOf, readValidationReport } from '../../../policies/report';
import { testApp } from '../../support';

/*
 * `new BisChecks(app, { baseline })` at synth: the baselined errors of an app pass, a new error
 * fails, and a renamed construct is a new finding beside a stale entry.
 */

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cdk-bis-pack-baseline-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Synth {
  readonly outdir: string;
  readonly failed: boolean;
  readonly stderr: string;
}

/** Synthesize the shop with its buckets; CDK throws under jest when validation fails. */
function synthShop(buckets: readonly string[], baseline?: string): Synth {
  const outdir = mkdtempSync(join(dir, 'out-'));
  const app = testApp({ outdir, context: { 'aws:cdk:enable-path-metadata': true } });
  Validations.of(app).addPlugins(new BisChecks(app, baseline !== undefined ? { baseline } : {}));
  const shop = new Stack(app, 'Shop');
  for (const id of buckets) new s3.Bucket(shop, id, { enforceSSL: true });
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  let failed = false;
  try {
    app.synth();
  } catch (error) {
    if (!/Validation failed|ValidationFailed/i.test(String(error))) throw error;
    failed = true;
  } finally {
    spy.mockRestore();
  }
  return { outdir, failed, stderr: written.join('') };
}

let baselineFile: string;
beforeAll(() => {
  const first = synthShop(['Uploads']);
  expect(first.failed).toBe(true);
  baselineFile = join(dir, 'bis-baseline.json');
  writeFileSync(
    baselineFile,
    renderBaseline(baselineEntriesOf(readValidationReport(first.outdir, { root: dir }))),
  );
});

test('synth passes when every error is in the baseline, and says how many are', () => {
  const entries = JSON.parse(readFileSync(baselineFile, 'utf8')).findings.map(
    (e: { ruleId: string }) => e.ruleId,
  );
  expect(entries).toEqual(expect.arrayContaining(['BIS-BA1', 'BIS-DI1']));
  const run = synthShop(['Uploads'], baselineFile);
  expect(run.failed).toBe(false);
  expect(run.stderr).toMatch(/BIS: 0 errors, 0 warnings, 0 infos \(0 acknowledged, \d+ in baseline\)/);
});

test('the baselined findings stay in the validation report, read back at their own level and marked', () => {
  const run = synthShop(['Uploads'], baselineFile);
  const report = readValidationReport(run.outdir, { root: dir });
  const bucket = report.findings.find((f) => f.ruleId === 'BIS-DI1');
  expect(bucket).toMatchObject({ severity: 'error', baseline: true, resourcePath: 'Shop/Uploads/Resource' });
  expect(exitStatusOf(report)).toBe(0);
});

test('a new error fails synth as before', () => {
  const run = synthShop(['Uploads', 'Archive'], baselineFile);
  expect(run.failed).toBe(true);
  const report = readValidationReport(run.outdir, { root: dir });
  const open = report.findings
    .filter((f) => f.severity === 'error' && !f.baseline)
    .map((f) => f.resourcePath);
  expect(new Set(open)).toEqual(new Set(['Shop/Archive/Resource']));
});

test('a renamed construct fails as a new finding, and its old entry is reported as fixed', () => {
  const run = synthShop(['Files'], baselineFile);
  expect(run.failed).toBe(true);
  expect(run.stderr).toContain(
    'BIS: baseline entry BIS-DI1 on Shop/Uploads/Resource: fixed; remove from the baseline (npx cdk-bis baseline --prune).',
  );
});

test('a missing or malformed baseline is an error at construction, naming the file and the line', () => {
  const app = testApp();
  const missing = join(dir, 'missing.json');
  expect(() => new BisChecks(app, { baseline: missing })).toThrow(
    `BisChecks: baseline ${missing}: no such file; write it with \`npx cdk-bis baseline\` after \`cdk synth\`.`,
  );
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{\n  "version": 1,\n  "findings": [\n    { "ruleId": 3 }\n  ]\n}\n');
  expect(() => new BisChecks(app, { baseline: bad })).toThrow(
    `BisChecks: baseline ${bad}:4: findings[0].ruleId is missing or not a string`,
  );
  expect(() => new BisChecks(app, { baseline: '' })).toThrow(/baseline must be the path of a baseline file/);
});
