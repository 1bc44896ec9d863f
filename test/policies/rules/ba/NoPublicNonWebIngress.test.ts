import { CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import rule from '../../../../policies/rules/ba/NoPublicNonWebIngress';
import { testApp, verdictOf, templateVerdicts, verdictsOfTemplate } from '../../harness';

function network() {
  const stack = new Stack(testApp(), 'Network');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a'],
  });
  return { stack, group: new ec2.SecurityGroup(stack, 'Group', { vpc }) };
}

describe('BIS-BA2 NoPublicNonWebIngress', () => {
  test('HTTPS and HTTP open to the world are compliant', () => {
    const { group } = network();
    group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
    group.addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(443));
    group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80));
    expect(verdictOf(rule, group).kind).toBe('compliant');
  });

  test('SSH open to the world is an error that names the port, the service and the CIDR', () => {
    const { group } = network();
    group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
    expect(verdictOf(rule, group)).toMatchObject({
      kind: 'non-compliant',
      message:
        'SecurityGroupIngress[0]: Port range TCP 22-22 (SSH) is open to 0.0.0.0/0; only TCP 80 and 443 may face the internet.',
    });
  });

  test('RDP from ::/0 and all traffic are errors', () => {
    const { group } = network();
    group.addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(3389));
    group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.allTraffic());
    const verdict = verdictOf(rule, group);
    expect(verdict).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining('TCP 3389-3389 (RDP) is open to ::/0'),
    });
    expect(verdict).toMatchObject({
      message: expect.stringContaining('All traffic (IpProtocol -1) is open to 0.0.0.0/0'),
    });
  });

  test('a port range that contains 80 and 443 also contains other ports and is an error', () => {
    const { group } = network();
    group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcpRange(80, 443));
    expect(verdictOf(rule, group)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringContaining(
        'Port range TCP 80-443 (includes POP3 110, MS RPC 135, NetBIOS 139, IMAP 143) is open',
      ),
    });
  });

  test('ICMP from the world is not web traffic either', () => {
    const { group } = network();
    group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.icmpPing());
    expect(verdictOf(rule, group)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /ICMP \(IpProtocol icmp; ICMP is not web traffic either\) is open to 0\.0\.0\.0\/0/,
      ),
    });
  });

  test('a database port open to the VPC CIDR is compliant: the peer is not the internet', () => {
    const { stack, group } = network();
    const vpc = new ec2.Vpc(stack, 'Own', { natGateways: 0, maxAzs: 1 });
    group.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(5432));
    group.addIngressRule(ec2.Peer.securityGroupId('sg-0123456789abcdef0'), ec2.Port.tcp(22));
    expect(verdictOf(rule, group).kind).toBe('compliant');
  });

  test('a standalone ingress resource is checked too', () => {
    const { stack, group } = network();
    const ingress = new ec2.CfnSecurityGroupIngress(stack, 'Postgres', {
      groupId: group.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: 5432,
      toPort: 5432,
      cidrIp: '0.0.0.0/0',
    });
    expect(verdictOf(rule, ingress)).toMatchObject({
      kind: 'non-compliant',
      message:
        'Port range TCP 5432-5432 (PostgreSQL) is open to 0.0.0.0/0; only TCP 80 and 443 may face the internet.',
    });
  });

  test('a CIDR chosen by a condition is an error when one branch is the world', () => {
    const { stack, group } = network();
    const stage = new CfnParameter(stack, 'Stage', { allowedValues: ['dev', 'prod'], default: 'prod' });
    new CfnCondition(stack, 'Dev', { expression: Fn.conditionEquals(stage.valueAsString, 'dev') });
    group.addIngressRule(
      ec2.Peer.ipv4(Fn.conditionIf('Dev', '0.0.0.0/0', '10.0.0.0/8').toString()),
      ec2.Port.tcp(22),
    );
    expect(verdictOf(rule, group)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/SSH\) is open to 0\.0\.0\.0\/0/),
    });
  });

  test('a CIDR taken from a parameter may be the world, so a non-web port fails closed', () => {
    const { stack, group } = network();
    const allowed = new CfnParameter(stack, 'AdminCidr', { default: '0.0.0.0/0' });
    group.addIngressRule(ec2.Peer.ipv4(allowed.valueAsString), ec2.Port.tcp(22));
    group.addIngressRule(ec2.Peer.ipv4(allowed.valueAsString), ec2.Port.tcp(443));
    expect(verdictOf(rule, group)).toMatchObject({
      kind: 'non-compliant',
      message:
        "SecurityGroupIngress[0]: Port range TCP 22-22 (SSH) is open to CidrIp from parameter 'AdminCidr' (computed at deploy time, so it may be the whole internet); only TCP 80 and 443 may face the internet.",
    });
  });

  test('a port of -1 (every port) reads as the range it opens, not "1--1"', () => {
    const verdicts = templateVerdicts(rule, {
      Resources: {
        Wide: {
          Type: 'AWS::EC2::SecurityGroupIngress',
          Properties: { IpProtocol: 'tcp', FromPort: 1, ToPort: -1, CidrIp: '0.0.0.0/0' },
        },
      },
    });
    expect(verdicts.Wide).toMatchObject({
      message: expect.stringContaining('Port range TCP 1-65535 (-1 means every port) (includes'),
    });
  });

  test('a scanned template gets the same verdicts, including computed ports and other protocols', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Web: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: {
            SecurityGroupIngress: [
              { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
              { IpProtocol: 'udp', FromPort: '443', ToPort: '443', CidrIpv6: '::/0' },
            ],
          },
        },
        Vnc: {
          Type: 'AWS::EC2::SecurityGroupIngress',
          Properties: { IpProtocol: '6', FromPort: 5900, ToPort: 5900, CidrIp: '1.2.3.4/0' },
        },
        ComputedPort: {
          Type: 'AWS::EC2::SecurityGroupIngress',
          Properties: {
            IpProtocol: 'tcp',
            FromPort: { Ref: 'Port' },
            ToPort: { Ref: 'Port' },
            CidrIp: '0.0.0.0/0',
          },
        },
        Gre: {
          Type: 'AWS::EC2::SecurityGroupIngress',
          Properties: { IpProtocol: '47', CidrIp: '0.0.0.0/0' },
        },
        Conditional: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: {
            SecurityGroupIngress: {
              'Fn::If': ['Open', [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }], { Ref: 'AWS::NoValue' }],
            },
          },
        },
        Malformed: { Type: 'AWS::EC2::SecurityGroup', Properties: { SecurityGroupIngress: 'everything' } },
      },
    });
    expect(verdicts).toEqual({
      Web: 'compliant',
      Vnc: 'non-compliant',
      ComputedPort: 'non-compliant',
      Gre: 'non-compliant',
      Conditional: 'non-compliant',
      Malformed: 'compliant',
    });
  });
});
