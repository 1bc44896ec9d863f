/*
 * The lake's published contract: SSM String parameters under /cdk-bis/<lakeName>/, written by the
 * DataLake and read by applications. Applications never hold a reference to the lake stack.
 */
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { DataLakeBase, type IDataLake } from './data-lake-base';
import { validateLakeName } from './lake-name';
import { type ILakeTable, LakeTableBase } from './lake-table-base';
import { type Kind, kindPrefix, KINDS, type Zone, ZONES } from './zones';

/**
 * The version of the contract's layout; it changes only when a parameter is renamed or removed.
 * Adding a parameter keeps it: a reader of an older lake simply does not ask for the new one.
 */
export const CONTRACT_VERSION = '1';

/** The path of every parameter of a lake's contract, relative to `/cdk-bis/<lakeName>/`. */
export const ContractEntry = {
  contractVersion: 'contract-version',
  keyArn: 'key-arn',
  zoneBucketName: (zone: Zone): string => `zones/${zone}/bucket-name`,
  zoneBucketArn: (zone: Zone): string => `zones/${zone}/bucket-arn`,
  kindPrefix: (kind: Kind): string => `kinds/${kind}/prefix`,
  queryResultsBucketName: 'query-results/bucket-name',
  queryResultsBucketArn: 'query-results/bucket-arn',
  glueDatabaseName: (zone: Zone): string => `glue/${zone}/database-name`,
  workGroupName: 'query/workgroup-name',
  queryResultsLocation: 'query/results-location',
  tableName: (table: string): string => `tables/${table}/table-name`,
  tableArn: (table: string): string => `tables/${table}/table-arn`,
  tableStreamArn: (table: string): string => `tables/${table}/stream-arn`,
  tableKeyArn: (table: string): string => `tables/${table}/key-arn`,
} as const;

/** The full SSM name of a contract entry: `/cdk-bis/<lakeName>/<entry>`. */
export function contractParameterName(lakeName: string, entry: string): string {
  return `/cdk-bis/${lakeName}/${entry}`;
}

/** What a lake publishes: its locations as `IDataLake` names them (the lake's own tokens). */
export type PublishedLake = Pick<
  IDataLake,
  | 'lakeName'
  | 'keyArn'
  | 'queryResultsBucketName'
  | 'queryResultsBucketArn'
  | 'queryResultsLocation'
  | 'workGroupName'
  | 'glueDatabaseName'
  | 'zoneBucketName'
  | 'zoneBucketArn'
>;

/** Writes the contract parameters of a lake, as children of `scope`. */
export function publishContract(scope: Construct, lake: PublishedLake): void {
  const entries: [string, string, string][] = [
    [ContractEntry.contractVersion, CONTRACT_VERSION, 'layout version of this contract'],
    [ContractEntry.keyArn, lake.keyArn, 'ARN of the lake key'],
    ...ZONES.flatMap((zone): [string, string, string][] => [
      [ContractEntry.zoneBucketName(zone), lake.zoneBucketName(zone), `name of the ${zone} zone bucket`],
      [ContractEntry.zoneBucketArn(zone), lake.zoneBucketArn(zone), `ARN of the ${zone} zone bucket`],
    ]),
    ...KINDS.map((kind): [string, string, string] => [
      ContractEntry.kindPrefix(kind),
      kindPrefix(kind),
      `key prefix of ${kind} data in every zone`,
    ]),
    [ContractEntry.queryResultsBucketName, lake.queryResultsBucketName, 'name of the query-results bucket'],
    [ContractEntry.queryResultsBucketArn, lake.queryResultsBucketArn, 'ARN of the query-results bucket'],
    ...ZONES.map((zone): [string, string, string] => [
      ContractEntry.glueDatabaseName(zone),
      lake.glueDatabaseName(zone),
      `name of the Glue database of the ${zone} zone`,
    ]),
    [ContractEntry.workGroupName, lake.workGroupName, 'name of the Athena workgroup'],
    [ContractEntry.queryResultsLocation, lake.queryResultsLocation, 'S3 location of the query results'],
  ];
  writeContractParameters(scope, lake.lakeName, entries);
}

/** One SSM parameter per `[entry, value, what it is]`, under the lake's contract path. */
function writeContractParameters(
  scope: Construct,
  lakeName: string,
  entries: readonly (readonly [entry: string, value: string, what: string])[],
): void {
  for (const [entry, value, what] of entries) {
    new ssm.StringParameter(scope, entry, {
      parameterName: contractParameterName(lakeName, entry),
      stringValue: value,
      description: `cdk-bis data lake ${lakeName} contract: ${what}`,
      tier: ssm.ParameterTier.STANDARD,
    });
  }
}

/** What a lake table publishes: its locations, and whether it has a stream. */
export type PublishedTable = Pick<
  ILakeTable,
  'lakeName' | 'lakeTableName' | 'tableName' | 'tableArn' | 'encryptionKeyArn' | 'tableStreamArn'
