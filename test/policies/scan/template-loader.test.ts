import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import fc from 'fast-check';
import {
  declaredRole,
  discoverTemplates,
  isKnownResourceType,
  loadTemplate,
  parseTemplate,
  ScanInputError,
  templateRole,
} from '../../../policies/report/template-loader';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'templates');
const load = (name: string) => loadTemplate(join(FIXTURES, name), { root: FIXTURES });

/** The error a load throws, as the one line a user reads. */
function loadError(name: string): string {
  try {
    load(name);
  } catch (error) {
    expect(error).toBeInstanceOf(ScanInputError);
    return (error as ScanInputError).message;
  }
  throw new Error(`${name} loaded without error`);
}

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

describe('discovery', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdk-bis-discover-'));
    const files: Record<string, string> = {
      'orders.template.json': '{"Resources": {}}',
      'service/template.yaml': 'Resources: {}',
      'service/template.yml': 'Resources: {}',
      'service/nested/queue.cfn.yml': 'Resources: {}',
      'service/nested/queue.cfn.yaml': 'Resources: {}',
      'service/nested/extra.cfn.json': '{"Resources": {}}',
      'service/notes.yaml': 'Resources: {}',
      'service/package.json': '{}',
      'node_modules/pkg/vendored.template.json': '{"Resources": {}}',
      'cdk.out/App.template.json': '{"Resources": {}}',
      '.aws-sam/build/template.yaml': 'Resources: {}',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    mkdirSync(join(dir, 'empty'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a directory is walked for template names, sorted, skipping node_modules, cdk.out and dot-directories', () => {
    const { files, errors } = discoverTemplates([dir], dir);
    expect(errors).toEqual([]);
    expect(files.map((file) => file.slice(dir.length + 1))).toEqual([
      'orders.template.json',
      'service/nested/extra.cfn.json',
      'service/nested/queue.cfn.yaml',
      'service/nested/queue.cfn.yml',
      'service/template.yaml',
      'service/template.yml',
    ]);
  });

  test('a skipped directory is walked when it is named, and a file is taken whatever its name', () => {
    const { files, errors } = discoverTemplates(
      [join(dir, 'cdk.out'), join(dir, 'service', 'notes.yaml')],
      dir,
    );
    expect(errors).toEqual([]);
    expect(files.map((file) => file.slice(dir.length + 1))).toEqual([
      'cdk.out/App.template.json',
      'service/notes.yaml',
    ]);
  });

  test('a file named twice, or inside a named directory, is scanned once', () => {
    const queue = join(dir, 'service', 'nested', 'queue.cfn.yml');
    const { files, errors } = discoverTemplates([queue, join(dir, 'service', 'nested'), queue], dir);
    expect(errors).toEqual([]);
    expect(files).toEqual([
      join(dir, 'service', 'nested', 'extra.cfn.json'),
      join(dir, 'service', 'nested', 'queue.cfn.yaml'),
      queue,
    ]);
    const inside = discoverTemplates([join(dir, 'orders.template.json'), dir], dir);
    expect(inside.errors).toEqual([]);
    expect(inside.files).toHaveLength(6);
  });

  test('a directory without templates and a missing path are errors; the other paths are still searched', () => {
    const { files, errors } = discoverTemplates(
      [join(dir, 'empty'), join(dir, 'missing.yaml'), join(dir, 'orders.template.json')],
      dir,
    );
    expect(files).toEqual([join(dir, 'orders.template.json')]);
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(
        /^empty: no templates found \(looked for \*\.template\.json, template\.yaml, template\.yml, \*\.cfn\.yaml/,
      ),
      'missing.yaml: no such file or directory',
    ]);
  });

  test('a symbolic link back up the tree does not loop', () => {
    symlinkSync(dir, join(dir, 'service', 'loop'));
    const { files, errors } = discoverTemplates([dir], dir);
    expect(errors).toEqual([]);
    expect(files).toHaveLength(6);
  });
});

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

