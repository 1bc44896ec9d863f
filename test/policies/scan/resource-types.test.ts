import { isKnownResourceType } from '../../../policies/scan';

describe('known resource types', () => {
  test.each([
    ['AWS::S3::Bucket', true],
    ['AWS::Serverless::Function', true],
    ['AWS::Serverless::GraphQLApi', true],
    ['AWS::Serverless::Connector', true],
    ['AWS::CloudFormation::CustomResource', true],
    ['Custom::Anything', true],
    ['AWS::CDK::Metadata', true],
    ['Alexa::ASK::Skill', true],
    ['MongoDB::Atlas::Cluster', true],
    ['MyOrg::Network::Vpc::MODULE', true],
    ['AWS::S3::Buckt', false],
    ['Aws::S3::Bucket', false],
    ['AWS:S3::Bucket', false],
    ['S3Bucket', false],
  ])('%s: %s', (type, known) => {
    expect(isKnownResourceType(type)).toBe(known);
  });
});
