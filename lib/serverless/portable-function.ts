import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Aspects, Duration, Names, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PORTABLE_FUNCTION_MARK } from '../../policies/marks';
import { FailedEventsDestination, failedEventsKey, failedEventsQueue } from './failed-events';
import { findLockFile, LAMBDA_ADAPTERS, type PortableHandlerKind, writeLambdaEntry } from './lambda-entry';
import type { WebApi } from './web-api';

/** The object stores a function's handlers see as `ctx.stores.<name>`, on S3 (`S3ObjectStore`). */
export interface PortableStoresProps {
  /**
   * Store name → bucket name, e.g. `{ landing: lake.zoneBucketName('landing') }`. A name is
   * lower-case letters, digits and `_`, starting with a letter; it becomes
   * `BIS_STORE_<NAME>_BUCKET`. Access is granted apart, by the bucket's owner:
   * `lake.grantWrite(fn, ...)`.
   */
  readonly buckets: Readonly<Record<string, string>>;
  /**
   * The KMS key that objects are written under (SSE-KMS), as an ARN or key ID, e.g. `lake.keyArn`.
   * It becomes `BIS_S3_KMS_KEY_ID`.
   */
  readonly kmsKeyArn: string;
}

export interface PortableFunctionProps {
  /**
   * The handler module, under a `functions/` directory, e.g. `'functions/ingest/index.ts'`; a
   * relative path is resolved from the current directory (the app's root under `cdk synth`). It
   * exports a neutral handler (`export const http: HttpHandler = ...`) and imports no adapter.
   */
  readonly entry: string;
  /**
   * What the module exports: an `HttpHandler` (`'http'`) or an `ObjectLandedHandler`
   * (`'objectLanded'`). It picks the AWS Lambda adapter.
   *
   * @default 'http'
   */
  readonly handler?: PortableHandlerKind;
  /**
   * The name of the export that holds the handler.
   *
   * @default - the handler kind: `http` or `objectLanded`
   */
  readonly exportName?: string;
  /**
   * The Node.js runtime, 22 or newer. 22 is the default because the GCP package deploys on
   * nodejs22 too, so one Node major runs the code on both clouds.
   *
   * @default lambda.Runtime.NODEJS_22_X
   */
  readonly runtime?: lambda.Runtime;
  /**
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;
  /**
   * Memory in MiB, 128 to 10240; CPU grows with it.
   *
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * At most 15 minutes. An HTTP API stops waiting after 30 seconds whatever this says.
   *
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * How long the function's own log group keeps its logs.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * @default lambda.Tracing.ACTIVE
   */
  readonly tracing?: lambda.Tracing;
  /**
   * Environment variables. Names starting with `BIS_` are reserved for `stores`. No secrets here:
   * BIS-TR8 fails a literal value under a secret's name (`DB_PASSWORD`); pass a Secrets Manager
   * ARN and read the secret at run time.
   *
   * @default - none, besides the `BIS_*` variables of `stores`
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * The stores the handlers see.
   *
   * @default - no stores: `ctx.stores` is empty
   */
  readonly stores?: PortableStoresProps;
  /**
   * Reserved concurrency, a whole number, 0 or more (0 stops the function).
   *
   * @default - no reservation: the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Where asynchronous invocations go after their last failed retry. Always configured when given.
   *
   * @default - an SQS queue of the function, created at the first asynchronous trigger
   *   (`addObjectLandedTrigger`, `addFailedEventsDestination`), encrypted with a customer-managed key
   */
  readonly onFailure?: lambda.IDestination;
  /**
   * @default - `cdk-bis portable function <entry>`
   */
  readonly description?: string;
}

/** A Function URL: HTTPS, payload v2, the response buffered. */
export interface PortableFunctionUrlOptions {
  /**
   * `AWS_IAM` for callers that sign (or CloudFront with origin access control in front); `NONE`
   * lets any browser call the URL, the handler then checks who calls.
   *
   * @default lambda.FunctionUrlAuthType.AWS_IAM
   */
  readonly authType?: lambda.FunctionUrlAuthType;
  /**
   * @default - no CORS
   */
  readonly cors?: lambda.FunctionUrlCorsOptions;
}

/** A route of a `WebApi` to the function. */
export interface PortableHttpRouteOptions {
  /** The path, from `/`, with `{param}` or `{proxy+}` parts, e.g. `'/orders/{id}'`. */
  readonly path: string;
  /**
   * @default [apigwv2.HttpMethod.ANY]
   */
  readonly methods?: readonly apigwv2.HttpMethod[];
  /**
   * The authorizer of this route. A route without one is public, which the API's
   * `publicAccessReason` must account for.
   *
   * @default - the API's `defaultAuthorizer`
   */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;
}

