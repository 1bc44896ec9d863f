/*
 * The IAM actions the lake grants and the ARNs it grants them on, as aws-s3 keeps its perms.ts:
 * one list per purpose, each named after what its holder does.
 */
import { ArnFormat, type Stack } from 'aws-cdk-lib';

/** Catalog reads: enough for Athena to plan a query, nothing that changes the catalog. */
export const GLUE_READ_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetDatabases',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetPartition',
  'glue:GetPartitions',
];

/** What a query runner does in its workgroup. */
export const ATHENA_QUERY_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
  'athena:GetWorkGroup',
];

/** The S3 object action of a reader. */
export const READ_OBJECT_ACTIONS = ['s3:GetObject'];

/** The S3 object actions of a writer: multipart uploads are aborted by the writer, not only by lifecycle. */
export const WRITE_OBJECT_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload'];

/** The lake key for a reader, through S3. */
export const KEY_READ_ACTIONS = ['kms:Decrypt'];

/** The lake key for a writer, through S3: Decrypt too, S3 decrypts the parts of a multipart upload to complete it. */
export const KEY_WRITE_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];

/**
 * What the account's administrators do with the lake key; none of it reads or writes data. Not
 * `kms:Create*`: it includes kms:CreateGrant, which would let a principal grant itself Decrypt.
 */
export const KEY_ADMINISTRATION_ACTIONS = [
  'kms:CreateAlias',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/** Cryptographic use of the lake key, which S3 and DynamoDB perform for the principals the lake grants. */
export const KEY_USE_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

/** DynamoDB keeps a grant on a table's key to use it between requests; only for AWS resources. */
export const KEY_GRANT_ACTIONS = ['kms:CreateGrant'];

/** Table reads, as aws-dynamodb's perms.ts lists them. */
export const TABLE_READ_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];

/** Table writes of a grantee, as aws-dynamodb's perms.ts lists them. */
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
];

/** Every data write a table's resource policy denies to principals that are not its writers (PartiQL too). */
export const TABLE_DENIED_WRITE_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

/** Stream reads on the stream ARN; dynamodb:ListStreams has no resource-level permission. */
export const TABLE_STREAM_READ_ACTIONS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
];

/** The table key for a table reader, through DynamoDB; no wildcard actions (cdk-nag AwsSolutions-IAM5). */
export const TABLE_KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];

/** The table key for a table writer, through DynamoDB. */
export const TABLE_KEY_WRITE_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
];

/** Every object write a zone's bucket policy denies to principals that are not its writers. */
export const ZONE_DENIED_WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'];

/** Catalog reads a crawler makes before it writes: its database, the tables and partitions it compares. */
export const CRAWLER_CATALOG_READ_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
];

/** Catalog writes of a crawler: create and update only; no glue:Delete*, a crawler never deletes a table. */
export const CRAWLER_CATALOG_WRITE_ACTIONS = [
  'glue:CreateTable',
  'glue:UpdateTable',
  'glue:CreatePartition',
  'glue:BatchCreatePartition',
  'glue:UpdatePartition',
  'glue:BatchUpdatePartition',
];

/** What Glue does with the crawler's log group, as the crawler's role; AssociateKmsKey applies the security configuration. */
export const CRAWLER_LOG_ACTIONS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'logs:AssociateKmsKey',
];

/** What CloudWatch Logs does with the lake key for an encrypted log group (CloudWatch Logs and Glue docs). */
export const LOGS_KEY_ACTIONS = [
  'kms:Encrypt*',
  'kms:Decrypt*',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:Describe*',
];

/**
 * The `kms:ViaService` value of S3 in the stack's Region: the lake key is used only through S3, and
 * SSM contracts are Regional, so lake and applications share a Region.
 */
export function s3ViaService(stack: Stack): string {
  return `s3.${stack.region}.amazonaws.com`;
}

/** The `kms:ViaService` value of DynamoDB in the stack's Region: the lake key encrypts the lake's tables. */
export function dynamodbViaService(stack: Stack): string {
  return `dynamodb.${stack.region}.amazonaws.com`;
}

/** The objects under a key prefix (with its trailing slash) of a bucket: `<bucketArn>/<prefix>*`. */
export function objectsUnder(bucketArn: string, prefix: string): string {
  return `${bucketArn}/${prefix}*`;
}

/**
 * The condition that lets `s3:ListBucket` list only inside the prefixes given (each with its trailing
 * slash): `s3:prefix` is the `prefix` parameter of ListObjects(V2), so a list of the whole bucket
 * (no prefix) or of any other prefix fails it and is denied.
 */
export function listOnlyUnder(prefixes: readonly string[]): { StringLike: { 's3:prefix': string[] } } {
  return { StringLike: { 's3:prefix': prefixes.flatMap((prefix) => [`${prefix}*`, prefix]) } };
}

/** What Glue authorizes a table request on: the account's catalog, the databases given, and their tables. */
export function glueCatalogArns(stack: Stack, databaseNames: readonly string[]): string[] {
  return [
    stack.formatArn({ service: 'glue', resource: 'catalog', arnFormat: ArnFormat.NO_RESOURCE_NAME }),
    ...databaseNames.map((database) =>
      stack.formatArn({ service: 'glue', resource: 'database', resourceName: database }),
    ),
    ...databaseNames.map((database) =>
      stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${database}/*` }),
    ),
  ];
}

/** The ARN of an Athena workgroup of the stack's account and Region. */
export function athenaWorkGroupArn(stack: Stack, workGroupName: string): string {
  return stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: workGroupName });
}

/** The ARN pattern of the account's Glue crawler log groups (and, through the wildcard, their streams). */
export function crawlerLogGroupsArn(stack: Stack): string {
  return stack.formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: '/aws-glue/crawlers*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
