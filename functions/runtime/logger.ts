import type { LogFields, Logger, LogLevel } from './contract';

/** Cloud Logging's severity names; CloudWatch Logs Insights reads the same JSON fields. */
const SEVERITY: Readonly<Record<LogLevel, string>> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
};

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

const RESERVED = new Set(['severity', 'level', 'message', 'time', 'requestId', 'eventId']);

export interface LoggerOptions {
  /** @default - none: the line has no `requestId` */
  readonly requestId?: string;
  /** @default - none: the line has no `eventId` */
  readonly eventId?: string;
  /** Entries below this level are dropped. @default 'debug' */
  readonly level?: LogLevel;
  /** Receives each line, newline included. @default - `process.stdout.write` */
  readonly write?: (line: string) => void;
}

/**
 * A logger that writes one JSON line per entry: `severity`, `level`, `message`, `time`, the request or
 * event ID, then the fields. A field named like one of those is written as `field.<name>`, so user data
 * cannot forge the severity or the ID. It never throws.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const threshold = RANK[options.level ?? 'debug'];
  const entry =
    (level: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (RANK[level] < threshold) return;
      try {
        write(formatLine(level, message, options, fields) + '\n');
      } catch {
        // A logger that throws would turn a log call into an outage; the entry is lost instead.
      }
    };
  return { debug: entry('debug'), info: entry('info'), warn: entry('warn'), error: entry('error') };
}

/** The level `BIS_LOG_LEVEL` sets ('info' when unset), or an error naming the variable and the accepted values. */
export function logLevelFromEnvironment(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const value = env.BIS_LOG_LEVEL;
  return value === undefined || value === '' ? 'info' : parseLogLevel(value, 'BIS_LOG_LEVEL');
}

/** `level` as a log level, or an error naming `source` and the accepted values. */
export function parseLogLevel(value: string, source: string): LogLevel {
  if (value in RANK) return value as LogLevel;
  throw new Error(`${source} is '${value}'; use one of ${Object.keys(RANK).join(', ')}`);
}

function formatLine(level: LogLevel, message: string, ids: LoggerOptions, fields?: LogFields): string {
  const line: Record<string, unknown> = {
    severity: SEVERITY[level],
    level,
    message: String(message),
    time: new Date().toISOString(),
  };
  if (ids.requestId !== undefined) line.requestId = ids.requestId;
  if (ids.eventId !== undefined) line.eventId = ids.eventId;
  try {
    for (const [name, value] of Object.entries(fields ?? {})) {
      line[RESERVED.has(name) ? `field.${name}` : name] = value;
    }
    return JSON.stringify(line, safeReplacer());
  } catch (error) {
    // A throwing getter or toJSON in the fields: keep the entry, say what was lost.
    const fallback: Record<string, unknown> = { ...line, fieldsUnreadable: String(error) };
    for (const name of Object.keys(fields ?? {}))
      delete fallback[RESERVED.has(name) ? `field.${name}` : name];
    return JSON.stringify(fallback);
  }
}

/** A replacer that writes errors with their stack, BigInts as strings and cycles as "[Circular]". */
function safeReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  // The objects on the path from the root to the value being written; `holder` is what JSON.stringify
  // walks into (the replacement when an Error was rewritten), `original` what the cycle check compares.
  const path: { original: object; holder: object }[] = [];
  return function (this: unknown, _key: string, value: unknown): unknown {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value !== 'object' || value === null) return value;
    while (path.length > 0 && path[path.length - 1].holder !== this) path.pop();
    if (path.some((step) => step.original === value)) return '[Circular]';
    const written =
      value instanceof Error ? describeError(value) : value instanceof Uint8Array ? null : value;
    if (written === null) return `[${(value as Uint8Array).byteLength} bytes]`;
    path.push({ original: value, holder: written });
    return written;
  };
}

function describeError(error: Error): Record<string, unknown> {
  const described: Record<string, unknown> = { name: error.name, message: error.message, stack: error.stack };
  if (error.cause !== undefined) described.cause = error.cause;
  for (const [name, value] of Object.entries(error)) described[name] ??= value;
  return described;
}
