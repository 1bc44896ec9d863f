#!/usr/bin/env node
/*
 * The cdk-bis CLI: `cdk-bis scan` checks CloudFormation and SAM templates with the BIS rules;
 * `cdk-bis report` converts CDK's validation report into SARIF, JUnit, Markdown, JSON or text;
 * `cdk-bis baseline` writes the last synth's findings to a baseline file.
 * Exit status: 0 no error findings, 1 error findings, 2 usage, input or parse error.
 */
import { existsSync, renameSync, statSync, writeFileSync } from 'fs';
import { basename, dirname, join, resolve } from 'path';
import { parseArgs } from 'util';
import {
  BaselineInputError,
  DEFAULT_BASELINE_FILE,
  readBaseline,
  renderBaseline,
} from '../policies/baseline';
import {
  applyBaseline,
  baselineEntriesOf,
  exitStatusOf,
  JUNIT_WARNINGS,
  PACKAGE_VERSION,
  readValidationReport,
  renderReport,
  REPORT_FORMATS,
  ReportInputError,
  VALIDATION_REPORT_FILE,
  type FindingsReport,
  type JunitWarnings,
  type ReportFormat,
} from '../policies/report';
import { BIS_ROLES, isBisRoleName, scanTemplates } from '../policies/scan';
import { BisChecks, type BisChecksProps } from '../policies/bis-checks';
import { loadRulesModule, RulesModuleError } from '../policies/org-rules';
import type { BisRule } from '../policies/rule';
import { ALL_RULES } from '../policies/rules';
import { renderRulesDoc, renderRulesJson } from '../policies/rules-doc';

const USAGE = `Usage:
  cdk-bis scan <file|dir>... [--format text|json|sarif|junit|markdown] [--output FILE] [--role ROLE] [--root DIR]
               [--rules FILE] [--data-platform-stacks A,B] [--baseline FILE]
  cdk-bis report [cdk.out] [--format sarif|junit|markdown|json|text] [--output FILE] [--root DIR] [--baseline FILE]
  cdk-bis baseline [cdk.out] [--output FILE] [--prune]
  cdk-bis rules [--rules FILE] [--format markdown|json] [--output FILE]
  cdk-bis --help | --version

scan     Check CloudFormation and SAM templates (JSON or YAML) with the BIS rules, as cdk synth does.
         A directory is searched for *.template.json, template.yaml/.yml and *.cfn.yaml/.yml/.json.
         --role data-platform|infrastructure|application overrides the templates' bis:role.
         --rules FILE runs org rules too: a CommonJS or ESM module whose default export, rules export
         or module.exports is a list of rules built with defineRule from cdk-bis/rules.
         --data-platform-stacks A,B: only these stacks (template stack names, i.e. file names up to
         the first dot, or paths; * matches anything) may declare bis:role data-platform (BIS-DI5).
report   Convert cdk.out/validation-report.json (every plugin: BIS, cdk-nag packs, CloudFormation
         Validate) to a CI format. Give the cdk.out folder or the file itself. Default format: sarif.
rules    Print the rule catalogue (docs/RULES.md), with the org rules of --rules FILE. Default: markdown.
baseline Write every open BIS finding of the last synth (cdk.out/validation-report.json) to a
         baseline file (default ${DEFAULT_BASELINE_FILE}): rule, stack, construct path, logical ID and
         fingerprint, sorted. Commit it, and give it to BisChecks ({ baseline: '${DEFAULT_BASELINE_FILE}' }),
         scan or report (--baseline): its findings are reported as "in baseline" and do not fail;
         new ones do. A renamed construct is a new finding, and its old entry is reported as
         "fixed; remove from the baseline".
         --prune   only remove the entries that match no finding any more (never add new ones)

--baseline FILE findings in this baseline file are reported as suppressed and do not fail

--output FILE   write there instead of standard output (the file is replaced atomically)
--root DIR      paths in reports are relative to DIR (default: the git repository root, else .)
--junit-warnings pass|failure
                JUnit: warnings pass with the finding in the case's output (default), or fail

Exit status: 0 no error findings, 1 error findings, 2 usage, input or parse error.`;

/** A mistake the user can fix: printed as one line, exit 2. */
class UsageError extends Error {}

