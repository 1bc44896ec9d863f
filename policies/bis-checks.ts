import { CfnResource, Stack } from 'aws-cdk-lib';
import type {
  IPolicyValidationContext,
  PolicyValidationPluginReport,
  PolicyViolatingResource,
  PolicyViolation,
} from 'aws-cdk-lib';
import { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { AppIndex, DEFAULT_INDEX_SETTINGS, type IndexSettings } from './engine/app-index';
import { synthesizedTemplates } from './engine/synthesized-templates';
import { PACKAGE_VERSION } from './package-version';
import { type TemplateResource } from './engine/template-resource';
import { isObject, type TemplateObject } from './engine/template-values';
import { LEVELS, type BisRule, type Level, type Verdict } from './rule';
import { ALL_RULES } from './rules';

/** The plugin name. CDK derives the acknowledgement namespace from it: `BIS::<rule id>`. */
export const BIS_PLUGIN_NAME = 'BIS';

/** Where each rule is documented; reports link findings here. */
export const RULES_DOC_URL = 'docs/RULES.md';

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

/**
 * The resource a finding is about: where it is, not its properties, so that a run's findings do not
 * keep every parsed template alive.
 */
export type FoundResource = Pick<
  TemplateResource,
  'logicalId' | 'type' | 'path' | 'stack' | 'construct' | 'metadata'
>;

/** One rule's verdict on one resource, with everything a report needs. */
export interface BisFinding {
  readonly rule: BisRule;
  readonly level: Level;
  readonly message: string;
  readonly resource: FoundResource;
  /** Set when the finding is acknowledged with `Validations.of(c).acknowledge({ id: 'BIS::<id>', reason })`. */
  readonly acknowledgedReason?: string;
  /** For always-on resources: the estimated monthly cost in USD (CO rules). */
  readonly monthlyCostUsd?: number;
}

/**
 * The BIS diktat rule pack, as a CDK policy-validation plugin.
 *
 * @example
 * Validations.of(app).addPlugins(new BisChecks(app, { failOn: 'error' }));
 */
export class BisChecks extends NagPack {
  public readonly name = BIS_PLUGIN_NAME;
  public readonly version = PACKAGE_VERSION;
  public readonly ruleIds: string[];

  private readonly failOn: 'error' | 'warning';
  private readonly levels: Readonly<Record<string, Level>>;
  private readonly rulesByType = new Map<string, BisRule[]>();
  private readonly rulesForEveryType: BisRule[] = [];
  private readonly settings: IndexSettings;
  private run?: ValidationRun;

  constructor(scope?: IConstruct, props: BisChecksProps = {}) {
    super(scope);
    this.packName = BIS_PLUGIN_NAME;
    const known = new Map(ALL_RULES.map((rule) => [rule.id, rule]));
    const unknown = (ids: readonly string[], field: string): void => {
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
    unknown(props.disable ?? [], 'disable');
    unknown(Object.keys(props.levels ?? {}), 'levels');
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

    this.failOn = props.failOn ?? 'error';
    this.levels = props.levels ?? {};
    this.settings = { costAllocationTagKeys: tagKeys };
    const disabled = new Set(props.disable ?? []);
    const enabled = ALL_RULES.filter((rule) => !disabled.has(rule.id));
    this.ruleIds = enabled.map((rule) => rule.id);
    // Dispatch by resource type: a resource meets only the rules written for its type.
    for (const rule of enabled) {
      for (const type of rule.resourceTypes) {
        if (type === '*') {
          this.rulesForEveryType.push(rule);
        } else {
          const list = this.rulesByType.get(type) ?? [];
          list.push(rule);
          this.rulesByType.set(type, list);
        }
      }
    }
  }

  /** Called by CDK at synth time. Acknowledged findings are passed on so CDK's report records their reasons. */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const app = (context as IPolicyValidationContext & { appConstruct?: IConstruct }).appConstruct;
    if (!app) {
      throw new Error(
        'BisChecks needs aws-cdk-lib >= 2.258 (the validation context has no appConstruct). Upgrade aws-cdk-lib.',
      );
    }
    // CDK calls plugins right after writing the templates, so they are fresh.
    return this.report(this.findings(app, synthesizedTemplates({ fresh: true })), {
      includeAcknowledged: true,
    });
  }

  /** Validate a construct tree directly (tests, tools). Acknowledged findings are left out, as in cdk-nag. */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    return this.report(this.evaluate(scope), { includeAcknowledged: false });
  }

  /**
   * Every finding in a construct tree, acknowledged ones included. Call it on a synthesized app
   * (after `app.synth()`), so that tags, cross-stack references and aspects are in place.
   */
  public evaluate(scope: IConstruct): BisFinding[] {
    return this.findings(scope, synthesizedTemplates({ fresh: false }));
  }

  /**
   * Every finding in an index built elsewhere (a template scan: `indexTemplates`). Resources
   * without a construct are acknowledged by `Metadata.cdk_nag.rules_to_suppress`, as cdk-nag writes it.
   */
  public evaluateIndex(index: AppIndex): BisFinding[] {
    this.run = { index, findings: [], found: new Map() };
    try {
      // Unit by unit, releasing each once checked: relational rules look within a deployment
      // unit only, and the parsed templates of a large app then never all live at once.
      for (const unit of index.deploymentUnits) {
        for (const stack of index.deploymentUnitStacks(unit)) {
          for (const resource of index.resourcesOf(stack)) this.checkTemplateResource(resource);
        }
        index.release(unit);
        this.run.found.clear();
      }
      return this.run.findings;
    } finally {
      this.run = undefined;
    }
  }

  /** The settings rules read (cost-allocation tag keys), to build an index with. */
  public get indexSettings(): IndexSettings {
    return this.settings;
  }

  private findings(
    scope: IConstruct,
    templateOf: (stack: Stack) => TemplateObject | undefined,
  ): BisFinding[] {
    return this.evaluateIndex(AppIndex.fromConstructTree(scope, this.settings, templateOf));
  }

  /** NagPack's per-construct hook: run, on one resource of the current run, the rules dispatched to its type. */
  protected checkResource(node: CfnResource): void {
    const resource = this.run?.index.resourceOfConstruct(node);
    if (resource) this.checkTemplateResource(resource);
  }

  private checkTemplateResource(resource: TemplateResource): void {
    const run = this.run;
    if (!run) return;
    const rules = this.rulesByType.get(resource.type);
    if (!rules && this.rulesForEveryType.length === 0) return;
    if (run.index.isMachinery(resource)) return;
    if (rules) for (const rule of rules) this.apply(rule, resource, run);
    for (const rule of this.rulesForEveryType) this.apply(rule, resource, run);
  }

  private apply(rule: BisRule, resource: TemplateResource, run: ValidationRun): void {
    const verdict = checkSafely(rule, resource, run.index);
    if (verdict.kind !== 'non-compliant') return;
    const level = this.levels[rule.id] ?? verdict.level ?? rule.level;
    let found = run.found.get(resource);
    if (!found) {
      const { logicalId, type, path, stack, construct, metadata } = resource;
      found = { logicalId, type, path, stack, construct, metadata };
      run.found.set(resource, found);
    }
    run.findings.push({
      rule,
      level: level === 'warning' && this.failOn === 'warning' ? 'error' : level,
      message: verdict.message,
      resource: found,
      monthlyCostUsd: verdict.monthlyCostUsd,
      acknowledgedReason: resource.construct
        ? run.index.acknowledgement(resource.construct, `${BIS_PLUGIN_NAME}::${rule.id}`)
        : templateAcknowledgement(resource, rule.id),
    });
  }

  private report(
    findings: readonly BisFinding[],
    options: { includeAcknowledged: boolean },
  ): PolicyValidationPluginReport {
    type Violation = PolicyViolation & { violatingResources: PolicyViolatingResource[] };
    const violations: Violation[] = [];
    // Grouped by rule, level and message without building a key string per finding: messages are
    // often shared strings, whose hash V8 computes once.
    const grouped = new Map<BisRule, Map<Level, Map<string, Violation>>>();
    // A rule's fix text and metadata are the same for all its findings: built once per rule.
    const described = new Map<BisRule, { fix: string; ruleMetadata: Record<string, string> }>();
    const describe = (rule: BisRule) => {
      let description = described.get(rule);
      if (!description) {
        description = {
          fix: `${rule.fix} To accept the finding instead, acknowledge it with a reason: Validations.of(construct).acknowledge({ id: '${BIS_PLUGIN_NAME}::${rule.id}', reason: '...' }).`,
          ruleMetadata: {
            title: rule.title,
            family: rule.family,
            diktat: rule.diktat,
            documentation: `${RULES_DOC_URL}#${rule.id.toLowerCase()}`,
          },
        };
        described.set(rule, description);
      }
      return description;
    };
    for (const finding of findings) {
      if (finding.acknowledgedReason !== undefined && !options.includeAcknowledged) continue;
      let byLevel = grouped.get(finding.rule);
      if (!byLevel) grouped.set(finding.rule, (byLevel = new Map()));
      let byMessage = byLevel.get(finding.level);
      if (!byMessage) byLevel.set(finding.level, (byMessage = new Map()));
      let violation = byMessage.get(finding.message);
      if (!violation) {
        const { fix, ruleMetadata } = describe(finding.rule);
        violation = {
          ruleName: finding.rule.id,
          description: `[${finding.rule.id}] ${finding.message}`,
          fix,
          severity: finding.level,
          // Reports sum monthlyCostUsd into the always-on estimate; CDK's report keeps string values only.
          ruleMetadata:
            finding.monthlyCostUsd !== undefined
              ? { ...ruleMetadata, monthlyCostUsd: finding.monthlyCostUsd.toFixed(2) }
              : ruleMetadata,
          violatingResources: [],
        };
        byMessage.set(finding.message, violation);
        violations.push(violation);
      }
      violation.violatingResources.push({
        constructPath: finding.resource.path,
        locations: PROPERTIES_LOCATION,
      });
    }
    const failing = findings.some(
      (finding) => finding.level === 'error' && finding.acknowledgedReason === undefined,
    );
    return { success: !failing, violations, pluginVersion: this.version };
  }
}

