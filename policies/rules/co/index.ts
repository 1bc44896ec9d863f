import LogRetention from './LogRetention';
import NatGatewayCost from './NatGatewayCost';
import InterfaceEndpointCost from './InterfaceEndpointCost';
import LoadBalancerCost from './LoadBalancerCost';
import ProvisionedConcurrencyCost from './ProvisionedConcurrencyCost';
import OnDemandCapacity from './OnDemandCapacity';
import PlatformBucketLifecycle from './PlatformBucketLifecycle';
import Arm64Functions from './Arm64Functions';
import CostAllocationTags from './CostAllocationTags';
import PerUserBudget from './PerUserBudget';

export {
  ALWAYS_ON_PRICES,
  HOURS_PER_MONTH,
  LAMBDA_GB_SECOND_USD,
  PRICE_REGION,
  PRICES_TAKEN_ON,
  alwaysOnCost,
  formatMonthly,
  monthlyUsd,
} from './prices';
export type { AlwaysOnItem, AlwaysOnPrice } from './prices';

/** The CO (cost) family, in ID order. */
export const CO_RULES = [
  LogRetention,
  NatGatewayCost,
  InterfaceEndpointCost,
  LoadBalancerCost,
  ProvisionedConcurrencyCost,
  OnDemandCapacity,
  PlatformBucketLifecycle,
  Arm64Functions,
  CostAllocationTags,
  PerUserBudget,
];
