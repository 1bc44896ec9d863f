import { defineRule, nonCompliant } from '../../rule';
import { literalString } from '../../engine/template-values';
import { ALWAYS_ON_PRICES, alwaysOnCost, monthlyUsd } from './prices';

export default defineRule(
  __filename,
  {
    id: 'BIS-CO2',
    title: 'NAT gateways are avoided',
    rationale:
      'A NAT gateway is billed every hour it exists, traffic or not (one per AZ in a default CDK VPC), and every GB through it pays a processing charge on top of data transfer. Serverless functions rarely need one.',
    fix: 'Reach AWS services through VPC endpoints (free gateway endpoints for S3 and DynamoDB: `vpc.addGatewayEndpoint`), use IPv6 with an egress-only internet gateway, or keep Lambda functions out of the VPC; with ec2.Vpc set `natGateways: 0` (no AWS::EC2::NatGateway).',
    level: 'warning',
    resourceTypes: ['AWS::EC2::NatGateway'],
  },
  // Every NAT gateway is billed, public or private, so the connectivity type only changes the wording.
  (nat) => {
    const connectivity = literalString(nat.properties.ConnectivityType);
    const subject =
      connectivity === 'private' ? 'The private NAT gateway (ConnectivityType private)' : 'The NAT gateway';
    return nonCompliant(
      `${subject} is billed whether or not traffic flows: ${alwaysOnCost(ALWAYS_ON_PRICES.natGateway)}. Use VPC endpoints, IPv6 egress-only, or Lambda functions outside the VPC instead.`,
      undefined,
      { monthlyCostUsd: monthlyUsd(ALWAYS_ON_PRICES.natGateway) },
    );
  },
);
