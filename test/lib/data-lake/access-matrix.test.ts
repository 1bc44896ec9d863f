/*
 * The lake's access matrix: who may do what, decided by an IAM policy
 * simulator over the policies CDK synthesizes. The lake's bucket and key policies come from the
 * DataLakeStack template, the grantees' identity policies from an application stack that reaches the
 * lake only through its SSM contract. Both are synthesized on every run, never snapshotted.
 */
import { type CfnElement, Stack, Tags } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  type AnonymousRequestPrincipal,
  anonymousPrincipal,
  type EvaluationResult,
  type SimulationIdentityPolicy,
} from '@cloud-copilot/iam-simulate';
import type { IConstruct } from 'constructs';
import {
  BIS_LAKE_WRITER_TAG,
  DataLakeContract,
  DataLakeStack,
  KINDS,
  type LakeTable,
  LakeWriters,
  ZONES,
} from '../../../lib/data-lake';
import { lakeApp } from './lake-fixture';
import {
  ACCOUNT_ID,
  ACCOUNT_ROOT_ARN,
  ACCOUNT_ROOT_AUTHORITY,
  KEY_ARN,
  PARTITION,
  type PolicyDocument,
  REGION,
  ResolvedTemplate,
  simulateAccess,
} from './policy-simulation';

/** Who makes the request. Every grantee is a role of the application stack. */
type Principal =
  | 'anonymous'
  | 'reader'
  | 'writer'
  | 'curate'
  | 'self-curate'
  | 'query'
  | 'admin'
  | 'root'
  | 'table-reader'
  | 'table-writer'
  | 'ledger-self-writer';

/** What the request names: a bucket (optionally `/<object key>`), the lake key or the workgroup. */
type Target =
  | (typeof ZONES)[number]
  | 'query-results'
  | 'access-logs'
  | 'lake-key'
  | 'workgroup'
  | 'orders-table'
  | 'ledger-table';

/** `Denied` accepts an implicit or an explicit deny; `ExplicitlyDenied` is for rows about a Deny statement. */
type Expected = 'Allowed' | 'Denied' | 'ExplicitlyDenied';

type Context = Record<string, string>;

/** One cell: principal, action, resource (`<target>` or `<target>/<key>`), expected, extra request context. */
type CellSpec = readonly [Principal, string, string, Expected, Context?];

interface Cell {
  readonly row: string;
  readonly principal: Principal;
  readonly action: string;
  readonly resource: string;
  readonly expected: Expected;
  readonly context: Context;
  readonly name: string;
}

const OTHER_KEY_ARN = `arn:${PARTITION}:kms:${REGION}:${ACCOUNT_ID}:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`;
const VIA_S3: Context = { 'kms:ViaService': `s3.${REGION}.amazonaws.com` };
const VIA_DYNAMODB: Context = { 'kms:ViaService': `dynamodb.${REGION}.amazonaws.com` };
const FOR_AWS_RESOURCE: Context = { 'kms:GrantIsForAWSResource': 'true' };
const WITHOUT_TLS: Context = { 'aws:SecureTransport': 'false' };
const TLS_1_1: Context = { 's3:TlsVersion': '1.1' };
const SSE = 's3:x-amz-server-side-encryption';
const SSE_LAKE_KEY: Context = { [SSE]: 'aws:kms', [`${SSE}-aws-kms-key-id`]: KEY_ARN };
const SSE_OTHER_KEY: Context = { [SSE]: 'aws:kms', [`${SSE}-aws-kms-key-id`]: OTHER_KEY_ARN };
/** `aws:kms` without a key ID: S3 uses the AWS-managed aws/s3 key. */
const SSE_AWS_MANAGED_KEY: Context = { [SSE]: 'aws:kms' };
const SSE_S3: Context = { [SSE]: 'AES256' };
const DSSE_KMS: Context = { [SSE]: 'aws:kms:dsse' };
const prefix = (value: string): Context => ({ 's3:prefix': value });

const CURATED_ORDERS = 'curated/structured/orders/year=2025/part-0.parquet';
const RAW_ORDERS = 'raw/structured/orders/year=2025/part-0.parquet';
const LANDING_REPORT = 'landing/documents/report.docx';
const QUERY_RESULT = 'query-results/results/query-1.csv';
const LAKE_BUCKETS = [...ZONES, 'query-results', 'access-logs'] as const;

