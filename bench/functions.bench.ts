/*
 * `npm run bench:functions`: what the portable adapters cost, in one run. Not part of `npm test`;
 * figures go to BENCHMARKS.md.
 * 1. HTTP on loopback: a bare functions-framework handler against the same work through `gcpHttp`,
 *    for a small JSON body and a 1 MB binary body, driven by autocannon. Each server runs in its own
 *    child process, so the load generator (this process) never shares an event loop with a server,
 *    and the two servers take turns: one is loaded at a time.
 * 2. Lambda: `awsLambdaHttp` over a million synthetic API Gateway v2 events against a plain v2
 *    handler doing the same work, both called directly in this process; nanoseconds per event.
 * Interleaved repeats; ratios and differences are paired within a repeat, then the median is taken.
 * BENCH_REPEATS (5), BENCH_DURATION (5 s per measure), BENCH_CONNECTIONS (10), BENCH_EVENTS (1,000,000).
 */
import { http, type HttpFunction } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import autocannon from 'autocannon';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { fork, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { isDeepStrictEqual } from 'util';
import type { AddressInfo } from 'net';
import { cpus, loadavg, totalmem } from 'os';
import { awsLambdaHttp, gcpHttp, type HttpHandler } from '../functions/runtime';
import { median, positiveSetting, spread } from './figures';

const REPEATS = positiveSetting('bench:functions', 'BENCH_REPEATS', 5);
const DURATION = positiveSetting('bench:functions', 'BENCH_DURATION', 5);
const CONNECTIONS = positiveSetting('bench:functions', 'BENCH_CONNECTIONS', 10);
const EVENTS = positiveSetting('bench:functions', 'BENCH_EVENTS', 1_000_000);
const TARGET_RATIO = 0.9;
const FUNCTION = 'bench';

// The same work on both sides: a JSON body is parsed and answered inside a JSON object, other bytes are echoed.
const bareEcho: HttpFunction = (req, res) => {
  const contentType = req.headers['content-type'] ?? 'application/octet-stream';
  if (contentType === 'application/json') res.json({ received: req.body });
  else res.type(contentType).send(req.rawBody ?? Buffer.alloc(0));
};

const portableEcho: HttpHandler = async (request) => {
  const contentType = request.headers.get('content-type') ?? 'application/octet-stream';
  if (contentType === 'application/json') return Response.json({ received: await request.json() });
  return new Response(await request.arrayBuffer(), { headers: { 'content-type': contentType } });
};

const plainLambdaEcho = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const contentType = event.headers['content-type'] ?? 'application/octet-stream';
  if (contentType === 'application/json') {
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ received: JSON.parse(event.body ?? 'null') }),
    };
  }
  return {
    statusCode: 200,
    headers: { 'content-type': contentType },
    body: event.body,
    isBase64Encoded: event.isBase64Encoded,
  };
};

type Variant = 'bare' | 'portable';
const VARIANTS: readonly Variant[] = ['bare', 'portable'];

/** Child process: one functions-framework server on a loopback port, reported to the parent. */
function serve(variant: Variant): void {
  if (variant === 'bare') http(FUNCTION, bareEcho);
  else gcpHttp(FUNCTION, portableEcho, { stores: {} });
  const server = getTestServer(FUNCTION);
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}

interface Server {
  readonly variant: Variant;
  readonly url: string;
  readonly child: ChildProcess;
}

function startServer(variant: Variant): Promise<Server> {
  // Inherits this process's `-r @swc-node/register`; the children's request logs are not the bench's output.
  const child = fork(__filename, ['serve', variant], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) =>
      resolve({ variant, url: `http://127.0.0.1:${message.port}`, child }),
    );
    child.once('exit', (code) =>
      reject(new Error(`the ${variant} server exited (${code}) before listening`)),
    );
  });
}

interface Body {
  readonly label: string;
  readonly contentType: string;
  readonly bytes: Buffer;
  /** Whether a response is the echo this body must get back. */
  readonly answers: (response: Buffer) => boolean;
}

const order = {
  id: 'order-1234',
  items: [
    { sku: 'A1', qty: 2 },
    { sku: 'B7', qty: 1 },
  ],
  note: 'after 6 pm ✓',
};
const megabyte = randomBytes(1024 * 1024);
const BODIES: readonly Body[] = [
  {
    label: 'small JSON',
    contentType: 'application/json',
    bytes: Buffer.from(JSON.stringify(order)),
    answers: (response) => isDeepStrictEqual(JSON.parse(response.toString('utf8')), { received: order }),
  },
  {
    label: '1 MB binary',
    contentType: 'application/octet-stream',
    bytes: megabyte,
    answers: (response) => response.equals(megabyte),
  },
];

/** Both servers must give the expected answer before their speed means anything. */
async function checkAnswers(server: Server, body: Body): Promise<void> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': body.contentType },
    body: new Uint8Array(body.bytes),
  });
  const received = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200 || !body.answers(received)) {
    throw new Error(
      `the ${server.variant} server answered the ${body.label} body wrongly (status ${response.status})`,
    );
  }
}

async function load(server: Server, body: Body, duration: number): Promise<number> {
  const result = await autocannon({
    url: server.url,
    method: 'POST',
    headers: { 'content-type': body.contentType },
    body: body.bytes,
    connections: CONNECTIONS,
    duration,
  });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(
      `${server.variant}, ${body.label}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`,
    );
  }
  return result.requests.total / result.duration;
}