function main(argv: string[]): number {
  const { values, positionals, tokens } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    tokens: true,
    options: {
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      role: { type: 'string' },
      rules: { type: 'string' },
      'data-platform-stacks': { type: 'string' },
      root: { type: 'string' },
      'junit-warnings': { type: 'string' },
      baseline: { type: 'string' },
      prune: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  rejectRepeatedOptions(tokens);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${PACKAGE_VERSION}\n`);
    return 0;
  }
  const [command, ...inputs] = positionals;
  if (command === 'baseline') return writeBaselineFile(inputs, values);
  if (values.prune) throw new UsageError('--prune applies to baseline only');
  const takesRules = command === 'scan' || command === 'rules';
  const orgRules = values.rules !== undefined && takesRules ? loadRulesModule(values.rules) : undefined;
  if (command === 'rules') return printCatalogue(inputs, values, orgRules ?? []);
  const root = resolve(values.root ?? repositoryRoot(process.cwd()));
  const format = parseFormat(values.format, command === 'scan' ? 'text' : 'sarif');
  const junitWarnings = parseJunitWarnings(values['junit-warnings'], format);
  let report: FindingsReport;
  let inputErrors: string[] = [];
  if (command === 'scan') {
    if (inputs.length === 0) throw new UsageError('scan needs at least one template file or directory');
    if (values.role !== undefined && !isBisRoleName(values.role)) {
      throw new UsageError(`--role ${values.role}: unknown role; use one of ${BIS_ROLES.join(', ')}`);
    }
    const checks = scanChecks(orgRules, values['data-platform-stacks']);
    const scan = scanTemplates(inputs, { role: values.role, root, checks });
    report = scan.report;
    inputErrors = scan.errors.map((error) => error.message);
  } else if (command === 'report') {
    if (values.role !== undefined) throw new UsageError('--role applies to scan only');
    if (values.rules !== undefined)
      throw new UsageError('--rules applies to scan and rules; at synth, give BisChecks the rules');
    if (values['data-platform-stacks'] !== undefined) {
      throw new UsageError(
        '--data-platform-stacks applies to scan only; at synth, give BisChecks dataPlatformStacks',
      );
    }
    if (inputs.length > 1) throw new UsageError(`report takes one cdk.out directory, not ${inputs.length}`);
    report = readValidationReport(cloudAssemblyOf(inputs[0] ?? 'cdk.out'), { root });
  } else {
    throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  }
  if (values.baseline !== undefined) report = applyBaseline(report, readBaseline(values.baseline));

  // Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org).
  const color = values.output === undefined && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const rendered = renderReport(report, format, { color, junitWarnings });
  if (values.output !== undefined) writeAtomically(values.output, rendered);
  else process.stdout.write(rendered.endsWith('\n') ? rendered : `${rendered}\n`);
  for (const message of inputErrors) process.stderr.write(`cdk-bis: ${message}\n`);
  // Input errors win: a file that could not be read was not checked, so "no errors" would be a lie.
  return inputErrors.length > 0 ? 2 : exitStatusOf(report);
}

/** `cdk-bis rules`: the catalogue, built-in and org rules, from the generator of docs/RULES.md. */
function printCatalogue(
  inputs: readonly string[],
  values: {
    format?: string;
    output?: string;
    role?: string;
    root?: string;
    'data-platform-stacks'?: string;
    baseline?: string;
  },
  orgRules: readonly BisRule[],
): number {
  if (inputs.length > 0) throw new UsageError(`rules takes no inputs, not ${inputs.join(' ')}`);
  for (const option of ['role', 'root', 'data-platform-stacks', 'baseline'] as const) {
    if (values[option] !== undefined) throw new UsageError(`--${option} does not apply to rules`);
  }
  const format = values.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') {
    throw new UsageError(`--format ${format}: rules prints markdown or json`);
  }
  const rules = [...ALL_RULES, ...orgRules];
  const rendered = format === 'json' ? renderRulesJson(rules) : renderRulesDoc(rules);
  if (values.output !== undefined) writeAtomically(values.output, rendered);
  else process.stdout.write(rendered.endsWith('\n') ? rendered : `${rendered}\n`);
  return 0;
}

/** The scan's pack settings from --rules and --data-platform-stacks, checked as BisChecks checks them. */
function scanChecks(
  orgRules: readonly BisRule[] | undefined,
  platformStacks: string | undefined,
): BisChecksProps {
  let dataPlatformStacks: string[] | undefined;
  if (platformStacks !== undefined) {
    dataPlatformStacks = platformStacks.split(',').map((name) => name.trim());
    if (dataPlatformStacks.some((name) => name === '')) {
      throw new UsageError(
        `--data-platform-stacks ${JSON.stringify(platformStacks)}: give stack names or paths separated by commas, e.g. DataLake,Orders*`,
      );
    }
  }
  const checks: BisChecksProps = {
    ...(orgRules !== undefined ? { rules: orgRules } : {}),
    ...(dataPlatformStacks !== undefined ? { dataPlatformStacks } : {}),
  };
  try {
    void new BisChecks(undefined, checks);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return checks;
}

/** `cdk-bis baseline`: the open BIS findings of the last synth, or with --prune the file less its stale entries. */
function writeBaselineFile(
  inputs: readonly string[],
  values: { readonly [name: string]: string | boolean | undefined },
): number {
  for (const option of ['format', 'role', 'baseline', 'junit-warnings', 'rules', 'data-platform-stacks']) {
    if (values[option] !== undefined) throw new UsageError(`--${option} does not apply to baseline`);
  }
  if (inputs.length > 1) throw new UsageError(`baseline takes one cdk.out directory, not ${inputs.length}`);
  const root = resolve(typeof values.root === 'string' ? values.root : repositoryRoot(process.cwd()));
  const report = readValidationReport(cloudAssemblyOf(inputs[0] ?? 'cdk.out'), { root });
  const file = typeof values.output === 'string' ? values.output : DEFAULT_BASELINE_FILE;
  const current = baselineEntriesOf(report);
  if (values.prune === true) {
    const existing = readBaseline(file);
    const found = new Set(current.map((entry) => entry.fingerprint));
    const kept = existing.entries.filter((entry) => found.has(entry.fingerprint));
    writeAtomically(file, renderBaseline(kept));
    const removed = existing.entries.length - kept.length;
    process.stdout.write(
      `cdk-bis: removed ${removed} fixed entr${removed === 1 ? 'y' : 'ies'} from ${file}; ${kept.length} left\n`,
    );
    return 0;
  }
  writeAtomically(file, renderBaseline(current));
  const count = new Set(current.map((entry) => entry.fingerprint)).size;
  process.stdout.write(`cdk-bis: wrote ${count} finding${count === 1 ? '' : 's'} to ${file}\n`);
  return 0;
}

/** An option given twice would silently keep only its last value: say so instead. */
function rejectRepeatedOptions(tokens: readonly { kind: string; name?: string; value?: string }[]): void {
  const given = new Map<string, string[]>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    given.set(token.name, [...(given.get(token.name) ?? []), token.value ?? '']);
  }
  for (const [name, values] of given) {
    if (values.length > 1) {
      const shown = values.some((value) => value !== '') ? ` (${values.join(', ')})` : '';
      throw new UsageError(`--${name} is given ${values.length} times${shown}; give it once`);
    }
  }
}

/** `report` takes the cdk.out folder or the validation-report.json inside it. */
function cloudAssemblyOf(input: string): string {
  if (!existsSync(input) || !statSync(input).isFile()) return input;
  if (basename(input) === VALIDATION_REPORT_FILE) return dirname(input);
  throw new UsageError(
    `report ${input}: not a cdk.out folder; give the folder or its ${VALIDATION_REPORT_FILE}`,
  );
}

function parseJunitWarnings(value: string | undefined, format: ReportFormat): JunitWarnings | undefined {
  if (value === undefined) return undefined;
  if (format !== 'junit') throw new UsageError(`--junit-warnings applies to --format junit only`);
  if ((JUNIT_WARNINGS as readonly string[]).includes(value)) return value as JunitWarnings;
  throw new UsageError(`--junit-warnings ${value}: use one of ${JUNIT_WARNINGS.join(', ')}`);
}

function parseFormat(value: string | undefined, fallback: ReportFormat): ReportFormat {
  if (value === undefined) return fallback;
  if ((REPORT_FORMATS as readonly string[]).includes(value)) return value as ReportFormat;
  throw new UsageError(`--format ${value}: unknown format; use one of ${REPORT_FORMATS.join(', ')}`);
}

/** Write to a temporary file beside the target, then rename: a reader never sees half a report. */
function writeAtomically(file: string, content: string): void {
  const target = resolve(file);
  if (!existsSync(dirname(target))) {
    throw new UsageError(`--output ${file}: directory ${dirname(target)} does not exist`);
  }
  const temporary = join(dirname(target), `.${process.pid}.cdk-bis.tmp`);
  writeFileSync(temporary, content);
  renameSync(temporary, target);
}

function repositoryRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

function run(): void {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    const known =
      error instanceof UsageError ||
      error instanceof ReportInputError ||
      error instanceof RulesModuleError ||
      error instanceof BaselineInputError ||
      isParseArgsError(error);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cdk-bis: ${known ? message : `internal error: ${message}`}\n`);
    if (error instanceof UsageError || isParseArgsError(error))
      process.stderr.write("Run 'cdk-bis --help' for usage.\n");
    process.exitCode = 2;
  }
}

/** `util.parseArgs` reports unknown options and missing values as TypeErrors with an ERR_PARSE_ARGS_* code. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof TypeError && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

run();
