import { Stack, Stage } from 'aws-cdk-lib';
import type { PolicyViolation } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { BisFinding } from './finding';

/*
 * The CDK CLI prints validation findings only for the stacks it selected, and `cdk synth` with no
 * selector selects the top-level stacks: findings in a Stage (where CDK Pipelines apps put every
 * application stack) are written to cdk.out/validation-report.json but neither shown nor failing.
 * The app cannot tell which stacks the CLI selected, so it says so whenever Stage stacks exist.
 */

const noticed = new WeakSet<IConstruct>();

/** The construct paths of the top-level stacks that live inside a Stage under `app`. */
export function stageStackPaths(app: IConstruct): string[] {
  return app.node
    .findAll()
    .filter((construct): construct is Stack => Stack.isStack(construct) && !construct.nested)
    .filter((stack) => Stage.of(stack) !== app)
    .map((stack) => stack.node.path);
}

/** The stacks inside Stages and the unacknowledged error findings in them. */
export interface StageErrors {
  readonly paths: readonly string[];
  readonly errors: number;
}

export function stageErrors(app: IConstruct, findings: readonly BisFinding[]): StageErrors {
  const paths = stageStackPaths(app);
  const inStages = new Set(paths);
  const errors = findings.filter(
    (finding) =>
      finding.level === 'error' &&
      finding.acknowledgedReason === undefined &&
      !finding.baselined &&
      inStages.has(finding.resource.stack.deploymentUnit.path),
  ).length;
  return { paths, errors };
}

/** What to tell the user about Stage stacks, once per app; undefined when there are none. */
export function stageNotice(app: IConstruct, stages: StageErrors, gated: boolean): string | undefined {
  const { paths, errors } = stages;
  if (noticed.has(app) || paths.length === 0) return undefined;
  noticed.add(app);
  const shown = listed(paths);
  const stacks = paths.length === 1 ? '1 stack' : `${paths.length} stacks`;
  const errorText =
    errors === 0
      ? 'no BIS error finding is in them'
      : `${errors} BIS error finding${errors === 1 ? ' is' : 's are'} in them`;
  if (gated) {
    return (
      `BisChecks: this app has ${stacks} inside Stages (${shown}); ${errorText}. ` +
      'gateStageStacks is on: any of them fails every `cdk synth` and `cdk deploy` of this app, whatever stacks are selected. ' +
      "The CDK CLI lists findings only for the stacks it selected: see each one with `cdk synth '**'` or `npx cdk-bis report cdk.out`.\n"
    );
  }
  return (
    `BisChecks: this app has ${stacks} inside Stages (${shown}); ${errorText}. ` +
    "`cdk synth` with no stack selector neither shows nor fails on findings in Stage stacks: gate on `cdk synth '**'`, " +
    'on the exit status of `npx cdk-bis report cdk.out`, which reads every stack, ' +
    'or set `gateStageStacks: true` in BisChecks.\n'
  );
}

/**
 * The one violation that makes plain `cdk synth` fail on Stage stacks' errors: the CDK CLI keeps a
 * violation that names no construct whatever stacks it selected (it filters the others by stack).
 */
export function stageGateViolation(stages: StageErrors): PolicyViolation | undefined {
  if (stages.errors === 0) return undefined;
  const findings = stages.errors === 1 ? '1 BIS error finding is' : `${stages.errors} BIS error findings are`;
  return {
    ruleName: STAGE_GATE_ID,
    description:
      `[${STAGE_GATE_ID}] ${findings} in stacks inside Stages (${listed(stages.paths)}); ` +
      "plain `cdk synth` does not show them: run `cdk synth '**'` or `npx cdk-bis report cdk.out` to see each one.",
    fix:
      "Fix or acknowledge each finding that `cdk synth '**'` lists. gateStageStacks makes them fail every synth of the app; " +
      'turn it off to gate per stack selection instead.',
    severity: 'error',
    violatingResources: [],
  };
}

/** The rule name of the Stage-gate violation; it names no construct, so reports count no finding for it. */
export const STAGE_GATE_ID = 'BIS-STAGE-GATE';

function listed(paths: readonly string[]): string {
  return paths.length > 3 ? `${paths.slice(0, 3).join(', ')}, …` : paths.join(', ');
}
