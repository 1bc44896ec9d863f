import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  baselineEntryOf,
  BaselineInputError,
  BaselineMatch,
  fingerprintOf,
  readBaseline,
  renderBaseline,
} from '../../../policies/baseline';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cdk-bis-baseline-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const bucket = baselineEntryOf({
  plugin: 'BIS',
  ruleId: 'BIS-DI1',
  stack: 'Shop',
  resourcePath: 'Shop/Uploads/Resource',
  logicalId: 'Uploads1E6A6E0E',
});
const queue = baselineEntryOf({
  plugin: 'BIS',
  ruleId: 'BIS-TR9',
  stack: 'Shop',
  resourcePath: 'Shop/Jobs/Resource',
});
const api = baselineEntryOf({ plugin: 'BIS', ruleId: 'BIS-BA1', stack: 'Api', resourcePath: 'Api' });

function thrown(run: () => unknown): BaselineInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof BaselineInputError) return error;
    throw error;
  }
  throw new Error('no BaselineInputError');
}

describe('the baseline file', () => {
  test('is sorted by stack, construct path and rule, deduplicated, 2-space JSON with a version and a final newline', () => {
    const text = renderBaseline([queue, bucket, api, bucket]);
    expect(text).toBe(`${JSON.stringify({ version: 1, findings: [api, queue, bucket] }, null, 2)}\n`);
    expect(renderBaseline([bucket, api, queue])).toBe(text);
  });

  test('each entry carries the rule, stack, construct path, logical ID and the SARIF fingerprint', () => {
    expect(bucket).toEqual({
      ruleId: 'BIS-DI1',
      stack: 'Shop',
      constructPath: 'Shop/Uploads/Resource',
      logicalId: 'Uploads1E6A6E0E',
      fingerprint: fingerprintOf({ plugin: 'BIS', ruleId: 'BIS-DI1', resourcePath: 'Shop/Uploads/Resource' }),
    });
  });

  test('reads back what it wrote', () => {
    const file = fileWith('round-trip.json', renderBaseline([bucket, queue]));
    expect(readBaseline(file)).toEqual({ file, entries: [queue, bucket] });
  });
});

describe('a baseline that cannot be used is an error naming the file and the line', () => {
  test('a missing file', () => {
    const file = join(dir, 'nowhere.json');
    expect(thrown(() => readBaseline(file)).message).toBe(
      `baseline ${file}: no such file; write it with \`npx cdk-bis baseline\` after \`cdk synth\``,
    );
  });

  test('a directory where the file should be', () => {
    const folder = join(dir, 'folder.json');
    mkdirSync(folder);
    expect(thrown(() => readBaseline(folder)).message).toMatch(
      /^baseline .*folder\.json: cannot be read \(EISDIR\)/,
    );
  });

  test('invalid JSON, with its line and column', () => {
    const file = fileWith(
      'bad.json',
      '{\n  "version": 1,\n  "findings": [\n    { "ruleId": "BIS-DI1", }\n  ]\n}\n',
    );
    expect(thrown(() => readBaseline(file)).message).toMatch(
      new RegExp(`^baseline ${file}:4:\\d+: not valid JSON`),
    );
  });

  test('a version this cdk-bis does not write', () => {
    const file = fileWith('v2.json', JSON.stringify({ version: 2, findings: [] }));
    expect(thrown(() => readBaseline(file)).message).toMatch(`baseline ${file}:1: version is 2, not 1`);
  });

  test('an entry of the wrong shape, by its index, field and line', () => {
    const text = renderBaseline([api, bucket]).replace('"ruleId": "BIS-DI1"', '"ruleId": 7');
    const file = fileWith('shape.json', text);
    const line = text.split('\n').findIndex((l) => l.includes('"ruleId": 7'));
    expect(thrown(() => readBaseline(file)).message).toMatch(
      `baseline ${file}:${line}: findings[1].ruleId is missing or not a string`,
    );
  });

  test('a hand-edited path whose fingerprint no longer matches', () => {
    const file = fileWith(
      'edited.json',
      renderBaseline([bucket]).replace('Shop/Uploads/Resource', 'Shop/Other/Resource'),
    );
    expect(thrown(() => readBaseline(file)).message).toMatch(
      `baseline ${file}:4: findings[0].fingerprint does not match its ruleId and constructPath`,
    );
  });
});

describe('matching', () => {
  test('holds a BIS finding of the same rule on the same construct path, and reports unmatched entries as stale', () => {
    const match = new BaselineMatch({ file: 'b.json', entries: [bucket, queue] });
    expect(match.holds({ plugin: 'BIS', ruleId: 'BIS-DI1', resourcePath: 'Shop/Uploads/Resource' })).toBe(
      true,
    );
    expect(match.holds({ plugin: 'BIS', ruleId: 'BIS-TR1', resourcePath: 'Shop/Uploads/Resource' })).toBe(
      false,
    );
    expect(
      match.holds({ plugin: 'AwsSolutions', ruleId: 'BIS-TR9', resourcePath: 'Shop/Jobs/Resource' }),
    ).toBe(false);
    expect(match.stale()).toEqual([queue]);
  });

  test('a renamed construct is not held under its old path: a new finding, and a stale entry', () => {
    const match = new BaselineMatch({ file: 'b.json', entries: [bucket] });
    expect(match.holds({ plugin: 'BIS', ruleId: 'BIS-DI1', resourcePath: 'Shop/Files/Resource' })).toBe(
      false,
    );
    expect(match.stale()).toEqual([bucket]);
  });
});
