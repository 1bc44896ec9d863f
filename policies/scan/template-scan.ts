import { basename, dirname, resolve } from 'path';
import { PACKAGE_VERSION } from '../package-version';
import { BIS_ROLES, DEFAULT_BIS_ROLE, isBisRoleName, type BisRoleName } from '../../lib/roles';
import {
  BIS_PLUGIN_NAME,
  BisChecks,
  RULES_DOC_URL,
  type BisChecksProps,
  type BisFinding,
} from '../bis-checks';
import { AppIndex } from '../engine/app-index';
import { isObject, type StackInfo } from '../engine/template-resource';
import { ALL_RULES } from '../rules';
import { defaultHelpBaseUri, type FindingsReport, type ReportFinding, type ReportRule } from '../report';
import { declaredRole } from './declared-role';
import { discoverTemplates } from './discovery';
import { ScanInputError } from './scan-input-error';
import { loadTemplate, type LoadedTemplate } from './template-loader';

/*
 * `cdk-bis scan`: the BIS rules on CloudFormation and SAM templates that CDK did not write. The
 * templates go into the same index a synth builds and through `BisChecks.evaluateIndex`, so every
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

  const { index, templates } = indexLoadedTemplates(loaded, options.role, checks, errors);
  const lines = new Map(templates.map(({ loaded: template }) => [template.file, template.resourceLines]));
  const findings = checks.evaluateIndex(index).map((finding) => reportFinding(finding, lines));
  const enabled = new Set(checks.ruleIds);
  return {
    report: {
      tool: { name: 'cdk-bis', version: PACKAGE_VERSION },
      rules: ALL_RULES.filter((rule) => enabled.has(rule.id)).map((rule): ReportRule => ({
        id: rule.id,
        plugin: BIS_PLUGIN_NAME,
        name: rule.name,
        title: rule.title,
        description: rule.rationale,
        fix: `${rule.fix} To accept a finding instead, acknowledge it in the resource's Metadata with a reason: cdk_nag: { rules_to_suppress: [{ id: ${rule.id}, reason: '...' }] }.`,
        helpUri: `${defaultHelpBaseUri()}/${RULES_DOC_URL}#${rule.id.toLowerCase()}`,
      })),
      findings,
    },
    errors: sortErrors(errors),
    templates: templates.map(({ loaded: template, stack }) => ({
      file: template.file,
      role: stack.role,
      resources: index.resourcesOf(stack).length,
    })),
  };
}

/**
 * One stack per template, as `indexTemplates` builds them, plus what only files can tell: a CDK
 * nested stack's template (named by its parent's `aws:asset:path` Metadata) deploys with its parent
 * and takes its parent's role unless it declares its own, as `BisRole` does at synth.
 */
function indexLoadedTemplates(
  loaded: readonly LoadedTemplate[],
  override: BisRoleName | undefined,
  checks: BisChecks,
  errors: ScanInputError[],
): { index: AppIndex; templates: { loaded: LoadedTemplate; stack: StackInfo }[] } {
  const parents = nestedStackParents(loaded);
  const stacks = new Map<LoadedTemplate, StackInfo | null>();
  const stackOf = (template: LoadedTemplate, depth = 0): StackInfo | null => {
    if (stacks.has(template)) return stacks.get(template) ?? null;
    let role: BisRoleName | undefined = override;
    if (role === undefined) {
      try {
        role = declaredRole(template);
      } catch (error) {
        if (!(error instanceof ScanInputError)) throw error;
        // The verdicts depend on the role: a template whose role cannot be read is not scanned.
        errors.push(
          new ScanInputError(error.file, `${error.detail}. The template is not scanned`, error.line),
        );
        stacks.set(template, null);
        return null;
      }
    }
    const parent = parents.get(template);
    // A cycle of nested stacks cannot deploy; cut it rather than recurse forever.
    const parentStack = parent && depth < loaded.length ? stackOf(parent, depth + 1) : null;
    const stack: { -readonly [K in keyof StackInfo]: StackInfo[K] } = {
      path: template.file,
      role: role ?? parentStack?.role ?? DEFAULT_BIS_ROLE,
      stackName: basename(template.file).replace(/\..*$/, ''),
      deploymentUnit: undefined as unknown as StackInfo,
    };
    stack.deploymentUnit = parentStack?.deploymentUnit ?? stack;
    stacks.set(template, stack);
    return stack;
  };

  const index = new AppIndex(checks.indexSettings);
  const templates: { loaded: LoadedTemplate; stack: StackInfo }[] = [];
  for (const template of loaded) {
    const stack = stackOf(template);
    if (!stack) continue;
    index.addStack(stack);
    index.addTemplateResources(stack, template.template, []);
    templates.push({ loaded: template, stack });
  }
  return { index, templates };
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
  const line = lines.get(file)?.get(resource.logicalId);
  const location = line === undefined ? undefined : { file, line };
  return {
    ruleId: finding.rule.id,
    plugin: BIS_PLUGIN_NAME,
    severity: finding.level,
    message: finding.message,
    stack: file,
    logicalId: resource.logicalId,
    resourceType: resource.type,
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
