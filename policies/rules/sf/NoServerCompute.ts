import { MemoKey, type AppIndex } from '../../engine/app-index';
import type { StackInfo, TemplateResource } from '../../engine/template-resource';
import { literalString, possibleValues, referencedLogicalIds, valueAt } from '../../engine/template-values';
import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE, type Verdict } from '../../rule';
import { detail } from './property-text';

const LAMBDA_OR_FARGATE = 'run the code on AWS Lambda, or on ECS Fargate when it must be a container';

const SERVERS = 'EC2 instances, servers to patch and size';

/** What each server type is, what it does, the property that sizes it, and what replaces it. */
const SERVER_TYPES = new Map<string, { what: string; does: string; sizing: string[]; instead: string }>(
  Object.entries({
    'AWS::EC2::Instance': {
      what: 'An EC2 instance',
      does: 'is a server to patch and size',
      sizing: ['InstanceType'],
      instead: LAMBDA_OR_FARGATE,
    },
    'AWS::EC2::LaunchTemplate': {
      what: 'A launch template',
      does: `exists to start ${SERVERS}`,
      sizing: ['LaunchTemplateData', 'InstanceType'],
      instead: LAMBDA_OR_FARGATE,
    },
    'AWS::AutoScaling::LaunchConfiguration': {
      what: 'A launch configuration',
      does: `exists to start ${SERVERS}`,
      sizing: ['InstanceType'],
      instead: LAMBDA_OR_FARGATE,
    },
    'AWS::AutoScaling::AutoScalingGroup': {
      what: 'An Auto Scaling group',
      does: `keeps ${SERVERS}`,
      sizing: ['MaxSize'],
      instead: `${LAMBDA_OR_FARGATE}; both scale without a group to manage`,
    },
    'AWS::EC2::EC2Fleet': {
      what: 'An EC2 Fleet',
      does: `launches ${SERVERS}`,
      sizing: ['TargetCapacitySpecification', 'TotalTargetCapacity'],
      instead: LAMBDA_OR_FARGATE,
    },
    'AWS::ElasticBeanstalk::Environment': {
      what: 'An Elastic Beanstalk environment',
      does: `runs on ${SERVERS}, in an Auto Scaling group Beanstalk creates`,
      sizing: ['Tier', 'Name'],
      instead: LAMBDA_OR_FARGATE,
    },
    'AWS::EC2::SpotFleet': {
      what: 'A Spot Fleet',
      does: `launches ${SERVERS}`,
      sizing: ['SpotFleetRequestConfigData', 'TargetCapacity'],
      instead: `${LAMBDA_OR_FARGATE} (FARGATE_SPOT keeps the Spot discount)`,
    },
  }),
);

const FARGATE_TYPES = new Set(['FARGATE', 'FARGATE_SPOT']);
const BATCH_ON_FARGATE =
  "run AWS Batch on Fargate (ComputeResources.Type 'FARGATE' or 'FARGATE_SPOT'; batch.FargateComputeEnvironment)";

export default defineRule(
  __filename,
  {
    id: 'BIS-SF1',
    title: 'Compute runs without servers',
    rationale:
      'An EC2 instance, fleet, Auto Scaling group or Elastic Beanstalk environment is a server the team must size, patch, reboot and pay for while it idles; Lambda and Fargate leave the operating system, its updates and the capacity to AWS. ' +
      'A launch template or configuration that a flagged Auto Scaling group, instance, fleet or Batch environment of the same template uses is one cause with it: the finding is on that resource (the one a CDK user writes), naming the template and its instance type.',
    fix: 'Replace instances, groups and Elastic Beanstalk environments with lambda.Function (AWS::Lambda::Function), or ecs.FargateService with a FargateTaskDefinition (LaunchType FARGATE) for containers; run AWS Batch on batch.FargateComputeEnvironment (ComputeResources.Type FARGATE or FARGATE_SPOT).',
    level: 'error',
    resourceTypes: [...SERVER_TYPES.keys(), 'AWS::Batch::ComputeEnvironment'],
  },
  (resource, index) => {
    if (LAUNCH_SPECIFICATIONS.has(resource.type)) {
      // One cause, one finding: a launch template that a flagged group, instance or fleet uses is
      // reported on that resource, the one the user wrote (`new autoscaling.AutoScalingGroup` creates both).
      if (serverLaunchers(resource.stack, index).has(resource.logicalId)) return NOT_APPLICABLE;
      return ownVerdict(resource);
    }
    const launched = launchSpecificationsOf(resource, index).map((spec) => {
      const { what, sizing } = SERVER_TYPES.get(spec.type) ?? { what: spec.type, sizing: [] };
      return `${what.replace(/^An? /, '').toLowerCase()} ${spec.logicalId}${detail(spec.properties, ...sizing)}`;
    });
    return ownVerdict(resource, launched.join(' and '));
  },
);

