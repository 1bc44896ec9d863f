import ContractNotCrossStackReference from './ContractNotCrossStackReference';
import DataStoresOnlyInDataPlatform from './DataStoresOnlyInDataPlatform';
import PlatformIndependentOfApplications from './PlatformIndependentOfApplications';
import RetainPlatformData from './RetainPlatformData';
import TrustedDataPlatformStacks from './TrustedDataPlatformStacks';

export { PERSISTENT_DATA_STORE_TYPES } from './data-stores';

/** The DI (data independence) family, in ID order. */
export const DI_RULES = [
  DataStoresOnlyInDataPlatform,
  PlatformIndependentOfApplications,
  ContractNotCrossStackReference,
  RetainPlatformData,
  TrustedDataPlatformStacks,
];
