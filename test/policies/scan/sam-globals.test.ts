import { parseTemplate } from '../../../policies/scan';
import { load } from './scan-harness';

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
