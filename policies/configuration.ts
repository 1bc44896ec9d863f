import { DEFAULT_INDEX_SETTINGS, type IndexSettings } from './engine/app-index';
import { LEVELS, type BisRule, type Level } from './rule';
import { ALL_RULES } from './rules';

export interface BisChecksProps {
  /**
   * The lowest level that fails synth. With `'warning'`, warnings are promoted to errors (like
   * `-Werror`), so the CDK report shows them as errors.
   *
   * @default 'error' - warnings and infos are reported but never fail synth
   */
  readonly failOn?: 'error' | 'warning';
  /**
   * Rule IDs to switch off for the whole app. An unknown ID is an error.
   *
   * @default - every rule runs
   */
  readonly disable?: readonly string[];
  /**
   * Per-rule level overrides, e.g. `{ 'BIS-CO1': 'error' }`. An unknown ID is an error.
   *
   * @default - each rule's own level (see docs/RULES.md)
   */
  readonly levels?: Readonly<Record<string, Level>>;
  /**
   * The cost-allocation tag keys that BIS-CO9 requires.
   *
   * @default ['bis:owner', 'bis:cost-center']
   */
  readonly costAllocationTagKeys?: readonly string[];
}

/** The pack's settings once checked: what the run reads. */
export interface PackConfiguration {
  readonly failOn: 'error' | 'warning';
  readonly levels: Readonly<Record<string, Level>>;
  /** The rules that run, in catalogue order. */
  readonly rules: readonly BisRule[];
  readonly settings: IndexSettings;
}

/** Check the props and resolve their defaults. Every mistake is an error that names the field and the value. */
export function packConfiguration(props: BisChecksProps): PackConfiguration {
  const known = new Set(ALL_RULES.map((rule) => rule.id));
  const rejectUnknown = (ids: readonly string[], field: string): void => {
    const bad = ids.filter((id) => !known.has(id));
    if (bad.length > 0) {
      throw new Error(
        `BisChecks: unknown rule ID${bad.length > 1 ? 's' : ''} in ${field}: ${bad.join(', ')}. ` +
          `Rule IDs look like BIS-SF1; the full list is in docs/RULES.md.`,
      );
    }
  };
  if (props.failOn !== undefined && props.failOn !== 'error' && props.failOn !== 'warning') {
    throw new Error(`BisChecks: failOn must be 'error' or 'warning', not ${JSON.stringify(props.failOn)}.`);
  }
  rejectUnknown(props.disable ?? [], 'disable');
  rejectUnknown(Object.keys(props.levels ?? {}), 'levels');
  for (const [id, level] of Object.entries(props.levels ?? {})) {
    if (!LEVELS.includes(level)) {
      throw new Error(
        `BisChecks: levels['${id}'] is ${JSON.stringify(level)}; use one of ${LEVELS.join(', ')}.`,
      );
    }
  }
  const tagKeys = props.costAllocationTagKeys ?? DEFAULT_INDEX_SETTINGS.costAllocationTagKeys;
  if (!Array.isArray(tagKeys) || tagKeys.some((key) => typeof key !== 'string' || key.trim() === '')) {
    throw new Error('BisChecks: costAllocationTagKeys must be a list of non-empty tag keys.');
  }
  const disabled = new Set(props.disable ?? []);
  return {
    failOn: props.failOn ?? 'error',
    levels: props.levels ?? {},
    rules: ALL_RULES.filter((rule) => !disabled.has(rule.id)),
    settings: { costAllocationTagKeys: tagKeys },
  };
}
