import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { MemoKey, type AppIndex } from '../../engine/app-index';
import { type StackInfo, type TemplateResource } from '../../engine/template-resource';
import {
  isObject,
  listAt,
  literalBoolean,
  literalString,
  possibleValues,
  referencedLogicalId,
  valueAt,
} from '../../engine/template-values';
import { isClusterMember, PERSISTENT_DATA_STORE_TYPES } from '../di/data-stores';
import { keyOwnership } from './key-ownership';
import { allows, literalsOf, parsedJson, statementsOf } from './policy-statements';

/** How to encrypt each kind of store with a customer-managed key: RULES.md lists all, a finding its own. */
const FIXES = {
  s3: 's3.Bucket `encryption: s3.BucketEncryption.KMS, encryptionKey` (BucketEncryption SSEAlgorithm aws:kms + KMSMasterKeyID)',
  dynamodb:
    'dynamodb `encryption: TableEncryption.CUSTOMER_MANAGED` / `TableEncryptionV2.customerManagedKey(key)` (SSESpecification KMSMasterKeyId)',
  rds: 'rds/docdb/neptune `storageEncryptionKey` (StorageEncrypted + KmsKeyId)',
  efs: 'efs `kmsKey` (KmsKeyId)',
  opensearch:
    'opensearch `encryptionAtRest: { enabled: true, kmsKey }` (EncryptionAtRestOptions KmsKeyId); OpenSearch Serverless an encryption SecurityPolicy with KmsARN',
  timestream: 'Timestream `KmsKeyId`',
  fsx: 'fsx `kmsKey` (KmsKeyId)',
  backup: 'backup.BackupVault `encryptionKey` (EncryptionKeyArn)',
} as const;

/** The types each fix is for. */
const FIX_TYPES: Readonly<Record<keyof typeof FIXES, readonly string[]>> = {
  s3: ['AWS::S3::Bucket'],
  dynamodb: ['AWS::DynamoDB::Table', 'AWS::Serverless::SimpleTable', 'AWS::DynamoDB::GlobalTable'],
  rds: [
    'AWS::RDS::DBInstance',
    'AWS::RDS::DBCluster',
    'AWS::DocDB::DBCluster',
    'AWS::DocDB::DBInstance',
    'AWS::DocDBElastic::Cluster',
    'AWS::Neptune::DBCluster',
    'AWS::Neptune::DBInstance',
  ],
  efs: ['AWS::EFS::FileSystem'],
  opensearch: [
    'AWS::OpenSearchService::Domain',
    'AWS::Elasticsearch::Domain',
    'AWS::OpenSearchServerless::Collection',
  ],
  timestream: ['AWS::Timestream::Database'],
  fsx: ['AWS::FSx::FileSystem'],
  backup: ['AWS::Backup::BackupVault'],
};

/** A store's encryption: by a customer-managed key, not this rule's business, or a problem to report. */
type Judgement = 'customer-managed' | 'not-applicable' | { readonly problem: string };

type Judge = (store: TemplateResource, index: AppIndex) => Judgement;

export default defineRule(
  __filename,
  {
    id: 'BIS-TR1',
    title: 'Data stores are encrypted with a customer-managed KMS key',
    rationale:
      "With an AWS-owned or AWS-managed key, AWS decides who may decrypt the data and the enterprise can neither revoke access, audit every use in its own key policy, nor crypto-shred a store. A customer-managed key makes the enterprise the owner of its data's confidentiality. A finding is an error in data-platform stacks (the lake's data) and a warning elsewhere.",
    fix: `Encrypt with a kms.Key you own: ${Object.values(FIXES).join('; ')}.`,
    fixes: Object.fromEntries(
      (Object.keys(FIX_TYPES) as (keyof typeof FIXES)[]).flatMap((kind) =>
        FIX_TYPES[kind].map((type) => [type, `Encrypt with a kms.Key you own: ${FIXES[kind]}.`]),
      ),
    ),
    level: 'error',
    resourceTypes: [...new Set([...PERSISTENT_DATA_STORE_TYPES, ...FIX_TYPES.fsx, ...FIX_TYPES.backup])],
  },
  (store, index) => {
    const judge = JUDGES[store.type];
    const judgement = judge ? judge(store, index) : 'not-applicable';
    if (judgement === 'not-applicable') return NOT_APPLICABLE;
    if (judgement === 'customer-managed') return COMPLIANT;
    return nonCompliant(judgement.problem, store.stack.role === 'data-platform' ? 'error' : 'warning');
  },
);

