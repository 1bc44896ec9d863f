import { Stack, Stage, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BisChecks, type BisBudget } from '../../../policies/bis-checks';
import { evaluateApp, findingsFor, testApp } from '../harness';

/** A VPC with `nats` NAT gateways ($32.85/month each) and no other always-on resource. */
function network(scope: Stage | ReturnType<typeof testApp>, id: string, nats: number): Stack {
  const stack = new Stack(scope, id);
  new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: nats });
  return stack;
}

const USD = (users: number, monthlyPerUser: number): BisBudget => ({
  users,
  monthlyPerUser,
  currency: 'USD',
});

describe('BIS-CO10 PerUserBudget', () => {
  test('an app whose always-on floor per user is over budget is one error, on the costliest stack, with the breakdown', () => {
    const app = testApp();
    network(app, 'Small', 1);
    const big = network(app, 'Big', 2);
    new ec2.InterfaceVpcEndpoint(big, 'Sqs', {
      vpc: big.node.findChild('Vpc') as ec2.Vpc,
      service: ec2.InterfaceVpcEndpointAwsService.SQS,
    });
    const findings = findingsFor(evaluateApp(app, { budget: USD(10, 5) }), 'BIS-CO10');
    expect(findings).toEqual([
      {
        path: 'Big',
        level: 'error',
        message:
          'The always-on floor is over the budget of $5.00 per user per month for 10 users: the whole app costs $113.15/month, $11.32 per user. ' +
          'By resource type (whole app): AWS::EC2::NatGateway ×3 $98.55/month, AWS::EC2::VPCEndpoint ×1 $14.60/month. ' +
          'This stack costs most ($80.30/month); pay-per-use charges come on top.',
      },
    ]);
  });

  test('an app within budget has no finding, and without a budget the rule is not applicable', () => {
    const app = testApp();
    network(app, 'Network', 2);
    expect(findingsFor(evaluateApp(app, { budget: USD(10, 10) }), 'BIS-CO10')).toEqual([]);
    const other = testApp();
    network(other, 'Network', 2);
    expect(findingsFor(evaluateApp(other), 'BIS-CO10')).toEqual([]);
  });

  test('a EUR budget is converted with usdPerUnit', () => {
    const over = testApp();
    network(over, 'Network', 2); // $65.70 / 1.08 / 6 = €10.14 per user
    const eur: BisBudget = { users: 6, monthlyPerUser: 10, currency: 'EUR', usdPerUnit: 1.08 };
    expect(findingsFor(evaluateApp(over, { budget: eur }), 'BIS-CO10')[0]?.message).toMatch(
      /^The always-on floor is over the budget of €10\.00 per user per month for 6 users: the whole app costs \$65\.70\/month, €10\.14 per user\./,
    );
    const within = testApp();
    network(within, 'Network', 2); // $65.70 / 1.2 / 6 = €9.13 per user
    expect(findingsFor(evaluateApp(within, { budget: { ...eur, usdPerUnit: 1.2 } }), 'BIS-CO10')).toEqual([]);
  });

  test('each Stage is compared with the budget too, and only the scopes over budget are named', () => {
    const app = testApp();
    network(new Stage(app, 'Prod'), 'Network', 2);
    network(new Stage(app, 'Dev'), 'Network', 1);
    // Prod: $65.70 / 10 = $6.57 per user, over $6; Dev: $3.29, within; the whole app: $9.86, over.
    const findings = findingsFor(evaluateApp(app, { budget: USD(10, 6) }), 'BIS-CO10');
    expect(findings.map((finding) => finding.path)).toEqual(['Prod/Network']);
    expect(findings[0].message).toContain(
      'for 10 users: Stage Prod costs $65.70/month, $6.57 per user; the whole app costs $98.55/month, $9.86 per user.',
    );
    expect(findings[0].message).not.toContain('Stage Dev');
  });

  test('acknowledged and disabled cost findings still count: the resources are paid for', () => {
    const app = testApp();
    const stack = network(app, 'Network', 2);
    Validations.of(stack).acknowledge({ id: 'BIS::BIS-CO2', reason: 'NAT needed for the partner VPN' });
    const findings = evaluateApp(app, { budget: USD(5, 10), disable: ['BIS-CO3'] });
    expect(findingsFor(findings, 'BIS-CO10').map((finding) => finding.path)).toEqual(['Network']);
  });

  test('acknowledging BIS-CO10 on the stack accepts the budget finding', () => {
    const app = testApp();
    const stack = network(app, 'Network', 2);
    Validations.of(stack).acknowledge({
      id: 'BIS::BIS-CO10',
      reason: 'pilot with 5 users; 500 next quarter',
    });
    const finding = evaluateApp(app, { budget: USD(5, 10) }).find((f) => f.rule.id === 'BIS-CO10');
    expect(finding?.acknowledgedReason).toBe('pilot with 5 users; 500 next quarter');
  });

  test('templates are priced the same way (cdk-bis scan)', () => {
    const nat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: 'subnet-1' } };
    const templates = [
      { path: 'a.template.json', template: { Resources: { Nat1: nat, Nat2: nat } } },
      { path: 'b.template.json', template: { Resources: { Nat: nat } } },
    ];
    const checks = new BisChecks(undefined, { budget: USD(10, 5) });
    const findings = checks.evaluateTemplates(templates).filter((finding) => finding.rule.id === 'BIS-CO10');
    expect(findings.map((finding) => finding.resource.path)).toEqual(['a.template.json']);
    expect(findings[0].message).toContain('the whole app costs $98.55/month, $9.86 per user');
  });

  test('pricing every unit early does not change any other verdict, at synth or in validateScope', () => {
    const build = () => {
      const app = testApp();
      network(new Stage(app, 'Prod'), 'Network', 2);
      network(app, 'Shared', 1);
      return app;
    };
    const summary = (findings: ReturnType<typeof evaluateApp>) =>
      findings
        .filter((finding) => finding.rule.id !== 'BIS-CO10')
        .map((finding) => `${finding.rule.id} ${finding.resource.path} ${finding.message}`)
        .sort();
    const withBudget = evaluateApp(build(), { budget: USD(1, 1) });
    expect(findingsFor(withBudget, 'BIS-CO10')).toHaveLength(1);
    expect(summary(withBudget)).toEqual(summary(evaluateApp(build())));
    const unsynthesized = build();
    const report = new BisChecks(undefined, { budget: USD(1, 1) }).validateScope(unsynthesized);
    expect(report.violations.filter((violation) => violation.ruleName === 'BIS-CO10')).toHaveLength(1);
  });

  test.each<[string, unknown, RegExp]>([
    [
      'users 0',
      { users: 0, monthlyPerUser: 10, currency: 'USD' },
      /budget\.users must be a positive integer/,
    ],
    [
      'fractional users',
      { users: 2.5, monthlyPerUser: 10, currency: 'USD' },
      /budget\.users must be a positive integer/,
    ],
    [
      'monthlyPerUser 0',
      { users: 5, monthlyPerUser: 0, currency: 'USD' },
      /budget\.monthlyPerUser must be a number above 0/,
    ],
    [
      'an unknown currency',
      { users: 5, monthlyPerUser: 10, currency: 'GBP' },
      /budget\.currency must be 'EUR' or 'USD', not "GBP"/,
    ],
    [
      'EUR without a rate',
      { users: 5, monthlyPerUser: 10, currency: 'EUR' },
      /budget\.usdPerUnit must be the USD value of one EUR/,
    ],
    [
      'EUR with a zero rate',
      { users: 5, monthlyPerUser: 10, currency: 'EUR', usdPerUnit: 0 },
      /budget\.usdPerUnit must be/,
    ],
    [
      'USD with a rate',
      { users: 5, monthlyPerUser: 10, currency: 'USD', usdPerUnit: 1.1 },
      /with currency 'USD' leave it out/,
    ],
    ['not an object', 10, /budget must be \{ users, monthlyPerUser, currency, usdPerUnit\? \}/],
  ])('a budget with %s is an error naming the field', (_case, budget, message) => {
    expect(() => new BisChecks(undefined, { budget: budget as BisBudget })).toThrow(message);
  });
});