/** The rule's verdict on a resource, naming the launch template or configuration it starts servers from. */
function ownVerdict(resource: TemplateResource, launchedFrom = ''): Verdict {
  const server = SERVER_TYPES.get(resource.type);
  const launch = launchedFrom === '' ? '' : ` with ${launchedFrom}`;
  if (server) {
    const sizing = detail(resource.properties, ...server.sizing);
    return nonCompliant(`${server.what}${sizing}${launch} ${server.does}; ${server.instead}.`);
  }
  if (resource.type !== 'AWS::Batch::ComputeEnvironment') return NOT_APPLICABLE;

  if (literalString(valueAt(resource.properties, 'Type')) === 'UNMANAGED') {
    return nonCompliant(
      `The Batch compute environment${launch} has Type 'UNMANAGED': it runs on EC2 instances you manage; ${BATCH_ON_FARGATE}.`,
    );
  }
  const types = possibleValues(valueAt(resource.properties, 'ComputeResources', 'Type'));
  if (types.length === 0) return NOT_APPLICABLE; // No ComputeResources.Type: not a valid managed environment to judge.
  const literals = types.map((type) => literalString(type));
  // A deploy-time choice that can be Fargate is given the benefit of the doubt; only a certain server is flagged.
  if (literals.some((type) => type !== undefined && FARGATE_TYPES.has(type))) return COMPLIANT;
  if (literals.some((type) => type === undefined)) return NOT_APPLICABLE; // Computed (parameter, import): unknown.
  return nonCompliant(
    `The Batch compute environment${launch} has ComputeResources.Type ${literals.map((type) => `'${type}'`).join(' or ')}: it runs on EC2 instances; ${BATCH_ON_FARGATE}.`,
  );
}

/** The types that only describe how to start instances: judged through what uses them. */
const LAUNCH_SPECIFICATIONS: ReadonlySet<string> = new Set([
  'AWS::EC2::LaunchTemplate',
  'AWS::AutoScaling::LaunchConfiguration',
]);

/** The types that start instances from a launch template or configuration of the same template. */
const LAUNCHERS: readonly string[] = [
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::EC2::Instance',
  'AWS::EC2::EC2Fleet',
  'AWS::EC2::SpotFleet',
  'AWS::Batch::ComputeEnvironment',
];

/** Per stack: the launch templates and configurations that a flagged resource starts servers from. */
const SERVER_LAUNCHERS = new MemoKey<ReadonlySet<string>>('sf1-launch-specifications-in-use');

function serverLaunchers(stack: StackInfo, index: AppIndex): ReadonlySet<string> {
  return index.memo(SERVER_LAUNCHERS, stack, () => {
    const launchers = new Set<string>();
    for (const launcher of index.resourcesOfType(stack, ...LAUNCHERS)) {
      // A launcher that is not flagged (Batch on Fargate, or unknown) leaves its template to be judged alone.
      if (index.isMachinery(launcher) || ownVerdict(launcher).kind !== 'non-compliant') continue;
      for (const spec of launchSpecificationsOf(launcher, index)) launchers.add(spec.logicalId);
    }
    return launchers;
  });
}

/** The launch templates and configurations of the same template that a resource refers to. */
function launchSpecificationsOf(resource: TemplateResource, index: AppIndex): TemplateResource[] {
  return [...referencedLogicalIds(resource.properties)]
    .map((logicalId) => index.resourceByLogicalId(resource.stack, logicalId))
    .filter(
      (target): target is TemplateResource => target !== undefined && LAUNCH_SPECIFICATIONS.has(target.type),
    );
}