const CMK: Judgement = 'customer-managed';

/** A flag that turns encryption on: a literal true, or a problem naming the property. */
function encryptionFlag(value: unknown, property: string, whenOff: string): { problem: string } | undefined {
  if (value === undefined) return { problem: `${property} is not set, so ${whenOff}.` };
  const literal = literalBoolean(value);
  // Computed at deploy time (a Condition, a parameter): encryption cannot be proven, so fail closed.
  if (literal === undefined)
    return { problem: `${property} is computed at deploy time; it must be the literal true.` };
  return literal ? undefined : { problem: `${property} is false, so ${whenOff}.` };
}

/** The key a property names, judged; awsDefault names the key AWS uses when none is given. */
function keyJudgement(
  value: unknown,
  store: TemplateResource,
  index: AppIndex,
  property: string,
  awsDefault: string,
) {
  const ownership = keyOwnership(value, store, index, property, `${awsDefault} is used`);
  return ownership.owner === 'customer' ? CMK : { problem: `${ownership.why}, not a customer-managed key.` };
}

/** StorageEncrypted + KmsKeyId: RDS, DocumentDB and Neptune clusters and standalone instances. */
function storageEncrypted(awsDefault: string): Judge {
  return (store, index) => {
    if (isClusterMember(store)) return 'not-applicable'; // The cluster holds the key and is judged instead.
    // A read replica inherits its source's key unless it names one; the source carries the finding.
    if (
      store.properties.SourceDBInstanceIdentifier !== undefined &&
      store.properties.KmsKeyId === undefined
    ) {
      return 'not-applicable';
    }
    const off = encryptionFlag(
      store.properties.StorageEncrypted,
      'StorageEncrypted',
      'the storage is not encrypted',
    );
    return off ?? keyJudgement(store.properties.KmsKeyId, store, index, 'KmsKeyId', awsDefault);
  };
}

/** DynamoDB SSESpecification (the SAM SimpleTable passes it through unchanged). */
const dynamoDbTable: Judge = (table, index) => {
  const sse = table.properties.SSESpecification;
  const owned = 'DynamoDB encrypts with an AWS-owned key';
  const off = encryptionFlag(valueAt(sse, 'SSEEnabled'), 'SSESpecification.SSEEnabled', owned);
  if (off) return off;
  const type = valueAt(sse, 'SSEType');
  if (type !== undefined && literalString(type) !== 'KMS') {
    const shown = literalString(type) === undefined ? 'computed at deploy time' : `'${literalString(type)}'`;
    return { problem: `SSESpecification.SSEType is ${shown}; it must be 'KMS' with a customer-managed key.` };
  }
  return keyJudgement(
    valueAt(sse, 'KMSMasterKeyId'),
    table,
    index,
    'SSESpecification.KMSMasterKeyId',
    'the AWS-managed key aws/dynamodb',
  );
};

/** A global table: KMS at the table level, the key per replica (each Region has its own key). */
const dynamoDbGlobalTable: Judge = (table, index) => {
  const sse = table.properties.SSESpecification;
  const owned = 'DynamoDB encrypts with an AWS-owned key';
  const off = encryptionFlag(valueAt(sse, 'SSEEnabled'), 'SSESpecification.SSEEnabled', owned);
  if (off) return off;
  const replicas = table.properties.Replicas;
  if (!Array.isArray(replicas)) {
    // Computed replicas cannot be read, so no key can be proven (fail closed).
    return {
      problem:
        'Replicas is absent or computed at deploy time; every replica must name a customer-managed key.',
    };
  }
  for (const [position, replica] of replicas.entries()) {
    const region = literalString(valueAt(replica, 'Region')) ?? `#${position + 1}`;
    const judgement = keyJudgement(
      valueAt(replica, 'SSESpecification', 'KMSMasterKeyId'),
      table,
      index,
      `Replicas[${region}].SSESpecification.KMSMasterKeyId`,
      'the AWS-managed key aws/dynamodb',
    );
    if (judgement !== CMK) return judgement;
  }
  return CMK;
};

