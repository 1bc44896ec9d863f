import { renderReport } from '../../../policies/report/formats';
import { renderMarkdown } from '../../../policies/report/markdown';
import type { ReportFinding } from '../../../policies/report/model';
import { expectGolden, goldenReport, withStableAssemblyPath } from './report-harness';

const TOOL = { name: 'cdk-bis', version: '1.0.0' };

function finding(overrides: Partial<ReportFinding>): ReportFinding {
  return {
    ruleId: 'BIS-CO2',
    plugin: 'BIS',
    severity: 'warning',
    message: 'always on',
    stack: 'Net',
    resourcePath: 'Net/Nat',
    template: { file: 'cdk.out/Net.template.json', line: 3 },
    ...overrides,
  };
}

test('the Markdown of the golden app matches golden/app.md.golden', () => {
  const { report, outdir } = goldenReport();
  const markdown = renderReport(report, 'markdown');
  expectGolden('app.md.golden', withStableAssemblyPath(markdown, outdir));
  expect(markdown).toContain('### `Shop`\n');
  expect(markdown).toContain('### `Shop/Workers`\n');
  expect(markdown).toContain(
    '| BIS-AV4 | `Shop/Jobs/Resource` | the caller retries failed jobs & keeps \\<their\\> state | `Shop/Jobs` |',
  );
  expect(markdown).toContain('| **Total** | | | **$32.85** |');
});

test('the summary counts open findings by family and severity, and acknowledged ones apart', () => {
  const markdown = renderMarkdown({
    tool: TOOL,
    rules: [],
    findings: [
      finding({ ruleId: 'BIS-TR4', severity: 'error', resourcePath: 'Net/Bucket' }),
      finding({ ruleId: 'BIS-TR5', severity: 'error', resourcePath: 'Net/Bucket' }),
      finding({ ruleId: 'BIS-AV4', severity: 'info', acknowledgement: { reason: 'ok' } }),
      finding({ ruleId: 'AwsSolutions-S1', plugin: 'AwsSolutions', severity: 'warning' }),
    ],
  });
  expect(markdown).toContain(
    [
      '| Family | Errors | Warnings | Infos | Acknowledged |',
      '| --- | ---: | ---: | ---: | ---: |',
      '| TR trust (TaaS) | 2 | 0 | 0 | 0 |',
      '| AV availability | 0 | 0 | 0 | 1 |',
      '| AwsSolutions | 0 | 1 | 0 | 0 |',
      '| **Total** | 2 | 1 | 0 | 1 |',
    ].join('\n'),
  );
  expect(markdown).toContain(
    '**2 errors, 1 warning, 0 infos (1 acknowledged)** in 1 stack, from BIS, AwsSolutions.',
  );
});

test('errors are listed under their rule with the fix; warnings are collapsed apart', () => {
  const markdown = renderMarkdown({
    tool: TOOL,
    rules: [
      {
        id: 'BIS-TR4',
        plugin: 'BIS',
        title: 'Buckets accept TLS requests only',
        fix: 'Set `enforceSSL: true`.',
        helpUri: 'https://x/RULES.md#bis-tr4',
      },
    ],
    findings: [
      finding({
        ruleId: 'BIS-TR4',
        severity: 'error',
        resourcePath: 'Net/Bucket/Resource',
        message: 'no <policy> denies HTTP',
        source: { file: 'lib/net.ts', line: 7, column: 5 },
      }),
      finding({ ruleId: 'BIS-CO9', severity: 'warning', message: 'untagged' }),
    ],
  });
  expect(markdown).toContain(
    [
      '## Errors',
      '',
      '### BIS-TR4: Buckets accept TLS requests only',
      '',
      '- `Net/Bucket/Resource` at `lib/net.ts:7:5`: no \\<policy\\> denies HTTP',
      '',
      '**Fix:** Set `enforceSSL: true`.',
      '',
      '[BIS-TR4 documentation](https://x/RULES.md#bis-tr4)',
    ].join('\n'),
  );
  const errors = markdown.slice(markdown.indexOf('## Errors'), markdown.indexOf('## Warnings'));
  expect(errors).not.toContain('untagged');
  expect(markdown).toContain(
    [
      '## Warnings',
      '',
      '<details>',
      '<summary>1 warning</summary>',
      '',
      '### BIS-CO9',
      '',
      '- `Net/Nat` at `cdk.out/Net.template.json:3`: untagged',
      '',
      '</details>',
    ].join('\n'),
  );
});

