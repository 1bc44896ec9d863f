import { existsSync, readFileSync, statSync } from 'fs';
import { isObject } from '../engine/template-values';
import { jsonSyntaxErrorAt } from '../template-text';

/*
 * Reading `cdk.out/validation-report.json`: CDK's PolicyValidationReportJson
 * (@aws-cdk/cloud-assembly-schema), checked field by field before anything trusts its shape.
 */

/** A cdk.out that cannot be read as a validation report: the CLI prints the one-line message and exits 2. */
export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}

export interface ViolatingConstructJson {
  readonly constructPath: string;
  readonly cloudFormationResource?: { readonly templatePath: string; readonly logicalId: string };
  readonly stackTraces?: readonly string[];
}

export interface PolicyViolationJson {
  readonly ruleName: string;
  readonly description?: string;
  readonly suggestedFix?: string;
  readonly severity?: string;
  readonly ruleMetadata?: Readonly<Record<string, string>>;
  readonly violatingConstructs: readonly ViolatingConstructJson[];
}

export interface SuppressedViolationJson extends PolicyViolationJson {
  readonly reason?: string;
  readonly acknowledgedAt?: string;
}

export interface PluginReportJson {
  readonly pluginName: string;
  readonly conclusion?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly violations: readonly PolicyViolationJson[];
  readonly suppressedViolations?: readonly SuppressedViolationJson[];
}

export interface ValidationReportJson {
  readonly pluginReports: readonly PluginReportJson[];
}

/** The report in `reportFile`, checked. @throws ReportInputError naming the file, what is wrong and what to run */
export function parseReport(cdkOutDir: string, reportFile: string): ValidationReportJson {
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
  if (!isObject(json)) return 'the top level is not an object';
  if (!Array.isArray(json.pluginReports)) return 'pluginReports is not a list';
  for (const [p, plugin] of json.pluginReports.entries()) {
    const at = `pluginReports[${p}]`;
    if (!isObject(plugin)) return `${at} is not an object`;
    if (typeof plugin.pluginName !== 'string') return `${at}.pluginName is not a string`;
    if (plugin.metadata !== undefined && !isObject(plugin.metadata)) return `${at}.metadata is not an object`;
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
  if (!isObject(violation)) return `${at} is not an object`;
  if (typeof violation.ruleName !== 'string') return `${at}.ruleName is not a string`;
  for (const field of ['description', 'suggestedFix', 'severity', 'reason', 'acknowledgedAt']) {
    if (violation[field] !== undefined && typeof violation[field] !== 'string')
      return `${at}.${field} is not a string`;
  }
  if (violation.ruleMetadata !== undefined && !isObject(violation.ruleMetadata)) {
    return `${at}.ruleMetadata is not an object`;
  }
  if (!Array.isArray(violation.violatingConstructs)) return `${at}.violatingConstructs is not a list`;
  for (const [c, construct] of violation.violatingConstructs.entries()) {
    const where = `${at}.violatingConstructs[${c}]`;
    if (!isObject(construct)) return `${where} is not an object`;
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
        isObject(resource) &&
        typeof resource.templatePath === 'string' &&
        typeof resource.logicalId === 'string'
      )
    ) {
      return `${where}.cloudFormationResource has no templatePath and logicalId`;
    }
  }
  return undefined;
}
