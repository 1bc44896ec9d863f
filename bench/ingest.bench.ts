/*
 * `npm run bench:ingest`: the local lake's ingest, in one run. Not part of `npm test`; figures go to
 * BENCHMARKS.md.
 * 1. Throughput: `POST /datasets/{d}/objects` of 1 MB and 20 MB CSV files (distinct random rows each
 *    upload) against a plain file copy of the same bytes on the same disk (`fs.copyFile`, then fsync,
 *    as ingest fsyncs before it answers), in MB/s and as a ratio paired within each repeat. Each upload
 *    is timed from the request to its 201; the bench waits for the previous upload's catalog entry
 *    before the next one, so curate (which runs after the answer) never shares the measured time.
 *    Two more sides are floors (bench/durable-receive-server.ts): bare node:http servers that only
 *    receive, hash, write and fsync each body, with the same client and disk and none of the lake; one
 *    collects the body first (as Lambda and Cloud Functions hand it to a function), one writes it while
 *    it arrives. They split the gap to the copy into what any Node HTTP server pays here and what the
 *    lake adds.
 * 2. Memory: the peak RSS of a fresh server process during a 200 MB upload through the upload-URL path
 *    (`POST /datasets/{d}/uploads`, then PUT), streamed from a generator: neither side holds the file.
 *    Read from /proc/<pid>/status (VmHWM, and VmRSS sampled), for the server as `npm start` runs it
 *    (TypeScript through @swc-node/register) and as plain JavaScript (an esbuild bundle of the same
 *    entry), since the TypeScript loader alone is most of the idle footprint.
 * The server always runs in its own child process, started as `npm start` starts it, on a free
 * loopback port with a temporary LAKE_DIR. BENCH_REPEATS (5) repeats, alternating the order.
 */
import { spawn, type ChildProcess } from 'child_process';
import { createCipheriv, createHash, randomBytes } from 'crypto';
import { readFileSync } from 'fs';
import { copyFile, mkdir, mkdtemp, open, rm, writeFile } from 'fs/promises';
import { request } from 'http';
import { createServer } from 'net';
import { cpus, loadavg, tmpdir, totalmem } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { median, positiveSetting, spread } from './figures';

const REPO = join(__dirname, '..');
const MB = 1024 * 1024;
const REPEATS = positiveSetting('bench:ingest', 'BENCH_REPEATS', 5);
const UPLOAD_BYTES = positiveSetting('bench:ingest', 'BENCH_UPLOAD_MB', 200) * MB;
const SIZES = [
  { label: '1 MB', bytes: 1 * MB, files: 10 },
  { label: '20 MB', bytes: 20 * MB, files: 3 },
] as const;
const TARGET_RATIO = 0.5; // 20 MB ingest ≥ 50 % of the copy's throughput
const TARGET_RSS_MB = 150;

const verdict = (met: boolean) => (met ? 'PASS' : '**MISS**');
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');

/** Tree-survey rows from a pseudo-random byte source: what a lake's CSV looks like, never twice the same. */
function csvRows(random: Buffer): string {
  let text = '';
  for (let at = 0; at + 10 <= random.length; at += 10) {
    text += `${random.toString('hex', at, at + 6)},${(random.readUInt16LE(at + 6) / 728).toFixed(5)},`;
    text += `${(random.readUInt16LE(at + 8) / 364).toFixed(5)},${random[at] % 40},oak\n`;
  }
  return text;
}
const HEADER = 'tree,lat,lon,height,species\n';

function csvFile(bytes: number): Uint8Array<ArrayBuffer> {
  const parts = [Buffer.from(HEADER)];
  let size = HEADER.length;
  while (size < bytes) {
    const part = Buffer.from(csvRows(randomBytes(64 * 1024)));
    parts.push(part);
    size += part.length;
  }
  const whole = Buffer.concat(parts, size);
  return endWithNewline(new Uint8Array(whole.buffer, whole.byteOffset, bytes));
}

function endWithNewline<T extends Uint8Array>(bytes: T): T {
  bytes[bytes.length - 1] = 0x0a;
  return bytes;
}

