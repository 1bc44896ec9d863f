import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { PortableFunction, type PortableFunctionProps, WebApi } from '../../../lib/serverless';
import { HELLO_ENTRY, helloFunction, serviceStack } from './serverless-fixture';

const PREFIX = "PortableFunction 'Fn' (Service/Fn): ";
const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function withProps(props: Partial<PortableFunctionProps>): () => PortableFunction {
  return () => helloFunction(props);
}

describe('entry', () => {
  test('a missing entry is an error that names the prop and shows the layout', () => {
    expect(() => new PortableFunction(serviceStack(), 'Fn', {} as PortableFunctionProps)).toThrow(
      `${PREFIX}entry is required: the handler module, e.g. 'functions/<service>/index.ts'.`,
    );
    expect(withProps({ entry: ' ' })).toThrow(`${PREFIX}entry is required`);
  });

  test('an entry that does not exist is an error that names the path looked at', () => {
    expect(withProps({ entry: 'functions/nothing-here/index.ts' })).toThrow(
      `${PREFIX}entry 'functions/nothing-here/index.ts' does not exist (looked for ${process.cwd()}/functions/nothing-here/index.ts`,
    );
  });

  test('a directory is an error that suggests its index module', () => {
    expect(withProps({ entry: 'test/fixtures/functions/hello' })).toThrow(
      `${PREFIX}entry 'test/fixtures/functions/hello' is a directory; name the module, e.g. 'test/fixtures/functions/hello/index.ts'.`,
    );
  });

  test('an entry outside a functions/ directory is an error', () => {
    expect(withProps({ entry: 'test/fixtures/handlers/outside.ts' })).toThrow(
      `${PREFIX}entry 'test/fixtures/handlers/outside.ts' is not under a functions/ directory`,
    );
  });

  test('an entry that is not a module is an error', () => {
    expect(withProps({ entry: 'test/fixtures/functions/README.md' })).toThrow(
      `${PREFIX}entry 'test/fixtures/functions/README.md' is not a TypeScript or JavaScript module`,
    );
  });
});

describe('handler and exportName', () => {
  test('an unknown handler kind is an error that lists the kinds', () => {
    expect(withProps({ handler: 'grpc' as never })).toThrow(
      `${PREFIX}handler must be 'http' or 'objectLanded' (got "grpc"); name a different export with exportName.`,
    );
  });

  test.each(['default', 'my-handler', '1st', ''])('exportName %p is an error', (exportName) => {
    expect(withProps({ exportName })).toThrow(`${PREFIX}exportName must be the name of a named export`);
  });
});

describe('runtime', () => {
  test.each([
    ['Node.js 20', lambda.Runtime.NODEJS_20_X],
    ['Node.js 18', lambda.Runtime.NODEJS_18_X],
    ['Python', lambda.Runtime.PYTHON_3_13],
    ['the variable NODEJS_LATEST family name', new lambda.Runtime('nodejs', lambda.RuntimeFamily.NODEJS)],
  ])('%s is refused: portable functions need Node.js 22 or newer', (_why, runtime) => {
    expect(withProps({ runtime })).toThrow(
      `${PREFIX}runtime ${runtime.name} is not supported: portable functions run on Node.js 22 or newer`,
    );
  });

  test('Node.js 24 is accepted', () => {
    expect(withProps({ runtime: lambda.Runtime.NODEJS_24_X })).not.toThrow();
  });
});

