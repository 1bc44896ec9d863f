/*
 * The only way into the lake: least-privilege grants, shared by the DataLake and its imported contract.
 * Every grant is an identity policy on the grantee: an application stack never edits a lake bucket policy.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { isKind, isZone, type Kind, kindPrefix, KINDS, type Zone, ZONES } from './zones';

/** What `grantRead` opens: every kind listed, in every zone listed. */
export interface DataLakeReadOptions {
  /** The zones to read. At least one. */
  readonly zones: readonly Zone[];
  /** The kinds to read in those zones. At least one. */
  readonly kinds: readonly Kind[];
}

/** What `grantWrite` opens: the landing zone only, for the kinds listed. */
export interface DataLakeWriteOptions {
  /** The kinds to write into the landing zone. At least one. */
  readonly kinds: readonly Kind[];
}

/**
 * A data lake, built in this app (`DataLake`) or imported through its published contract
 * (`DataLakeContract.fromLakeName`). Names and ARNs may be tokens.
 */
export interface IDataLake extends IConstruct {
  /** The lake's name: it names the key alias and the contract path `/cdk-bis/<lakeName>/`. */
  readonly lakeName: string;
  /** The ARN of the customer-managed key that encrypts the zone buckets and the query results. */
  readonly keyArn: string;
  /** The name of the query-results bucket. */
  readonly queryResultsBucketName: string;
  /** The name of a zone's bucket. */
  zoneBucketName(zone: Zone): string;
  /** The ARN of a zone's bucket. */
  zoneBucketArn(zone: Zone): string;
  /** The key prefix of a kind inside every zone, with its trailing slash, e.g. `'structured/'`. */
  prefix(kind: Kind): string;
  /**
   * Read `<kind>/*` in each zone listed: `s3:GetObject` on those prefixes, `s3:ListBucket` only
   * for list requests inside them, and `kms:Decrypt` through S3.
   */
  grantRead(grantee: iam.IGrantable, options: DataLakeReadOptions): iam.Grant;
  /**
   * Write `<kind>/*` in the landing zone: `s3:PutObject` and `s3:AbortMultipartUpload`, and the
   * key through S3. Raw and curated are written only by `grantCurate`.
   */
  grantWrite(grantee: iam.IGrantable, options: DataLakeWriteOptions): iam.Grant;
  /** The curate service: read landing, write raw and curated, every kind. */
  grantCurate(grantee: iam.IGrantable): iam.Grant;
}

/** The S3 object actions of a writer: multipart uploads are aborted by the writer, not only by lifecycle. */
const WRITE_OBJECT_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload'];

/**
 * The grants of a lake, written once against names and ARNs that may be tokens. `DataLake` and
 * `DataLakeContract` only say where their buckets and key are.
 */
export abstract class DataLakeBase extends Construct implements IDataLake {
  public abstract readonly lakeName: string;
  public abstract readonly keyArn: string;
  public abstract readonly queryResultsBucketName: string;
  public abstract zoneBucketName(zone: Zone): string;
  public abstract zoneBucketArn(zone: Zone): string;

  public prefix(kind: Kind): string {
    return kindPrefix(kind);
  }

  public grantRead(grantee: iam.IGrantable, options: DataLakeReadOptions): iam.Grant {
    const zones = this.checked('grantRead', 'zones', options?.zones, ZONES, isZone);
    const kinds = this.checked('grantRead', 'kinds', options?.kinds, KINDS, isKind);
    return this.grantObjects(grantee, { read: zones, write: [], kinds });
  }

  public grantWrite(grantee: iam.IGrantable, options: DataLakeWriteOptions): iam.Grant {
    if (options !== null && typeof options === 'object' && 'zones' in options) {
      throw new Error(
        `${this.describe('grantWrite')}: zones is not an option: grantWrite writes to the landing zone only. ` +
          'Raw and curated are written by the platform curate service, through grantCurate.',
      );
    }
    const kinds = this.checked('grantWrite', 'kinds', options?.kinds, KINDS, isKind);
    return this.grantObjects(grantee, { read: [], write: ['landing'], kinds });
  }

  public grantCurate(grantee: iam.IGrantable): iam.Grant {
    return this.grantObjects(grantee, { read: ['landing'], write: ['raw', 'curated'], kinds: KINDS });
  }

  /** Object access on `<kind>/*` of the zones given, with the key through S3 only. */
  private grantObjects(
    grantee: iam.IGrantable,
    access: { read: readonly Zone[]; write: readonly Zone[]; kinds: readonly Kind[] },
  ): iam.Grant {
    const objectArns = (zones: readonly Zone[]): string[] =>
      zones.flatMap((zone) => access.kinds.map((kind) => `${this.zoneBucketArn(zone)}/${kindPrefix(kind)}*`));
    const grants: iam.Grant[] = [];
    if (access.read.length > 0) {
      grants.push(
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['s3:GetObject'],
          resourceArns: objectArns(access.read),
        }),
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['s3:ListBucket'],
          resourceArns: access.read.map((zone) => this.zoneBucketArn(zone)),
          // s3:prefix is the `prefix` parameter of ListObjects(V2): absent (a list of the whole
          // bucket) or outside the kinds, the condition fails and the list is denied.
          conditions: { StringLike: { 's3:prefix': access.kinds.flatMap((kind) => listPrefixes(kind)) } },
        }),
      );
    }
    if (access.write.length > 0) {
      grants.push(
        iam.Grant.addToPrincipal({
          grantee,
          actions: WRITE_OBJECT_ACTIONS,
          resourceArns: objectArns(access.write),
        }),
      );
    }
    // Decrypt for writers too: S3 decrypts the parts of a multipart upload to complete it.
    const keyActions =
      access.write.length > 0 ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'];
    grants.push(
      iam.Grant.addToPrincipal({
        grantee,
        actions: keyActions,
        resourceArns: [this.keyArn],
        // The key is usable only by S3 on the grantee's behalf, never directly.
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    return grants.reduce((all, grant) => all.combine(grant));
  }

  /** The zones or kinds asked for, validated and without repeats. */
  private checked<T extends string>(
    method: string,
    option: string,
    values: readonly T[] | undefined,
    valid: readonly T[],
    isValid: (value: unknown) => value is T,
  ): T[] {
    const noun = option.slice(0, -1);
    if (!Array.isArray(values) || values.length === 0) {
      throw new Error(
        `${this.describe(method)}: ${option} must list at least one ${noun} (got ${JSON.stringify(values ?? null)}). ` +
          `Use some of: ${valid.join(', ')}.`,
      );
    }
    const unknown = values.filter((value) => !isValid(value));
    if (unknown.length > 0) {
      throw new Error(
        `${this.describe(method)}: unknown ${noun} ${unknown.map((value) => JSON.stringify(value)).join(', ')}. ` +
          `Use one of: ${valid.join(', ')}.`,
      );
    }
    return [...new Set(values)];
  }

  private describe(method: string): string {
    return `${method} on data lake '${this.lakeName}' (${this.node.path})`;
  }
}

/** The `s3:prefix` values of a kind: the kind's own prefix (`structured/`) and anything below it. */
function listPrefixes(kind: Kind): string[] {
  return [`${kindPrefix(kind)}*`, kindPrefix(kind)];
}
