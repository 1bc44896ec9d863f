import {
  Annotations,
  type CfnResource,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { type DataLakeQueryOptions, glueDatabaseNameOf, LakeCatalog, workGroupNameOf } from './catalog';
import { browserUploadCorsRule, checkedBrowserUploadOrigins } from './browser-uploads';
import { DataLakeContract, publishContract } from './contract';
import { type ICrawlableLake, LakeCrawler, type LakeCrawlerOptions } from './crawler';
import { DataLakeBase, type IDataLake } from './data-lake-base';
import { gatedRemovalPolicy } from './destruction-gate';
import { describeValue } from './errors';
import { validateLakeName } from './lake-name';
import { refuseDuplicateLake } from './lake-registry';
import { type ILakeTable } from './lake-table-base';
import { LakeTable, type LakeTableOptions } from './lake-table';
import {
  dynamodbViaService,
  KEY_ADMINISTRATION_ACTIONS,
  KEY_GRANT_ACTIONS,
  KEY_USE_ACTIONS,
  s3ViaService,
  ZONE_DENIED_WRITE_ACTIONS,
} from './permissions';
import { LakeWriters } from './writers';
import { kindPrefix, type Zone, ZONES } from './zones';

/** The minimum TLS version every lake bucket accepts. */
const MINIMUM_TLS_VERSION = 1.2;

/** Object Lock for the raw zone: how raw objects are protected from deletion and overwrite. */
export interface RawObjectLock {
  /**
   * `GOVERNANCE`: users with `s3:BypassGovernanceRetention` may still delete a locked version.
   * `COMPLIANCE`: nobody, not even the account root, may delete a locked version before its retention ends.
   */
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  /** How long each new raw object version is locked. A whole number of days, at least 1. */
  readonly retention: Duration;
}

/** Who may write each zone; everyone else is denied by the zone's bucket policy. */
export interface DataLakeWriters {
  /**
   * Who may write the landing zone.
   *
   * @default LakeWriters.anyApplication()
   */
  readonly landing?: LakeWriters;
  /**
   * Who may write the raw zone.
   *
   * @default LakeWriters.lakeServices()
   */
  readonly raw?: LakeWriters;
  /**
   * Who may write the curated zone.
   *
   * @default LakeWriters.lakeServices()
   */
  readonly curated?: LakeWriters;
}

/** The writers of each zone when `writers` says nothing of it. */
const DEFAULT_WRITERS: Record<Zone, () => LakeWriters> = {
  landing: () => LakeWriters.anyApplication(),
  raw: () => LakeWriters.lakeServices(),
  curated: () => LakeWriters.lakeServices(),
};

/**
 * The physical names of the lake's buckets. Give them to adopt the buckets a retained lake left
 * behind after `cdk destroy` (docs/DATA-LAKE.md, "Destroy and redeploy"), and keep them from then on:
 * removing a bucket name later makes CloudFormation replace the bucket.
 */
export interface LakeBucketNames {
  /** The landing zone bucket. */
  readonly landing: string;
  /** The raw zone bucket. */
  readonly raw: string;
  /** The curated zone bucket. */
  readonly curated: string;
  /** The server access-log bucket. */
  readonly accessLogs: string;
  /** The query-results bucket. */
  readonly queryResults: string;
}

/** The fields of `LakeBucketNames`, in the order errors list them. */
const BUCKET_NAME_FIELDS = ['landing', 'raw', 'curated', 'accessLogs', 'queryResults'] as const;

/** An S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export interface DataLakeProps {
  /**
   * The lake's name: 3 to 40 lowercase letters, digits or hyphens. It names the key alias
   * (`alias/cdk-bis/<lakeName>`) and the published contract (`/cdk-bis/<lakeName>/` in SSM).
   */
  readonly lakeName: string;
  /**
   * What happens to the buckets, the key, the Glue databases and the workgroup when they leave the stack. `DESTROY` also empties
   * the buckets (auto-delete) and is refused unless the context flag
   * `cdk-bis:allowDataDestruction` is true.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long an object stays in the landing zone before it expires.
   *
   * @default Duration.days(30)
   */
  readonly landingExpiration?: Duration;
  /**
   * Object Lock on the raw zone bucket. Once enabled on a bucket, S3 never lets it be turned
   * off again: removing this prop later does not unlock the bucket.
   *
   * @default - no Object Lock
   */
  readonly rawObjectLock?: RawObjectLock;
  /**
   * How long an overwritten or deleted object version is kept in the zone buckets and the
   * access-log bucket before it expires.
   *
   * @default Duration.days(90)
   */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * How long server access logs are kept.
   *
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
  /**
   * How long query results are kept in the query-results bucket. This is the workgroup's result
   * expiry: a lifecycle rule on the bucket, whatever the client.
   *
   * @default Duration.days(7)
   */
  readonly queryResultsExpiration?: Duration;
  /**
   * The Athena workgroup's settings.
   *
   * @default - configuration enforced, 10 GiB scanned at most per query
   */
  readonly query?: DataLakeQueryOptions;
  /**
   * Who may write each zone. A grant (`grantWrite`, `grantCurate`) is still needed; a principal not
   * listed is denied by the bucket policy whatever its identity policy says. The account root and
   * the lake's own CDK machinery (bucket auto-delete) are always allowed.
   *
   * @default - landing: any application of the account; raw and curated: the lake services only (roles tagged `bis:lake-writer=<lakeName>`)
   */
  readonly writers?: DataLakeWriters;
  /**
   * Fixed physical names for the lake's buckets, e.g. the names of a retained lake's buckets to
   * bring them back with `cdk import` after `cdk destroy`. Once given, keep them: removing one
   * makes CloudFormation replace that bucket.
   *
   * @default - names generated by CloudFormation from the stack and construct names
   */
  readonly bucketNames?: LakeBucketNames;
  /**
   * The origins of the pages that upload large files straight to the landing zone, such as the
   * catalog of `LakeServicesStack` (`https://catalog.example.com`). Each becomes an allowed origin of
   * the landing bucket's CORS rule for `PUT`, which a browser needs to send a file to a presigned
   * upload URL. `'*'` allows any page: the presigned URL, valid for one key, size and type, stays the
   * authorisation, so this opens nothing to a page that was not given a URL.
   *
   * @default - no CORS rule: browsers cannot PUT to upload URLs (curl, SDKs and the page's inline
   * uploads still work)
   */
  readonly browserUploadOrigins?: string[];
}

