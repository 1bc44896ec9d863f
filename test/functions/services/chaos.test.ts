import { createHash } from 'crypto';
import { mkdtempSync, readdirSync, utimesSync } from 'fs';
import { request } from 'http';
import { tmpdir } from 'os';
import { join } from 'path';
import { LocalObjectStore } from '../../../functions/runtime';
import { exitOf, killLake, npmStart } from './npm-start';

/*
 * Chaos: `npm start` killed with SIGKILL in the middle of a large upload. After a restart there is no
 * partial object, the half-written temporary file has been swept, and the catalog holds exactly what
 * landing holds.
 */

const SIZE = 32 * 1024 * 1024;

/** The store's temporary files anywhere in the lake: a put cut before its rename leaves one. */
function temporaryFiles(lakeDir: string): string[] {
  return readdirSync(lakeDir, { recursive: true, encoding: 'utf8' }).filter((path) =>
    path.split('/').pop()!.startsWith('.bis-tmp-'),
  );
}

/** What a reader of the landing zone sees (the store hides its own temporary and metadata files). */
async function landedKeys(lakeDir: string): Promise<string[]> {
  const { objects } = await new LocalObjectStore(join(lakeDir, 'landing')).list('');
  return objects.map((object) => object.key).filter((key) => !key.startsWith('_uploads/'));
}

it('leaves no partial object, no temporary file and a consistent catalog after a SIGKILL during a large upload', async () => {
  const lakeDir = mkdtempSync(join(tmpdir(), 'lake-chaos-'));
  const first = await npmStart(lakeDir);
  const whole = await fetch(`${first.url}/datasets/trees/objects`, {
    method: 'POST',
    body: 'a,b\n1,2\n',
    headers: { 'content-type': 'text/csv', 'x-file-name': 'small.csv' },
  });
  expect(whole.status).toBe(201);
  const sha256 = createHash('sha256').update(Buffer.alloc(SIZE, 'a')).digest('hex');
  const grant = (await (
    await fetch(`${first.url}/datasets/trees/uploads`, {
      method: 'POST',
      body: JSON.stringify({ fileName: 'big.csv', size: SIZE, sha256 }),
    })
  ).json()) as { url: string; key: string };

  // Half the declared bytes, then the server dies while the client still sends.
  await new Promise<void>((resolve) => {
    const put = request(grant.url, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv', 'content-length': SIZE },
    });
    put.on('error', () => resolve());
    put.write(Buffer.alloc(SIZE / 2, 'a'), () => {
      process.kill(-first.child.pid!, 'SIGKILL');
      setTimeout(() => put.destroy(), 200);
    });
  });
  await exitOf(first.child);
  const leftovers = temporaryFiles(lakeDir);
  expect(leftovers).toHaveLength(1);
  // The sweep spares files younger than a minute (a writer may still be at work): this one is from a crash.
  const aMinuteAgo = new Date(Date.now() - 61_000);
  for (const path of leftovers) utimesSync(join(lakeDir, path), aMinuteAgo, aMinuteAgo);

  const second = await npmStart(lakeDir);
  try {
    const head = await fetch(`${second.url}/api/objects/${grant.key}`);
    expect(head.status).toBe(404);
    const landed = await landedKeys(lakeDir);
    expect(landed.some((key) => key.endsWith(`${sha256}.csv`))).toBe(false);
    const datasets = (await (await fetch(`${second.url}/api/datasets/trees`)).json()) as {
      documents: { fileName: string; current: { key: string } }[];
    };
    expect(datasets.documents.map((d) => d.fileName)).toEqual(['small.csv']);
    expect(landed).toEqual([datasets.documents[0].current.key]);
    expect(temporaryFiles(lakeDir)).toEqual([]);
  } finally {
    await killLake(second);
  }
});
