import { readFileSync } from 'fs';
import { join } from 'path';
import { Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import Ajv from 'ajv-draft-04';
import { BisChecks } from '../../../policies';
import { renderReport } from '../../../policies/report/formats';
import type { FindingsReport, ReportFinding } from '../../../policies/report/model';
import { fingerprintOf } from '../../../policies/baseline';
import { renderSarif } from '../../../policies/report/sarif';
import { readValidationReport } from '../../../policies/report/validation-report';
import {
  expectGolden,
  goldenReport,
  lineOf,
  REPO_ROOT,
  synthesize,
  withStableAssemblyPath,
} from './report-harness';

/* eslint-disable @typescript-eslint/no-explicit-any -- SARIF is read back as plain JSON */

const SCHEMA = JSON.parse(
  readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'sarif-2.1.0-rtm.5.schema.json'), 'utf8'),
) as object;

/**
 * The SARIF 2.1.0 schema (draft-04), with its formats checked by hand: ajv-formats is not a
 * dependency. The schema's language pattern (`...]?$`) is not valid with the `u` flag.
 */
function sarifValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', (value: string) => /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(value));
  ajv.addFormat('uri-reference', (value: string) => !/\s/.test(value));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  return ajv.compile(SCHEMA);
}

let golden: { report: FindingsReport; outdir: string };
let sarif: any;
beforeAll(() => {
  golden = goldenReport();
  sarif = JSON.parse(renderReport(golden.report, 'sarif'));
});

test('the SARIF of the golden app matches golden/app.sarif.golden', () => {
  expectGolden(
    'app.sarif.golden',
    withStableAssemblyPath(renderReport(golden.report, 'sarif'), golden.outdir),
  );
});

test('the SARIF validates against the SARIF 2.1.0 JSON schema', () => {
  const validate = sarifValidator();
  expect(validate(sarif) ? [] : validate.errors).toEqual([]);
  // The validator does reject a broken log: a result level SARIF does not know.
  const broken = JSON.parse(JSON.stringify(sarif));
  broken.runs[0].results[0].level = 'info';
  expect(validate(broken)).toBe(false);
});

test('every result has a physical location with a relative URI under %SRCROOT% and a start line', () => {
  for (const result of sarif.runs[0].results) {
    const location = result.locations[0].physicalLocation;
    expect(location.artifactLocation.uriBaseId).toBe('%SRCROOT%');
    expect(location.artifactLocation.uri).not.toMatch(/^\/|^[a-z]+:/i);
    expect(location.region.startLine).toBeGreaterThanOrEqual(1);
  }
});

test('a result names its rule by ID and index, its level, its construct path and its template line', () => {
  const rules = sarif.runs[0].tool.driver.rules;
  const result = sarif.runs[0].results.find(
    (candidate: any) => candidate.ruleId === 'BIS-DI1' && candidate.properties.stack === 'Shop',
  );
  expect(rules[result.ruleIndex].id).toBe('BIS-DI1');
  expect(result.level).toBe('error');
  expect(result.locations[0].logicalLocations).toEqual([
    { fullyQualifiedName: 'Shop/Uploads/Resource', kind: 'resource' },
  ]);
  const related = result.relatedLocations[0];
  const templateLines = readFileSync(
    join(REPO_ROOT, related.physicalLocation.artifactLocation.uri),
    'utf8',
  ).split('\n');
  expect(templateLines[related.physicalLocation.region.startLine - 1]).toContain(
    `"${result.properties.logicalId}": {`,
  );
  expect(related.message.text).toMatch(
    /^Uploads[0-9A-F]{8} \(AWS::S3::Bucket\) in the synthesized template$/,
  );
});

test('the driver describes each rule: descriptions, its documentation as help, a default level and tags', () => {
  const rule = sarif.runs[0].tool.driver.rules.find((candidate: any) => candidate.id === 'BIS-DI1');
  expect(rule).toMatchObject({
    name: 'DataStoresOnlyInDataPlatform',
    shortDescription: { text: 'Persistent data stores live only in data-platform stacks' },
    fullDescription: { text: expect.stringContaining('lives and dies with that application') },
    help: {
      text: expect.stringMatching(
        /^Persistent data stores live only in data-platform stacks\n\nWhy: .*lives and dies with that application.*\n\nFix: Move the store to a data-platform stack.*\n\nDocumentation: docs\/RULES\.md#bis-di1 in the cdk-bis package\.$/s,
      ),
      markdown: expect.stringContaining('**Fix:** Move the store to a data-platform stack'),
    },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['BIS', 'DI data independence'] },
  });
  expect(sarif.runs[0].tool.driver).toMatchObject({ name: 'cdk-bis', version: '0.0.0-golden' });
});

