import { spawn, type ChildProcess } from 'child_process';
import { createServer } from 'net';
import { join } from 'path';

const REPO = join(__dirname, '..', '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface StartedLake {
  readonly url: string;
  /** `npm start`, in its own process group, so a signal reaches npm and the server as a terminal's would. */
  readonly child: ChildProcess;
  output(): string;
}

/** Runs `npm start` on a free port with the lake in `lakeDir` (and `env` added), resolving once it serves. */
export async function npmStart(lakeDir: string, env: NodeJS.ProcessEnv = {}): Promise<StartedLake> {
  const port = await freePort();
  let output = '';
  const child = spawn('npm', ['start'], {
    cwd: REPO,
    env: { ...process.env, PORT: String(port), LAKE_DIR: lakeDir, BIS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  await new Promise<void>((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('The lake is running at')) resolve();
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before serving:\n${output}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, output: () => output };
}

/** Resolves with the exit code, or the signal's name, of a child. */
export function exitOf(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(`${child.exitCode ?? child.signalCode}`);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
}

/** Kills the whole group of a lake still running (test cleanup); a finished one is left alone. */
export async function killLake(lake: StartedLake | undefined): Promise<void> {
  if (lake === undefined || lake.child.exitCode !== null || lake.child.signalCode !== null) return;
  process.kill(-lake.child.pid!, 'SIGKILL');
  await exitOf(lake.child);
}
