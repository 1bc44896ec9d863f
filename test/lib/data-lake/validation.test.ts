import { Duration, Lazy } from 'aws-cdk-lib';
import { DataLakeStack, type RawObjectLock } from '../../../lib/data-lake';
import { lakeApp, synthLake } from './lake-fixture';

function lakeNamed(lakeName: string): () => void {
  return () => new DataLakeStack(lakeApp(), 'Lake', { lakeName });
}

describe('lakeName validation', () => {
  test.each(['abc', 'enterprise', 'lake-2026', 'a'.repeat(40), '0-0'])('%p is accepted', (name) => {
    expect(lakeNamed(name)).not.toThrow();
  });

  test.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(41)],
    ['empty', ''],
    ['uppercase', 'Enterprise'],
    ['underscore', 'my_lake'],
    ['dot', 'my.lake'],
    ['space', 'my lake'],
    ['slash', 'my/lake'],
  ])('%s (%p) is an error that names the prop and the rule', (_why, name) => {
    expect(lakeNamed(name)).toThrow(
      `DataLake '${name}' (Lake/Lake): lakeName ${JSON.stringify(name)} is invalid: use 3 to 40 characters, each a lowercase letter (a-z), a digit (0-9) or a hyphen (-).`,
    );
  });

  test('a deploy-time token is an error: the name must be known at synth', () => {
    const token = Lazy.string({ produce: () => 'enterprise' });
    expect(lakeNamed(token)).toThrow(/lakeName must be a literal string of 3 to 40 .*\(got a token\)/);
  });
});

describe('duration validation', () => {
  test.each([
    'landingExpiration',
    'noncurrentVersionExpiration',
    'accessLogRetention',
    'queryResultsExpiration',
  ])('%s must be whole days and at least one day', (prop) => {
    expect(() => synthLake({ [prop]: Duration.hours(36) })).toThrow(
      `DataLake 'enterprise' (Lake/Lake): ${prop} must be a whole number of days (got 1 day 12 hours).`,
    );
    expect(() => synthLake({ [prop]: Duration.days(0) })).toThrow(
      `DataLake 'enterprise' (Lake/Lake): ${prop} must be at least 1 day`,
    );
  });

  test('rawObjectLock needs a known mode and a retention of whole days', () => {
    expect(() =>
      synthLake({
        rawObjectLock: { mode: 'LEGAL_HOLD', retention: Duration.days(1) } as unknown as RawObjectLock,
      }),
    ).toThrow(
      `DataLake 'enterprise' (Lake/Lake): rawObjectLock.mode must be 'GOVERNANCE' or 'COMPLIANCE' (got "LEGAL_HOLD").`,
    );
    expect(() =>
      synthLake({ rawObjectLock: { mode: 'GOVERNANCE', retention: Duration.minutes(90) } }),
    ).toThrow(/rawObjectLock.retention must be a whole number of days/);
  });
});

describe('cost-allocation tag validation', () => {
  test.each([
    ['owner', { owner: ' ' }],
    ['costCenter', { costCenter: '' }],
  ])('an empty %s is an error', (prop, props) => {
    expect(() => synthLake(props)).toThrow(
      `DataLake 'enterprise' (Lake): ${prop} must be a non-empty string`,
    );
  });
});
