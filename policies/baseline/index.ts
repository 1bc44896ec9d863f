export {
  BASELINE_VERSION,
  baselineEntryOf,
  BaselineInputError,
  DEFAULT_BASELINE_FILE,
  FIXED_BASELINE_ENTRY,
  IN_BASELINE,
  readBaseline,
  renderBaseline,
  type Baseline,
  type BaselineEntry,
  type BaselinedFinding,
} from './baseline-file';
export { fingerprintOf } from './fingerprint';
export { BaselineMatch } from './matching';
