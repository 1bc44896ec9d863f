import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE, type Verdict } from '../../rule';
import { MemoKey, type AppIndex } from '../../engine/app-index';
import { type TemplateResource } from '../../engine/template-resource';
import {
  listAt,
  literalString,
  possibleValues,
  referencedLogicalId,
  stringList,
  type TemplateValue,
  valueAt,
} from '../../engine/template-values';

const FARGATE_PROVIDERS = new Set(['FARGATE', 'FARGATE_SPOT']);
const ON_FARGATE =
  "run it on Fargate: ecs.FargateService (LaunchType 'FARGATE', or a CapacityProviderStrategy of FARGATE/FARGATE_SPOT)";

/** Where a capacity provider puts the tasks: Fargate, EC2 servers, or unknown until deploy time. */
type Placement =
  { kind: 'fargate' } | { kind: 'server'; name: string; inTemplate?: true } | { kind: 'unknown' };

export default defineRule(
  __filename,
  {
    id: 'BIS-SF2',
    title: 'Containers run on Fargate, not on EC2 capacity',
    rationale:
      'ECS on EC2, ECS Anywhere and EKS node groups put containers on instances the team must patch, drain and scale; Fargate runs each task on capacity AWS keeps up to date. ' +
      'A task definition run by a service that the rule flags, in the same template, is one cause with it: the finding is on the service, and names the task definition when it needs EC2 capacity too. Likewise the capacity-provider associations of a cluster are reported only for providers named from outside the template: a provider of the template carries its own finding.',
    fix: "Use ecs.FargateService and ecs.FargateTaskDefinition (LaunchType 'FARGATE', RequiresCompatibilities ['FARGATE']) or a capacity-provider strategy of FARGATE/FARGATE_SPOT; drop ASG capacity providers (AutoScalingGroupProvider); on EKS, schedule pods with a Fargate profile (eks.FargateProfile, AWS::EKS::FargateProfile) instead of a node group.",
    level: 'error',
    resourceTypes: [
      'AWS::ECS::Service',
      'AWS::ECS::TaskDefinition',
      'AWS::ECS::CapacityProvider',
      'AWS::ECS::ClusterCapacityProviderAssociations',
      'AWS::EKS::Nodegroup',
    ],
  },
  (resource, index) => {
    switch (resource.type) {
      case 'AWS::ECS::Service':
        return withTaskDefinition(checkService(resource, index), resource, index);
      case 'AWS::ECS::TaskDefinition':
        // One cause, one finding: the task definition of a flagged service is reported on the service,
        // which the user wrote to run it (`new ecs.Ec2Service(..., { taskDefinition })`).
        if (tasksOfFlaggedServices(resource.stack, index).has(resource.logicalId)) return NOT_APPLICABLE;
        return checkTaskDefinition(resource);
      case 'AWS::ECS::CapacityProvider':
        return checkCapacityProvider(resource);
      case 'AWS::ECS::ClusterCapacityProviderAssociations':
        return checkAssociations(resource, index);
      case 'AWS::EKS::Nodegroup':
        return nonCompliant(
          'An EKS node group runs pods on EC2 instances to patch and scale; use an EKS Fargate profile (AWS::EKS::FargateProfile), or ECS on Fargate.',
        );
      default:
        return NOT_APPLICABLE;
    }
  },
);

function checkService(service: TemplateResource, index: AppIndex): Verdict {
  const launchType = valueAt(service.properties, 'LaunchType');
  if (launchType !== undefined) {
    const types = possibleValues(launchType).map((type) => literalString(type));
    // A deploy-time choice that can be Fargate is given the benefit of the doubt; only a certain server is flagged.
    if (types.includes('FARGATE')) return COMPLIANT;
    if (types.length === 0 || types.some((type) => type === undefined)) return NOT_APPLICABLE; // Computed: unknown.
    return nonCompliant(
      `The ECS service has LaunchType ${types.map((type) => `'${type}'`).join(' or ')}: its tasks run on instances you manage; ${ON_FARGATE}.`,
    );
  }
  const strategy = valueAt(service.properties, 'CapacityProviderStrategy');
  if (strategy !== undefined) {
    return judgeStrategy(strategy, service, index, 'The ECS service has a CapacityProviderStrategy naming');
  }
  // Neither set: the service takes its cluster's default strategy, when the cluster is in this template.
  const clusterId = referencedLogicalId(valueAt(service.properties, 'Cluster'));
  const defaults =
    clusterId === undefined ? [] : (clusterDefaultStrategies(index, service.stack).get(clusterId) ?? []);
  const lead = `The ECS service sets neither LaunchType nor CapacityProviderStrategy, so it takes the default strategy of cluster ${clusterId}, naming`;
  const verdicts = defaults.map((strategy) => judgeStrategy(strategy, service, index, lead));
  const finding = verdicts.find((verdict) => verdict.kind === 'non-compliant');
  if (finding) return finding;
  // No default strategy in sight (empty, absent, or the cluster is elsewhere): the service cannot be judged.
  return verdicts.some((verdict) => verdict.kind === 'compliant') ? COMPLIANT : NOT_APPLICABLE;
}

