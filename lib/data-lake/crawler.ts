/*
 * Opt-in Glue crawlers: each one catalogs one tabular kind of one zone into that zone's Glue
 * database, with a role of its own that can read only the crawled prefix and write only that
 * database, and with CloudWatch logs encrypted with the lake key.
 */
import { createHash } from 'node:crypto';
import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, type IConstruct } from 'constructs';
import { describeValue, lakeError } from './errors';
import { flattenAsCdkNag } from './nag-findings';
import {
  CRAWLER_CATALOG_READ_ACTIONS,
  CRAWLER_CATALOG_WRITE_ACTIONS,
  CRAWLER_LOG_ACTIONS,
  crawlerLogGroupsArn,
  glueCatalogArns,
  KEY_READ_ACTIONS,
  listOnlyUnder,
  LOGS_KEY_ACTIONS,
  objectsUnder,
  READ_OBJECT_ACTIONS,
  s3ViaService,
} from './permissions';
import {
  isTabularKind,
  isZone,
  kindPrefix,
  TABULAR_KINDS,
  type TabularKind,
  type Zone,
  ZONES,
} from './zones';

/**
 * What a crawler needs of its lake, and nothing more: where a zone's data and database are, and
 * the key its logs are encrypted with. `DataLake` is one; an imported contract is not, since a
 * crawler lives in its lake's stack.
 */
export interface ICrawlableLake extends IConstruct {
  /** The lake's name: it names the crawlers and their security configuration. */
  readonly lakeName: string;
  /** The lake key: it decrypts the crawled data and encrypts the crawler logs. */
  readonly key: kms.IKey;
  /** The name of a zone's bucket. */
  zoneBucketName(zone: Zone): string;
  /** The ARN of a zone's bucket. */
  zoneBucketArn(zone: Zone): string;
  /** The name of a zone's Glue database. */
  glueDatabaseName(zone: Zone): string;
}

/** What `DataLake.addCrawler` crawls, and when. */
export interface LakeCrawlerOptions {
  /** The zone whose bucket is crawled; the tables go to that zone's Glue database. */
  readonly zone: Zone;
  /** The kind crawled: `structured` or `geographic` (the kinds that hold tables). */
  readonly kind: TabularKind;
  /**
   * A sub-prefix under the kind to crawl instead of the whole kind, e.g. `sales-orders/`
   * (crawls `structured/sales-orders/`). Relative, without `..`; a missing trailing `/` is added.
   * Letters, digits and `-`, `_`, `.`, `=`, `/` only, so the crawler's IAM prefix stays exact.
   *
   * @default - the whole kind prefix, e.g. `structured/`
   */
  readonly path?: string;
  /**
   * When the crawler runs: a Glue cron expression with six fields,
   * `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, e.g. `'cron(15 2 * * ? *)'` (every
   * day at 02:15 UTC). Glue has no `rate()` expressions.
   *
   * @default - no schedule: the crawler runs only when started (console, CLI or API)
   */
  readonly schedule?: string;
  /**
   * A prefix added to the name of every table the crawler creates: lowercase letters, digits and
   * `_` (names Athena can query without quoting).
   *
   * @default - no prefix: tables are named after their folders
   */
  readonly tablePrefix?: string;
  /**
   * The crawler's name, unique in the account and Region: letters, digits, `-`, `_`, `.`, at most 255.
   *
   * @default - `cdk-bis-<lakeName>-<zone>-<kind>`, plus `-<path>` (its slashes and other signs
   *   turned into hyphens) when `path` is given, shortened with a hash if it would exceed 255
   */
  readonly crawlerName?: string;
}

/** A crawler of a lake: the options plus the lake it belongs to. */
export interface LakeCrawlerProps extends LakeCrawlerOptions {
  /** The lake whose zone is crawled. The crawler is created in the lake's stack. */
  readonly lake: ICrawlableLake;
}

/** Glue's limit on crawler names. */
const MAX_CRAWLER_NAME_LENGTH = 255;

/** Glue's limit on table prefixes. */
const MAX_TABLE_PREFIX_LENGTH = 128;

/** One path segment: nothing IAM reads as a wildcard (`*`, `?`) or a policy variable (`${...}`). */
const PATH_SEGMENT = /^[A-Za-z0-9_.=-]+$/;

const CRAWLER_NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

const TABLE_PREFIX_PATTERN = /^[a-z0-9_]+$/;

/** A statement of a crawler role, and why its wildcard resource, if any, is as narrow as it can be. */
interface CrawlerPermission {
  readonly statement: iam.PolicyStatement;
  readonly wildcardReason?: string;
}

