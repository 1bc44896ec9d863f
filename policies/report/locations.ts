import { isAbsolute, relative, win32 } from 'path';
import { fileURLToPath } from 'url';
import { FIXED_BASELINE_ENTRY, type BaselineEntry } from '../baseline';
import { FAMILIES, isBuiltInRuleId, ORG_RULE_ID, type Family } from '../rule';
import { BIS_PLUGIN_NAME } from '../marks';
import type { FileLocation, ReportFinding } from './model';

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

const BIS_RULE_ID = /^BIS-([A-Z]+)[0-9]+$/;

/**
 * The family a rule is counted in: a BIS rule's diktat family from its ID prefix
 * (`BIS-DI1` → `DI data independence`), an org rule's under its prefix (`ACME-1` → `ACME org rules`),
 * any other plugin's rules under the plugin's name.
 */
export function familyOf(rule: { readonly id: string; readonly plugin: string }): string {
  const code = BIS_RULE_ID.exec(rule.id)?.[1];
  if (code !== undefined && Object.prototype.hasOwnProperty.call(FAMILIES, code)) {
    return `${code} ${FAMILIES[code as Family]}`;
  }
  if (rule.plugin === BIS_PLUGIN_NAME && !isBuiltInRuleId(rule.id) && ORG_RULE_ID.test(rule.id)) {
    return `${rule.id.slice(0, rule.id.indexOf('-'))} org rules`;
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

/** What every format says of a baseline entry that matched no finding. */
export function staleEntryLine(entry: BaselineEntry): string {
  return `${entry.ruleId} on ${entry.constructPath}: ${FIXED_BASELINE_ENTRY}`;
}
