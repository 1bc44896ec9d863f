import { renderReport } from '../../../policies/report/formats';
import { renderJunit, xmlAttribute, xmlText } from '../../../policies/report/junit';
import type { FindingsReport, ReportFinding } from '../../../policies/report/model';
import { expectGolden, goldenReport, withStableAssemblyPath } from './report-harness';

const TOOL = { name: 'cdk-bis', version: '1.0.0' };

function finding(overrides: Partial<ReportFinding>): ReportFinding {
  return {
    ruleId: 'BIS-TR4',
    plugin: 'BIS',
    severity: 'error',
    message: 'plain HTTP is allowed',
    stack: 'Shop',
    resourcePath: 'Shop/Bucket/Resource',
    template: { file: 'cdk.out/Shop.template.json', line: 3 },
    ...overrides,
  };
}

/** The attributes of every element named `name`, in document order. */
function elements(xml: string, name: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${name}((?:\\s+[a-z]+="[^"]*")*)\\s*/?>`, 'g'))].map((match) =>
    Object.fromEntries(
      [...match[1].matchAll(/([a-z]+)="([^"]*)"/g)].map((attribute) => [attribute[1], attribute[2]]),
    ),
  );
}

test('the JUnit XML of the golden app matches golden/app.junit.golden', () => {
  const { report, outdir } = goldenReport();
  const xml = renderReport(report, 'junit');
  expectGolden('app.junit.golden', withStableAssemblyPath(xml, outdir));
  // One suite per stack, the nested stack included; its counts add up to the whole.
  expect(elements(xml, 'testsuite').map((suite) => suite.name)).toEqual(['Shop', 'Shop/Workers']);
  const [all] = elements(xml, 'testsuites');
  expect(Number(all.tests)).toBe(elements(xml, 'testcase').length);
  expect(Number(all.skipped)).toBe(1);
});

test('one test case per rule and resource: findings fail, acknowledged ones are skipped with the reason', () => {
  // Warnings fail here as they do with --junit-warnings failure; the default is in 'warnings in JUnit'.
  const xml = renderJunit(
    {
      tool: TOOL,
      rules: [{ id: 'BIS-TR4', plugin: 'BIS', title: 'TLS only', fix: 'Set enforceSSL: true.' }],
      findings: [
        finding({}),
        finding({
          ruleId: 'BIS-AV4',
          severity: 'warning',
          resourcePath: 'Shop/Queue/Resource',
          acknowledgement: { reason: 'retried upstream' },
        }),
        finding({
          ruleId: 'BIS-AV4',
          severity: 'warning',
          stack: 'Other',
          resourcePath: 'Other/Queue/Resource',
        }),
      ],
    },
    { warnings: 'failure' },
  );
  expect(elements(xml, 'testsuite')).toEqual([
    { name: 'Shop', tests: '2', failures: '1', errors: '0', skipped: '1' },
    { name: 'Other', tests: '1', failures: '1', errors: '0', skipped: '0' },
  ]);
  expect(elements(xml, 'testcase').map((testCase) => `${testCase.classname} | ${testCase.name}`)).toEqual([
    'Shop | BIS-TR4 Shop/Bucket/Resource',
    'Shop | BIS-AV4 Shop/Queue/Resource',
    'Other | BIS-AV4 Other/Queue/Resource',
  ]);
  expect(elements(xml, 'failure')[0]).toEqual({ message: 'plain HTTP is allowed', type: 'error' });
  expect(xml).toContain(
    '[error] plain HTTP is allowed\nFix: Set enforceSSL: true.\nTemplate: cdk.out/Shop.template.json:3</failure>',
  );
  expect(elements(xml, 'skipped')).toEqual([{ message: 'acknowledged: retried upstream' }]);
});

test('markup characters, quotes and control characters are escaped or replaced', () => {
  const nasty = 'a <b> & "c" \'d\'\u0007 e\nf';
  const xml = renderJunit({
    tool: TOOL,
    rules: [],
    findings: [finding({ message: nasty, resourcePath: 'Shop/<&>/Resource' })],
  });
  expect(xml).toContain('message="a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;\uFFFD e&#10;f"');
  expect(xml).toContain('>[error] a &lt;b&gt; &amp; "c" \'d\'\uFFFD e\nf\n');
  expect(xml).toContain('name="BIS-TR4 Shop/&lt;&amp;&gt;/Resource"');
  // Nothing XML 1.0 forbids is left, and no markup character is left raw inside text or attributes.
  const forbidden = [...xml].filter((char) => char < ' ' && !'\t\n\r'.includes(char));
  expect(forbidden).toEqual([]);
  const withoutMarkup = xml.replace(/<\/?[a-z?][^<>]*>/g, '');
  expect(withoutMarkup).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos|#[0-9]+);)/);
});

test('the escapers keep tabs and line breaks in text and encode them in attributes', () => {
  expect(xmlText('a\tb\r\nc\uD800d')).toBe('a\tb\r\nc\uFFFDd');
  expect(xmlAttribute('a\tb\r\nc')).toBe('a&#9;b&#13;&#10;c');
});

test('a report without findings is one passing test, which CI tools count as a clean run', () => {
  const report: FindingsReport = { tool: TOOL, rules: [], findings: [] };
  const xml = renderJunit(report);
  expect(elements(xml, 'testsuites')).toEqual([
    { name: 'cdk-bis', tests: '1', failures: '0', errors: '0', skipped: '0' },
  ]);
  expect(elements(xml, 'testcase')).toEqual([{ classname: 'cdk-bis', name: 'no findings' }]);
});

describe('warnings in JUnit', () => {
  const report = (severity: ReportFinding['severity']): FindingsReport => ({
    tool: TOOL,
    rules: [],
    findings: [finding({ severity, message: `a ${severity}` })],
  });

  test('a warning passes by default, printing the finding in the case output', () => {
    const xml = renderJunit(report('warning'));
    expect(xml).not.toContain('<failure');
    expect(xml).toContain('<system-out>[warning] a warning');
    expect(elements(xml, 'testsuites')[0]).toMatchObject({ tests: '1', failures: '0', skipped: '0' });
  });

  test("with warnings: 'failure' a warning fails its case", () => {
    const xml = renderJunit(report('warning'), { warnings: 'failure' });
    expect(elements(xml, 'failure')).toEqual([{ message: 'a warning', type: 'warning' }]);
    expect(elements(xml, 'testsuites')[0]).toMatchObject({ failures: '1' });
  });

  test('an error fails and an info passes, whatever the warnings setting', () => {
    for (const warnings of ['pass', 'failure'] as const) {
      expect(elements(renderJunit(report('error'), { warnings }), 'failure')).toHaveLength(1);
      expect(elements(renderJunit(report('info'), { warnings }), 'failure')).toHaveLength(0);
    }
  });
});