> & { readonly hasStream: boolean };

/** Writes the contract parameters of a lake table, as children of `scope`. */
export function publishTableContract(scope: Construct, table: PublishedTable): void {
  const name = table.lakeTableName;
  const entries: [string, string, string][] = [
    [ContractEntry.tableName(name), table.tableName, `DynamoDB name of table ${name}`],
    [ContractEntry.tableArn(name), table.tableArn, `ARN of table ${name}`],
    [ContractEntry.tableKeyArn(name), table.encryptionKeyArn, `ARN of the key of table ${name}`],
  ];
  if (table.hasStream) {
    entries.push([ContractEntry.tableStreamArn(name), table.tableStreamArn, `stream ARN of table ${name}`]);
  }
  writeContractParameters(scope, table.lakeName, entries);
}

/**
 * A lake table reached through the contract: its name and ARNs are read from SSM at deploy time.
 * A table the lake did not declare fails at deploy, on its missing parameter.
 */
class ContractTable extends LakeTableBase {
  public readonly lakeName: string;
  public readonly lakeTableName: string;

  constructor(scope: Construct, id: string, lakeName: string, tableName: string) {
    super(scope, id);
    this.lakeName = lakeName;
    this.lakeTableName = tableName;
  }

  public get tableName(): string {
    return this.read(ContractEntry.tableName(this.lakeTableName));
  }

  public get tableArn(): string {
    return this.read(ContractEntry.tableArn(this.lakeTableName));
  }

  public get encryptionKeyArn(): string {
    return this.read(ContractEntry.tableKeyArn(this.lakeTableName));
  }

  public get tableStreamArn(): string {
    return this.read(ContractEntry.tableStreamArn(this.lakeTableName));
  }

  private read(entry: string): string {
    return ssm.StringParameter.valueForStringParameter(this, contractParameterName(this.lakeName, entry));
  }
}

/**
 * A data lake imported through its published contract; `DataLake.fromLakeName` is the same
 * importer, static on the real class as `Bucket.fromBucketName` is. Its names and ARNs are CloudFormation
 * `AWS::SSM::Parameter::Value<String>` parameters, resolved at deploy time: the importing stack
 * has no `Fn::ImportValue` and no dependency on the lake stack, and the lake stack does not change.
 *
 * @example
 * const lake = DataLakeContract.fromLakeName(this, 'Lake', 'enterprise');
 * lake.grantRead(fn, { zones: ['curated'], kinds: ['structured'] });
 */
export class DataLakeContract extends DataLakeBase {
  /**
   * The lake named `lakeName`, as its contract describes it. The lake must be deployed in the
   * same account and region before the importing stack: SSM parameters are regional.
   */
  public static fromLakeName(scope: Construct, id: string, lakeName: string): IDataLake {
    // Checked before the construct exists: a refused import leaves nothing in the tree.
    validateLakeName(lakeName, [scope.node.path, id].filter((part) => part !== '').join('/'));
    return new DataLakeContract(scope, id, lakeName);
  }

  public readonly lakeName: string;

  private constructor(scope: Construct, id: string, lakeName: string) {
    super(scope, id);
    this.lakeName = lakeName;
  }

  // Read on use: a stack gets a parameter only for the entries its grants name.
  public get keyArn(): string {
    return this.read(ContractEntry.keyArn);
  }

  public get queryResultsBucketName(): string {
    return this.read(ContractEntry.queryResultsBucketName);
  }

  public get queryResultsBucketArn(): string {
    return this.read(ContractEntry.queryResultsBucketArn);
  }

  public get queryResultsLocation(): string {
    return this.read(ContractEntry.queryResultsLocation);
  }

  public get workGroupName(): string {
    return this.read(ContractEntry.workGroupName);
  }

  public glueDatabaseName(zone: Zone): string {
    return this.read(ContractEntry.glueDatabaseName(this.zoneOf(zone)));
  }

  public zoneBucketName(zone: Zone): string {
    return this.read(ContractEntry.zoneBucketName(this.zoneOf(zone)));
  }

  public zoneBucketArn(zone: Zone): string {
    return this.read(ContractEntry.zoneBucketArn(this.zoneOf(zone)));
  }

  public table(tableName: string): ILakeTable {
    const name = this.checkedTableName(tableName);
    const id = `Table-${name}`;
    const existing = this.node.tryFindChild(id);
    return existing instanceof ContractTable ? existing : new ContractTable(this, id, this.lakeName, name);
  }

  /**
   * A CloudFormation parameter rather than a `{{resolve:ssm:...}}` dynamic reference: a template
   * holds at most 60 dynamic references, and one grant can name a bucket ARN a dozen times.
   * CDK creates one parameter per name and stack, however often it is read.
   */
  private read(entry: string): string {
    return ssm.StringParameter.valueForStringParameter(this, contractParameterName(this.lakeName, entry));
  }
}