/**
 * The iDaaS data lake: one bucket per zone (landing, raw, curated), kinds as prefixes inside
 * each zone, all encrypted with one customer-managed key, plus an access-log bucket and a
 * query-results bucket. Data is retained unless destruction is explicitly allowed. The lake
 * publishes its contract as SSM parameters under `/cdk-bis/<lakeName>/`, and access is granted
 * only by its `grantXxx` methods.
 *
 * @example
 * const lake = new DataLake(this, 'Lake', { lakeName: 'enterprise' });
 * lake.prefix('geographic'); // 'geographic/'
 * lake.grantCurate(curateFn);
 */
export class DataLake extends DataLakeBase implements ICrawlableLake {
  /**
   * The lake named `lakeName`, imported through its published contract: the same as
   * `DataLakeContract.fromLakeName`. The lake must be deployed in the same account and Region
   * before the importing stack: SSM parameters are Regional.
   *
   * @example
   * const lake = DataLake.fromLakeName(this, 'Lake', 'enterprise');
   * lake.grantRead(fn, { zones: ['curated'], kinds: ['structured'] });
   */
  public static fromLakeName(scope: Construct, id: string, lakeName: string): IDataLake {
    return DataLakeContract.fromLakeName(scope, id, lakeName);
  }

  /** The lake's name, as given. */
  public readonly lakeName: string;
  /** The customer-managed key that encrypts the zone buckets and the query results. */
  public readonly key: kms.IKey;
  /** The ARN of `key`. */
  public readonly keyArn: string;
  /**
   * The zone buckets, by zone: the escape hatch, as `bucket(zone)` is. A bucket's own `grantXxx`
   * opens the whole bucket, every kind; give access with the lake's grants.
   */
  public readonly zones: Readonly<Record<Zone, s3.IBucket>>;
  /** Receives the server access logs of every other lake bucket (SSE-S3: S3 delivers logs only there). */
  public readonly accessLogBucket: s3.IBucket;
  /** Holds query results; they expire. */
  public readonly queryResultsBucket: s3.IBucket;
  /** The name of `queryResultsBucket`. */
  public readonly queryResultsBucketName: string;
  /** The ARN of `queryResultsBucket`. */
  public readonly queryResultsBucketArn: string;
  /** Where the workgroup writes query results: `s3://<queryResultsBucket>/results/`. */
  public readonly queryResultsLocation: string;
  /** The Glue databases (one per zone) and the Athena workgroup. */
  public readonly catalog: LakeCatalog;
  /** The name of the Athena workgroup, `cdk-bis-<lakeName>`. */
  public readonly workGroupName: string;
  /** The removal policy in force on the buckets and the key. */
  public readonly removalPolicy: RemovalPolicy;
  /** Who may write each zone. */
  public readonly writers: Readonly<Record<Zone, LakeWriters>>;
  private readonly tables = new Map<string, LakeTable>();

