import * as fs from 'node:fs';
import * as path from 'node:path';
import { Aws, CfnOutput, Duration, Fn, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type { Construct } from 'constructs';
import {
  BIS_COST_CENTER_TAG,
  BIS_LAKE_WRITER_TAG,
  BIS_OWNER_TAG,
  DataLake,
  type IDataLake,
  KINDS,
  LAKE_SERVICE_PREFIXES,
  type Zone,
} from '../data-lake';
import { BisRole } from '../roles';
import { PortableFunction } from './portable-function';
import { WebApi } from './web-api';

/*
 * The lake's own services deployed: ingest and catalog behind one HTTP API (one origin, so the
 * catalog page's upload form reaches ingest), curate on the landing zone's "Object Created" events.
 * Every permission comes from the lake's contract; nothing refers to the lake's stack.
 */

export interface LakeServicesStackProps extends StackProps {
  /** The name of the lake the services work on, as its `DataLakeStack` was given it. */
  readonly lakeName: string;
  /**
   * The authorizer of every route (the page, the API and uploads), e.g. an `HttpLambdaAuthorizer`
   * that checks the enterprise session cookie, or an `HttpJwtAuthorizer` when a front adds the token.
   * Either this or `publicAccessReason` is required.
   *
   * @default - none; then `publicAccessReason` is required
   */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;
  /**
   * Why anyone on the internet may open the catalog and upload into the landing zone (an
   * evaluation deployment, a network-restricted account). Recorded as the acknowledgement of
   * AwsSolutions-APIG4 on the routes.
   *
   * @default - none; then `authorizer` is required
   */
  readonly publicAccessReason?: string;
  /**
   * The team that runs the services, written as the `bis:owner` tag on every resource.
   *
   * @default 'platform'
   */
  readonly owner?: string;
  /**
   * The cost centre the services are charged to, written as the `bis:cost-center` tag.
   *
   * @default 'data-platform'
   */
  readonly costCenter?: string;
}

/** curate copies objects of up to 5 GB to raw, streamed: more time than an HTTP handler gets. */
const CURATE_TIMEOUT = Duration.minutes(5);
/** The largest body ingest takes inline on Lambda; larger files go through the upload URL. */
export const LAMBDA_INLINE_LIMIT_BYTES = 4 * 1024 * 1024;
/** curate reads a whole object of up to 64 MB to extract its facts. */
const CURATE_MEMORY_MIB = 1024;

/**
 * The iDaaS services of a lake (ingest, curate, catalog) as `PortableFunction`s in an application
 * stack. The lake is reached only through `DataLake.fromLakeName`: deploy its `DataLakeStack` first
 * (`services.addStackDependency(lakeStack)` orders it without a reference). curate's role carries the
 * principal tag `bis:lake-writer=<lakeName>`, which the lake's default writers of raw and curated
 * (`LakeWriters.lakeServices()`) accept.
 *
 * @example
 * const lake = new DataLakeStack(app, 'DataLake', { lakeName: 'enterprise' });
 * const services = new LakeServicesStack(app, 'LakeServices', {
 *   lakeName: 'enterprise',
 *   authorizer: new HttpLambdaAuthorizer('Session', sessionCheck, { identitySource: ['$request.header.Cookie'] }),
 * });
 * services.addStackDependency(lake);
 */
export class LakeServicesStack extends Stack {
  /** The lake, through its contract. */
  public readonly lake: IDataLake;
  /** `POST /datasets/{dataset}/objects` and `/uploads`: writes the landing zone. */
  public readonly ingest: PortableFunction;
  /** Objects landed → raw copy and catalog entry. */
  public readonly curate: PortableFunction;
  /** `GET /`, `/api/...`, `/download/...`: reads the catalog entries and signs raw downloads. */
  public readonly catalog: PortableFunction;
  /** The HTTP API in front of ingest and catalog. */
  public readonly web: WebApi;

  public constructor(scope: Construct, id: string, props: LakeServicesStackProps) {
    super(scope, id, props);
    BisRole.of(this).set('application');
    const invalid = (problem: string): Error =>
      new Error(`LakeServicesStack '${id}' (${this.node.path}): ${problem}`);
    if ((props.authorizer === undefined) === (props.publicAccessReason === undefined)) {
      throw invalid(
        'give exactly one of authorizer (who may use the catalog and upload, e.g. an HttpLambdaAuthorizer on your session cookie) ' +
          'and publicAccessReason (why anyone on the internet may).',
      );
    }
    for (const [prop, value, fallback] of [
      ['owner', props.owner, 'platform'],
      ['costCenter', props.costCenter, 'data-platform'],
    ] as const) {
      const tag = value ?? fallback;
      if (typeof tag !== 'string' || tag.trim() === '') {
        throw invalid(`${prop} must be a non-empty string; it becomes a cost-allocation tag.`);
      }
      Tags.of(this).add(prop === 'owner' ? BIS_OWNER_TAG : BIS_COST_CENTER_TAG, tag);
    }

    const lake = DataLake.fromLakeName(this, 'Lake', props.lakeName);
    this.lake = lake;
    const bucket = (zone: Zone): string => lake.zoneBucketName(zone);
    const kindPrefixes = KINDS.map((kind) => lake.prefix(kind));
    const [uploadsPrefix] = LAKE_SERVICE_PREFIXES.landing;
    const [catalogPrefix] = LAKE_SERVICE_PREFIXES.curated;

    this.ingest = new PortableFunction(this, 'Ingest', {
      entry: serviceEntry('ingest'),
      stores: { buckets: { landing: bucket('landing') }, kmsKeyArn: lake.keyArn },
      // Lambda takes 6 MB of request payload and API Gateway sends binary bodies base64-encoded (4/3):
      // above 4 MiB ingest answers its own 413 with the upload-URL hint, before the platform refuses.
      environment: { INGEST_INLINE_LIMIT_BYTES: String(LAMBDA_INLINE_LIMIT_BYTES) },
      description: `cdk-bis lake ${props.lakeName}: ingest, lands uploads in the landing zone`,
    });
    lake.grantWrite(this.ingest, { kinds: KINDS });
    // A large upload's intent, and the presigned PUT that ingest's role signs for its landing key.
    lake.grantPrefixes(this.ingest, { zone: 'landing', prefixes: [uploadsPrefix], access: 'write' });
    // Idempotence: ingest heads the landing key first; listZone makes a new key a 404, not a 403.
    lake.grantPrefixes(this.ingest, { zone: 'landing', prefixes: kindPrefixes, listZone: true });

    this.curate = new PortableFunction(this, 'Curate', {
      entry: serviceEntry('curate'),
      handler: 'objectLanded',
      memorySize: CURATE_MEMORY_MIB,
      timeout: CURATE_TIMEOUT,
      stores: {
        buckets: { landing: bucket('landing'), raw: bucket('raw'), curated: bucket('curated') },
        kmsKeyArn: lake.keyArn,
      },
      description: `cdk-bis lake ${props.lakeName}: curate, copies landed objects to raw and catalogs them`,
    });
    // The lake's writers of raw and curated: the roles it tags as its services.
    Tags.of(this.curate.role).add(BIS_LAKE_WRITER_TAG, props.lakeName);
    lake.grantPrefixes(this.curate, {
      zone: 'landing',
      prefixes: [...kindPrefixes, uploadsPrefix],
      listZone: true,
    });
    lake.grantPrefixes(this.curate, {
      zone: 'raw',
      prefixes: kindPrefixes,
      access: 'read-write',
      listZone: true,
    });
    lake.grantPrefixes(this.curate, {
      zone: 'curated',
      prefixes: [catalogPrefix],
      access: 'read-write',
      listZone: true,
    });
    // Keys outside the kinds (upload intents) are skipped by curate itself.
    this.curate.addObjectLandedTrigger('Landed', { bucketName: bucket('landing') });

    this.catalog = new PortableFunction(this, 'Catalog', {
      entry: serviceEntry('catalog'),
      stores: { buckets: { curated: bucket('curated'), raw: bucket('raw') }, kmsKeyArn: lake.keyArn },
      // The page's CSP lets it PUT large files to the landing bucket's own origin, the one the SDK
      // presigns ingest's upload URLs with; the lake's browserUploadOrigins opens the bucket's side.
      environment: { CATALOG_UPLOAD_ORIGINS: landingBucketOrigin(bucket('landing')) },
      description: `cdk-bis lake ${props.lakeName}: catalog, the browser window on the lake`,
    });
    lake.grantPrefixes(this.catalog, { zone: 'curated', prefixes: [catalogPrefix] });
    // Downloads are presigned GETs of raw objects, signed by the catalog's role.
    lake.grantPrefixes(this.catalog, { zone: 'raw', prefixes: kindPrefixes });

    this.web = new WebApi(this, 'Web', {
      defaultAuthorizer: props.authorizer,
      publicAccessReason: props.publicAccessReason,
    });
    // The most specific route wins: /datasets/... goes to ingest, everything else to the catalog.
    this.ingest.addHttpRoute(this.web, { path: '/datasets/{proxy+}' });
    this.catalog.addHttpRoute(this.web, { path: '/' });
    this.catalog.addHttpRoute(this.web, { path: '/{proxy+}' });

    new CfnOutput(this, 'CatalogUrl', {
      value: this.web.url,
      description: `The lake ${props.lakeName} in a browser: the catalog page, with uploads`,
    });
  }
}

/**
 * The origin of a bucket's virtual-hosted endpoint, `https://<bucket>.s3.<region>.<url suffix>`: where
 * the AWS SDK v3 presigns a PUT for a bucket name without dots, in every partition.
 */
function landingBucketOrigin(bucketName: string): string {
  return Fn.join('', ['https://', bucketName, '.s3.', Aws.REGION, '.', Aws.URL_SUFFIX]);
}

/**
 * A service's handler module, beside this package's lib/: `functions/<service>/index.ts` in this
 * repository, its compiled `.js` in an installed package.
 */
function serviceEntry(service: 'ingest' | 'curate' | 'catalog'): string {
  const base = path.join(__dirname, '..', '..', 'functions', service, 'index');
  return fs.existsSync(`${base}.ts`) ? `${base}.ts` : `${base}.js`;
}