describe('memory, timeout and concurrency', () => {
  test.each([64, 10241, 1.5, Number.NaN])('memorySize %p is an error with the range', (memorySize) => {
    expect(withProps({ memorySize })).toThrow(
      `${PREFIX}memorySize must be a whole number of MiB from 128 to 10240 (got ${memorySize}).`,
    );
  });

  test('a timeout above 900 seconds is an error that names the prop and the maximum', () => {
    expect(withProps({ timeout: Duration.seconds(901) })).toThrow(
      `${PREFIX}timeout 15 minutes 1 second is above Lambda's maximum of 900 seconds (15 minutes).`,
    );
    expect(withProps({ timeout: Duration.hours(1) })).toThrow(`${PREFIX}timeout 1 hour is above`);
  });

  test('900 seconds exactly is accepted', () => {
    expect(withProps({ timeout: Duration.minutes(15) })).not.toThrow();
  });

  test.each([
    ['under a second', Duration.millis(500)],
    ['zero', Duration.seconds(0)],
    ['a fraction of a second', Duration.millis(1500)],
  ])('a timeout of %s is an error', (_why, timeout) => {
    expect(withProps({ timeout })).toThrow(`${PREFIX}timeout must be a whole number of seconds, at least 1`);
  });

  test('a deploy-time timeout is an error', () => {
    const timeout = Duration.seconds(Lazy.number({ produce: () => 10 }));
    expect(withProps({ timeout })).toThrow(
      `${PREFIX}timeout must be a literal Duration, not a deploy-time token.`,
    );
  });

  test.each([-1, 2.5])('reservedConcurrentExecutions %p is an error', (reservedConcurrentExecutions) => {
    expect(withProps({ reservedConcurrentExecutions })).toThrow(
      `${PREFIX}reservedConcurrentExecutions must be a whole number, 0 or more (got ${reservedConcurrentExecutions}).`,
    );
  });
});

