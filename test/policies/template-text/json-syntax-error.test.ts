import { jsonSyntaxErrorAt } from '../../../policies/template-text';

test.each([
  ['{\n "a": x\n}', { line: 2, column: 7 }],
  ['{\n "a": [1,\n', { line: 3, column: 1 }],
  ['{"a": 1} trailing', { line: 1, column: 10 }],
  ['{"a\u0001": 1}', { line: 1, column: 4 }],
])('the position of a JSON syntax error: %j', (text, expected) => {
  expect(() => JSON.parse(text)).toThrow();
  expect(jsonSyntaxErrorAt(text)).toEqual(expected);
});

test('a syntax error deep inside nested containers is located without exhausting the call stack', () => {
  const text = `{\n "a": ${'['.repeat(100_000)}1,\n x`;
  expect(() => JSON.parse(text)).toThrow();
  expect(jsonSyntaxErrorAt(text)).toEqual({ line: 3, column: 2 });
});
