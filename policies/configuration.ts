import { BaselineInputError, readBaseline, type Baseline } from './baseline';
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
  /**
   * A baseline file written by `npx cdk-bis baseline`, relative to the directory `cdk synth` runs
   * in: its findings are reported as "in baseline" and do not fail synth; new findings do. It is
   * read when the pack is constructed, and a missing or malformed file is an error.
   *
   * @default - no baseline: every finding counts
   */
  readonly baseline?: string;
}

/** The pack's settings once checked: what the run reads. */
export interface PackConfiguration {
  readonly failOn: 'error' | 'warning';
  readonly levels: Readonly<Record<string, Level>>;
  /** The rules that run, in catalogue order. */
  readonly rules: readonly BisRule[];
  readonly settings: IndexSettings;
  /** The baseline's entries, read once. @default - no baseline */
  readonly baseline?: Baseline;
}

/** Check the props and resolve their defaults. Every mistake is an error that names the field and the value. */
export function packConfiguration(props: BisChecksProps): PackConfiguration {
  const known = new Set(ALL_RULES.map((rule) => rule.id));
  const rejectUnknown = (ids: readonly string[], field: string): void => {
    const bad = ids.filter((id) => !known.has(id));
    if (bad.length > 0) {
      const hints = bad.map((id) => closestRuleId(id, known)).filter((hint) => hint !== undefined);
      throw new Error(
        `BisChecks: unknown rule ID${bad.length > 1 ? 's' : ''} in ${field}: ${bad.join(', ')}. ` +
          (hints.length > 0 ? `Did you mean ${hints.join(', ')}? ` : '') +
          `Rule IDs look like BIS-SF1; the full list is in docs/RULES.md.`,
      );
    }
  };
  if (props.failOn !== undefined && props.failOn !== 'error' && props.failOn !== 'warning') {
    throw new Error(`BisChecks: failOn must be 'error' or 'warning', not ${JSON.stringify(props.failOn)}.`);
  }
  if (props.disable !== undefined && !isStringList(props.disable)) {
    throw new Error(
      `BisChecks: disable must be a list of rule IDs, e.g. ['BIS-CO8'], not ${JSON.stringify(props.disable)}.`,
    );
  }
  if (props.levels !== undefined && (typeof props.levels !== 'object' || Array.isArray(props.levels))) {
    throw new Error(
      `BisChecks: levels must map rule IDs to levels, e.g. { 'BIS-CO1': 'error' }, not ${JSON.stringify(props.levels)}.`,
    );
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
  const both = (props.disable ?? []).filter((id) => props.levels?.[id] !== undefined);
  if (both.length > 0) {
    throw new Error(
      `BisChecks: ${both.join(', ')} ${both.length > 1 ? 'are' : 'is'} both disabled and given a level; keep one of the two.`,
    );
  }
  const tagKeys = props.costAllocationTagKeys ?? DEFAULT_INDEX_SETTINGS.costAllocationTagKeys;
  if (!isStringList(tagKeys) || tagKeys.some((key) => key.trim() === '')) {
    throw new Error('BisChecks: costAllocationTagKeys must be a list of non-empty tag keys.');
  }
  if (tagKeys.length === 0) {
    // An empty list would silently require nothing: switching BIS-CO9 off is what `disable` is for.
    throw new Error(
      "BisChecks: costAllocationTagKeys is empty, which would turn BIS-CO9 off silently; list the keys, or disable: ['BIS-CO9'].",
    );
  }
  const disabled = new Set(props.disable ?? []);
  const baseline = props.baseline !== undefined ? packBaseline(props.baseline) : undefined;
  return {
    ...(baseline ? { baseline } : {}),
    failOn: props.failOn ?? 'error',
    levels: props.levels ?? {},
    rules: ALL_RULES.filter((rule) => !disabled.has(rule.id)),
    settings: { costAllocationTagKeys: tagKeys },
  };
}

function packBaseline(file: unknown): Baseline {
  if (typeof file !== 'string' || file.trim() === '') {
    throw new Error(
      `BisChecks: baseline must be the path of a baseline file, e.g. 'bis-baseline.json', not ${JSON.stringify(file)}.`,
    );
  }
  try {
    return readBaseline(file);
  } catch (error) {
    if (error instanceof BaselineInputError)
      throw new Error(`BisChecks: ${error.message}.`, { cause: error });
    throw error;
  }
}

function isStringList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The rule ID a mistyped one most likely means: `bis-co8`, `CO8` and `BIS_CO8` all mean BIS-CO8. */
function closestRuleId(id: string, known: ReadonlySet<string>): string | undefined {
  const normalised = id.trim().toUpperCase().replace(/_/g, '-');
  const candidate = normalised.startsWith('BIS-') ? normalised : `BIS-${normalised.replace(/^BIS/, '')}`;
  return known.has(candidate) ? candidate : undefined;
}
