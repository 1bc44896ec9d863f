import { isAbsolute, relative, win32 } from 'path';
import { fileURLToPath } from 'url';
import { FAMILIES, type Family } from '../rule';
import type { FileLocation, ReportFinding, Severity } from './model';

/*
 * Where a finding belongs: the file and line it points to, and the family it is counted in. Shared
 * by the report readers and every format, so that all of them point to the same place.
 */

/** The location a reader is sent to first: where the construct was created, else the template line. */
export function primaryLocation(finding: ReportFinding): FileLocation | undefined {
  return finding.source ?? finding.template;
}

/** `file:line:column`, as editors and terminals turn into links. */
export function formatLocation(location: FileLocation): string {
  return `${location.file}:${location.line}${location.column !== undefined ? `:${location.column}` : ''}`;
}

/** `path` relative to `root`, with forward slashes on every platform. */
export function relativeToRoot(root: string, path: string): string {
  return relative(root, path).split('\\').join('/');
}

/** Severities from the most to the least serious, for sorting and counting. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

const BIS_RULE_ID = /^BIS-([A-Z]+)[0-9]+$/;

/**
 * The family a rule is counted in: a BIS rule's diktat family from its ID prefix
 * (`BIS-DI1` → `DI data independence`), any other plugin's rules under the plugin's name.
 */
export function familyOf(rule: { readonly id: string; readonly plugin: string }): string {
  const code = BIS_RULE_ID.exec(rule.id)?.[1];
  if (code !== undefined && Object.prototype.hasOwnProperty.call(FAMILIES, code)) {
    return `${code} ${FAMILIES[code as Family]}`;
  }
  return rule.plugin;
}

/** A stack frame's file (absolute) and 1-based line and column. */
export interface SourceFrame {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/**
 * The first frame of a construct-creation stack trace that is the user's own code: a real file
 * outside node_modules and node internals. CDK writes frames as `<anonymous> (/abs/app.ts:9:1)`,
 * `new MyStack (/abs/x.ts:15:20)` or `at /abs/x.ts:3:4`, and folds library frames into
 * `...new Bucket2 in aws-cdk-lib...` lines. An anonymous function's frame can come out as
 * `/abs/x.ts:42 (:)`, its place in the name and the column lost.
 */
export function userFrameOf(stackTrace: string): SourceFrame | undefined {
  for (const rawLine of stackTrace.split('\n')) {
    const frame = parseFrame(rawLine.trim());
    if (frame && !/[\\/]node_modules[\\/]/.test(frame.file)) return frame;
  }
  return undefined;
}

function parseFrame(text: string): SourceFrame | undefined {
  if (text === '' || text.startsWith('...') || text.includes('eval at ')) return undefined;
  const body = text.startsWith('at ') ? text.slice(3) : text;
  const open = body.indexOf(' (');
  if (body.endsWith(')') && open >= 0) {
    return placeOf(body.slice(open + 2, -1)) ?? placeOf(body.slice(0, open));
  }
  return placeOf(body);
}

/** `/abs/x.ts:3:4`, `/abs/x.ts:3` or `file:///abs/x.ts:3:4`, when it names a real file. */
function placeOf(location: string): SourceFrame | undefined {
  const match = /^(.+?):([0-9]+)(?::([0-9]+))?:?$/.exec(location);
  if (!match) return undefined;
  let file = match[1];
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  // Node internals (`node:internal/...`) and `<anonymous>` are not files a reader can open.
  if (!isAbsolute(file) && !win32.isAbsolute(file)) return undefined;
  return { file, line: Number(match[2]), ...(match[3] !== undefined ? { column: Number(match[3]) } : {}) };
}

/**
 * The 1-based line of each resource's logical ID in a JSON template (the keys of the top-level
 * `Resources` object), found by one pass over the text: JSON.parse keeps no positions.
 */
export function resourceLinesOfJson(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  // One entry per open object or array; `key` is the object's current key.
  const open: { isObject: boolean; key?: string }[] = [];
  let expectingKey = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') {
      line++;
    } else if (char === '"') {
      const start = i;
      let escaped = false;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') {
          escaped = true;
          i++;
        }
      }
      const innermost = open[open.length - 1];
      if (innermost?.isObject && expectingKey) {
        const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        innermost.key = key;
        expectingKey = false;
        if (open.length === 2 && open[0].key === 'Resources' && !lines.has(key)) lines.set(key, line);
      }
    } else if (char === '{') {
      open.push({ isObject: true });
      expectingKey = true;
    } else if (char === '[') {
      open.push({ isObject: false });
      expectingKey = false;
    } else if (char === '}' || char === ']') {
      open.pop();
      expectingKey = false;
    } else if (char === ',') {
      expectingKey = open[open.length - 1]?.isObject ?? false;
    }
  }
  return lines;
}

/**
 * Where JSON.parse gave up on `text`, as a 1-based line and column: Node 20's messages name no
 * position. Only called on text that JSON.parse rejected.
 */
export function jsonSyntaxErrorAt(text: string): { line: number; column: number } {
  let at = 0;
  const fail = (): never => {
    throw new JsonSyntaxError(at);
  };
  const skipSpace = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const consume = (char: string): void => {
    skipSpace();
    if (text[at] !== char) fail();
    at++;
  };
  const string = (): void => {
    consume('"');
    for (;;) {
      if (at >= text.length) fail();
      const char = text[at];
      if (char === '"') break;
      if (char < ' ') fail();
      if (char === '\\') {
        at++;
        if (text[at] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) fail();
          at += 4;
        } else if (!'"\\/bfnrt'.includes(text[at] ?? '')) fail();
      }
      at++;
    }
    at++;
  };
  const LITERAL = /true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const value = (): void => {
    skipSpace();
    const char = text[at];
    if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      at++;
      skipSpace();
      if (text[at] === close) {
        at++;
        return;
      }
      for (;;) {
        if (close === '}') {
          skipSpace();
          string();
          consume(':');
        }
        value();
        skipSpace();
        if (text[at] === ',') at++;
        else return consume(close);
      }
    }
    if (char === '"') return string();
    LITERAL.lastIndex = at;
    if (!LITERAL.test(text)) fail();
    at = LITERAL.lastIndex;
  };
  try {
    value();
    skipSpace();
    if (at < text.length) fail();
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    at = error.offset;
  }
  const before = text.slice(0, at);
  return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
}

class JsonSyntaxError extends Error {
  constructor(public readonly offset: number) {
    super(`JSON syntax error at offset ${offset}`);
  }
}