/** The context a cell adds, with key ARNs named rather than spelled out. */
function describeContext(context: Context): string {
  const names: Record<string, string> = { [KEY_ARN]: '<lake key>', [OTHER_KEY_ARN]: '<another key>' };
  return Object.entries(context)
    .map(([key, value]) => `${key}=${names[value] ?? value}`)
    .join(' ');
}

function row(label: string, specs: readonly CellSpec[]): Cell[] {
  return specs.map(([principal, action, resource, expected, context = {}]) => {
    const conditions = describeContext(context);
    return {
      row: label,
      principal,
      action,
      resource,
      expected,
      context,
      name: `${label}: ${principal} ${action} ${resource}${conditions ? ` ${conditions}` : ''} is ${expected}`,
    };
  });
}

const MATRIX: Cell[] = [
  ...row('anonymous', [
    ...ZONES.flatMap((zone): CellSpec[] => [
      ['anonymous', 's3:GetObject', `${zone}/structured/orders.csv`, 'Denied'],
      ['anonymous', 's3:PutObject', `${zone}/structured/orders.csv`, 'Denied'],
      ['anonymous', 's3:DeleteObject', `${zone}/structured/orders.csv`, 'Denied'],
      ['anonymous', 's3:ListBucket', zone, 'Denied'],
    ]),
    ['anonymous', 's3:GetObject', QUERY_RESULT, 'Denied'],
    ['anonymous', 'kms:Decrypt', 'lake-key', 'Denied'],
    ['anonymous', 'kms:Decrypt', 'lake-key', 'Denied', VIA_S3],
  ]),
  ...row('no TLS', [
    ['reader', 's3:GetObject', CURATED_ORDERS, 'ExplicitlyDenied', WITHOUT_TLS],
    ['reader', 's3:ListBucket', 'curated', 'ExplicitlyDenied', { ...WITHOUT_TLS, ...prefix('structured/') }],
    ['writer', 's3:PutObject', LANDING_REPORT, 'ExplicitlyDenied', WITHOUT_TLS],
    ['curate', 's3:PutObject', RAW_ORDERS, 'ExplicitlyDenied', WITHOUT_TLS],
    ['query', 's3:GetObject', QUERY_RESULT, 'ExplicitlyDenied', WITHOUT_TLS],
  ]),
  ...row('TLS below 1.2', [['reader', 's3:GetObject', CURATED_ORDERS, 'ExplicitlyDenied', TLS_1_1]]),
  ...row('foreign encryption', [
    ['writer', 's3:PutObject', LANDING_REPORT, 'ExplicitlyDenied', SSE_OTHER_KEY],
    ['writer', 's3:PutObject', LANDING_REPORT, 'ExplicitlyDenied', SSE_S3],
    ['writer', 's3:PutObject', LANDING_REPORT, 'ExplicitlyDenied', SSE_AWS_MANAGED_KEY],
    ['writer', 's3:PutObject', LANDING_REPORT, 'ExplicitlyDenied', DSSE_KMS],
    ['curate', 's3:PutObject', CURATED_ORDERS, 'ExplicitlyDenied', SSE_S3],
    ['writer', 's3:PutObject', LANDING_REPORT, 'Allowed', SSE_LAKE_KEY],
    // No header: the bucket's default encryption, the lake key, applies.
    ['writer', 's3:PutObject', LANDING_REPORT, 'Allowed'],
  ]),
  ...row('reader of curated/structured', [
    ['reader', 's3:GetObject', CURATED_ORDERS, 'Allowed'],
    ['reader', 's3:ListBucket', 'curated', 'Allowed', prefix('structured/')],
    ['reader', 's3:ListBucket', 'curated', 'Allowed', prefix('structured/orders/year=2025/')],
    ['reader', 's3:GetObject', 'curated/multimedia/photos/site-1.jpg', 'Denied'],
    ['reader', 's3:GetObject', RAW_ORDERS, 'Denied'],
    ['reader', 's3:PutObject', CURATED_ORDERS, 'Denied'],
    ['reader', 's3:PutObject', 'landing/structured/orders.csv', 'Denied'],
    ['reader', 's3:DeleteObject', CURATED_ORDERS, 'Denied'],
    ['reader', 's3:ListBucket', 'curated', 'Denied', prefix('multimedia/')],
    ['reader', 's3:ListBucket', 'curated', 'Denied', prefix('structured-archive/')],
    ['reader', 's3:ListBucket', 'curated', 'Denied'],
    ['reader', 's3:ListBucket', 'raw', 'Denied', prefix('structured/')],
    ['reader', 'kms:Decrypt', 'lake-key', 'Denied'],
    ['reader', 'kms:Decrypt', 'lake-key', 'Allowed', VIA_S3],
  ]),
  ...row('landing writer for documents', [
    ['writer', 's3:PutObject', LANDING_REPORT, 'Allowed'],
    ['writer', 'kms:GenerateDataKey', 'lake-key', 'Allowed', VIA_S3],
    ['writer', 's3:PutObject', 'landing/structured/orders.csv', 'Denied'],
    ['writer', 's3:PutObject', 'raw/documents/report.docx', 'Denied'],
    ['writer', 's3:PutObject', 'curated/documents/report.docx', 'Denied'],
    ...(['raw', 'curated'] as const).flatMap((zone) =>
      KINDS.map((kind): CellSpec => ['writer', 's3:GetObject', `${zone}/${kind}/item-1`, 'Denied']),
    ),
  ]),
  ...row('curate service', [
    ...KINDS.map((kind): CellSpec => ['curate', 's3:GetObject', `landing/${kind}/item-1`, 'Allowed']),
    ['curate', 's3:ListBucket', 'landing', 'Allowed', prefix('documents/')],
    ...(['raw', 'curated'] as const).flatMap((zone) =>
      KINDS.map((kind): CellSpec => ['curate', 's3:PutObject', `${zone}/${kind}/item-1`, 'Allowed']),
    ),
  ]),
  ...row('raw and curated: the lake decides who writes', [
    ...(['raw', 'curated'] as const).flatMap((zone): CellSpec[] => [
      ['self-curate', 's3:PutObject', `${zone}/structured/item-1`, 'ExplicitlyDenied'],
      ['self-curate', 's3:DeleteObject', `${zone}/structured/item-1`, 'ExplicitlyDenied'],
      ['admin', 's3:PutObject', `${zone}/structured/item-1`, 'ExplicitlyDenied'],
      ['root', 's3:PutObject', `${zone}/structured/item-1`, 'Allowed'],
    ]),
    // Landing keeps today's rule: any application with a grant.
    ['self-curate', 's3:GetObject', 'landing/structured/item-1', 'Allowed'],
    ['admin', 's3:PutObject', 'landing/structured/item-1', 'Allowed'],
  ]),
  ...row('orders table (any application writes)', [
    ['table-reader', 'dynamodb:GetItem', 'orders-table', 'Allowed'],
    ['table-reader', 'dynamodb:Query', 'orders-table/index/by-customer', 'Allowed'],
    ['table-reader', 'dynamodb:PutItem', 'orders-table', 'Denied'],
    ['table-reader', 'dynamodb:GetItem', 'ledger-table', 'Denied'],
    ['table-reader', 'kms:Decrypt', 'lake-key', 'Allowed', VIA_DYNAMODB],
    ['table-reader', 'kms:Decrypt', 'lake-key', 'Denied'],
    ['table-reader', 'kms:Decrypt', 'lake-key', 'Denied', VIA_S3],
    ['table-reader', 'dynamodb:GetRecords', 'orders-table/stream/2026-01-01T00:00:00.000', 'Allowed'],
    ['table-writer', 'dynamodb:PutItem', 'orders-table', 'Allowed'],
    ['table-writer', 'dynamodb:DeleteItem', 'orders-table', 'Allowed'],
    ['table-writer', 'kms:GenerateDataKey', 'lake-key', 'Allowed', VIA_DYNAMODB],
    ['table-writer', 'dynamodb:Scan', 'orders-table', 'Denied'],
  ]),
  ...row('ledger table (lake services write)', [
    ['ledger-self-writer', 'dynamodb:PutItem', 'ledger-table', 'ExplicitlyDenied'],
    ['ledger-self-writer', 'dynamodb:PartiQLInsert', 'ledger-table', 'ExplicitlyDenied'],
    ['admin', 'dynamodb:PutItem', 'ledger-table', 'Denied'],
    ['curate', 'dynamodb:PutItem', 'ledger-table', 'Allowed'],
  ]),
  ...row('key grants only for S3 and DynamoDB', [
    // kms:* in IAM is not enough: the key policy allows CreateGrant only for an AWS resource, through the lake's services.
    ['admin', 'kms:CreateGrant', 'lake-key', 'Denied'],
    ['admin', 'kms:CreateGrant', 'lake-key', 'Denied', FOR_AWS_RESOURCE],
    ['admin', 'kms:CreateGrant', 'lake-key', 'Denied', VIA_DYNAMODB],
    ['admin', 'kms:CreateGrant', 'lake-key', 'Allowed', { ...VIA_DYNAMODB, ...FOR_AWS_RESOURCE }],
    ['admin', 'kms:CreateGrant', 'lake-key', 'Allowed', { ...VIA_S3, ...FOR_AWS_RESOURCE }],
    ['admin', 'kms:Decrypt', 'lake-key', 'Denied'],
    ['root', 'kms:PutKeyPolicy', 'lake-key', 'Allowed'],
  ]),
  ...row('query grantee', [
    ['query', 'athena:StartQueryExecution', 'workgroup', 'Allowed'],
    ['query', 's3:GetObject', QUERY_RESULT, 'Allowed'],
    ['query', 's3:PutObject', QUERY_RESULT, 'Allowed'],
    ['query', 's3:PutObject', 'query-results/elsewhere/query-1.csv', 'Denied'],
    ['query', 's3:GetObject', RAW_ORDERS, 'Denied'],
  ]),
  ...row('deletion: account root only', [
    ...LAKE_BUCKETS.flatMap((bucket): CellSpec[] => [
      ['admin', 's3:DeleteBucket', bucket, 'ExplicitlyDenied'],
      ['root', 's3:DeleteBucket', bucket, 'Allowed'],
    ]),
    ['admin', 'kms:ScheduleKeyDeletion', 'lake-key', 'ExplicitlyDenied'],
    ['root', 'kms:ScheduleKeyDeletion', 'lake-key', 'Allowed'],
  ]),
];

