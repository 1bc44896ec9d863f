import fc from 'fast-check';
import { createRequest } from '../../../../functions/runtime/fetch-objects';
import { BODY_OPERATIONS, constructed, expectSameAnswers } from './observe';

const RealRequest = globalThis.Request;

const methods = fc.constantFrom(
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'OPTIONS',
  'PATCH',
  'post',
  'PROPFIND',
  'CONNECT',
  'bad method',
);
const urls = fc.constantFrom(
  'https://example.com/a/b?c=d&c=e',
  'https://example.com/caf%C3%A9?q=%E2%9C%93',
  'https://example.com/ünïcode path?x=1 2',
  'https://example.com:8443/',
  'http://EXAMPLE.com/./a/../b',
  'https://user:secret@example.com/',
  'not a url',
);
const bodies = fc.oneof(
  fc.constant(undefined),
  fc.constant(new Uint8Array(0)),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => Buffer.from(text)),
  fc
    .constantFrom('{"a":1}', 'not json', '\uFEFF{"bom":true}', 'a=1&b=%C3%A9')
    .map((text) => Buffer.from(text)),
  fc.uint8Array({ maxLength: 40 }),
);
const headerLists = fc.constantFrom<readonly (readonly [string, string])[]>(
  [],
  [['content-type', 'application/json']],
  [['content-type', 'application/x-www-form-urlencoded']],
  [
    ['x-many', 'one'],
    ['x-many', 'two'],
    ['cookie', 'a=1; b=2'],
  ],
);

function headersOf(list: readonly (readonly [string, string])[]): Headers {
  const headers = new Headers();
  for (const [name, value] of list) headers.append(name, value);
  return headers;
}

function plainFields(request: Request) {
  return {
    method: request.method,
    url: request.url,
    isRequest: request instanceof RealRequest,
    tag: Object.prototype.toString.call(request),
    mode: request.mode,
    redirect: request.redirect,
    hasSignal: request.signal instanceof AbortSignal,
  };
}

describe('createRequest answers as undici Request does', () => {
  it('for every method, URL, headers, body and sequence of reads (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        methods,
        urls,
        headerLists,
        bodies,
        fc.array(fc.constantFrom(...BODY_OPERATIONS), { maxLength: 5 }),
        async (method, url, headerList, body, operations) => {
          const bodyAllowed = method.toUpperCase() !== 'GET' && method.toUpperCase() !== 'HEAD';
          const sent = bodyAllowed && body !== undefined && body.byteLength > 0 ? body : undefined;
          const real = constructed(
            () =>
              new RealRequest(url, {
                method,
                headers: headersOf(headerList),
                body: sent as Uint8Array<ArrayBuffer> | undefined,
              }),
          );
          const lazy = constructed(() => createRequest(method, url, headersOf(headerList), sent));
          await expectSameAnswers(lazy, real, plainFields, operations);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("never hands out a shared buffer: a body in Node's Buffer pool is copied for the reader", async () => {
    const body = Buffer.from('abc'); // a slice of the 8 KiB pool other Buffers share
    expect(body.buffer.byteLength).toBeGreaterThan(body.byteLength);
    const request = createRequest('POST', 'https://example.com/', new Headers(), body);
    const read = await request.arrayBuffer();
    expect(read.byteLength).toBe(3);
    new Uint8Array(read)[0] = 0x7a;
    expect(body.toString()).toBe('abc');
    expect(request.bodyUsed).toBe(true);
  });

  it('hands a body that owns its whole buffer to its one reader, and stays a consumed request after', async () => {
    const body = Buffer.alloc(64 * 1024, 0x61); // its own ArrayBuffer, as an adapter's request body is
    const request = createRequest('POST', 'https://example.com/', new Headers(), body);
    const read = await request.arrayBuffer();
    expect(read).toBe(body.buffer); // no 64 KiB copy
    new Uint8Array(read)[0] = 0x7a;
    expect(request.bodyUsed).toBe(true);
    await expect(request.arrayBuffer()).rejects.toThrow('Body is unusable');
    // Building the real Request afterwards (body, clone) sees a consumed body, not the changed bytes.
    expect(request.body).not.toBeNull();
    expect(() => request.clone()).toThrow();
    const viaBytes = createRequest('POST', 'https://example.com/', new Headers(), Buffer.alloc(8192, 1));
    expect((await viaBytes.bytes()).byteLength).toBe(8192);
  });

  it('a read after the real Request was needed goes to it, and a second read fails as undici does', async () => {
    const request = createRequest(
      'POST',
      'https://example.com/',
      new Headers({ 'content-type': 'text/plain' }),
      Buffer.from('abc'),
    );
    expect(request.signal.aborted).toBe(false);
    expect(await request.text()).toBe('abc');
    await expect(request.text()).rejects.toThrow('Body is unusable');
  });
});
