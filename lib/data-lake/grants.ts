/*
 * The only way into the lake: least-privilege grants, shared by the DataLake and its imported contract.
 * Every grant is an identity policy on the grantee: an application stack never edits a lake bucket policy.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { QUERY_RESULTS_PREFIX } from './catalog';
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
  /** The ARN of the query-results bucket. */
  readonly queryResultsBucketArn: string;
  /** Where the workgroup writes query results: `s3://<queryResultsBucket>/results/`. */
  readonly queryResultsLocation: string;
  /** The name of the lake's Athena workgroup, `cdk-bis-<lakeName>`. */
  readonly workGroupName: string;
  /** The name of a zone's Glue database, e.g. `enterprise_curated`: it holds the zone's structured and geographic tables. */
  glueDatabaseName(zone: Zone): string;
  /** The name of a zone's bucket. */
  zoneBucketName(zone: Zone): string;
  /** The ARN of a zone's bucket. */
  zoneBucketArn(zone: Zone): string;
  /** The key prefix of a kind inside every zone, with its trailing slash, e.g. `'structured/'`. */
  prefix(kind: Kind): string;
  /**
   * Read `<kind>/*` in each zone listed: `s3:GetObject` on those prefixes, `s3:ListBucket` only
   * for list requests inside them, and `kms:Decrypt` through S3. When `structured` or
   * `geographic` is listed, also Glue read on those zones' databases and their tables.
   */
  grantRead(grantee: iam.IGrantable, options: DataLakeReadOptions): iam.Grant;
  /**
   * Write `<kind>/*` in the landing zone: `s3:PutObject` and `s3:AbortMultipartUpload`, and the
   * key through S3. Raw and curated are written only by `grantCurate`.
   */
  grantWrite(grantee: iam.IGrantable, options: DataLakeWriteOptions): iam.Grant;
  /** The curate service: read landing, write raw and curated, every kind. */
  grantCurate(grantee: iam.IGrantable): iam.Grant;
  /**
   * Run queries in the lake's workgroup: the workgroup, the `results/` prefix of the
   * query-results bucket, the key through S3, and Glue read on every zone database. No zone data:
   * a query reads only the prefixes the grantee was also given by `grantRead`.
   */
  grantQuery(grantee: iam.IGrantable): iam.Grant;
}

/** Catalog reads: enough for Athena to plan a query, nothing that changes the catalog. */
const GLUE_READ_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetDatabases',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetPartition',
  'glue:GetPartitions',
];

/** What a query runner does in its workgroup. */
const ATHENA_QUERY_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
  'athena:GetWorkGroup',
];

/** The kinds whose data is tables in the zone databases. */
const TABULAR_KINDS: readonly Kind[] = ['structured', 'geographic'];

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
  public abstract readonly queryResultsBucketArn: string;
  public abstract readonly queryResultsLocation: string;
  public abstract readonly workGroupName: string;
  public abstract glueDatabaseName(zone: Zone): string;
  public abstract zoneBucketName(zone: Zone): string;
  public abstract zoneBucketArn(zone: Zone): string;

  public prefix(kind: Kind): string {
    return kindPrefix(kind);
  }

  public grantRead(grantee: iam.IGrantable, options: DataLakeReadOptions): iam.Grant {
    const zones = this.checked('grantRead', 'zones', options?.zones, ZONES, isZone);
    const kinds = this.checked('grantRead', 'kinds', options?.kinds, KINDS, isKind);
    const grant = this.grantObjects(grantee, { read: zones, write: [], kinds });
    // Multimedia and documents have no tables: their readers get no catalog access.
    return kinds.some((kind) => TABULAR_KINDS.includes(kind))
      ? grant.combine(this.grantCatalogRead(grantee, zones))
      : grant;
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

  public grantQuery(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const resultsBucketArn = this.queryResultsBucketArn;
    const grants = [
      iam.Grant.addToPrincipal({
        grantee,
        actions: ATHENA_QUERY_ACTIONS,
        resourceArns: [
          stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName }),
        ],
      }),
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:GetObject', ...WRITE_OBJECT_ACTIONS],
        resourceArns: [`${resultsBucketArn}/${QUERY_RESULTS_PREFIX}*`],
      }),
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:ListBucket'],
        resourceArns: [resultsBucketArn],
        conditions: { StringLike: { 's3:prefix': [`${QUERY_RESULTS_PREFIX}*`, QUERY_RESULTS_PREFIX] } },
      }),
      // Athena checks the results bucket's region before it writes there.
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:GetBucketLocation'],
        resourceArns: [resultsBucketArn],
      }),
      this.grantKeyViaS3(grantee, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']),
      this.grantCatalogRead(grantee, ZONES),
    ];
    return grants.reduce((all, grant) => all.combine(grant));
  }

  /** Glue read on the catalog, the databases of the zones given, and their tables. */
  private grantCatalogRead(grantee: iam.IGrantable, zones: readonly Zone[]): iam.Grant {
    const stack = Stack.of(this);
    const databases = zones.map((zone) => this.glueDatabaseName(zone));
    return iam.Grant.addToPrincipal({
      grantee,
      actions: GLUE_READ_ACTIONS,
      resourceArns: [
        stack.formatArn({ service: 'glue', resource: 'catalog', arnFormat: ArnFormat.NO_RESOURCE_NAME }),
        ...databases.map((database) =>
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: database }),
        ),
        ...databases.map((database) =>
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${database}/*` }),
        ),
      ],
    });
  }

  /** The lake key, usable only by S3 on the grantee's behalf, never directly. */
  private grantKeyViaS3(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': s3ViaService(Stack.of(this)) } },
    });
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
    grants.push(this.grantKeyViaS3(grantee, keyActions));
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

/**
 * The `kms:ViaService` value of S3 in the stack's Region: the lake key is used only through S3, and
 * SSM contracts are Regional, so lake and applications share a Region.
 */
export function s3ViaService(stack: Stack): string {
  return `s3.${stack.region}.amazonaws.com`;
}

/** The `s3:prefix` values of a kind: the kind's own prefix (`structured/`) and anything below it. */
function listPrefixes(kind: Kind): string[] {
  return [`${kindPrefix(kind)}*`, kindPrefix(kind)];
}
