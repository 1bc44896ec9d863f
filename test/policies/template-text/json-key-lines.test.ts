import { jsonKeyLines, resourceLinesOfJson } from '../../../policies/template-text';

test("a template's resource lines are those of the keys of Resources, not of same-named keys elsewhere", () => {
  const text = [
    '{',
    ' "Parameters": { "Bucket": { "Type": "String" } },',
    ' "Resources": {',
    '  "Bucket": {',
    '   "Type": "AWS::S3::Bucket",',
    '   "Properties": { "Tags": [{ "Key": "Queue", "Value": "a \\"}\\" b" }] }',
    '  },',
    '  "Qu\\u0065ue": { "Type": "AWS::SQS::Queue" }',
    ' },',
    ' "Outputs": { "Queue": { "Value": 1 } }',
    '}',
  ].join('\n');
  expect(JSON.parse(text)).toBeDefined();
  expect([...resourceLinesOfJson(text)]).toEqual([
    ['Bucket', 4],
    ['Queue', 8],
  ]);
});

test('keys written twice, which JSON.parse collapses, are listed with both lines; the first line is kept', () => {
  const text = '{\n "Resources": {\n  "A": {},\n  "A": {}\n },\n "Resources": {}\n}';
  const { sections, duplicates } = jsonKeyLines(text);
  expect(duplicates).toEqual([
    { key: 'A', section: 'Resources', line: 4, firstLine: 3 },
    { key: 'Resources', line: 6, firstLine: 2 },
  ]);
  expect(sections.get('Resources')).toEqual({ line: 2, keys: new Map([['A', 3]]) });
});

test('only the top level and the level below are read: deeper keys and list items are not sections', () => {
  const text =
    '{\n "Resources": {\n  "A": { "Type": "T", "Properties": { "A": 1 } }\n },\n "List": [{ "B": 1 }]\n}';
  const { sections, duplicates } = jsonKeyLines(text);
  expect(duplicates).toEqual([]);
  expect(sections).toEqual(
    new Map([
      ['Resources', { line: 2, keys: new Map([['A', 3]]) }],
      ['List', { line: 5, keys: new Map() }],
    ]),
  );
});