/** The construct id of the lake's one crawler security configuration. */
const SECURITY_CONFIGURATION_ID = 'CrawlerSecurityConfiguration';

/**
 * A Glue crawler of one lake zone and one tabular kind. It writes table definitions into the
 * zone's Glue database, with a role of its own, and its logs are encrypted with the lake key.
 * Create it with `lake.addCrawler(id, options)`.
 */
export class LakeCrawler extends Construct {
  /** The crawler's name in Glue. */
  public readonly crawlerName: string;
  /** The zone crawled. */
  public readonly zone: Zone;
  /** The kind crawled. */
  public readonly kind: TabularKind;
  /** The key prefix crawled in the zone bucket, with its trailing slash, e.g. `structured/sales-orders/`. */
  public readonly prefix: string;
  /** The crawler's S3 target, `s3://<zone bucket>/<prefix>`. */
  public readonly targetPath: string;
  /** The Glue database the tables are written to: the zone's database. */
  public readonly databaseName: string;
  /** The role the crawler runs as (assumed by glue.amazonaws.com), with no AWS-managed policy. */
  public readonly role: iam.Role;
  /** The crawler. */
  public readonly crawler: glue.CfnCrawler;
  /** The lake's crawler security configuration, shared by every crawler of the lake. */
  public readonly securityConfiguration: glue.CfnSecurityConfiguration;

  constructor(scope: Construct, id: string, props: LakeCrawlerProps) {
    super(scope, id);
    const lake = props.lake;
    const stack = Stack.of(this);
    const refuse: Refuse = (problem) => lakeError(lake.lakeName, this.node.path, problem);
    if (stack !== Stack.of(lake)) {
      throw refuse(
        `a crawler lives in its lake's stack (${Stack.of(lake).node.path}), not in ${stack.node.path}. Use lake.addCrawler(id, options).`,
      );
    }
    this.zone = checkedZone(props.zone, refuse);
    this.kind = checkedKind(props.kind, refuse);
    const subPath = props.path === undefined ? '' : normalisedPath(props.path, this.kind, refuse);
    this.prefix = `${kindPrefix(this.kind)}${subPath}`;
    const schedule = props.schedule === undefined ? undefined : checkedSchedule(props.schedule, refuse);
    const tablePrefix =
      props.tablePrefix === undefined ? undefined : checkedTablePrefix(props.tablePrefix, refuse);
    this.crawlerName =
      props.crawlerName === undefined
        ? defaultCrawlerName(lake.lakeName, this.zone, this.kind, subPath)
        : checkedCrawlerName(props.crawlerName, refuse);
    refuseDuplicateName(this, this.crawlerName, refuse);

    const bucketArn = lake.zoneBucketArn(this.zone);
    this.targetPath = `s3://${lake.zoneBucketName(this.zone)}/${this.prefix}`;
    this.databaseName = lake.glueDatabaseName(this.zone);
    this.securityConfiguration = crawlerSecurityConfigurationOf(lake);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      description: `cdk-bis data lake ${lake.lakeName}: role of the Glue crawler ${this.crawlerName}, which catalogs ${this.zone} ${this.kind} data`,
    });
    const permissions: CrawlerPermission[] = [
      {
        statement: new iam.PolicyStatement({
          actions: READ_OBJECT_ACTIONS,
          resources: [objectsUnder(bucketArn, this.prefix)],
        }),
        wildcardReason: `The crawler reads every object under the prefix it crawls, ${this.prefix}; the wildcard is that prefix and no wider.`,
      },
      {
        statement: new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucketArn],
          // Listing is allowed only inside the crawled prefix, as grantRead does for a kind.
          conditions: listOnlyUnder([this.prefix]),
        }),
      },
      {
        statement: new iam.PolicyStatement({
          actions: KEY_READ_ACTIONS,
          resources: [lake.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': s3ViaService(stack) } },
        }),
      },
      {
        statement: new iam.PolicyStatement({
          actions: [...CRAWLER_CATALOG_READ_ACTIONS, ...CRAWLER_CATALOG_WRITE_ACTIONS],
          resources: glueCatalogArns(stack, [this.databaseName]),
        }),
        wildcardReason: `The crawler creates and updates the tables it discovers, whose names are known only when it runs; the wildcard is limited to the tables of the ${this.databaseName} database.`,
      },
      {
        statement: new iam.PolicyStatement({
          actions: CRAWLER_LOG_ACTIONS,
          resources: [crawlerLogGroupsArn(stack)],
        }),
        wildcardReason:
          'Glue names a crawler log group when the crawler runs (/aws-glue/crawlers, or /aws-glue/crawlers-role/<role>-<security configuration> when its logs are encrypted); the wildcard covers crawler log groups only.',
      },
    ];
    for (const { statement } of permissions) this.role.addToPrincipalPolicy(statement);
    acknowledgeWildcardResources(this.role, permissions);

    this.crawler = new glue.CfnCrawler(this, 'Crawler', {
      name: this.crawlerName,
      description: `cdk-bis data lake ${lake.lakeName}: catalogs ${this.zone} ${this.kind} data into ${this.databaseName}`,
      role: this.role.roleArn,
      databaseName: this.databaseName,
      targets: { s3Targets: [{ path: this.targetPath }] },
      schedule: schedule === undefined ? undefined : { scheduleExpression: schedule },
      tablePrefix,
      crawlerSecurityConfiguration: this.securityConfiguration.ref,
      // The schema outlives a bad upload: a vanished object is logged, never a dropped table definition.
      schemaChangePolicy: { updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG' },
    });
    // The crawler may run as soon as it exists: its role's policy must already be in place.
    this.crawler.node.addDependency(this.role);
    // Unlike the data and its schema, a crawler is not retained: one left behind would keep its
    // schedule and fail without the role CloudFormation deletes, and would block its own name.
  }
}

