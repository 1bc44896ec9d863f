/*
 * What every lake table is, declared by the platform (`LakeTable`) or reached through the contract
 * (`IDataLake.table`), and the grants written once for both: the table and its indexes only, and
 * the table key through DynamoDB only.
 */
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { describeValue, lakeError } from './errors';
import { acknowledgeWildcards } from './nag-findings';
import {
  dynamodbViaService,
  TABLE_KEY_READ_ACTIONS,
  TABLE_KEY_WRITE_ACTIONS,
  TABLE_READ_ACTIONS,
  TABLE_STREAM_READ_ACTIONS,
  TABLE_WRITE_ACTIONS,
} from './permissions';

/**
 * An operational table of the data platform. Its grants are the ones `dynamodb.ITable` users know,
 * each least privilege: there is no `grant(...actions)` or `grantFullAccess`.
 */
export interface ILakeTable extends IConstruct {
  /** The lake the table belongs to. */
  readonly lakeName: string;
  /** The table's name in the lake and the contract, e.g. `orders`. */
  readonly lakeTableName: string;
  /** The DynamoDB table name (`<lakeName>-<tableName>`). */
  readonly tableName: string;
  /** The table's ARN. */
  readonly tableArn: string;
  /** The ARN of the key that encrypts the table. */
  readonly encryptionKeyArn: string;
  /** The ARN of the table's stream; reading it fails at deploy when the table has no stream. */
  readonly tableStreamArn: string;
  /** Read items of the table and its indexes; the key through DynamoDB. */
  grantReadData(grantee: iam.IGrantable): iam.Grant;
  /** Write items of the table (put, update, delete); the key through DynamoDB. */
  grantWriteData(grantee: iam.IGrantable): iam.Grant;
  /** Read and write items; the key through DynamoDB. */
  grantReadWriteData(grantee: iam.IGrantable): iam.Grant;
  /** Read the table's stream, as a Lambda event source does. */
  grantStreamRead(grantee: iam.IGrantable): iam.Grant;
}

const TABLE_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{2,99}$/;

/** The problem with a lake table name, or undefined when it is valid. */
export function tableNameProblem(name: unknown): string | undefined {
  if (typeof name === 'string' && !Token.isUnresolved(name) && TABLE_NAME_PATTERN.test(name))
    return undefined;
  return (
    `tableName ${describeValue(name)} is invalid: use a literal of 3 to 100 lowercase letters, digits, '-', '_' or '.', ` +
    "starting with a letter or digit, e.g. 'orders'. It names the contract path /cdk-bis/<lakeName>/tables/<tableName>/."
  );
}

/** Why the wildcards of a table grant are as narrow as they can be, for cdk-nag AwsSolutions-IAM5. */
const INDEX_WILDCARD_REASON =
  "cdk-bis lake table grant: the wildcard is the indexes of this one table (<table ARN>/index/*), whose names are the platform team's; the table ARN comes from the lake contract in SSM.";
const LIST_STREAMS_REASON =
  'cdk-bis lake table stream grant: dynamodb:ListStreams has no resource-level permission, so it needs Resource *; it lists stream ARNs only, no data.';

/** The grants of a lake table, written once against names and ARNs that may be tokens. */
export abstract class LakeTableBase extends Construct implements ILakeTable {
  public abstract readonly lakeName: string;
  public abstract readonly lakeTableName: string;
  public abstract readonly tableName: string;
  public abstract readonly tableArn: string;
  public abstract readonly encryptionKeyArn: string;
  public abstract readonly tableStreamArn: string;

  public grantReadData(grantee: iam.IGrantable): iam.Grant {
    return this.grantItems(grantee, TABLE_READ_ACTIONS, TABLE_KEY_READ_ACTIONS);
  }

  public grantWriteData(grantee: iam.IGrantable): iam.Grant {
    return this.grantItems(grantee, TABLE_WRITE_ACTIONS, TABLE_KEY_WRITE_ACTIONS);
  }

  public grantReadWriteData(grantee: iam.IGrantable): iam.Grant {
    return this.grantItems(
      grantee,
      [...new Set([...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS])],
      TABLE_KEY_WRITE_ACTIONS,
    );
  }

  public grantStreamRead(grantee: iam.IGrantable): iam.Grant {
    const listStreams = new iam.PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] });
    const grants = [
      iam.Grant.addToPrincipal({
        grantee,
        actions: listStreams.actions,
        resourceArns: listStreams.resources,
      }),
      iam.Grant.addToPrincipal({
        grantee,
        actions: TABLE_STREAM_READ_ACTIONS,
        resourceArns: [this.tableStreamArn],
      }),
      this.grantKey(grantee, TABLE_KEY_READ_ACTIONS),
    ];
    acknowledgeWildcards(grantee.grantPrincipal, [listStreams], LIST_STREAMS_REASON);
    return grants.reduce((all, grant) => all.combine(grant));
  }

  /** An error about this table, in the words every lake error starts with. */
  protected error(problem: string): Error {
    return lakeError(this.lakeName, this.node.path, problem);
  }

  private grantItems(
    grantee: iam.IGrantable,
    actions: readonly string[],
    keyActions: readonly string[],
  ): iam.Grant {
    const items = new iam.PolicyStatement({
      actions: [...actions],
      resources: [this.tableArn, `${this.tableArn}/index/*`],
    });
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: items.actions,
      resourceArns: items.resources,
    }).combine(this.grantKey(grantee, keyActions));
    acknowledgeWildcards(grantee.grantPrincipal, [items], INDEX_WILDCARD_REASON);
    return grant;
  }

  /** The table key, usable only by DynamoDB on the grantee's behalf. */
  private grantKey(grantee: iam.IGrantable, actions: readonly string[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...actions],
      resourceArns: [this.encryptionKeyArn],
      conditions: { StringEquals: { 'kms:ViaService': dynamodbViaService(Stack.of(this)) } },
    });
  }
}
