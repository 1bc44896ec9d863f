import { createHash } from 'crypto';
import { mkdtempSync } from 'fs';
import { request } from 'http';
import { tmpdir } from 'os';
import { join } from 'path';
import { LocalObjectStore } from '../../../functions/runtime';
import { exitOf, killLake, npmStart } from './npm-start';

/*
 * Chaos: `npm start` killed with SIGKILL in the middle of a large upload. After a restart there is no
 * partial object, and the catalog holds exactly what landing holds.
 */

const SIZE = 32 * 1024 * 1024;

/** What a reader of the landing zone sees (the store hides its own temporary and metadata files). */
async function landedKeys(lakeDir: string): Promise<string[]> {
  const { objects } = await new LocalObjectStore(join(lakeDir, 'landing')).list('');
  return objects.map((object) => object.key).filter((key) => !key.startsWith('_uploads/'));
}

it('leaves no partial object and a consistent catalog after a SIGKILL during a large upload', async () => {
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
  } finally {
    await killLake(second);
  }
});