/** Objects landed in a bucket that has EventBridge notifications on (the lake's landing zone has). */
export interface ObjectLandedTriggerOptions {
  /** The bucket, e.g. `lake.zoneBucketName('landing')`. */
  readonly bucketName: string;
  /**
   * Only keys starting with this.
   *
   * @default - every key
   */
  readonly prefix?: string;
  /**
   * Only keys ending with this, e.g. `'.parquet'`.
   *
   * @default - every key
   */
  readonly suffix?: string;
}

const DEFAULT_MEMORY_MIB = 512;
const DEFAULT_TIMEOUT = Duration.seconds(30);
const MAX_TIMEOUT_SECONDS = 900;
const MIN_NODE_MAJOR = 22;
const ENTRY_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
/** Modules a Lambda bundle leaves out: loaded only on first use by a store that never runs on AWS. */
const LAMBDA_EXTERNAL_MODULES = ['@google-cloud/storage'] as const;
// The runtime's rules (functions/runtime/stores/environment.ts), checked at synth so a typo fails
// here and not at the first cold start. lib/ does not import functions/, so they are restated here
// and a test (test/lib/serverless/store-rules.test.ts) holds them equal to the runtime's.
export const STORE_NAME = /^[a-z][a-z0-9_]*$/;
export const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const KMS_KEY =
  /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+|alias\/.+|[0-9a-f-]{36}|mrk-[0-9a-f]{32})$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Why the defaults carry acknowledgements, written once. */
const NODE22_REASON =
  'PortableFunction runs on nodejs22.x on purpose: the GCP package deploys the same code on nodejs22, so one Node major runs it on both clouds; AWS supports nodejs22.x (BIS-SF5 checks deprecation). Pass runtime NODEJS_24_X to follow the latest.';
const XRAY_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
const XRAY_REASON =
  'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so X-Ray requires Resource "*".';

/**
 * A Lambda function built from a portable handler module under `functions/`: the module exports
 * an `HttpHandler` or `ObjectLandedHandler`, and the construct wraps it with the runtime's AWS
 * Lambda adapter and bundles it with a local esbuild. It runs on arm64 and nodejs22.x, with an
 * explicit memory size and timeout, its own log group, active tracing, and an on-failure
 * destination whenever it is triggered asynchronously. It carries the `PORTABLE_FUNCTION_MARK`
 * that BIS-PO1 reads.
 *
 * @example
 * const fn = new PortableFunction(this, 'Echo', { entry: 'functions/echo/index.ts' });
 * fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
 */
export class PortableFunction extends Construct implements iam.IGrantable {
  /** The Lambda function. */
  public readonly function: nodejs.NodejsFunction;
  /** The function's execution role: it may write its log group and traces, nothing else until granted. */
  public readonly role: iam.Role;
  /** The function's own log group. */
  public readonly logGroup: logs.LogGroup;
  /** The handler module as marked, from its `functions/` directory, e.g. `functions/echo/index.ts`. */
  public readonly entry: string;
  public readonly handlerKind: PortableHandlerKind;
  public readonly exportName: string;
  public readonly grantPrincipal: iam.IPrincipal;
  private failureDestination?: lambda.IDestination;
  private failedEvents?: sqs.Queue;
  private url?: lambda.FunctionUrl;

