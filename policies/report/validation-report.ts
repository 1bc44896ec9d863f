import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { basename, dirname, join, resolve } from 'path';
import { BIS_PLUGIN_NAME, RULES_DOC_URL } from '../bis-checks';
import { PACKAGE_VERSION } from '../package-version';
import { ALL_RULES } from '../rules';
import type { FileLocation, FindingsReport, ReportFinding, ReportRule, Severity } from './model';
import { jsonSyntaxErrorAt, relativeToRoot, resourceLinesOfJson, userFrameOf } from './locations';

/*
 * `cdk-bis report`: CDK's `cdk.out/validation-report.json` as a FindingsReport. Every plugin's
 * findings are converted (BIS, cdk-nag packs, CloudFormation Validate), each pointed at the source
 * line that created its construct and at its resource's line in the synthesized template.
 */

/** A cdk.out that cannot be read as a validation report: the CLI prints the one-line message and exits 2. */
export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}

export interface ReadValidationReportOptions {
  /** Source and template paths are made relative to it (the repository root, or `--root`). */
  readonly root: string;
  /**
   * Where BIS rules' docs/RULES.md is published; findings link to `<helpBaseUri>/docs/RULES.md#bis-sf1`.
   *
   * @default `https://unpkg.com/cdk-bis@<this package's version>`
   */
  readonly helpBaseUri?: string;
  /**
   * The version the report names its tool with.
   *
   * @default this package's version
   */
  readonly toolVersion?: string;
}

export const VALIDATION_REPORT_FILE = 'validation-report.json';

/** Where this version's docs/RULES.md is published, for rule links. */
export function defaultHelpBaseUri(version: string = PACKAGE_VERSION): string {
  return `https://unpkg.com/cdk-bis@${version}`;
}

/**
 * Read `<cdkOutDir>/validation-report.json` and convert the findings of every plugin in it.
 * Locations never fail the conversion: a finding whose resource cannot be found in the templates
 * points at its stack's template (line 1), or at the validation report itself, so that every
 * finding has a file to show (GitHub code scanning rejects results without one).
 *
 * @throws ReportInputError when the directory or the report is missing, unreadable or not a report
 */
export function readValidationReport(
  cdkOutDir: string,
  options: ReadValidationReportOptions,
): FindingsReport {
  const reportFile = join(cdkOutDir, VALIDATION_REPORT_FILE);
  const json = parseReport(cdkOutDir, reportFile);
  const root = resolve(options.root);
  const helpBaseUri = (options.helpBaseUri ?? defaultHelpBaseUri()).replace(/\/+$/, '');
  const assembly = new CloudAssemblyLocations(resolve(cdkOutDir), root);
  const reportLocation: FileLocation = { file: relativeToRoot(root, resolve(reportFile)), line: 1 };

  const rules = new Map<string, ReportRule>();
  const findings: ReportFinding[] = [];
  for (const plugin of json.pluginReports) {
    const failure = plugin.metadata?.error;
    if (plugin.conclusion === 'failure' && plugin.violations.length === 0 && typeof failure === 'string') {
      // A plugin that crashed checked nothing; reporting "no findings" for it would be a lie.
      findings.push(pluginFailure(plugin.pluginName, failure, reportLocation, rules));
      continue;
    }
    const entries = [
      ...plugin.violations.map((violation) => ({ violation, acknowledged: false })),
      ...(plugin.suppressedViolations ?? []).map((violation) => ({ violation, acknowledged: true })),
    ];
    for (const { violation, acknowledged } of entries) {
      const rule = ruleOf(plugin.pluginName, violation, helpBaseUri);
      const key = ruleKey(rule);
      if (!rules.has(key)) rules.set(key, rule);
      const message = withoutRulePrefix(violation.ruleName, violation.description ?? '') || rule.title;
      const monthlyCostUsd = Number(violation.ruleMetadata?.monthlyCostUsd ?? Number.NaN);
      for (const construct of violation.violatingConstructs) {
        const located = assembly.locate(construct.constructPath, construct.cloudFormationResource);
        const source = sourceOf(construct.stackTraces ?? [], root);
        const suppressed = violation as SuppressedViolationJson;
        findings.push({
          ruleId: violation.ruleName,
          plugin: plugin.pluginName,
          severity: severityOf(violation.severity),
          message,
          stack: located.stack,
          ...(located.logicalId !== undefined ? { logicalId: located.logicalId } : {}),
          ...(located.resourceType !== undefined ? { resourceType: located.resourceType } : {}),
          resourcePath: construct.constructPath,
          ...(source ? { source } : {}),
          template: located.template ?? reportLocation,
          ...(acknowledged
            ? {
                acknowledgement: {
                  reason: suppressed.reason ?? '',
                  ...(suppressed.acknowledgedAt !== undefined ? { at: suppressed.acknowledgedAt } : {}),
                },
              }
            : {}),
          ...(Number.isFinite(monthlyCostUsd) ? { monthlyCostUsd } : {}),
        });
      }
    }
  }
  return {
    tool: { name: 'cdk-bis', version: options.toolVersion ?? PACKAGE_VERSION },
    rules: [...rules.values()],
    findings,
  };
}

