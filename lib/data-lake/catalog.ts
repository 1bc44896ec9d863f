/*
 * The lake's catalog and query engine: a Glue database per zone for its tables, and one Athena
 * workgroup whose settings (results location, encryption, cost cutoff) clients cannot override.
 */
import { RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import { Construct } from 'constructs';
import { gatedRemovalPolicy } from './destruction-gate';
import { lakeError } from './errors';
import { validateLakeName } from './lake-name';
import { type Zone, ZONES } from './zones';

/** The Athena workgroup settings of a lake. */
export interface DataLakeQueryOptions {
  /**
   * Whether the workgroup's settings (results location, encryption, expected bucket owner,
   * bytes-scanned cutoff) override what a client asks for. Turn it off only when clients must
   * choose their own results location; the lake then no longer guarantees results are encrypted
   * with the lake key.
   *
   * @default true
   */
  readonly enforceConfiguration?: boolean;
  /**
   * The most data one query may scan before Athena cancels it, as a `Size` or a number of bytes.
   * At least 10 MB (10,000,000 bytes), Athena's minimum.
   *
   * @default Size.gibibytes(10)
   */
  readonly bytesScannedCutoffPerQuery?: Size | number;
}

/** The bytes-scanned cutoff per query when none is given: 10 GiB, about $0.05 of scanning at $5/TB. */
export const DEFAULT_BYTES_SCANNED_CUTOFF_PER_QUERY = Size.gibibytes(10);

/** Athena refuses a smaller cutoff. */
const MINIMUM_BYTES_SCANNED_CUTOFF = 10_000_000;

/** The key prefix of query results inside the query-results bucket, with its trailing slash. */
export const QUERY_RESULTS_PREFIX = 'results/';

/** The Glue database of a zone: `glueDatabaseNameOf('my-lake', 'curated')` is `'my_lake_curated'` (Athena dislikes hyphens). */
export function glueDatabaseNameOf(lakeName: string, zone: Zone): string {
  return `${lakeName.replace(/-/g, '_')}_${zone}`;
}

/** The Athena workgroup of a lake: `cdk-bis-<lakeName>`. */
export function workGroupNameOf(lakeName: string): string {
  return `cdk-bis-${lakeName}`;
}

/** The catalog of a lake: where its names, key and query results are, and how long the catalog lives. */
export interface LakeCatalogProps {
  /**
   * The lake's name, 3 to 40 lowercase letters, digits or hyphens: it names the Glue databases
   * (`<lakeName>_<zone>`, hyphens as `_`) and the Athena workgroup (`cdk-bis-<lakeName>`).
   */
  readonly lakeName: string;
  /** The ARN of the key that encrypts query results (SSE-KMS). */
  readonly keyArn: string;
  /** The bucket query results are written to, under `results/`. */
  readonly queryResultsBucketName: string;
  /**
   * What happens to the Glue databases and the workgroup when they leave the stack. `DESTROY` also
   * deletes the workgroup's saved queries, and is refused unless the context flag
   * `cdk-bis:allowDataDestruction` is true.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The Athena workgroup's settings.
   *
   * @default - configuration enforced, 10 GiB scanned at most per query
   */
  readonly query?: DataLakeQueryOptions;
}

/**
 * The catalog and query resources of a lake: a Glue database per zone and the Athena workgroup.
 * `DataLake` creates one as `lake.catalog`.
 */
export class LakeCatalog extends Construct {
  /** The Glue databases, by zone. */
  public readonly databases: Readonly<Record<Zone, glue.CfnDatabase>>;
  /** The Athena workgroup. */
  public readonly workGroup: athena.CfnWorkGroup;
  /** `s3://<queryResultsBucket>/results/`. */
  public readonly resultsLocation: string;

  constructor(scope: Construct, id: string, props: LakeCatalogProps) {
    super(scope, id);
    validateLakeName(props.lakeName, this.node.path);
    const lakeName = props.lakeName;
    const removalPolicy = gatedRemovalPolicy(this, lakeName, props.removalPolicy ?? RemovalPolicy.RETAIN, {
      destroyedHow:
        "deletes the lake's Glue databases (the schema of its tables) and its Athena workgroup with the saved queries",
      snapshotRefusedBy: 'Glue databases or Athena workgroups',
    });
    const account = Stack.of(this).account;
    const databases: Partial<Record<Zone, glue.CfnDatabase>> = {};
    for (const zone of ZONES) {
      const database = new glue.CfnDatabase(this, `${zone.charAt(0).toUpperCase()}${zone.slice(1)}Database`, {
        catalogId: account,
        databaseInput: {
          name: glueDatabaseNameOf(lakeName, zone),
          description: `cdk-bis data lake ${lakeName}: structured and geographic tables of the ${zone} zone`,
        },
      });
      // The schema is what makes the data readable: it lives and dies with the data.
      database.applyRemovalPolicy(removalPolicy);
      databases[zone] = database;
    }
    this.databases = Object.freeze(databases as Record<Zone, glue.CfnDatabase>);

    this.resultsLocation = `s3://${props.queryResultsBucketName}/${QUERY_RESULTS_PREFIX}`;
    const enforce = props.query?.enforceConfiguration ?? true;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: workGroupNameOf(lakeName),
      description: `cdk-bis data lake ${lakeName}: queries over the lake, results encrypted with the lake key`,
      state: 'ENABLED',
      // Saved queries and prepared statements must not block a deliberate destroy.
      recursiveDeleteOption: removalPolicy === RemovalPolicy.DESTROY,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: enforce,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: this.bytesCutoff(
          lakeName,
          props.query?.bytesScannedCutoffPerQuery ?? DEFAULT_BYTES_SCANNED_CUTOFF_PER_QUERY,
        ),
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: this.resultsLocation,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.keyArn },
          expectedBucketOwner: account,
        },
      },
    });
    this.workGroup.applyRemovalPolicy(removalPolicy);
  }

  private bytesCutoff(lakeName: string, value: Size | number): number {
    const refuse = (problem: string): Error =>
      lakeError(lakeName, this.node.path, `query.bytesScannedCutoffPerQuery ${problem}`);
    if (typeof value === 'number') {
      if (Token.isUnresolved(value)) throw refuse('must be a literal number of bytes, not a token.');
    } else if (!(value instanceof Size)) {
      throw refuse(`must be a Size or a number of bytes (got ${typeof value}).`);
    } else if (value.isUnresolved()) {
      throw refuse('must be a literal Size, not a deploy-time token.');
    }
    const bytes = typeof value === 'number' ? value : value.toBytes();
    if (!Number.isInteger(bytes) || bytes < MINIMUM_BYTES_SCANNED_CUTOFF) {
      throw refuse(
        `must be a whole number of bytes, at least ${MINIMUM_BYTES_SCANNED_CUTOFF} (10 MB, Athena's minimum); got ${bytes}. ` +
          'For example Size.gibibytes(10).',
      );
    }
    return bytes;
  }
}
