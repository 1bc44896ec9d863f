import { createHash } from 'crypto';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { serveLake, type LakeServer } from '../../../functions/lake';
import { createLogger, LocalObjectStore } from '../../../functions/runtime';
import { startOptions } from '../../../scripts/start';
import { CSV } from '../../fixtures/services/samples';

const quiet = createLogger({ write: () => undefined });
let server: LakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const datasetDocuments = async (url: string, dataset: string) =>
  (
    (await (await fetch(`${url}/api/datasets/${dataset}`)).json()) as {
      documents?: { fileName: string; current: { status: string } }[];
    }
  ).documents ?? [];

describe('the local lake (npm start)', () => {
  it('curates every upload it lands, so the catalog lists it once curate has settled', async () => {
    server = await serveLake({ lakeDir: mkdtempSync(join(tmpdir(), 'lake-')), port: 0, log: quiet });
    const reply = await fetch(`${server.url}/datasets/trees/objects`, {
      method: 'POST',
      body: CSV,
      headers: { 'content-type': 'text/csv', 'x-file-name': 'trees.csv' },
    });
    expect(reply.status).toBe(201);
    await server.lake.settled();
    expect(await datasetDocuments(server.url, 'trees')).toEqual([
      expect.objectContaining({
        fileName: 'trees.csv',
        current: expect.objectContaining({ status: 'curated' }),
      }),
    ]);
  });

  it('catches up at start with objects that landed while no server ran', async () => {
    const lakeDir = mkdtempSync(join(tmpdir(), 'lake-'));
    const sha = createHash('sha256').update(CSV).digest('hex');
    await new LocalObjectStore(join(lakeDir, 'landing')).put(`structured/trees/2026/01/02/${sha}.csv`, CSV, {
      contentType: 'text/csv',
      metadata: { 'original-name': 'left-behind.csv', 'uploaded-at': '2026-01-02T00:00:00.000Z' },
    });
    server = await serveLake({ lakeDir, port: 0, log: quiet });
    await server.lake.settled();
    expect((await datasetDocuments(server.url, 'trees')).map((d) => d.fileName)).toEqual(['left-behind.csv']);
  });

  it('streams a large upload to its signed URL and counts it only when its SHA-256 matches the key', async () => {
    server = await serveLake({ lakeDir: mkdtempSync(join(tmpdir(), 'lake-')), port: 0, log: quiet });
    const body = Buffer.from(CSV.repeat(1000));
    const ask = async (sha256: string) =>
      (await (
        await fetch(`${server!.url}/datasets/trees/uploads`, {
          method: 'POST',
          body: JSON.stringify({ fileName: 'big.csv', size: body.length, sha256 }),
        })
      ).json()) as { url: string; key: string };
    const wrong = await ask('0'.repeat(64));
    const refused = await fetch(wrong.url, { method: 'PUT', body, headers: { 'content-type': 'text/csv' } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/do not match the SHA-256/);
    const tampered = await fetch(wrong.url.replace('signature=', 'signature=0'), {
      method: 'PUT',
      body,
      headers: { 'content-type': 'text/csv' },
    });
    expect(tampered.status).toBe(403);

    const right = await ask(createHash('sha256').update(body).digest('hex'));
    const stored = await fetch(right.url, { method: 'PUT', body, headers: { 'content-type': 'text/csv' } });
    expect(stored.status).toBe(201);
    await server.lake.settled();
    const documents = await datasetDocuments(server.url, 'trees');
    expect(documents.map((d) => d.fileName)).toEqual(['big.csv']);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT="eighty" is not a port/],
    [{ PORT: '70000' }, /from 1 to 65535/],
    [{ LAKE_DIR: ' ' }, /LAKE_DIR is empty/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => startOptions(env)).toThrow(message);
  });

  it('defaults to port 8080 and ./.lake', () => {
    expect(startOptions({})).toEqual({ port: 8080, lakeDir: '.lake' });
  });
});
