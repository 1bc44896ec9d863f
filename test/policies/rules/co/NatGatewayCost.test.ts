import { Aws, CfnCondition, Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Stack } from 'aws-cdk-lib';
import rule from '../../../../policies/rules/co/NatGatewayCost';
import { evaluateApp, findingsFor, testApp, verdictOf, verdictsOfTemplate } from '../../harness';
import { appStack } from './fixtures';

describe('BIS-CO2 NatGatewayCost', () => {
  test('a default CDK VPC has one NAT gateway per AZ, each reported with its monthly cost', () => {
    const app = testApp();
    new ec2.Vpc(new Stack(app, 'Network'), 'Vpc', { maxAzs: 2 });
    const findings = findingsFor(evaluateApp(app), 'BIS-CO2');
    expect(findings.map((finding) => finding.path)).toEqual([
      'Network/Vpc/PublicSubnet1/NATGateway',
      'Network/Vpc/PublicSubnet2/NATGateway',
    ]);
    expect(findings[0]).toMatchObject({
      level: 'warning',
      message: expect.stringContaining('about $32.85/month before data processing ($0.045/GB)'),
    });
  });

  test('the monthly cost is carried as a number, for reports to sum', () => {
    const app = testApp();
    new ec2.Vpc(new Stack(app, 'Network'), 'Vpc', { maxAzs: 2 });
    const costs = evaluateApp(app)
      .filter((finding) => finding.rule.id === 'BIS-CO2')
      .map((finding) => finding.monthlyCostUsd);
    expect(costs).toEqual([32.85, 32.85]);
  });

  test('a VPC without NAT gateways is not reported', () => {
    const app = testApp();
    new ec2.Vpc(new Stack(app, 'Network'), 'Vpc', {
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    expect(findingsFor(evaluateApp(app), 'BIS-CO2')).toEqual([]);
  });

  test('a private NAT gateway is still billed, and the message says so', () => {
    const nat = new ec2.CfnNatGateway(appStack(), 'Nat', {
      subnetId: 'subnet-0123456789abcdef0',
      connectivityType: 'private',
    });
    expect(verdictOf(rule, nat)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^The private NAT gateway \(ConnectivityType private\) is billed .* \$32\.85\/month/,
      ),
    });
  });

  test('a connectivity type chosen by a condition does not change the verdict', () => {
    const stack = appStack();
    new CfnCondition(stack, 'Private', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-1') });
    const nat = new ec2.CfnNatGateway(stack, 'Nat', {
      subnetId: 'subnet-0123456789abcdef0',
      connectivityType: Fn.conditionIf('Private', 'private', 'public').toString(),
    });
    expect(verdictOf(rule, nat)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/^The NAT gateway is billed whether or not traffic flows/),
    });
  });

  test('a scanned template gets the same verdicts', () => {
    expect(
      verdictsOfTemplate(rule, {
        Resources: {
          Public: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: { Ref: 'Subnet' } } },
          Private: { Type: 'AWS::EC2::NatGateway', Properties: { ConnectivityType: 'private' } },
          Empty: { Type: 'AWS::EC2::NatGateway' },
        },
      }),
    ).toEqual({ Public: 'non-compliant', Private: 'non-compliant', Empty: 'non-compliant' });
  });
});
