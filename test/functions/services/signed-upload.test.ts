import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, readdirSync, statSync } from 'fs';
import { request, type ClientRequest, type IncomingMessage } from 'http';
import { tmpdir } from 'os';
import { join } from 'path';
import { serveLake, type LakeServer } from '../../../functions/lake';
import { createLogger, LocalObjectStore } from '../../../functions/runtime';

/*
 * The dev server's upload URLs (`PUT /_objects/...`): answered before functions-framework, whose body
 * parser would hold the whole body in memory, streamed to disk, and committed only when the bytes are
 * the ones the URL was signed for. Every refusal is a JSON 4xx and leaves nothing behind.
 */

const quiet = createLogger({ write: () => undefined });
let server: LakeServer;
let lakeDir: string;

beforeEach(async () => {
  lakeDir = mkdtempSync(join(tmpdir(), 'lake-upload-'));
  server = await serveLake({ lakeDir, port: 0, log: quiet });
});
afterEach(async () => {
  await server.close();
});

/** CSV rows with random values: distinct bytes that curate reads as a table. */
function csvOf(bytes: number): Buffer<ArrayBuffer> {
  const random = randomBytes(Math.ceil(bytes / 4) + 16);
  const rows = ['tree,lat,lon,height'];
  let size = rows[0].length + 1;
  for (let at = 0; size < bytes; at = (at + 10) % (random.length - 10)) {
    const row = `${random.toString('hex', at, at + 6)},${random.readUInt16LE(at + 6) / 728},${random.readUInt16LE(at + 8) / 364},${random[at] % 40}`;
    rows.push(row);
    size += row.length + 1;
  }
  return Buffer.from(`${rows.join('\n')}\n`.slice(0, bytes));
}

interface Grant {
  readonly url: string;
  readonly key: string;
}

async function grantFor(
  body: Buffer,
  sha256 = createHash('sha256').update(body).digest('hex'),
): Promise<Grant> {
  const reply = await fetch(`${server.url}/datasets/trees/uploads`, {
    method: 'POST',
    body: JSON.stringify({ fileName: 'big.csv', size: body.length, sha256 }),
  });
  expect(reply.status).toBe(201);
  return (await reply.json()) as Grant;
}

/** Every file under the landing folder, the store's hidden temporary and metadata files included. */
function landingFiles(dir = join(lakeDir, 'landing'), base = ''): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) =>
    statSync(join(dir, name)).isDirectory()
      ? landingFiles(join(dir, name), `${base}${name}/`)
      : [`${base}${name}`],
  );
}

const objectFiles = () => landingFiles().filter((path) => !path.startsWith('_uploads/'));

function responseOf(put: ClientRequest): Promise<{ status: number; body: { error?: string; key?: string } }> {
  return new Promise((resolve, reject) => {
    put.once('error', reject);
    put.once('response', (response: IncomingMessage) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as { error?: string } }),
      );
    });
  });
}

async function storedBytes(key: string): Promise<Buffer> {
  const object = await new LocalObjectStore(join(lakeDir, 'landing')).get(key);
  if (object === undefined) throw new Error(`${key} is not in landing`);
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Waits, bounded, until the condition holds: a liveness bound, not a speed assertion. */
async function eventually(what: string, condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

describe('upload URLs of the dev server', () => {
  it('writes the bytes to disk while the body is still arriving, and stores them byte-exact', async () => {
    const body = csvOf(8 * 1024 * 1024);
    const grant = await grantFor(body);
    const put = request(grant.url, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv', 'content-length': body.length },
    });
    const reply = responseOf(put);
    put.write(body.subarray(0, body.length / 2));
    // A server that buffered the body (functions-framework's parser does) would write nothing before the end.
    const temporary = () => objectFiles().filter((path) => path.split('/').pop()!.startsWith('.bis-tmp-'));
    await eventually('half of the body reaches a temporary file', () =>
      temporary().some((path) => statSync(join(lakeDir, 'landing', path)).size >= body.length / 4),
    );
    expect(objectFiles().some((path) => path === grant.key)).toBe(false);
    put.end(body.subarray(body.length / 2));
    const { status, body: answer } = await reply;
    expect(status).toBe(201);
    expect(answer.key).toBe(grant.key);
    expect((await storedBytes(grant.key)).equals(body)).toBe(true);
    expect(temporary()).toEqual([]);
  });

  it('refuses a bad signature before the body is sent', async () => {
    const body = csvOf(1024);
    const grant = await grantFor(body);
    const put = request(grant.url.replace('signature=', 'signature=00'), {
      method: 'PUT',
      headers: { 'content-type': 'text/csv', 'content-length': 64 * 1024 * 1024 },
    });
    put.on('error', () => undefined); // the server closes the connection on the unsent body
    put.flushHeaders();
    const { status, body: answer } = await responseOf(put);
    put.destroy();
    expect(status).toBe(403);
    expect(answer.error).toMatch(/signature does not match/);
    expect(objectFiles()).toEqual([]);
  });

  it.each([
    [
      'the wrong content type',
      'image/png',
      (body: Buffer<ArrayBuffer>) => body,
      /signed for content type text\/csv/,
    ],
    [
      'a size other than the signed one',
      'text/csv',
      (body: Buffer<ArrayBuffer>) => Buffer.from(body.subarray(0, 10)),
      /signed for \d+ bytes/,
    ],
  ])('refuses a PUT with %s as JSON 403 and stores nothing', async (_case, contentType, sent, message) => {
    const body = csvOf(4096);
    const grant = await grantFor(body);
    const reply = await fetch(grant.url, {
      method: 'PUT',
      body: sent(body),
      headers: { 'content-type': contentType },
    });
    expect(reply.status).toBe(403);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await reply.json()) as { error: string }).error).toMatch(message);
    expect(objectFiles()).toEqual([]);
  });

  it('refuses a download URL with 405', async () => {
    const url = await server.lake.landing.signedUrl('structured/trees/x.csv', {
      method: 'GET',
      expiresInSeconds: 60,
    });
    const reply = await fetch(url);
    expect(reply.status).toBe(405);
    expect(((await reply.json()) as { error: string }).error).toMatch(/take PUT/);
  });

  it('refuses bytes whose SHA-256 is not the declared one, and keeps neither the object nor a temporary file', async () => {
    const body = csvOf(64 * 1024);
    const grant = await grantFor(body, createHash('sha256').update('other bytes').digest('hex'));
    const reply = await fetch(grant.url, { method: 'PUT', body, headers: { 'content-type': 'text/csv' } });
    expect(reply.status).toBe(400);
    expect(((await reply.json()) as { error: string }).error).toMatch(/do not match the SHA-256 declared/);
    expect(objectFiles()).toEqual([]);
  });

  it('keeps nothing of an upload whose client goes away mid-body', async () => {
    const body = csvOf(4 * 1024 * 1024);
    const grant = await grantFor(body);
    const put = request(grant.url, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv', 'content-length': body.length },
    });
    put.on('error', () => undefined);
    put.write(body.subarray(0, body.length / 2));
    await eventually('the first half reaches the server', () => objectFiles().length > 0);
    put.destroy();
    await eventually('the temporary file is removed', () => objectFiles().length === 0);
    expect(await new LocalObjectStore(join(lakeDir, 'landing')).head(grant.key)).toBeUndefined();
  });
});
