import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { request } from 'http';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { serveLake, type LakeServer } from '../../../functions/lake';
import { createLogger, LocalObjectStore } from '../../../functions/runtime';
import { startCommand, startOptions } from '../../../scripts/start';
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

  it('sweeps the temporary files a killed server left in every zone at start, and logs what it reclaimed', async () => {
    const lakeDir = mkdtempSync(join(tmpdir(), 'lake-'));
    const store = new LocalObjectStore(join(lakeDir, 'curated'));
    await store.put('kept.json', '{}');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    for (const [zone, bytes] of [
      ['landing', 100],
      ['raw', 20],
      ['curated', 3],
    ] as const) {
      mkdirSync(join(lakeDir, zone), { recursive: true });
      const path = join(lakeDir, zone, '.bis-tmp-0123456789abcdef');
      writeFileSync(path, Buffer.alloc(bytes));
      utimesSync(path, twoMinutesAgo, twoMinutesAgo);
    }
    const lines: string[] = [];
    server = await serveLake({ lakeDir, port: 0, log: createLogger({ write: (line) => lines.push(line) }) });
    expect(
      readdirSync(lakeDir, { recursive: true, encoding: 'utf8' }).filter((p) => p.includes('.bis-tmp-')),
    ).toEqual([]);
    expect(await store.head('kept.json')).toBeDefined();
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({ message: 'swept leftovers of interrupted writes', files: 3, bytes: 123 }),
    );
  });

  it('gives upload URLs on the address the client used, which the server answers though it signed another', async () => {
    server = await serveLake({ lakeDir: mkdtempSync(join(tmpdir(), 'lake-')), port: 0, log: quiet });
    const body = Buffer.from(CSV);
    const sha256 = createHash('sha256').update(body).digest('hex');
    const { port } = new URL(server.url);
    const grant = await new Promise<{ url: string }>((resolve, reject) => {
      const asked = request(
        `${server!.url}/datasets/trees/uploads`,
        { method: 'POST', headers: { host: `lake.example:${port}`, 'content-type': 'application/json' } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(JSON.parse(text) as { url: string }));
        },
      );
      asked.on('error', reject);
      asked.end(JSON.stringify({ fileName: 'moved.csv', size: body.length, sha256 }));
    });
    expect(grant.url).toMatch(new RegExp(`^http://lake\\.example:${port}/_objects/structured/trees/`));
    const onOurAddress = `${server.url}${new URL(grant.url).pathname}${new URL(grant.url).search}`;
    const stored = await fetch(onOurAddress, {
      method: 'PUT',
      body,
      headers: { 'content-type': 'text/csv' },
    });
    expect(stored.status).toBe(201);
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

describe('npm start arguments', () => {
  const startScript = join(__dirname, '..', '..', '..', 'scripts', 'start.js');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [startScript, ...args], {
      encoding: 'utf8',
      env: { ...process.env, PORT: '0' }, // refused by startOptions: a start that ignored the arguments exits 2
      timeout: 60_000,
    });

  it('prints the usage for --help and -h and exits 0 without serving', () => {
    for (const flag of ['--help', '-h']) {
      const result = run(flag);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^Usage: npm start/);
      for (const setting of ['PORT', 'LAKE_DIR', 'INGEST_INLINE_LIMIT_BYTES', 'BIS_LOG_LEVEL', 'Ctrl-C'])
        expect(result.stdout).toContain(setting);
      expect(result.stderr).not.toContain('The lake is running');
    }
  });

  it('refuses an unknown argument in one line naming it and pointing at --help, exit 2', () => {
    const result = run('--port', '9000');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'npm start takes no argument "--port": settings come from the environment (PORT=8081 npm start); see npm start -- --help\n',
    );
    expect(result.stdout).toBe('');
  });

  it('refuses a bad setting read as the services load in one line, exit 2, no stack trace', () => {
    const result = spawnSync(process.execPath, [startScript], {
      encoding: 'utf8',
      env: { ...process.env, PORT: '0', INGEST_INLINE_LIMIT_BYTES: 'abc' },
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "npm start: ingest: INGEST_INLINE_LIMIT_BYTES is 'abc'; use a whole number of bytes from 1 to 26214400\n",
    );
  });

  it('serves with no argument, and takes help wherever it is given', () => {
    expect(startCommand([])).toBe('serve');
    expect(startCommand(['extra', '--help'])).toBe('help');
    expect(() => startCommand(['serve'])).toThrow(/no argument "serve".*--help/);
  });
});