describe('resource lines', () => {
  test('YAML: the line of each logical ID', () => {
    const loaded = load('short-forms.yaml');
    expect(Object.fromEntries(loaded.resourceLines)).toEqual({ Topic: 17, Handler: 24, HandlerRole: 44 });
  });

  test('JSON: the line of each key under Resources, not of the same name elsewhere in the file', () => {
    const loaded = load('app.template.json');
    expect(Object.fromEntries(loaded.resourceLines)).toEqual({ Bucket: 9, Queue: 14 });
    expect(loaded.sectionLines.get('Metadata')?.line).toBe(7);
  });

  test('JSON: lines from the token scan agree with a YAML parse of the same text, whatever the values hold', () => {
    const logicalId = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,12}$/);
    const resource = fc.record({
      Type: fc.constantFrom('AWS::S3::Bucket', 'AWS::SQS::Queue', 'Custom::Thing'),
      Properties: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
    });
    fc.assert(
      fc.property(
        fc.dictionary(logicalId, resource, { minKeys: 1, maxKeys: 6 }),
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
        fc.constantFrom(0, 1, 2, '\t'),
        (resources, outputs, indent) => {
          // Outputs first: the same names appear before Resources, in keys and in string values.
          const text = JSON.stringify(
            { Outputs: { ...outputs, ...resources }, Resources: resources },
            null,
            indent,
          );
          const fromJson = parseTemplate(text, 'random.json').resourceLines;
          const fromYaml = parseTemplate(text, 'random.yaml').resourceLines;
          expect(Object.fromEntries(fromJson)).toEqual(Object.fromEntries(fromYaml));
          expect([...fromJson.keys()]).toEqual(Object.keys(resources));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('JSON: a duplicate logical ID, which JSON.parse would silently collapse, is an error', () => {
    expect(() =>
      parseTemplate(
        '{\n "Resources": {\n  "A": {"Type": "AWS::SQS::Queue"},\n  "A": {"Type": "AWS::SNS::Topic"}\n }\n}',
        'dup.json',
      ),
    ).toThrow('dup.json:4: duplicate key A in Resources (first at line 3)');
  });
});

describe('bad input gives one line with file and line', () => {
  test.each([
    [
      'broken/yaml-error.yaml',
      /^broken\/yaml-error\.yaml:5: YAML error: Missing closing "quote \(the string opened at line 5\)$/,
    ],
    [
      'broken/json-error.json',
      /^broken\/json-error\.json:6: JSON error: Expected ',' or '}' after property value$/,
    ],
    [
      'broken/truncated.json',
      /^broken\/truncated\.json:5: JSON error: (Unexpected end of JSON input|Expected ',' or '}' after property value)$/,
    ],
    [
      'broken/no-resources.yaml',
      /^broken\/no-resources\.yaml:1: no Resources section; a CloudFormation template declares its resources under Resources \(write Resources: \{\} for none\)$/,
    ],
    ['broken/list.yaml', /^broken\/list\.yaml:1: the template is a list, not a mapping of sections/],
    ['broken/empty.yaml', /^broken\/empty\.yaml:1: the template is empty, not a mapping of sections/],
    ['broken/prose.txt', /^broken\/prose\.txt:1: the template is a plain string, not a mapping of sections/],
    [
      'broken/unknown-tag.yaml',
      /^broken\/unknown-tag\.yaml:5: YAML error: unknown tag: !Substitute; CloudFormation knows the short forms !Ref /,
    ],
  ])('%s', (name, expected) => {
    const message = loadError(name);
    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });

  test('a missing file and a directory are errors naming them', () => {
    expect(loadError('broken/nowhere.yaml')).toBe('broken/nowhere.yaml: no such file or directory');
    expect(loadError('broken')).toBe('broken: is a directory');
  });

  test('YAML: a duplicate key is an error naming both lines', () => {
    expect(() =>
      parseTemplate(
        'Resources:\n  A:\n    Type: AWS::SQS::Queue\n  A:\n    Type: AWS::SNS::Topic\n',
        'dup.yaml',
      ),
    ).toThrow('dup.yaml:4: YAML error: duplicate key A (first at line 2)');
  });

  test('a logical ID CloudFormation would refuse is an error for that resource', () => {
    const loaded = parseTemplate(
      'Resources:\n  my-queue:\n    Type: AWS::SQS::Queue\n  __proto__:\n    Type: AWS::SQS::Queue\n  Ok:\n    Type: AWS::SQS::Queue\n',
      'ids.yaml',
    );
    expect(loaded.errors.map((error) => error.message)).toEqual([
      'ids.yaml:2: logical ID "my-queue" is not alphanumeric; CloudFormation accepts only A-Z, a-z and 0-9 in logical IDs. The resource is not scanned',
      'ids.yaml:4: logical ID "__proto__" is not alphanumeric; CloudFormation accepts only A-Z, a-z and 0-9 in logical IDs. The resource is not scanned',
    ]);
    expect(Object.keys(loaded.template.Resources as object)).toEqual(['Ok']);
  });

  test('a binary file is not a template', () => {
    expect(() => parseTemplate('\u0000\u0001PK', 'archive.zip')).toThrow(
      'archive.zip: not a text file; a template is JSON or YAML',
    );
  });

  test('an unknown resource type leaves out that resource only, suggesting the type meant', () => {
    const loaded = load('broken/unknown-type.yaml');
    expect(loaded.errors.map((error) => error.message)).toEqual([
      'broken/unknown-type.yaml:5: unknown resource type AWS::S3::Buckt (logical ID Foo); did you mean AWS::S3::Bucket? The resource is not scanned.',
      'broken/unknown-type.yaml:7: unknown resource type AWS::Lambda::Fnction (logical ID Bar); did you mean AWS::Lambda::Function? The resource is not scanned.',
    ]);
    expect(Object.keys(loaded.template.Resources as object)).toEqual(['Queue', 'Extension', 'Custom']);
  });

  test('a resource without Type is an error; the other resources are kept', () => {
    const loaded = load('broken/no-type.yaml');
    expect(loaded.errors.map((error) => error.message)).toEqual([
      'broken/no-type.yaml:4: resource Typeless has no Type; add e.g. Type: AWS::S3::Bucket',
    ]);
    expect(Object.keys(loaded.template.Resources as object)).toEqual(['Queue']);
  });

  test('a template with Resources: {} is fine', () => {
    const loaded = load('empty-resources.cfn.yaml');
    expect(loaded.errors).toEqual([]);
    expect(loaded.template.Resources).toEqual({});
  });
});

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

describe('SAM Globals', () => {
  const properties = (logicalId: string) =>
    (load('sam-globals.yaml').template.Resources as Record<string, { Properties: Record<string, unknown> }>)[
      logicalId
    ].Properties;

  test('a function without the property takes the global value', () => {
    expect(properties('Inherits')).toMatchObject({
      Runtime: 'nodejs16.x',
      Architectures: ['arm64'],
      Timeout: 10,
      Environment: { Variables: { STAGE: 'prod', SHARED: 'from-globals' } },
      Tags: { team: 'payments' },
    });
  });

  test('scalars are overridden, maps merged key by key, lists concatenated globals first', () => {
    const own = properties('Overrides');
    expect(own.Runtime).toBe('nodejs22.x');
    expect(own.Environment).toEqual({
      Variables: { STAGE: 'prod', SHARED: 'from-resource', OWN: 'only-here' },
    });
    expect(own.Layers).toEqual([
      'arn:aws:lambda:eu-west-1:123456789012:layer:shared:1',
      'arn:aws:lambda:eu-west-1:123456789012:layer:own:1',
    ]);
  });

  test('IgnoreGlobals leaves the named properties out; an intrinsic replaces the global map', () => {
    expect(properties('Ignores').Architectures).toBeUndefined();
    expect(properties('Ignores').Timeout).toBe(10);
    expect(properties('Computed').Environment).toEqual({
      'Fn::If': ['HasConfig', { Variables: { A: 'b' } }, { Ref: 'AWS::NoValue' }],
    });
  });

  test('other types are untouched', () => {
    expect(properties('Plain').Runtime).toBeUndefined();
  });

  test('Globals without the SAM transform are an error and are not applied', () => {
    const loaded = parseTemplate(
      'Globals:\n  Function:\n    Runtime: nodejs16.x\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n',
      'no-transform.yaml',
    );
    expect(loaded.errors.map((error) => error.message)).toEqual([
      'no-transform.yaml:1: Globals is read only with Transform: AWS::Serverless-2016-10-31; add the transform, or move the properties into the resources',
    ]);
    expect((loaded.template.Resources as Record<string, object>).Fn).toEqual({
      Type: 'AWS::Serverless::Function',
    });
  });
});

describe('role', () => {
  test('Metadata bis:role wins over resource tags', () => {
    expect(declaredRole(load('roles/metadata.cfn.yaml'))).toBe('data-platform');
  });

  test('resources agreeing on a bis:role tag, in list or map form, give the role', () => {
    expect(declaredRole(load('roles/tagged.cfn.yaml'))).toBe('data-platform');
  });

  test('no declaration: none declared, and a scan defaults to application', () => {
    const loaded = load('roles/untagged.cfn.yaml');
    expect(declaredRole(loaded)).toBeUndefined();
    expect(templateRole(loaded)).toBe('application');
  });

  test('the --role option wins over everything, even a template that declares nonsense', () => {
    expect(templateRole(load('roles/invalid.cfn.yaml'), 'infrastructure')).toBe('infrastructure');
  });

  test('an invalid role names the value, the place and the valid roles', () => {
    expect(() => declaredRole(load('roles/invalid.cfn.yaml'))).toThrow(
      'roles/invalid.cfn.yaml:3: Metadata bis:role is "platform", not a BIS role; use one of data-platform, infrastructure, application',
    );
  });

  test('resources that disagree are an error naming the file and the resources', () => {
    expect(() => declaredRole(load('roles/disagree.cfn.yaml'))).toThrow(
      'roles/disagree.cfn.yaml: resources disagree on the bis:role tag (Raw says data-platform, Queue says application); declare the template',
    );
  });
});