const s3Bucket: Judge = (bucket, index) => {
  // AWS delivers server access logs only to SSE-S3 buckets, so a log target cannot use a customer-managed key.
  if (isAccessLogTarget(bucket, index)) return 'not-applicable';
  const encryption = bucket.properties.BucketEncryption;
  if (encryption === undefined) {
    return {
      problem:
        'BucketEncryption is not set, so S3 encrypts with SSE-S3, a key owned by AWS, not a customer-managed key.',
    };
  }
  const rules = listAt(encryption, 'ServerSideEncryptionConfiguration');
  const byDefault = valueAt(rules[0], 'ServerSideEncryptionByDefault');
  const algorithm = valueAt(byDefault, 'SSEAlgorithm');
  const literal = literalString(algorithm);
  if (literal === undefined) {
    // Computed at deploy time (a Condition, a parameter) or unreadable: SSE-KMS cannot be proven, so fail closed.
    return {
      problem:
        'BucketEncryption SSEAlgorithm is absent or computed at deploy time; it must be the literal aws:kms.',
    };
  }
  if (literal !== 'aws:kms' && literal !== 'aws:kms:dsse') {
    return {
      problem: `BucketEncryption SSEAlgorithm is '${literal}' (a key owned by AWS), not aws:kms with a customer-managed key.`,
    };
  }
  return keyJudgement(
    valueAt(byDefault, 'KMSMasterKeyID'),
    bucket,
    index,
    'BucketEncryption KMSMasterKeyID',
    'the AWS-managed key aws/s3',
  );
};

const encryptedFileSystem: Judge = (fs, index) =>
  encryptionFlag(fs.properties.Encrypted, 'Encrypted', 'the file system is not encrypted') ??
  keyJudgement(fs.properties.KmsKeyId, fs, index, 'KmsKeyId', 'the AWS-managed key aws/elasticfilesystem');

const searchDomain: Judge = (domain, index) => {
  const options = domain.properties.EncryptionAtRestOptions;
  return (
    encryptionFlag(
      valueAt(options, 'Enabled'),
      'EncryptionAtRestOptions.Enabled',
      'the domain is not encrypted at rest',
    ) ??
    keyJudgement(
      valueAt(options, 'KmsKeyId'),
      domain,
      index,
      'EncryptionAtRestOptions.KmsKeyId',
      'the AWS-managed key aws/es',
    )
  );
};

/** A key property on a store that is always encrypted: its absence means an AWS-owned or AWS-managed key. */
function keyProperty(property: string, awsDefault: string): Judge {
  return (store, index) => keyJudgement(store.properties[property], store, index, property, awsDefault);
}

/** OpenSearch Serverless collections take their key from an encryption security policy naming them. */
const serverlessCollection: Judge = (collection, index) => {
  const name = literalString(collection.properties.Name);
  if (name === undefined) {
    return {
      problem:
        'Name is computed at deploy time, so no encryption security policy can be matched to the collection.',
    };
  }
  const policies = collectionEncryptionPolicies(index, collection.stack).filter(({ patterns }) =>
    patterns.some((pattern) => pattern.test(name)),
  );
  if (policies.length === 0) {
    return {
      problem: `No AWS::OpenSearchServerless::SecurityPolicy of Type encryption in the stack covers collection '${name}'.`,
    };
  }
  const awsOwned = policies.find((policy) => !policy.customerKey);
  return awsOwned
    ? {
        problem: `The encryption security policy ${awsOwned.logicalId} covering '${name}' uses an AWS-owned key (AWSOwnedKey), not KmsARN.`,
      }
    : CMK;
};

const notApplicable: Judge = () => 'not-applicable';

const JUDGES: Record<string, Judge> = {
  'AWS::S3::Bucket': s3Bucket,
  'AWS::DynamoDB::Table': dynamoDbTable,
  'AWS::Serverless::SimpleTable': dynamoDbTable,
  'AWS::DynamoDB::GlobalTable': dynamoDbGlobalTable,
  'AWS::RDS::DBInstance': storageEncrypted('the AWS-managed key aws/rds'),
  'AWS::RDS::DBCluster': storageEncrypted('the AWS-managed key aws/rds'),
  'AWS::DocDB::DBCluster': storageEncrypted('the AWS-managed key aws/rds'),
  'AWS::DocDB::DBInstance': storageEncrypted('the AWS-managed key aws/rds'),
  'AWS::Neptune::DBCluster': storageEncrypted('the AWS-managed key aws/rds'),
  'AWS::Neptune::DBInstance': storageEncrypted('the AWS-managed key aws/rds'),
  'AWS::DocDBElastic::Cluster': keyProperty('KmsKeyId', 'an AWS-owned key'),
  'AWS::EFS::FileSystem': encryptedFileSystem,
  'AWS::OpenSearchService::Domain': searchDomain,
  'AWS::Elasticsearch::Domain': searchDomain,
  'AWS::OpenSearchServerless::Collection': serverlessCollection,
  'AWS::Timestream::Database': keyProperty('KmsKeyId', 'the AWS-managed key aws/timestream'),
  // Every FSx file system is encrypted at rest; without KmsKeyId, with the AWS-managed key aws/fsx.
  'AWS::FSx::FileSystem': keyProperty('KmsKeyId', 'the AWS-managed key aws/fsx'),
  // Backups hold copies of the data: a vault without EncryptionKeyArn uses the AWS-managed key aws/backup.
  'AWS::Backup::BackupVault': keyProperty('EncryptionKeyArn', 'the AWS-managed key aws/backup'),
  // A Timestream table is encrypted with its database's key; the database is judged.
  'AWS::Timestream::Table': notApplicable,
  // The Glue Data Catalog is encrypted per account and Region (AWS::Glue::DataCatalogEncryptionSettings), not per database or table.
  'AWS::Glue::Database': notApplicable,
  'AWS::Glue::Table': notApplicable,
};

