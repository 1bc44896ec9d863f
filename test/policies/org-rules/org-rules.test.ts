import { Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BisChecks } from '../../../policies/bis-checks';
import { defineRule, nonCompliant } from '../../../policies/rules-api';
import { ALL_RULES } from '../../../policies/rules';
import { renderRulesDoc, renderRulesJson } from '../../../policies/rules-doc';
import { evaluateApp, findingsFor, testApp } from '../harness';
import { bucketPrefix, queueName } from './acme-rules';

function appWithBucket(bucketName?: string) {
  const app = testApp();
  const stack = new Stack(app, 'Shop');
  new s3.Bucket(stack, 'Uploads', bucketName !== undefined ? { bucketName } : {});
  new sqs.Queue(stack, 'Jobs');
  return { app, stack };
}

describe('org rules through the BisChecks engine', () => {
  test('an org rule reports beside the BIS rules, at its own level, with its message', () => {
    const { app } = appWithBucket('shop-uploads');
    const findings = evaluateApp(app, { rules: [bucketPrefix, queueName] });
    expect(findingsFor(findings, 'ACME-1')).toEqual([
      {
        path: 'Shop/Uploads/Resource',
        level: 'error',
        message: "BucketName 'shop-uploads' does not start with acme-.",
      },
    ]);
    expect(findingsFor(findings, 'ACME-S3-2')).toEqual([
      { path: 'Shop/Jobs/Resource', level: 'warning', message: 'The queue has no QueueName.' },
    ]);
    expect(findingsFor(findings, 'BIS-DI1').length).toBeGreaterThan(0);
  });

  test('a compliant resource gives no org finding', () => {
    const { app } = appWithBucket('acme-uploads');
    expect(findingsFor(evaluateApp(app, { rules: [bucketPrefix] }), 'ACME-1')).toEqual([]);
  });

  test('levels and disable take org rule IDs', () => {
    const { app } = appWithBucket('shop-uploads');
    const findings = evaluateApp(app, {
      rules: [bucketPrefix, queueName],
      levels: { 'ACME-1': 'warning' },
      disable: ['ACME-S3-2'],
    });
    expect(findingsFor(findings, 'ACME-1').map((finding) => finding.level)).toEqual(['warning']);
    expect(findingsFor(findings, 'ACME-S3-2')).toEqual([]);
  });

  test('an unknown org ID in disable is still an error', () => {
    expect(() => new BisChecks(undefined, { rules: [bucketPrefix], disable: ['ACME-9'] })).toThrow(
      /unknown rule ID in disable: ACME-9/,
    );
  });

  test('BIS::ACME-1 acknowledges an org finding, and the synth report passes', () => {
    const { app, stack } = appWithBucket('shop-uploads');
    Validations.of(stack).acknowledge({ id: 'BIS::ACME-1', reason: 'legacy bucket, renamed in Q3' });
    const findings = evaluateApp(app, { rules: [bucketPrefix], disable: ['BIS-DI1', 'BIS-DI3', 'BIS-BA1'] });
    expect(
      findings.filter((finding) => finding.rule.id === 'ACME-1').map((f) => f.acknowledgedReason),
    ).toEqual(['legacy bucket, renamed in Q3']);
    const report = new BisChecks(undefined, { rules: [bucketPrefix] }).validateScope(app);
    expect(report.violations.map((violation) => violation.ruleName)).not.toContain('ACME-1');
  });

  test('the pack checks acknowledgements of org rules as it checks those of BIS rules', () => {
    const { app, stack } = appWithBucket('acme-uploads');
    Validations.of(stack).acknowledge({ id: 'ACME-1', reason: 'no namespace' });
    Validations.of(stack.node.findChild('Jobs')).acknowledge({
      id: 'BIS::ACME-1',
      reason: 'nothing to accept',
    });
    const messages = evaluateApp(app, { rules: [bucketPrefix] })
      .filter((finding) => finding.rule.id === 'BIS-ACK')
      .map((finding) => finding.message);
    expect(messages).toEqual([
      expect.stringContaining(
        "Acknowledgement id 'ACME-1' is read by CDK as 'Annotation::ACME-1' and suppresses no BIS finding; write id: 'BIS::ACME-1'.",
      ),
      expect.stringContaining('Acknowledgement of ACME-1 matches no finding on Shop/Jobs or below'),
    ]);
  });

  test("the CDK report links an org rule to its own documentation, not to cdk-bis's RULES.md", () => {
    const { app } = appWithBucket('shop-uploads');
    app.synth();
    const report = new BisChecks(undefined, { rules: [bucketPrefix, queueName] }).validateScope(app);
    const acme1 = report.violations.find((violation) => violation.ruleName === 'ACME-1');
    const acme2 = report.violations.find((violation) => violation.ruleName === 'ACME-S3-2');
    expect(acme1?.ruleMetadata).toMatchObject({
      family: 'org',
      diktat: 'Every resource carries the acme- prefix.',
      documentation: 'https://wiki.acme.example/cloud/ACME-1',
    });
    expect(acme2?.ruleMetadata?.documentation).toBeUndefined();
    expect(acme1?.fix).toContain("Validations.of(construct).acknowledge({ id: 'BIS::ACME-1'");
  });
});