/** Where in a resource every finding points: one shared list, since a run can have thousands of findings. */
const PROPERTIES_LOCATION: string[] = ['Properties'];

/** The state of one validation run: the index, the findings so far, and what was read once. */
interface ValidationRun {
  readonly index: AppIndex;
  readonly findings: BisFinding[];
  /** The light copy findings keep of each resource of the current unit. */
  readonly found: Map<TemplateResource, FoundResource>;
}

/**
 * A rule bug must not let a resource through unchecked, nor crash synth with a stack trace: it
 * becomes an error finding that says what happened.
 */
function checkSafely(rule: BisRule, resource: TemplateResource, index: AppIndex): Verdict {
  try {
    return rule.check(resource, index);
  } catch (error) {
    return {
      kind: 'non-compliant',
      level: 'error',
      message: `${rule.id} could not evaluate ${resource.type} ${resource.logicalId}: ${(error as Error).message}. This is a cdk-bis bug; please report it with the resource definition.`,
    };
  }
}

/**
 * The reason in a template resource's `Metadata.cdk_nag.rules_to_suppress` (`[{ id, reason }]`,
 * the format cdk-nag writes), for `BIS-SF1` or `BIS::BIS-SF1`.
 */
function templateAcknowledgement(resource: TemplateResource, ruleId: string): string | undefined {
  const nag = resource.metadata.cdk_nag;
  const entries = isObject(nag) && Array.isArray(nag.rules_to_suppress) ? nag.rules_to_suppress : [];
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    if (entry.id === ruleId || entry.id === `${BIS_PLUGIN_NAME}::${ruleId}`) {
      return typeof entry.reason === 'string' ? entry.reason : '';
    }
  }
  return undefined;
}
