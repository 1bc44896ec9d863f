import { Stack, type CfnResource } from 'aws-cdk-lib';
import type { IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { acknowledgementFindings } from './acknowledgement-check';
import { acknowledgementId, BIS_PLUGIN_NAME, templateAcknowledgement } from './acknowledgement';
import { BaselineMatch, FIXED_BASELINE_ENTRY, type BaselineEntry } from './baseline';
import { policyValidationReport } from './cdk-report';
import { packConfiguration, type BisChecksProps, type PackConfiguration } from './configuration';
import { AppIndex, indexTemplates, type IndexedTemplate } from './engine/app-index';
import { synthesizedTemplates } from './engine/synthesized-templates';
import { lightCopy, type StackInfo, type TemplateResource } from './engine/template-resource';
import type { TemplateObject } from './engine/template-values';
import type { BisFinding, FoundResource } from './finding';
import { PACKAGE_VERSION } from './package-version';
import { LEVELS, type BisRule, type Level, type Verdict } from './rule';
import { stageErrors, stageGateViolation, stageNotice } from './stage-notice';

export { BIS_PLUGIN_NAME } from './acknowledgement';
export type { BisBudget, BisChecksProps } from './configuration';
export type { BisFinding, FoundResource } from './finding';
export { RULES_DOC_URL } from './rules-doc';

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
  /** The rules that run: the BIS rules, then the org rules (`rules`), less the disabled ones. */
  public readonly rules: readonly BisRule[];

  private readonly failOn: 'error' | 'warning';
  private readonly levels: Readonly<Record<string, Level>>;
  private readonly rulesByType = new Map<string, BisRule[]>();
  private readonly rulesForEveryType: BisRule[] = [];
  private readonly configuration: PackConfiguration;
  /** Every rule ID an acknowledgement may name: the BIS rules and the org rules, disabled or not. */
  private readonly knownRuleIds: ReadonlySet<string>;

  constructor(scope?: IConstruct, props: BisChecksProps = {}) {
    super(scope);
    this.packName = BIS_PLUGIN_NAME;
    this.configuration = packConfiguration(props);
    this.failOn = this.configuration.failOn;
    this.levels = this.configuration.levels;
    this.rules = this.configuration.rules;
    this.ruleIds = this.rules.map((rule) => rule.id);
    this.knownRuleIds = new Set(this.configuration.catalogue.map((rule) => rule.id));
    // Dispatch by resource type: a resource meets only the rules written for its type.
    for (const rule of this.configuration.rules) {
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
    const { findings, stale } = this.baselined(this.findings(app, synthesizedTemplates({ fresh: true })));
    // CDK calls a plugin once per synth with every stack, Stage stacks included: one line for the whole app.
    process.stderr.write(`${synthSummary(findings)}\n`);
    for (const entry of stale) process.stderr.write(`${staleBaselineLine(entry)}\n`);
    const stages = stageErrors(app, findings);
    const gated = this.configuration.gateStageStacks;
    const notice = stageNotice(app, stages, gated);
    if (notice !== undefined) process.stderr.write(notice);
    const report = policyValidationReport(findings, {
      includeAcknowledged: true,
      pluginVersion: this.version,
    });
    const gate = gated ? stageGateViolation(stages) : undefined;
    return gate === undefined
      ? report
      : { ...report, success: false, violations: [...report.violations, gate] };
  }

  /** Validate a construct tree directly (tests, tools). Acknowledged findings are left out, as in cdk-nag. */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    return policyValidationReport(this.baselined(this.evaluate(scope)).findings, {
      includeAcknowledged: false,
      pluginVersion: this.version,
    });
  }

  /**
   * Every finding in a construct tree, acknowledged ones included. Call it on a synthesized app
   * (after `app.synth()`), so that tags, cross-stack references and aspects are in place.
   */
  public evaluate(scope: IConstruct): BisFinding[] {
    return this.findings(scope, synthesizedTemplates({ fresh: false }));
  }

  /**
   * Every finding in CloudFormation or SAM templates that CDK did not write (`cdk-bis scan`), with
   * the same rules and settings as at synth. Resources are acknowledged by
   * `Metadata.cdk_nag.rules_to_suppress`, as cdk-nag writes it.
   */
  public evaluateTemplates(templates: readonly IndexedTemplate[]): BisFinding[] {
    return this.evaluateIndex(indexTemplates(templates, this.configuration.settings));
  }

  /** cdk-nag's per-construct hook. Its only caller is `NagPack.validateScope`, which BisChecks replaces, so it never runs. */
  protected checkResource(_node: CfnResource): never {
    throw new Error('BisChecks.checkResource is never called: BisChecks validates a whole index at once.');
  }

  /** The findings the pack's baseline holds marked, and its entries that matched none. */
  private baselined(findings: BisFinding[]): { findings: BisFinding[]; stale: BaselineEntry[] } {
    const baseline = this.configuration.baseline;
    if (!baseline) return { findings, stale: [] };
    const match = new BaselineMatch(baseline);
    const marked = findings.map((finding): BisFinding => {
      const held =
        finding.acknowledgedReason === undefined &&
        match.holds({
          plugin: BIS_PLUGIN_NAME,
          ruleId: finding.rule.id,
          resourcePath: finding.resource.path,
        });
      return held ? { ...finding, baselined: true } : finding;
    });
    return { findings: marked, stale: match.stale() };
  }

  private findings(
    scope: IConstruct,
    templateOf: (stack: Stack) => TemplateObject | undefined,
  ): BisFinding[] {
    const index = AppIndex.fromConstructTree(scope, this.configuration.settings, templateOf);
    const findings = this.evaluateIndex(index);
    return [
      ...findings,
      ...acknowledgementFindings(index.acknowledgingConstructs, findings, this.knownRuleIds, index.stacks),
    ];
  }

  private evaluateIndex(index: AppIndex): BisFinding[] {
    const run: ValidationRun = { index, findings: [], found: new Map(), stacks: new Map() };
    // Unit by unit, releasing each once checked: relational rules look within a deployment unit
    // only, and the parsed templates of a large app then never all live at once.
    for (const unit of index.deploymentUnits) {
      for (const stack of index.deploymentUnitStacks(unit)) {
        for (const resource of index.resourcesOf(stack)) this.checkTemplateResource(resource, run);
      }
      index.release(unit);
      run.found.clear();
    }
    return run.findings;
  }

  private checkTemplateResource(resource: TemplateResource, run: ValidationRun): void {
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
    const found = isStackLevel(rule) ? stackResource(resource, run) : foundResource(resource, run);
    run.findings.push({
      rule,
      level: level === 'warning' && this.failOn === 'warning' ? 'error' : level,
      message: verdict.message,
      resource: found,
      monthlyCostUsd: verdict.monthlyCostUsd,
      acknowledgedReason: found.construct
        ? run.index.acknowledgement(found.construct, acknowledgementId(rule.id))
        : templateAcknowledgement(resource, rule.id),
    });
  }
}

