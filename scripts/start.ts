// `npm start`: the lake's services on http://localhost:8080 (PORT), the lake in ./.lake (LAKE_DIR), no cloud account.
import { serveLake } from '../functions/lake';

export const DEFAULT_PORT = 8080;
export const DEFAULT_LAKE_DIR = '.lake';

/** A bad PORT or LAKE_DIR: one line naming the variable, exit status 2. */
export class StartInputError extends Error {}

export function startOptions(env: NodeJS.ProcessEnv): { port: number; lakeDir: string } {
  const portText = env.PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new StartInputError(
      `PORT=${JSON.stringify(portText)} is not a port: give a whole number from 1 to 65535, e.g. PORT=8081`,
    );
  }
  const lakeDir = env.LAKE_DIR ?? DEFAULT_LAKE_DIR;
  if (lakeDir.trim() === '')
    throw new StartInputError('LAKE_DIR is empty: give a folder, e.g. LAKE_DIR=/tmp/lake');
  return { port, lakeDir };
}

async function main(): Promise<void> {
  const { port, lakeDir } = startOptions(process.env);
  const server = await serveLake({ port, lakeDir, host: '0.0.0.0' });
  const shown = server.url.replace('0.0.0.0', 'localhost');
  process.stderr.write(
    `The lake is running at ${shown} (lake folder: ${server.lake.lakeDir}). Ctrl-C stops it.\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    // A second Ctrl-C does not wait: every write is atomic, so leaving now leaves nothing partial.
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`${signal}: finishing in-flight uploads and curations…\n`);
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** What `npm start` runs (scripts/start.js compiles this file first): one line and exit 2 on a bad start. */
export function runFromCommandLine(): void {
  main().catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      error instanceof StartInputError
        ? error.message
        : code === 'EADDRINUSE'
          ? `the port is already in use: stop the other server or choose another one with PORT=8081 npm start`
          : code === 'EACCES'
            ? `cannot use the port or the lake folder (permission denied): choose PORT above 1024 and a LAKE_DIR you can write`
            : `npm start failed: ${(error as Error).message}`;
    process.stderr.write(`${message}\n`);
    process.exit(2);
  });
}

if (require.main === module) runFromCommandLine();
