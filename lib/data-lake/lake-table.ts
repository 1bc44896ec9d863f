/*
 * An operational table of the data platform, declared with `lake.addTable`: compliant by
 * construction (lake key, point-in-time recovery, deletion protection, retained behind the
 * destruction gate, on demand) and published in the contract under `/cdk-bis/<lakeName>/tables/<name>/`.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { publishTableContract } from './contract';
import { gatedRemovalPolicy } from './destruction-gate';
import { lakeError } from './errors';
import { LakeTableBase, tableNameProblem } from './lake-table-base';
import { TABLE_DENIED_WRITE_ACTIONS } from './permissions';
import { LakeWriters } from './writers';

/** What `DataLake.addTable` declares. */
export interface LakeTableOptions {
  /**
   * The table's name in the lake and in the contract: 3 to 100 lowercase letters, digits, `-`, `_`
   * or `.`, starting with a letter or digit. Applications ask for it with `table('<tableName>')`;
   * the DynamoDB table is named `<lakeName>-<tableName>`.
   */
  readonly tableName: string;
  /** The partition key. */
  readonly partitionKey: dynamodb.Attribute;
  /**
   * The sort key.
   *
   * @default - no sort key
   */
  readonly sortKey?: dynamodb.Attribute;
  /**
   * Global secondary indexes. Grants cover every index of the table.
   *
   * @default - none
   */
  readonly globalSecondaryIndexes?: readonly dynamodb.GlobalSecondaryIndexProps[];
  /**
   * What the table's stream carries; the stream ARN is then published in the contract.
   *
   * @default - no stream
   */
  readonly stream?: dynamodb.StreamViewType;
  /**
   * The billing mode. `PROVISIONED` needs `readCapacity` and `writeCapacity`.
   *
   * @default dynamodb.BillingMode.PAY_PER_REQUEST
   */
  readonly billingMode?: dynamodb.BillingMode;
  /**
   * Read capacity units, with `billingMode: PROVISIONED` only.
   *
   * @default - none (on demand)
   */
  readonly readCapacity?: number;
  /**
   * Write capacity units, with `billingMode: PROVISIONED` only.
   *
   * @default - none (on demand)
   */
  readonly writeCapacity?: number;
  /**
   * The customer-managed key that encrypts the table. Its key policy must let DynamoDB use it for
   * the table's readers and writers; the lake key's does.
   *
   * @default - the lake key
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Who may write items. Everyone else is denied by the table's resource policy.
   *
   * @default LakeWriters.anyApplication()
   */
  readonly writers?: LakeWriters;
}

/** What a lake table needs of its lake. */
export interface LakeTableProps extends LakeTableOptions {
  /** The lake's name: it prefixes the DynamoDB table name and the contract path. */
  readonly lakeName: string;
  /** The lake key, used unless `encryptionKey` is given. */
  readonly lakeKey: kms.IKey;
  /** The lake's removal policy, already through the destruction gate. */
  readonly removalPolicy: RemovalPolicy;
}

/** A DynamoDB table of the data platform, in the lake's stack. */
export class LakeTable extends LakeTableBase {
  /** The DynamoDB table: the escape hatch for the platform's own wiring (alarms, metrics). */
  public readonly table: dynamodb.Table;
  public readonly lakeName: string;
  public readonly lakeTableName: string;
  public readonly tableName: string;
  public readonly tableArn: string;
  public readonly encryptionKeyArn: string;
  /** Who may write items. */
  public readonly writers: LakeWriters;
  private readonly streamArn: string | undefined;

  constructor(scope: Construct, id: string, props: LakeTableProps) {
    super(scope, id);
    this.lakeName = props.lakeName;
    const refuse = (problem: string): Error => lakeError(props.lakeName, this.node.path, problem);
    this.lakeTableName = checkedTableName(props.tableName, refuse);
    const removalPolicy = gatedRemovalPolicy(this, props.lakeName, props.removalPolicy, {
      destroyedHow: 'deletes the lake tables and their items',
      snapshotRefusedBy: 'DynamoDB tables',
    });
    const billingMode = props.billingMode ?? dynamodb.BillingMode.PAY_PER_REQUEST;
    if (billingMode === dynamodb.BillingMode.PROVISIONED) {
      if (props.readCapacity === undefined || props.writeCapacity === undefined) {
        throw refuse(
          'billingMode PROVISIONED needs readCapacity and writeCapacity; or omit billingMode for on demand (PAY_PER_REQUEST).',
        );
      }
    } else if (props.readCapacity !== undefined || props.writeCapacity !== undefined) {
      throw refuse(
        'readCapacity and writeCapacity apply to billingMode PROVISIONED only: remove them, or set billingMode: dynamodb.BillingMode.PROVISIONED.',
      );
    }
    const key = props.encryptionKey ?? props.lakeKey;
    this.writers = props.writers ?? LakeWriters.anyApplication();
    const denyOthers = this.writers.denyStatement(this, props.lakeName, `table ${this.lakeTableName}`, {
      sid: 'DenyWritesExceptLakeWriters',
      actions: TABLE_DENIED_WRITE_ACTIONS,
      // A table's resource policy applies to that table only; its own ARN would be a circular reference.
      resources: ['*'],
    });

    this.table = new dynamodb.Table(this, 'Table', {
      tableName: `${props.lakeName}-${this.lakeTableName}`,
      partitionKey: props.partitionKey,
      sortKey: props.sortKey,
      billingMode,
      readCapacity: props.readCapacity,
      writeCapacity: props.writeCapacity,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A deliberate destroy must be able to delete the table; otherwise nobody may.
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy,
      stream: props.stream,
      resourcePolicy: denyOthers ? new iam.PolicyDocument({ statements: [denyOthers] }) : undefined,
    });
    for (const index of props.globalSecondaryIndexes ?? []) this.table.addGlobalSecondaryIndex(index);
    this.tableName = this.table.tableName;
    this.tableArn = this.table.tableArn;
    this.encryptionKeyArn = key.keyArn;
    this.streamArn = this.table.tableStreamArn;
    publishTableContract(this, this);
  }

  public get tableStreamArn(): string {
    if (this.streamArn === undefined) {
      throw this.error(
        `table ${this.lakeTableName} has no stream: declare it with stream (e.g. dynamodb.StreamViewType.NEW_AND_OLD_IMAGES) before reading its stream ARN or granting stream reads.`,
      );
    }
    return this.streamArn;
  }

  /** Whether the table has a stream, so the contract publishes its ARN. */
  public get hasStream(): boolean {
    return this.streamArn !== undefined;
  }
}

function checkedTableName(name: unknown, refuse: (problem: string) => Error): string {
  const problem = tableNameProblem(name);
  if (problem !== undefined) throw refuse(problem);
  return name as string;
}