/** The task definition of a service, when it is in the same template. */
function taskDefinitionOf(service: TemplateResource, index: AppIndex): TemplateResource | undefined {
  const task = index.referencedResource(service, valueAt(service.properties, 'TaskDefinition'));
  return task?.type === 'AWS::ECS::TaskDefinition' ? task : undefined;
}

/** A flagged service's finding also names its task definition when that needs EC2 capacity too. */
function withTaskDefinition(verdict: Verdict, service: TemplateResource, index: AppIndex): Verdict {
  if (verdict.kind !== 'non-compliant') return verdict;
  const task = taskDefinitionOf(service, index);
  if (task === undefined || checkTaskDefinition(task).kind !== 'non-compliant') return verdict;
  const { literals } = stringList(valueAt(task.properties, 'RequiresCompatibilities'));
  const compatibilities =
    literals.length === 0
      ? 'no RequiresCompatibilities'
      : `RequiresCompatibilities [${literals.map((literal) => `'${literal}'`).join(', ')}]`;
  return nonCompliant(
    `${verdict.message} Its task definition ${task.logicalId} (${compatibilities}) needs EC2 capacity too: make it an ecs.FargateTaskDefinition (RequiresCompatibilities ['FARGATE']).`,
    verdict.level,
  );
}

/** Per stack: the task definitions run by a service this rule flags. */
const TASKS_OF_FLAGGED_SERVICES = new MemoKey<ReadonlySet<string>>(
  'sf2-task-definitions-of-flagged-services',
);

function tasksOfFlaggedServices(stack: TemplateResource['stack'], index: AppIndex): ReadonlySet<string> {
  return index.memo(TASKS_OF_FLAGGED_SERVICES, stack, () => {
    const tasks = new Set<string>();
    for (const service of index.resourcesOfType(stack, 'AWS::ECS::Service')) {
      if (index.isMachinery(service) || checkService(service, index).kind !== 'non-compliant') continue;
      const task = taskDefinitionOf(service, index);
      if (task !== undefined) tasks.add(task.logicalId);
    }
    return tasks;
  });
}

function checkTaskDefinition(task: TemplateResource): Verdict {
  const branches = possibleValues(valueAt(task.properties, 'RequiresCompatibilities'));
  if (branches.length === 0) {
    return nonCompliant(
      `The task definition has no RequiresCompatibilities, so it is validated for EC2 only; set RequiresCompatibilities ['FARGATE'] (ecs.FargateTaskDefinition).`,
    );
  }
  let unknown = false;
  const lists: string[] = [];
  for (const branch of branches) {
    const { literals, hasComputed } = stringList(branch);
    if (literals.includes('FARGATE')) return COMPLIANT;
    if (hasComputed || (literals.length === 0 && !Array.isArray(branch))) unknown = true;
    else lists.push(`[${literals.map((literal) => `'${literal}'`).join(', ')}]`);
  }
  if (unknown) return NOT_APPLICABLE; // Compatibilities computed at deploy time: unknown.
  return nonCompliant(
    `The task definition has RequiresCompatibilities ${lists.join(' or ')}, without 'FARGATE': its tasks need EC2 capacity; use ecs.FargateTaskDefinition (RequiresCompatibilities ['FARGATE']).`,
  );
}

function checkCapacityProvider(provider: TemplateResource): Verdict {
  if (valueAt(provider.properties, 'AutoScalingGroupProvider') !== undefined) {
    return nonCompliant(
      `The ECS capacity provider has an AutoScalingGroupProvider: it places tasks on EC2 instances of an Auto Scaling group; use the FARGATE and FARGATE_SPOT capacity providers instead.`,
    );
  }
  if (valueAt(provider.properties, 'ManagedInstancesProvider') !== undefined) {
    return nonCompliant(
      `The ECS capacity provider has a ManagedInstancesProvider: it places tasks on EC2 instances; use the FARGATE and FARGATE_SPOT capacity providers instead.`,
    );
  }
  return NOT_APPLICABLE;
}

