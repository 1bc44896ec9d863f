// `npm run corpus [-- --json FILE] [--corpus DIR]`: the pack's verdicts on the corpus of real CDK apps.
import { existsSync, readdirSync, statSync, writeFileSync } from 'fs';
import { join, relative, resolve } from 'path';
import { scanTemplates } from '../policies/scan';
import { ALL_RULES } from '../policies/rules';

/*
 * The corpus is the synthesized templates of public CDK apps written by others (test/corpus/README.md
 * says which). Being data taken from fetched repositories, it lives in the steering repo's shared/,
 * which CI lays beside the clone, not in this repository.
 */

/** Where the corpus is unless `--corpus` or `CDK_BIS_CORPUS` says otherwise. */
export const DEFAULT_CORPUS_DIR = join(__dirname, '..', '..', 'shared', 'corpus', 'cdk-apps');

export function corpusDir(override?: string): string {
  return resolve(override ?? process.env.CDK_BIS_CORPUS ?? DEFAULT_CORPUS_DIR);
}

/** One app of the corpus: `<repo>/<app>`, a folder holding its cloud assembly's templates. */
export interface CorpusApp {
  readonly id: string;
  readonly dir: string;
}

/** What the pack said about one app. */
export interface AppVerdicts {
  readonly app: string;
  readonly stacks: number;
  readonly resources: number;
  /** Findings by rule ID, rules without findings left out. */
  readonly findings: Readonly<Record<string, number>>;
  /** Templates the scanner could not read, one line each. */
  readonly inputErrors: readonly string[];
  /** Findings that say a rule threw (the pack turns an exception into such an error finding). */
  readonly ruleExceptions: readonly string[];
  /** Set when the scan itself threw. */
  readonly crash?: string;
}

export interface CorpusSummary {
  readonly apps: number;
  readonly stacks: number;
  readonly resources: number;
  /** Per rule, in catalogue order: its findings and the apps with at least one. */
  readonly rules: Readonly<Record<string, { readonly findings: number; readonly apps: number }>>;
  readonly byApp: readonly AppVerdicts[];
}

/** Every `<repo>/<app>` folder of the corpus that holds a `manifest.json`, sorted. */
export function corpusApps(dir: string): CorpusApp[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(
      `corpus: no corpus at ${dir}. Lay it there (shared/corpus/cdk-apps beside the clone), or point --corpus DIR or CDK_BIS_CORPUS at it.`,
    );
  }
  const apps: CorpusApp[] = [];
  for (const repo of subfolders(dir)) {
    for (const app of subfolders(join(dir, repo))) {
      const appDir = join(dir, repo, app);
      if (existsSync(join(appDir, 'manifest.json'))) apps.push({ id: `${repo}/${app}`, dir: appDir });
    }
  }
  if (apps.length === 0) {
    throw new Error(`corpus: ${dir} holds no <repo>/<app>/manifest.json; is it the cdk-apps folder?`);
  }
  return apps;
}

// The wording of `checkSafely` in policies/bis-checks.ts, the one place a rule's exception is caught.
const RULE_EXCEPTION = / could not evaluate .*This is a cdk-bis bug/;

/** Scan one app's templates (nested and Stage assemblies included) as `cdk-bis scan` would. */
export function scanApp(app: CorpusApp): AppVerdicts {
  const templates = templateFiles(app.dir);
  try {
    const { report, errors, templates: scanned } = scanTemplates(templates, { root: app.dir });
    const findings: Record<string, number> = {};
    const ruleExceptions: string[] = [];
    for (const finding of report.findings) {
      findings[finding.ruleId] = (findings[finding.ruleId] ?? 0) + 1;
      if (RULE_EXCEPTION.test(finding.message))
        ruleExceptions.push(`${finding.resourcePath}: ${finding.message}`);
    }
    return {
      app: app.id,
      stacks: scanned.length,
      resources: scanned.reduce((sum, template) => sum + template.resources, 0),
      findings: inCatalogueOrder(findings),
      inputErrors: errors.map((error) => error.message),
      ruleExceptions,
    };
  } catch (error) {
    const crash = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { app: app.id, stacks: 0, resources: 0, findings: {}, inputErrors: [], ruleExceptions: [], crash };
  }
}