describe('logs, environment and stores', () => {
  test('logs kept forever are refused', () => {
    expect(withProps({ logRetention: logs.RetentionDays.INFINITE })).toThrow(
      `${PREFIX}logRetention INFINITE keeps, and bills, the logs forever; choose a logs.RetentionDays period.`,
    );
  });

  test('an environment variable named BIS_* is refused: the stores own those names', () => {
    expect(withProps({ environment: { BIS_STORES: 'x' } })).toThrow(
      `${PREFIX}environment.BIS_STORES: names starting with BIS_ are reserved for the stores; configure them with the stores prop.`,
    );
  });

  test('a non-string environment value is an error', () => {
    expect(withProps({ environment: { PORT: 8080 as never } })).toThrow(
      `${PREFIX}environment.PORT must be a string (got number).`,
    );
  });

  test('stores with no bucket are an error', () => {
    expect(
      withProps({ stores: { buckets: {}, kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/k' } }),
    ).toThrow(`${PREFIX}stores.buckets is empty; name at least one store, or omit stores.`);
  });

  test('stores without a KMS key are an error: S3ObjectStore writes with SSE-KMS', () => {
    expect(withProps({ stores: { buckets: { landing: 'landing-bucket' }, kmsKeyArn: '' } })).toThrow(
      `${PREFIX}stores.kmsKeyArn is required: S3ObjectStore writes with SSE-KMS under it (e.g. lake.keyArn).`,
    );
  });

  test.each(['raw-zone', '1st', 'Raw', 'raw zone'])('store name %p is an error', (name) => {
    expect(withProps({ stores: { buckets: { [name]: 'raw-bucket' }, kmsKeyArn: KEY } })).toThrow(
      `${PREFIX}stores.buckets: store name ${JSON.stringify(name)} must be lower-case letters, digits and '_', starting with a letter`,
    );
  });

  test.each(['', 'Upper-Case', 'a', 'under_score'])('bucket name %p is an error', (bucket) => {
    expect(withProps({ stores: { buckets: { raw: bucket }, kmsKeyArn: KEY } })).toThrow(
      `${PREFIX}stores.buckets.raw must be an S3 bucket name (got ${JSON.stringify(bucket)}).`,
    );
  });

  test('a KMS key that is not an ARN, alias or key ID is an error', () => {
    expect(withProps({ stores: { buckets: { raw: 'raw-bucket' }, kmsKeyArn: 'my-key' } })).toThrow(
      `${PREFIX}stores.kmsKeyArn "my-key" is not a KMS key ARN, alias or key ID`,
    );
  });
});

describe('entry points and triggers', () => {
  test('a Function URL on an ObjectLanded handler is an error', () => {
    expect(() => helloFunction({ handler: 'objectLanded' }).addFunctionUrl()).toThrow(
      `${PREFIX}addFunctionUrl needs handler 'http', but this function's handler is 'objectLanded'.`,
    );
  });

  test('a second Function URL is an error', () => {
    const fn = helloFunction();
    fn.addFunctionUrl();
    expect(() => fn.addFunctionUrl()).toThrow(
      `${PREFIX}addFunctionUrl was already called: a function has one URL.`,
    );
  });

  test('an ObjectLanded trigger on an HTTP handler is an error', () => {
    expect(() => helloFunction().addObjectLandedTrigger('Landed', { bucketName: 'b' })).toThrow(
      `${PREFIX}addObjectLandedTrigger needs handler 'objectLanded', but this function's handler is 'http'.`,
    );
  });

  test('an ObjectLanded trigger without a bucket, or with an empty prefix, is an error', () => {
    const fn = helloFunction({ handler: 'objectLanded' });
    expect(() => fn.addObjectLandedTrigger('Landed', { bucketName: '' })).toThrow(
      `${PREFIX}addObjectLandedTrigger: bucketName is required`,
    );
    expect(() => fn.addObjectLandedTrigger('Landed', { bucketName: 'b', prefix: '' })).toThrow(
      `${PREFIX}addObjectLandedTrigger: prefix must be a non-empty literal string (got ""); omit it to match every key.`,
    );
  });

  test('an HTTP route needs a path from / and at least one method', () => {
    const fn = helloFunction();
    const api = new WebApi(Stack.of(fn), 'Api', {
      publicAccessReason: 'a public status page anyone may read',
    });
    expect(() => fn.addHttpRoute(api, { path: 'hello' })).toThrow(
      `${PREFIX}addHttpRoute: path must be a literal path starting with "/" (got "hello").`,
    );
    expect(() => fn.addHttpRoute(api, { path: '/hello', methods: [] })).toThrow(
      `${PREFIX}addHttpRoute: methods is empty; omit it to route every method.`,
    );
  });
});

describe('WebApi', () => {
  test('an API with neither an authorizer nor a public-access reason is an error', () => {
    expect(() => new WebApi(serviceStack(), 'Api')).toThrow(
      "WebApi 'Api' (Service/Api): give defaultAuthorizer (e.g. new HttpJwtAuthorizer(...) on your identity provider) or publicAccessReason",
    );
  });

  test('a public-access reason must say something', () => {
    expect(() => new WebApi(serviceStack(), 'Api', { publicAccessReason: 'ok' })).toThrow(
      "WebApi 'Api' (Service/Api): publicAccessReason must be a literal sentence of at least 10 characters",
    );
  });

  test('access logs kept forever are refused', () => {
    expect(
      () =>
        new WebApi(serviceStack(), 'Api', {
          publicAccessReason: 'a public status page anyone may read',
          accessLogRetention: logs.RetentionDays.INFINITE,
        }),
    ).toThrow(
      "WebApi 'Api' (Service/Api): accessLogRetention INFINITE keeps and bills the access logs forever",
    );
  });
});

test('the fixture entry is accepted', () => {
  expect(() => helloFunction({ entry: HELLO_ENTRY })).not.toThrow();
});

test('an entry outside the project root is an error: esbuild bundles only the project', () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'portable-'));
  const entry = path.join(outside, 'functions', 'elsewhere', 'index.ts');
  fs.mkdirSync(path.dirname(entry), { recursive: true });
  fs.writeFileSync(entry, 'export const http = () => new Response("elsewhere");\n');
  try {
    expect(withProps({ entry })).toThrow(
      `${PREFIX}entry '${entry}' is outside the app's project root ${process.cwd()}`,
    );
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});
