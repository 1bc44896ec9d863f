import { renderMarkdown } from '../../../policies/report/markdown';
import { renderReport } from '../../../policies/report/formats';
import type { FindingsReport, ReportFinding } from '../../../policies/report/model';

const finding = (ruleId: string, severity: ReportFinding['severity']): ReportFinding => ({
  ruleId,
  plugin: 'BIS',
  severity,
  message: 'm',
  stack: 'Shop',
  resourcePath: `Shop/${ruleId}`,
});

const report: FindingsReport = {
  tool: { name: 'cdk-bis', version: '1.0.0' },
  rules: [{ id: 'ACME-S3-2', plugin: 'BIS', title: 'Queues are named' }],
  findings: [finding('BIS-TR4', 'error'), finding('ACME-S3-2', 'warning'), finding('ACME-1', 'error')],
};

describe('org findings in reports', () => {
  test('the Markdown summary counts org findings under their prefix, after the BIS families', () => {
    expect(renderMarkdown(report)).toContain(
      [
        '| TR trust (TaaS) | 1 | 0 | 0 | 0 |',
        '| ACME org rules | 1 | 1 | 0 | 0 |',
        '| **Total** | 2 | 1 | 0 | 0 |',
      ].join('\n'),
    );
  });

  test('SARIF tags an org rule with its prefix family', () => {
    const sarif = JSON.parse(renderReport(report, 'sarif')) as {
      runs: { tool: { driver: { rules: { id: string; properties: { tags: string[] } }[] } } }[];
    };
    const rule = sarif.runs[0].tool.driver.rules.find((candidate) => candidate.id === 'ACME-S3-2');
    expect(rule?.properties.tags).toEqual(['BIS', 'ACME org rules']);
  });
});
