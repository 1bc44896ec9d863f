import type { AppIndex, PerUserBudget as Budget } from '../../engine/app-index';
import type { StackInfo } from '../../engine/template-resource';
import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE, type BisRule } from '../../rule';
import InterfaceEndpointCost from './InterfaceEndpointCost';
import LoadBalancerCost from './LoadBalancerCost';
import NatGatewayCost from './NatGatewayCost';
import ProvisionedConcurrencyCost from './ProvisionedConcurrencyCost';
import { formatMonthly, HOURS_PER_MONTH, PRICE_REGION, PRICES_TAKEN_ON } from './prices';

/** The rules that price a resource (their verdicts carry `monthlyCostUsd`): one source of prices. */
const PRICING_RULES: readonly BisRule[] = [
  NatGatewayCost,
  InterfaceEndpointCost,
  LoadBalancerCost,
  ProvisionedConcurrencyCost,
];

/** The always-on floor of a set of deployment units, by resource type. */
interface Floor {
  readonly usd: number;
  readonly byType: ReadonlyMap<string, { readonly count: number; readonly usd: number }>;
}

/** What the whole run needs once: the floor of every unit, and the one unit that carries the finding. */
interface AppFloor {
  readonly units: ReadonlyMap<StackInfo, Floor>;
  /** The scopes compared with the budget: each application (as BIS-BA1 defines them), then the whole app. */
  readonly scopes: readonly { readonly description: string; readonly units: readonly StackInfo[] }[];
  /** The costliest unit with a resource to carry a stack-level finding. */
  readonly target?: StackInfo;
}

/** Per run (keyed by its index): the floor is computed once, from the first unit that asks. */
const APP_FLOORS = new WeakMap<AppIndex, AppFloor>();

export default defineRule(
  __filename,
  {
    id: 'BIS-CO10',
    title: 'The always-on floor stays within the per-user budget',
    rationale:
      'The diktat puts infrastructure at about 10 € per user per month. With `budget: { users, monthlyPerUser, currency, usdPerUnit? }` the pack adds up what the always-on resources cost while idle (the prices of BIS-CO2 to BIS-CO5: NAT gateways, interface endpoints, load balancers, provisioned concurrency), for each application (as BIS-BA1 defines them: a `bis:application` name, a Stage, or the top-level stacks) and for the whole app, divides it by `users` and compares it with `monthlyPerUser`. ' +
      `It is a floor, not a bill: pay-per-use charges (requests, duration, data processed, storage) come on top. Prices are the AWS list prices in ${PRICE_REGION}, in USD, for ${HOURS_PER_MONTH} hours a month, recorded on ${PRICES_TAKEN_ON} (policies/rules/co/prices.ts); a EUR budget is converted with \`usdPerUnit\`. ` +
      'Acknowledged or disabled BIS-CO2 to BIS-CO5 findings still count: the resources are paid for. Over budget is one finding, on the stack that costs most. Without `budget` the rule is not applicable.',
    fix: 'Remove always-on resources, starting with the costliest types the finding lists: VPC endpoints or IPv6 egress instead of NAT gateways (`natGateways: 0`), gateway endpoints for S3 and DynamoDB, API Gateway or Lambda function URLs instead of load balancers, no provisioned concurrency outside peak hours (scheduled Application Auto Scaling). If the budget is wrong, correct `budget` (users, monthlyPerUser, usdPerUnit).',
    level: 'error',
    resourceTypes: ['*'],
    findingsOn: 'stack',
  },
  (resource, index) => {
    const budget = index.settings.budget;
    if (budget === undefined) return NOT_APPLICABLE;
    const unit = resource.stack.deploymentUnit;
    if (resource.stack !== unit || index.stackAnchor(unit) !== resource) return NOT_APPLICABLE;
    let floor = APP_FLOORS.get(index);
    if (!floor) {
      floor = appFloor(index, unit);
      APP_FLOORS.set(index, floor);
    }
    if (floor.target !== unit) return NOT_APPLICABLE;
    const over = floor.scopes.filter(
      (scope) => perUser(sum(floor, scope.units).usd, budget) > budget.monthlyPerUser,
    );
    if (over.length === 0) return COMPLIANT;
    const whole = sum(floor, index.deploymentUnits);
    const breakdown = [...whole.byType]
      .sort(([, a], [, b]) => b.usd - a.usd)
      .map(([type, { count, usd }]) => `${type} ×${count} ${formatMonthly(usd)}`)
      .join(', ');
    const figures = over
      .map((scope) => {
        const usd = sum(floor, scope.units).usd;
        return `${scope.description} costs ${formatMonthly(usd)}, ${money(perUser(usd, budget), budget)} per user`;
      })
      .join('; ');
    return nonCompliant(
      `The always-on floor is over the budget of ${money(budget.monthlyPerUser, budget)} per user per month for ${budget.users} users: ${figures}. ` +
        `By resource type (whole app): ${breakdown}. This stack costs most (${formatMonthly(floor.units.get(unit)?.usd ?? 0)}); pay-per-use charges come on top.`,
    );
  },
);

