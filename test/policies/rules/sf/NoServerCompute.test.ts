import { CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import rule from '../../../../policies/rules/sf/NoServerCompute';
import { templateVerdicts, testApp, verdictOf, verdictsOfTemplate } from '../../harness';

const SUBNET = 'subnet-0123456789abcdef0';

function stackWithVpc() {
  const stack = new Stack(testApp(), 'App');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    maxAzs: 1,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  return { stack, vpc };
}

describe('BIS-SF1 NoServerCompute', () => {
  test('an EC2 instance is an error that names its instance type and Lambda', () => {
    const { stack, vpc } = stackWithVpc();
    const instance = new ec2.Instance(stack, 'Box', {
      vpc,
      instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    expect(verdictOf(rule, instance)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/EC2 instance \(InstanceType 't3\.micro'\).*AWS Lambda.*Fargate/),
    });
  });

  test('an Auto Scaling group and the launch configuration it creates are one finding, on the group', () => {
    const { stack, vpc } = stackWithVpc();
    const group = new autoscaling.AutoScalingGroup(stack, 'Fleet', {
      vpc,
      instanceType: new ec2.InstanceType('t3.small'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      maxCapacity: 4,
    });
    expect(verdictOf(rule, group)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^An Auto Scaling group \(MaxSize '4'\) with launch configuration FleetLaunchConfig\w+ \(InstanceType 't3\.small'\) keeps EC2 instances/,
      ),
    });
    const configuration = group.node
      .findAll()
      .find((child) => child instanceof autoscaling.CfnLaunchConfiguration);
    expect(verdictOf(rule, configuration!).kind).toBe('not-applicable');
  });

  test('a launch template used by a group is reported on the group; one used by nothing stays an error', () => {
    const verdicts = templateVerdicts(rule, {
      Resources: {
        Used: {
          Type: 'AWS::EC2::LaunchTemplate',
          Properties: { LaunchTemplateData: { InstanceType: 'm5.large' } },
        },
        Group: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: {
            MaxSize: '2',
            MinSize: '1',
            LaunchTemplate: {
              LaunchTemplateId: { Ref: 'Used' },
              Version: { 'Fn::GetAtt': ['Used', 'LatestVersionNumber'] },
            },
          },
        },
        Unused: {
          Type: 'AWS::EC2::LaunchTemplate',
          Properties: { LaunchTemplateData: { InstanceType: 'c7g.large' } },
        },
        ForBatch: {
          Type: 'AWS::EC2::LaunchTemplate',
          Properties: { LaunchTemplateData: { InstanceType: 'c5.large' } },
        },
        Compute: {
          Type: 'AWS::Batch::ComputeEnvironment',
          Properties: {
            Type: 'MANAGED',
            ComputeResources: { Type: 'EC2', LaunchTemplate: { LaunchTemplateId: { Ref: 'ForBatch' } } },
          },
        },
      },
    });
    expect(Object.fromEntries(Object.entries(verdicts).map(([id, verdict]) => [id, verdict.kind]))).toEqual({
      Used: 'not-applicable',
      Group: 'non-compliant',
      Unused: 'non-compliant',
      ForBatch: 'not-applicable',
      Compute: 'non-compliant',
    });
    expect(verdicts.Group).toMatchObject({
      message: expect.stringMatching(
        /^An Auto Scaling group \(MaxSize '2'\) with launch template Used \(LaunchTemplateData\.InstanceType 'm5\.large'\) keeps/,
      ),
    });
    expect(verdicts.Compute).toMatchObject({
      message: expect.stringMatching(
        /^The Batch compute environment with launch template ForBatch \(LaunchTemplateData\.InstanceType 'c5\.large'\) has ComputeResources\.Type 'EC2'/,
      ),
    });
  });

  test('a launch template of a Batch environment that is not flagged is judged alone', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Template: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: {} } },
        Compute: {
          Type: 'AWS::Batch::ComputeEnvironment',
          Properties: {
            ComputeResources: {
              Type: { Ref: 'Kind' },
              LaunchTemplate: { LaunchTemplateId: { Ref: 'Template' } },
            },
          },
        },
      },
    });
    expect(verdicts).toEqual({ Template: 'non-compliant', Compute: 'not-applicable' });
  });

  test('a launch template is an error', () => {
    const template = new ec2.LaunchTemplate(new Stack(testApp(), 'App'), 'Template', {
      instanceType: new ec2.InstanceType('c7g.large'),
    });
    expect(verdictOf(rule, template)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/launch template \(LaunchTemplateData\.InstanceType 'c7g\.large'\)/),
    });
  });

  test('an instance type chosen by a parameter is still a server', () => {
    const { stack, vpc } = stackWithVpc();
    const size = new CfnParameter(stack, 'Size', { default: 't3.micro' });
    const instance = new ec2.Instance(stack, 'Box', {
      vpc,
      instanceType: new ec2.InstanceType(size.valueAsString),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    expect(verdictOf(rule, instance)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/InstanceType computed at deploy time/),
    });
  });

  test('AWS Batch on Fargate is compliant', () => {
    const { stack, vpc } = stackWithVpc();
    const environment = new batch.FargateComputeEnvironment(stack, 'Jobs', { vpc, spot: true });
    expect(verdictOf(rule, environment).kind).toBe('compliant');
  });

  test('AWS Batch on EC2 instances is an error that names the type and Batch on Fargate', () => {
    const { stack, vpc } = stackWithVpc();
    const environment = new batch.ManagedEc2EcsComputeEnvironment(stack, 'Jobs', { vpc, spot: true });
    expect(verdictOf(rule, environment)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/ComputeResources\.Type 'SPOT'.*Batch on Fargate/),
    });
  });

  test('an unmanaged Batch compute environment runs on self-managed instances', () => {
    const environment = new batch.CfnComputeEnvironment(new Stack(testApp(), 'App'), 'Jobs', {
      type: 'UNMANAGED',
    });
    expect(verdictOf(rule, environment)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/Type 'UNMANAGED'/),
    });
  });

  test('a Batch type chosen by Fn::If is flagged only when no branch is Fargate', () => {
    const stack = new Stack(testApp(), 'App');
    new CfnCondition(stack, 'Cheap', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const either = new batch.CfnComputeEnvironment(stack, 'Either', {
      type: 'MANAGED',
      computeResources: {
        type: Fn.conditionIf('Cheap', 'FARGATE_SPOT', 'EC2').toString(),
        maxvCpus: 4,
        subnets: [SUBNET],
      },
    });
    const servers = new batch.CfnComputeEnvironment(stack, 'Servers', {
      type: 'MANAGED',
      computeResources: {
        type: Fn.conditionIf('Cheap', 'SPOT', 'EC2').toString(),
        maxvCpus: 4,
        subnets: [SUBNET],
      },
    });
    expect(verdictOf(rule, either).kind).toBe('compliant');
    expect(verdictOf(rule, servers)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/'SPOT' or 'EC2'/),
    });
  });

  test('a Batch type imported from another stack cannot be judged', () => {
    const environment = new batch.CfnComputeEnvironment(new Stack(testApp(), 'App'), 'Jobs', {
      type: 'MANAGED',
      computeResources: { type: Fn.importValue('BatchType'), maxvCpus: 4, subnets: [SUBNET] },
    });
    expect(verdictOf(rule, environment).kind).toBe('not-applicable');
  });

  test('a scanned template gets the same verdicts', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Box: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'm5.large' } },
        Spot: {
          Type: 'AWS::EC2::SpotFleet',
          Properties: { SpotFleetRequestConfigData: { TargetCapacity: 2 } },
        },
        Fleet: { Type: 'AWS::EC2::EC2Fleet', Properties: {} },
        Config: {
          Type: 'AWS::AutoScaling::LaunchConfiguration',
          Properties: { InstanceType: 'Not-an-object' },
        },
        Fargate: {
          Type: 'AWS::Batch::ComputeEnvironment',
          Properties: { ComputeResources: { Type: 'FARGATE' } },
        },
        Broken: { Type: 'AWS::Batch::ComputeEnvironment', Properties: { ComputeResources: 'oops' } },
      },
    });
    expect(verdicts).toEqual({
      Box: 'non-compliant',
      Spot: 'non-compliant',
      Fleet: 'non-compliant',
      Config: 'non-compliant',
      Fargate: 'compliant',
      Broken: 'not-applicable',
    });
  });
  test('an Elastic Beanstalk environment is EC2 behind an Auto Scaling group: an error', () => {
    const verdicts = templateVerdicts(rule, {
      Resources: {
        Web: {
          Type: 'AWS::ElasticBeanstalk::Environment',
          Properties: { ApplicationName: 'shop', Tier: { Name: 'WebServer', Type: 'Standard' } },
        },
      },
    });
    expect(verdicts.Web).toEqual({
      kind: 'non-compliant',
      message:
        "An Elastic Beanstalk environment (Tier.Name 'WebServer') runs on EC2 instances, servers to patch and size, in an Auto Scaling group Beanstalk creates; run the code on AWS Lambda, or on ECS Fargate when it must be a container.",
    });
  });
});
