import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { isIntrinsic, mayBeAbsent, possibleValues, valueAt } from '../../engine/template-values';
import { ALWAYS_ON_PRICES, alwaysOnCost, monthlyUsd } from './prices';

/** The endpoint types billed by the hour; gateway endpoints (S3, DynamoDB) are free. */
const BILLED_TYPES = new Set(['Interface', 'GatewayLoadBalancer']);

export default defineRule(
  __filename,
  {
    id: 'BIS-CO3',
    title: 'Interface VPC endpoints are counted',
    rationale:
      'An interface endpoint is billed every hour in every Availability Zone it is placed in, used or not; a handful of services times three AZs times every environment adds up. Gateway endpoints for S3 and DynamoDB cost nothing.',
    fix: 'Prefer gateway endpoints for S3 and DynamoDB (`vpc.addGatewayEndpoint`, VpcEndpointType Gateway), keep Lambda functions that only call AWS APIs out of the VPC, place interface endpoints in fewer subnets (`subnets` on ec2.InterfaceVpcEndpoint, SubnetIds), or share them from one infrastructure VPC.',
    level: 'warning',
    resourceTypes: ['AWS::EC2::VPCEndpoint'],
  },
  (endpoint) => {
    const typeValue = valueAt(endpoint.properties, 'VpcEndpointType');
    // CloudFormation's default VpcEndpointType is Gateway.
    const types = [...possibleValues(typeValue), ...(mayBeAbsent(typeValue) ? ['Gateway'] : [])];
    const billed = types.filter((type): type is string => typeof type === 'string' && BILLED_TYPES.has(type));
    if (billed.length === 0) {
      // A parameter or an unpriced type (Resource, ServiceNetwork) cannot be priced from the table.
      return types.every((type) => type === 'Gateway') ? COMPLIANT : NOT_APPLICABLE;
    }
    const conditional = types.length > 1 ? ' under some condition (Fn::If)' : '';
    if (billed.includes('Interface')) {
      const subnets = valueAt(endpoint.properties, 'SubnetIds');
      // Each subnet is in its own AZ, and each AZ is billed: a literal list can be counted.
      const count = Array.isArray(subnets) && !isIntrinsic(subnets) ? subnets.length : undefined;
      const cost =
        count !== undefined && count > 0
          ? `in ${count} subnet${count > 1 ? 's' : ''} costs ${alwaysOnCost(ALWAYS_ON_PRICES.interfaceEndpoint, count)}`
          : `costs ${alwaysOnCost(ALWAYS_ON_PRICES.interfaceEndpoint)} per Availability Zone (SubnetIds is computed, so the AZs cannot be counted)`;
      return nonCompliant(
        `The VPC endpoint (VpcEndpointType 'Interface'${conditional}) ${cost}. Gateway endpoints (S3, DynamoDB) are free.`,
        undefined,
        { monthlyCostUsd: monthlyUsd(ALWAYS_ON_PRICES.interfaceEndpoint, count && count > 0 ? count : 1) },
      );
    }
    return nonCompliant(
      `The VPC endpoint (VpcEndpointType 'GatewayLoadBalancer'${conditional}) costs ${alwaysOnCost(ALWAYS_ON_PRICES.gatewayLoadBalancerEndpoint)}.`,
      undefined,
      { monthlyCostUsd: monthlyUsd(ALWAYS_ON_PRICES.gatewayLoadBalancerEndpoint) },
    );
  },
);
