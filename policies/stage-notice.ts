import { Stack, Stage } from 'aws-cdk-lib';
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

/** What to tell the user about Stage stacks, once per app; undefined when there are none. */
export function stageNotice(app: IConstruct, findings: readonly BisFinding[]): string | undefined {
  if (noticed.has(app)) return undefined;
  const paths = stageStackPaths(app);
  if (paths.length === 0) return undefined;
  noticed.add(app);
  const inStages = new Set(paths);
  const errors = findings.filter(
    (finding) =>
      finding.level === 'error' &&
      finding.acknowledgedReason === undefined &&
      inStages.has(finding.resource.stack.deploymentUnit.path),
  ).length;
  const shown = paths.length > 3 ? `${paths.slice(0, 3).join(', ')}, …` : paths.join(', ');
  const stacks = paths.length === 1 ? '1 stack' : `${paths.length} stacks`;
  const errorText =
    errors === 0
      ? 'no BIS error finding is in them'
      : `${errors} BIS error finding${errors === 1 ? ' is' : 's are'} in them`;
  return (
    `BisChecks: this app has ${stacks} inside Stages (${shown}); ${errorText}. ` +
    "`cdk synth` with no stack selector neither shows nor fails on findings in Stage stacks: gate on `cdk synth '**'`, " +
    'or on the exit status of `npx cdk-bis report cdk.out`, which reads every stack.\n'
  );
}
