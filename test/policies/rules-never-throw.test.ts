import { App, CfnCondition, CfnParameter, CfnResource, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { BIS_ROLES, BisRole, type BisRoleName } from '../../lib/roles';
import { AppIndex, indexTemplates } from '../../policies/engine/app-index';
import type { TemplateResource } from '../../policies/engine/template-resource';
import { ALL_RULES } from '../../policies/rules';

/*
 * Property-based proof that no rule throws and that verdicts are deterministic, whatever a
 * template holds: intrinsics anywhere, wrong shapes, CDK tokens, Conditions, overrides.
 */

const rulesDir = join(__dirname, '..', '..', 'policies', 'rules');

/** Every CloudFormation-looking name the rules mention, so generated resources reach deep rule paths. */
function propertyNamesUsedByRules(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(
          /'([A-Z][A-Za-z0-9]{1,40}|aws:[A-Za-z]+)'/g,
        )) {
          names.add(match[1]);
        }
      }
    }
  };
  walk(rulesDir);
  return [...names];
}

const TYPES = [...new Set(ALL_RULES.flatMap((rule) => rule.resourceTypes).filter((type) => type !== '*'))];
const KEYS = [...propertyNamesUsedByRules(), 'Type', 'Status', 'Value', 'Key', 'Name'];
const LOGICAL_IDS = ['ResourceA', 'ResourceB', 'ResourceC', 'ResourceD', 'ResourceE'];

const scalar = fc.oneof(
  fc.constantFrom(
    '*',
    '0.0.0.0/0',
    '::/0',
    'Enabled',
    'Suspended',
    'true',
    'false',
    'HTTP',
    'HTTPS',
    'allow-all',
  ),
  fc.constantFrom(
    'arm64',
    'x86_64',
    'nodejs16.x',
    'nodejs22.x',
    'PROVISIONED',
    'PAY_PER_REQUEST',
    'Delete',
    'Retain',
  ),
  fc.constantFrom(
    'aws:kms',
    'AES256',
    'alias/aws/s3',
    'lambda',
    's3.amazonaws.com',
    'arn:aws:iam::aws:policy/AdministratorAccess',
  ),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -1, max: 70000 }),
  fc.boolean(),
  fc.constant(null),
);

const intrinsic = (value: fc.Arbitrary<unknown>) =>
  fc.oneof(
    fc.constantFrom(...LOGICAL_IDS, 'AWS::Region', 'AWS::NoValue').map((id) => ({ Ref: id })),
    fc
      .tuple(fc.constantFrom(...LOGICAL_IDS), fc.constantFrom('Arn', 'Name'))
      .map((pair) => ({ 'Fn::GetAtt': pair })),
    fc.string({ maxLength: 8 }).map((name) => ({ 'Fn::ImportValue': name })),
    fc.tuple(value, value).map(([a, b]) => ({ 'Fn::If': ['Cond', a, b] })),
    fc.array(value, { maxLength: 3 }).map((parts) => ({ 'Fn::Join': ['', parts] })),
    fc.constantFrom(LOGICAL_IDS[0], LOGICAL_IDS[1]).map((id) => ({ 'Fn::Sub': '/aws/lambda/${' + id + '}' })),
  );

const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    intrinsic(tie('leaf')),
    fc.array(tie('json'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('json'), { maxKeys: 4 }),
  ),
  leaf: scalar,
}));

const resourceEntry = fc.record(
  {
    Type: fc.constantFrom(...TYPES),
    Properties: fc.oneof(fc.dictionary(fc.constantFrom(...KEYS), json, { maxKeys: 6 }), json),
    DeletionPolicy: fc.constantFrom('Delete', 'Retain', 'Snapshot', 'RetainExceptOnDelete'),
    Metadata: fc.dictionary(fc.constantFrom('cdk-bis:portable-function', 'aws:cdk:path', 'cdk_nag'), json, {
      maxKeys: 2,
    }),
    Condition: fc.constant('Cond'),
  },
  { requiredKeys: ['Type'] },
);

const template = fc.record({
  role: fc.constantFrom<BisRoleName>(...BIS_ROLES),
  resources: fc.array(resourceEntry, { minLength: 1, maxLength: 12 }),
});

/** A finding's message reads as a sentence: no doubled word, no "--" range, nothing undefined. */
function expectReadable(ruleId: string, message: string): void {
  const problems = [
    /\b(\w+) \1\b/i.test(message) && `doubled word "${/\b(\w+) \1\b/i.exec(message)?.[0]}"`,
    /\d--/.test(message) && 'a "--" range',
    /\b(undefined|NaN|\[object Object\])\b/.test(message) && 'an undefined value',
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`${ruleId} wrote ${problems.join(', ')}: ${message}`);
}

