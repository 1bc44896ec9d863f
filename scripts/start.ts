// `npm start`: the lake's services on http://localhost:8080 (PORT), the lake in ./.lake (LAKE_DIR), no cloud account.
import { serveLake } from '../functions/lake';
import { INLINE_LIMIT_BYTES, INLINE_LIMIT_VARIABLE } from '../functions/ingest';

export const DEFAULT_PORT = 8080;
export const DEFAULT_LAKE_DIR = '.lake';

/** What `npm start -- --help` prints: the settings the server reads, and how it stops. */
export const START_USAGE = `Usage: npm start [-- --help]

Serves the lake's services (ingest, catalog, and curate on every write) on one port, with no cloud account.
Settings, from the environment:
  PORT                       the port, 1 to 65535 (default ${DEFAULT_PORT})
  LAKE_DIR                   the folder of the zones landing, raw and curated (default ${DEFAULT_LAKE_DIR})
  ${INLINE_LIMIT_VARIABLE}  bodies above it get a 413 and go through an upload URL
                             (default and most ${INLINE_LIMIT_BYTES} bytes)
  BIS_LOG_LEVEL              debug, info, warn or error (default info)
Ctrl-C finishes in-flight uploads and curations, then exits; a second Ctrl-C exits at once
(every write is atomic, so nothing is left partial).
`;

/** A bad PORT, LAKE_DIR or argument: one line naming it, exit status 2. */
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

/** `--help` (or `-h`) asks for the usage; every other argument is refused, since settings come from the environment. */
export function startCommand(argv: readonly string[]): 'serve' | 'help' {
  if (argv.some((arg) => arg === '--help' || arg === '-h')) return 'help';
  if (argv.length > 0) {
    throw new StartInputError(
      `npm start takes no argument ${JSON.stringify(argv[0])}: settings come from the environment (PORT=8081 npm start); see npm start -- --help`,
    );
  }
  return 'serve';
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
export function runFromCommandLine(argv: readonly string[] = process.argv.slice(2)): void {
  let command: 'serve' | 'help';
  try {
    command = startCommand(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  if (command === 'help') {
    process.stdout.write(START_USAGE);
    process.exit(0);
  }
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