  constructor(scope: Construct, id: string, props: DataLakeProps) {
    super(scope, id);
    validateLakeName(props.lakeName, this.node.path);
    this.lakeName = props.lakeName;
    refuseDuplicateLake(this);
    this.removalPolicy = gatedRemovalPolicy(
      this,
      this.lakeName,
      props.removalPolicy ?? RemovalPolicy.RETAIN,
      {
        destroyedHow: 'empties and deletes every lake bucket and schedules the lake key for deletion',
        snapshotRefusedBy: 'S3 buckets or KMS keys',
      },
    );
    const autoDeleteObjects = this.removalPolicy === RemovalPolicy.DESTROY;

    const landingExpiration = this.wholeDays(
      props.landingExpiration ?? Duration.days(30),
      'landingExpiration',
    );
    const noncurrentExpiration = this.wholeDays(
      props.noncurrentVersionExpiration ?? Duration.days(90),
      'noncurrentVersionExpiration',
    );
    const accessLogRetention = this.wholeDays(
      props.accessLogRetention ?? Duration.days(365),
      'accessLogRetention',
    );
    const queryResultsExpiration = this.wholeDays(
      props.queryResultsExpiration ?? Duration.days(7),
      'queryResultsExpiration',
    );
    const objectLock = props.rawObjectLock ? this.objectLockRetention(props.rawObjectLock) : undefined;
    const bucketNames =
      props.bucketNames === undefined ? undefined : this.checkedBucketNames(props.bucketNames);
    const browserUploadOrigins =
      props.browserUploadOrigins === undefined
        ? undefined
        : checkedBrowserUploadOrigins(props.browserUploadOrigins, bucketNames?.landing, (problem) =>
            this.error(problem),
          );

    // Log delivery by bucket policy, whatever the app's flags say: CDK's default (an ACL) is
    // refused with BucketOwnerEnforced, which disables ACLs.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    const key = new kms.Key(this, 'Key', {
      description: `cdk-bis data lake ${this.lakeName}: encrypts the zone buckets and query results`,
      alias: `alias/cdk-bis/${this.lakeName}`,
      enableKeyRotation: true,
      removalPolicy: this.removalPolicy,
      policy: lakeKeyPolicy(Stack.of(this)),
    });
    this.key = key;
    this.keyArn = key.keyArn;

    const secure = {
      versioned: true,
      enforceSSL: true,
      minimumTLSVersion: MINIMUM_TLS_VERSION,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: this.removalPolicy,
      autoDeleteObjects,
    } satisfies s3.BucketProps;
    const lakeEncrypted = {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
    } satisfies s3.BucketProps;

    const accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      ...secure,
      bucketName: bucketNames?.accessLogs,
      encryption: s3.BucketEncryption.S3_MANAGED,
      lifecycleRules: [
        {
          id: 'retention',
          expiration: Duration.days(accessLogRetention),
          noncurrentVersionExpiration: Duration.days(noncurrentExpiration),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    this.accessLogBucket = accessLogBucket;

    this.queryResultsBucket = new s3.Bucket(this, 'QueryResultsBucket', {
      ...secure,
      bucketName: bucketNames?.queryResults,
      ...lakeEncrypted,
      serverAccessLogsBucket: accessLogBucket,
      serverAccessLogsPrefix: 'query-results/',
      lifecycleRules: [
        {
          id: 'results-expiry',
          expiration: Duration.days(queryResultsExpiration),
          // Results are disposable: an overwritten result is not worth keeping.
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });

    const zoneRules: Record<Zone, s3.LifecycleRule[]> = {
      landing: [{ id: 'landing-expiry', expiration: Duration.days(landingExpiration) }],
      raw: [
        {
          id: 'raw-tiering',
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
          ],
        },
      ],
      curated: [
        {
          id: 'curated-multimedia-tiering',
          prefix: kindPrefix('multimedia'),
          transitions: [
            { storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(0) },
          ],
        },
      ],
    };

    const zones: Partial<Record<Zone, s3.IBucket>> = {};
    for (const zone of ZONES) {
      const lock = zone === 'raw' ? objectLock : undefined;
      const bucket = new s3.Bucket(this, `${capitalize(zone)}Bucket`, {
        ...secure,
        bucketName: bucketNames?.[zone],
        ...lakeEncrypted,
        serverAccessLogsBucket: accessLogBucket,
        serverAccessLogsPrefix: `${zone}/`,
        eventBridgeEnabled: zone === 'landing' ? true : undefined,
        cors:
          zone === 'landing' && browserUploadOrigins !== undefined
            ? [browserUploadCorsRule(browserUploadOrigins)]
            : undefined,
        objectLockEnabled: lock ? true : undefined,
        objectLockDefaultRetention: lock,
        lifecycleRules: [
          {
            id: 'versions-and-uploads',
            noncurrentVersionExpiration: Duration.days(noncurrentExpiration),
            abortIncompleteMultipartUploadAfter: Duration.days(1),
            expiredObjectDeleteMarker: true,
          },
          ...zoneRules[zone],
        ],
      });
      this.denyForeignEncryption(bucket);
      zones[zone] = bucket;
    }
    this.writers = Object.freeze(
      Object.fromEntries(
        ZONES.map((zone) => [zone, props.writers?.[zone] ?? DEFAULT_WRITERS[zone]()]),
      ) as Record<Zone, LakeWriters>,
    );
    for (const zone of ZONES) this.denyUnlistedWriters(zone, zones[zone] as s3.Bucket);
    if (this.removalPolicy !== RemovalPolicy.DESTROY) {
      this.reserveDeletionToAccountRoot(key, [
        accessLogBucket,
        this.queryResultsBucket,
        ...Object.values(zones),
      ]);
    }
    this.zones = Object.freeze(zones as Record<Zone, s3.IBucket>);
    acknowledgeNotificationsHandler(this);
    this.queryResultsBucketName = this.queryResultsBucket.bucketName;
    this.queryResultsBucketArn = this.queryResultsBucket.bucketArn;

    this.catalog = new LakeCatalog(this, 'Catalog', {
      lakeName: this.lakeName,
      keyArn: this.keyArn,
      queryResultsBucketName: this.queryResultsBucketName,
      removalPolicy: this.removalPolicy,
      query: props.query,
    });
    if (this.removalPolicy !== RemovalPolicy.DESTROY) {
      this.createAfterCatalog([key, accessLogBucket, this.queryResultsBucket, ...Object.values(zones)]);
    }
    this.workGroupName = workGroupNameOf(this.lakeName);
    this.queryResultsLocation = this.catalog.resultsLocation;

    // Every location is set by now: the lake publishes itself.
    publishContract(new Construct(this, 'Contract'), this);

    if (autoDeleteObjects && props.rawObjectLock) {
      Annotations.of(this).addWarningV2(
        'cdk-bis:data-lake-locked-destroy',
        `removalPolicy is DESTROY but rawObjectLock is ${props.rawObjectLock.mode}: locked raw object versions cannot be deleted before their retention ends, so deleting the stack fails until then.`,
      );
    }
  }

  /**
   * The bucket of a zone: the escape hatch, for the platform's own wiring in the lake's stack
   * (notifications, metrics, replication). Its own `grantRead`, `grantReadWrite`, ... open the
   * whole bucket, every kind, past the zone × kind grants: give access with `grantRead`,
   * `grantWrite`, `grantCurate` and `grantQuery` instead. Applications never see it: `IDataLake`
   * has no buckets.
   */
  public bucket(zone: Zone): s3.IBucket {
    return this.zones[this.zoneOf(zone)];
  }

  public zoneBucketName(zone: Zone): string {
    return this.bucket(zone).bucketName;
  }

  public zoneBucketArn(zone: Zone): string {
    return this.bucket(zone).bucketArn;
  }

  public glueDatabaseName(zone: Zone): string {
    return glueDatabaseNameOf(this.lakeName, this.zoneOf(zone));
  }

  /**
   * Adds a Glue crawler that catalogs one tabular kind of one zone into the zone's Glue database.
   * Crawlers are opt-in: a lake has none, and no crawler role or security configuration, until
   * this is called. The first call also creates the lake's crawler security configuration and
   * lets CloudWatch Logs use the lake key for crawler log groups.
   *
   * @example
   * lake.addCrawler('SalesOrders', { zone: 'curated', kind: 'structured', path: 'sales-orders/' });
   */
  public addCrawler(id: string, options: LakeCrawlerOptions): LakeCrawler {
    return new LakeCrawler(this, id, { ...options, lake: this });
  }

  /**
   * Declares an operational table of the data platform, in the lake's stack, and publishes it in the
   * contract under `/cdk-bis/<lakeName>/tables/<tableName>/`. Applications reach it with
   * `DataLake.fromLakeName(this, 'Lake', '<lakeName>').table('<tableName>')`.
   *
   * @example
   * lake.addTable('Orders', { tableName: 'orders', partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
   */
  public addTable(id: string, options: LakeTableOptions): LakeTable {
    const existing = this.tables.get(options?.tableName);
    if (existing) {
      throw this.error(
        `addTable: table ${JSON.stringify(options.tableName)} is already declared at ${existing.node.path}. Give each table its own tableName.`,
      );
    }
    const table = new LakeTable(this, id, {
      ...options,
      lakeName: this.lakeName,
      lakeKey: this.key,
      removalPolicy: this.removalPolicy,
    });
    if (this.removalPolicy !== RemovalPolicy.DESTROY) this.createAfterCatalog([table.table]);
    this.tables.set(table.lakeTableName, table);
    return table;
  }

  public table(tableName: string): ILakeTable {
    const name = this.checkedTableName(tableName);
    const table = this.tables.get(name);
    if (!table) {
      const declared = [...this.tables.keys()];
      throw this.error(
        `table ${JSON.stringify(name)} is not declared: declare it with lake.addTable('<Id>', { tableName: ${JSON.stringify(name)}, partitionKey }) ` +
          `(declared: ${declared.length === 0 ? 'none' : declared.join(', ')}).`,
      );
    }
    return table;
  }

  /**
   * The retained data resources are created only after the Glue databases, whose names are fixed:
   * deployed over a retained lake (after `cdk destroy`), the stack then fails on "already exists"
   * before it creates a second, empty set of buckets, a key or a table beside the retained ones.
   */
  private createAfterCatalog(resources: readonly Construct[]): void {
    const databases = Object.values(this.catalog.databases);
    for (const resource of resources) {
      const cfn = resource.node.defaultChild as CfnResource;
      for (const database of databases) cfn.addResourceDependency(database);
    }
  }

  /** `bucketNames`, every field a distinct S3 bucket name. */
  private checkedBucketNames(names: LakeBucketNames): LakeBucketNames {
    for (const field of BUCKET_NAME_FIELDS) {
      const name: unknown = (names as unknown as Record<string, unknown>)?.[field];
      if (
        typeof name !== 'string' ||
        Token.isUnresolved(name) ||
        !BUCKET_NAME.test(name) ||
        name.includes('..')
      ) {
        throw this.error(
          `bucketNames.${field} must be the literal name of an S3 bucket (3 to 63 lowercase letters, digits, dots or hyphens), got ${describeValue(name)}. ` +
            `Give all of ${BUCKET_NAME_FIELDS.join(', ')}: the names of the retained buckets (docs/DATA-LAKE.md, "Destroy and redeploy").`,
        );
      }
    }
    const given = BUCKET_NAME_FIELDS.map((field) => names[field]);
    const repeated = given.find((name, index) => given.indexOf(name) !== index);
    if (repeated !== undefined) {
      const fields = BUCKET_NAME_FIELDS.filter((field) => names[field] === repeated);
      throw this.error(
        `bucketNames: ${fields.join(' and ')} are both ${JSON.stringify(repeated)}; each bucket has its own name.`,
      );
    }
    return names;
  }

  /** A duration prop in whole days, at least 1. */
  private wholeDays(duration: Duration, prop: string): number {
    if (duration.isUnresolved()) {
      throw this.error(`${prop} must be a literal duration, not a deploy-time token.`);
    }
    let days: number;
    try {
      days = duration.toDays();
    } catch {
      throw this.error(`${prop} must be a whole number of days (got ${duration.toHumanString()}).`);
    }
    if (days < 1) {
      throw this.error(`${prop} must be at least 1 day (got ${duration.toHumanString()}).`);
    }
    return days;
  }

  private objectLockRetention(lock: RawObjectLock): s3.ObjectLockRetention {
    const days = Duration.days(this.wholeDays(lock.retention, 'rawObjectLock.retention'));
    switch (lock.mode) {
      case 'GOVERNANCE':
        return s3.ObjectLockRetention.governance(days);
      case 'COMPLIANCE':
        return s3.ObjectLockRetention.compliance(days);
      default:
        throw this.error(
          `rawObjectLock.mode must be 'GOVERNANCE' or 'COMPLIANCE' (got ${describeValue(lock.mode)}).`,
        );
    }
  }

  /**
   * A retained lake is deleted by a person, deliberately: no role or user of the account, however
   * broad its identity policy, may delete a lake bucket or schedule the key's deletion; only the
   * account root user may. CloudFormation never needs either while the lake is retained.
   */
  private reserveDeletionToAccountRoot(key: kms.Key, buckets: s3.IBucket[]): void {
    const notTheAccountRoot = { ArnNotEquals: { 'aws:PrincipalArn': new iam.AccountRootPrincipal().arn } };
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyKeyDeletionExceptAccountRoot',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:ScheduleKeyDeletion'],
        resources: ['*'],
        conditions: notTheAccountRoot,
      }),
    );
    for (const bucket of buckets) {
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DenyBucketDeletionExceptAccountRoot',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:DeleteBucket'],
          resources: [bucket.bucketArn],
          conditions: notTheAccountRoot,
        }),
      );
    }
  }

  /**
   * The zone's bucket policy denies object writes and deletes to every principal its writers do not
   * list; CDK's auto-delete role stays exempt, so a deliberate destroy can still empty the bucket.
   */
  private denyUnlistedWriters(zone: Zone, bucket: s3.Bucket): void {
    const autoDelete = Stack.of(this).node.tryFindChild(AUTO_DELETE_PROVIDER_ID) as
      { readonly roleArn?: string } | undefined;
    const statement = this.writers[zone].denyStatement(this, this.lakeName, `the ${zone} zone`, {
      sid: 'DenyWritesExceptZoneWriters',
      actions: ZONE_DENIED_WRITE_ACTIONS,
      resources: [bucket.arnForObjects('*')],
      machinery: autoDelete?.roleArn === undefined ? [] : [autoDelete.roleArn],
    });
    if (statement) bucket.addToResourcePolicy(statement);
  }

  /**
   * Objects are written with the lake key only: a PutObject (or CopyObject, or multipart
   * initiation) that asks for SSE-S3, DSSE or another KMS key is denied.
   */
  private denyForeignEncryption(bucket: s3.Bucket): void {
    const common = {
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects('*')],
    };
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        ...common,
        sid: 'DenyEncryptionOtherThanKms',
        conditions: {
          // S3 does not put the bucket default into the request context, so a header-less PutObject
          // (default encryption: the lake key) or UploadPart must not be caught: deny only a header that is present.
          StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' },
          Null: { 's3:x-amz-server-side-encryption': 'false' },
        },
      }),
    );
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        ...common,
        sid: 'DenyKmsKeyOtherThanLakeKey',
        conditions: {
          StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
          // IfExists on purpose: `aws:kms` without a key ID makes S3 use the AWS-managed aws/s3 key, so it is denied too.
          StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': this.key.keyArn },
        },
      }),
    );
  }
}

