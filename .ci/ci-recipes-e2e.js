// Runs the CI recipes that ship in the tarball (node_modules/cdk-bis/docs/ci/*.yml) against a CDK app
// whose only error is in a Stage stack, as GitLab and GitHub Actions would run them, and checks that
// each recipe fails. Plain `cdk synth` passes such an app: that leak is why the recipes select '**'.
// Called by consumer-smoke.sh from the consumer app's folder, where cdk-bis is installed.
'use strict';
const { spawnSync } = require('child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('fs');
const { join } = require('path');
const YAML = require(require.resolve('yaml', { paths: [process.cwd()] }));

const recipes = join(process.cwd(), 'node_modules', 'cdk-bis', 'docs', 'ci');

function fail(message, detail = '') {
  console.error(`ci recipes: ${message}`);
  if (detail) console.error(detail);
  process.exit(1);
}

function bash(script, env = {}) {
  return spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

writeFileSync(
  'stage-app.js',
  `const { App, Stack, Stage, Validations } = require('aws-cdk-lib');
const s3 = require('aws-cdk-lib/aws-s3');
const { BisChecks, BisRole } = require('cdk-bis');
const app = new App();
Validations.of(app).addPlugins(new BisChecks(app));
// A clean top-level stack, and the errors where CDK Pipelines apps put them: in a Stage.
BisRole.of(new Stack(app, 'Shared')).set('infrastructure');
const lake = new Stack(new Stage(app, 'Prod'), 'Lake');
BisRole.of(lake).set('data-platform');
new s3.Bucket(lake, 'Unversioned');
app.synth();
`,
);
writeFileSync('cdk.json', JSON.stringify({ app: 'node stage-app.js' }));

function clean() {
  for (const path of ['cdk.out', 'bis-junit.xml', 'bis.md', 'bis.sarif'])
    rmSync(path, { recursive: true, force: true });
}

// 1. The leak, and what synth says about it.
clean();
const plain = bash('npx cdk synth --quiet');
if (plain.status !== 0)
  fail(`plain 'cdk synth' was expected to pass (the leak) but exited ${plain.status}`, plain.stderr);
if (
  !/BisChecks: this app has 1 stack inside Stages \(Prod\/Lake\); [1-9]\d* BIS error findings? (is|are) in them/.test(
    plain.stderr,
  )
) {
  fail('plain cdk synth did not print the Stage notice', plain.stderr);
}
console.log("ci recipes: plain 'cdk synth' exits 0 on a Stage error and prints the Stage notice");

// 1b. The opt-in gate: with gateStageStacks, plain `cdk synth` fails on the same app.
clean();
writeFileSync(
  'stage-app-gated.js',
  readFileSync('stage-app.js', 'utf8').replace(
    'new BisChecks(app)',
    'new BisChecks(app, { gateStageStacks: true })',
  ),
);
const gated = bash("npx cdk synth --quiet --app 'node stage-app-gated.js'");
if (gated.status === 0) fail("with gateStageStacks, plain 'cdk synth' passed a Stage error", gated.stderr);
if (!gated.stderr.includes('gateStageStacks is on'))
  fail("with gateStageStacks, plain 'cdk synth' failed without saying why", gated.stderr);
console.log(
  "ci recipes: with gateStageStacks, plain 'cdk synth' fails (exit " + gated.status + ') and says why',
);

// 2. GitLab: the job's script, in one shell, as the runner runs it (npm ci is done already).
clean();
const gitlab = YAML.parse(readFileSync(join(recipes, 'gitlab-ci.yml'), 'utf8'));
const gitlabScript = gitlab['cdk-bis'].script.filter((line) => line.trim() !== 'npm ci').join('\n');
const gitlabRun = bash(gitlabScript);
if (gitlabRun.status === 0)
  fail('the GitLab recipe passed an app with an error in a Stage stack', gitlabRun.stdout + gitlabRun.stderr);
if (
  !existsSync('bis-junit.xml') ||
  !/Prod\/Lake[^"]*Unversioned/.test(readFileSync('bis-junit.xml', 'utf8'))
) {
  fail(
    'the GitLab recipe wrote no JUnit failure for Prod/Lake/Unversioned',
    existsSync('bis-junit.xml') ? readFileSync('bis-junit.xml', 'utf8') : 'no bis-junit.xml',
  );
}
console.log(
  `ci recipes: the GitLab recipe fails (exit ${gitlabRun.status}) and its JUnit report names Prod/Lake/Unversioned`,
);

// 3. GitHub Actions: the synth job's run steps, with `if: always()`, continue-on-error and step outputs.
clean();
const github = YAML.parse(readFileSync(join(recipes, 'github-actions.yml'), 'utf8'));
const scratch = mkdtempSync(join(require('os').tmpdir(), 'gha-'));
const env = { GITHUB_OUTPUT: join(scratch, 'output'), GITHUB_STEP_SUMMARY: join(scratch, 'summary') };
writeFileSync(env.GITHUB_STEP_SUMMARY, '');
const outputs = {};
let jobFailed = false;
for (const step of github.jobs.synth.steps) {
  if (step.run === undefined || step.run.trim() === 'npm ci') continue;
  const always = typeof step.if === 'string' && step.if.includes('always()');
  if (jobFailed && !always) continue;
  writeFileSync(env.GITHUB_OUTPUT, '');
  const script = step.run.replace(
    /\$\{\{\s*steps\.(\w+)\.outputs\.(\w+)\s*\}\}/g,
    (_, id, key) => outputs[id]?.[key] ?? '',
  );
  const result = bash(script, env);
  if (step.id) {
    outputs[step.id] = Object.fromEntries(
      readFileSync(env.GITHUB_OUTPUT, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
  }
  if (result.status !== 0 && !step['continue-on-error']) jobFailed = true;
}
if (!jobFailed) fail('the GitHub Actions recipe passed an app with an error in a Stage stack');
const sarif = existsSync('bis.sarif') ? JSON.parse(readFileSync('bis.sarif', 'utf8')) : undefined;
const located = sarif?.runs?.[0]?.results?.some(
  (result) => result.ruleId === 'BIS-AV2' && JSON.stringify(result.locations).includes('Prod/Lake'),
);
if (!located) fail('the GitHub Actions recipe wrote no SARIF result for BIS-AV2 in Prod/Lake');
if (!readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8').includes('BIS-AV2'))
  fail('the pull-request summary does not show BIS-AV2');
rmSync(scratch, { recursive: true, force: true });
console.log(
  'ci recipes: the GitHub Actions recipe fails the job, with BIS-AV2 in Prod/Lake in the SARIF and the summary',
);
