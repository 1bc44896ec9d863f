import { CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as eks from 'aws-cdk-lib/aws-eks';
import rule from '../../../../policies/rules/sf/NoEc2Containers';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

function clusterStack() {
  const stack = new Stack(testApp(), 'App');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    maxAzs: 1,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, enableFargateCapacityProviders: true });
  return { stack, vpc, cluster };
}

function webContainer(task: ecs.TaskDefinition) {
  task.addContainer('web', { image: ecs.ContainerImage.fromRegistry('nginx'), memoryLimitMiB: 512 });
}

function asgProvider(stack: Stack, vpc: ec2.IVpc) {
  const group = new autoscaling.AutoScalingGroup(stack, 'Capacity', {
    vpc,
    instanceType: new ec2.InstanceType('t3.small'),
    machineImage: ecs.EcsOptimizedImage.amazonLinux2023(),
  });
  return new ecs.AsgCapacityProvider(stack, 'AsgProvider', { autoScalingGroup: group });
}

describe('BIS-SF2 NoEc2Containers', () => {
  test('a Fargate service, its task definition and a Fargate-only cluster are compliant', () => {
    const { stack, cluster } = clusterStack();
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    webContainer(task);
    const service = new ecs.FargateService(stack, 'Web', { cluster, taskDefinition: task });
    expect(verdictOf(rule, service).kind).toBe('compliant');
    expect(verdictOf(rule, task).kind).toBe('compliant');
    const associations = cluster.node
      .findAll()
      .find((child) => child instanceof ecs.CfnClusterCapacityProviderAssociations);
    expect(verdictOf(rule, associations!).kind).toBe('compliant');
  });

  test('an EC2 service and its EC2-only task definition are one finding, on the service, naming both fixes', () => {
    const { stack, cluster } = clusterStack();
    cluster.addCapacity('Instances', { instanceType: new ec2.InstanceType('t3.small') });
    const task = new ecs.Ec2TaskDefinition(stack, 'Task');
    webContainer(task);
    const service = new ecs.Ec2Service(stack, 'Web', { cluster, taskDefinition: task });
    expect(verdictOf(rule, service)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /LaunchType 'EC2'.*Fargate.* Its task definition Task\w+ \(RequiresCompatibilities \['EC2'\]\) needs EC2 capacity too: make it an ecs\.FargateTaskDefinition/,
      ),
    });
    expect(verdictOf(rule, task).kind).toBe('not-applicable');
  });

  test('an EC2-only task definition that no flagged service runs is judged alone', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        // Run by Step Functions or EventBridge (RunTask), not by a service of this template.
        Alone: { Type: 'AWS::ECS::TaskDefinition', Properties: { RequiresCompatibilities: ['EC2'] } },
        Unknown: { Type: 'AWS::ECS::TaskDefinition', Properties: { RequiresCompatibilities: ['EC2'] } },
        Deferred: {
          Type: 'AWS::ECS::Service',
          Properties: { LaunchType: { Ref: 'Launch' }, TaskDefinition: { Ref: 'Unknown' } },
        },
      },
    });
    expect(verdicts).toEqual({
      Alone: 'non-compliant',
      Unknown: 'non-compliant',
      Deferred: 'not-applicable',
    });
  });

  test('an ASG capacity provider and a service using it are errors; the association naming it is not a second one', () => {
    const { stack, vpc, cluster } = clusterStack();
    const provider = asgProvider(stack, vpc);
    cluster.addAsgCapacityProvider(provider);
    const task = new ecs.Ec2TaskDefinition(stack, 'Task');
    webContainer(task);
    const service = new ecs.Ec2Service(stack, 'Web', {
      cluster,
      taskDefinition: task,
      capacityProviderStrategies: [{ capacityProvider: provider.capacityProviderName, weight: 1 }],
    });
    const cfnProvider = provider.node.findAll().find((child) => child instanceof ecs.CfnCapacityProvider);
    expect(verdictOf(rule, cfnProvider!)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/AutoScalingGroupProvider/),
    });
    expect(verdictOf(rule, service)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/CapacityProviderStrategy naming capacity provider AsgProvider/),
    });
    const associations = cluster.node
      .findAll()
      .find((child) => child instanceof ecs.CfnClusterCapacityProviderAssociations);
    expect(verdictOf(rule, associations!).kind).toBe('not-applicable');
    // A provider named from outside the template has no finding of its own: the association carries it.
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Named: {
          Type: 'AWS::ECS::ClusterCapacityProviderAssociations',
          Properties: { Cluster: 'shop', CapacityProviders: ['FARGATE', 'shared-asg-provider'] },
        },
      },
    });
    expect(verdicts).toEqual({ Named: 'non-compliant' });
  });

  test('a service without launch type or strategy is judged by its cluster default strategy', () => {
    const { stack, vpc, cluster } = clusterStack();
    const provider = asgProvider(stack, vpc);
    cluster.addAsgCapacityProvider(provider);
    cluster.addDefaultCapacityProviderStrategy([
      { capacityProvider: provider.capacityProviderName, weight: 1 },
    ]);
    const service = new ecs.CfnService(stack, 'Web', {
      cluster: cluster.clusterName,
      taskDefinition: 'web:1',
    });
    expect(verdictOf(rule, service)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /default strategy of cluster Cluster\w+, naming capacity provider AsgProvider/,
      ),
    });
  });

  test('a service on a Fargate default strategy is compliant; without a known default it is not judged', () => {
    const { stack, cluster } = clusterStack();
    cluster.addDefaultCapacityProviderStrategy([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]);
    const onDefault = new ecs.CfnService(stack, 'Web', {
      cluster: cluster.clusterName,
      taskDefinition: 'web:1',
    });
    const elsewhere = new ecs.CfnService(stack, 'Other', {
      cluster: Fn.importValue('SharedCluster'),
      taskDefinition: 'web:1',
    });
    expect(verdictOf(rule, onDefault).kind).toBe('compliant');
    expect(verdictOf(rule, elsewhere).kind).toBe('not-applicable');
  });

  test('a launch type from Fn::If is flagged only when no branch is FARGATE; a parameter is not judged', () => {
    const stack = new Stack(testApp(), 'App');
    new CfnCondition(stack, 'Prod', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const launchType = new CfnParameter(stack, 'LaunchType', { default: 'FARGATE' });
    const either = new ecs.CfnService(stack, 'Either', {
      launchType: Fn.conditionIf('Prod', 'FARGATE', 'EC2').toString(),
    });
    const servers = new ecs.CfnService(stack, 'Servers', {
      launchType: Fn.conditionIf('Prod', 'EC2', 'EXTERNAL').toString(),
    });
    const chosen = new ecs.CfnService(stack, 'Chosen', { launchType: launchType.valueAsString });
    expect(verdictOf(rule, either).kind).toBe('compliant');
    expect(verdictOf(rule, servers)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/LaunchType 'EC2' or 'EXTERNAL'/),
    });
    expect(verdictOf(rule, chosen).kind).toBe('not-applicable');
  });

  test('an EKS managed node group is an error that names Fargate profiles', () => {
    const stack = new Stack(testApp(), 'App');
    const nodes = new eks.CfnNodegroup(stack, 'Nodes', {
      clusterName: 'platform',
      nodeRole: 'arn:aws:iam::123456789012:role/nodes',
      subnets: ['subnet-0123456789abcdef0'],
      instanceTypes: [Fn.importValue('NodeType')],
    });
    expect(verdictOf(rule, nodes)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/EKS node group.*Fargate profile/),
    });
  });

  test('a scanned template gets the same verdicts', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Cluster: {
          Type: 'AWS::ECS::Cluster',
          Properties: { DefaultCapacityProviderStrategy: [{ CapacityProvider: 'my-asg-provider' }] },
        },
        OnDefault: { Type: 'AWS::ECS::Service', Properties: { Cluster: { Ref: 'Cluster' } } },
        Anywhere: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'EXTERNAL' } },
        Spot: {
          Type: 'AWS::ECS::Service',
          Properties: { CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT' }] },
        },
        Computed: {
          Type: 'AWS::ECS::Service',
          Properties: { CapacityProviderStrategy: { Ref: 'Strategy' } },
        },
        Both: {
          Type: 'AWS::ECS::TaskDefinition',
          Properties: { RequiresCompatibilities: ['EC2', 'FARGATE'] },
        },
        Untyped: { Type: 'AWS::ECS::TaskDefinition', Properties: {} },
        Managed: { Type: 'AWS::ECS::CapacityProvider', Properties: { ManagedInstancesProvider: {} } },
        Nodes: { Type: 'AWS::EKS::Nodegroup', Properties: 'not-an-object' },
      },
    });
    expect(verdicts).toEqual({
      OnDefault: 'non-compliant',
      Anywhere: 'non-compliant',
      Spot: 'compliant',
      Computed: 'not-applicable',
      Both: 'compliant',
      Untyped: 'non-compliant',
      Managed: 'non-compliant',
      Nodes: 'non-compliant',
    });
  });
});