/** Price every unit once, releasing each unit read (but the one being checked) as the pack does. */
function appFloor(index: AppIndex, current: StackInfo): AppFloor {
  const units = new Map<StackInfo, Floor>();
  const anchored = new Set<StackInfo>();
  for (const unit of index.deploymentUnits) {
    const byType = new Map<string, { count: number; usd: number }>();
    let usd = 0;
    for (const stack of index.deploymentUnitStacks(unit)) {
      for (const resource of index.resourcesOf(stack)) {
        if (index.isMachinery(resource)) continue;
        for (const rule of PRICING_RULES) {
          if (!rule.resourceTypes.includes(resource.type)) continue;
          const verdict = rule.check(resource, index);
          if (verdict.kind !== 'non-compliant' || verdict.monthlyCostUsd === undefined) continue;
          const entry = byType.get(resource.type) ?? { count: 0, usd: 0 };
          byType.set(resource.type, { count: entry.count + 1, usd: entry.usd + verdict.monthlyCostUsd });
          usd += verdict.monthlyCostUsd;
        }
      }
    }
    if (index.stackAnchor(unit) !== undefined) anchored.add(unit);
    units.set(unit, { usd, byType });
    if (unit !== current) index.release(unit);
  }
  const all = index.deploymentUnits;
  const applications = new Map<string, { description: string; units: StackInfo[] }>();
  for (const unit of all) {
    const scope = index.applicationScope(unit);
    const key = scope.name !== undefined ? `name:${scope.name}` : `scope:${scope.scope}`;
    if (!applications.has(key))
      applications.set(key, { description: scope.description, units: index.applicationUnits(unit) });
  }
  const scopes = [
    // An application that is the whole app (top-level stacks) is the whole-app line.
    ...[...applications.values()].filter((application) => application.units.length < all.length),
    { description: 'the whole app', units: all },
  ];
  const target = [...anchored].sort((a, b) => (units.get(b)?.usd ?? 0) - (units.get(a)?.usd ?? 0))[0];
  return { units, scopes, ...(target !== undefined ? { target } : {}) };
}

function sum(floor: AppFloor, units: readonly StackInfo[]): Floor {
  const byType = new Map<string, { count: number; usd: number }>();
  let usd = 0;
  for (const unit of units) {
    const own = floor.units.get(unit);
    if (!own) continue;
    usd += own.usd;
    for (const [type, entry] of own.byType) {
      const total = byType.get(type) ?? { count: 0, usd: 0 };
      byType.set(type, { count: total.count + entry.count, usd: total.usd + entry.usd });
    }
  }
  return { usd, byType };
}

/** The monthly cost per user, in the budget's currency. */
function perUser(usd: number, budget: Budget): number {
  return usd / budget.usdPerUnit / budget.users;
}

function money(amount: number, budget: Budget): string {
  const text = (Math.round(amount * 100) / 100).toFixed(2);
  return budget.currency === 'EUR' ? `€${text}` : `$${text}`;
}