// The report file: CDK's PolicyValidationReportJson (@aws-cdk/cloud-assembly-schema).

interface ViolatingConstructJson {
  readonly constructPath: string;
  readonly cloudFormationResource?: { readonly templatePath: string; readonly logicalId: string };
  readonly stackTraces?: readonly string[];
}

interface PolicyViolationJson {
  readonly ruleName: string;
  readonly description?: string;
  readonly suggestedFix?: string;
  readonly severity?: string;
  readonly ruleMetadata?: Readonly<Record<string, string>>;
  readonly violatingConstructs: readonly ViolatingConstructJson[];
}

interface SuppressedViolationJson extends PolicyViolationJson {
  readonly reason?: string;
  readonly acknowledgedAt?: string;
}

interface PluginReportJson {
  readonly pluginName: string;
  readonly conclusion?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly violations: readonly PolicyViolationJson[];
  readonly suppressedViolations?: readonly SuppressedViolationJson[];
}

interface ValidationReportJson {
  readonly pluginReports: readonly PluginReportJson[];
}

function parseReport(cdkOutDir: string, reportFile: string): ValidationReportJson {
  const synthFirst = 'run `cdk synth` first (CDK writes it when a validation plugin is registered)';
  if (!existsSync(cdkOutDir)) {
    throw new ReportInputError(
      `${cdkOutDir}: no such directory: ${synthFirst}, or name your cloud assembly directory`,
    );
  }
  if (!statSync(cdkOutDir).isDirectory()) {
    throw new ReportInputError(
      `${cdkOutDir} is not a directory: name the cloud assembly directory (cdk.out)`,
    );
  }
  if (!existsSync(reportFile)) throw new ReportInputError(`${reportFile} not found: ${synthFirst}`);
  let text: string;
  try {
    text = readFileSync(reportFile, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ReportInputError(
      `${reportFile} cannot be read (${reason}): check its permissions, or run \`cdk synth\` again`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const { line, column } = jsonSyntaxErrorAt(text);
    throw new ReportInputError(
      `${reportFile} is not valid JSON (line ${line}, column ${column}): run \`cdk synth\` again to rewrite it`,
    );
  }
  const problem = shapeProblem(json);
  if (problem !== undefined) {
    throw new ReportInputError(
      `${reportFile} is not a CDK validation report (${problem}): run \`cdk synth\` again with aws-cdk-lib >= 2.258`,
    );
  }
  return json as ValidationReportJson;
}

/** The first field that does not have the shape CDK writes, or undefined when the report is sound. */
function shapeProblem(json: unknown): string | undefined {
  if (!isRecord(json)) return 'the top level is not an object';
  if (!Array.isArray(json.pluginReports)) return 'pluginReports is not a list';
  for (const [p, plugin] of json.pluginReports.entries()) {
    const at = `pluginReports[${p}]`;
    if (!isRecord(plugin)) return `${at} is not an object`;
    if (typeof plugin.pluginName !== 'string') return `${at}.pluginName is not a string`;
    if (plugin.metadata !== undefined && !isRecord(plugin.metadata)) return `${at}.metadata is not an object`;
    for (const field of ['violations', 'suppressedViolations'] as const) {
      const list = plugin[field];
      if (list === undefined && field === 'suppressedViolations') continue;
      if (!Array.isArray(list)) return `${at}.${field} is not a list`;
      for (const [v, violation] of list.entries()) {
        const problem = violationProblem(violation, `${at}.${field}[${v}]`);
        if (problem !== undefined) return problem;
      }
    }
  }
  return undefined;
}

function violationProblem(violation: unknown, at: string): string | undefined {
  if (!isRecord(violation)) return `${at} is not an object`;
  if (typeof violation.ruleName !== 'string') return `${at}.ruleName is not a string`;
  for (const field of ['description', 'suggestedFix', 'severity', 'reason', 'acknowledgedAt']) {
    if (violation[field] !== undefined && typeof violation[field] !== 'string')
      return `${at}.${field} is not a string`;
  }
  if (violation.ruleMetadata !== undefined && !isRecord(violation.ruleMetadata)) {
    return `${at}.ruleMetadata is not an object`;
  }
  if (!Array.isArray(violation.violatingConstructs)) return `${at}.violatingConstructs is not a list`;
  for (const [c, construct] of violation.violatingConstructs.entries()) {
    const where = `${at}.violatingConstructs[${c}]`;
    if (!isRecord(construct)) return `${where} is not an object`;
    if (typeof construct.constructPath !== 'string') return `${where}.constructPath is not a string`;
    const traces = construct.stackTraces;
    if (
      traces !== undefined &&
      !(Array.isArray(traces) && traces.every((trace) => typeof trace === 'string'))
    ) {
      return `${where}.stackTraces is not a list of strings`;
    }
    const resource = construct.cloudFormationResource;
    if (
      resource !== undefined &&
      !(
        isRecord(resource) &&
        typeof resource.templatePath === 'string' &&
        typeof resource.logicalId === 'string'
      )
    ) {
      return `${where}.cloudFormationResource has no templatePath and logicalId`;
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Rules and findings.

const BIS_RULES = new Map(ALL_RULES.map((rule) => [rule.id, rule]));

function ruleKey(rule: { readonly plugin: string; readonly id: string }): string {
  return `${rule.plugin}\u0000${rule.id}`;
}

function ruleOf(plugin: string, violation: PolicyViolationJson, helpBaseUri: string): ReportRule {
  const metadata = violation.ruleMetadata ?? {};
  const description = withoutRulePrefix(violation.ruleName, violation.description ?? '');
  const title = metadata.title ?? (firstSentence(description) || violation.ruleName);
  const bisRule = plugin === BIS_PLUGIN_NAME ? BIS_RULES.get(violation.ruleName) : undefined;
  const documentation = metadata.documentation;
  let helpUri: string | undefined;
  if (documentation !== undefined && /^https?:\/\//.test(documentation)) helpUri = documentation;
  else if (plugin === BIS_PLUGIN_NAME) {
    helpUri = `${helpBaseUri}/${documentation ?? `${RULES_DOC_URL}#${violation.ruleName.toLowerCase()}`}`;
  }
  // A BIS rule's explanation is its rationale; other plugins describe the rule in the violation itself.
  const longer =
    bisRule?.rationale ?? (description !== title && description !== '' ? description : undefined);
  return {
    id: violation.ruleName,
    plugin,
    ...(bisRule ? { name: bisRule.name } : {}),
    title,
    ...(longer !== undefined ? { description: longer } : {}),
    ...(violation.suggestedFix ? { fix: violation.suggestedFix } : {}),
    ...(helpUri !== undefined ? { helpUri } : {}),
  };
}

function pluginFailure(
  plugin: string,
  error: string,
  location: FileLocation,
  rules: Map<string, ReportRule>,
): ReportFinding {
  const rule: ReportRule = {
    id: 'plugin-failure',
    plugin,
    title: 'The validation plugin failed and checked nothing',
    fix: `Fix the cause named in the message, then run \`cdk synth\` again.`,
  };
  if (!rules.has(ruleKey(rule))) rules.set(ruleKey(rule), rule);
  return {
    ruleId: rule.id,
    plugin,
    severity: 'error',
    message: error,
    stack: '(app)',
    resourcePath: '(app)',
    template: location,
  };
}

function severityOf(severity: string | undefined): Severity {
  // CDK writes a missing severity as error.
  if (severity === undefined || severity === 'error' || severity === 'fatal') return 'error';
  return severity === 'warning' ? 'warning' : 'info';
}

/** `[BIS-SF1] Instances run...` → `Instances run...`: the ID is shown beside the message anyway. */
function withoutRulePrefix(ruleName: string, description: string): string {
  const prefix = `[${ruleName}] `;
  return (description.startsWith(prefix) ? description.slice(prefix.length) : description).trim();
}

function firstSentence(text: string): string {
  const match = /^(.+?)[.!?](\s|$)/s.exec(text);
  return (match ? match[1] : text).trim();
}

function sourceOf(stackTraces: readonly string[], root: string): FileLocation | undefined {
  for (const trace of stackTraces) {
    const frame = userFrameOf(trace);
    if (frame) return { ...frame, file: relativeToRoot(root, frame.file) };
  }
  return undefined;
}

// Construct paths → stacks, templates and template lines.

interface TemplateEntry {
  /** Absolute. */
  readonly path: string;
  /** Relative to the root, for reports. */
  readonly file: string;
  /** The stack's construct path, once known from the manifest or the parent stack. */
  stack?: string;
  readonly resources: Map<string, TemplateResourceEntry>;
}

interface TemplateResourceEntry {
  readonly logicalId: string;
  readonly type?: string;
  readonly line: number;
  readonly template: TemplateEntry;
}

interface Located {
  readonly stack: string;
  readonly logicalId?: string;
  readonly resourceType?: string;
  readonly template?: FileLocation;
}

interface TreeNode {
  readonly path?: string;
  readonly children?: Record<string, TreeNode>;
  readonly attributes?: Record<string, unknown>;
  readonly constructInfo?: { readonly fqn?: string };
}

const STACK_FQNS = new Set(['aws-cdk-lib.Stack', 'aws-cdk-lib.NestedStack']);
const LOGICAL_ID_ATTRIBUTE = 'aws:cdk:cloudformation:logicalId';
const TYPE_ATTRIBUTE = 'aws:cdk:cloudformation:type';
/** A nested stack's resource in its parent: `<stack>.NestedStack/<id>.NestedStackResource`. */
const NESTED_STACK_RESOURCE_PATH = /^(.*)\.NestedStack\/[^/]+\.NestedStackResource$/;
/** The file asset a nested stack's TemplateURL names: `.../<sha256>.json`. */
const TEMPLATE_ASSET_HASH = /([0-9a-f]{64})\.json/;

/**
 * Where each construct's resource is in the synthesized templates of a cloud assembly and of the
 * assemblies nested in it (Stages). Every `*.template.json` is read, so nested-stack templates are
 * covered too; each is parsed once, on the first question. Construct paths come from the
 * templates' `aws:cdk:path` Metadata, which the CDK CLI turns on; without it (a synth in-process,
 * `--no-path-metadata`), from tree.json.
 */
class CloudAssemblyLocations {
  private indexed = false;
  private readonly templates = new Map<string, TemplateEntry>();
  private readonly byConstructPath = new Map<string, TemplateResourceEntry>();
  private readonly stackTemplates = new Map<string, TemplateEntry>();
  /** Asset hash → template file, from the assemblies' `*.assets.json`: how a TemplateURL names a nested template. */
  private readonly templateAssets = new Map<string, string>();
  /** Known stack paths, longest first, for prefix matching. */
  private stackPaths: string[] = [];
  private treeFile?: string;
  private tree?: TreeNode | null;

  constructor(
    private readonly cdkOutDir: string,
    private readonly root: string,
  ) {}

  public locate(
    constructPath: string,
    cloudFormationResource?: { readonly templatePath: string; readonly logicalId: string },
  ): Located {
    this.index();
    const resource =
      this.byConstructPath.get(constructPath) ??
      // An L2 construct stands for its default child, `<path>/Resource`.
      this.byConstructPath.get(`${constructPath}/Resource`) ??
      this.fromReportedResource(cloudFormationResource);
    if (resource) return this.located(resource, this.stackPathOf(constructPath));
    const fromTree = this.fromTree(constructPath);
    if (fromTree) return fromTree;
    const stack = this.stackPathOf(constructPath);
    const template = this.stackTemplates.get(stack);
    return { stack, ...(template ? { template: { file: template.file, line: 1 } } : {}) };
  }

  private located(resource: TemplateResourceEntry, stack: string): Located {
    return {
      stack: resource.template.stack ?? stack,
      logicalId: resource.logicalId,
      ...(resource.type !== undefined ? { resourceType: resource.type } : {}),
      template: { file: resource.template.file, line: resource.line },
    };
  }

  private fromReportedResource(
    reported: { readonly templatePath: string; readonly logicalId: string } | undefined,
  ): TemplateResourceEntry | undefined {
    if (!reported) return undefined;
    const direct = this.templates.get(resolve(this.cdkOutDir, reported.templatePath));
    if (direct) return direct.resources.get(reported.logicalId);
    // The path is relative to the assembly that holds the stack, which may be a nested one.
    for (const template of this.templates.values()) {
      if (basename(template.path) === basename(reported.templatePath)) {
        const resource = template.resources.get(reported.logicalId);
        if (resource) return resource;
      }
    }
    return undefined;
  }

  /** tree.json names each resource's logical ID and type, and its stack is its closest stack ancestor. */
  private fromTree(constructPath: string): Located | undefined {
    const tree = this.readTree();
    if (!tree) return undefined;
    const parts = constructPath.split('/');
    let node: TreeNode | undefined = tree;
    let stack: string | undefined;
    for (const [i, part] of parts.entries()) {
      node = node?.children?.[part];
      if (!node) return undefined;
      if (STACK_FQNS.has(node.constructInfo?.fqn ?? '')) stack = parts.slice(0, i + 1).join('/');
    }
    const resourceNode =
      node?.attributes?.[LOGICAL_ID_ATTRIBUTE] !== undefined ? node : node?.children?.Resource;
    const logicalId = resourceNode?.attributes?.[LOGICAL_ID_ATTRIBUTE];
    const type = resourceNode?.attributes?.[TYPE_ATTRIBUTE];
    stack ??= this.stackPathOf(constructPath);
    const template = this.stackTemplates.get(stack);
    const inTemplate = typeof logicalId === 'string' ? template?.resources.get(logicalId) : undefined;
    if (inTemplate) return this.located(inTemplate, stack);
    return {
      stack,
      ...(typeof logicalId === 'string' ? { logicalId } : {}),
      ...(typeof type === 'string' ? { resourceType: type } : {}),
      ...(template ? { template: { file: template.file, line: 1 } } : {}),
    };
  }

  /** The construct path of the closest known stack that holds `constructPath`. */
  private stackPathOf(constructPath: string): string {
    for (const stack of this.stackPaths) {
      if (constructPath === stack || constructPath.startsWith(`${stack}/`)) return stack;
    }
    return constructPath.split('/')[0];
  }

  private readTree(): TreeNode | null {
    if (this.tree === undefined) {
      this.tree = null;
      const json = readJson(this.treeFile ?? join(this.cdkOutDir, 'tree.json'));
      if (isRecord(json) && isRecord(json.tree)) {
        this.tree = json.tree as TreeNode;
        this.linkNestedStacksOfTree(this.tree);
      }
    }
    return this.tree;
  }

  private linkNestedStacksOfTree(root: TreeNode): void {
    const pending: TreeNode[] = [root];
    for (let node = pending.pop(); node; node = pending.pop()) {
      if (node.attributes?.[TYPE_ATTRIBUTE] === 'AWS::CloudFormation::Stack' && node.path !== undefined) {
        const props = node.attributes['aws:cdk:cloudformation:props'];
        this.linkNestedStack(node.path, isRecord(props) ? props.templateUrl : undefined);
      }
      pending.push(...Object.values(node.children ?? {}));
    }
    this.sortStackPaths();
  }

  /** Record the nested stack whose resource in its parent is at `resourcePath`, and its template. */
  private linkNestedStack(resourcePath: string, templateUrl: unknown, assetPath?: string): void {
    const stack = NESTED_STACK_RESOURCE_PATH.exec(resourcePath)?.[1];
    if (stack === undefined || this.stackTemplates.has(stack)) return;
    const hash = TEMPLATE_ASSET_HASH.exec(JSON.stringify(templateUrl ?? ''))?.[1];
    const file = assetPath ?? (hash !== undefined ? this.templateAssets.get(hash) : undefined);
    const template = file !== undefined ? this.templates.get(file) : undefined;
    if (!template) return;
    template.stack = stack;
    this.stackTemplates.set(stack, template);
  }

  private sortStackPaths(): void {
    this.stackPaths = [...this.stackTemplates.keys()].sort((a, b) => b.length - a.length);
  }

  private index(): void {
    if (this.indexed) return;
    this.indexed = true;
    const stacks: { path: string; template: string }[] = [];
    const nestedStacks: { resourcePath: string; templateUrl: unknown; assetPath?: string }[] = [];
    this.walkAssembly(this.cdkOutDir, stacks, nestedStacks, new Set());
    for (const { path, template } of stacks) {
      const entry = this.templates.get(template);
      if (entry) {
        entry.stack = path;
        this.stackTemplates.set(path, entry);
      }
    }
    for (const nested of nestedStacks)
      this.linkNestedStack(nested.resourcePath, nested.templateUrl, nested.assetPath);
    this.sortStackPaths();
  }

  private walkAssembly(
    dir: string,
    stacks: { path: string; template: string }[],
    nestedStacks: { resourcePath: string; templateUrl: unknown; assetPath?: string }[],
    seen: Set<string>,
  ): void {
    if (seen.has(dir)) return;
    seen.add(dir);
    const manifest = readJson(join(dir, 'manifest.json'));
    const artifacts = isRecord(manifest) && isRecord(manifest.artifacts) ? manifest.artifacts : {};
    for (const [id, artifact] of Object.entries(artifacts)) {
      if (!isRecord(artifact) || !isRecord(artifact.properties)) continue;
      const properties = artifact.properties;
      if (artifact.type === 'aws:cloudformation:stack' && typeof properties.templateFile === 'string') {
        // CDK writes a stack's construct path as its display name.
        const path = typeof artifact.displayName === 'string' ? artifact.displayName : id;
        stacks.push({ path, template: resolve(dir, properties.templateFile) });
      } else if (artifact.type === 'cdk:cloud-assembly' && typeof properties.directoryName === 'string') {
        this.walkAssembly(resolve(dir, properties.directoryName), stacks, nestedStacks, seen);
      } else if (
        artifact.type === 'cdk:tree' &&
        typeof properties.file === 'string' &&
        dir === this.cdkOutDir
      ) {
        this.treeFile = resolve(dir, properties.file);
      }
    }
    let names: string[] = [];
    try {
      names = readdirSync(dir).sort();
    } catch {
      // An unreadable directory only costs template lines, never the report.
    }
    for (const name of names) {
      if (name.endsWith('.assets.json')) this.readTemplateAssets(dir, name);
      else if (name.endsWith('.template.json')) this.readTemplate(join(dir, name), nestedStacks);
    }
  }

  private readTemplateAssets(dir: string, name: string): void {
    const manifest = readJson(join(dir, name));
    const files = isRecord(manifest) && isRecord(manifest.files) ? manifest.files : {};
    for (const [hash, asset] of Object.entries(files)) {
      const source = isRecord(asset) && isRecord(asset.source) ? asset.source.path : undefined;
      if (typeof source === 'string' && source.endsWith('.template.json')) {
        this.templateAssets.set(hash, resolve(dir, source));
      }
    }
  }

  private readTemplate(
    path: string,
    nestedStacks: { resourcePath: string; templateUrl: unknown; assetPath?: string }[],
  ): void {
    let text: string;
    let template: unknown;
    try {
      text = readFileSync(path, 'utf8');
      template = JSON.parse(text);
    } catch {
      return;
    }
    const resources = isRecord(template) && isRecord(template.Resources) ? template.Resources : {};
    const lines = resourceLinesOfJson(text);
    const entry: TemplateEntry = { path, file: relativeToRoot(this.root, path), resources: new Map() };
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (!isRecord(resource)) continue;
      const located: TemplateResourceEntry = {
        logicalId,
        line: lines.get(logicalId) ?? 1,
        template: entry,
        ...(typeof resource.Type === 'string' ? { type: resource.Type } : {}),
      };
      entry.resources.set(logicalId, located);
      const metadata = isRecord(resource.Metadata) ? resource.Metadata : {};
      const constructPath = metadata['aws:cdk:path'];
      if (typeof constructPath !== 'string') continue;
      this.byConstructPath.set(constructPath, located);
      if (resource.Type === 'AWS::CloudFormation::Stack') {
        const assetPath = metadata['aws:asset:path'];
        nestedStacks.push({
          resourcePath: constructPath,
          templateUrl: isRecord(resource.Properties) ? resource.Properties.TemplateURL : undefined,
          ...(typeof assetPath === 'string' ? { assetPath: resolve(dirname(path), assetPath) } : {}),
        });
      }
    }
    this.templates.set(path, entry);
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
