import { dirname, resolve } from 'path';
import { acknowledgementHint } from '../acknowledgement';
import { PACKAGE_VERSION } from '../package-version';
import { BIS_ROLES, isBisRoleName, type BisRoleName } from '../../lib/roles';
import { BIS_PLUGIN_NAME, BisChecks, type BisChecksProps, type BisFinding } from '../bis-checks';
import { templateStacks, type IndexedTemplate } from '../engine/app-index';
import { isObject } from '../engine/template-values';
import { documentationOf } from '../rules-doc';
import { type FindingsReport, type ReportFinding, type ReportRule } from '../report';
import { declaredRole } from './declared-role';
import { discoverTemplates } from './discovery';
import { ScanInputError } from './scan-input-error';
import { loadTemplate, type LoadedTemplate } from './template-loader';

/*
 * `cdk-bis scan`: the BIS rules on CloudFormation and SAM templates that CDK did not write. The
 * templates go into the same index a synth builds and through `BisChecks.evaluateTemplates`, so every
 * verdict comes from the one implementation of each rule.
 */

export interface ScanOptions {
  /** The role of every scanned template, over what the templates declare. @default - each template's own */
  readonly role?: BisRoleName;
  /** The same settings as the synth-time pack (disable, levels, failOn, cost-allocation tag keys). */
  readonly checks?: BisChecksProps;
  /** File paths in findings and errors are relative to it. @default process.cwd() */
  readonly root?: string;
}

/** One template that was scanned. */
export interface ScannedTemplate {
  /** Relative to the root, forward slashes. */
  readonly file: string;
  readonly role: BisRoleName;
  /** Resources scanned (those with errors are left out). */
  readonly resources: number;
}

export interface ScanResult {
  readonly report: FindingsReport;
  /** Every input problem, one line each. Any error means exit status 2, whatever the findings. */
  readonly errors: readonly ScanInputError[];
  /** The templates that were scanned, sorted by file, including those without findings. */
  readonly templates: readonly ScannedTemplate[];
}

/**
 * Find, load and check templates. Input problems never stop the scan: each is returned in
 * `errors` and the other files (and the other resources of a file with a bad resource) are still
 * scanned. Throws only for invalid options (an unknown role, invalid `checks`), which are usage errors.
 */
export function scanTemplates(paths: readonly string[], options: ScanOptions = {}): ScanResult {
  const root = options.root ?? process.cwd();
  if (options.role !== undefined && !isBisRoleName(options.role)) {
    throw new Error(
      `--role ${JSON.stringify(options.role)} is not a BIS role; use one of ${BIS_ROLES.join(', ')}.`,
    );
  }
  const checks = new BisChecks(undefined, options.checks);
  const discovered = discoverTemplates(paths, root);
  const errors: ScanInputError[] = [...discovered.errors];
  const loaded: LoadedTemplate[] = [];
  for (const path of discovered.files) {
    try {
      const template = loadTemplate(path, { root });
      errors.push(...template.errors);
      loaded.push(template);
    } catch (error) {
      if (!(error instanceof ScanInputError)) throw error;
      errors.push(error);
    }
  }

  const templates = scannableTemplates(loaded, options.role, errors);
  const lines = new Map(loaded.map((template) => [template.file, template.resourceLines]));
  const findings = checks.evaluateTemplates(templates).map((finding) => reportFinding(finding, lines));
  const stacks = templateStacks(templates);
  const sorted = sortErrors(errors);
  return {
    report: {
      tool: { name: 'cdk-bis', version: PACKAGE_VERSION },
      rules: checks.rules.map((rule): ReportRule => {
        const documentation = documentationOf(rule);
        return {
          id: rule.id,
          plugin: BIS_PLUGIN_NAME,
          name: rule.name,
          title: rule.title,
          description: rule.rationale,
          fix: `${rule.fix} ${acknowledgementHint(rule.id, 'template')}`,
          ...(documentation !== undefined ? { documentation } : {}),
        };
      }),
      findings,
      unchecked: sorted.map((error) => ({
        file: error.file,
        ...(error.line !== undefined ? { line: error.line } : {}),
        message: error.message,
      })),
    },
    errors: sorted,
    templates: templates.map((template, position) => ({
      file: template.path,
      role: stacks[position].role,
      resources: resourceCount(template.template),
    })),
  };
}