test('no link points at a page that does not exist: without a published home, no helpUri and no informationUri', () => {
  const driver = sarif.runs[0].tool.driver;
  expect(driver.informationUri).toBeUndefined();
  expect(driver.rules.filter((rule: any) => rule.helpUri !== undefined)).toEqual([]);
  expect(JSON.stringify(sarif)).not.toMatch(/unpkg\.com|npmjs\.com/);
});

test('an acknowledged finding is a result with an accepted external suppression and its justification', () => {
  const acknowledged = sarif.runs[0].results.filter((result: any) => result.suppressions);
  expect(acknowledged).toHaveLength(1);
  expect(acknowledged[0]).toMatchObject({
    ruleId: 'BIS-AV4',
    suppressions: [
      {
        kind: 'external',
        status: 'accepted',
        justification: 'the caller retries failed jobs & keeps <their> state',
        properties: { acknowledgedAt: 'Shop/Jobs' },
      },
    ],
  });
});

test('the primary location is the line of `new s3.Bucket(...)` in this test file', () => {
  const outdir = synthesize((app) => {
    Validations.of(app).addPlugins(new BisChecks(app));
    const stack = new Stack(app, 'Located');
    new s3.Bucket(stack, 'Here');
  });
  const log = JSON.parse(renderSarif(readValidationReport(outdir, { root: REPO_ROOT })));
  const result = log.runs[0].results.find((candidate: any) => candidate.ruleId === 'BIS-DI1');
  expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe(
    'test/policies/report/sarif.test.ts',
  );
  expect(result.locations[0].physicalLocation.region.startLine).toBe(
    lineOf(__filename, "new s3.Bucket(stack, 'Here')"),
  );
});

test('fingerprints are the same across runs and do not move with line numbers', () => {
  const again = JSON.parse(renderReport(goldenReport().report, 'sarif'));
  const fingerprints = (log: any) => log.runs[0].results.map((result: any) => result.partialFingerprints);
  expect(fingerprints(again)).toEqual(fingerprints(sarif));
  const finding = golden.report.findings[0];
  const moved: ReportFinding = { ...finding, source: { file: 'elsewhere.ts', line: 999, column: 3 } };
  expect(fingerprintOf(moved)).toBe(fingerprintOf(finding));
  expect(fingerprintOf({ ...finding, resourcePath: `${finding.resourcePath}2` })).not.toBe(
    fingerprintOf(finding),
  );
  expect(new Set(fingerprints(sarif).map((print: any) => JSON.stringify(print))).size).toBe(
    sarif.runs[0].results.length,
  );
});

test('an info finding is a note; a finding with only a template location points there', () => {
  const report: FindingsReport = {
    tool: { name: 'cdk-bis', version: '1.0.0' },
    rules: [{ id: 'BIS-CO1', plugin: 'BIS', title: 'Logs have a retention period' }],
    findings: [
      {
        ruleId: 'BIS-CO1',
        plugin: 'BIS',
        severity: 'info',
        message: 'no retention',
        stack: 'infra/template.yaml',
        logicalId: 'Logs',
        resourcePath: 'infra/template.yaml#Logs',
        template: { file: 'infra/template.yaml', line: 12 },
      },
    ],
  };
  const log = JSON.parse(renderSarif(report));
  const [result] = log.runs[0].results;
  expect(result.level).toBe('note');
  expect(result.locations[0].physicalLocation).toEqual({
    artifactLocation: { uri: 'infra/template.yaml', uriBaseId: '%SRCROOT%' },
    region: { startLine: 12 },
  });
  expect(result.relatedLocations).toBeUndefined();
  expect(log.runs[0].tool.driver.rules[0].defaultConfiguration.level).toBe('note');
  const validate = sarifValidator();
  expect(validate(log) ? [] : validate.errors).toEqual([]);
});

test('an empty report is a valid log with no results', () => {
  const log = JSON.parse(
    renderSarif({ tool: { name: 'cdk-bis', version: '1.0.0' }, rules: [], findings: [] }),
  );
  expect(log.runs[0].results).toEqual([]);
  expect(sarifValidator()(log)).toBe(true);
});
