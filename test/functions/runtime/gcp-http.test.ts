import { http as registerPlainFunction } from '@google-cloud/functions-framework';
import { request as httpRequest } from 'http';
import { gzipSync } from 'zlib';
import { ECHO_FAILURE_MESSAGE, http as echo } from '../../../functions/echo';
import type { HttpHandler } from '../../../functions/runtime';
import { gcpHttp } from '../../../functions/runtime';
import { startTestServer } from './loopback-server';

const lines: Record<string, unknown>[] = [];
const options = { stores: {}, writeLog: (line: string) => void lines.push(JSON.parse(line)) };

let onRequest: HttpHandler = echo;
gcpHttp('adapterUnderTest', (request, ctx) => onRequest(request, ctx), options);
// A function registered without the adapter: functions-framework's own behaviour must stay as it was.
registerPlainFunction('plainFunction', (_req, res) => {
  res.send('plain');
});

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer('adapterUnderTest');
});
afterAll(() => server.close());
beforeEach(() => {
  lines.length = 0;
  onRequest = echo;
});

/** A request with exact header lines, which fetch cannot send (it joins a repeated name into one line). */
function rawRequest(
  path: string,
  headerLines: [string, string][],
  body?: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.baseUrl);
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: body ? 'POST' : 'GET',
        headers: [['Host', url.host], ...headerLines].flat(),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('gcpHttp', () => {
  it('joins repeated header lines with commas and cookie lines with semicolons', async () => {
    const response = await rawRequest('/', [
      ['X-Repeated', 'one'],
      ['X-Repeated', 'two'],
      ['Cookie', 'a=1'],
      ['Cookie', 'b=2'],
    ]);
    const echoed = JSON.parse(response.body);
    expect(echoed.headers['x-repeated']).toBe('one, two');
    expect(echoed.cookie).toBe('a=1; b=2');
  });

  it('hands over a gzip body inflated, without the content-encoding that described the compressed bytes', async () => {
    const response = await rawRequest(
      '/',
      [
        ['Content-Type', 'text/plain'],
        ['Content-Encoding', 'gzip'],
      ],
      gzipSync('inflated text'),
    );
    const echoed = JSON.parse(response.body);
    expect(Buffer.from(echoed.bodyBase64, 'base64').toString()).toBe('inflated text');
    expect(echoed.headers['content-encoding']).toBeUndefined();
  });

  it('answers with the execution ID functions-framework assigned, in the problem and in the log', async () => {
    const response = await fetch(new URL('/throw', server.baseUrl), {
      headers: { 'function-execution-id': 'exec-42' },
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'internal error', requestId: 'exec-42' });
    const logged = lines.find((line) => line.severity === 'ERROR');
    expect(logged).toMatchObject({ requestId: 'exec-42', message: 'handler threw' });
    expect((logged?.error as { stack: string }).stack).toContain(ECHO_FAILURE_MESSAGE);
  });

  it('answers a handler that returns something other than a Response with a 500 problem', async () => {
    onRequest = (() => 'not a response') as unknown as HttpHandler;
    const response = await fetch(server.baseUrl);
    expect(response.status).toBe(500);
    expect((await response.json()).error).toBe('internal error');
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'handler returned string, not a Response' }),
    );
  });

  it('answers from a synchronous handler, and from a foreign thenable as `await` would (the first outcome counts)', async () => {
    onRequest = () => new Response('sync');
    expect(await (await fetch(server.baseUrl)).text()).toBe('sync');

    const callsBackTwice = {
      then(fulfil: (value: unknown) => void, reject: (error: unknown) => void) {
        fulfil(new Response('first'));
        fulfil(new Response('second'));
        reject(new Error('late'));
      },
    };
    onRequest = (() => callsBackTwice) as unknown as HttpHandler;
    const twice = await fetch(server.baseUrl);
    expect([twice.status, await twice.text()]).toEqual([200, 'first']);

    const thenThrows = {
      then() {
        throw new Error('then failed');
      },
    };
    onRequest = (() => thenThrows) as unknown as HttpHandler;
    const thrown = await fetch(server.baseUrl);
    expect(thrown.status).toBe(500);
    expect((await thrown.json()).error).toBe('internal error');
    expect(lines).toContainEqual(expect.objectContaining({ message: 'handler threw' }));
  });

  it('streams a body of many chunks whole, and gives a one-chunk body its content-length', async () => {
    onRequest = () => {
      const parts = ['alpha-', 'beta-', 'gamma'];
      return new Response(
        new ReadableStream({
          pull(controller) {
            const part = parts.shift();
            if (part === undefined) controller.close();
            else controller.enqueue(new TextEncoder().encode(part));
          },
        }),
      );
    };
    const streamed = await fetch(server.baseUrl);
    expect(await streamed.text()).toBe('alpha-beta-gamma');
    onRequest = echo;
    const single = await fetch(new URL('/text', server.baseUrl));
    expect(single.headers.get('content-length')).toBe(String(Buffer.byteLength(await single.text())));
  });

  it('answers a body stream that fails before its first byte with a 500 problem', async () => {
    onRequest = () =>
      new Response(new ReadableStream({ pull: (controller) => controller.error(new Error('disk gone')) }));
    const response = await fetch(server.baseUrl);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text).error).toBe('internal error');
    expect(text).not.toContain('disk gone');
  });

  it('cuts the connection when a body stream fails after the status was sent', async () => {
    onRequest = () => {
      let sent = 0;
      return new Response(
        new ReadableStream({
          pull(controller) {
            sent += 1;
            if (sent <= 2) controller.enqueue(new Uint8Array(1024));
            else controller.error(new Error('disk gone midway'));
          },
        }),
      );
    };
    // Cut before or after the status line reached the client, but never a complete-looking response.
    const outcome = await fetch(server.baseUrl)
      .then((response) => response.arrayBuffer())
      .then(
        () => 'complete',
        () => 'cut',
      );
    expect(outcome).toBe('cut');
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'the response failed while it was written' }),
    );
  });

  it('aborts ctx.signal when the client goes away', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const sawAbort = new Promise<unknown>((resolve) => {
      onRequest = (_request, ctx) => {
        ctx.signal.addEventListener('abort', () => resolve(ctx.signal.reason));
        started();
        return new Promise<Response>(() => undefined);
      };
    });
    const client = new AbortController();
    const pending = fetch(server.baseUrl, { signal: client.signal }).catch((error: unknown) => error);
    await handlerStarted;
    client.abort();
    await pending;
    expect(await sawAbort).toMatchObject({ name: 'AbortError' });
  });

  it('leaves functions-framework as it was for functions it does not serve', async () => {
    const plain = await startTestServer('plainFunction');
    try {
      const response = await fetch(plain.baseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{bad',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
    } finally {
      await plain.close();
    }
  });

  it('refuses an invalid function name with a message that says what is allowed', () => {
    expect(() => gcpHttp('has space', echo, options)).toThrow(
      /gcpHttp: the function name "has space" is invalid/,
    );
  });
});
