import { baselineEntryOf, FIXED_BASELINE_ENTRY } from '../../../policies/baseline';
import { applyBaseline, exitStatusOf, renderReport, type FindingsReport } from '../../../policies/report';
import type { ReportFinding } from '../../../policies/report/model';

/*
 * A baseline in every format: a finding it holds is reported as suppressed "in baseline" and does
 * not fail; an entry that matches nothing is a note-level "fixed; remove from the baseline".
 */

function finding(overrides: Partial<ReportFinding>): ReportFinding {
  return {
    ruleId: 'BIS-DI1',
    plugin: 'BIS',
    severity: 'error',
    message: 'a data store in an application stack',
    stack: 'Shop',
    resourcePath: 'Shop/Uploads/Resource',
    template: { file: 'cdk.out/Shop.template.json', line: 3 },
    ...overrides,
  };
}

const known = finding({});
const fresh = finding({ resourcePath: 'Shop/Files/Resource', message: 'a new data store' });
const stale = baselineEntryOf({
  plugin: 'BIS',
  ruleId: 'BIS-TR9',
  stack: 'Shop',
  resourcePath: 'Shop/Old/Resource',
});
const baseline = { file: 'bis-baseline.json', entries: [baselineEntryOf(known), stale] };

function report(findings: readonly ReportFinding[]): FindingsReport {
  return applyBaseline({ tool: { name: 'cdk-bis', version: '1.0.0' }, rules: [], findings }, baseline);
}

test('a baselined error does not fail; a new one beside it does', () => {
  expect(exitStatusOf(report([known]))).toBe(0);
  expect(exitStatusOf(report([known, fresh]))).toBe(1);
  expect(report([known, fresh]).findings.map((f) => f.baseline)).toEqual([true, undefined]);
});

test('an acknowledged finding is not held by the baseline, so its entry is stale', () => {
  const acknowledged = report([{ ...known, acknowledgement: { reason: 'ok' } }]);
  expect(acknowledged.findings[0].baseline).toBeUndefined();
  expect(acknowledged.baseline?.stale.map((entry) => entry.constructPath)).toEqual([
    'Shop/Uploads/Resource',
    'Shop/Old/Resource',
  ]);
});

test('SARIF: an external suppression "in baseline", and each stale entry a note', () => {
  const sarif = JSON.parse(renderReport(report([known, fresh]), 'sarif'));
  const [held, open] = sarif.runs[0].results;
  expect(held.suppressions).toEqual([{ kind: 'external', justification: 'in baseline' }]);
  expect(open.suppressions).toBeUndefined();
  expect(sarif.runs[0].invocations[0].toolExecutionNotifications).toEqual([
    {
      level: 'note',
      message: { text: `BIS-TR9 on Shop/Old/Resource: ${FIXED_BASELINE_ENTRY}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'bis-baseline.json', uriBaseId: '%SRCROOT%' },
            region: { startLine: 1 },
          },
        },
      ],
    },
  ]);
  expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(true);
});

test('JUnit: a baselined finding is skipped "in baseline"; a stale entry is a passing case that says so', () => {
  const xml = renderReport(report([known, fresh]), 'junit');
  expect(xml).toContain(
    '<testcase classname="Shop" name="BIS-DI1 Shop/Uploads/Resource" file="cdk.out/Shop.template.json">\n      <skipped message="in baseline"/>',
  );
  expect(xml).toContain('<failure message="a new data store" type="error">');
  expect(xml).toContain(
    '<testsuite name="baseline bis-baseline.json" tests="1" failures="0" errors="0" skipped="0">',
  );
  expect(xml).toContain(`<system-out>BIS-TR9 on Shop/Old/Resource: ${FIXED_BASELINE_ENTRY}</system-out>`);
  expect(xml).toMatch(/<testsuites name="cdk-bis" tests="3" failures="1" errors="0" skipped="1">/);
});

test('Markdown: the baselined findings in a section of their own, not under Errors, and the stale entries listed', () => {
  const markdown = renderReport(report([known, fresh]), 'markdown');
  expect(markdown).toContain('**1 error, 0 warnings, 0 infos (0 acknowledged, 1 in baseline)**');
  const errors = markdown.slice(markdown.indexOf('## Errors'), markdown.indexOf('## In baseline'));
  expect(errors).toContain('Shop/Files/Resource');
  expect(errors).not.toContain('Shop/Uploads/Resource');
  expect(markdown).toContain(
    [
      '## In baseline',
      '',
      '1 finding in `bis-baseline.json` is reported but does not fail.',
      '',
      '| Rule | Severity | Resource | Message |',
      '| --- | --- | --- | --- |',
      '| BIS-DI1 | error | `Shop/Uploads/Resource` | a data store in an application stack |',
    ].join('\n'),
  );
  expect(markdown).toContain(
    [
      '## Fixed baseline entries',
      '',
      '1 entry of `bis-baseline.json` matches no finding:',
      '',
      '- BIS-TR9 on Shop/Old/Resource: fixed; remove from the baseline (npx cdk-bis baseline --prune)',
    ].join('\n'),
  );
});

test('text: a count line for the baselined findings instead of a line each, and a note per stale entry', () => {
  const text = renderReport(report([known, fresh]), 'text');
  expect(text).not.toContain('Shop/Uploads/Resource');
  expect(text).toContain('Shop/Files/Resource');
  expect(text).toContain('1 finding in baseline bis-baseline.json: reported, not failing.');
  expect(text).toContain(`note  BIS-TR9 on Shop/Old/Resource: ${FIXED_BASELINE_ENTRY}`);
  expect(text.trimEnd().split('\n').pop()).toBe(
    '1 error, 0 warnings, 0 infos (0 acknowledged, 1 in baseline)',
  );
});
