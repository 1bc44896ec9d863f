// The package door: `import { BisChecks, BisRole } from 'cdk-bis'`.
export * from './lib/roles';
export * from './policies';
export * from './lib/data-lake';
export * from './lib/serverless';
