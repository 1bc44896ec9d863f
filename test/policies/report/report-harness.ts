import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { App } from 'aws-cdk-lib';
import type { FindingsReport } from '../../../policies/report/model';
import { readValidationReport } from '../../../policies/report/validation-report';
import { testApp } from '../../support';
import { buildShopApp } from './golden/shop-app';

/*
 * What the report tests share: apps synthesized in-process as `cdk synth` would, the golden app's
 * report (golden/shop-app.ts) and the comparison with golden files.
 */

/** The repository root: report paths are relative to it. */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

const temporaryDirectories: string[] = [];
afterAll(() => {
  for (const dir of temporaryDirectories) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the system's temporary directory, removed after the test file. */
export function temporaryDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cdk-bis-report-'));
  temporaryDirectories.push(dir);
  return dir;
}

/** What `cdk synth` adds to the context: resources' construct paths and nested templates' file names in Metadata. */
export const CDK_CLI_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
};

/**
 * Synthesize to a fresh temporary cloud assembly, as the CDK CLI would, and return its directory. A failing validation
 * makes `app.synth()` throw under jest, after CDK has written validation-report.json: that is
 * the report `cdk-bis report` reads, so the throw is expected.
 */
export function synthesize(build: (app: App) => void, context: Record<string, unknown> = {}): string {
  const outdir = temporaryDirectory();
  const app = testApp({ outdir, context: { ...CDK_CLI_CONTEXT, ...context } });
  build(app);
  try {
    app.synth();
  } catch (error) {
    if (!/Validation failed|ValidationFailed/i.test(String(error))) throw error;
  }
  return outdir;
}

export function synthesizeGoldenApp(): string {
  return synthesize(buildShopApp);
}

/** Golden files name a fixed version, so that a release does not change them. */
export const GOLDEN_VERSION = '0.0.0-golden';

/** The golden app's report, read as `cdk-bis report` reads it, and its cloud assembly directory. */
export function goldenReport(): { report: FindingsReport; outdir: string } {
  const outdir = synthesizeGoldenApp();
  const report = readValidationReport(outdir, {
    root: REPO_ROOT,
    toolVersion: GOLDEN_VERSION,
  });
  return { report, outdir };
}

/** Golden files hold no temporary directory: the cloud assembly is shown as `cdk.out`. */
export function withStableAssemblyPath(rendered: string, outdir: string): string {
  return rendered.split(relative(REPO_ROOT, outdir).split('\\').join('/')).join('cdk.out');
}

/**
 * Compare `content` with `golden/<name>`. `UPDATE_GOLDEN=1 npx jest test/policies/report` rewrites
 * the files; review the diff before committing it.
 */
export function expectGolden(name: string, content: string): void {
  const file = join(__dirname, 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(file, content);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(
      `${relative(REPO_ROOT, file)} is missing: run UPDATE_GOLDEN=1 npx jest test/policies/report`,
    );
  }
  expect(content).toBe(readFileSync(file, 'utf8'));
}

/** The 1-based line of the first line of `file` that contains `text`. */
export function lineOf(file: string, text: string): number {
  const index = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`${file} has no line with ${text}`);
  return index + 1;
}

/** The 1-based line and column where `text` first occurs in `file`. */
export function positionOf(file: string, text: string): { line: number; column: number } {
  const line = lineOf(file, text);
  return { line, column: readFileSync(file, 'utf8').split('\n')[line - 1].indexOf(text) + 1 };
}