/**
 * The templates to check, each with its declared role and, for a CDK nested stack's template (named
 * by its parent's `aws:asset:path` Metadata), the template it deploys with. A template whose role
 * cannot be read is not scanned: the verdicts depend on it.
 */
function scannableTemplates(
  loaded: readonly LoadedTemplate[],
  override: BisRoleName | undefined,
  errors: ScanInputError[],
): IndexedTemplate[] {
  const parents = nestedStackParents(loaded);
  const scannable: IndexedTemplate[] = [];
  for (const template of loaded) {
    let role: BisRoleName | undefined = override;
    if (role === undefined) {
      try {
        role = declaredRole(template);
      } catch (error) {
        if (!(error instanceof ScanInputError)) throw error;
        errors.push(
          new ScanInputError(error.file, `${error.detail}. The template is not scanned`, error.line),
        );
        continue;
      }
    }
    scannable.push({
      path: template.file,
      role,
      template: template.template,
      deploysWith: parents.get(template)?.file,
    });
  }
  return scannable;
}

/** The resources a template holds, as the index reads them (entries that are objects). */
function resourceCount(template: unknown): number {
  const resources = isObject(template) && isObject(template.Resources) ? template.Resources : {};
  return Object.values(resources).filter(isObject).length;
}

/** Child template → parent template, for CDK nested stacks whose templates are both scanned. */
function nestedStackParents(loaded: readonly LoadedTemplate[]): Map<LoadedTemplate, LoadedTemplate> {
  const byPath = new Map(loaded.map((template) => [resolve(template.path), template]));
  const parents = new Map<LoadedTemplate, LoadedTemplate>();
  for (const parent of loaded) {
    const resources = isObject(parent.template.Resources) ? parent.template.Resources : {};
    for (const resource of Object.values(resources)) {
      if (!isObject(resource) || resource.Type !== 'AWS::CloudFormation::Stack') continue;
      const asset = isObject(resource.Metadata) ? resource.Metadata['aws:asset:path'] : undefined;
      if (typeof asset !== 'string') continue;
      const child = byPath.get(resolve(dirname(parent.path), asset));
      if (child && child !== parent) parents.set(child, parent);
    }
  }
  return parents;
}

function reportFinding(
  finding: BisFinding,
  lines: ReadonlyMap<string, ReadonlyMap<string, number>>,
): ReportFinding {
  const { resource } = finding;
  const file = resource.stack.path;
  // A stack-level finding is about the template as a whole: its first line.
  const line = resource.stackLevel ? 1 : lines.get(file)?.get(resource.logicalId);
  const location = line === undefined ? undefined : { file, line };
  return {
    ruleId: finding.rule.id,
    plugin: BIS_PLUGIN_NAME,
    severity: finding.level,
    message: finding.message,
    stack: file,
    ...(resource.stackLevel ? {} : { logicalId: resource.logicalId, resourceType: resource.type }),
    resourcePath: resource.path,
    ...(location ? { source: location, template: location } : {}),
    ...(finding.acknowledgedReason !== undefined
      ? { acknowledgement: { reason: finding.acknowledgedReason } }
      : {}),
    ...(finding.monthlyCostUsd !== undefined ? { monthlyCostUsd: finding.monthlyCostUsd } : {}),
  };
}

function sortErrors(errors: readonly ScanInputError[]): ScanInputError[] {
  return [...errors].sort((a, b) =>
    a.file !== b.file ? (a.file < b.file ? -1 : 1) : (a.line ?? 0) - (b.line ?? 0),
  );
}