function isStackLevel(rule: BisRule): boolean {
  return rule.findingsOn === 'stack';
}

function foundResource(resource: TemplateResource, run: ValidationRun): FoundResource {
  let found = run.found.get(resource);
  if (!found) {
    found = lightCopy(resource);
    run.found.set(resource, found);
  }
  return found;
}

/**
 * The stack a stack-level finding reads as: the stack construct (its creation line is the source
 * line), or for a scanned template the template file itself.
 */
function stackResource(resource: TemplateResource, run: ValidationRun): FoundResource {
  let found = run.stacks.get(resource.stack);
  if (!found) {
    const stack = resource.construct ? Stack.of(resource.construct) : undefined;
    found = {
      logicalId: resource.stack.stackName,
      type: 'AWS::CloudFormation::Stack',
      path: resource.stack.path,
      stack: resource.stack,
      ...(stack ? { construct: stack } : {}),
      metadata: {},
      stackLevel: true,
    };
    run.stacks.set(resource.stack, found);
  }
  return found;
}

/** The line synth ends BisChecks' run with: open findings by level, and how to get the reports. */
export function synthSummary(findings: readonly BisFinding[]): string {
  const acknowledged = findings.filter((finding) => finding.acknowledgedReason !== undefined).length;
  const baselined = findings.filter(
    (finding) => finding.baselined && finding.acknowledgedReason === undefined,
  ).length;
  const open = findings.filter((finding) => finding.acknowledgedReason === undefined && !finding.baselined);
  const counts = LEVELS.map((level) => {
    const n = open.filter((finding) => finding.level === level).length;
    return `${n} ${level}${n === 1 ? '' : 's'}`;
  });
  return (
    `${BIS_PLUGIN_NAME}: ${counts.join(', ')} (${acknowledged} acknowledged${baselined > 0 ? `, ${baselined} in baseline` : ''}). ` +
    'Reports: npx cdk-bis report --format markdown (or sarif, junit, text) reads cdk.out/validation-report.json.'
  );
}

/** What synth prints for a baseline entry no finding matched. */
function staleBaselineLine(entry: BaselineEntry): string {
  return `${BIS_PLUGIN_NAME}: baseline entry ${entry.ruleId} on ${entry.constructPath}: ${FIXED_BASELINE_ENTRY}.`;
}

/** The state of one validation run: the index, the findings so far, and what was read once. */
interface ValidationRun {
  readonly index: AppIndex;
  readonly findings: BisFinding[];
  /** The light copy findings keep of each resource of the current unit. */
  readonly found: Map<TemplateResource, FoundResource>;
  /** The one record each stack's stack-level findings share. */
  readonly stacks: Map<StackInfo, FoundResource>;
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
