import { BIS_PLUGIN_NAME } from '../marks';
import type { Baseline, BaselineEntry } from './baseline-file';
import { fingerprintOf } from './fingerprint';

/**
 * Which findings a baseline holds, and which of its entries matched nothing. Only open BIS findings
 * are matched: an acknowledged finding needs no entry, so its entry is stale too.
 */
export class BaselineMatch {
  private readonly byFingerprint: ReadonlyMap<string, BaselineEntry>;
  private readonly matched = new Set<string>();

  constructor(public readonly baseline: Baseline) {
    this.byFingerprint = new Map(baseline.entries.map((entry) => [entry.fingerprint, entry]));
  }

  /** Whether the baseline holds this finding; records the entry as used. */
  public holds(finding: {
    readonly plugin: string;
    readonly ruleId: string;
    readonly resourcePath: string;
  }): boolean {
    if (finding.plugin !== BIS_PLUGIN_NAME) return false;
    const fingerprint = fingerprintOf(finding);
    if (!this.byFingerprint.has(fingerprint)) return false;
    this.matched.add(fingerprint);
    return true;
  }

  /** The entries no finding matched so far: fixed, renamed or acknowledged since. */
  public stale(): BaselineEntry[] {
    return this.baseline.entries.filter((entry) => !this.matched.has(entry.fingerprint));
  }
}
