/*
 * List prices of always-on resources, so that findings (and reports) can say what a resource costs
 * while it sits idle. These are estimates for comparing designs, not bills:
 * - region us-east-1 (US East, N. Virginia), in USD, before free tier, Savings Plans, discounts and tax;
 * - a month is 730 hours (8,760 hours a year / 12), as in the AWS Pricing Calculator;
 * - list prices of the public AWS pricing pages (Amazon VPC, AWS PrivateLink, Elastic Load Balancing,
 *   AWS Lambda, Amazon DynamoDB, AWS Key Management Service), recorded on 2026-11-28. Usage charges (data processed, capacity
 *   units, requests) come on top and are named in `extra`.
 */

export const PRICE_REGION = 'us-east-1';
export const HOURS_PER_MONTH = 730;
export const PRICES_TAKEN_ON = '2026-11-28';

/** The hourly charge of a resource that is billed for as long as it exists. */
export interface AlwaysOnPrice {
  /** What one unit is. */
  readonly unit: string;
  readonly hourlyUsd: number;
  /** The usage charges billed on top, as a message names them ("data processing"). */
  readonly extra: string;
}

/** Seconds in an hour: Lambda prices provisioned concurrency per GB-second. */
const SECONDS_PER_HOUR = 3600;

/** Lambda duration price per GB-second, by architecture (x86_64 is the default). */
export const LAMBDA_GB_SECOND_USD = { x86_64: 0.0000166667, arm64: 0.0000133334 } as const;

export const ALWAYS_ON_PRICES = {
  natGateway: { unit: 'NAT gateway', hourlyUsd: 0.045, extra: 'data processing ($0.045/GB)' },
  interfaceEndpoint: {
    unit: 'interface VPC endpoint per Availability Zone',
    hourlyUsd: 0.01,
    extra: 'data processing ($0.01/GB)',
  },
  gatewayLoadBalancerEndpoint: {
    unit: 'Gateway Load Balancer endpoint',
    hourlyUsd: 0.01,
    extra: 'data processing ($0.0035/GB)',
  },
  applicationLoadBalancer: {
    unit: 'Application Load Balancer',
    hourlyUsd: 0.0225,
    extra: 'LCU-hours ($0.008 each)',
  },
  networkLoadBalancer: {
    unit: 'Network Load Balancer',
    hourlyUsd: 0.0225,
    extra: 'NLCU-hours ($0.006 each)',
  },
  gatewayLoadBalancer: {
    unit: 'Gateway Load Balancer',
    hourlyUsd: 0.0125,
    extra: 'GLCU-hours ($0.004 each)',
  },
  classicLoadBalancer: {
    unit: 'Classic Load Balancer',
    hourlyUsd: 0.025,
    extra: 'data processed ($0.008/GB)',
  },
  provisionedConcurrencyX86: {
    unit: 'GB of Lambda provisioned concurrency on x86_64 ($0.0000041667 per GB-second)',
    hourlyUsd: 0.0000041667 * SECONDS_PER_HOUR,
    extra: 'requests and duration',
  },
  provisionedConcurrencyArm64: {
    unit: 'GB of Lambda provisioned concurrency on arm64 ($0.0000033334 per GB-second)',
    hourlyUsd: 0.0000033334 * SECONDS_PER_HOUR,
    extra: 'requests and duration',
  },
  dynamoDbReadCapacityUnit: {
    unit: 'provisioned DynamoDB read capacity unit',
    hourlyUsd: 0.00013,
    extra: 'storage',
  },
  dynamoDbWriteCapacityUnit: {
    unit: 'provisioned DynamoDB write capacity unit',
    hourlyUsd: 0.00065,
    extra: 'storage',
  },
  // $1/month per key, prorated hourly: reports add the app's keys to its always-on cost.
  kmsKey: {
    unit: 'customer-managed KMS key',
    hourlyUsd: 1 / HOURS_PER_MONTH,
    extra: 'requests ($0.03 per 10,000) and $1/month for each of its first two rotations',
  },
} as const satisfies Record<string, AlwaysOnPrice>;

export type AlwaysOnItem = keyof typeof ALWAYS_ON_PRICES;

/** The monthly list price of `quantity` units (AZs, GB, capacity units) kept on all month. */
export function monthlyUsd(price: AlwaysOnPrice, quantity = 1): number {
  return price.hourlyUsd * HOURS_PER_MONTH * quantity;
}

/** A monthly figure for a message: `$32.85/month`, `$1,095.00/month`. */
// One formatter for the run: `toLocaleString` builds a new Intl formatter on every call.
const USD = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatMonthly(usd: number): string {
  return `$${USD.format(Math.round(usd * 100) / 100)}/month`;
}

/** What a message says about an always-on cost: `about $32.85/month before data processing ($0.045/GB)`. */
export function alwaysOnCost(price: AlwaysOnPrice, quantity = 1): string {
  return `about ${formatMonthly(monthlyUsd(price, quantity))} before ${price.extra}`;
}
