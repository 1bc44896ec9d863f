import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ALL_RULES } from '../../policies/rules';
import { corpusApps, corpusDir, scanApp, scanCorpus, type CorpusSummary } from '../../scripts/corpus';

/*
 * The pack on real public CDK apps (test/corpus/README.md): no app crashes the scan or makes a rule
 * throw, and the findings per app and rule are the committed ones, so a verdict change shows in review.
 * UPDATE_CORPUS=1 rewrites test/corpus/expected-findings.json after a deliberate change.
 */
const CORPUS = corpusDir();
const EXPECTED = join(__dirname, '..', 'corpus', 'expected-findings.json');

interface ExpectedFindings {
  readonly apps: Record<string, Readonly<Record<string, number>>>;
  readonly inputErrors: Record<string, readonly string[]>;
}

// The corpus is fetched data kept in the steering repo's shared/, so a checkout without it skips.
(existsSync(CORPUS) ? describe : describe.skip)('the corpus of real CDK apps', () => {
  let summary: CorpusSummary;
  // Scanned once for both tests; inside beforeAll, so a skipped suite reads nothing.
  beforeAll(() => {
    summary = scanCorpus(CORPUS);
  });

  test('every app scans with no crash and no rule exception', () => {
    const problems = summary.byApp.flatMap((app) => [
      ...(app.crash === undefined ? [] : [`${app.app}: ${app.crash}`]),
      ...app.ruleExceptions.map((exception) => `${app.app}: ${exception}`),
    ]);
    expect(problems).toEqual([]);
    expect(summary.byApp.every((app) => app.stacks > 0 && app.resources > 0)).toBe(true);
  });

  test('the findings per app and rule, and the input errors, are the committed expected-findings.json', () => {
    const actual: ExpectedFindings = {
      apps: Object.fromEntries(summary.byApp.map((app) => [app.app, app.findings])),
      // A template CloudFormation would reject (resource-overrides sets Type on purpose) is reported, not scanned.
      inputErrors: Object.fromEntries(
        summary.byApp.filter((app) => app.inputErrors.length > 0).map((app) => [app.app, app.inputErrors]),
      ),
    };
    if (process.env.UPDATE_CORPUS) writeFileSync(EXPECTED, `${JSON.stringify(actual, null, 2)}\n`);
    const expected: unknown = JSON.parse(readFileSync(EXPECTED, 'utf8'));
    expect(actual).toEqual(expected);
  });
});

describe('the corpus check itself', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdk-bis-corpus-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function writeApp(template: unknown): string {
    const appDir = join(dir, 'some-repo', 'some-app');
    mkdirSync(appDir, { recursive: true });
    writeFileSync(join(appDir, 'manifest.json'), '{}');
    writeFileSync(join(appDir, 'Stack.template.json'), JSON.stringify(template));
    return appDir;
  }

  test('a rule that throws on a corpus resource is reported as a rule exception', () => {
    writeApp({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: {} } } });
    const rule = ALL_RULES.find((candidate) => candidate.resourceTypes.includes('AWS::SQS::Queue'));
    if (!rule) throw new Error('no rule checks AWS::SQS::Queue');
    const check = jest.spyOn(rule, 'check').mockImplementation(() => {
      throw new Error('boom');
    });
    try {
      const [app] = corpusApps(dir);
      expect(scanApp(app).ruleExceptions).toEqual([
        expect.stringMatching(
          new RegExp(`^Stack\\.template\\.json#Queue: ${rule.id} could not evaluate .*boom`),
        ),
      ]);
    } finally {
      check.mockRestore();
    }
  });

  test('a template the scanner cannot read is reported as an input error, not dropped', () => {
    const appDir = writeApp({ Resources: {} });
    writeFileSync(join(appDir, 'Broken.template.json'), '{ "Resources": ');
    const [app] = corpusApps(dir);
    expect(scanApp(app).inputErrors).toEqual([expect.stringMatching(/^Broken\.template\.json/)]);
  });

  test('findings are counted per rule and per app', () => {
    writeApp({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: {} } } });
    const summary = scanCorpus(dir);
    expect(summary).toMatchObject({ apps: 1, stacks: 1, resources: 1 });
    const fired = Object.entries(summary.rules).filter(([, counts]) => counts.findings > 0);
    expect(fired.length).toBeGreaterThan(0);
    for (const [ruleId, counts] of fired) {
      expect(counts).toEqual({ findings: summary.byApp[0].findings[ruleId], apps: 1 });
    }
  });

  test('a corpus folder that is missing or holds no app says where to put it', () => {
    expect(() => corpusApps(join(dir, 'absent'))).toThrow(
      /no corpus at .*absent.*--corpus DIR or CDK_BIS_CORPUS/,
    );
    expect(() => corpusApps(dir)).toThrow(/holds no <repo>\/<app>\/manifest\.json/);
  });
});
