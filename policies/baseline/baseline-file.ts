import { readFileSync } from 'fs';
import { isObject } from '../engine/template-values';
import { BIS_PLUGIN_NAME } from '../marks';
import { jsonSyntaxErrorAt } from '../template-text';
import { fingerprintOf } from './fingerprint';

/*
 * The baseline file (`bis-baseline.json`): the BIS findings an app had when it adopted the pack.
 * Sorted and written the same way every time, so that it diffs well in review.
 */

export const BASELINE_VERSION = 1;
export const DEFAULT_BASELINE_FILE = 'bis-baseline.json';
/** The reason a baselined finding is shown as suppressed with. */
export const IN_BASELINE = 'in baseline';
/** What a report says of an entry that matches no finding any more. */
export const FIXED_BASELINE_ENTRY = 'fixed; remove from the baseline (npx cdk-bis baseline --prune)';

/** One finding of the baseline. It matches a finding of the same rule on the same construct path. */
export interface BaselineEntry {
  readonly ruleId: string;
  readonly stack: string;
  /** The construct path (CDK) or `<file>#<logicalId>` (scan). */
  readonly constructPath: string;
  /** For the reviewer: the resource's logical ID when the finding was recorded. */
  readonly logicalId?: string;
  /** `fingerprintOf` the rule and construct path, as in SARIF `partialFingerprints`. */
  readonly fingerprint: string;
}

export interface Baseline {
  /** The file, as the user named it. */
  readonly file: string;
  readonly entries: readonly BaselineEntry[];
}

/** A baseline that cannot be read: the message names the file and the line, and what to do. */
export class BaselineInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineInputError';
  }
}

/** What a finding must say for the baseline to hold it. */
export interface BaselinedFinding {
  readonly plugin: string;
  readonly ruleId: string;
  readonly stack: string;
  readonly resourcePath: string;
  readonly logicalId?: string;
}

/** The entry of a BIS finding. */
export function baselineEntryOf(finding: BaselinedFinding): BaselineEntry {
  return {
    ruleId: finding.ruleId,
    stack: finding.stack,
    constructPath: finding.resourcePath,
    ...(finding.logicalId !== undefined ? { logicalId: finding.logicalId } : {}),
    fingerprint: fingerprintOf(finding),
  };
}

/** The file's text: entries deduplicated and sorted by stack, construct path and rule, 2-space JSON, a final newline. */
export function renderBaseline(entries: readonly BaselineEntry[]): string {
  const unique = new Map<string, BaselineEntry>();
  for (const entry of entries) if (!unique.has(entry.fingerprint)) unique.set(entry.fingerprint, entry);
  const sorted = [...unique.values()].sort(
    (a, b) =>
      compareText(a.stack, b.stack) ||
      compareText(a.constructPath, b.constructPath) ||
      compareText(a.ruleId, b.ruleId),
  );
  const findings = sorted.map((entry) => ({
    ruleId: entry.ruleId,
    stack: entry.stack,
    constructPath: entry.constructPath,
    ...(entry.logicalId !== undefined ? { logicalId: entry.logicalId } : {}),
    fingerprint: entry.fingerprint,
  }));
  return `${JSON.stringify({ version: BASELINE_VERSION, findings }, null, 2)}\n`;
}

/**
 * Read and check a baseline file.
 *
 * @throws BaselineInputError when it is missing, unreadable, not JSON or not a baseline, naming the
 * file, the line and the field
 */
export function readBaseline(file: string): Baseline {
  const regenerate = 'write it with `npx cdk-bis baseline` after `cdk synth`';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BaselineInputError(`baseline ${file}: no such file; ${regenerate}`);
    throw new BaselineInputError(
      `baseline ${file}: cannot be read (${code ?? (error as Error).message}); check its permissions`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const { line, column } = jsonSyntaxErrorAt(text);
    throw new BaselineInputError(
      `baseline ${file}:${line}:${column}: not valid JSON; fix it, or ${regenerate}`,
    );
  }
  const wrong = (line: number, problem: string): BaselineInputError =>
    new BaselineInputError(`baseline ${file}:${line}: ${problem}; fix it, or ${regenerate}`);
  if (!isObject(json)) throw wrong(1, 'the top level is not an object with version and findings');
  if (json.version !== BASELINE_VERSION) {
    throw wrong(1, `version is ${JSON.stringify(json.version)}, not ${BASELINE_VERSION}`);
  }
  if (!Array.isArray(json.findings)) throw wrong(1, 'findings is not a list');
  const lines = findingLines(text);
  const entries = json.findings.map((entry: unknown, index): BaselineEntry => {
    const line = lines[index] ?? 1;
    const at = `findings[${index}]`;
    if (!isObject(entry)) throw wrong(line, `${at} is not an object`);
    for (const field of ['ruleId', 'stack', 'constructPath', 'fingerprint'] as const) {
      if (typeof entry[field] !== 'string' || entry[field] === '') {
        throw wrong(line, `${at}.${field} is missing or not a string`);
      }
    }
    if (entry.logicalId !== undefined && typeof entry.logicalId !== 'string') {
      throw wrong(line, `${at}.logicalId is not a string`);
    }
    const checked = entry as unknown as BaselineEntry;
    const expected = fingerprintOf({
      plugin: BIS_PLUGIN_NAME,
      ruleId: checked.ruleId,
      resourcePath: checked.constructPath,
    });
    // A hand-edited rule or path with the old fingerprint would match a finding nobody meant.
    if (checked.fingerprint !== expected) {
      throw wrong(line, `${at}.fingerprint does not match its ruleId and constructPath`);
    }
    return checked;
  });
  return { file, entries };
}

/** The 1-based line where each element of the top-level `findings` list starts. */
function findingLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inFindings = false;
  let expectElement = false;
  let lastKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') line++;
    else if (char === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (depth === 1) lastKey = text.slice(start + 1, i);
      if (inFindings && depth === 2 && expectElement) {
        lines.push(line);
        expectElement = false;
      }
    } else if (char === '{' || char === '[') {
      if (inFindings && depth === 2 && expectElement) {
        lines.push(line);
        expectElement = false;
      }
      depth++;
      if (depth === 2 && char === '[' && lastKey === 'findings') {
        inFindings = true;
        expectElement = true;
      }
    } else if (char === '}' || char === ']') {
      depth--;
      if (depth === 1) inFindings = false;
    } else if (char === ',' && inFindings && depth === 2) {
      expectElement = true;
    } else if (inFindings && depth === 2 && expectElement && /[^\s:]/.test(char)) {
      lines.push(line);
      expectElement = false;
    }
  }
  return lines;
}

/** Code-point order, the same on every machine (localeCompare depends on the locale). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