/**
 * The lake key's policy. Administration (not use, not grants) is delegated to the account's IAM, as
 * every key needs; use and grants are allowed only when S3 or DynamoDB in the lake's own Region call
 * KMS for a principal of this account, and a grant only for an AWS resource. No identity policy
 * turns the lake key into a general-purpose key; an administrator allowed kms:PutKeyPolicy can
 * still rewrite this policy, which is the account's to audit.
 */
function lakeKeyPolicy(stack: Stack): iam.PolicyDocument {
  const accountRoot = new iam.AccountRootPrincipal();
  const throughLakeServices = {
    'kms:ViaService': [s3ViaService(stack), dynamodbViaService(stack)],
    'kms:CallerAccount': stack.account,
  };
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'AllowKeyAdministrationByAccount',
        principals: [accountRoot],
        actions: KEY_ADMINISTRATION_ACTIONS,
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'AllowKeyUseOnlyThroughS3AndDynamoDB',
        principals: [accountRoot],
        actions: KEY_USE_ACTIONS,
        resources: ['*'],
        conditions: { StringEquals: throughLakeServices },
      }),
      new iam.PolicyStatement({
        sid: 'AllowGrantsOnlyForS3AndDynamoDB',
        principals: [accountRoot],
        actions: KEY_GRANT_ACTIONS,
        resources: ['*'],
        conditions: {
          StringEquals: throughLakeServices,
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        },
      }),
    ],
  });
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The construct id aws-cdk-lib gives its stack-wide bucket auto-delete provider (a singleton). */
const AUTO_DELETE_PROVIDER_ID = 'Custom::S3AutoDeleteObjectsCustomResourceProvider';

/** The construct id aws-cdk-lib gives its stack-wide S3 notifications handler (a singleton). */
const NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/**
 * `eventBridgeEnabled` makes aws-cdk-lib add its own notifications handler to the stack, whose role
 * uses the AWS-managed AWSLambdaBasicExecutionRole policy. The lake cannot change CDK's handler, so
 * cdk-nag's AwsSolutions-IAM4 is acknowledged on that handler alone, with the reason.
 */
function acknowledgeNotificationsHandler(lake: Construct): void {
  const handler = Stack.of(lake).node.tryFindChild(NOTIFICATIONS_HANDLER_ID);
  if (!handler) return;
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      "aws-cdk-lib's own S3 notifications handler (created by eventBridgeEnabled on the landing bucket) only writes its logs with AWSLambdaBasicExecutionRole; CDK owns its role and the lake cannot replace the managed policy.",
  });
}