  public constructor(scope: Construct, id: string, props: PortableFunctionProps) {
    super(scope, id);
    const lockFile = findLockFile(process.cwd());
    if (lockFile === undefined) {
      throw this.invalid(
        `no lock file (package-lock.json, yarn.lock, pnpm-lock.yaml, bun.lockb) in ${process.cwd()} or above: run cdk in the app's directory, after npm install.`,
      );
    }
    const projectRoot = path.dirname(lockFile);
    const modulePath = this.validEntry(props.entry, projectRoot);
    this.entry = markedEntry(path.relative(projectRoot, modulePath));
    this.handlerKind = this.validHandler(props.handler);
    this.exportName = this.validExportName(props.exportName ?? this.handlerKind);
    const runtime = this.validRuntime(props.runtime ?? lambda.Runtime.NODEJS_22_X);
    const memorySize = this.validMemorySize(props.memorySize ?? DEFAULT_MEMORY_MIB);
    const timeout = this.validTimeout(props.timeout ?? DEFAULT_TIMEOUT);
    const reserved = this.validReservedConcurrency(props.reservedConcurrentExecutions);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    if (retention === logs.RetentionDays.INFINITE) {
      throw this.invalid(
        'logRetention INFINITE keeps, and bills, the logs forever; choose a logs.RetentionDays period.',
      );
    }
    const environment = { ...this.validEnvironment(props.environment), ...this.storeVariables(props.stores) };
    const tracing = props.tracing ?? lambda.Tracing.ACTIVE;

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `cdk-bis portable function ${this.entry} (${this.node.path})`,
    });
    // Only its own log group: no AWSLambdaBasicExecutionRole, which may write every log group.
    this.logGroup.grantWrite(this.role);
    this.grantPrincipal = this.role;

    const generatedEntry = writeLambdaEntry(projectRoot, {
      modulePath,
      exportName: this.exportName,
      kind: this.handlerKind,
      displayName: this.entry,
    });
    if (Stack.of(this).bundlingRequired) this.requireLocalEsbuild();

    this.failureDestination = props.onFailure;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: generatedEntry,
      depsLockFilePath: lockFile,
      handler: 'handler',
      description: props.description ?? `cdk-bis portable function ${this.entry}`,
      runtime,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      memorySize,
      timeout,
      tracing,
      logGroup: this.logGroup,
      role: this.role,
      environment,
      reservedConcurrentExecutions: reserved,
      onFailure: props.onFailure,
      bundling: {
        forceDockerBundling: false,
        // The AWS SDK is bundled too: the bundle runs the SDK version the runtime was tested with. The GCS
        // SDK, which the runtime loads only for a GCS store, never runs on Lambda: left out, it halves the bundle.
        externalModules: [...LAMBDA_EXTERNAL_MODULES],
        // Compiled (CommonJS) handlers `require()` ESM-only packages such as file-type, which offer no
        // `require` condition; `module-sync` is the one Node itself uses to require them.
        esbuildArgs: { '--conditions': 'module-sync,module' },
      },
    });
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata(PORTABLE_FUNCTION_MARK, {
      entry: this.entry,
    });
    if (runtime.name === lambda.Runtime.NODEJS_22_X.name) {
      Validations.of(this.function).acknowledge({ id: 'AwsSolutions-L1', reason: NODE22_REASON });
    }
    // At synth, once every grant is in: a wildcard a user adds later must still be reported.
    Aspects.of(this).add({
      visit: (node) => {
        if (node === this) this.acknowledgeTracingWildcard();
      },
    });
  }

  /** The function's ARN. */
  public get functionArn(): string {
    return this.function.functionArn;
  }

  /** The function's name. */
  public get functionName(): string {
    return this.function.functionName;
  }

  /** The failed-events queue, once an asynchronous trigger created it (not when `onFailure` was given). */
  public get failedEventsQueue(): sqs.Queue | undefined {
    return this.failedEvents;
  }

  /** The Function URL, once `addFunctionUrl` added it. */
  public get functionUrl(): lambda.FunctionUrl | undefined {
    return this.url;
  }

  /** Adds an HTTPS Function URL (payload v2) for an HTTP handler. */
  public addFunctionUrl(options: PortableFunctionUrlOptions = {}): lambda.FunctionUrl {
    this.requireKind('http', 'addFunctionUrl');
    if (this.url !== undefined)
      throw this.invalid('addFunctionUrl was already called: a function has one URL.');
    this.url = this.function.addFunctionUrl({
      authType: options.authType ?? lambda.FunctionUrlAuthType.AWS_IAM,
      cors: options.cors,
      invokeMode: lambda.InvokeMode.BUFFERED,
    });
    return this.url;
  }

  /**
   * Routes `path` of a `WebApi` to this HTTP handler. A route without an authorizer (none given
   * and no API default) is public: the API must then have a `publicAccessReason`, which is
   * recorded as the acknowledgement of AwsSolutions-APIG4 on the route.
   */
  public addHttpRoute(api: WebApi, options: PortableHttpRouteOptions): apigwv2.HttpRoute[] {
    this.requireKind('http', 'addHttpRoute');
    if (Token.isUnresolved(options.path) || !options.path.startsWith('/')) {
      throw this.invalid(
        `addHttpRoute: path must be a literal path starting with "/" (got ${JSON.stringify(options.path)}).`,
      );
    }
    const methods = options.methods ?? [apigwv2.HttpMethod.ANY];
    if (methods.length === 0)
      throw this.invalid('addHttpRoute: methods is empty; omit it to route every method.');
    const authorizer = options.authorizer ?? api.defaultAuthorizer;
    const isPublic = authorizer === undefined || authorizer instanceof apigwv2.HttpNoneAuthorizer;
    if (isPublic && api.publicAccessReason === undefined) {
      throw this.invalid(
        `addHttpRoute: the route ${options.path} has no authorizer and WebApi '${api.node.id}' has no publicAccessReason; give the route or the API an authorizer, or give the API a publicAccessReason.`,
      );
    }
    const integration = new HttpLambdaIntegration(`${this.node.id}Integration`, this.function);
    const routes = api.httpApi.addRoutes({
      path: options.path,
      methods: [...methods],
      integration,
      authorizer: options.authorizer,
    });
    const reason = api.publicAccessReason;
    if (isPublic && reason !== undefined) {
      for (const route of routes) Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason });
    }
    return routes;
  }

  /**
   * Runs this ObjectLanded handler for every object created in a bucket, through an EventBridge
   * rule ("Object Created"). Failed events go to the on-failure destination; events EventBridge
   * cannot deliver go to the failed-events queue too, when the function owns one.
   */
  public addObjectLandedTrigger(id: string, options: ObjectLandedTriggerOptions): events.Rule {
    this.requireKind('objectLanded', 'addObjectLandedTrigger');
    if (typeof options.bucketName !== 'string' || options.bucketName === '') {
      throw this.invalid(
        'addObjectLandedTrigger: bucketName is required, e.g. lake.zoneBucketName("landing").',
      );
    }
    for (const [name, value] of [
      ['prefix', options.prefix],
      ['suffix', options.suffix],
    ] as const) {
      if (value !== undefined && (Token.isUnresolved(value) || value === '')) {
        throw this.invalid(
          `addObjectLandedTrigger: ${name} must be a non-empty literal string (got ${JSON.stringify(value)}); omit it to match every key.`,
        );
      }
    }
    this.addFailedEventsDestination();
    // A name, so the key policy can name the rule's ARN without a reference back to the rule
    // (rule → queue → key → rule would be a cycle).
    const ruleName = `${Names.uniqueResourceName(this, { maxLength: 63 - id.length, separator: '-' })}-${id}`;
    const rule = new events.Rule(this, id, {
      ruleName,
      description: `cdk-bis: objects landed in ${Token.isUnresolved(options.bucketName) ? 'the bucket' : options.bucketName} → ${this.entry}`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [options.bucketName] },
          ...keyPattern(options.prefix, options.suffix),
        },
      },
    });
    const queue = this.failedEventsQueue;
    rule.addTarget(new targets.LambdaFunction(this.function, { deadLetterQueue: queue }));
    if (queue !== undefined) {
      // EventBridge writes undeliverable events into the encrypted queue with the key.
      failedEventsKey(this).addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: ['*'],
          conditions: {
            ArnEquals: {
              'aws:SourceArn': Stack.of(this).formatArn({
                service: 'events',
                resource: 'rule',
                resourceName: ruleName,
              }),
            },
          },
        }),
      );
    }
    return rule;
  }

  /**
   * The on-failure destination of asynchronous invocations: `onFailure` when given, otherwise a
   * failed-events queue of the function, created and configured on the first call. Call it when
   * you wire an asynchronous source yourself (SNS, a schedule); `addObjectLandedTrigger` calls it.
   */
  public addFailedEventsDestination(): lambda.IDestination {
    if (this.failureDestination !== undefined) return this.failureDestination;
    const queue = failedEventsQueue(this, 'FailedEvents');
    this.failedEvents = queue;
    this.failureDestination = new FailedEventsDestination(queue, failedEventsKey(this));
    this.function.configureAsyncInvoke({ onFailure: this.failureDestination });
    return this.failureDestination;
  }

  /**
   * Acknowledges AwsSolutions-IAM5[Resource::*] on the role only when X-Ray's statement is its one
   * statement on Resource "*": the acknowledgement covers every `*` finding of the role.
   */
  private acknowledgeTracingWildcard(): void {
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (!(policy instanceof iam.Policy)) return;
    const document = Stack.of(this).resolve(policy.document) as { Statement?: Record<string, unknown>[] };
    const onEverything = (document.Statement ?? []).filter((statement) =>
      ([] as unknown[]).concat(statement.Resource).includes('*'),
    );
    const onlyTracing =
      onEverything.length > 0 &&
      onEverything.every((statement) =>
        ([] as unknown[]).concat(statement.Action).every((action) => XRAY_ACTIONS.includes(action as string)),
      );
    if (onlyTracing) {
      Validations.of(this.role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: XRAY_REASON });
    }
  }

  private requireKind(kind: PortableHandlerKind, method: string): void {
    if (this.handlerKind !== kind) {
      throw this.invalid(
        `${method} needs handler '${kind}', but this function's handler is '${this.handlerKind}'.`,
      );
    }
  }

  private validEntry(entry: unknown, projectRoot: string): string {
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw this.invalid("entry is required: the handler module, e.g. 'functions/<service>/index.ts'.");
    }
    const resolved = path.resolve(entry);
    if (!fs.existsSync(resolved)) {
      throw this.invalid(
        `entry '${entry}' does not exist (looked for ${resolved}; relative paths start at ${process.cwd()}).`,
      );
    }
    if (!fs.statSync(resolved).isFile()) {
      throw this.invalid(
        `entry '${entry}' is a directory; name the module, e.g. '${path.join(entry, 'index.ts')}'.`,
      );
    }
    if (!ENTRY_EXTENSIONS.includes(path.extname(resolved))) {
      throw this.invalid(
        `entry '${entry}' is not a TypeScript or JavaScript module (${ENTRY_EXTENSIONS.join(', ')}).`,
      );
    }
    const relative = path.relative(projectRoot, resolved);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw this.invalid(
        `entry '${entry}' is outside the app's project root ${projectRoot} (where its lock file is); esbuild bundles only files of the project.`,
      );
    }
    if (!path.dirname(relative).split(path.sep).includes('functions')) {
      throw this.invalid(
        `entry '${entry}' is not under a functions/ directory: portable handlers live in functions/<service>/, apart from the CDK code (e.g. 'functions/ingest/index.ts').`,
      );
    }
    return resolved;
  }

  private validHandler(handler: unknown): PortableHandlerKind {
    const kinds = Object.keys(LAMBDA_ADAPTERS);
    if (handler === undefined) return 'http';
    if (typeof handler === 'string' && kinds.includes(handler)) return handler as PortableHandlerKind;
    throw this.invalid(
      `handler must be ${kinds.map((kind) => `'${kind}'`).join(' or ')} (got ${JSON.stringify(handler)}); name a different export with exportName.`,
    );
  }

  private validExportName(name: string): string {
    if (!IDENTIFIER.test(name) || name === 'default') {
      throw this.invalid(
        `exportName must be the name of a named export, a JavaScript identifier (got ${JSON.stringify(name)}).`,
      );
    }
    return name;
  }

  private validRuntime(runtime: lambda.Runtime): lambda.Runtime {
    const major = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
    if (
      runtime.family !== lambda.RuntimeFamily.NODEJS ||
      major === undefined ||
      Number(major) < MIN_NODE_MAJOR
    ) {
      throw this.invalid(
        `runtime ${runtime.name} is not supported: portable functions run on Node.js ${MIN_NODE_MAJOR} or newer (lambda.Runtime.NODEJS_22_X, NODEJS_24_X).`,
      );
    }
    return runtime;
  }

  private validMemorySize(memory: number): number {
    if (Token.isUnresolved(memory) || !Number.isInteger(memory) || memory < 128 || memory > 10240) {
      throw this.invalid(`memorySize must be a whole number of MiB from 128 to 10240 (got ${memory}).`);
    }
    return memory;
  }

  private validTimeout(timeout: Duration): Duration {
    if (timeout.isUnresolved())
      throw this.invalid('timeout must be a literal Duration, not a deploy-time token.');
    const seconds = timeout.toSeconds({ integral: false });
    if (seconds > MAX_TIMEOUT_SECONDS) {
      throw this.invalid(
        `timeout ${timeout.toHumanString()} is above Lambda's maximum of 900 seconds (15 minutes).`,
      );
    }
    if (seconds < 1 || !Number.isInteger(seconds)) {
      throw this.invalid(
        `timeout must be a whole number of seconds, at least 1 (got ${timeout.toHumanString()}).`,
      );
    }
    return timeout;
  }

  private validReservedConcurrency(reserved: number | undefined): number | undefined {
    if (reserved === undefined) return undefined;
    if (Token.isUnresolved(reserved) || !Number.isInteger(reserved) || reserved < 0) {
      throw this.invalid(`reservedConcurrentExecutions must be a whole number, 0 or more (got ${reserved}).`);
    }
    return reserved;
  }

  private validEnvironment(
    environment: Readonly<Record<string, string>> | undefined,
  ): Record<string, string> {
    const variables = { ...(environment ?? {}) };
    for (const [name, value] of Object.entries(variables)) {
      if (name.startsWith('BIS_')) {
        throw this.invalid(
          `environment.${name}: names starting with BIS_ are reserved for the stores; configure them with the stores prop.`,
        );
      }
      if (typeof value !== 'string') {
        throw this.invalid(`environment.${name} must be a string (got ${typeof value}).`);
      }
    }
    return variables;
  }

  /** The `BIS_*` variables that `storesFromEnvironment()` reads at cold start. */
  private storeVariables(stores: PortableStoresProps | undefined): Record<string, string> {
    if (stores === undefined) return {};
    const names = Object.keys(stores.buckets ?? {});
    if (names.length === 0)
      throw this.invalid('stores.buckets is empty; name at least one store, or omit stores.');
    if (typeof stores.kmsKeyArn !== 'string' || stores.kmsKeyArn === '') {
      throw this.invalid(
        'stores.kmsKeyArn is required: S3ObjectStore writes with SSE-KMS under it (e.g. lake.keyArn).',
      );
    }
    if (!Token.isUnresolved(stores.kmsKeyArn) && !KMS_KEY.test(stores.kmsKeyArn)) {
      throw this.invalid(
        `stores.kmsKeyArn ${JSON.stringify(stores.kmsKeyArn)} is not a KMS key ARN, alias or key ID (e.g. lake.keyArn, arn:aws:kms:<region>:<account>:key/<id>).`,
      );
    }
    const variables: Record<string, string> = {
      BIS_STORES: names.join(','),
      BIS_STORE_PROVIDER: 's3',
      BIS_S3_KMS_KEY_ID: stores.kmsKeyArn,
    };
    for (const name of names) {
      if (!STORE_NAME.test(name)) {
        throw this.invalid(
          `stores.buckets: store name ${JSON.stringify(name)} must be lower-case letters, digits and '_', starting with a letter (handlers read ctx.stores.<name>).`,
        );
      }
      const bucket = stores.buckets[name];
      if (typeof bucket !== 'string' || (!Token.isUnresolved(bucket) && !S3_BUCKET_NAME.test(bucket))) {
        throw this.invalid(
          `stores.buckets.${name} must be an S3 bucket name (got ${JSON.stringify(bucket)}).`,
        );
      }
      variables[`BIS_STORE_${name.toUpperCase()}_BUCKET`] = bucket;
    }
    return variables;
  }

  /** NodejsFunction falls back to Docker without a local esbuild; say what to install instead. */
  private requireLocalEsbuild(): void {
    try {
      require.resolve('esbuild/package.json', {
        paths: [path.dirname(require.resolve('aws-cdk-lib/package.json')), process.cwd()],
      });
      return;
    } catch {
      const probe = spawnSync('esbuild', ['--version']);
      if (probe.status === 0) return;
    }
    throw this.invalid(
      'bundling needs esbuild installed in the app (npm install --save-dev esbuild); cdk-bis bundles locally, without Docker.',
    );
  }

  private invalid(message: string): Error {
    return new Error(`PortableFunction '${this.node.id}' (${this.node.path}): ${message}`);
  }
}

/** The module's path from the project's `functions/` directory, with forward slashes. */
function markedEntry(relativePath: string): string {
  const parts = relativePath.split(path.sep);
  return parts.slice(parts.indexOf('functions')).join('/');
}

/** The EventBridge matcher of `detail.object.key` for a prefix and a suffix. */
function keyPattern(prefix: string | undefined, suffix: string | undefined): Record<string, unknown> {
  let matcher: string[] | undefined;
  if (prefix !== undefined && suffix !== undefined) {
    // Both ends: a wildcard, with the pattern's own `*` and `\` escaped.
    const escape = (text: string) => text.replace(/[\\*]/g, (sign) => `\\${sign}`);
    matcher = events.Match.wildcard(`${escape(prefix)}*${escape(suffix)}`);
  } else if (prefix !== undefined) {
    matcher = events.Match.prefix(prefix);
  } else if (suffix !== undefined) {
    matcher = events.Match.suffix(suffix);
  }
  return matcher === undefined ? {} : { object: { key: matcher } };
}