export function scanCorpus(dir: string): CorpusSummary {
  const byApp = corpusApps(dir).map(scanApp);
  const rules: Record<string, { findings: number; apps: number }> = {};
  for (const rule of ALL_RULES) rules[rule.id] = { findings: 0, apps: 0 };
  for (const verdicts of byApp) {
    for (const [ruleId, count] of Object.entries(verdicts.findings)) {
      rules[ruleId].findings += count;
      rules[ruleId].apps += 1;
    }
  }
  return {
    apps: byApp.length,
    stacks: byApp.reduce((sum, app) => sum + app.stacks, 0),
    resources: byApp.reduce((sum, app) => sum + app.resources, 0),
    rules,
    byApp,
  };
}

/** The summary as the text `npm run corpus` prints: totals, a table by rule, then every problem. */
export function renderSummary(summary: CorpusSummary): string {
  const findings = Object.values(summary.rules).reduce((sum, rule) => sum + rule.findings, 0);
  const lines = [
    `${summary.apps} apps, ${summary.stacks} stacks, ${summary.resources} resources, ${findings} findings`,
    '',
    '| rule | level | findings | apps with findings |',
    '| --- | --- | ---: | ---: |',
  ];
  for (const rule of ALL_RULES) {
    const { findings: count, apps } = summary.rules[rule.id];
    lines.push(`| ${rule.id} | ${rule.level} | ${count} | ${apps} |`);
  }
  const problems = summary.byApp.flatMap((app) => [
    ...(app.crash === undefined ? [] : [`${app.app}: the scan crashed: ${app.crash}`]),
    ...app.inputErrors.map((error) => `${app.app}: input error: ${error}`),
    ...app.ruleExceptions.map((exception) => `${app.app}: rule exception: ${exception}`),
  ]);
  lines.push(
    '',
    problems.length === 0
      ? 'No crash, input error or rule exception.'
      : 'Crashes, input errors and rule exceptions:',
    ...problems,
  );
  return lines.join('\n');
}

function templateFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.template.json')) files.push(path);
    }
  };
  walk(dir);
  return files.sort();
}

function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function inCatalogueOrder(counts: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(
    ALL_RULES.filter((rule) => rule.id in counts).map((rule) => [rule.id, counts[rule.id]]),
  );
}

interface CorpusArgs {
  readonly json?: string;
  readonly corpus?: string;
}

function parseArgs(argv: readonly string[]): CorpusArgs {
  const args: { json?: string; corpus?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag !== '--json' && flag !== '--corpus') {
      throw new Error(`corpus: unknown argument ${JSON.stringify(flag)}; use --json FILE and --corpus DIR.`);
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`corpus: ${flag} needs a value.`);
    const key = flag === '--json' ? 'json' : 'corpus';
    if (args[key] !== undefined) throw new Error(`corpus: ${flag} is given twice; give it once.`);
    args[key] = value;
    i++;
  }
  return args;
}

function main(): number {
  let args: CorpusArgs;
  let summary: CorpusSummary;
  try {
    args = parseArgs(process.argv.slice(2));
    summary = scanCorpus(corpusDir(args.corpus));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  console.log(renderSummary(summary));
  if (args.json !== undefined) {
    try {
      writeFileSync(args.json, `${JSON.stringify(summary, null, 2)}\n`);
    } catch (error) {
      console.error(`corpus: cannot write --json ${args.json}: ${(error as Error).message}`);
      return 2;
    }
    console.log(`\nWrote ${relative(process.cwd(), args.json) || args.json}.`);
  }
  // Input errors are verdicts on the app's templates; a crash or a rule exception is a cdk-bis bug.
  const broken = summary.byApp.some((app) => app.crash !== undefined || app.ruleExceptions.length > 0);
  return broken ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