/** The lake and an application stack whose roles get their access through the contract. */
function synthesizeLakeAndApplication() {
  const app = lakeApp();
  const lakeStack = new DataLakeStack(app, 'Lake', { lakeName: 'enterprise' });
  const text = { type: dynamodb.AttributeType.STRING };
  lakeStack.lake.addTable('Orders', {
    tableName: 'orders',
    partitionKey: { name: 'pk', ...text },
    sortKey: { name: 'sk', ...text },
    globalSecondaryIndexes: [{ indexName: 'by-customer', partitionKey: { name: 'customer', ...text } }],
    stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
  });
  lakeStack.lake.addTable('Ledger', {
    tableName: 'ledger',
    partitionKey: { name: 'pk', ...text },
    writers: LakeWriters.lakeServices(),
  });
  const application = new Stack(app, 'Orders');
  const lake = DataLakeContract.fromLakeName(application, 'Lake', 'enterprise');
  const role = (id: string, roleName: string): iam.Role =>
    new iam.Role(application, id, { roleName, assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

  const reader = role('Reader', 'orders-reader');
  lake.grantRead(reader, { zones: ['curated'], kinds: ['structured'] });
  const writer = role('Writer', 'documents-writer');
  lake.grantWrite(writer, { kinds: ['documents'] });
  // The listed curator: the lake services' role carries the lake-writer tag.
  const curate = role('Curate', 'lake-curate');
  Tags.of(curate).add(BIS_LAKE_WRITER_TAG, 'enterprise');
  lake.grantCurate(curate);
  lake.table('ledger').grantWriteData(curate);
  // An application that gives itself the curate policy, untagged.
  const selfCurate = role('SelfCurate', 'app-self-curate');
  lake.grantCurate(selfCurate);
  const tableReader = role('TableReader', 'orders-table-reader');
  lake.table('orders').grantReadData(tableReader);
  lake.table('orders').grantStreamRead(tableReader);
  const tableWriter = role('TableWriter', 'orders-table-writer');
  lake.table('orders').grantWriteData(tableWriter);
  const ledgerSelfWriter = role('LedgerSelfWriter', 'ledger-self-writer');
  lake.table('ledger').grantWriteData(ledgerSelfWriter);
  const query = role('Query', 'orders-analyst');
  lake.grantQuery(query);
  // As powerful as an identity policy gets: only a resource policy can stop it.
  const admin = new iam.Role(application, 'Admin', {
    roleName: 'account-admin',
    assumedBy: new iam.AccountRootPrincipal(),
  });
  admin.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:*', 'kms:*'], resources: ['*'] }));

  const logicalId = (construct: IConstruct): string => {
    const element = (construct.node.defaultChild ?? construct) as CfnElement;
    return Stack.of(element).getLogicalId(element);
  };
  const lakeTemplate = new ResolvedTemplate('Lake', Template.fromStack(lakeStack).toJSON());
  const applicationTemplate = ResolvedTemplate.readingContractOf(
    'Orders',
    Template.fromStack(application).toJSON(),
    lakeTemplate,
  );
  const grantee = (construct: iam.Role) => ({
    principal: applicationTemplate.roleArn(logicalId(construct)),
    identityPolicies: applicationTemplate.identityPolicies(logicalId(construct)),
    tags: applicationTemplate.principalTags(logicalId(construct)),
  });
  const principals: Record<
    Principal,
    {
      principal: string | AnonymousRequestPrincipal;
      identityPolicies: SimulationIdentityPolicy[];
      tags?: Record<string, string>;
    }
  > = {
    anonymous: { principal: anonymousPrincipal, identityPolicies: [] },
    reader: grantee(reader),
    writer: grantee(writer),
    curate: grantee(curate),
    'self-curate': grantee(selfCurate),
    query: grantee(query),
    'table-reader': grantee(tableReader),
    'table-writer': grantee(tableWriter),
    'ledger-self-writer': grantee(ledgerSelfWriter),
    admin: grantee(admin),
    root: { principal: ACCOUNT_ROOT_ARN, identityPolicies: [ACCOUNT_ROOT_AUTHORITY] },
  };

  const dataLake = lakeStack.lake;
  const bucket = (construct: IConstruct) => {
    const id = logicalId(construct);
    return { arn: lakeTemplate.arnOf(id), policy: lakeTemplate.bucketPolicy(id) };
  };
  const keyId = logicalId(dataLake.key);
  const table = (handle: IConstruct) => {
    const id = logicalId((handle as LakeTable).table);
    return { arn: lakeTemplate.arnOf(id), policy: lakeTemplate.tablePolicy(id) };
  };
  const targets: Record<Target, { arn: string; policy?: PolicyDocument }> = {
    landing: bucket(dataLake.bucket('landing')),
    raw: bucket(dataLake.bucket('raw')),
    curated: bucket(dataLake.bucket('curated')),
    'query-results': bucket(dataLake.queryResultsBucket),
    'access-logs': bucket(dataLake.accessLogBucket),
    'lake-key': { arn: lakeTemplate.arnOf(keyId), policy: lakeTemplate.keyPolicy(keyId) },
    workgroup: { arn: `arn:${PARTITION}:athena:${REGION}:${ACCOUNT_ID}:workgroup/${dataLake.workGroupName}` },
    'orders-table': table(dataLake.table('orders')),
    'ledger-table': table(dataLake.table('ledger')),
  };
  return { lakeTemplate, applicationTemplate, logicalId, reader, dataLake, principals, targets };
}

type LakeAndApplication = ReturnType<typeof synthesizeLakeAndApplication>;

/** The context of a request made over TLS 1.3, plus what the cell adds or overrides. */
function contextOf(cell: Cell): Context {
  const service = cell.action.split(':')[0];
  return {
    'aws:SecureTransport': 'true',
    ...(service === 's3' ? { 's3:TlsVersion': '1.3' } : {}),
    ...(service === 'kms' && cell.principal !== 'anonymous' ? { 'kms:CallerAccount': ACCOUNT_ID } : {}),
    ...cell.context,
  };
}

function matches(decision: EvaluationResult, expected: Expected): boolean {
  return expected === 'Denied' ? decision !== 'Allowed' : decision === expected;
}

/** The matrix as an aligned text table, one line per cell. */
function matrixTable(decisions: Map<Cell, EvaluationResult | 'error'>): string {
  const header = ['row', 'principal', 'action', 'resource', 'request context', 'expected', 'simulated'];
  const lines = MATRIX.map((cell) => {
    const decision = decisions.get(cell) ?? 'not run';
    const mismatch = decision !== 'error' && decision !== 'not run' && !matches(decision, cell.expected);
    return [
      cell.row,
      cell.principal,
      cell.action,
      cell.resource,
      describeContext(cell.context) || '-',
      cell.expected,
      mismatch ? `${decision}  <-- MISMATCH` : decision,
    ];
  });
  const widths = header.map((_, column) =>
    Math.max(...[header, ...lines].map((line) => line[column].length)),
  );
  const format = (line: string[]): string =>
    line
      .map((value, column) => value.padEnd(widths[column]))
      .join(' | ')
      .trimEnd();
  return [format(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...lines.map(format)].join(
    '\n',
  );
}

describe('the data lake access matrix, simulated over the synthesized policies', () => {
  let world: LakeAndApplication;
  const decisions = new Map<Cell, EvaluationResult | 'error'>();

  beforeAll(() => {
    world = synthesizeLakeAndApplication();
  });

  afterAll(() => {
    process.stdout.write(`\nData lake access matrix (${MATRIX.length} cells)\n${matrixTable(decisions)}\n\n`);
  });

  test.each(MATRIX)('$name', async (cell) => {
    const [target, ...key] = cell.resource.split('/');
    const { arn, policy } = world.targets[target as Target];
    const { principal, identityPolicies, tags } = world.principals[cell.principal];
    let decision: EvaluationResult;
    try {
      decision = await simulateAccess({
        principal,
        identityPolicies,
        resourcePolicy: policy,
        action: cell.action,
        resource: key.length > 0 ? `${arn}/${key.join('/')}` : arn,
        context: { ...tags, ...contextOf(cell) },
      });
    } catch (error) {
      decisions.set(cell, 'error');
      throw error;
    }
    decisions.set(cell, decision);
    if (cell.expected === 'Denied') {
      expect(decision).toMatch(/^(Implicitly|Explicitly)Denied$/);
    } else {
      expect(decision).toBe(cell.expected);
    }
  });
});

describe('template resolution for the simulation', () => {
  const world = synthesizeLakeAndApplication();

  test("the application's contract parameters resolve to the lake's own bucket and key", () => {
    const readerId = world.logicalId(world.reader);
    const statements = world.applicationTemplate
      .identityPolicies(readerId)
      .flatMap((policy) => (policy.policy as PolicyDocument).Statement);
    const curatedArn = world.lakeTemplate.arnOf(world.logicalId(world.dataLake.bucket('curated')));
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 's3:GetObject', Resource: `${curatedArn}/structured/*` }),
    );
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt', Resource: KEY_ARN }));
    expect(world.applicationTemplate.roleArn(readerId)).toBe(`arn:aws:iam::${ACCOUNT_ID}:role/orders-reader`);
  });

  test('an intrinsic the resolver does not know throws, naming the intrinsic and where it is', () => {
    expect(() =>
      world.lakeTemplate.resolve({ Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::logs/*' } }),
    ).toThrow(
      /cannot resolve \{"Fn::Sub":"arn:\$\{AWS::Partition\}:s3:::logs\/\*"\} at \$\.Resource: unknown intrinsic/,
    );
  });

  test('an attribute other than Arn, an unknown pseudo parameter and an unknown logical ID throw', () => {
    const bucketId = world.logicalId(world.dataLake.bucket('raw'));
    expect(() => world.lakeTemplate.resolve({ 'Fn::GetAtt': [bucketId, 'DomainName'] })).toThrow(
      /only the Arn attribute resolves/,
    );
    expect(() => world.lakeTemplate.resolve({ Ref: 'AWS::StackName' })).toThrow(/unknown pseudo parameter/);
    expect(() => world.lakeTemplate.resolve({ Ref: 'Nowhere' })).toThrow(
      /Nowhere is neither a parameter nor a resource of this template/,
    );
  });

  test('a parameter that is not a contract entry, or an entry the lake does not publish, throws', () => {
    const application = ResolvedTemplate.readingContractOf(
      'Orders',
      {
        Parameters: {
          Stage: { Type: 'String', Default: 'prod' },
          Missing: {
            Type: 'AWS::SSM::Parameter::Value<String>',
            Default: '/cdk-bis/enterprise/not-published',
          },
        },
      },
      world.lakeTemplate,
    );
    expect(() => application.resolve({ Ref: 'Stage' })).toThrow(
      /Stage \(String\) is not an SSM contract entry/,
    );
    expect(() => application.resolve({ Ref: 'Missing' })).toThrow(
      /expected one AWS::SSM::Parameter named \/cdk-bis\/enterprise\/not-published, found 0/,
    );
  });

  test('the lake template resolves no parameters of its own', () => {
    const lake = new ResolvedTemplate('Lake', { Parameters: { Stage: { Type: 'String', Default: 'prod' } } });
    expect(() => lake.resolve({ Ref: 'Stage' })).toThrow(/this template resolves no parameters/);
  });
});
