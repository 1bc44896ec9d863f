import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { PortableFunction } from '../../../lib/serverless';
import { ECHO_FAILURE_MESSAGE, type EchoedRequest } from '../../../functions/echo';

const KMS_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/*
 * The tests that bundle for real: cdk synth runs esbuild on the generated entry for
 * functions/echo, and a separate Node process loads the bundle from cdk.out, as Lambda would, and
 * answers API Gateway v2 events.
 */

function httpEvent(
  rawPath: string,
  extra: Partial<APIGatewayProxyEventV2> & { method?: string } = {},
): APIGatewayProxyEventV2 {
  const { method = 'GET', ...rest } = extra;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
    isBase64Encoded: false,
    requestContext: {
      accountId: '111122223333',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'jest' },
      requestId: `request-${rawPath}`,
      routeKey: '$default',
      stage: '$default',
      time: '01/Dec/2026:19:00:00 +0000',
      timeEpoch: 1796151600000,
    },
    ...rest,
  };
}

/** Synthesizes the app, bundling for real, and gives the path of the function's bundled index.js. */
function synthesizedBundle(app: App, stack: Stack, fn: PortableFunction): string {
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template;
  const logicalId = stack.getLogicalId(fn.function.node.defaultChild as never);
  const assetHash = String(template.Resources[logicalId].Properties.Code.S3Key).replace(/\.zip$/, '');
  return path.join(assembly.directory, `asset.${assetHash}`, 'index.js');
}

/** Loads the bundle in a fresh Node process and answers each event in turn. */
function invokeBundle(
  bundle: string,
  eventsToSend: readonly APIGatewayProxyEventV2[],
): APIGatewayProxyStructuredResultV2[] {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portable-bundle-'));
  const input = path.join(work, 'events.json');
  const output = path.join(work, 'results.json');
  fs.writeFileSync(input, JSON.stringify(eventsToSend));
  const script = `
    const fs = require('fs');
    const { handler } = require(${JSON.stringify(bundle)});
    const context = (id) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 30000 });
    (async () => {
      const results = [];
      for (const event of JSON.parse(fs.readFileSync(${JSON.stringify(input)}, 'utf8'))) {
        results.push(await handler(event, context(event.requestContext.requestId)));
      }
      fs.writeFileSync(${JSON.stringify(output)}, JSON.stringify(results));
    })();`;
  const run = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  try {
    if (run.status !== 0) throw new Error(`the bundle failed (exit ${run.status}): ${run.stderr}`);
    return JSON.parse(fs.readFileSync(output, 'utf8'));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

test('the bundled functions/echo answers API Gateway v2 events byte for byte, in a plain Node process', () => {
  const app = new App();
  const stack = new Stack(app, 'Bundled');
  const echo = new PortableFunction(stack, 'Echo', { entry: 'functions/echo/index.ts' });
  const bundle = synthesizedBundle(app, stack, echo);
  expect(fs.existsSync(bundle)).toBe(true);
  // The adapter's own module keeps the GCP side out of the Lambda bundle.
  const code = fs.readFileSync(bundle, 'utf8');
  expect(code).not.toContain('@google-cloud/functions-framework');
  // The GCS SDK, loaded only by a GCS store, stays out: an import of it, none of its code.
  expect(code).toContain('import("@google-cloud/storage")');
  expect(code).not.toContain('node_modules/@google-cloud/storage/');
  expect(code).not.toContain('node_modules/google-auth-library/');

  const body = randomBytes(4096);
  const [echoed, cookies, thrown] = invokeBundle(bundle, [
    httpEvent('/orders/42', {
      method: 'POST',
      rawQueryString: 'name=caf%C3%A9&tag=a&tag=b',
      cookies: ['session=abc', 'theme=dark'],
      headers: {
        host: 'abc123.execute-api.eu-west-1.amazonaws.com',
        'content-type': 'application/octet-stream',
      },
      body: body.toString('base64'),
      isBase64Encoded: true,
    }),
    httpEvent('/cookies'),
    httpEvent('/throw'),
  ]);

  expect(echoed.statusCode).toBe(200);
  const request = JSON.parse(
    echoed.isBase64Encoded ? Buffer.from(echoed.body!, 'base64').toString('utf8') : echoed.body!,
  ) as EchoedRequest;
  expect(request).toMatchObject({
    method: 'POST',
    path: '/orders/42',
    query: [
      ['name', 'café'],
      ['tag', 'a'],
      ['tag', 'b'],
    ],
    cookie: 'session=abc; theme=dark',
    contentType: 'application/octet-stream',
    bodyLength: body.byteLength,
  });
  expect(Buffer.from(request.bodyBase64, 'base64').equals(body)).toBe(true);

  expect(cookies.statusCode).toBe(200);
  expect(cookies.cookies).toEqual([
    'session=abc123; Path=/; HttpOnly; Secure; SameSite=Lax',
    'theme=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/',
    'lang=fr; Path=/',
  ]);

  expect(thrown.statusCode).toBe(500);
  expect(thrown.body).not.toContain(ECHO_FAILURE_MESSAGE);
  expect(JSON.parse(thrown.body!)).toMatchObject({ requestId: 'request-/throw' });
});

test.each([
  ['ingest', 'http'],
  ['curate', 'objectLanded'],
  ['catalog', 'http'],
] as const)(
  'the compiled %s (dist/, as the package ships it) bundles and loads, though it require()s ESM-only packages',
  (service, handler) => {
    // dist/ is what `npm test` builds first and what an installed cdk-bis holds: CommonJS that requires
    // packages such as file-type, whose exports have no `require` condition.
    const entry = `dist/functions/${service}/index.js`;
    expect(fs.existsSync(entry)).toBe(true);
    const app = new App();
    const stack = new Stack(app, 'Compiled');
    const fn = new PortableFunction(stack, 'Service', {
      entry,
      handler,
      stores: { buckets: { landing: 'acme-landing' }, kmsKeyArn: KMS_KEY },
    });
    const bundle = synthesizedBundle(app, stack, fn);
    const load = spawnSync(
      process.execPath,
      ['-e', `console.log(typeof require(${JSON.stringify(bundle)}).handler)`],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          BIS_STORES: 'landing',
          BIS_STORE_PROVIDER: 's3',
          BIS_STORE_LANDING_BUCKET: 'acme-landing',
          BIS_S3_KMS_KEY_ID: KMS_KEY,
        },
      },
    );
    expect(load.stderr).toBe('');
    expect(load.stdout.trim()).toBe('function');
  },
);