/** The memo of `accessLogTargets`: one per stack and run. */
const ACCESS_LOG_TARGETS = new MemoKey<Set<string>>('tr-access-log-targets');

/**
 * Buckets of the stack that receive S3 server access logs: named by another bucket's
 * LoggingConfiguration.DestinationBucketName, or opened to `logging.s3.amazonaws.com` by a bucket
 * policy. Logical IDs and literal bucket names.
 */
function accessLogTargets(index: AppIndex, stack: StackInfo): Set<string> {
  return index.memo(ACCESS_LOG_TARGETS, stack, () => {
    const targets = new Set<string>();
    const add = (value: unknown) => {
      for (const branch of possibleValues(value)) {
        const target = referencedLogicalId(branch) ?? literalString(branch);
        if (target) targets.add(target);
      }
    };
    for (const bucket of index.resourcesOfType(stack, 'AWS::S3::Bucket')) {
      add(valueAt(bucket.properties, 'LoggingConfiguration', 'DestinationBucketName'));
    }
    for (const policy of index.resourcesOfType(stack, 'AWS::S3::BucketPolicy')) {
      const logDelivery = statementsOf(policy.properties.PolicyDocument).some(
        ({ statement }) =>
          allows(statement) &&
          literalsOf(valueAt(statement, 'Principal', 'Service')).includes('logging.s3.amazonaws.com'),
      );
      if (logDelivery) add(policy.properties.Bucket);
    }
    return targets;
  });
}

function isAccessLogTarget(bucket: TemplateResource, index: AppIndex): boolean {
  // The legacy way to let S3 deliver access logs: the LogDeliveryWrite canned ACL.
  if (literalString(bucket.properties.AccessControl) === 'LogDeliveryWrite') return true;
  const targets = accessLogTargets(index, bucket.stack);
  const name = literalString(bucket.properties.BucketName);
  return targets.has(bucket.logicalId) || (name !== undefined && targets.has(name));
}

interface CollectionEncryptionPolicy {
  readonly logicalId: string;
  readonly patterns: RegExp[];
  readonly customerKey: boolean;
}

/** The memo of `collectionEncryptionPolicies`: one per stack and run. */
const COLLECTION_ENCRYPTION_POLICIES = new MemoKey<CollectionEncryptionPolicy[]>(
  'tr-opensearch-serverless-encryption-policies',
);

/** The stack's encryption security policies for OpenSearch Serverless, with the collection patterns they cover. */
function collectionEncryptionPolicies(index: AppIndex, stack: StackInfo): CollectionEncryptionPolicy[] {
  return index.memo(COLLECTION_ENCRYPTION_POLICIES, stack, () => {
    const found: CollectionEncryptionPolicy[] = [];
    for (const policy of index.resourcesOfType(stack, 'AWS::OpenSearchServerless::SecurityPolicy')) {
      if (literalString(policy.properties.Type) !== 'encryption') continue;
      const text = literalString(policy.properties.Policy);
      const document = text === undefined ? undefined : parsedJson(text);
      if (!isObject(document)) continue;
      const patterns = listAt(document, 'Rules')
        .filter((rule) => valueAt(rule, 'ResourceType') === 'collection')
        .flatMap((rule) => literalsOf(valueAt(rule, 'Resource')))
        .filter((resource) => resource.startsWith('collection/'))
        .map((resource) => globPattern(resource.slice('collection/'.length)));
      const customerKey =
        document.AWSOwnedKey !== true && typeof document.KmsARN === 'string' && document.KmsARN !== '';
      found.push({ logicalId: policy.logicalId, patterns, customerKey });
    }
    return found;
  });
}

function globPattern(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}