test('each finding prints the fix of its own resource type, after the findings that share it', () => {
  const markdown = renderMarkdown({
    tool: TOOL,
    rules: [{ id: 'BIS-TR1', plugin: 'BIS', title: 'Keys', fix: 'S3 fix; DynamoDB fix.' }],
    findings: [
      finding({ ruleId: 'BIS-TR1', severity: 'error', resourcePath: 'Net/Bucket', fix: 'S3 fix.' }),
      finding({ ruleId: 'BIS-TR1', severity: 'error', resourcePath: 'Net/Table', fix: 'DynamoDB fix.' }),
    ],
  });
  expect(markdown).toContain(
    ['- `Net/Bucket` at `cdk.out/Net.template.json:3`: always on', '', '**Fix:** S3 fix.', ''].join('\n'),
  );
  expect(markdown).toContain(
    ['- `Net/Table` at `cdk.out/Net.template.json:3`: always on', '', '**Fix:** DynamoDB fix.', ''].join(
      '\n',
    ),
  );
  expect(markdown).not.toContain('S3 fix; DynamoDB fix.');
});

test('stacks without findings are named as clean', () => {
  const markdown = renderMarkdown({
    tool: TOOL,
    rules: [],
    findings: [finding({})],
    stacks: ['Net', 'Web', 'Api'],
  });
  expect(markdown).toContain('**Clean** (no findings): `Api`, `Web`.');
  expect(renderMarkdown({ tool: TOOL, rules: [], findings: [], stacks: ['Web'] })).toBe(
    '# cdk-bis report\n\nNo findings.\n\n**Clean** (no findings): `Web`.\n',
  );
});

test('customer-managed KMS keys are in the always-on cost at $1 a month each, with the price cited', () => {
  const key = {
    stack: 'Data',
    logicalId: 'Key1',
    resourceType: 'AWS::KMS::Key',
    monthlyCostUsd: 1,
  };
  const markdown = renderMarkdown({
    tool: TOOL,
    rules: [],
    findings: [finding({ resourceType: 'AWS::EC2::NatGateway', monthlyCostUsd: 32.85 })],
    alwaysOn: [
      { ...key, resourcePath: 'Data/Key/Resource' },
      { ...key, resourcePath: 'Data/Other/Resource', logicalId: 'Key2' },
    ],
  });
  expect(markdown).toContain(
    [
      '| `Net/Nat` | AWS::EC2::NatGateway | BIS-CO2 | $32.85 |',
      '| `Data/Key/Resource` | AWS::KMS::Key | (price table) | $1.00 |',
      '| `Data/Other/Resource` | AWS::KMS::Key | (price table) | $1.00 |',
      '| **Total** | | | **$34.85** |',
    ].join('\n'),
  );
  expect(markdown).toMatch(/A customer-managed KMS key costs \$1\.00 a month \(AWS KMS pricing\)/);
});

test('the always-on cost estimate lists each costed resource and the monthly total, with the price caveat', () => {
  const markdown = renderMarkdown({
    tool: TOOL,
    rules: [],
    findings: [
      finding({ resourcePath: 'Net/NatA', resourceType: 'AWS::EC2::NatGateway', monthlyCostUsd: 32.85 }),
      finding({
        resourcePath: 'Net/NatB',
        resourceType: 'AWS::EC2::NatGateway',
        monthlyCostUsd: 32.85,
        acknowledgement: { reason: 'two AZs' },
      }),
      finding({
        ruleId: 'BIS-CO3',
        resourcePath: 'Net/Alb',
        resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        monthlyCostUsd: 1000.5,
      }),
    ],
  });
  expect(markdown).toContain(
    [
      '## Always-on cost estimate',
      '',
      '| Resource | Type | Rule | Monthly (USD) |',
      '| --- | --- | --- | ---: |',
      '| `Net/NatA` | AWS::EC2::NatGateway | BIS-CO2 | $32.85 |',
      '| `Net/NatB` (acknowledged) | AWS::EC2::NatGateway | BIS-CO2 | $32.85 |',
      '| `Net/Alb` | AWS::ElasticLoadBalancingV2::LoadBalancer | BIS-CO3 | $1,000.50 |',
      '| **Total** | | | **$1,066.20** |',
    ].join('\n'),
  );
  expect(markdown).toMatch(/List prices in us-east-1, in USD, for 730 hours a month, before free tier/);
});

test('no cost section without cost findings, and a clear line for an empty report', () => {
  expect(renderMarkdown({ tool: TOOL, rules: [], findings: [finding({})] })).not.toContain('cost estimate');
  expect(renderMarkdown({ tool: TOOL, rules: [], findings: [] })).toBe('# cdk-bis report\n\nNo findings.\n');
});

test('pipes in table cells and backticks in construct paths do not break the Markdown', () => {
  const markdown = renderMarkdown({
    tool: TOOL,
    rules: [],
    findings: [finding({ resourcePath: 'Net/a`b|c', acknowledgement: { reason: 'x | y `z|w`', at: 'Net' } })],
  });
  expect(markdown).toContain('| BIS-CO2 | ``Net/a`b\\|c`` | x \\| y `z\\|w` | `Net` |');
});