describe('org rule IDs are checked at construction', () => {
  const rule = (id: string) => ({ ...bucketPrefix, id }) as typeof bucketPrefix;

  test.each(['acme-1', 'ACME1', 'ACME-', '1ACME-2', 'ACME_1'])(
    'malformed ID %s is an error naming it',
    (id) => {
      expect(() => new BisChecks(undefined, { rules: [rule(id)] })).toThrow(
        new RegExp(`"${id}" is not a valid org rule ID`),
      );
    },
  );

  test('an org rule may not take the BIS- prefix', () => {
    const fake = defineRule(
      '/org/FakeBis.ts',
      { ...bucketPrefix, id: 'BIS-CO99', diktat: undefined, documentation: undefined },
      () => nonCompliant('x'),
    );
    expect(() => new BisChecks(undefined, { rules: [fake] })).toThrow(/rule ID BIS-CO99: BIS- is reserved/);
  });

  test('a duplicate ID is an error naming the ID and both rules', () => {
    const again = defineRule('/elsewhere/OtherBucketRule.ts', { ...bucketPrefix }, () => nonCompliant('x'));
    expect(() => new BisChecks(undefined, { rules: [bucketPrefix, again] })).toThrow(
      'BisChecks: rules: rule ID ACME-1 is defined twice (acme-rules and OtherBucketRule); give each rule its own ID.',
    );
  });

  test('something that is not a rule is an error naming its position', () => {
    expect(() => new BisChecks(undefined, { rules: [bucketPrefix, 'ACME-2' as never] })).toThrow(
      /BisChecks: rules\[1\]: string "ACME-2" is not a rule; build each rule with defineRule/,
    );
    expect(() => new BisChecks(undefined, { rules: bucketPrefix as never })).toThrow(
      /BisChecks: rules must be a list of rules/,
    );
  });

  test('defineRule refuses a malformed org ID, naming it', () => {
    expect(() =>
      defineRule('/org/Bad.ts', { ...bucketPrefix, id: 'Acme-1' }, () => nonCompliant('x')),
    ).toThrow(/"Acme-1" is not a valid org rule ID/);
  });

  test('an org rule is named after its file, wherever the file lives, and belongs to the org family', () => {
    const outside = defineRule(
      '/home/platform/rules/NoPublicBuckets.js',
      { ...bucketPrefix, id: 'ACME-7' },
      () => nonCompliant('x'),
    );
    expect(outside).toMatchObject({ name: 'NoPublicBuckets', family: 'org', diktat: bucketPrefix.diktat });
  });
});

describe('the catalogue with org rules', () => {
  test('Markdown lists the BIS rules, then the org rules under their prefix, from the same metadata', () => {
    const doc = renderRulesDoc([...ALL_RULES, bucketPrefix, queueName]);
    expect(doc).toContain(
      `${ALL_RULES.length} rules, one file each under \`policies/rules/<family>/<RuleName>.ts\`, and 2 org rules of your own.`,
    );
    expect(doc).toContain('| [ACME-1](#acme-1) | acme-rules | error | Bucket names start with acme- |');
    const section = doc.slice(doc.indexOf('## ACME: org rules'));
    expect(section).toContain('### ACME-1 acme-rules: Bucket names start with acme-');
    expect(section).toContain('- **Diktat:** "Every resource carries the acme- prefix."');
    expect(section).toContain('- **Documentation:** https://wiki.acme.example/cloud/ACME-1');
    expect(section).toContain("acknowledge({ id: 'BIS::ACME-S3-2', reason: '...' })");
    // An org rule without a policy of its own cites none, rather than an empty quote.
    expect(section.slice(section.indexOf('### ACME-S3-2'))).not.toContain('**Diktat:**');
  });

  test('JSON carries every rule with its metadata', () => {
    const { rules } = JSON.parse(renderRulesJson([...ALL_RULES, bucketPrefix])) as {
      rules: Record<string, unknown>[];
    };
    expect(rules).toHaveLength(ALL_RULES.length + 1);
    expect(rules[0]).toMatchObject({ id: 'BIS-BA1', family: 'BA', documentation: 'docs/RULES.md#bis-ba1' });
    expect(rules.at(-1)).toEqual({
      id: 'ACME-1',
      name: 'acme-rules',
      family: 'org',
      level: 'error',
      title: bucketPrefix.title,
      diktat: bucketPrefix.diktat,
      rationale: bucketPrefix.rationale,
      fix: bucketPrefix.fix,
      resourceTypes: ['AWS::S3::Bucket'],
      findingsOn: 'resource',
      documentation: 'https://wiki.acme.example/cloud/ACME-1',
      acknowledge: 'BIS::ACME-1',
    });
  });
});
