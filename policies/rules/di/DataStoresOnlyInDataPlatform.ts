import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { holdsApplicationArtifacts, isPartOfAnotherStore, PERSISTENT_DATA_STORE_TYPES } from './data-stores';

export default defineRule(
  __filename,
  {
    id: 'BIS-DI1',
    title: 'Persistent data stores live only in data-platform stacks',
    rationale:
      'A store created by an application stack lives and dies with that application: deleting or rewriting the app takes the data with it, and every other usage must go through the app to reach it. In the data platform the data outlives every application and is shared through one contract. Not judged: buckets that hold the application itself (a BucketDeployment destination, a website bucket, a CodePipeline artifact store, or the S3 origin of a CloudFront distribution in the same stack whose bucket policy lets only CloudFront read it: an OAC `cloudfront.amazonaws.com` principal confined by `AWS:SourceArn` to that distribution, or an origin access identity), which ship with the application; the TR rules still judge them. An origin bucket stays judged when anything else uses it as data: another principal in its bucket policy, CloudFront allowed to write (uploads through the distribution), an identity policy of the stack that names it, event notifications, or lifecycle rules that expire or transition objects.',
    fix: "Move the store to a data-platform stack and reach it through the lake's contract. A DynamoDB table: declare it in the DataLakeStack with `lake.addTable('Orders', { tableName: 'orders', partitionKey })`, then in the application `DataLake.fromLakeName(this, 'Lake', '<lakeName>').table('orders').grantReadWriteData(fn)`. Files (uploads, documents, media): drop the bucket, write them to the landing zone with `lake.grantWrite(fn, { kinds: ['documents'] })` (bucket `lake.zoneBucketName('landing')`, prefix `lake.prefix('documents')`) and read curated data with `lake.grantRead(fn, { zones: ['curated'], kinds })`. Any other store: a stack with `BisRole.of(stack).set('data-platform')` (the `bis:role` stack tag). Deploy the application after the lake: `applicationStack.addStackDependency(lakeStack)` is an ordering, not a cross-stack reference.",
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
      `${store.type} is a persistent data store in ${store.stack.role} stack ${store.stack.path}; ${wayOut(store.type)}`,
    );
  },
);

/** What to do instead, by the kind of store: tables and files have a place in the lake. */
function wayOut(type: string): string {
  if (type.startsWith('AWS::DynamoDB::') || type === 'AWS::Serverless::SimpleTable') {
    return "declare the table in the DataLakeStack with lake.addTable('<Id>', { tableName, partitionKey }) and reach it with DataLake.fromLakeName(this, 'Lake', '<lakeName>').table('<tableName>') and its grants.";
  }
  if (type === 'AWS::S3::Bucket') {
    return "keep files in the lake instead: DataLake.fromLakeName(this, 'Lake', '<lakeName>').grantWrite(fn, { kinds }) for uploads to the landing zone, grantRead for curated data.";
  }
  return 'move it to a data-platform stack (DataLakeStack) and reach it through the contract.';
}
