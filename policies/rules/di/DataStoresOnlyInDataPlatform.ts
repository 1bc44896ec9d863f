import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { holdsApplicationArtifacts, isPartOfAnotherStore, PERSISTENT_DATA_STORE_TYPES } from './data-stores';

export default defineRule(
  __filename,
  {
    id: 'BIS-DI1',
    title: 'Persistent data stores live only in data-platform stacks',
    rationale:
      'A store created by an application stack lives and dies with that application: deleting or rewriting the app takes the data with it, and every other usage must go through the app to reach it. In the data platform the data outlives every application and is shared through one contract. Not judged: buckets that hold the application itself (a BucketDeployment destination, a website bucket, a CodePipeline artifact store), which ship with the application; the TR rules still judge them.',
    fix: "Move the store to a data-platform stack (DataLakeStack, or a stack with `BisRole.of(stack).set('data-platform')`, i.e. the `bis:role` stack tag) and give the application access through `DataLakeContract` and its grants instead of defining the bucket, table or database in the application stack.",
    level: 'error',
    resourceTypes: PERSISTENT_DATA_STORE_TYPES,
  },
  (store, index) => {
    if (store.stack.role === 'data-platform') return COMPLIANT;
    // Cluster members and tables of a database beside them: the parent store carries the finding.
    if (isPartOfAnotherStore(store, index)) return NOT_APPLICABLE;
    // The app's own files (deployed assets, a website, pipeline artifacts) ship with it: not enterprise data.
    if (holdsApplicationArtifacts(store, index)) return NOT_APPLICABLE;
    return nonCompliant(
      `${store.type} is a persistent data store in ${store.stack.role} stack ${store.stack.path}; move it to a data-platform stack (DataLakeStack) and reach it through the contract.`,
    );
  },
);