/** Every verdict of every applicable rule, as comparable strings. Throws if a rule throws. */
function verdicts(index: AppIndex): string[] {
  const out: string[] = [];
  for (const resource of index.resources) out.push(...verdictsOf(resource, index));
  return out;
}

function verdictsOf(resource: TemplateResource, index: AppIndex): string[] {
  return ALL_RULES.filter(
    (rule) => rule.resourceTypes.includes(resource.type) || rule.resourceTypes.includes('*'),
  ).map((rule) => {
    try {
      const verdict = rule.check(resource, index);
      if (verdict.kind === 'non-compliant') expectReadable(rule.id, verdict.message);
      return `${rule.id} ${resource.logicalId} ${JSON.stringify(verdict)}`;
    } catch (error) {
      throw new Error(
        `${rule.id} threw on ${JSON.stringify({ type: resource.type, properties: resource.properties })}: ${error}`,
        { cause: error },
      );
    }
  });
}

function toTemplate(resources: readonly object[]) {
  return {
    Conditions: { Cond: { 'Fn::Equals': ['a', 'b'] } },
    Resources: Object.fromEntries(resources.map((entry, i) => [LOGICAL_IDS[i] ?? `Resource${i}`, entry])),
  };
}

describe('rules never throw and always agree with themselves', () => {
  test('on generated templates with intrinsics, wrong shapes and every role', () => {
    let resourcesChecked = 0;
    fc.assert(
      fc.property(template, ({ role, resources }) => {
        const build = () =>
          indexTemplates([{ path: 'fuzz.template.json', role, template: toTemplate(resources) }]);
        const first = verdicts(build());
        const second = verdicts(build());
        resourcesChecked += resources.length;
        expect(second).toEqual(first);
      }),
      { numRuns: 400, seed: 20261128 },
    );
    expect(resourcesChecked).toBeGreaterThan(2000);
  });

  test('on CDK resources holding tokens, lazies, parameters, conditions and overrides', () => {
    let resourcesChecked = 0;
    fc.assert(
      fc.property(template, fc.array(fc.nat(4), { maxLength: 4 }), ({ role, resources }, overridden) => {
        const build = () => {
          const app = new App();
          const stack = new Stack(app, 'Fuzz');
          BisRole.of(stack).set(role);
          const parameter = new CfnParameter(stack, 'Param', { default: 'x' });
          const condition = new CfnCondition(stack, 'Cond', {
            expression: Fn.conditionEquals(parameter.valueAsString, 'x'),
          });
          const tokens = [
            parameter.valueAsString,
            Lazy.string({ produce: () => 'lazy-value' }),
            Fn.importValue('Shared:Export'),
            Token.asString(Fn.conditionIf(condition.logicalId, 'Enabled', Fn.ref('AWS::NoValue'))),
            Lazy.any({ produce: () => [{ Key: 'bis:owner', Value: parameter.valueAsString }] }),
          ];
          resources.forEach((entry, i) => {
            const properties = withTokens(entry.Properties, tokens, i);
            const resource = new CfnResource(stack, LOGICAL_IDS[i] ?? `Resource${i}`, {
              type: entry.Type,
              properties:
                typeof properties === 'object' && properties !== null && !Array.isArray(properties)
                  ? properties
                  : {},
            });
            resource.overrideLogicalId(LOGICAL_IDS[i] ?? `Resource${i}`);
            if (entry.Condition) resource.cfnOptions.condition = condition;
            if (overridden.includes(i))
              resource.addPropertyOverride('Overridden.Value', tokens[i % tokens.length]);
          });
          return AppIndex.fromConstructTree(app);
        };
        const first = verdicts(build());
        const second = verdicts(build());
        resourcesChecked += resources.length;
        expect(second).toEqual(first);
      }),
      { numRuns: 250, seed: 1128 },
    );
    expect(resourcesChecked).toBeGreaterThan(1000);
  });
});

/** Replace some generated scalars with CDK tokens, deterministically. */
function withTokens(value: unknown, tokens: readonly unknown[], salt: number): unknown {
  if (Array.isArray(value)) return value.map((item, i) => withTokens(item, tokens, salt + i));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner], i) => [key, withTokens(inner, tokens, salt + i + 1)]),
    );
  }
  return salt % 3 === 0 ? tokens[salt % tokens.length] : value;
}
