import { ECHO_FAILURE_MESSAGE, http as echo } from '../../../functions/echo';
import type { HttpHandler } from '../../../functions/runtime';
import { awsLambdaHttp, LocalObjectStore, MalformedEventError } from '../../../functions/runtime';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { lambdaContext, lambdaHttpEvent } from './lambda-events';

function adapter(handler: HttpHandler, stores = {}) {
  const lines: Record<string, unknown>[] = [];
  const lambda = awsLambdaHttp(handler, { stores, writeLog: (line) => lines.push(JSON.parse(line)) });
  return { lambda, lines };
}

const get = (path: string) => lambdaHttpEvent({ method: 'GET', path }, 'http-api');

describe('awsLambdaHttp', () => {
  it("answers a thrown error with the invocation's request ID and logs the stack under the same ID", async () => {
    const { lambda, lines } = adapter(echo);
    const result = await lambda(get('/throw'), lambdaContext('req-77'));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ error: 'internal error', requestId: 'req-77' });
    const logged = lines.find((line) => line.severity === 'ERROR');
    expect(logged).toMatchObject({ requestId: 'req-77', path: '/throw' });
    expect((logged?.error as { stack: string }).stack).toContain(ECHO_FAILURE_MESSAGE);
  });

  it('answers a handler that returns something other than a Response with a 500 problem, and logs what it returned', async () => {
    const { lambda, lines } = adapter((() => ({ status: 200 })) as unknown as HttpHandler);
    const result = await lambda(get('/'), lambdaContext());
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body).error).toBe('internal error');
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'handler returned an object (Object), not a Response' }),
    );
  });

  it('logs the size of a response over the Lambda limit, and the problem says so', async () => {
    const { lambda, lines } = adapter(echo);
    const result = await lambda(get('/large?bytes=5000000'), lambdaContext());
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body).error).toMatch(
      /^response too large for AWS Lambda \(6666\d{3} bytes, limit 6291456\)$/,
    );
    expect(lines).toContainEqual(expect.objectContaining({ severity: 'ERROR', bodyBytes: 5_000_000 }));
  });

  it('counts the encoded size: text that JSON escaping pushes over the limit is refused too', async () => {
    // 3.2 M control characters are 3.2 MB of UTF-8 but 19.2 MB once JSON-escaped (\u0001).
    const { lambda } = adapter(
      () => new Response('\u0001'.repeat(3_200_000), { headers: { 'content-type': 'text/plain' } }),
    );
    const result = await lambda(get('/'), lambdaContext());
    expect(JSON.parse(result.body).error).toMatch(/^response too large for AWS Lambda/);
  });

  it('sends valid UTF-8 of a textual type as text, and anything else as base64', async () => {
    const respond = (body: Uint8Array<ArrayBuffer> | string, type: string) =>
      adapter(() => new Response(body, { headers: { 'content-type': type } })).lambda(
        get('/'),
        lambdaContext(),
      );
    expect(await respond('{"a":"é"}', 'application/json')).toMatchObject({
      isBase64Encoded: false,
      body: '{"a":"é"}',
    });
    expect(await respond('hello', 'application/octet-stream')).toMatchObject({
      isBase64Encoded: true,
      body: 'aGVsbG8=',
    });
    expect(await respond(new Uint8Array([0xff, 0xfe, 0x41]), 'text/plain')).toMatchObject({
      isBase64Encoded: true,
      body: '//5B',
    });
    expect(await respond('<svg/>', 'image/svg+xml')).toMatchObject({
      isBase64Encoded: false,
      body: '<svg/>',
    });
  });

  it('refuses a REST API (payload 1.0) event, naming event.version and the fix', async () => {
    const { lambda } = adapter(echo);
    const v1 = { ...get('/'), version: '1.0' };
    const failure = lambda(v1, lambdaContext());
    await expect(failure).rejects.toThrow(MalformedEventError);
    await expect(failure).rejects.toThrow(/event\.version is "1\.0"; expected "2\.0" .*payloadFormatVersion/);
  });

  it('refuses an event without a method, naming event.requestContext.http.method', async () => {
    const { lambda, lines } = adapter(echo);
    const event = get('/');
    const broken = {
      ...event,
      requestContext: {
        ...event.requestContext,
        http: { ...event.requestContext.http, method: undefined as unknown as string },
      },
    };
    await expect(lambda(broken, lambdaContext())).rejects.toThrow(
      /event\.requestContext\.http\.method is missing/,
    );
    expect(lines).toContainEqual(expect.objectContaining({ severity: 'ERROR' }));
  });

  it('answers a header value the Fetch API refuses with a 400 problem that names the header', async () => {
    const { lambda } = adapter(echo);
    const event = get('/');
    const result = await lambda(
      { ...event, headers: { ...event.headers, 'x-broken': 'a\u0000b' } },
      lambdaContext('r'),
    );
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({
      error: expect.stringContaining("header 'x-broken'"),
      requestId: 'r',
    });
  });

  it('keeps both a cookie header and the v2 cookies array', async () => {
    const { lambda } = adapter(echo);
    const event = { ...get('/'), cookies: ['b=2', 'c=3'] };
    const result = await lambda({ ...event, headers: { ...event.headers, cookie: 'a=1' } }, lambdaContext());
    expect(JSON.parse(result.body).cookie).toBe('a=1; b=2; c=3');
  });

  it('drops a GET body, which a Fetch Request cannot carry', async () => {
    const { lambda } = adapter(echo);
    const result = await lambda({ ...get('/'), body: 'ignored', isBase64Encoded: false }, lambdaContext());
    expect(JSON.parse(result.body)).toMatchObject({ method: 'GET', bodyLength: 0 });
  });

  it('aborts ctx.signal before the Lambda deadline, and a handler that fails then answers 504', async () => {
    const { lambda } = adapter(
      (_request, ctx) =>
        new Promise<Response>((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
        ),
    );
    // 400 ms left and a 500 ms margin: the signal fires at once.
    const result = await lambda(get('/'), lambdaContext('slow', 400));
    expect(result.statusCode).toBe(504);
    expect(JSON.parse(result.body)).toEqual({ error: 'timed out', requestId: 'slow' });
  });

  it('answers a body stream that fails with a 500 problem', async () => {
    const { lambda, lines } = adapter(
      () =>
        new Response(new ReadableStream({ pull: (controller) => controller.error(new Error('disk gone')) })),
    );
    const result = await lambda(get('/'), lambdaContext());
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('disk gone');
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'the response body failed while it was read' }),
    );
  });

  it('hands the configured stores to the handler', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bis-stores-'));
    try {
      const { lambda } = adapter(
        async (_request, ctx) => {
          await ctx.stores.landing.put('hello.txt', 'hi');
          return Response.json(Object.keys(ctx.stores));
        },
        { landing: new LocalObjectStore(root) },
      );
      const result = await lambda(get('/'), lambdaContext());
      expect(JSON.parse(result.body)).toEqual(['landing']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('awsLambdaHttp cold start', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('fails when the store configuration is wrong, naming the variable, after one ERROR log line', () => {
    process.env.BIS_STORE_PROVIDER = 'ftp';
    process.env.BIS_STORES = 'landing';
    const lines: string[] = [];
    expect(() => awsLambdaHttp(echo, { writeLog: (line) => lines.push(line) })).toThrow(/BIS_STORE_PROVIDER/);
    expect(JSON.parse(lines[0])).toMatchObject({
      severity: 'ERROR',
      message: 'awsLambdaHttp: the function cannot start',
    });
  });

  it('fails on an unknown BIS_LOG_LEVEL, naming it and the accepted values', () => {
    process.env.BIS_LOG_LEVEL = 'loud';
    expect(() => awsLambdaHttp(echo, { stores: {}, writeLog: () => undefined })).toThrow(
      "BIS_LOG_LEVEL is 'loud'; use one of debug, info, warn, error",
    );
  });
});
