import { BIS_PLUGIN_NAME } from '../marks';
import { baselineEntryOf, BaselineMatch, type Baseline, type BaselineEntry } from '../baseline';
import type { FindingsReport, ReportFinding } from './model';

/*
 * Baselines on a report: `cdk-bis report --baseline` and `cdk-bis scan --baseline` mark the findings
 * a baseline holds and list its stale entries; `cdk-bis baseline` writes a report's findings.
 */

/** The report with the findings `baseline` holds marked, and its entries that matched none. */
export function applyBaseline(report: FindingsReport, baseline: Baseline): FindingsReport {
  const match = new BaselineMatch(baseline);
  const findings = report.findings.map((finding): ReportFinding => {
    // The file decides, over what synth may have marked with another one.
    const { baseline: _marked, ...rest } = finding;
    return !finding.acknowledgement && match.holds(finding) ? { ...rest, baseline: true } : rest;
  });
  return { ...report, findings, baseline: { file: baseline.file, stale: match.stale() } };
}

/** Every open BIS finding of the report, in the baseline's shape (those already in a baseline included). */
export function baselineEntriesOf(report: FindingsReport): BaselineEntry[] {
  return report.findings
    .filter((finding) => finding.plugin === BIS_PLUGIN_NAME && !finding.acknowledgement)
    .map(baselineEntryOf);
}
