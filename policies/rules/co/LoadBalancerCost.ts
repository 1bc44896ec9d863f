import { defineRule, nonCompliant } from '../../rule';
import { mayBeAbsent, possibleValues, valueAt } from '../../engine/template-values';
import { ALWAYS_ON_PRICES, alwaysOnCost, type AlwaysOnPrice, monthlyUsd } from './prices';

/** ELBv2 `Type` values and their prices; CloudFormation's default Type is application. */
const V2_PRICES: ReadonlyMap<string, AlwaysOnPrice> = new Map<string, AlwaysOnPrice>([
  ['application', ALWAYS_ON_PRICES.applicationLoadBalancer],
  ['network', ALWAYS_ON_PRICES.networkLoadBalancer],
  ['gateway', ALWAYS_ON_PRICES.gatewayLoadBalancer],
]);

const ALTERNATIVE =
  'For a serverless back end use an API Gateway HTTP API, a Lambda Function URL or CloudFront, billed per request and free when idle.';

export default defineRule(
  __filename,
  {
    id: 'BIS-CO4',
    title: 'Load balancers are avoided in front of serverless',
    rationale:
      'A load balancer is billed every hour it exists, plus capacity units, even when no request arrives; an idle environment still pays it. Request-priced entry points cost nothing at rest.',
    fix: 'Put serverless back ends behind an API Gateway HTTP API (`apigwv2.HttpApi`, AWS::ApiGatewayV2::Api), a Lambda Function URL (`fn.addFunctionUrl()`, AWS::Lambda::Url) or CloudFront (`cloudfront.Distribution`) instead of elbv2.ApplicationLoadBalancer / NetworkLoadBalancer (AWS::ElasticLoadBalancingV2::LoadBalancer) or a classic AWS::ElasticLoadBalancing::LoadBalancer.',
    level: 'warning',
    resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancing::LoadBalancer'],
  },
  (balancer) => {
    if (balancer.type === 'AWS::ElasticLoadBalancing::LoadBalancer') {
      return nonCompliant(
        `The classic load balancer costs ${alwaysOnCost(ALWAYS_ON_PRICES.classicLoadBalancer)}, traffic or not. ${ALTERNATIVE}`,
        undefined,
        { monthlyCostUsd: monthlyUsd(ALWAYS_ON_PRICES.classicLoadBalancer) },
      );
    }
    const typeValue = valueAt(balancer.properties, 'Type');
    const types = [
      ...new Set([...possibleValues(typeValue), ...(mayBeAbsent(typeValue) ? ['application'] : [])]),
    ];
    const priced = types.flatMap((type) => {
      const price = typeof type === 'string' ? V2_PRICES.get(type) : undefined;
      return price ? [{ type: type as string, price }] : [];
    });
    // Any load balancer is billed by the hour: a computed Type only leaves the amount open.
    if (priced.length === 0 || priced.length < types.length) {
      return nonCompliant(
        `The load balancer's Type is computed at deploy time; an application or network load balancer costs ${alwaysOnCost(ALWAYS_ON_PRICES.applicationLoadBalancer)}, traffic or not. ${ALTERNATIVE}`,
        undefined,
        { monthlyCostUsd: monthlyUsd(ALWAYS_ON_PRICES.applicationLoadBalancer) },
      );
    }
    if (priced.length === 1) {
      const [{ type, price }] = priced;
      const shown = typeValue === undefined ? `Type absent, so '${type}'` : `Type '${type}'`;
      return nonCompliant(
        `The ${type} load balancer (${shown}) costs ${alwaysOnCost(price)}, traffic or not. ${ALTERNATIVE}`,
        undefined,
        { monthlyCostUsd: monthlyUsd(price) },
      );
    }
    const costs = priced.map(({ type, price }) => `'${type}' costs ${alwaysOnCost(price)}`);
    // The estimate takes the dearer branch: a budget should not be exceeded by the condition.
    return nonCompliant(
      `The load balancer's Type is an Fn::If: ${costs.join('; ')}, traffic or not. ${ALTERNATIVE}`,
      undefined,
      { monthlyCostUsd: Math.max(...priced.map(({ price }) => monthlyUsd(price))) },
    );
  },
);
