import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { renderReport } from '../../../policies/report/formats';
import { scanTemplates } from '../../../policies/scan';

/** Two hand-written templates (an application each, as BIS-BA1 has it) with three NAT gateways: $98.55/month. */
function scanned(budget: { users: number; monthlyPerUser: number }, acknowledge = false) {
  const dir = mkdtempSync(join(tmpdir(), 'cdk-bis-budget-'));
  const nat = {
    Type: 'AWS::EC2::NatGateway',
    Properties: { SubnetId: 'subnet-1' },
    ...(acknowledge
      ? { Metadata: { cdk_nag: { rules_to_suppress: [{ id: 'BIS-CO10', reason: 'pilot phase' }] } } }
      : {}),
  };
  writeFileSync(join(dir, 'Network.template.json'), JSON.stringify({ Resources: { Nat1: nat, Nat2: nat } }));
  writeFileSync(join(dir, 'Edge.template.json'), JSON.stringify({ Resources: { Nat: nat } }));
  return scanTemplates([dir], { root: dir, checks: { budget: { ...budget, currency: 'USD' } } });
}

describe('the Markdown report shows the always-on cost per user against the budget', () => {
  test('over budget: its own section with the per-user figure, the budget and the floor caveat', () => {
    const markdown = renderReport(scanned({ users: 10, monthlyPerUser: 5 }).report, 'markdown');
    const section = markdown.slice(markdown.indexOf('## Per-user budget'));
    expect(section).toContain(
      '- `Network.template.json`: The always-on floor is over the budget of $5.00 per user per month for 10 users: template Network.template.json costs $65.70/month, $6.57 per user; the whole app costs $98.55/month, $9.86 per user.',
    );
    expect(section).toContain('before pay-per-use charges');
  });

  test('an acknowledged overrun is still shown, with its reason', () => {
    const markdown = renderReport(scanned({ users: 10, monthlyPerUser: 5 }, true).report, 'markdown');
    expect(markdown).toContain(
      '- `Network.template.json` (acknowledged: pilot phase): The always-on floor is over',
    );
  });

  test('within budget there is no budget section', () => {
    const markdown = renderReport(scanned({ users: 100, monthlyPerUser: 5 }).report, 'markdown');
    expect(markdown).not.toContain('## Per-user budget');
    expect(markdown).toContain('## Always-on cost estimate');
  });
});
