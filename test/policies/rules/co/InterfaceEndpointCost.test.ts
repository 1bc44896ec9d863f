import { Aws, CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import rule from '../../../../policies/rules/co/InterfaceEndpointCost';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

function vpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 3,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
}

describe('BIS-CO3 InterfaceEndpointCost', () => {
  test('an interface endpoint is priced per AZ it is placed in', () => {
    const stack = new Stack(testApp(), 'Network', { env: { account: '111111111111', region: 'us-east-1' } });
    const endpoint = vpc(stack).addInterfaceEndpoint('Sqs', {
      service: ec2.InterfaceVpcEndpointAwsService.SQS,
    });
    expect(verdictOf(rule, endpoint)).toMatchObject({
      kind: 'non-compliant',
      message:
        "The VPC endpoint (VpcEndpointType 'Interface') in 3 subnets costs about $21.90/month before data processing ($0.01/GB). Gateway endpoints (S3, DynamoDB) are free.",
    });
  });

  test('a gateway endpoint for S3 is free and compliant', () => {
    const endpoint = vpc(new Stack(testApp(), 'Network')).addGatewayEndpoint('S3', {
      service: ec2.GatewayVpcEndpointAwsService.S3,
    });
    expect(verdictOf(rule, endpoint).kind).toBe('compliant');
  });

  test('an endpoint without VpcEndpointType is a Gateway endpoint (the CloudFormation default)', () => {
    const endpoint = new ec2.CfnVPCEndpoint(new Stack(testApp(), 'Network'), 'DynamoDb', {
      vpcId: 'vpc-0123456789abcdef0',
      serviceName: 'com.amazonaws.us-east-1.dynamodb',
    });
    expect(verdictOf(rule, endpoint).kind).toBe('compliant');
  });

  test('an interface endpoint whose subnets come from a parameter is priced per AZ', () => {
    const stack = new Stack(testApp(), 'Network');
    const subnets = new CfnParameter(stack, 'Subnets', { type: 'List<AWS::EC2::Subnet::Id>' });
    const endpoint = new ec2.CfnVPCEndpoint(stack, 'Ecr', {
      vpcId: 'vpc-0123456789abcdef0',
      serviceName: 'com.amazonaws.us-east-1.ecr.api',
      vpcEndpointType: 'Interface',
      subnetIds: subnets.valueAsList,
    });
    expect(verdictOf(rule, endpoint)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /costs about \$7\.30\/month .* per Availability Zone \(SubnetIds is computed/,
      ),
    });
  });

  test('a type chosen by Fn::If is reported when a branch is billed; a type from a parameter is not judged', () => {
    const stack = new Stack(testApp(), 'Network');
    new CfnCondition(stack, 'Private', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-1') });
    const kind = new CfnParameter(stack, 'EndpointType', { type: 'String', default: 'Gateway' });
    const conditional = new ec2.CfnVPCEndpoint(stack, 'Conditional', {
      vpcId: 'vpc-0123456789abcdef0',
      serviceName: 'com.amazonaws.us-east-1.s3',
      vpcEndpointType: Fn.conditionIf('Private', 'Interface', 'Gateway').toString(),
      subnetIds: ['subnet-0123456789abcdef0'],
    });
    const parameter = new ec2.CfnVPCEndpoint(stack, 'Parameter', {
      vpcId: 'vpc-0123456789abcdef0',
      serviceName: 'com.amazonaws.us-east-1.s3',
      vpcEndpointType: kind.valueAsString,
    });
    expect(verdictOf(rule, conditional)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /'Interface' under some condition \(Fn::If\)\) in 1 subnet costs about \$7\.30\/month/,
      ),
    });
    expect(verdictOf(rule, parameter).kind).toBe('not-applicable');
  });

  test('a scanned template gets the same verdicts, Gateway Load Balancer endpoints included', () => {
    expect(
      verdictsOfTemplate(rule, {
        Resources: {
          Interface: {
            Type: 'AWS::EC2::VPCEndpoint',
            Properties: { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b'] },
          },
          Gwlb: {
            Type: 'AWS::EC2::VPCEndpoint',
            Properties: { VpcEndpointType: 'GatewayLoadBalancer', SubnetIds: ['a'] },
          },
          Gateway: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway' } },
          Default: { Type: 'AWS::EC2::VPCEndpoint', Properties: {} },
          Lattice: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'ServiceNetwork' } },
          Odd: {
            Type: 'AWS::EC2::VPCEndpoint',
            Properties: { VpcEndpointType: 'Interface', SubnetIds: 'subnet-a' },
          },
        },
      }),
    ).toEqual({
      Interface: 'non-compliant',
      Gwlb: 'non-compliant',
      Gateway: 'compliant',
      Default: 'compliant',
      Lattice: 'not-applicable',
      Odd: 'non-compliant',
    });
  });
});