async function benchHttp(): Promise<void> {
  const servers = await Promise.all(VARIANTS.map(startServer));
  try {
    for (const body of BODIES) {
      for (const server of servers) {
        await checkAnswers(server, body);
        await load(server, body, 1); // warm-up: JIT and connection pools, not measured
      }
    }
    const rates = new Map(BODIES.map((body) => [body, { bare: [] as number[], portable: [] as number[] }]));
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const body of BODIES) {
        // Alternate which server goes first, so drift of the machine's speed falls on both.
        const turn = repeat % 2 === 0 ? servers : [...servers].reverse();
        for (const server of turn) rates.get(body)![server.variant].push(await load(server, body, DURATION));
      }
      process.stderr.write(`http repeat ${repeat + 1}/${REPEATS} done\n`);
    }
    console.log(`\nHTTP on loopback: ${CONNECTIONS} connections, ${REPEATS} × ${DURATION} s per measure`);
    console.log(
      '| body | bare req/s | through gcpHttp req/s | ratio (median) | ratio spread | target ≥ 0.90 |',
    );
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const body of BODIES) {
      const { bare, portable } = rates.get(body)!;
      const ratios = bare.map((rate, i) => portable[i] / rate);
      const ratio = median(ratios);
      console.log(
        `| ${body.label} | ${median(bare).toFixed(0)} | ${median(portable).toFixed(0)} | ${ratio.toFixed(2)} | ` +
          `${spread(ratios, 2)} | ${ratio >= TARGET_RATIO ? 'met' : 'missed'} |`,
      );
      console.log(`  ${body.label} per-repeat ratios: ${ratios.map((r) => r.toFixed(2)).join(', ')}`);
    }
  } finally {
    for (const server of servers) server.child.kill();
  }
}

/** A pool of distinct v2 events, cycled: what API Gateway or a Function URL sends for one JSON POST. */
function lambdaEvents(count: number): APIGatewayProxyEventV2[] {
  return Array.from({ length: count }, (_, i) => ({
    version: '2.0',
    routeKey: '$default',
    rawPath: `/orders/${i}`,
    rawQueryString: `page=${i % 7}&sort=asc`,
    cookies: ['session=abc123'],
    headers: {
      'content-type': 'application/json',
      host: 'abc.lambda-url.eu-west-1.on.aws',
      'user-agent': 'bench',
    },
    queryStringParameters: { page: String(i % 7), sort: 'asc' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc',
      domainName: 'abc.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abc',
      http: {
        method: 'POST',
        path: `/orders/${i}`,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
      },
      requestId: `request-${i}`,
      routeKey: '$default',
      stage: '$default',
      time: '01/Dec/2026:19:00:00 +0000',
      timeEpoch: 1796151600000,
    },
    body: JSON.stringify({ ...order, id: `order-${i}` }),
    isBase64Encoded: false,
  }));
}

const lambdaContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bench',
  memoryLimitInMB: '1024',
  awsRequestId: 'bench-request',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

async function nanosecondsPerEvent(
  handler: LambdaHandler,
  events: readonly APIGatewayProxyEventV2[],
): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) await handler(events[i % events.length], lambdaContext);
  return Number(process.hrtime.bigint() - start) / EVENTS;
}

async function benchLambda(): Promise<void> {
  const events = lambdaEvents(1000);
  const plain: LambdaHandler = (event) => plainLambdaEcho(event);
  const adapted = awsLambdaHttp(portableEcho, { stores: {} }) as unknown as LambdaHandler;
  // Same answer on both sides, or the comparison means nothing.
  const expected = { received: JSON.parse(events[0].body!) };
  for (const [label, handler] of [
    ['plain', plain],
    ['awsLambdaHttp', adapted],
  ] as const) {
    const result = (await handler(events[0], lambdaContext)) as APIGatewayProxyStructuredResultV2;
    if (result.statusCode !== 200 || !isDeepStrictEqual(JSON.parse(String(result.body)), expected)) {
      throw new Error(`the ${label} Lambda handler answered wrongly: ${JSON.stringify(result)}`);
    }
  }
  const timings = { plain: [] as number[], adapted: [] as number[] };
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const turn = repeat % 2 === 0 ? (['plain', 'adapted'] as const) : (['adapted', 'plain'] as const);
    for (const side of turn)
      timings[side].push(await nanosecondsPerEvent(side === 'plain' ? plain : adapted, events));
    process.stderr.write(`lambda repeat ${repeat + 1}/${REPEATS} done\n`);
  }
  const overheads = timings.adapted.map((ns, i) => ns - timings.plain[i]);
  console.log(
    `\nLambda: ${EVENTS.toLocaleString('en')} synthetic v2 events (JSON POST) per measure, ${REPEATS} repeats`,
  );
  console.log(
    '| plain handler ns/event | through awsLambdaHttp ns/event | overhead ns/event (median) | overhead spread |',
  );
  console.log('| --- | --- | --- | --- |');
  console.log(
    `| ${median(timings.plain).toFixed(0)} | ${median(timings.adapted).toFixed(0)} | ${median(overheads).toFixed(0)} | ` +
      `${spread(overheads, 0)} |`,
  );
  console.log(`  per-repeat overhead ns/event: ${overheads.map((ns) => ns.toFixed(0)).join(', ')}`);
}

async function main(): Promise<void> {
  console.log(
    `bench:functions on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  // Other work on the machine shows as load: a bench run beside it measures the contention, not the adapters.
  console.log(
    `load average at start: ${loadavg()
      .map((load) => load.toFixed(2))
      .join(', ')}`,
  );
  await benchHttp();
  await benchLambda();
  console.log(
    `\nload average at end: ${loadavg()
      .map((load) => load.toFixed(2))
      .join(', ')}`,
  );
}

if (process.argv[2] === 'serve') serve(process.argv[3] as Variant);
else
  main().catch((error: Error) => {
    console.error(`bench:functions: ${error.message}`);
    process.exit(1);
  });