/**
 * The lake's crawler security configuration, created with the first crawler: it encrypts the
 * crawlers' CloudWatch logs with the lake key, which CloudWatch Logs may then use for crawler log groups only.
 */
function crawlerSecurityConfigurationOf(lake: ICrawlableLake): glue.CfnSecurityConfiguration {
  const existing = lake.node.tryFindChild(SECURITY_CONFIGURATION_ID);
  if (existing instanceof glue.CfnSecurityConfiguration) return existing;
  const stack = Stack.of(lake);
  const securityConfiguration = new glue.CfnSecurityConfiguration(lake, SECURITY_CONFIGURATION_ID, {
    name: `cdk-bis-${lake.lakeName}-crawlers`,
    encryptionConfiguration: {
      cloudWatchEncryption: { cloudWatchEncryptionMode: 'SSE-KMS', kmsKeyArn: lake.key.keyArn },
    },
  });
  lake.key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsForGlueCrawlerLogs',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: LOGS_KEY_ACTIONS,
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': crawlerLogGroupsArn(stack) } },
    }),
  );
  return securityConfiguration;
}

/**
 * cdk-nag AwsSolutions-IAM5 reports each wildcard resource as `Resource::<flattened ARN>`, and v3
 * needs one acknowledgement per finding: the ids are computed from the statements themselves.
 */
