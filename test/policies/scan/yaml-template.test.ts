import { parseTemplate } from '../../../policies/scan';
import { load } from './scan-harness';

/** The long form a YAML value parses to. */
function yamlValue(yaml: string): unknown {
  const indented = yaml
    .split('\n')
    .map((line) => `        ${line}`)
    .join('\n');
  const loaded = parseTemplate(
    `Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Value:\n${indented}\n`,
    'inline.yaml',
  );
  return (loaded.template.Resources as Record<string, { Properties: { Value: unknown } }>).Topic.Properties
    .Value;
}

describe('short-form intrinsics', () => {
  test.each([
    ['!Ref Stage', { Ref: 'Stage' }],
    ['!Condition IsProd', { Condition: 'IsProd' }],
    ["!Sub '${AWS::StackName}-x'", { 'Fn::Sub': '${AWS::StackName}-x' }],
    ['!Sub [ "${A}", { A: x } ]', { 'Fn::Sub': ['${A}', { A: 'x' }] }],
    ['!GetAtt Role.Arn', { 'Fn::GetAtt': ['Role', 'Arn'] }],
    ['!GetAtt Cluster.Endpoint.Address', { 'Fn::GetAtt': ['Cluster', 'Endpoint.Address'] }],
    ['!GetAtt [Role, Arn]', { 'Fn::GetAtt': ['Role', 'Arn'] }],
    ['!If [IsProd, a, b]', { 'Fn::If': ['IsProd', 'a', 'b'] }],
    ['!Join [",", [a, b]]', { 'Fn::Join': [',', ['a', 'b']] }],
    ['!Select [0, [a, b]]', { 'Fn::Select': [0, ['a', 'b']] }],
    ['!Split [",", "a,b"]', { 'Fn::Split': [',', 'a,b'] }],
    ['!FindInMap [Map, Top, Second]', { 'Fn::FindInMap': ['Map', 'Top', 'Second'] }],
    ['!Base64 text', { 'Fn::Base64': 'text' }],
    ['!Cidr [10.0.0.0/16, 2, 8]', { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }],
    ["!GetAZs ''", { 'Fn::GetAZs': '' }],
    ['!ImportValue shared-vpc', { 'Fn::ImportValue': 'shared-vpc' }],
    ['!Equals [a, b]', { 'Fn::Equals': ['a', 'b'] }],
    ['!And [a, b]', { 'Fn::And': ['a', 'b'] }],
    ['!Or [a, b]', { 'Fn::Or': ['a', 'b'] }],
    ['!Not [a]', { 'Fn::Not': ['a'] }],
    ['!Transform {Name: AWS::Include}', { 'Fn::Transform': { Name: 'AWS::Include' } }],
    ['!ToJsonString {a: b}', { 'Fn::ToJsonString': { a: 'b' } }],
    ['!Length [a, b]', { 'Fn::Length': ['a', 'b'] }],
  ])('%s is read as its long form', (yaml, longForm) => {
    expect(yamlValue(yaml)).toEqual(longForm);
  });

  test('short forms nest inside short forms, in flow and block style', () => {
    expect(yamlValue("!If [IsProd, !Ref Topic, !Ref 'AWS::NoValue']")).toEqual({
      'Fn::If': ['IsProd', { Ref: 'Topic' }, { Ref: 'AWS::NoValue' }],
    });
    expect(yamlValue("!Join\n  - ''\n  - - !Sub 'arn:${AWS::Partition}:s3:::'\n    - !Ref Bucket")).toEqual({
      'Fn::Join': ['', [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::' }, { Ref: 'Bucket' }]],
    });
    expect(yamlValue('!Select [0, !GetAZs {Ref: "AWS::Region"}]')).toEqual({
      'Fn::Select': [0, { 'Fn::GetAZs': { Ref: 'AWS::Region' } }],
    });
  });

  test('two short forms on one node are a YAML error, as CloudFormation says', () => {
    expect(() => yamlValue('!Base64 !Sub x')).toThrow(
      'inline.yaml:6: YAML error: A node can have at most one tag',
    );
  });

  test('a whole template of short forms loads as the long form CDK would synthesize', () => {
    const loaded = load('short-forms.yaml');
    expect(loaded.errors).toEqual([]);
    const { Conditions, Resources } = loaded.template as Record<string, Record<string, unknown>>;
    expect(Conditions.Both).toEqual({
      'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] }],
    });
    const handler = Resources.Handler as { Properties: Record<string, unknown> };
    expect(handler.Properties.MemorySize).toEqual({ 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Memory'] });
    expect(handler.Properties.Description).toEqual({
      'Fn::Join': [
        '-',
        [{ Ref: 'Stage' }, { 'Fn::Sub': '${AWS::Region}' }, { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }],
      ],
    });
    expect(handler.Properties.Environment).toEqual({
      Variables: {
        TOPIC: { 'Fn::If': ['IsProd', { Ref: 'Topic' }, { Ref: 'AWS::NoValue' }] },
        SUBNETS: { 'Fn::Join': [',', { 'Fn::Split': [',', { 'Fn::ImportValue': 'shared-subnets' }] }] },
        CIDRS: { 'Fn::Join': [',', { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }] },
        CONFIG: { 'Fn::ToJsonString': { stage: { Ref: 'Stage' } } },
        COUNT: { 'Fn::Length': ['a', 'b'] },
        NESTED: { 'Fn::GetAtt': ['HandlerRole', 'RoleId'] },
        DOTTED: { 'Fn::GetAtt': ['Cluster', 'Endpoint.Address'] },
      },
    });
  });

  test('YAML aliases are followed and plain scalars keep their YAML 1.2 types', () => {
    const loaded = parseTemplate(
      'Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties: &props\n      DelaySeconds: 5\n      FifoQueue: true\n      Version: 2012-10-17\n  B:\n    Type: AWS::SQS::Queue\n    Properties: *props\n',
      'alias.yaml',
    );
    const resources = loaded.template.Resources as Record<string, { Properties: unknown }>;
    expect(resources.B.Properties).toEqual({ DelaySeconds: 5, FifoQueue: true, Version: '2012-10-17' });
  });
});

describe('aliases', () => {
  /** A template whose anchors nest `levels` deep, each level aliasing the one below nine times. */
  function aliasBomb(levels: number): string {
    const lines = ['Mappings:', '  Bomb:', '    l0: &l0 [x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level <= levels; level++) {
      const aliases = Array.from({ length: 9 }, () => `*l${level - 1}`).join(', ');
      lines.push(`    l${level}: &l${level} [${aliases}]`);
    }
    lines.push(
      'Resources:',
      '  Topic:',
      '    Type: AWS::SNS::Topic',
      '    Properties:',
      `      Value: *l${levels}`,
    );
    return `${lines.join('\n')}\n`;
  }

  test('an alias is followed to its anchor', () => {
    const loaded = parseTemplate('Mappings:\n  M: &m { a: 1 }\nOther: *m\nResources: {}\n', 'alias.yaml');
    expect(loaded.template.Other).toEqual({ a: 1 });
  });

  test('nested anchors that expand without bound are an error naming the file and line, not a hang', () => {
    for (const levels of [7, 10]) {
      expect(() => parseTemplate(aliasBomb(levels), 'bomb.yaml')).toThrow(
        /^bomb\.yaml:\d+: YAML error: aliases expand to more than 100000 nodes/,
      );
    }
  });
});
