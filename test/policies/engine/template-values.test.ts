import {
  isObject,
  literalString,
  mayBeAbsent,
  possibleValues,
  presenceAt,
} from '../../../policies/engine/template-values';

describe('possibleValues and mayBeAbsent: the one reading of Fn::If and Ref', () => {
  test('Ref: AWS::NoValue has no possible value and is absent', () => {
    expect(possibleValues({ Ref: 'AWS::NoValue' })).toEqual([]);
    expect(mayBeAbsent({ Ref: 'AWS::NoValue' })).toBe(true);
  });

  test('an object with a Ref key beside other keys is a literal object, not an intrinsic', () => {
    // CloudFormation reads Ref only as the single key of an object; a map that merely has a "Ref" key is data.
    const literal = { Ref: 'AWS::NoValue', Description: 'a map with a key named Ref' };
    expect(possibleValues(literal)).toEqual([literal]);
    expect(mayBeAbsent(literal)).toBe(false);
  });

  test('a Ref to a parameter or resource is one computed value, present', () => {
    expect(possibleValues({ Ref: 'BucketName' })).toEqual([{ Ref: 'BucketName' }]);
    expect(mayBeAbsent({ Ref: 'BucketName' })).toBe(false);
  });

  test('Fn::If gives both branches, at any depth, without the NoValue branch', () => {
    const value = { 'Fn::If': ['A', { 'Fn::If': ['B', 'x', { Ref: 'AWS::NoValue' }] }, 'y'] };
    expect(possibleValues(value)).toEqual(['x', 'y']);
    expect(mayBeAbsent(value)).toBe(true);
    expect(mayBeAbsent({ 'Fn::If': ['A', 'x', 'y'] })).toBe(false);
  });

  test('a missing or null value is absent; a plain value is its own only value', () => {
    expect(mayBeAbsent(undefined)).toBe(true);
    expect(mayBeAbsent(null)).toBe(true);
    expect(possibleValues(undefined)).toEqual([]);
    expect(possibleValues('arm64')).toEqual(['arm64']);
    expect(possibleValues(['a', 'b'])).toEqual([['a', 'b']]);
  });

  test('presenceAt follows Fn::If at every level of a path', () => {
    const conditional = { 'Fn::If': ['C', { TargetArn: 'arn' }, { Ref: 'AWS::NoValue' }] };
    expect(presenceAt({ DeadLetterConfig: conditional }, 'DeadLetterConfig', 'TargetArn')).toBe(
      'conditional',
    );
    expect(presenceAt({ DeadLetterConfig: { TargetArn: 'arn' } }, 'DeadLetterConfig', 'TargetArn')).toBe(
      'present',
    );
    expect(presenceAt({}, 'DeadLetterConfig', 'TargetArn')).toBe('absent');
  });
});

describe('isObject and literalString', () => {
  test('isObject is true for maps only', () => {
    expect(isObject({})).toBe(true);
    expect(isObject([])).toBe(false);
    expect(isObject(null)).toBe(false);
    expect(isObject('x')).toBe(false);
  });

  test('literalString reads a string and nothing else', () => {
    expect(literalString('Retain')).toBe('Retain');
    expect(literalString({ Ref: 'Policy' })).toBeUndefined();
    expect(literalString(1)).toBeUndefined();
  });
});