function checkAssociations(associations: TemplateResource, index: AppIndex): Verdict {
  const named = [
    ...listAt(associations.properties, 'CapacityProviders'),
    ...listAt(associations.properties, 'DefaultCapacityProviderStrategy').map((item) =>
      valueAt(item, 'CapacityProvider'),
    ),
  ];
  const placements = named.map((value) => placementOf(value, associations, index));
  const servers = placements.flatMap((placement) => (placement.kind === 'server' ? [placement.name] : []));
  // One cause, one finding: providers of this template carry their own finding; only names from elsewhere are news.
  if (
    servers.length > 0 &&
    placements.every((placement) => placement.kind !== 'server' || placement.inTemplate)
  ) {
    return NOT_APPLICABLE;
  }
  if (servers.length > 0) {
    return nonCompliant(
      `The cluster's capacity provider associations name ${servers.join(', ')}: tasks can land on EC2 instances; associate only FARGATE and FARGATE_SPOT.`,
    );
  }
  // A provider list computed at deploy time hides what it names.
  const computedList = !Array.isArray(valueAt(associations.properties, 'CapacityProviders'));
  const unknown = computedList || placements.some((placement) => placement.kind === 'unknown');
  return unknown ? NOT_APPLICABLE : COMPLIANT;
}

/** Judge a capacity-provider strategy (a list of `{ CapacityProvider, Weight, Base }`). */
function judgeStrategy(strategy: unknown, from: TemplateResource, index: AppIndex, lead: string): Verdict {
  if (!Array.isArray(strategy)) return NOT_APPLICABLE; // The whole strategy is computed at deploy time: unknown.
  const placements = strategy.map((item) => placementOf(valueAt(item, 'CapacityProvider'), from, index));
  const servers = placements.flatMap((placement) => (placement.kind === 'server' ? [placement.name] : []));
  if (servers.length > 0) {
    return nonCompliant(`${lead} ${servers.join(', ')}: its tasks run on EC2 instances; ${ON_FARGATE}.`);
  }
  const known = placements.length > 0 && placements.every((placement) => placement.kind === 'fargate');
  return known ? COMPLIANT : NOT_APPLICABLE;
}

/** Where a `CapacityProvider` value places tasks. A provider defined in the template is always EC2-backed. */
function placementOf(value: TemplateValue | undefined, from: TemplateResource, index: AppIndex): Placement {
  const branches = possibleValues(value).map((branch): Placement => {
    const name = literalString(branch);
    if (name !== undefined) {
      return FARGATE_PROVIDERS.has(name) ? { kind: 'fargate' } : { kind: 'server', name: `'${name}'` };
    }
    const target = index.referencedResource(from, branch);
    if (target?.type === 'AWS::ECS::CapacityProvider') {
      return { kind: 'server', name: `capacity provider ${target.logicalId}`, inTemplate: true };
    }
    return { kind: 'unknown' };
  });
  const servers = branches.flatMap((branch) => (branch.kind === 'server' ? [branch.name] : []));
  const certain = servers.length > 0 && servers.length === branches.length;
  if (certain) {
    const inTemplate = branches.every((branch) => branch.kind === 'server' && branch.inTemplate === true);
    return { kind: 'server', name: servers.join(' or '), ...(inTemplate ? { inTemplate } : {}) };
  }
  // A deploy-time choice that can be Fargate is given the benefit of the doubt; only a certain server is flagged.
  return branches.some((branch) => branch.kind === 'fargate') ? { kind: 'fargate' } : { kind: 'unknown' };
}

/** The memo of `clusterDefaultStrategies`: one per stack and run. */
const CLUSTER_DEFAULT_STRATEGIES = new MemoKey<Map<string, TemplateValue[]>>(
  'sf2-ecs-cluster-default-strategies',
);

/** Cluster logical ID → its default capacity-provider strategies (on the cluster and on its associations). */
function clusterDefaultStrategies(
  index: AppIndex,
  stack: TemplateResource['stack'],
): Map<string, TemplateValue[]> {
  return index.memo(CLUSTER_DEFAULT_STRATEGIES, stack, () => {
    const defaults = new Map<string, TemplateValue[]>();
    const add = (clusterId: string | undefined, strategy: TemplateValue | undefined) => {
      if (clusterId === undefined || strategy === undefined) return;
      defaults.set(clusterId, [...(defaults.get(clusterId) ?? []), strategy]);
    };
    for (const resource of index.resourcesOfType(
      stack,
      'AWS::ECS::Cluster',
      'AWS::ECS::ClusterCapacityProviderAssociations',
    )) {
      if (resource.type === 'AWS::ECS::Cluster') {
        add(resource.logicalId, valueAt(resource.properties, 'DefaultCapacityProviderStrategy'));
      } else {
        add(
          referencedLogicalId(valueAt(resource.properties, 'Cluster')),
          valueAt(resource.properties, 'DefaultCapacityProviderStrategy'),
        );
      }
    }
    return defaults;
  });
}
