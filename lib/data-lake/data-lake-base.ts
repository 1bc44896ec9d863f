/*
 * What every lake is, built here or imported (`IDataLake`), and the grants written once for both
 * (`DataLakeBase`): the only way into the lake. Every grant is an identity policy on the grantee:
 * an application stack never edits a lake bucket policy.
 */
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { QUERY_RESULTS_PREFIX } from './catalog';
import { describeValue, lakeError, unknownValuesProblem } from './errors';
import { type ILakeTable, tableNameProblem } from './lake-table-base';
import { acknowledgeWildcards } from './nag-findings';
import {
  athenaWorkGroupArn,
  ATHENA_QUERY_ACTIONS,
  glueCatalogArns,
  GLUE_READ_ACTIONS,
  KEY_READ_ACTIONS,
  KEY_WRITE_ACTIONS,
  listOnlyUnder,
  objectsUnder,
  READ_OBJECT_ACTIONS,
  s3ViaService,
  WRITE_OBJECT_ACTIONS,
} from './permissions';
import {
  isKind,
  isTabularKind,
  isZone,
  type Kind,
  kindPrefix,
  KINDS,
  LAKE_SERVICE_PREFIXES,
  type Zone,
  ZONES,
} from './zones';

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

/** What a `grantPrefixes` grantee may do with the objects under its prefixes. */
export type DataLakePrefixAccess = 'read' | 'write' | 'read-write';

/** What `grantPrefixes` opens: the objects under some key prefixes of one zone. */
export interface DataLakePrefixOptions {
  /** The zone whose objects are opened. */
  readonly zone: Zone;
  /**
   * Key prefixes of the zone, each ending with `/`: a kind's prefix or a narrower one inside it
   * (`'structured/'`, `'structured/sales-orders/'`), or a lake service prefix of the zone
   * (`'_uploads/'` in landing, `'_catalog/'` in curated). At least one; no wildcards.
   */
  readonly prefixes: readonly string[];
  /**
   * `'read'`: `s3:GetObject` under the prefixes, `s3:ListBucket` for lists inside them, `kms:Decrypt`
   * through S3. `'write'`: `s3:PutObject` and `s3:AbortMultipartUpload`, the key through S3.
   * `'read-write'`: both. Writes to raw and curated are still denied by the lake's bucket policy to
   * a grantee the zone's writers do not list.
   *
   * @default 'read'
   */
  readonly access?: DataLakePrefixAccess;
  /**
   * Also `s3:ListBucket` on the whole zone bucket, without a prefix condition. S3 answers a read of
   * a missing key with 404 only to a principal that may list the bucket, and with 403 to anyone
   * else; a HeadObject carries no `s3:prefix`, so the prefix-scoped list cannot be relied on. For a
   * service that checks whether an object exists. It shows every key name in the zone, no content.
   *
   * @default false
   */
  readonly listZone?: boolean;
}

const PREFIX_ACCESSES: readonly DataLakePrefixAccess[] = ['read', 'write', 'read-write'];

/**
 * A data lake, built in this app (`DataLake`) or imported through its published contract
 * (`DataLake.fromLakeName`, the same as `DataLakeContract.fromLakeName`). Names and ARNs may be tokens.
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
   * Read or write the objects under some prefixes of one zone (a kind, a dataset of a kind, or a
   * lake service prefix such as `_catalog/`), with the key through S3; no Glue access. The grant a
   * service with a narrower or different shape than `grantRead`, `grantWrite` and `grantCurate` needs.
   */
  grantPrefixes(grantee: iam.IGrantable, options: DataLakePrefixOptions): iam.Grant;
  /**
   * Run queries in the lake's workgroup: the workgroup, the `results/` prefix of the
   * query-results bucket, the key through S3, and Glue read on every zone database. No zone data:
   * a query reads only the prefixes the grantee was also given by `grantRead`.
   */
  grantQuery(grantee: iam.IGrantable): iam.Grant;
  /**
   * The lake table named `tableName` (as the platform declared it with `addTable`), with
   * `grantReadData`, `grantWriteData`, `grantReadWriteData` and `grantStreamRead`.
   */
  table(tableName: string): ILakeTable;
}

/** Why a lake grant's wildcard is as narrow as it can be, for cdk-nag AwsSolutions-IAM5. */
const PREFIX_WILDCARD_REASON =
  'cdk-bis lake grant: the wildcard is the objects under one zone x kind prefix (or the results/ prefix), the narrowest grant the lake gives; bucket ARNs come from the lake contract in SSM.';
const SERVICE_PREFIX_WILDCARD_REASON =
  'cdk-bis lake grant: the wildcard is the objects under the key prefixes of one zone named in grantPrefixes (a kind, a dataset of a kind, or a lake service prefix such as _catalog/); bucket ARNs come from the lake contract in SSM.';