function acknowledgeWildcardResources(role: iam.Role, permissions: readonly CrawlerPermission[]): void {
  const stack = Stack.of(role);
  for (const { statement, wildcardReason } of permissions) {
    for (const resource of statement.resources) {
      const finding = flattenAsCdkNag(stack.resolve(resource));
      if (!finding.includes('*')) continue;
      if (wildcardReason === undefined) {
        throw new Error(`LakeCrawler: unexpected wildcard resource ${finding} in the crawler role's policy.`);
      }
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${finding}]`,
        reason: wildcardReason,
      });
    }
  }
}

/** Builds the error of a bad crawler option, at the crawler's path. */
type Refuse = (problem: string) => Error;

function checkedZone(zone: unknown, refuse: Refuse): Zone {
  if (!isZone(zone)) {
    throw refuse(`zone ${describeValue(zone)} is not a lake zone. Use one of: ${ZONES.join(', ')}.`);
  }
  return zone;
}

function checkedKind(kind: unknown, refuse: Refuse): TabularKind {
  if (isTabularKind(kind)) return kind;
  const why =
    kind === 'multimedia' || kind === 'documents'
      ? `${kind} data has no tables to crawl`
      : 'it is not a kind of the lake';
  throw refuse(
    `kind ${describeValue(kind)} cannot be crawled: ${why}. Use one of: ${TABULAR_KINDS.join(', ')}.`,
  );
}

/** The sub-prefix under the kind, with its trailing slash: `sales-orders` becomes `sales-orders/`. */
function normalisedPath(path: unknown, kind: TabularKind, refuse: Refuse): string {
  const refusePath = (why: string): never => {
    throw refuse(`path ${describeValue(path)} ${why}`);
  };
  if (typeof path !== 'string' || Token.isUnresolved(path)) {
    return refusePath(
      "must be a literal string known at synth: it becomes the crawler's S3 target and the prefix of its IAM grants.",
    );
  }
  if (path.startsWith('/')) {
    return refusePath(
      `is absolute: give it relative to the kind prefix, e.g. ${JSON.stringify(path.replace(/^\/+/, ''))}.`,
    );
  }
  if (path.startsWith(kindPrefix(kind))) {
    return refusePath(
      `repeats the kind prefix: path is relative to '${kindPrefix(kind)}', so use ${JSON.stringify(path.slice(kindPrefix(kind).length))}.`,
    );
  }
  const segments = (path.endsWith('/') ? path.slice(0, -1) : path).split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) {
    return refusePath("has a '.' or '..' segment: name the sub-prefix directly, e.g. 'sales-orders/'.");
  }
  if (segments.some((segment) => segment === '')) {
    return refusePath(
      "has an empty segment ('//' or nothing at all): e.g. 'sales-orders/' or 'sales-orders/year=2026/'.",
    );
  }
  if (!segments.every((segment) => PATH_SEGMENT.test(segment))) {
    return refusePath(
      "has a character other than letters, digits, '-', '_', '.', '=' and '/': wildcards and policy variables would widen the crawler's IAM prefix.",
    );
  }
  return `${segments.join('/')}/`;
}

function checkedSchedule(schedule: unknown, refuse: Refuse): string {
  const example = "e.g. 'cron(15 2 * * ? *)' for every day at 02:15 UTC";
  if (typeof schedule !== 'string' || Token.isUnresolved(schedule)) {
    throw refuse(
      `schedule must be a literal Glue cron expression (got ${describeValue(schedule)}); ${example}.`,
    );
  }
  if (/^\s*rate\(/.test(schedule)) {
    throw refuse(
      `schedule ${JSON.stringify(schedule)} is a rate() expression, which Glue does not accept. Use cron(Minutes Hours Day-of-month Month Day-of-week Year), ${example}.`,
    );
  }
  const match = /^cron\((.*)\)$/.exec(schedule);
  const fields = match ? match[1].trim().split(/\s+/) : [];
  if (fields.length !== 6) {
    throw refuse(
      `schedule ${JSON.stringify(schedule)} is not a Glue cron expression: use cron(Minutes Hours Day-of-month Month Day-of-week Year), six fields, ${example}.`,
    );
  }
  if ((fields[2] === '?') === (fields[4] === '?')) {
    throw refuse(
      `schedule ${JSON.stringify(schedule)} must have '?' in exactly one of Day-of-month (3rd field) and Day-of-week (5th field); ${example}.`,
    );
  }
  return schedule;
}

function checkedTablePrefix(tablePrefix: unknown, refuse: Refuse): string {
  if (
    typeof tablePrefix !== 'string' ||
    Token.isUnresolved(tablePrefix) ||
    tablePrefix.length > MAX_TABLE_PREFIX_LENGTH ||
    !TABLE_PREFIX_PATTERN.test(tablePrefix)
  ) {
    throw refuse(
      `tablePrefix ${describeValue(tablePrefix)} is invalid: use 1 to ${MAX_TABLE_PREFIX_LENGTH} lowercase letters, digits or '_', e.g. 'sales_', or omit it for no prefix.`,
    );
  }
  return tablePrefix;
}

function checkedCrawlerName(name: unknown, refuse: Refuse): string {
  if (
    typeof name !== 'string' ||
    Token.isUnresolved(name) ||
    name.length > MAX_CRAWLER_NAME_LENGTH ||
    !CRAWLER_NAME_PATTERN.test(name)
  ) {
    throw refuse(
      `crawlerName ${describeValue(name)} is invalid: use a literal of 1 to ${MAX_CRAWLER_NAME_LENGTH} letters, digits, '-', '_' or '.', or omit it for cdk-bis-<lakeName>-<zone>-<kind>[-<path>].`,
    );
  }
  return name;
}

/** `cdk-bis-<lakeName>-<zone>-<kind>[-<path>]`, hashed at the end if the path would make it too long. */
function defaultCrawlerName(lakeName: string, zone: Zone, kind: TabularKind, subPath: string): string {
  const base = `cdk-bis-${lakeName}-${zone}-${kind}`;
  const slug = subPath
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug === '') return base;
  const name = `${base}-${slug}`;
  if (name.length <= MAX_CRAWLER_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(subPath).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_CRAWLER_NAME_LENGTH - hash.length - 1)}-${hash}`;
}

/** Glue crawler names are unique per account and Region: two crawlers of one stack may not share one. */
function refuseDuplicateName(crawler: LakeCrawler, name: string, refuse: Refuse): void {
  const other = Stack.of(crawler)
    .node.findAll()
    .find((node) => node instanceof LakeCrawler && node !== crawler && node.crawlerName === name);
  if (other) {
    throw refuse(
      `crawler name ${JSON.stringify(name)} is already used by ${other.node.path}. Give one of them another crawlerName, or crawl another path.`,
    );
  }
}