/** The same `bytes` of CSV every time for one seed (AES-CTR as the byte source), one piece at a time. */
function* csvStream(seed: Buffer, bytes: number): Generator<Buffer> {
  const cipher = createCipheriv('aes-256-ctr', seed, Buffer.alloc(16));
  const zeros = Buffer.alloc(64 * 1024);
  let left = bytes;
  let piece = Buffer.from(HEADER);
  while (left > 0) {
    if (piece.length >= left) {
      yield endWithNewline(Buffer.from(piece.subarray(0, left)));
      return;
    }
    yield piece;
    left -= piece.length;
    piece = Buffer.from(csvRows(cipher.update(zeros)));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface Lake {
  readonly url: string;
  readonly child: ChildProcess;
  readonly lakeDir: string;
}

type Launcher = { readonly label: string; readonly command: readonly string[] };

/** `npm start`'s own command line, read from package.json, with this Node as `node`. */
function npmStartLauncher(): Launcher {
  const scripts = (
    JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const [program, ...args] = scripts.start.split(/\s+/);
  if (program !== 'node')
    throw new Error(`npm start runs ${program}, not node: update bench/ingest.bench.ts`);
  return { label: 'npm start (scripts/start.js: esbuild-compiled scripts/start.ts)', command: args };
}

async function startLake(launcher: Launcher, parent: string): Promise<Lake> {
  const lakeDir = await mkdtemp(join(parent, 'lake-'));
  const port = await freePort();
  const child = spawn(process.execPath, launcher.command, {
    cwd: REPO,
    env: {
      ...process.env,
      PORT: String(port),
      LAKE_DIR: lakeDir,
      BIS_LOG_LEVEL: 'warn',
      NODE_PATH: join(REPO, 'node_modules'),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('The lake is running at')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the lake exited (${code}) before serving:\n${output}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, lakeDir };
}

async function stopLake(lake: Lake): Promise<void> {
  if (lake.child.exitCode === null && lake.child.signalCode === null) {
    const exited = new Promise((resolve) => lake.child.once('exit', resolve));
    lake.child.kill('SIGKILL');
    await exited;
  }
  await rm(lake.lakeDir, { recursive: true, force: true });
}

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * One request on a connection of its own: the pauses between measures outlast the server's keep-alive,
 * and a POST sent on a connection the server is closing fails (EPIPE) instead of being retried.
 */
function send(
  url: string,
  method: string,
  headers: Record<string, string | number>,
  body?: Uint8Array,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers, agent: false });
    outgoing.once('error', reject);
    outgoing.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = { text };
        }
        resolve({ status: response.statusCode ?? 0, body: parsed });
      });
    });
    outgoing.end(body);
  });
}

