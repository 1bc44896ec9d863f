// The data-lake door: import from here, not from the files behind it.
export * from './zones';
export * from './grants';
export { CONTRACT_VERSION, ContractEntry, contractParameterName, DataLakeContract } from './contract';
export * from './data-lake';
export * from './data-lake-stack';
