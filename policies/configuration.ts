import { BaselineInputError, readBaseline, type Baseline } from './baseline';
import { DEFAULT_INDEX_SETTINGS, type IndexSettings, type PerUserBudget } from './engine/app-index';
import { checkedOrgRules } from './org-rules';
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
   * Make error findings in stacks inside Stages fail every `cdk synth` and `cdk deploy` of the app. The
   * CDK CLI shows and fails on findings only for the stacks it selected, and plain `cdk synth` selects
   * the top-level stacks, so without this a CDK Pipelines app passes `cdk synth` with errors in its
   * Stages. The price: `cdk deploy OneStack` also fails on errors in other stacks of the app.
   *
   * @default false - synth prints a notice when the app has Stage stacks; gate CI on `cdk synth '**'`
   * or `npx cdk-bis report cdk.out`
   */
  readonly gateStageStacks?: boolean;
  /**
   * Org rules, built with `defineRule` from `cdk-bis/rules` under your own ID prefix (`ACME-1`),
   * run beside the BIS rules with the same levels, `disable` and acknowledgements (`BIS::ACME-1`).
   *
   * @default - the BIS rules only
   */
  readonly rules?: readonly BisRule[];
  /**
   * The per-user budget BIS-CO10 checks the always-on monthly floor against, e.g.
   * `{ users: 500, monthlyPerUser: 10, currency: 'EUR', usdPerUnit: 1.08 }`.
   *
   * @default - no budget: BIS-CO10 is not applicable
   */
  readonly budget?: BisBudget;
  /**
   * The stacks that may declare the role `data-platform`: stack names or construct paths, `*`
   * matching any characters (`['DataLake', 'Orders*']`). Any other data-platform stack is a
   * BIS-DI5 error.
   *
   * @default - every data-platform declaration is trusted
   */
  readonly dataPlatformStacks?: readonly string[];
  /**
   * A baseline file written by `npx cdk-bis baseline`, relative to the directory `cdk synth` runs
   * in: its findings are reported as "in baseline" and do not fail synth; new findings do. It is
   * read when the pack is constructed, and a missing or malformed file is an error.
   *
   * @default - no baseline: every finding counts
   */
  readonly baseline?: string;
}

/** "About 10 € per user per month": the budget BIS-CO10 checks. */
export interface BisBudget {
  /** How many people use the app: a positive integer. */
  readonly users: number;
  /** The budget per user per month, in `currency`: more than 0. */
  readonly monthlyPerUser: number;
  readonly currency: 'EUR' | 'USD';
  /**
   * How many USD one EUR is worth (prices are USD list prices): required, and more than 0, for EUR.
   *
   * @default - none; with 'USD' leave it out
   */
  readonly usdPerUnit?: number;
}

/** The pack's settings once checked: what the run reads. */
export interface PackConfiguration {
  readonly failOn: 'error' | 'warning';
  readonly gateStageStacks: boolean;
  readonly levels: Readonly<Record<string, Level>>;
  /** The rules that run, in catalogue order. */
  readonly rules: readonly BisRule[];
  /** Every rule, disabled ones included: the BIS rules, then the org rules. */
  readonly catalogue: readonly BisRule[];
  readonly settings: IndexSettings;
  /** The baseline's entries, read once. @default - no baseline */
  readonly baseline?: Baseline;
}

/** Check the props and resolve their defaults. Every mistake is an error that names the field and the value. */
export function packConfiguration(props: BisChecksProps): PackConfiguration {
  const orgRules = props.rules === undefined ? [] : checkedOrgRules(props.rules, 'BisChecks: rules');
  const catalogue = [...ALL_RULES, ...orgRules];
  const known = new Set(catalogue.map((rule) => rule.id));
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
  if (props.gateStageStacks !== undefined && typeof props.gateStageStacks !== 'boolean') {
    throw new Error(
      `BisChecks: gateStageStacks must be true or false, not ${JSON.stringify(props.gateStageStacks)}.`,
    );
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
    gateStageStacks: props.gateStageStacks ?? false,
    levels: props.levels ?? {},
    rules: catalogue.filter((rule) => !disabled.has(rule.id)),
    catalogue,
    settings: {
      costAllocationTagKeys: tagKeys,
      ...(props.budget !== undefined ? { budget: checkedBudget(props.budget) } : {}),
      ...(props.dataPlatformStacks !== undefined
        ? { dataPlatformStacks: checkedStackPatterns(props.dataPlatformStacks) }
        : {}),
    },
  };
}

/** The budget, each field checked: a wrong one would make BIS-CO10 pass or fail for nothing. */
function checkedBudget(budget: BisBudget): PerUserBudget {
  if (typeof budget !== 'object' || budget === null) {
    throw new Error(
      `BisChecks: budget must be { users, monthlyPerUser, currency, usdPerUnit? }, not ${JSON.stringify(budget)}.`,
    );
  }
  const { users, monthlyPerUser, currency, usdPerUnit } = budget;
  if (typeof users !== 'number' || !Number.isInteger(users) || users <= 0) {
    throw new Error(
      `BisChecks: budget.users must be a positive integer (people using the app), not ${JSON.stringify(users)}.`,
    );
  }
  if (typeof monthlyPerUser !== 'number' || !Number.isFinite(monthlyPerUser) || monthlyPerUser <= 0) {
    throw new Error(
      `BisChecks: budget.monthlyPerUser must be a number above 0 (e.g. 10), not ${JSON.stringify(monthlyPerUser)}.`,
    );
  }
  if (currency === 'USD') {
    if (usdPerUnit !== undefined) {
      throw new Error("BisChecks: budget.usdPerUnit converts EUR to USD; with currency 'USD' leave it out.");
    }
    return { users, monthlyPerUser, currency, usdPerUnit: 1 };
  }
  if (currency !== 'EUR') {
    throw new Error(`BisChecks: budget.currency must be 'EUR' or 'USD', not ${JSON.stringify(currency)}.`);
  }
  if (typeof usdPerUnit !== 'number' || !Number.isFinite(usdPerUnit) || usdPerUnit <= 0) {
    throw new Error(
      `BisChecks: budget.usdPerUnit must be the USD value of one EUR, above 0 (e.g. 1.08), since prices are in USD; got ${JSON.stringify(usdPerUnit)}.`,
    );
  }
  return { users, monthlyPerUser, currency, usdPerUnit };
}

/** Stack names or construct paths with `*`; an empty list is meaningful: no stack of this app is the platform. */
function checkedStackPatterns(patterns: readonly string[]): readonly string[] {
  if (!isStringList(patterns) || patterns.some((pattern) => pattern.trim() === '')) {
    throw new Error(
      `BisChecks: dataPlatformStacks must be a list of stack names or construct paths (with *), e.g. ['DataLake'], not ${JSON.stringify(patterns)}.`,
    );
  }
  return patterns;
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
