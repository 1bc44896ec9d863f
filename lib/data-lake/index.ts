// The data-lake door: the public API, and only that. Import from here, not from the files behind it.
export { ALLOW_DATA_DESTRUCTION_CONTEXT } from './destruction-gate';
export {
  isKind,
  isTabularKind,
  isZone,
  type Kind,
  KINDS,
  LAKE_SERVICE_PREFIXES,
  TABULAR_KINDS,
  type TabularKind,
  type Zone,
  ZONES,
} from './zones';
export type {
  DataLakePrefixAccess,
  DataLakePrefixOptions,
  DataLakeReadOptions,
  DataLakeWriteOptions,
  IDataLake,
} from './data-lake-base';
export {
  DataLake,
  type DataLakeProps,
  type DataLakeWriters,
  type LakeBucketNames,
  type RawObjectLock,
} from './data-lake';
export type { ILakeTable } from './lake-table-base';
export { LakeTable, type LakeTableOptions, type LakeTableProps } from './lake-table';
export { BIS_LAKE_WRITER_TAG, LakeWriters, type LakeWritersOptions } from './writers';
export { DataLakeStack, type DataLakeStackProps } from './data-lake-stack';
export { CONTRACT_VERSION, ContractEntry, contractParameterName, DataLakeContract } from './contract';
export {
  type DataLakeQueryOptions,
  DEFAULT_BYTES_SCANNED_CUTOFF_PER_QUERY,
  glueDatabaseNameOf,
  LakeCatalog,
  type LakeCatalogProps,
  QUERY_RESULTS_PREFIX,
  workGroupNameOf,
} from './catalog';
export { type ICrawlableLake, LakeCrawler, type LakeCrawlerOptions, type LakeCrawlerProps } from './crawler';
// The tag keys DataLakeStack writes; defined once, with the rules that read them.
export { BIS_COST_CENTER_TAG, BIS_OWNER_TAG } from '../../policies/marks';