/** Resolves once the catalog lists the object: curate has finished with it. */
async function curated(lake: Lake, key: string): Promise<void> {
  for (let attempt = 0; attempt < 12_000; attempt++) {
    if ((await send(`${lake.url}/api/objects/${key}`, 'GET', {})).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${key} was never curated`);
}

let uploads = 0;

/** The CPU time a process has used, in ms (user + system, from /proc, in clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** What the server's CPU spent on the ingest requests measured, beside their wall time. */
const serverCpuMs = new Map<number, number[]>();

/** Seconds from the request to its 201 for each file; the lake is idle before each one. */
async function ingest(lake: Lake, files: readonly Uint8Array<ArrayBuffer>[]): Promise<number> {
  let seconds = 0;
  let cpuMs = 0;
  for (const bytes of files) {
    const cpuBefore = cpuMsOf(lake.child.pid!);
    const start = process.hrtime.bigint();
    const reply = await send(
      `${lake.url}/datasets/bench/objects`,
      'POST',
      {
        'content-type': 'text/csv',
        'x-file-name': `survey-${++uploads}.csv`,
        'content-length': bytes.length,
      },
      bytes,
    );
    seconds += Number(process.hrtime.bigint() - start) / 1e9;
    cpuMs += cpuMsOf(lake.child.pid!) - cpuBefore;
    const body = reply.body as { key?: string; size?: number; error?: string };
    if (reply.status !== 201 || body.size !== bytes.length)
      throw new Error(`ingest answered ${reply.status}: ${body.error ?? JSON.stringify(body)}`);
    await curated(lake, body.key!);
  }
  serverCpuMs.set(files[0].length, [...(serverCpuMs.get(files[0].length) ?? []), cpuMs / files.length]);
  return seconds;
}

/** Seconds to copy each file (already on disk) to a new file on the same disk and fsync it. */
async function copy(dir: string, files: readonly Uint8Array<ArrayBuffer>[]): Promise<number> {
  let seconds = 0;
  for (const [index, bytes] of files.entries()) {
    const source = join(dir, `source-${index}.csv`);
    const target = join(dir, `copy-${index}.csv`);
    await writeFile(source, bytes);
    const start = process.hrtime.bigint();
    await copyFile(source, target);
    const handle = await open(target, 'r+');
    await handle.sync();
    await handle.close();
    seconds += Number(process.hrtime.bigint() - start) / 1e9;
    await rm(source);
    await rm(target);
  }
  return seconds;
}

interface Floor {
  readonly url: string;
  readonly child: ChildProcess;
}

async function startFloor(dir: string, mode: 'buffered' | 'streamed'): Promise<Floor> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'durable-receive-server.ts'), dir, mode],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the floor server exited (${code}) before listening`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** Seconds from the request to its 201 for each file, on the bare durable-receive server. */
async function floorIngest(floor: Floor, files: readonly Uint8Array<ArrayBuffer>[]): Promise<number> {
  let seconds = 0;
  for (const bytes of files) {
    const start = process.hrtime.bigint();
    const reply = await send(floor.url, 'POST', { 'content-length': bytes.length }, bytes);
    seconds += Number(process.hrtime.bigint() - start) / 1e9;
    if (reply.status !== 201 || reply.body.size !== bytes.length)
      throw new Error(`the floor server answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  }
  return seconds;
}

const SIDES = ['ingest', 'floor', 'streamed', 'copy'] as const;
type Side = (typeof SIDES)[number];

async function benchThroughput(parent: string): Promise<void> {
  const lake = await startLake(npmStartLauncher(), parent);
  const copyDir = join(parent, 'copy');
  const floorDir = join(parent, 'floor');
  const streamedDir = join(parent, 'streamed');
  await mkdir(copyDir);
  await mkdir(floorDir);
  await mkdir(streamedDir);
  const floor = await startFloor(floorDir, 'buffered');
  const streamed = await startFloor(streamedDir, 'streamed');
  const rates = new Map(
    SIZES.map((size) => [
      size,
      Object.fromEntries(SIDES.map((side) => [side, [] as number[]])) as Record<Side, number[]>,
    ]),
  );
  const measure = (side: Side, files: readonly Uint8Array<ArrayBuffer>[]) =>
    side === 'ingest'
      ? ingest(lake, files)
      : side === 'floor'
        ? floorIngest(floor, files)
        : side === 'streamed'
          ? floorIngest(streamed, files)
          : copy(copyDir, files);
  try {
    for (const size of SIZES) {
      // Warm-up, not measured: JIT, the first folders of the day, file-type's lazy loading.
      const warm = [csvFile(size.bytes)];
      for (const side of SIDES) await measure(side, warm);
    }
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const size of SIZES) {
        const mb = (size.bytes * size.files) / MB;
        // Each side goes first, second and last in turn.
        const sides = SIDES.map((_, i) => SIDES[(i + repeat) % SIDES.length]);
        for (const side of sides) {
          const files = Array.from({ length: size.files }, () => csvFile(size.bytes));
          rates.get(size)![side].push(mb / (await measure(side, files)));
        }
      }
      process.stderr.write(`throughput repeat ${repeat + 1}/${REPEATS} done (load ${load()})\n`);
    }
  } finally {
    floor.child.kill('SIGKILL');
    streamed.child.kill('SIGKILL');
    await stopLake(lake);
  }
  console.log(
    `\nIngest throughput: POST /datasets/{d}/objects of CSV files against fs.copyFile + fsync, ${REPEATS} paired repeats`,
  );
  console.log(
    '| file | files per measure | ingest MB/s | buffered floor MB/s | streamed floor MB/s | copy MB/s | ingest ÷ copy (spread) | target | buffered floor ÷ copy | streamed floor ÷ copy | ingest ÷ buffered floor | server CPU ms per file |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const size of SIZES) {
    const { ingest: ingested, floor: floored, streamed: streamedRates, copy: copied } = rates.get(size)!;
    const paired = (a: number[], b: number[]) => a.map((rate, i) => rate / b[i]);
    const cell = (ratios: number[]) => `${median(ratios).toFixed(2)} (${spread(ratios, 2)})`;
    const ratios = paired(ingested, copied);
    const target =
      size.bytes === 20 * MB
        ? `≥ ${TARGET_RATIO.toFixed(2)}: ${verdict(median(ratios) >= TARGET_RATIO)}`
        : '-';
    console.log(
      `| ${size.label} | ${size.files} | ${median(ingested).toFixed(0)} | ${median(floored).toFixed(0)} | ` +
        `${median(streamedRates).toFixed(0)} | ${median(copied).toFixed(0)} | ` +
        `${cell(ratios)} | ${target} | ${cell(paired(floored, copied))} | ${cell(paired(streamedRates, copied))} | ` +
        `${cell(paired(ingested, floored))} | ` +
        `${median(serverCpuMs.get(size.bytes)!.slice(1)).toFixed(0)} |`,
    );
    const list = (values: number[]) => values.map((r) => r.toFixed(0)).join(', ');
    console.log(
      `  ${size.label}: ingest MB/s ${list(ingested)}; buffered floor MB/s ${list(floored)}; ` +
        `streamed floor MB/s ${list(streamedRates)}; copy MB/s ${list(copied)}; ` +
        `ingest ÷ copy ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
    );
  }
}

function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

interface UploadMemory {
  readonly idle: number;
  readonly peak: number;
  readonly sampledPeak: number;
  readonly afterCurate: number;
  readonly seconds: number;
}

/** One 200 MB upload through the upload URL into a fresh server; its memory before, during and after. */
async function bigUpload(launcher: Launcher, parent: string): Promise<UploadMemory> {
  const lake = await startLake(launcher, parent);
  try {
    const pid = lake.child.pid!;
    const seed = randomBytes(32);
    const hash = createHash('sha256');
    for (const piece of csvStream(seed, UPLOAD_BYTES)) hash.update(piece);
    const declared = JSON.stringify({
      fileName: 'survey.csv',
      size: UPLOAD_BYTES,
      sha256: hash.digest('hex'),
    });
    const grant = await send(
      `${lake.url}/datasets/bench/uploads`,
      'POST',
      { 'content-type': 'application/json' },
      Buffer.from(declared),
    );
    const { url, key, error } = grant.body as { url: string; key: string; error?: string };
    if (grant.status !== 201) throw new Error(`the upload URL was refused (${grant.status}): ${error}`);
    const idle = memoryOf(pid).rss;
    let sampledPeak = idle;
    const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, memoryOf(pid).rss)), 20);
    const start = process.hrtime.bigint();
    const status = await new Promise<number>((resolve, reject) => {
      const put = request(url, {
        method: 'PUT',
        headers: { 'content-type': 'text/csv', 'content-length': UPLOAD_BYTES },
        agent: false,
      });
      put.once('error', reject);
      put.once('response', (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      });
      Readable.from(csvStream(seed, UPLOAD_BYTES)).pipe(put);
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    clearInterval(sampler);
    const peak = memoryOf(pid).hwm;
    if (status !== 201) throw new Error(`the 200 MB PUT answered ${status}`);
    await curated(lake, key);
    return { idle, peak, sampledPeak, afterCurate: memoryOf(pid).hwm, seconds };
  } finally {
    await stopLake(lake);
  }
}

async function benchMemory(parent: string): Promise<void> {
  // npm start runs scripts/start.ts compiled by esbuild (scripts/start.js): the server as users start it.
  const launchers = [npmStartLauncher()];
  const runs = new Map(launchers.map((launcher) => [launcher, [] as UploadMemory[]]));
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const turn = repeat % 2 === 0 ? launchers : [...launchers].reverse();
    for (const launcher of turn) runs.get(launcher)!.push(await bigUpload(launcher, parent));
    process.stderr.write(`memory repeat ${repeat + 1}/${REPEATS} done (load ${load()})\n`);
  }
  console.log(
    `\nServer memory during a ${UPLOAD_BYTES / MB} MB PUT to the upload URL (fresh server each time, ${REPEATS} repeats; MB = MiB)`,
  );
  console.log(
    '| server | idle RSS | peak RSS (VmHWM) at the 201 | growth over idle | peak with curate after | PUT MB/s | target < 150 MB |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const launcher of launchers) {
    const measured = runs.get(launcher)!;
    const peak = median(measured.map((m) => m.peak));
    console.log(
      `| ${launcher.label} | ${median(measured.map((m) => m.idle)).toFixed(0)} | ${peak.toFixed(0)} ` +
        `(${spread(
          measured.map((m) => m.peak),
          0,
        )}) | ${median(measured.map((m) => m.peak - m.idle)).toFixed(0)} | ` +
        `${median(measured.map((m) => m.afterCurate)).toFixed(0)} | ${median(measured.map((m) => UPLOAD_BYTES / MB / m.seconds)).toFixed(0)} | ` +
        `${verdict(Math.max(...measured.map((m) => m.peak)) < TARGET_RSS_MB)} |`,
    );
  }
}

async function main(): Promise<void> {
  console.log(
    `bench:ingest on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  // Other work on the machine shows as load: a bench run beside it measures the contention too.
  console.log(`load average at start: ${load()}`);
  const parent = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
  try {
    await benchThroughput(parent);
    await benchMemory(parent);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
  console.log(`\nload average at end: ${load()}`);
}

main().catch((error: Error) => {
  const cause = (error.cause as Error | undefined)?.message;
  console.error(`bench:ingest: ${error.message}${cause === undefined ? '' : ` (${cause})`}`);
  process.exit(1);
});
