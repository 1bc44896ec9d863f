// The data-lake door: import from here, not from the files behind it.
export * from './zones';
export * from './grants';
export {
  DataLakeQueryOptions,
  DEFAULT_BYTES_SCANNED_CUTOFF_PER_QUERY,
  glueDatabaseNameOf,
  LakeCatalog,
  QUERY_RESULTS_PREFIX,
  workGroupNameOf,
} from './catalog';
export { CONTRACT_VERSION, ContractEntry, contractParameterName, DataLakeContract } from './contract';
export * from './crawler';
export * from './data-lake';
export * from './data-lake-stack';
