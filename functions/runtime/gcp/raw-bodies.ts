import { createRequire } from 'module';

/*
 * functions-framework parses bodies before any user code runs, and answers one it cannot parse (invalid
 * JSON, a charset or content coding it does not know, too many form fields) with a 400 or 415 HTML page.
 * The portable contract hands the handler the bytes instead, as Lambda does. So the servers that
 * functions-framework builds for portable HTTP functions get parsers that let such a request through:
 * `req.rawBody` keeps the bytes, or the stream stays unread for the adapter to read. Each parser is
 * body-parser's `raw` on the same content types: the handler reads the bytes itself, so parsing JSON,
 * decoding text or splitting a form here would be work thrown away on every request.
 */

const PARSERS = ['json', 'text', 'urlencoded', 'raw'] as const;

// What each body-parser factory matches when functions-framework gives no `type` (body-parser's defaults).
const DEFAULT_TYPES: Record<(typeof PARSERS)[number], string> = {
  json: 'application/json',
  text: 'text/plain',
  urlencoded: 'application/x-www-form-urlencoded',
  raw: 'application/octet-stream',
};

// The body-parser failures that mean "could not interpret", not "could not read" (a 413 over the limit stays).
const UNINTERPRETABLE = new Set([
  'entity.parse.failed',
  'charset.unsupported',
  'encoding.unsupported',
  'parameters.too.many',
  'querystring.parse.rangeError',
]);

type Middleware = (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
type ParserFactory = (options?: unknown) => Middleware;
type GetServer = (userFunction: unknown, options: { signatureType?: string }) => unknown;

const portableFunctions = new WeakSet<object>();
let installed = false;

/** Marks `userFunction` so that the server functions-framework builds for it keeps unparsable bodies. */
export function keepRawBodies(userFunction: object): void {
  portableFunctions.add(userFunction);
  if (installed) return;
  install();
  installed = true;
}

function install(): void {
  // Resolve from functions-framework's own entry, so this is the copy whose `http()` registry we use.
  const frameworkRequire = createRequire(require.resolve('@google-cloud/functions-framework'));
  const server = frameworkRequire('./server') as { getServer?: GetServer };
  const bodyParser = frameworkRequire('body-parser') as Record<(typeof PARSERS)[number], ParserFactory>;
  const original = server.getServer;
  if (typeof original !== 'function' || PARSERS.some((name) => typeof bodyParser[name] !== 'function')) {
    throw new Error(
      'gcpHttp: this version of @google-cloud/functions-framework has no getServer or body-parser factories; ' +
        'the raw-body guarantee needs functions-framework 5 (pin 5.0.5)',
    );
  }
  server.getServer = function getPortableServer(this: unknown, userFunction, options) {
    if (options?.signatureType !== 'http' || !portableFunctions.has(userFunction as object)) {
      return original.call(this, userFunction, options);
    }
    const saved = Object.fromEntries(PARSERS.map((name) => [name, bodyParser[name]])) as typeof bodyParser;
    try {
      for (const name of PARSERS) {
        bodyParser[name] = (parserOptions) =>
          passUninterpretable(saved.raw({ type: DEFAULT_TYPES[name], ...(parserOptions as object) }));
      }
      return original.call(this, userFunction, options);
    } finally {
      Object.assign(bodyParser, saved);
    }
  };
}

function passUninterpretable(parser: Middleware): Middleware {
  return function uninterpretableBodyPasses(req, res, next) {
    parser(req, res, (error?: unknown) => next(isUninterpretable(error) ? undefined : error));
  };
}

function isUninterpretable(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    UNINTERPRETABLE.has(String((error as { type?: unknown }).type))
  );
}
