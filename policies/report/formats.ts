import { renderJunit, type JunitWarnings } from './junit';
import { renderMarkdown } from './markdown';
import type { FindingsReport } from './model';
import { renderSarif } from './sarif';
import { renderText } from './text';

/*
 * Every output format of `cdk-bis report` and `cdk-bis scan`, each written from the same
 * FindingsReport.
 */

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown'] as const;

export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions {
  /** ANSI colours in the text format (the CLI passes `process.stdout.isTTY`). @default false */
  readonly color?: boolean;
  /** The tool's home page in SARIF `tool.driver.informationUri`. @default - none (cdk-bis is not published) */
  readonly informationUri?: string;
  /** JUnit: warnings as passing cases that print them, or as failures. @default 'pass' */
  readonly junitWarnings?: JunitWarnings;
}

/** The report in `format`, ending with a newline. */
export function renderReport(
  report: FindingsReport,
  format: ReportFormat,
  options: RenderOptions = {},
): string {
  switch (format) {
    case 'text':
      return renderText(report, { color: options.color });
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, { informationUri: options.informationUri });
    case 'junit':
      return renderJunit(report, { warnings: options.junitWarnings });
    case 'markdown':
      return renderMarkdown(report);
  }
}

/** The order keys are written in; keys not named here follow, alphabetically. */
const KEY_ORDER = [
  'tool',
  'rules',
  'findings',
  'name',
  'version',
  'id',
  'ruleId',
  'plugin',
  'severity',
  'title',
  'message',
  'description',
  'fix',
  'helpUri',
  'documentation',
  'stack',
  'logicalId',
  'resourceType',
  'resourcePath',
  'source',
  'template',
  'file',
  'line',
  'column',
  'acknowledgement',
  'reason',
  'at',
  'monthlyCostUsd',
  'unchecked',
  'stacks',
  'alwaysOn',
  'baseline',
  'stale',
];

/** The FindingsReport itself, with the same key order whoever built its objects. */
export function renderJson(report: FindingsReport): string {
  return `${JSON.stringify(withStableKeys(report), null, 2)}\n`;
}

function withStableKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withStableKeys);
  if (typeof value !== 'object' || value === null) return value;
  const rank = (key: string): number => {
    const index = KEY_ORDER.indexOf(key);
    return index >= 0 ? index : KEY_ORDER.length;
  };
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || compareText(a, b));
  return Object.fromEntries(
    keys.map((key) => [key, withStableKeys((value as Record<string, unknown>)[key])]),
  );
}

/** Code-point order, the same on every machine (localeCompare depends on the locale). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
