import { Aws, CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elb from 'aws-cdk-lib/aws-elasticloadbalancing';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import rule from '../../../../policies/rules/co/LoadBalancerCost';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

function vpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
}

describe('BIS-CO4 LoadBalancerCost', () => {
  test('an Application Load Balancer costs about $16.43/month and the message names the serverless alternatives', () => {
    const stack = new Stack(testApp(), 'Web');
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc: vpc(stack), internetFacing: true });
    expect(verdictOf(rule, alb)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^The application load balancer \(Type 'application'\) costs about \$16\.43\/month before LCU-hours \(\$0\.008 each\), traffic or not\. .*HTTP API, a Lambda Function URL or CloudFront/,
      ),
    });
  });

  test('a Network Load Balancer is priced as one', () => {
    const stack = new Stack(testApp(), 'Web');
    const nlb = new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc: vpc(stack) });
    expect(verdictOf(rule, nlb)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^The network load balancer \(Type 'network'\) costs about \$16\.43\/month before NLCU-hours/,
      ),
    });
  });

  test('an ELBv2 load balancer without Type is an application load balancer', () => {
    const alb = new elbv2.CfnLoadBalancer(new Stack(testApp(), 'Web'), 'Alb', {
      subnets: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    });
    expect(verdictOf(rule, alb)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/^The application load balancer \(Type absent, so 'application'\)/),
    });
  });

  test('a classic load balancer costs about $18.25/month', () => {
    const stack = new Stack(testApp(), 'Web');
    const clb = new elb.LoadBalancer(stack, 'Clb', { vpc: vpc(stack), internetFacing: true });
    expect(verdictOf(rule, clb)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^The classic load balancer costs about \$18\.25\/month before data processed/,
      ),
    });
  });

  test('a Type chosen by Fn::If lists each branch; a Type from a parameter is still billed', () => {
    const stack = new Stack(testApp(), 'Web');
    new CfnCondition(stack, 'Gateway', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-1') });
    const kind = new CfnParameter(stack, 'Kind', { type: 'String', default: 'network' });
    const conditional = new elbv2.CfnLoadBalancer(stack, 'Conditional', {
      type: Fn.conditionIf('Gateway', 'gateway', 'application').toString(),
      subnets: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    });
    const parameter = new elbv2.CfnLoadBalancer(stack, 'Parameter', {
      type: kind.valueAsString,
      subnets: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    });
    expect(verdictOf(rule, conditional)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(
        /^The load balancer's Type is an Fn::If: 'gateway' costs about \$9\.13\/month .*; 'application' costs about \$16\.43\/month/,
      ),
    });
    expect(verdictOf(rule, parameter)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/^The load balancer's Type is computed at deploy time/),
    });
  });

  test('a scanned template gets the same verdicts', () => {
    expect(
      verdictsOfTemplate(rule, {
        Resources: {
          Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {} },
          Gwlb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'gateway' } },
          Clb: { Type: 'AWS::ElasticLoadBalancing::LoadBalancer', Properties: { Listeners: [] } },
          Odd: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: ['application'] } },
        },
      }),
    ).toEqual({ Alb: 'non-compliant', Gwlb: 'non-compliant', Clb: 'non-compliant', Odd: 'non-compliant' });
  });
});
