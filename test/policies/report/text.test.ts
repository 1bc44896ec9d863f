import { renderReport } from '../../../policies/report/formats';
import type { FindingsReport, ReportFinding } from '../../../policies/report/model';
import { renderText } from '../../../policies/report/text';
import { expectGolden, goldenReport, withStableAssemblyPath } from './report-harness';

const TOOL = { name: 'cdk-bis', version: '1.0.0' };

function finding(overrides: Partial<ReportFinding>): ReportFinding {
  return {
    ruleId: 'BIS-BA2',
    plugin: 'BIS',
    severity: 'error',
    message: 'port 22 is open to the internet',
    stack: 'infra/app.yaml',
    logicalId: 'Ssh',
    resourcePath: 'infra/app.yaml#Ssh',
    template: { file: 'infra/app.yaml', line: 12 },
    ...overrides,
  };
}

const SCAN: FindingsReport = {
  tool: TOOL,
  rules: [],
  findings: [
    finding({
      ruleId: 'BIS-CO9',
      severity: 'warning',
      message: 'untagged',
      logicalId: 'Web',
      resourcePath: 'infra/app.yaml#Web',
      template: { file: 'infra/app.yaml', line: 30 },
    }),
    finding({}),
    finding({
      ruleId: 'BIS-SF1',
      stack: 'legacy.template.json',
      resourcePath: 'legacy.template.json#Box',
      logicalId: 'Box',
      template: { file: 'legacy.template.json', line: 4 },
      acknowledgement: { reason: 'retiring in Q3' },
    }),
    finding({
      ruleId: 'BIS-CO1',
      severity: 'info',
      message: 'no retention',
      stack: 'legacy.template.json',
      resourcePath: 'legacy.template.json#Logs',
      logicalId: 'Logs',
      template: { file: 'legacy.template.json', line: 9 },
    }),
  ],
};

test('the text of the golden app matches golden/app.txt.golden', () => {
  const { report, outdir } = goldenReport();
  expectGolden('app.txt.golden', withStableAssemblyPath(renderReport(report, 'text'), outdir));
});

test('findings are grouped by file, one line each in line order, with a summary line', () => {
  expect(renderText(SCAN)).toBe(
    [
      'infra/app.yaml',
      '  error    BIS-BA2  12  port 22 is open to the internet [Ssh]',
      '  warning  BIS-CO9  30  untagged [Web]',
      '',
      'legacy.template.json',
      '  ack      BIS-SF1  4  port 22 is open to the internet (acknowledged: retiring in Q3) [Box]',
      '  info     BIS-CO1  9  no retention [Logs]',
      '',
      '1 error, 1 warning, 1 info (1 acknowledged)',
      '',
    ].join('\n'),
  );
});

test('colours only when asked', () => {
  expect(renderText(SCAN)).not.toContain('\u001b[');
  expect(renderText(SCAN, { color: false })).not.toContain('\u001b[');
  const coloured = renderText(SCAN, { color: true });
  expect(coloured).toContain('\u001b[31merror  \u001b[0m');
  expect(coloured).toContain('\u001b[33mwarning\u001b[0m');
  const withoutColours = coloured
    .split('\u001b[')
    .map((part, index) => (index === 0 ? part : part.replace(/^[0-9]+m/, '')))
    .join('');
  expect(withoutColours).toBe(renderText(SCAN));
});

test('an empty report says so, with a zero summary', () => {
  expect(renderText({ tool: TOOL, rules: [], findings: [] })).toBe(
    'No findings.\n0 errors, 0 warnings, 0 infos (0 acknowledged)\n',
  );
});

test('json is the FindingsReport itself, with a stable key order', () => {
  const shuffled: FindingsReport = {
    findings: [
      {
        template: { line: 12, file: 'infra/app.yaml' },
        resourcePath: 'infra/app.yaml#Ssh',
        stack: 'infra/app.yaml',
        message: 'm',
        severity: 'error',
        plugin: 'BIS',
        ruleId: 'BIS-BA2',
      },
    ],
    rules: [{ title: 't', plugin: 'BIS', id: 'BIS-BA2' }],
    tool: { version: '1.0.0', name: 'cdk-bis' },
  };
  const json = renderReport(shuffled, 'json');
  expect(JSON.parse(json)).toEqual(shuffled);
  expect(json).toBe(
    `${JSON.stringify(
      {
        tool: { name: 'cdk-bis', version: '1.0.0' },
        rules: [{ id: 'BIS-BA2', plugin: 'BIS', title: 't' }],
        findings: [
          {
            ruleId: 'BIS-BA2',
            plugin: 'BIS',
            severity: 'error',
            message: 'm',
            stack: 'infra/app.yaml',
            resourcePath: 'infra/app.yaml#Ssh',
            template: { file: 'infra/app.yaml', line: 12 },
          },
        ],
      },
      null,
      2,
    )}\n`,
  );
});