const CATALOG_WILDCARD_REASON =
  "cdk-bis lake grant: Glue read on the tables of the lake's zone databases, whose tables crawlers create; no write action.";

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
  public abstract table(tableName: string): ILakeTable;

  public prefix(kind: Kind): string {
    if (!isKind(kind)) {
      throw this.error(`Unknown data kind ${JSON.stringify(kind)}. Use one of: ${KINDS.join(', ')}.`);
    }
    return kindPrefix(kind);
  }

  public grantRead(grantee: iam.IGrantable, options: DataLakeReadOptions): iam.Grant {
    const zones = this.checked('grantRead', 'zones', options?.zones, ZONES, isZone);
    const kinds = this.checked('grantRead', 'kinds', options?.kinds, KINDS, isKind);
    const grant = this.grantObjects(grantee, { read: zones, write: [], prefixes: kinds.map(kindPrefix) });
    // Multimedia and documents have no tables: their readers get no catalog access.
    return kinds.some(isTabularKind) ? grant.combine(this.grantCatalogRead(grantee, zones)) : grant;
  }

  public grantWrite(grantee: iam.IGrantable, options: DataLakeWriteOptions): iam.Grant {
    if (options !== null && typeof options === 'object' && 'zones' in options) {
      throw this.error(
        'grantWrite: zones is not an option: grantWrite writes to the landing zone only. ' +
          'Raw and curated are written by the platform curate service, through grantCurate.',
      );
    }
    const kinds = this.checked('grantWrite', 'kinds', options?.kinds, KINDS, isKind);
    return this.grantObjects(grantee, { read: [], write: ['landing'], prefixes: kinds.map(kindPrefix) });
  }

  public grantCurate(grantee: iam.IGrantable): iam.Grant {
    return this.grantObjects(grantee, {
      read: ['landing'],
      write: ['raw', 'curated'],
      prefixes: KINDS.map(kindPrefix),
    });
  }

  public grantPrefixes(grantee: iam.IGrantable, options: DataLakePrefixOptions): iam.Grant {
    const zone = options?.zone;
    if (!isZone(zone)) throw this.error(`grantPrefixes: ${unknownValuesProblem('zone', [zone], ZONES)}`);
    const prefixes = this.checkedPrefixes(zone, options.prefixes);
    const access = options.access ?? 'read';
    if (!PREFIX_ACCESSES.includes(access)) {
      throw this.error(`grantPrefixes: ${unknownValuesProblem('access', [access], PREFIX_ACCESSES)}`);
    }
    const grant = this.grantObjects(
      grantee,
      {
        read: access === 'write' ? [] : [zone],
        write: access === 'read' ? [] : [zone],
        prefixes,
      },
      SERVICE_PREFIX_WILDCARD_REASON,
    );
    if (options.listZone !== true) return grant;
    return grant.combine(
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:ListBucket'],
        resourceArns: [this.zoneBucketArn(zone)],
      }),
    );
  }

  public grantQuery(grantee: iam.IGrantable): iam.Grant {
    const resultsBucketArn = this.queryResultsBucketArn;
    const grants = [
      iam.Grant.addToPrincipal({
        grantee,
        actions: ATHENA_QUERY_ACTIONS,
        resourceArns: [athenaWorkGroupArn(Stack.of(this), this.workGroupName)],
      }),
      this.grantWithWildcards(
        grantee,
        new iam.PolicyStatement({
          actions: [...READ_OBJECT_ACTIONS, ...WRITE_OBJECT_ACTIONS],
          resources: [objectsUnder(resultsBucketArn, QUERY_RESULTS_PREFIX)],
        }),
        PREFIX_WILDCARD_REASON,
      ),
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:ListBucket'],
        resourceArns: [resultsBucketArn],
        conditions: listOnlyUnder([QUERY_RESULTS_PREFIX]),
      }),
      // Athena checks the results bucket's region before it writes there.
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:GetBucketLocation'],
        resourceArns: [resultsBucketArn],
      }),
      this.grantKeyViaS3(grantee, KEY_WRITE_ACTIONS),
      this.grantCatalogRead(grantee, ZONES),
    ];
    return grants.reduce((all, grant) => all.combine(grant));
  }

  /** The zone asked for, or the lake's one error for an unknown zone. */
  protected zoneOf(zone: unknown): Zone {
    if (!isZone(zone)) throw this.error(unknownValuesProblem('zone', [zone], ZONES));
    return zone;
  }

  /** The table name asked for, or the lake's one error for an invalid name. */
  protected checkedTableName(tableName: unknown): string {
    const problem = tableNameProblem(tableName);
    if (problem !== undefined) throw this.error(`table: ${problem}`);
    return tableName as string;
  }

  /** An error about this lake, in the words every lake error starts with. */
  protected error(problem: string): Error {
    return lakeError(this.lakeName, this.node.path, problem);
  }

  /** Glue read on the catalog, the databases of the zones given, and their tables. */
  private grantCatalogRead(grantee: iam.IGrantable, zones: readonly Zone[]): iam.Grant {
    return this.grantWithWildcards(
      grantee,
      new iam.PolicyStatement({
        actions: GLUE_READ_ACTIONS,
        resources: glueCatalogArns(
          Stack.of(this),
          zones.map((zone) => this.glueDatabaseName(zone)),
        ),
      }),
      CATALOG_WILDCARD_REASON,
    );
  }

  /** A grant of one statement, with its AwsSolutions-IAM5 findings acknowledged on the grantee. */
  private grantWithWildcards(
    grantee: iam.IGrantable,
    statement: iam.PolicyStatement,
    reason: string,
  ): iam.Grant {
    acknowledgeWildcards(grantee.grantPrincipal, [statement], reason);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: statement.actions,
      resourceArns: statement.resources,
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

  /** Object access under the prefixes of the zones given, with the key through S3 only. */
  private grantObjects(
    grantee: iam.IGrantable,
    access: { read: readonly Zone[]; write: readonly Zone[]; prefixes: readonly string[] },
    wildcardReason = PREFIX_WILDCARD_REASON,
  ): iam.Grant {
    const prefixes = access.prefixes;
    const objectArns = (zones: readonly Zone[]): string[] =>
      zones.flatMap((zone) => prefixes.map((prefix) => objectsUnder(this.zoneBucketArn(zone), prefix)));
    const grants: iam.Grant[] = [];
    if (access.read.length > 0) {
      grants.push(
        this.grantWithWildcards(
          grantee,
          new iam.PolicyStatement({ actions: READ_OBJECT_ACTIONS, resources: objectArns(access.read) }),
          wildcardReason,
        ),
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['s3:ListBucket'],
          resourceArns: access.read.map((zone) => this.zoneBucketArn(zone)),
          conditions: listOnlyUnder(prefixes),
        }),
      );
    }
    if (access.write.length > 0) {
      grants.push(
        this.grantWithWildcards(
          grantee,
          new iam.PolicyStatement({ actions: WRITE_OBJECT_ACTIONS, resources: objectArns(access.write) }),
          wildcardReason,
        ),
      );
    }
    grants.push(this.grantKeyViaS3(grantee, access.write.length > 0 ? KEY_WRITE_ACTIONS : KEY_READ_ACTIONS));
    return grants.reduce((all, grant) => all.combine(grant));
  }

  /** The prefixes of a zone asked for by `grantPrefixes`, validated and without repeats. */
  private checkedPrefixes(zone: Zone, prefixes: readonly string[] | undefined): string[] {
    const services = LAKE_SERVICE_PREFIXES[zone];
    const valid = [...KINDS.map(kindPrefix), ...services];
    const forms =
      `Use a kind's prefix or one inside it (${KINDS.map(kindPrefix).join(', ')}, e.g. 'structured/sales-orders/')` +
      (services.length > 0 ? ` or a lake service prefix of ${zone} (${services.join(', ')})` : '') +
      '.';
    if (!Array.isArray(prefixes) || prefixes.length === 0) {
      throw this.error(
        `grantPrefixes: prefixes must list at least one key prefix of ${zone} (got ${JSON.stringify(prefixes ?? null)}). ${forms}`,
      );
    }
    for (const prefix of prefixes) {
      const problem =
        typeof prefix !== 'string' || Token.isUnresolved(prefix)
          ? 'is not a literal string'
          : !prefix.endsWith('/')
            ? "does not end with '/'"
            : /[*?$]/.test(prefix)
              ? 'holds a wildcard or policy variable (*, ?, $)'
              : prefix.length > 512
                ? 'is longer than 512 characters'
                : !valid.some((start) => prefix.startsWith(start))
                  ? `is not inside a kind or a lake service prefix of ${zone}`
                  : undefined;
      if (problem !== undefined) {
        throw this.error(`grantPrefixes: the prefix ${describeValue(prefix)} ${problem}. ${forms}`);
      }
    }
    return [...new Set(prefixes)];
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
      throw this.error(
        `${method}: ${option} must list at least one ${noun} (got ${JSON.stringify(values ?? null)}). ` +
          `Use some of: ${valid.join(', ')}.`,
      );
    }
    const unknown = values.filter((value) => !isValid(value));
    if (unknown.length > 0) throw this.error(`${method}: ${unknownValuesProblem(noun, unknown, valid)}`);
    return [...new Set(values)];
  }
}
