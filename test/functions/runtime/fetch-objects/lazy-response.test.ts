import fc from 'fast-check';
import { LazyResponse, settledResponse } from '../../../../functions/runtime/fetch-objects';
import { BODY_OPERATIONS, constructed, expectSameAnswers, observe } from './observe';

// Captured before anything installs LazyResponse: undici's own class, the reference.
const RealResponse = globalThis.Response;

type Init = ConstructorParameters<typeof Response>[1];

const bodies = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('{"a":1}', '[1,"é"]', 'not json', '', '\uFEFF{"bom":true}', 'a=1&b=%C3%A9'),
  fc.uint8Array({ maxLength: 40 }),
  fc.uint8Array({ minLength: 4, maxLength: 40 }).map((bytes) => bytes.subarray(1, bytes.length - 1)),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => bytes.slice().buffer),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  fc.constant(new URLSearchParams('a=1&b=2')),
  fc.constant(new Blob(['blob body'], { type: 'text/x-blob' })),
);

const headerSets: fc.Arbitrary<HeadersInit | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant({ 'content-type': 'application/json' }),
  fc.constant({ 'content-type': 'application/x-www-form-urlencoded' }),
  fc.constant<[string, string][]>([
    ['set-cookie', 'a=1'],
    ['set-cookie', 'b=2'],
    ['x-many', 'one'],
    ['x-many', 'two'],
  ]),
  fc.constant({ 'bad header name': 'x' }),
);

const inits: fc.Arbitrary<Init> = fc.oneof(
  fc.constant(undefined),
  fc.record(
    {
      status: fc.constantFrom(200, 201, 204, 304, 404, 500, 599, 99, 600, 200.5),
      statusText: fc.constantFrom('', 'OK', 'Not Found', 'bad\nline'),
      headers: headerSets,
    },
    { requiredKeys: [] },
  ),
);

function plainFields(response: Response) {
  return {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    type: response.type,
    url: response.url,
    redirected: response.redirected,
    isResponse: response instanceof RealResponse,
    tag: Object.prototype.toString.call(response),
  };
}

describe('LazyResponse answers as undici Response does', () => {
  it('for every body, init and sequence of reads (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        bodies,
        inits,
        fc.array(fc.constantFrom(...BODY_OPERATIONS), { maxLength: 5 }),
        async (body, init, operations) => {
          const real = constructed(() => new RealResponse(body, init));
          const lazy = constructed(() => new (LazyResponse as unknown as typeof Response)(body, init));
          await expectSameAnswers(lazy, real, plainFields, operations);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('Response.json: the same headers, body and errors', async () => {
    const values: unknown[] = [{ a: 1, b: 'é' }, [1, 2], 'text', 12, null];
    for (const value of values) {
      const lazy = LazyResponse.json(value, { status: 201, headers: { 'x-a': 'b' } });
      const real = RealResponse.json(value, { status: 201, headers: { 'x-a': 'b' } });
      expect(plainFields(lazy)).toEqual(plainFields(real));
      expect(await observe(lazy, ['headers', 'json', 'bodyUsed'])).toEqual(
        await observe(real, ['headers', 'json', 'bodyUsed']),
      );
    }
    // Undici's errors come from Node's realm, not jest's: compare by class name.
    const errorOf = (json: () => unknown) => {
      try {
        json();
        return 'no error';
      } catch (error) {
        return (error as Error).constructor.name;
      }
    };
    expect(errorOf(() => LazyResponse.json(undefined))).toBe('TypeError');
    expect(errorOf(() => RealResponse.json(undefined))).toBe('TypeError');
    expect(
      LazyResponse.json({}, { headers: { 'content-type': 'application/problem+json' } }).headers.get(
        'content-type',
      ),
    ).toBe('application/problem+json');
  });

  it('instanceof accepts undici responses, as fetch() returns them, and lazy ones', () => {
    const Lazy = LazyResponse as unknown as typeof Response;
    expect(new RealResponse('x') instanceof Lazy).toBe(true);
    expect(new Lazy('x') instanceof RealResponse).toBe(true);
    expect(new Lazy('x') instanceof Lazy).toBe(true);
    expect({} instanceof Lazy).toBe(false);
    expect(LazyResponse.error() instanceof Lazy).toBe(true);
    expect(LazyResponse.redirect('https://example.com/', 302).headers.get('location')).toBe(
      'https://example.com/',
    );
  });
});

describe('settledResponse: what an adapter reads without streams', () => {
  it('gives the bytes of a string or bytes response once, and counts the body as read', async () => {
    const response = new (LazyResponse as unknown as typeof Response)('héllo', { status: 202 });
    const settled = settledResponse(response);
    expect(settled?.status).toBe(202);
    expect(Buffer.from(settled!.bytes).toString('utf8')).toBe('héllo');
    expect(settled?.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    expect(response.bodyUsed).toBe(true);
    expect(settledResponse(response)).toBeUndefined();
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('declines a stream body, an undici response and a body already read', async () => {
    const Lazy = LazyResponse as unknown as typeof Response;
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array([1]));
        controller.close();
      },
    });
    expect(settledResponse(new Lazy(stream))).toBeUndefined();
    expect(settledResponse(new RealResponse('x'))).toBeUndefined();
    const read = new Lazy('x');
    await read.text();
    expect(settledResponse(read)).toBeUndefined();
    const streamed = new Lazy('x');
    void streamed.body;
    expect(settledResponse(streamed)).toBeUndefined();
  });

  it('keeps its own copy of a bytes body, as undici does', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const response = new (LazyResponse as unknown as typeof Response)(bytes);
    bytes[0] = 9;
    expect([...settledResponse(response)!.bytes]).toEqual([1, 2, 3]);
  });
});
