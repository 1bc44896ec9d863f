import fc from 'fast-check';
import { parseTemplate } from '../../../policies/scan';
import { load, loadError } from './scan-harness';

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

  test('JSON: an error whose message names no position is reported at its own line, not at the end of the file', () => {
    expect(() => parseTemplate('{\n "Resources": {\n  "A": x\n },\n "Outputs": {}\n}\n', 'bad.json')).toThrow(
      /^bad\.json:3: JSON error: Unexpected token/,
    );
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
